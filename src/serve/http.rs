//! HTTP/1.1 for `serve`: one request per connection, a bounded head parsed by `httparse`, bodies
//! by Content-Length only (bounded too), percent-decoding, and plain responses.

use std::io::{BufRead, Read, Write};

/// Largest request line plus headers, in bytes (beyond: 431).
pub const MAX_HEAD: usize = 64 * 1024;
/// Most header lines in a request (beyond: 431).
pub const MAX_HEADERS: usize = 100;

/// A parsed request.
#[derive(Debug)]
pub struct Request {
    pub method: String,
    /// The path, percent-decoded.
    pub path: String,
    /// The query string's pairs, percent-decoded, in order.
    pub query: Vec<(String, String)>,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// A response: a status, a content type and a body.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub headers: Vec<(&'static str, String)>,
}

impl Response {
    pub fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        Self { status, content_type, body: body.into(), headers: Vec::new() }
    }

    /// A plain-text error: the message and a line feed.
    pub fn error(status: u16, message: impl std::fmt::Display) -> Self {
        Self::new(status, "text/plain; charset=utf-8", format!("{message}\n"))
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// Writes the response and asks the client to close the connection.
    pub fn write(&self, out: &mut dyn Write, head_only: bool) -> std::io::Result<()> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
            self.status,
            reason(self.status),
            self.content_type,
            self.body.len()
        );
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        out.write_all(head.as_bytes())?;
        if !head_only {
            out.write_all(&self.body)?;
        }
        out.flush()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

/// Reads one request; a malformed or oversized one is answered with the response to send.
/// The head is read here (bounded by [`MAX_HEAD`] and the socket's timeout) and parsed by
/// `httparse`, the request parser of hyper: a well-kept, fuzzed parser rather than our own.
pub fn read_request(input: &mut dyn BufRead, max_body: usize) -> Result<Request, Response> {
    let mut head = read_head(input)?;
    head.extend_from_slice(b"\r\n\r\n");
    let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut slots);
    let first_line = || {
        let line = head.split(|&b| b == b'\r').next().unwrap_or_default();
        truncate(&String::from_utf8_lossy(line))
    };
    match parsed.parse(&head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => {
            return Err(Response::error(400, "the connection closed before the request was complete"))
        }
        Err(httparse::Error::Version) => {
            let version = first_line().rsplit(' ').next().unwrap_or_default().to_owned();
            return Err(Response::error(505, format!("unsupported protocol {version:?}")));
        }
        Err(httparse::Error::TooManyHeaders) => {
            return Err(Response::error(
                431,
                format!("more than {MAX_HEADERS} header lines; the request line and headers exceed the limit"),
            ))
        }
        Err(httparse::Error::HeaderName | httparse::Error::HeaderValue) => {
            let bad = std::str::from_utf8(&head)
                .ok()
                .and_then(|h| h.split("\r\n").skip(1).find(|l| !l.is_empty() && !l.contains(':')))
                .map(truncate)
                .unwrap_or_default();
            return Err(Response::error(400, format!("malformed header line {bad:?}")));
        }
        Err(_) => {
            return Err(Response::error(400, format!("malformed request line {:?}", first_line())))
        }
    }
    let (Some(method), Some(target)) = (parsed.method, parsed.path) else {
        return Err(Response::error(400, format!("malformed request line {:?}", first_line())));
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(Response::error(400, format!("malformed method {:?}", truncate(method))));
    }
    let mut headers = Vec::new();
    for h in parsed.headers.iter() {
        let value = std::str::from_utf8(h.value)
            .map_err(|_| Response::error(400, "the request head is not UTF-8"))?;
        headers.push((h.name.to_ascii_lowercase(), value.trim().to_owned()));
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if !path.starts_with('/') {
        return Err(Response::error(
            400,
            format!("the request target {:?} is not a path", truncate(target)),
        ));
    }
    let path = decode(path, false)
        .ok_or_else(|| Response::error(400, "the path is not valid percent-encoded UTF-8"))?;
    let query = decode_pairs(query).ok_or_else(|| {
        Response::error(400, "the query string is not valid percent-encoded UTF-8")
    })?;
    let mut request = Request { method: method.to_owned(), path, query, headers, body: Vec::new() };
    if request.header("transfer-encoding").is_some() {
        return Err(Response::error(
            501,
            "chunked request bodies are not supported; send Content-Length",
        ));
    }
    let length = match request.header("content-length") {
        None => 0,
        Some(v) => v
            .parse::<usize>()
            .map_err(|_| Response::error(400, format!("bad Content-Length {:?}", truncate(v))))?,
    };
    if length > max_body {
        return Err(Response::error(
            413,
            format!("the request body is {length} bytes; at most {max_body} are accepted"),
        ));
    }
    request.body = vec![0; length];
    input
        .read_exact(&mut request.body)
        .map_err(|e| Response::error(400, format!("the request body ended early: {e}")))?;
    Ok(request)
}

/// The bytes up to the blank line that ends the head (not included).
fn read_head(input: &mut dyn BufRead) -> Result<Vec<u8>, Response> {
    let mut head = Vec::new();
    loop {
        let before = head.len();
        let n = (&mut *input)
            .take((MAX_HEAD + 1 - before) as u64)
            .read_until(b'\n', &mut head)
            .map_err(|e| Response::error(408, format!("reading the request failed: {e}")))?;
        if head.len() > MAX_HEAD {
            return Err(Response::error(
                431,
                format!("the request line and headers exceed {MAX_HEAD} bytes"),
            ));
        }
        if n == 0 {
            return Err(Response::error(
                400,
                "the connection closed before the request was complete",
            ));
        }
        let line = &head[before..];
        if line == b"\r\n" || line == b"\n" {
            head.truncate(before);
            // Bare line feeds are read as CRLF.
            let text = String::from_utf8_lossy(&head).replace("\r\n", "\n").replace('\n', "\r\n");
            return Ok(text.trim_end().as_bytes().to_vec());
        }
    }
}

fn truncate(text: &str) -> String {
    text.chars().take(80).collect()
}

/// Percent-decodes `text` (`+` as a space when `plus` is set); `None` when malformed or not UTF-8.
pub fn decode(text: &str, plus: bool) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex =
                    bytes.get(i + 1..i + 3).filter(|h| h.iter().all(u8::is_ascii_hexdigit))?;
                out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
                i += 3;
            }
            b'+' if plus => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// `a=1&b=2` (query strings and form bodies), decoded.
pub fn decode_pairs(text: &str) -> Option<Vec<(String, String)>> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Some((decode(k, true)?, decode(v, true)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<Request, u16> {
        read_request(&mut raw.as_bytes(), 100).map_err(|r| r.status)
    }

    #[test]
    fn requests_parse_and_malformed_ones_get_a_status() {
        let r = parse("GET /queries/members?bloc=CSTO&as_of=2024-06-01&x=a%20b+c HTTP/1.1\r\nHost: h\r\nAccept: text/csv\r\n\r\n").unwrap();
        assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/queries/members"));
        assert_eq!(
            r.query,
            [
                ("bloc".into(), "CSTO".into()),
                ("as_of".into(), "2024-06-01".into()),
                ("x".into(), "a b c".into())
            ]
        );
        assert_eq!(r.header("accept"), Some("text/csv"));
        let r = parse("POST /query HTTP/1.1\nContent-Length: 4\n\nASK {}").unwrap();
        assert_eq!(r.body, b"ASK ");
        assert_eq!(parse("GET / HTTP/1.1\r\n").unwrap_err(), 400);
        assert_eq!(parse("GARBAGE\r\n\r\n").unwrap_err(), 400);
        assert_eq!(parse("GET / SPDY/3\r\n\r\n").unwrap_err(), 505);
        assert_eq!(parse("get / HTTP/1.1\r\n\r\n").unwrap_err(), 400);
        assert_eq!(parse("GET http://x/ HTTP/1.1\r\n\r\n").unwrap_err(), 400);
        assert_eq!(parse("GET /%zz HTTP/1.1\r\n\r\n").unwrap_err(), 400);
        assert_eq!(parse("GET /?q=%ff HTTP/1.1\r\n\r\n").unwrap_err(), 400);
        assert_eq!(parse("GET / HTTP/1.1\r\nNoColon\r\n\r\n").unwrap_err(), 400);
        assert_eq!(parse("POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n").unwrap_err(), 413);
        assert_eq!(parse("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n").unwrap_err(), 400);
        assert_eq!(
            parse("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").unwrap_err(),
            501
        );
        assert_eq!(parse("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nshort").unwrap_err(), 400);
        let long = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD));
        assert_eq!(parse(&long).unwrap_err(), 431);
    }

    #[test]
    fn decoding_rejects_bad_escapes_and_non_utf8() {
        assert_eq!(decode("a%2Fb+c", true).as_deref(), Some("a/b c"));
        assert_eq!(decode("a+c", false).as_deref(), Some("a+c"));
        assert_eq!(decode("%", true), None);
        assert_eq!(decode("%4", true), None);
        assert_eq!(decode("%+1", true), None);
        assert_eq!(decode("%c3%28", true), None);
        assert_eq!(decode("%D0%90", true).as_deref(), Some("А"));
    }
}
