//! The endpoints of `serve`: `/` (the explorer page), `/api` (what is served) and `/api/...`
//! (the JSON API, in `api`), `/queries` (the saved queries as JSON),
//! `/queries/NAME?PARAM=V` (a saved query) and `/query` (the SPARQL 1.1 protocol, read-only).

use oxigraph::store::Store;

use super::http::{decode_pairs, Request, Response};
use super::Config;
use crate::error::{QueryError, StoreError};
use crate::output::{self, OutputFormat};
use crate::query::{self, saved, Answer};

const TEXT: &str = "text/plain; charset=utf-8";

/// Answers one request; `store` opens the store when the request needs it, `state` says which
/// state it is in (see `Source::state`).
pub fn route(
    request: &Request,
    store: impl Fn() -> Result<Store, StoreError>,
    state: impl Fn() -> Option<String>,
    config: &Config,
) -> Response {
    let read_only = matches!(request.method.as_str(), "GET" | "HEAD");
    match request.path.as_str() {
        "/" if read_only => super::page::index(),
        "/api" if read_only => Response::new(200, TEXT, super::api::HELP),
        path if read_only && path.starts_with("/assets/") => super::page::asset(path),
        path if read_only && path.starts_with("/api/") => {
            super::api::route(&path["/api".len()..], &request.query, store, state, config)
        }
        "/queries" if read_only => match serde_json::to_vec_pretty(&saved::all()) {
            Ok(body) => Response::new(200, "application/json", body),
            Err(e) => Response::error(500, e),
        },
        "/query" if read_only || request.method == "POST" => sparql(request, store, config),
        path if read_only && path.starts_with("/queries/") => {
            saved_query(request, &path["/queries/".len()..], store, config)
        }
        "/" | "/queries" | "/api" => not_allowed("GET, HEAD"),
        path if path.starts_with("/api/") || path.starts_with("/assets/") => {
            not_allowed("GET, HEAD")
        }
        "/query" => not_allowed("GET, HEAD, POST"),
        path if path.starts_with("/queries/") => not_allowed("GET, HEAD"),
        path => Response::error(404, format!("no such endpoint {path:?}; GET /api lists them")),
    }
}

fn not_allowed(allow: &'static str) -> Response {
    Response::error(405, format!("method not allowed here; use {allow}"))
        .with_header("Allow", allow)
}

/// `/queries/NAME`: a saved query by name only (never a file path).
fn saved_query(
    request: &Request,
    name: &str,
    store: impl Fn() -> Result<Store, StoreError>,
    config: &Config,
) -> Response {
    let Some(query) = saved::find(name) else {
        return answer_error(query::unknown_query(name));
    };
    let (params, format) = match split_params(&request.query, &["format"]) {
        Ok(split) => split,
        Err(response) => return response,
    };
    run(
        request,
        &query,
        &format!("queries/{name}.rq"),
        params,
        format.into_iter().next(),
        store,
        config,
    )
}

/// `/query`: the SPARQL 1.1 protocol's query operation (GET, POST direct, POST form).
fn sparql(
    request: &Request,
    store: impl Fn() -> Result<Store, StoreError>,
    config: &Config,
) -> Response {
    let content_type = request
        .header("content-type")
        .map(|t| t.split(';').next().unwrap_or_default().trim().to_ascii_lowercase());
    let mut pairs = request.query.clone();
    let mut text = None;
    if request.method == "POST" {
        match content_type.as_deref() {
            Some("application/sparql-query") => match String::from_utf8(request.body.clone()) {
                Ok(body) => text = Some(body),
                Err(_) => return Response::error(400, "the query is not UTF-8"),
            },
            Some("application/x-www-form-urlencoded") => match std::str::from_utf8(&request.body).ok().and_then(decode_pairs) {
                Some(form) => pairs.extend(form),
                None => return Response::error(400, "the form is not valid percent-encoded UTF-8"),
            },
            Some("application/sparql-update") => return read_only(),
            other => return Response::error(415, format!("unsupported Content-Type {:?}; send application/sparql-query or application/x-www-form-urlencoded", other.unwrap_or("(none)"))),
        }
    }
    if pairs.iter().any(|(k, _)| k == "update") {
        return read_only();
    }
    let (params, mut reserved) =
        match split_params(&pairs, &["query", "format", "default-graph-uri", "named-graph-uri"]) {
            Ok(split) => split,
            Err(response) => return response,
        };
    if reserved.iter().any(|(k, _)| k.ends_with("graph-uri")) {
        return Response::error(400, "default-graph-uri and named-graph-uri are not supported: the store's facts are in its default graph");
    }
    let format = reserved.iter().position(|(k, _)| k == "format").map(|i| reserved.remove(i));
    for (_, q) in reserved.into_iter().filter(|(k, _)| k == "query") {
        if text.replace(q).is_some() {
            return Response::error(400, "give exactly one query");
        }
    }
    let Some(text) = text else {
        return Response::error(
            400,
            "no query: pass query=... (GET /queries lists the saved ones)",
        );
    };
    let query = match saved::parse_header("query", &text) {
        Ok(q) => q,
        Err((line, message)) => return Response::error(400, format!("query:{line}: {message}")),
    };
    run(request, &query, "query", params, format, store, config)
}

fn read_only() -> Response {
    Response::error(
        403,
        "this endpoint is read-only: SPARQL updates are not accepted (use `blocgraph import`)",
    )
}

/// Splits a request's pairs into query parameters and the `reserved` ones; a key given twice
/// is an error, as on the command line.
#[allow(clippy::type_complexity)]
fn split_params(
    pairs: &[(String, String)],
    reserved: &[&str],
) -> Result<(Vec<(String, String)>, Vec<(String, String)>), Response> {
    let mut params = Vec::new();
    let mut kept = Vec::new();
    for (k, v) in pairs {
        if reserved.contains(&k.as_str()) {
            if k != "query" && kept.iter().any(|(n, _): &(String, String)| n == k) {
                return Err(Response::error(400, format!("{k} given twice")));
            }
            kept.push((k.clone(), v.clone()));
        } else {
            params.push((k.clone(), v.clone()));
        }
    }
    Ok((params, kept))
}

/// Runs a query with the server's timeout and writes the answer in the negotiated format.
fn run(
    request: &Request,
    query: &saved::SavedQuery,
    file: &str,
    params: Vec<(String, String)>,
    format: Option<(String, String)>,
    store: impl Fn() -> Result<Store, StoreError>,
    config: &Config,
) -> Response {
    let format = match negotiate(format.as_ref().map(|(_, v)| v.as_str()), request.header("accept"))
    {
        Ok(f) => f,
        Err(response) => return response,
    };
    let store = match store() {
        Ok(s) => s,
        Err(e) => return answer_error(QueryError::Store(e)),
    };
    let q = query::Request {
        query: file.to_owned(),
        params,
        as_of: None,
        timeout: Some(config.timeout),
    };
    let answer = match query::execute(&store, query, file, &q) {
        Ok(a) => a,
        Err(e) => return answer_error(e),
    };
    let mut body = Vec::new();
    let table = match (&answer, format.table) {
        (Answer::Graph(_), _) => None,
        (_, Some(f)) => Some(f),
        (_, None) => {
            return Response::error(406, format!("a SELECT or ASK answer is a table, not a graph: cannot answer as {:?}; ask for application/sparql-results+json, application/sparql-results+xml, text/csv, text/tab-separated-values or text/plain", request.header("accept").unwrap_or_default()))
        }
    };
    let (written, content_type) = match (&answer, table) {
        (Answer::Graph(triples), _) if format.graph == Some(Format::Turtle) => {
            (output::protocol::write_turtle(&mut body, triples), "text/turtle; charset=utf-8")
        }
        (Answer::Graph(triples), _) => {
            (output::write_graph(&mut body, triples), "application/n-triples")
        }
        (_, Some(Format::Xml)) => {
            (output::protocol::write_xml(&mut body, &answer), "application/sparql-results+xml")
        }
        (_, Some(Format::Table(f))) => {
            (output::write_answer(&mut body, &answer, f), content_type(f))
        }
        (_, _) => (
            output::write_answer(&mut body, &answer, OutputFormat::Json),
            content_type(OutputFormat::Json),
        ),
    };
    match written {
        Ok(()) => Response::new(200, content_type, body),
        Err(e) => answer_error(e),
    }
}

fn content_type(format: OutputFormat) -> &'static str {
    match format {
        OutputFormat::Json => "application/sparql-results+json",
        OutputFormat::Csv => "text/csv; charset=utf-8",
        OutputFormat::Tsv => "text/tab-separated-values; charset=utf-8",
        OutputFormat::Table => TEXT,
    }
}

/// What an answer is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Table(OutputFormat),
    Xml,
    /// For graphs; tables refuse it.
    Turtle,
    NTriples,
}

/// The formats a request asks for: the first for tables (SELECT, ASK) and the first for graphs
/// (CONSTRUCT, DESCRIBE) that we serve, by `format=` or else by `Accept` (JSON when neither);
/// an answer of the other kind then falls back as before (a graph to N-Triples).
#[derive(Debug, Clone, Copy)]
struct Wanted {
    table: Option<Format>,
    graph: Option<Format>,
}

fn negotiate(format: Option<&str>, accept: Option<&str>) -> Result<Wanted, Response> {
    let one = |f: Format| {
        Ok(if matches!(f, Format::Turtle | Format::NTriples) {
            Wanted { table: None, graph: Some(f) }
        } else {
            Wanted { table: Some(f), graph: None }
        })
    };
    if let Some(f) = format {
        return match f.to_ascii_lowercase().as_str() {
            "xml" => one(Format::Xml),
            "ttl" | "turtle" => one(Format::Turtle),
            "nt" | "ntriples" | "n-triples" => one(Format::NTriples),
            _ => OutputFormat::parse(f).map(Format::Table).map_or_else(|| {
                Err(Response::error(400, format!("unknown format {f:?}; expected json, xml, csv, tsv, table, turtle or nt")))
            }, one),
        };
    }
    let Some(accept) = accept else { return one(Format::Table(OutputFormat::Json)) };
    let mut wanted = Wanted { table: None, graph: None };
    for media in accept.split(',') {
        let media = media.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        let found = match media.as_str() {
            "application/sparql-results+json" | "application/json" | "*/*" | "application/*" => {
                Some(Format::Table(OutputFormat::Json))
            }
            "application/sparql-results+xml" | "application/xml" | "text/xml" => Some(Format::Xml),
            "text/turtle" | "application/x-turtle" => Some(Format::Turtle),
            "application/n-triples" => Some(Format::NTriples),
            "text/csv" | "text/*" => Some(Format::Table(OutputFormat::Csv)),
            "text/tab-separated-values" => Some(Format::Table(OutputFormat::Tsv)),
            "text/plain" => Some(Format::Table(OutputFormat::Table)),
            _ => None,
        };
        match found {
            Some(f @ (Format::Turtle | Format::NTriples)) => {
                wanted.graph.get_or_insert(f);
            }
            Some(f) => {
                wanted.table.get_or_insert(f);
                // `*/*` and the like also take a graph in its default format.
                if matches!(f, Format::Table(OutputFormat::Json | OutputFormat::Csv)) {
                    wanted.graph.get_or_insert(Format::NTriples);
                }
            }
            None => {}
        }
    }
    if wanted.table.is_some() || wanted.graph.is_some() {
        return Ok(wanted);
    }
    Err(Response::error(406, format!("cannot answer as {accept:?}; results come as application/sparql-results+json, application/sparql-results+xml, text/csv, text/tab-separated-values or text/plain, graphs as application/n-triples or text/turtle")))
}

/// The status for a failed query: 404 unknown query, 400 bad query or parameter, 503 timeout,
/// 500 store failure.
fn answer_error(error: QueryError) -> Response {
    let status = match &error {
        QueryError::UnknownQuery { .. } => 404,
        QueryError::Syntax { .. }
        | QueryError::Header { .. }
        | QueryError::UnknownParam { .. }
        | QueryError::MissingParam { .. }
        | QueryError::BadParam { .. }
        | QueryError::Entity { .. } => 400,
        QueryError::Timeout { .. } => 503,
        QueryError::Read { .. }
        | QueryError::Evaluation(_)
        | QueryError::Write(_)
        | QueryError::Store(_) => 500,
    };
    let message = match error {
        QueryError::Timeout { seconds } => format!(
            "the query took longer than {seconds} s and was cancelled (the server's --timeout)"
        ),
        other => other.to_string(),
    };
    Response::error(status, message)
}
