//! `blocgraph serve`: the real binary on a real store, spoken to over TCP with raw HTTP.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::workdir::{seeded, Workdir, TEST_SOURCE};

/// A running `serve` on a free port, killed on drop; its log lines are collected.
struct Server {
    child: Child,
    addr: String,
    banner: String,
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    /// The thread that collects the log; it ends when the server's stderr closes (it exited).
    logger: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(w: &Workdir, extra: &[&str]) -> Self {
        let mut args = vec!["serve", "--bind", "127.0.0.1:0"];
        args.extend(extra);
        let mut child = w
            .command(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start serve");
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut banner = String::new();
        stderr.read_line(&mut banner).unwrap();
        let addr = banner
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| panic!("no address in {banner:?}"))
            .to_owned();
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = std::sync::Arc::clone(&log);
        let logger = std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Self { child, addr, banner, log, logger: Some(logger) }
    }

    /// Sends `raw` as is; returns (status, head, body).
    fn send(&self, raw: &[u8]) -> (u16, String, String) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        // The server may answer (and close) before reading everything of an oversized request.
        let _ = stream.write_all(raw);
        let _ = stream.shutdown(std::net::Shutdown::Write);
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        let text = String::from_utf8(response).expect("utf-8 response");
        let (head, body) =
            text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no head in {text:?}"));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {head:?}"));
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("Content-Length: "))
            .expect("Content-Length")
            .parse()
            .unwrap();
        assert_eq!(body.len(), length, "Content-Length disagrees with the body");
        (status, head.to_owned(), body.to_owned())
    }

    fn get(&self, target: &str, accept: Option<&str>) -> (u16, String, String) {
        let accept = accept.map(|a| format!("Accept: {a}\r\n")).unwrap_or_default();
        self.send(format!("GET {target} HTTP/1.1\r\nHost: test\r\n{accept}\r\n").as_bytes())
    }

    fn post(&self, target: &str, content_type: &str, body: &str) -> (u16, String, String) {
        self.send(format!("POST {target} HTTP/1.1\r\nHost: test\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}", body.len()).as_bytes())
    }
}

impl Server {
    /// Waits (up to 10 s) until what the server has logged satisfies `done`. It logs a request
    /// after answering it (and after reading what the client still sends), so a client can
    /// hold its answer before the line is written, and a server stopped then never writes it.
    fn wait_for_log(&self, done: impl Fn(&[String]) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !done(&self.log.lock().unwrap()) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops the server and returns everything it logged (read to the end of its stderr).
    fn stop(mut self) -> Vec<String> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.logger.take().unwrap().join().unwrap();
        self.log.lock().unwrap().clone()
    }

    /// The CPU time (user + system, seconds) the server process has used so far.
    fn cpu_seconds(&self) -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap();
        // Fields after the command's closing parenthesis: state is field 3; utime and stime
        // are fields 14 and 15, in clock ticks (100 a second on Linux).
        let fields: Vec<&str> = stat.rsplit_once(')').unwrap().1.split_whitespace().collect();
        let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
        ticks / 100.0
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Percent-encodes everything but unreserved characters.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn serve_answers_saved_queries_as_the_cli_does() {
    let w = seeded();
    let server = Server::start(&w, &[]);
    assert!(server.banner.contains("query timeout 30 s"), "no default timeout: {}", server.banner);
    for (format, accept, content_type) in [
        ("csv", "text/csv", "text/csv"),
        ("tsv", "text/tab-separated-values", "text/tab-separated-values"),
        ("json", "application/sparql-results+json", "application/sparql-results+json"),
    ] {
        let cli = w.ok(&[
            "query",
            "members",
            "-p",
            "bloc=CSTO",
            "--as-of",
            "2024-06-01",
            "--format",
            format,
        ]);
        let (status, head, body) = server
            .get(&format!("/queries/members?bloc=CSTO&as_of=2024-06-01&format={format}"), None);
        assert_eq!((status, body.as_str()), (200, cli.as_str()), "format={format}");
        assert!(head.contains(&format!("Content-Type: {content_type}")), "{head}");
        let (status, _, body) = server.get(
            "/queries/members?bloc=Collective%20Security%20Treaty%20Organization&as_of=2024-06-01",
            Some(accept),
        );
        assert_eq!((status, body.as_str()), (200, cli.as_str()), "Accept: {accept}");
    }
    let (status, _, body) = server.get("/queries", None);
    assert_eq!(status, 200);
    let listed: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        listed,
        serde_json::from_str::<serde_json::Value>(&w.ok(&["queries", "--format", "json"])).unwrap()
    );
    // The endpoint's description moved to /api; / is the explorer page.
    let (status, _, body) = server.get("/api", None);
    assert!(status == 200 && body.contains("/queries/NAME"), "{body}");
}

#[test]
fn serve_speaks_the_sparql_protocol() {
    let w = seeded();
    let server = Server::start(&w, &[]);
    let text = "PREFIX bg: <https://blocgraph.org/ns#>\nSELECT ?id WHERE { ?b a bg:Bloc ; bg:id ?id } ORDER BY ?id";
    let file = w.write("blocs.rq", format!("{text}\n"));
    let cli = w.ok(&["query", file.to_str().unwrap(), "--format", "json"]);
    let expected: serde_json::Value = serde_json::from_str(&cli).unwrap();
    let answers = [
        server.get(&format!("/query?query={}", encode(text)), None),
        server.post("/query", "application/sparql-query", text),
        server.post(
            "/query",
            "application/x-www-form-urlencoded; charset=utf-8",
            &format!("query={}", encode(text)),
        ),
    ];
    for (status, head, body) in answers {
        assert_eq!(status, 200, "{body}");
        assert!(head.contains("Content-Type: application/sparql-results+json"), "{head}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&body).unwrap(), expected);
        assert!(body.contains("\"CSTO\""), "{body}");
    }
    let (status, _, body) =
        server.get(&format!("/query?query={}", encode("ASK { ?s ?p ?o }")), None);
    assert_eq!((status, body.trim()), (200, r#"{"head":{},"boolean":true}"#));
    let construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3";
    let (status, head, body) = server.get(&format!("/query?query={}", encode(construct)), None);
    assert!(
        status == 200 && head.contains("application/n-triples") && body.lines().count() == 3,
        "{head}\n{body}"
    );
}

#[test]
fn serve_cancels_runaway_queries_and_keeps_serving() {
    let w = seeded();
    let server = Server::start(&w, &["--timeout", "1"]);
    let runaway = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }";
    let cpu = server.cpu_seconds();
    let (status, _, body) = server.get(&format!("/query?query={}", encode(runaway)), None);
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("longer than 1 s"), "{body}");
    // CPU time, not wall-clock time (which grows on a loaded machine): a query that went on
    // computing after its timeout would use far more than this.
    let used = server.cpu_seconds() - cpu;
    assert!(used < 5.0, "the cancelled query used {used:.1} s of CPU time");
    let (status, _, _) = server.get("/queries/members?bloc=CSTO", None);
    assert_eq!(status, 200);
}

#[test]
fn serve_refuses_bad_requests_with_a_status_and_a_reason() {
    let w = seeded();
    let before = w.snapshot();
    let server = Server::start(&w, &["--max-body", "1000"]);
    let insert = "PREFIX bg: <https://blocgraph.org/ns#> INSERT DATA { bg:x bg:y bg:z }";
    let cases: Vec<(u16, (u16, String, String), &str)> = vec![
        (404, server.get("/nowhere", None), "no such endpoint"),
        (404, server.get("/queries/membres", None), "did you mean 'members'"),
        (404, server.get("/queries/..%2F..%2F..%2Fetc%2Fpasswd.rq", None), "unknown query"),
        (400, server.get("/queries/members", None), "needs --param bloc"),
        (400, server.get("/queries/members?bloc=Atlantis", None), "unknown"),
        (400, server.get("/queries/members?bloc=CSTO&as_of=2024-02-30", None), "as_of"),
        (400, server.get("/queries/members?bloc=CSTO&bloc=CIS", None), "given twice"),
        (400, server.get("/queries/members?bloc=CSTO&nope=1", None), "no parameter 'nope'"),
        (400, server.get("/queries/members?bloc=CSTO&format=pdf", None), "unknown format"),
        (406, server.get("/queries/members?bloc=CSTO", Some("image/png")), "cannot answer as"),
        (
            400,
            server.get(&format!("/query?query={}", encode("SELECT WHERE {")), None),
            "SPARQL syntax",
        ),
        (400, server.get("/query", None), "no query"),
        (400, server.get(&format!("/query?query={}", encode(insert)), None), "SPARQL syntax"),
        (403, server.post("/query", "application/sparql-update", insert), "read-only"),
        (
            403,
            server.post(
                "/query",
                "application/x-www-form-urlencoded",
                &format!("update={}", encode(insert)),
            ),
            "read-only",
        ),
        (415, server.post("/query", "text/plain", "ASK {}"), "unsupported Content-Type"),
        (
            405,
            server.send(b"PUT /query HTTP/1.1\r\nContent-Length: 0\r\n\r\n"),
            "method not allowed",
        ),
        (405, server.send(b"DELETE /queries/members HTTP/1.1\r\n\r\n"), "method not allowed"),
        (413, server.post("/query", "application/sparql-query", &"#".repeat(1001)), "at most 1000"),
        (
            431,
            server.send(format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(70_000)).as_bytes()),
            "exceed",
        ),
        (400, server.send(b"\x00\x01garbage\r\n\r\n"), "malformed request line"),
        (400, server.send(b"GET /query?query=%ZZ HTTP/1.1\r\n\r\n"), "percent-encoded"),
        (
            501,
            server.send(b"POST /query HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
            "chunked",
        ),
        (505, server.send(b"GET / HTTP/2.0\r\n\r\n"), "unsupported protocol"),
        (400, server.send(b"GET / HTTP/1.1\r\n"), "closed before"),
    ];
    for (expected, (status, head, body), reason) in cases {
        assert_eq!(status, expected, "{head}\n{body}");
        assert!(body.contains(reason), "status {status}: expected {reason:?} in {body:?}");
        assert!(!body.contains("root:"), "a file was read: {body}");
    }
    assert_eq!(
        server.get("/queries/members?bloc=CSTO", None).0,
        200,
        "the server stopped answering"
    );
    assert!(
        server.log.lock().unwrap().iter().all(|l| !l.contains("panicked")),
        "{:?}",
        server.log.lock().unwrap()
    );
    drop(server);
    assert_eq!(w.snapshot(), before, "the store changed");
}

#[test]
fn serve_sees_imports_made_while_it_runs() {
    let w = seeded();
    let server = Server::start(&w, &[]);
    let csto = |server: &Server| {
        server.get("/queries/members?bloc=CSTO&as_of=2030-01-01&format=csv", None).2
    };
    // The explorer's view keeps the facts it read between requests, for as long as the store
    // is unchanged: asked twice, the second answer comes from what it kept.
    let in_view = |server: &Server| {
        let (status, _, body) = server.get("/api/view?as_of=2030-01-01&bloc=CSTO", None);
        assert_eq!(status, 200, "{body}");
        let view: serde_json::Value = serde_json::from_str(&body).unwrap();
        view["edges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["source"] == "MDA" && e["target"] == "CSTO" && e["kind"] == "membership")
    };
    // So are the names a bloc is looked up by: a bloc the store does not have yet is unknown.
    let new_bloc = |server: &Server| server.get("/api/view?as_of=2030-01-01&bloc=XBLOC", None).0;
    // And the layout: the new bloc gets a position once it has a member.
    let placed = |server: &Server| {
        let (status, _, body) = server.get("/api/layout", None);
        assert_eq!(status, 200, "{body}");
        body.contains("\"XBLOC\"")
    };
    assert!(!placed(&server) && !placed(&server));
    assert!(!csto(&server).contains("MDA"));
    assert!(!in_view(&server) && !in_view(&server));
    assert_eq!((new_bloc(&server), new_bloc(&server)), (400, 400));
    // The server holds no lock between requests: the importer (the one writer) runs meanwhile.
    let sources = w.write("sources.csv", TEST_SOURCE);
    let rows =
        w.write("m.csv", "country,bloc,role,start,source\nMDA,CSTO,observer,2029,test-src\nMDA,XBLOC,member,2029,test-src\n");
    let entities = w.write("e.csv", "id,kind,label\nXBLOC,bloc,Example bloc\n");
    let paths = [&sources, &rows, &entities].map(|p| p.to_str().unwrap().to_owned());
    w.ok(&["import", &paths[0], &paths[1], &paths[2]]);
    assert!(csto(&server).contains("MDA,Moldova,observer,2029"), "{}", csto(&server));
    assert!(in_view(&server), "/api/view still answers from the facts read before the import");
    assert_eq!(new_bloc(&server), 200, "the bloc names were kept from before the import");
    assert!(placed(&server), "the layout was kept from before the import");
}

/// Whether the server has answered (or closed) a connection we never sent a request on: it
/// does so when the client's 10 s to send its request have run out (408).
fn answered(idle: &TcpStream) -> bool {
    idle.set_nonblocking(true).unwrap();
    let mut byte = [0u8; 1];
    let open = matches!(idle.peek(&mut byte), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock);
    idle.set_nonblocking(false).unwrap();
    !open
}

/// Hangs up idle clients and waits until the server has freed their slots: each is answered
/// (400, the request was not complete) and closed, and a request is served again.
fn hang_up(server: &Server, clients: Vec<TcpStream>) {
    for client in clients {
        let _ = client.shutdown(std::net::Shutdown::Write);
        let mut rest = Vec::new();
        let _ = (&client).read_to_end(&mut rest);
    }
    // The slot is released just after the connection closes: poll, bounded by a hang guard.
    let deadline = Instant::now() + Duration::from_secs(60);
    while server.get("/queries/members?bloc=CSTO", None).0 != 200 {
        assert!(Instant::now() < deadline, "the slots never came back");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn serve_slow_clients_neither_block_others_nor_exceed_the_limit() {
    let w = seeded();
    let server = Server::start(&w, &["--max-connections", "2"]);
    // Clients that connect and send nothing hold the slots until the server gives up on them
    // (10 s). No assertion depends on how fast this machine is: a slot freed by that timeout
    // is seen (the idle client has had its answer) and the round is run again.
    for round in 1.. {
        assert!(round <= 5, "five rounds in a row outlasted the 10 s an idle client is given");
        // One idle client holds one of the two slots; a request is still answered...
        let idle = TcpStream::connect(&server.addr).unwrap();
        assert_eq!(server.get("/queries/members?bloc=CSTO", None).0, 200);
        // ...while the idle client held its slot (else the answer proves nothing).
        if answered(&idle) {
            hang_up(&server, vec![idle]);
            continue;
        }
        // With a second idle client, a third connection is turned away at once: the server
        // accepts connections in order, so both idle clients hold their slots by then.
        let idle2 = TcpStream::connect(&server.addr).unwrap();
        let (status, head, body) = server.get("/queries/members?bloc=CSTO", None);
        if status == 200 {
            assert!(
                answered(&idle) || answered(&idle2),
                "a third request was served while two idle clients held both slots"
            );
            hang_up(&server, vec![idle, idle2]);
            continue;
        }
        assert_eq!(status, 503, "{body}");
        assert!(body.contains("busy") && head.contains("Retry-After"), "{head}\n{body}");
        // The slots come back when the idle clients hang up.
        hang_up(&server, vec![idle, idle2]);
        break;
    }
}

#[test]
fn serve_bad_flags_and_busy_ports_are_clear_errors() {
    let w = seeded();
    assert!(w.fails(&["serve", "--timeout", "0"], 2).contains("--timeout 0"));
    assert!(w.fails(&["serve", "--max-connections", "0"], 2).contains("at least 1"));
    let server = Server::start(&w, &[]);
    let e = w.fails(&["serve", "--bind", &server.addr], 1);
    assert!(e.contains(&format!("cannot listen on {}", server.addr)), "{e}");
    assert!(w
        .fails(&["serve", "--bind", "not-an-address"], 1)
        .contains("cannot listen on not-an-address"));
}

/// Sends `raw` and reads the whole response (head and body as sent, unchecked).
fn exchange(addr: &str, raw: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    stream.write_all(raw).unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    String::from_utf8(response).expect("utf-8 response")
}

#[test]
fn serve_head_answers_the_get_head_without_a_body() {
    let w = seeded();
    let server = Server::start(&w, &[]);
    for target in ["/", "/api", "/queries", "/queries/members?bloc=CSTO&format=csv"] {
        let (status, get_head, body) = server.get(target, None);
        assert_eq!(status, 200, "{target}");
        let head = exchange(
            &server.addr,
            format!("HEAD {target} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n").as_bytes(),
        );
        let (head, rest) = head.split_once("\r\n\r\n").expect("a head");
        assert!(head.starts_with("HTTP/1.1 200"), "HEAD {target}: {head}");
        assert!(rest.is_empty(), "HEAD {target} sent a body: {rest:?}");
        let header =
            |h: &str, name: &str| h.lines().find_map(|l| l.strip_prefix(name)).map(str::to_owned);
        assert_eq!(header(head, "Content-Length: "), Some(body.len().to_string()), "HEAD {target}");
        assert_eq!(
            header(head, "Content-Type: "),
            header(&get_head, "Content-Type: "),
            "HEAD {target}"
        );
    }
}

#[test]
fn serve_client_that_stops_sending_gets_408() {
    let w = seeded();
    let server = Server::start(&w, &[]);
    // Half a request line, then nothing: a client has 10 s to send its request.
    let response = exchange(&server.addr, b"GET /queries HTTP/1.1\r\nHost: te");
    assert!(response.starts_with("HTTP/1.1 408"), "{response:?}");
    assert!(response.contains("the request did not arrive within 10 s"), "{response:?}");
    assert_eq!(server.get("/queries", None).0, 200, "the server stopped answering");
}

#[test]
fn serve_quiet_logs_no_requests() {
    let w = seeded();
    let loud = Server::start(&w, &[]);
    let quiet = Server::start(&w, &["-q"]);
    for server in [&loud, &quiet] {
        assert_eq!(server.get("/queries", None).0, 200);
        assert_eq!(server.get("/nowhere", None).0, 404);
    }
    // Both servers were asked the same; once the loud one has logged both requests, the quiet
    // one has had the same time to log anything.
    loud.wait_for_log(|log| log.iter().filter(|l| l.starts_with("GET /")).count() >= 2);
    let (loud, quiet) = (loud.stop(), quiet.stop());
    assert!(loud.iter().any(|l| l.starts_with("GET /queries 200")), "{loud:?}");
    assert!(loud.iter().any(|l| l.starts_with("GET /nowhere 404")), "{loud:?}");
    assert!(quiet.is_empty(), "-q logged: {quiet:?}");
}

#[test]
fn serve_client_that_trickles_its_request_gets_408_after_10_s() {
    let w = seeded();
    let server = Server::start(&w, &[]);
    // A byte every 2 s: each read is quick, but the request never completes. The server must
    // count the 10 s from the connection, not from the last byte, or one slow client per slot
    // holds the server for ever.
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    stream.write_all(b"GET /queries HTTP/1.1\r\nX-Slow: ").unwrap();
    let reader = stream.try_clone().unwrap();
    let gave_up = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let trickling = std::sync::Arc::clone(&gave_up);
    let trickle = std::thread::spawn(move || {
        // Until the server closes the connection, or for 40 s (four times the limit).
        for _ in 0..20 {
            std::thread::sleep(Duration::from_secs(2));
            if stream.write_all(b"a").is_err() {
                return;
            }
        }
        trickling.store(true, std::sync::atomic::Ordering::SeqCst);
    });
    reader.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let mut response = Vec::new();
    let _ = (&reader).read_to_end(&mut response);
    assert!(
        !gave_up.load(std::sync::atomic::Ordering::SeqCst),
        "the server waited as long as the client kept sending (40 s), then answered {:?}",
        String::from_utf8_lossy(&response)
    );
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 408"), "{response:?}");
    assert!(response.contains("the request did not arrive within 10 s"), "{response:?}");
    let _ = reader.shutdown(std::net::Shutdown::Both);
    trickle.join().unwrap();
}
