//! A SPARQL engine that is not this process: any SPARQL 1.1 protocol endpoint (QLever,
//! Virtuoso, Jena Fuseki, GraphDB, oxigraph's server...), read with GET or form POST and JSON
//! results, and written with the SPARQL 1.1 Graph Store HTTP Protocol (`push`).
//!
//! Portability rules kept here (Virtuoso 7.2 is the strictest engine tested):
//! - never a direct `application/sparql-query` POST (Virtuoso hangs on it): GET for short
//!   queries, `application/x-www-form-urlencoded` POST for long ones;
//! - JSON results only (Virtuoso's TSV is not the W3C format), and N-Triples for CONSTRUCT
//!   (Virtuoso's Turtle turns `"5"^^xsd:decimal` into the integer `5`);
//! - `--graph IRI` is sent as the protocol's `default-graph-uri`, so the saved queries never
//!   depend on what an engine's default graph holds (Virtuoso's is the union of all graphs);
//! - a result set cut by the engine (Virtuoso's `ResultSetMaxRows`, announced in the
//!   `X-SPARQL-MaxRows` header) is an error, never a silently shorter answer.
//!
//! Credentials come only from `BLOCGRAPH_ENDPOINT_USER` / `BLOCGRAPH_ENDPOINT_PASSWORD` (HTTP
//! basic authentication); a URL with credentials in it is refused, so no message can show them.

use std::io::Read;
use std::time::Duration;

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{NamedNode, Term, Triple};
use oxigraph::sparql::results::{
    QueryResultsFormat, QueryResultsParser, ReaderQueryResultsParserOutput,
};

use super::Answer;
use crate::error::RemoteError;

/// Above this length (URL-encoded) a query goes by form POST rather than GET.
const GET_LIMIT: usize = 2000;
/// How long connecting may take before the engine counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);
/// CONSTRUCT answers: N-Triples first, as Virtuoso's Turtle writes an integral `xsd:decimal`
/// as a bare number, which reads back as an `xsd:integer`.
const GRAPH_ACCEPT: &str = "application/n-triples, text/turtle;q=0.5";
/// How much of an error response's body is read for the engine's message.
const ERROR_BODY_LIMIT: u64 = 64 * 1024;

/// A SPARQL endpoint's URL and the graph that holds the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub url: String,
    /// `--graph IRI`: the named graph that holds the data (sent as `default-graph-uri`).
    pub graph: Option<String>,
}

impl Endpoint {
    /// Checks the URL (http or https, no credentials in it) and the graph IRI; a message names
    /// the URL as `what` (`--endpoint`, `push URL`).
    pub fn parse(url: &str, graph: Option<&str>, what: &str) -> Result<Self, String> {
        check_url(url, what)?;
        if let Some(g) = graph {
            NamedNode::new(g).map_err(|e| format!("--graph '{g}' is not an IRI: {e}"))?;
        }
        Ok(Self { url: url.to_owned(), graph: graph.map(str::to_owned) })
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.graph {
            None => write!(f, "{}", self.url),
            Some(g) => write!(f, "{} (graph <{g}>)", self.url),
        }
    }
}

/// An http(s) URL without user info; the message names `flag`, never echoes credentials.
pub fn check_url(url: &str, flag: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or_else(|| format!("{flag}: expected an http:// or https:// URL"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Err(format!(
            "{flag}: the URL must not carry credentials; set BLOCGRAPH_ENDPOINT_USER and BLOCGRAPH_ENDPOINT_PASSWORD instead"
        ));
    }
    if authority.is_empty() {
        return Err(format!("{flag}: the URL has no host"));
    }
    url.parse::<ureq::http::Uri>().map_err(|_| format!("{flag}: not a valid URL"))?;
    Ok(())
}

/// A connection to an endpoint (an HTTP agent that keeps connections alive).
pub struct Remote {
    pub endpoint: Endpoint,
    agent: ureq::Agent,
    auth: Option<String>,
}

/// `Authorization: Basic ...` from the environment, when a user is set.
pub fn basic_auth_from_env() -> Option<String> {
    let user = std::env::var("BLOCGRAPH_ENDPOINT_USER").ok().filter(|u| !u.is_empty())?;
    let password = std::env::var("BLOCGRAPH_ENDPOINT_PASSWORD").unwrap_or_default();
    use base64::Engine as _;
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    Some(format!("Basic {token}"))
}

/// An HTTP agent that reports 4xx/5xx as responses (to read the engine's message).
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_connect(Some(CONNECT_TIMEOUT))
        .user_agent(concat!("blocgraph/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

impl Remote {
    pub fn new(endpoint: Endpoint) -> Self {
        Self { endpoint, agent: agent(), auth: basic_auth_from_env() }
    }

    pub(crate) fn error(&self, message: impl Into<String>) -> RemoteError {
        RemoteError { endpoint: self.endpoint.to_string(), message: message.into() }
    }

    /// Runs a query text and returns the engine's answer. `timeout` bounds the whole exchange.
    pub fn run(&self, query: &str, timeout: Option<Duration>) -> Result<Answer, RemoteError> {
        let graph_query = matches!(
            spargebra::SparqlParser::new().parse_query(query),
            Ok(spargebra::Query::Construct { .. } | spargebra::Query::Describe { .. })
        );
        let accept = if graph_query { GRAPH_ACCEPT } else { "application/sparql-results+json" };
        let response = self.send(query, accept, timeout)?;
        if graph_query {
            let mut triples = Vec::new();
            self.read_triples(response, &mut |t| {
                triples.push(t);
                Ok(())
            })?;
            Ok(Answer::Graph(triples))
        } else {
            self.read_results(response)
        }
    }

    /// Every triple of the data graph, streamed to `each` (a CONSTRUCT of `?s ?p ?o`).
    pub fn triples(
        &self,
        each: &mut dyn FnMut(Triple) -> Result<(), RemoteError>,
    ) -> Result<(), RemoteError> {
        let response =
            self.send("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", GRAPH_ACCEPT, None)?;
        self.read_triples(response, each)
    }

    fn send(
        &self,
        query: &str,
        accept: &str,
        timeout: Option<Duration>,
    ) -> Result<ureq::http::Response<ureq::Body>, RemoteError> {
        let mut params: Vec<(&str, &str)> = vec![("query", query)];
        if let Some(g) = &self.endpoint.graph {
            params.push(("default-graph-uri", g.as_str()));
        }
        let encoded: usize = params.iter().map(|(k, v)| k.len() + v.len() * 3 + 2).sum();
        let result = if encoded <= GET_LIMIT {
            let mut request = self.agent.get(&self.endpoint.url).header("Accept", accept);
            for (k, v) in &params {
                request = request.query(*k, *v);
            }
            if let Some(auth) = &self.auth {
                request = request.header("Authorization", auth);
            }
            request.config().timeout_global(timeout).build().call()
        } else {
            let mut request = self.agent.post(&self.endpoint.url).header("Accept", accept);
            if let Some(auth) = &self.auth {
                request = request.header("Authorization", auth);
            }
            request.config().timeout_global(timeout).build().send_form(params)
        };
        let response = result.map_err(|e| self.error(describe(&e, timeout)))?;
        self.check(response)
    }

    /// Turns a 4xx/5xx into the engine's own message; checks the engine did not cut the answer.
    pub fn check(
        &self,
        response: ureq::http::Response<ureq::Body>,
    ) -> Result<ureq::http::Response<ureq::Body>, RemoteError> {
        let status = response.status();
        if status.is_success() {
            if let Some(max) = response.headers().get("X-SPARQL-MaxRows") {
                return Err(self.error(format!(
                    "the engine cut the answer at {} rows (Virtuoso: raise ResultSetMaxRows in the [SPARQL] section of virtuoso.ini)",
                    max.to_str().unwrap_or("?")
                )));
            }
            return Ok(response);
        }
        let body = error_body(response);
        Err(self.error(format!("HTTP {}{}", status.as_u16(), engine_message(&body))))
    }

    fn read_results(
        &self,
        response: ureq::http::Response<ureq::Body>,
    ) -> Result<Answer, RemoteError> {
        let kind = content_type(&response);
        if !kind.contains("json") {
            return Err(self.error(format!(
                "expected SPARQL JSON results, got '{}'",
                if kind.is_empty() { "no content type" } else { &kind }
            )));
        }
        let reader = response.into_body().into_reader();
        let malformed =
            |e: &dyn std::fmt::Display| self.error(format!("malformed or truncated results: {e}"));
        match QueryResultsParser::from_format(QueryResultsFormat::Json)
            .for_reader(reader)
            .map_err(|e| malformed(&e))?
        {
            ReaderQueryResultsParserOutput::Boolean(b) => Ok(Answer::Boolean(b)),
            ReaderQueryResultsParserOutput::Solutions(solutions) => {
                let variables = solutions.variables().to_vec();
                let mut rows = Vec::new();
                for solution in solutions {
                    let solution = solution.map_err(|e| malformed(&e))?;
                    rows.push(
                        variables.iter().map(|v| solution.get(v).cloned().map(canonical)).collect(),
                    );
                }
                Ok(Answer::Solutions { variables, rows })
            }
        }
    }

    fn read_triples(
        &self,
        response: ureq::http::Response<ureq::Body>,
        each: &mut dyn FnMut(Triple) -> Result<(), RemoteError>,
    ) -> Result<(), RemoteError> {
        let kind = content_type(&response);
        let format = if kind.contains("n-triples")
            || kind.contains("ntriples")
            || kind.starts_with("text/plain")
        {
            RdfFormat::NTriples
        } else if kind.contains("turtle") {
            RdfFormat::Turtle
        } else if kind.contains("rdf+xml") {
            RdfFormat::RdfXml
        } else {
            return Err(self.error(format!(
                "expected Turtle or N-Triples, got '{}'",
                if kind.is_empty() { "no content type" } else { &kind }
            )));
        };
        let reader = response.into_body().into_reader();
        for quad in RdfParser::from_format(format).for_reader(reader) {
            let quad = quad.map_err(|e| self.error(format!("malformed or truncated RDF: {e}")))?;
            each(Triple::new(quad.subject, quad.predicate, canonical(quad.object)))?;
        }
        Ok(())
    }
}

/// A numeric or boolean literal in the canonical form the embedded store gives: engines keep
/// the value but not always the text (Virtuoso answers `true` as `1` and `1.5E9` as `1.5e+09`).
pub fn canonical(term: Term) -> Term {
    use oxigraph::model::vocab::xsd;
    use oxigraph::model::Literal;
    use std::str::FromStr;
    let Term::Literal(literal) = &term else { return term };
    let value = literal.value();
    let datatype = literal.datatype();
    let text = if datatype == xsd::BOOLEAN {
        match value {
            "1" | "true" => Some("true".to_owned()),
            "0" | "false" => Some("false".to_owned()),
            _ => None,
        }
    } else if datatype == xsd::INTEGER {
        oxsdatatypes::Integer::from_str(value).ok().map(|v| v.to_string())
    } else if datatype == xsd::DECIMAL {
        oxsdatatypes::Decimal::from_str(value).ok().map(|v| v.to_string())
    } else if datatype == xsd::DOUBLE {
        oxsdatatypes::Double::from_str(value).ok().map(|v| v.to_string())
    } else if datatype == xsd::FLOAT {
        oxsdatatypes::Float::from_str(value).ok().map(|v| v.to_string())
    } else {
        None
    };
    match text {
        Some(t) if t != value => Literal::new_typed_literal(t, datatype.into_owned()).into(),
        _ => term,
    }
}

fn content_type(response: &ureq::http::Response<ureq::Body>) -> String {
    response
        .headers()
        .get("Content-Type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The start of an error response's body, for the engine's message (what cannot be read is
/// left out: the status already says what failed).
pub fn error_body(response: ureq::http::Response<ureq::Body>) -> String {
    let mut body = Vec::new();
    let _ = response.into_body().into_reader().take(ERROR_BODY_LIMIT).read_to_end(&mut body);
    String::from_utf8_lossy(&body).into_owned()
}

/// The first meaningful lines of an error body, on one line (HTML tags dropped), at most 300
/// characters.
pub fn engine_message(body: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(if c.is_control() { ' ' } else { c }),
            _ => {}
        }
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut line = words.join(" ");
    if line.chars().count() > 300 {
        line = line.chars().take(297).collect::<String>() + "...";
    }
    if line.is_empty() {
        String::new()
    } else {
        format!(": {line}")
    }
}

/// What went wrong at the HTTP level, in the user's terms.
pub fn describe(error: &ureq::Error, timeout: Option<Duration>) -> String {
    use ureq::Error as E;
    match error {
        E::Timeout(which) => match (which, timeout) {
            (ureq::Timeout::Connect, _) => {
                format!("no answer to the connection within {} s", CONNECT_TIMEOUT.as_secs())
            }
            (_, Some(limit)) => format!(
                "the query took longer than {} s and was abandoned (raise --timeout)",
                limit.as_secs_f64()
            ),
            (other, None) => format!("timed out ({other:?})"),
        },
        E::HostNotFound => "host not found (DNS lookup failed)".into(),
        E::ConnectionFailed => "cannot connect (refused or unreachable)".into(),
        E::Io(e) => match e.kind() {
            std::io::ErrorKind::ConnectionRefused => "connection refused".into(),
            std::io::ErrorKind::TimedOut => "timed out".into(),
            std::io::ErrorKind::UnexpectedEof | std::io::ErrorKind::ConnectionReset => {
                "the connection closed before the answer was complete".into()
            }
            _ if e.to_string().contains("lookup address") => {
                "host not found (DNS lookup failed)".into()
            }
            _ => format!("network error: {e}"),
        },
        E::BadUri(_) => "not a valid URL".into(),
        E::Tls(e) => format!("TLS failure: {e}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_with_credentials_are_refused_without_echo() {
        let e = check_url("http://u:secret@h/sparql", "--endpoint").unwrap_err();
        assert!(!e.contains("secret"), "{e}");
        assert!(check_url("ftp://h/", "--endpoint").is_err());
        assert!(check_url("http:///x", "--endpoint").is_err());
        check_url("http://127.0.0.1:8890/sparql?x=1", "--endpoint").unwrap();
    }

    #[test]
    fn engine_messages_are_one_line() {
        assert_eq!(
            engine_message(
                "<html><body><h1>Error</h1>\n<p>Virtuoso 37000 Error SP030</p></body></html>"
            ),
            ": Error Virtuoso 37000 Error SP030"
        );
        assert_eq!(engine_message("  \n"), "");
        assert!(engine_message(&"x".repeat(1000)).len() < 310);
    }
}
