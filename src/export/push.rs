//! `push`: writes a store to a SPARQL engine through the SPARQL 1.1 Graph Store HTTP Protocol,
//! in batches of N-Triples.
//!
//! Each target graph is replaced by its first batch (`PUT`) and completed by the others
//! (`POST`), so pushing twice leaves the remote graph as it was, and re-running a push that
//! failed half-way completes it. Triples with blank nodes all go in a graph's first batch: a
//! blank node is scoped to one request, so splitting them would split the node.
//!
//! The store is read one graph at a time and sent as it is read, so memory stays at one batch
//! (plus a graph's blank-node triples) whatever the store's size.

use std::collections::BTreeSet;
use std::time::Duration;

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{GraphNameRef, NamedOrBlankNode, Quad, Term, Triple};
use oxigraph::store::Store;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::error::{RemoteError, StoreError};
use crate::sparql::remote::{self, Endpoint};

/// Where and how to push.
#[derive(Debug, Clone)]
pub struct Target {
    /// The Graph Store Protocol URL (oxigraph's server: `http://HOST:7878/store`) and the
    /// graph: every triple goes to it; without it each graph of the store goes to the graph of
    /// the same name (the default graph to the default graph).
    pub endpoint: Endpoint,
    /// Triples per request (at least 1).
    pub batch: usize,
    /// Per request.
    pub timeout: Option<Duration>,
}

/// What a push did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pushed {
    pub triples: usize,
    pub graphs: usize,
    pub requests: usize,
}

/// Progress after each request: (triples sent so far, total).
pub type Progress<'a> = &'a mut dyn FnMut(usize, usize);

/// Pushes every quad of `store` to `target`.
///
/// # Complexity
/// O(N) to read and send N quads, in N / batch requests; memory O(batch + blank-node triples
/// of one graph).
pub fn push(store: &Store, target: &Target, progress: Progress<'_>) -> Result<Pushed, StoreError> {
    let total = store.len()?;
    let agent = remote::agent();
    let auth = remote::basic_auth_from_env();
    let batch = target.batch.max(1);
    let mut done = Pushed::default();
    // The remote graphs already replaced by this push (None: the default graph).
    let mut replaced: BTreeSet<Option<String>> = BTreeSet::new();
    let mut graphs: Vec<Option<oxigraph::model::NamedOrBlankNode>> = vec![None];
    for g in store.named_graphs() {
        graphs.push(Some(g?));
    }
    for graph in &graphs {
        let source: GraphNameRef<'_> = match graph {
            None => GraphNameRef::DefaultGraph,
            Some(NamedOrBlankNode::NamedNode(n)) => n.as_ref().into(),
            Some(NamedOrBlankNode::BlankNode(b)) => b.as_ref().into(),
        };
        let name = match (&target.endpoint.graph, graph) {
            (Some(g), _) => Some(g.clone()),
            (None, Some(NamedOrBlankNode::NamedNode(n))) => Some(n.as_str().to_owned()),
            (None, _) => None,
        };
        let quads = || store.quads_for_pattern(None, None, None, Some(source));
        // Blank-node triples first, all in one request.
        let mut chunk: Vec<Triple> = Vec::new();
        for quad in quads() {
            let quad = quad?;
            if has_blank(&quad) {
                chunk.push(quad.into());
            }
        }
        let mut send = |chunk: &mut Vec<Triple>| -> Result<(), StoreError> {
            let replace = replaced.insert(name.clone());
            send_batch(&agent, auth.as_deref(), target, name.as_deref(), replace, chunk)?;
            done.requests += 1;
            done.triples += chunk.len();
            progress(done.triples, total);
            chunk.clear();
            Ok(())
        };
        let mut sent_any = false;
        for quad in quads() {
            let quad = quad?;
            if !has_blank(&quad) {
                chunk.push(quad.into());
            }
            if chunk.len() >= batch {
                send(&mut chunk)?;
                sent_any = true;
            }
        }
        if !chunk.is_empty() || !sent_any && graph.is_none() {
            // The rest; and an empty default graph is still replaced (pushing an empty store
            // empties the remote graph, as pushing twice must leave it as the store is).
            send(&mut chunk)?;
        }
    }
    done.graphs = replaced.len();
    Ok(done)
}

fn has_blank(quad: &Quad) -> bool {
    matches!(quad.subject, NamedOrBlankNode::BlankNode(_))
        || matches!(quad.object, Term::BlankNode(_))
}

/// One request: `PUT` (replacing the graph) or `POST` (adding to it).
fn send_batch(
    agent: &ureq::Agent,
    auth: Option<&str>,
    target: &Target,
    graph: Option<&str>,
    replace: bool,
    triples: &[Triple],
) -> Result<(), RemoteError> {
    let url = graph_url(&target.endpoint.url, graph);
    let fail = |message: String| RemoteError { endpoint: target.endpoint.to_string(), message };
    let body = ntriples(triples);
    let request = if replace { agent.put(&url) } else { agent.post(&url) };
    let mut request = request.header("Content-Type", "application/n-triples");
    if let Some(auth) = auth {
        request = request.header("Authorization", auth);
    }
    let response = request
        .config()
        .timeout_global(target.timeout)
        .build()
        .send(&body[..])
        .map_err(|e| fail(remote::describe(&e, target.timeout)))?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let text = remote::error_body(response);
    Err(fail(format!(
        "HTTP {} on {} of graph {}{}",
        status.as_u16(),
        if replace { "PUT" } else { "POST" },
        graph.map_or_else(|| "default".to_owned(), |g| format!("<{g}>")),
        remote::engine_message(&text)
    )))
}

/// What a query-string value keeps as it is: RFC 3986's unreserved characters.
const QUERY_VALUE: &AsciiSet =
    &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The Graph Store Protocol URL of a graph: `?graph=IRI` (percent-encoded) or `?default`.
///
/// ```
/// use blocgraph::export::push::graph_url;
/// assert_eq!(graph_url("http://h/store", None), "http://h/store?default");
/// assert_eq!(graph_url("http://h/store?x=1", Some("urn:g")), "http://h/store?x=1&graph=urn%3Ag");
/// assert_eq!(
///     graph_url("http://h/store", Some("https://a.org/g_1#x")),
///     "http://h/store?graph=https%3A%2F%2Fa.org%2Fg_1%23x"
/// );
/// ```
pub fn graph_url(base: &str, graph: Option<&str>) -> String {
    let sep = if base.contains('?') { '&' } else { '?' };
    match graph {
        None => format!("{base}{sep}default"),
        Some(g) => format!("{base}{sep}graph={}", utf8_percent_encode(g, QUERY_VALUE)),
    }
}

fn ntriples(triples: &[Triple]) -> Vec<u8> {
    let mut writer = RdfSerializer::from_format(RdfFormat::NTriples).for_writer(Vec::new());
    for t in triples {
        writer.serialize_triple(t).expect("writing to memory does not fail");
    }
    writer.finish().expect("writing to memory does not fail")
}
