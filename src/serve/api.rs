//! The JSON API under `/api/` (contract: "Explorer and JSON API"): the graph on a date, a claim
//! with its sources, an entity, events, cohesion series, and the layout the page draws with.
//!
//! Parameters are typed as on the command line (dates as `Date::parse`, entity names through the
//! resolver); only resolved ids, formatted dates and checked fact ids ever reach a query's text.
//! Bad parameters are 400 `{"error": ...}`, unknown ids 404, a request over the server's query
//! timeout 503. Nothing here writes to the store.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{mpsc, Arc, Mutex};

use oxigraph::store::Store;
use petgraph::visit::EdgeRef;
use serde_json::{json, Map, Value};

use super::http::Response;
use super::layout;
use super::Config;
use crate::analyze::{self, cohesion, Step};
use crate::date::Date;
use crate::error::StoreError;
use crate::graph::view::Facts;
use crate::graph::{self, claims, Edge, ViewOptions};
use crate::model::{EntityKind, Word};
use crate::resolve::Resolver;
use crate::sparql::{select, Solution};
use crate::vocab::{BG, FACT, ID, SOURCE};

/// Longest parameter value accepted (an entity name or a date is far shorter).
pub const MAX_PARAM: usize = 200;

/// Why an API request failed.
#[derive(Debug)]
pub enum ApiError {
    /// 400: a bad parameter.
    Bad(String),
    /// 404: no such entity, claim or endpoint.
    NotFound(String),
    /// 503: over the query timeout.
    Timeout(f64),
    /// 500: the store failed.
    Store(StoreError),
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

impl ApiError {
    fn response(self) -> Response {
        let (status, message) = match self {
            Self::Bad(m) => (400, m),
            Self::NotFound(m) => (404, m),
            Self::Timeout(s) => (
                503,
                format!(
                    "the request took longer than {s} s and was cancelled (the server's --timeout)"
                ),
            ),
            Self::Store(e) => (500, e.to_string()),
        };
        json_response(status, &json!({ "error": message }))
    }
}

fn json_response(status: u16, value: &Value) -> Response {
    let mut body = serde_json::to_vec_pretty(value).unwrap_or_default();
    body.push(b'\n');
    Response::new(status, "application/json", body)
}

/// The endpoints, as `GET /api` lists them.
pub const HELP: &str = "blocgraph: the explorer's JSON API and a read-only SPARQL endpoint

GET  /                            the explorer page (state in the URL: ?as_of=D&bloc=B&select=ID)
GET  /api                         this description
GET  /api/view?as_of=D[&bloc=B...][&window=MONTHS]
                                  the graph on a date: nodes, and membership, trade and relation
                                  edges with the claims behind each (window: months of events and
                                  trade before the date, default 24)
GET  /api/claims/ID               a claim (any of its fact ids): its fields, whether its sources
                                  disagree, and each source with its verbatim quote
GET  /api/entity/ID               an entity (id, label or alias): kind, codes, aliases, its claims
GET  /api/events?from=D&to=D[&actor=E][&bloc=B]
                                  events in the period (both ends inclusive, by first day)
GET  /api/cohesion?bloc=B[&bloc=B2...]&from=D&to=D[&step=year|month]
                                  the cohesion index and its components per bloc and date
GET  /api/layout[?bloc=B...]      node positions over the union of all dates (of the blocs and
                                  their members over time, with bloc=), and the date range
Dates are YYYY, YYYY-MM or YYYY-MM-DD. Bad parameters: 400 {\"error\": ...}; unknown ids: 404;
over the server's --timeout: 503.

GET  /queries                     the saved queries, their descriptions and parameters (JSON)
GET  /queries/NAME?PARAM=V&...    run a saved query; parameters as on the command line
                                  (as_of=D for --as-of)
GET  /query?query=SPARQL          the SPARQL 1.1 protocol: a query in the URL,
POST /query                       or as the body (application/sparql-query), or as a form
                                  (application/x-www-form-urlencoded, query=...)

Results: SPARQL JSON by default; application/sparql-results+xml, text/csv,
text/tab-separated-values or text/plain (a table) by the Accept header or
format=json|xml|csv|tsv|table. CONSTRUCT and DESCRIBE answer N-Triples, or Turtle for
Accept: text/turtle. Every query is cancelled after the server's --timeout (503).
";

/// Answers `GET /api/...`; `path` is the part after `/api`.
pub fn route(
    path: &str,
    query: &[(String, String)],
    store: impl Fn() -> Result<Store, StoreError>,
    state: impl Fn() -> Option<String>,
    config: &Config,
) -> Response {
    let endpoint: Endpoint = match path {
        "/view" => view,
        "/events" => events,
        "/cohesion" => cohesion_series,
        "/layout" => layout_json,
        p if p.starts_with("/claims/") => claim,
        p if p.starts_with("/entity/") => entity,
        p => {
            return ApiError::NotFound(format!("no such endpoint /api{p}; GET /api lists them"))
                .response()
        }
    };
    let id = path.splitn(3, '/').nth(2).unwrap_or_default().to_owned();
    let params = match Params::new(query) {
        Ok(p) => p,
        Err(e) => return e.response(),
    };
    let data = match store() {
        Ok(store) => Data { store, state: state() },
        Err(e) => return ApiError::Store(e).response(),
    };
    // The work runs on its own thread so that the caller gets the timeout at the deadline.
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new().name("blocgraph-api".into()).spawn(move || {
        let _ = tx.send(endpoint(&data, &id, &params));
    });
    if let Err(e) = spawned {
        return json_response(500, &json!({ "error": format!("cannot start a thread: {e}") }));
    }
    match rx.recv_timeout(config.timeout) {
        Ok(Ok(value)) => json_response(200, &value),
        Ok(Err(e)) => e.response(),
        Err(_) => ApiError::Timeout(config.timeout.as_secs_f64()).response(),
    }
}

type Endpoint = fn(&Data, &str, &Params) -> Result<Value, ApiError>;

/// What an endpoint reads: the store, opened for this request, and the state it is in.
struct Data {
    store: Store,
    /// See `Source::state`; `None` when it cannot be told (nothing is then kept).
    state: Option<String>,
}

/// What the endpoints derive from the store, kept while the store's state (see
/// `Source::state`) is unchanged: the facts the views are sliced from (0.3 s to read at 1,000
/// countries, most of `/api/view` and `/api/cohesion`), the names blocs resolve by (a store
/// just opened reads them from disk: 0.05 s at 1,000 countries), the newest fact's date
/// (the view's default) and the layout. A date change on the page reads none of them again.
struct Kept<T>(Mutex<Option<(String, Arc<T>)>>);

impl<T> Kept<T> {
    const fn new() -> Self {
        Self(Mutex::new(None))
    }

    /// The value kept for `state`, else `read()` (kept for `state`, when known).
    fn get(
        &self,
        state: Option<&str>,
        read: impl FnOnce() -> Result<T, ApiError>,
    ) -> Result<Arc<T>, ApiError> {
        let Some(state) = state else { return Ok(Arc::new(read()?)) };
        if let Some((kept, value)) = self.0.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            if kept == state {
                return Ok(Arc::clone(value));
            }
        }
        let value = Arc::new(read()?);
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((state.to_owned(), Arc::clone(&value)));
        Ok(value)
    }
}

static FACTS: Kept<Facts> = Kept::new();
static RESOLVER: Kept<Resolver> = Kept::new();
static NEWEST: Kept<Option<Date>> = Kept::new();
static LAYOUT: Kept<Mutex<HashMap<String, Value>>> = Kept::new();

impl Data {
    /// The store's facts ([`graph::view::load`]).
    fn facts(&self) -> Result<Arc<Facts>, ApiError> {
        FACTS.get(self.state.as_deref(), || Ok(graph::view::load(&self.store)?))
    }

    /// The ids of the blocs named (400 with suggestions when one is unknown); the store's
    /// names are read only when a bloc is asked for.
    fn blocs(&self, names: &[String]) -> Result<Vec<String>, ApiError> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        blocs(&*self.resolver()?, names)
    }

    /// The names entities resolve by ([`Resolver::from_store`]).
    fn resolver(&self) -> Result<Arc<Resolver>, ApiError> {
        RESOLVER.get(self.state.as_deref(), || Ok(Resolver::from_store(&self.store)?))
    }

    /// The day of the newest fact in the store, the view's default date.
    fn newest_fact(&self) -> Result<Option<Date>, ApiError> {
        Ok(*NEWEST.get(self.state.as_deref(), || Ok(graph::view::newest_fact(&self.store)?))?)
    }
}

/// A request's query parameters, checked for length; each endpoint says which it takes.
#[derive(Debug, Clone)]
pub struct Params(Vec<(String, String)>);

impl Params {
    fn new(pairs: &[(String, String)]) -> Result<Self, ApiError> {
        if pairs.len() > 50 {
            return Err(ApiError::Bad(format!("{} parameters; at most 50", pairs.len())));
        }
        for (k, v) in pairs {
            if k.chars().count() > 40 || v.chars().count() > MAX_PARAM {
                return Err(ApiError::Bad(format!(
                    "parameter {:?} is too long (at most {MAX_PARAM} characters)",
                    k.chars().take(40).collect::<String>()
                )));
            }
        }
        Ok(Self(pairs.to_vec()))
    }

    /// Fails on a parameter not in `known` (`bloc` etc. may repeat when in `repeatable`).
    fn check(&self, known: &[&str], repeatable: &[&str]) -> Result<(), ApiError> {
        let mut seen = BTreeSet::new();
        for (k, _) in &self.0 {
            if !known.contains(&k.as_str()) {
                return Err(ApiError::Bad(format!(
                    "no parameter {k:?} here; expected {}",
                    known.join(", ")
                )));
            }
            if !seen.insert(k.as_str()) && !repeatable.contains(&k.as_str()) {
                return Err(ApiError::Bad(format!("{k} given twice")));
            }
        }
        Ok(())
    }

    fn one(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    fn all(&self, key: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == key).map(|(_, v)| v.clone()).collect()
    }

    fn date(&self, key: &str) -> Result<Option<Date>, ApiError> {
        self.one(key)
            .map(|v| Date::parse(v).map_err(|e| ApiError::Bad(format!("{key}: {e}"))))
            .transpose()
    }
}

/// Resolves bloc names to ids (400 with suggestions when unknown).
fn blocs(resolver: &Resolver, names: &[String]) -> Result<Vec<String>, ApiError> {
    let mut ids = Vec::new();
    for n in names {
        let id = resolver
            .resolve_kind(n, "bloc", &[EntityKind::Bloc, EntityKind::Organisation])
            .map_err(|e| ApiError::Bad(format!("bloc: {e}")))?
            .id
            .clone();
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

fn short(iri: &str) -> String {
    [ID, FACT, SOURCE].iter().find_map(|ns| iri.strip_prefix(ns)).unwrap_or(iri).to_owned()
}

const PREFIXES: &str = "PREFIX bg: <https://blocgraph.org/ns#> PREFIX org: <http://www.w3.org/ns/org#> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX owl: <http://www.w3.org/2002/07/owl#>";

/// `/api/view`: the graph view of the library, with each edge's claims.
fn view(data: &Data, _: &str, params: &Params) -> Result<Value, ApiError> {
    params.check(&["as_of", "bloc", "window"], &["bloc"])?;
    // The default date is the newest fact in the store, as for the command line.
    let as_of = match params.date("as_of")? {
        Some(d) => d,
        None => data.newest_fact()?.unwrap_or_else(Date::today),
    };
    let window_months = match params.one("window") {
        None => 24,
        Some(w) => w.parse::<u32>().ok().filter(|w| (1..=1200).contains(w)).ok_or_else(|| {
            ApiError::Bad(format!("window: {w:?} is not a number of months from 1 to 1200"))
        })?,
    };
    let bloc_ids = data.blocs(&params.all("bloc"))?;
    // The view is built on the whole graph; the blocs asked for only choose what is shown.
    let view = data.facts()?.view(&ViewOptions { as_of, window_months });
    let shown = view.shown(&bloc_ids);
    // Each edge's claims, looked up by its pair (and a trade figure's period).
    let mut relation_claims: HashMap<(&str, &str), Vec<&str>> = HashMap::new();
    for x in &view.events {
        if let Some(t) = x.counterpart() {
            relation_claims.entry((&x.actor, t)).or_default().push(&x.id);
        }
    }
    let mut trade_claims: HashMap<(&str, &str, &str, &str), Vec<&str>> = HashMap::new();
    for x in &view.trade {
        trade_claims
            .entry((&x.reporter, &x.partner, &x.period_start, &x.period_end))
            .or_default()
            .push(&x.id);
    }
    let mut degree: HashMap<&str, usize> = HashMap::new();
    let mut edges = Vec::new();
    for e in view.graph.edge_references() {
        let (s, t) = (&view.graph[e.source()].id, &view.graph[e.target()].id);
        // ATOP obligations are not drawn by the explorer (its edges are memberships, trade and
        // relations, as the contract's DOM says); `export dot`, `edges` and `gexf` have them.
        let obligation = matches!(e.weight(), Edge::Obligation { .. });
        if obligation || !shown.contains(s) || !shown.contains(t) {
            continue;
        }
        *degree.entry(s).or_default() += 1;
        *degree.entry(t).or_default() += 1;
        let kind = e.weight().kind();
        // Relations and trade figures name the view's own claims; memberships the claims of
        // the spells holding on the date.
        let mut claim_ids: Vec<&str> = match e.weight() {
            Edge::Relation { .. } => {
                relation_claims.get(&(s.as_str(), t.as_str())).cloned().unwrap_or_default()
            }
            Edge::Trade { period_start, period_end, .. } => trade_claims
                .get(&(s.as_str(), t.as_str(), period_start.as_str(), period_end.as_str()))
                .cloned()
                .unwrap_or_default(),
            Edge::Membership { .. } => view
                .membership_claims
                .get(&(s.clone(), t.clone()))
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect(),
            Edge::Obligation { .. } => Vec::new(),
        };
        claim_ids.sort();
        claim_ids.dedup();
        let mut edge = Map::new();
        edge.insert("source".into(), json!(s));
        edge.insert("target".into(), json!(t));
        edge.insert("kind".into(), json!(kind));
        match e.weight() {
            Edge::Membership { role } => {
                edge.insert("role".into(), json!(role));
            }
            Edge::Trade {
                value_usd,
                value_usd_max,
                period_start,
                period_end,
                qualifier,
                status,
            } => {
                edge.insert("value_usd".into(), json!(value_usd));
                edge.insert("qualifier".into(), json!(qualifier));
                edge.insert("period_start".into(), json!(period_start));
                edge.insert("period_end".into(), json!(period_end));
                edge.insert("status".into(), json!(status));
                if let Some(max) = value_usd_max {
                    edge.insert("value_usd_max".into(), json!(max));
                }
            }
            Edge::Relation { events, polarity_sum, friction, neutral, cooperation } => {
                edge.insert("events".into(), json!(events));
                edge.insert("polarity_sum".into(), json!(polarity_sum));
                edge.insert("friction".into(), json!(friction));
                edge.insert("neutral".into(), json!(neutral));
                edge.insert("cooperation".into(), json!(cooperation));
            }
            Edge::Obligation { kinds, .. } => {
                edge.insert("kinds".into(), json!(kinds));
            }
        }
        edge.insert("claims".into(), json!(claim_ids));
        edges.push(Value::Object(edge));
    }
    let nodes: Vec<Value> = view
        .graph
        .node_weights()
        .map(|n| {
            json!({ "id": n.id, "label": n.label, "kind": n.kind.name(),
                    "degree": degree.get(n.id.as_str()).copied().unwrap_or(0) })
        })
        .collect();
    Ok(json!({
        "as_of": view.as_of.to_string(),
        "window_start": view.window_start.to_string(),
        "window": window_months,
        "nodes": nodes,
        "edges": edges,
    }))
}

/// A fact's fields by name: dates as stated (precision kept), entities and roles as ids.
fn fact_fields(store: &Store, fact: &str) -> Result<(String, Map<String, Value>), ApiError> {
    let rows = select(store, &format!("SELECT ?p ?o WHERE {{ <{FACT}{fact}> ?p ?o }}"))?;
    let mut kind = String::new();
    let mut fields = Map::new();
    for r in rows.iter() {
        let object = r.get("o");
        let name = match r.get("p") {
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" => {
                match object.strip_prefix(BG) {
                    Some("Membership") => kind = "membership".into(),
                    Some("TradeFlow") => kind = "trade".into(),
                    Some("Event") => kind = "event".into(),
                    Some(k) if kind.is_empty() && k != "Fact" => kind = k.to_lowercase(),
                    _ => {}
                }
                continue;
            }
            "http://www.w3.org/ns/org#member" => "country",
            "http://www.w3.org/ns/org#organization" => "bloc",
            "http://www.w3.org/ns/org#role" => "role",
            p => match p.strip_prefix(BG) {
                Some("start") => "start",
                Some("end") => "end",
                Some("reporter") => "reporter",
                Some("partner") => "partner",
                Some("periodStart") => "period_start",
                Some("periodEnd") => "period_end",
                Some("valueUsd") => "value_usd",
                Some("valueUsdMax") => "value_usd_max",
                Some("qualifier") => "qualifier",
                Some("status") => "status",
                Some("changePct") => "change_pct",
                Some("date") => "date",
                Some("eventType") => "type",
                Some("actor") => "actor",
                Some("target") => "target",
                Some("bloc") => "bloc",
                Some("polarity") => "polarity",
                Some("summary") => "summary",
                _ => continue,
            },
        };
        let value = match name {
            "role" | "type" => json!(object.rsplit('/').next().unwrap_or_default()),
            "value_usd" | "value_usd_max" | "change_pct" => {
                object.parse::<f64>().map(|v| json!(v)).unwrap_or_else(|_| json!(object))
            }
            "polarity" => object.parse::<i64>().map(|v| json!(v)).unwrap_or_else(|_| json!(object)),
            _ => json!(short(object)),
        };
        fields.insert(name.into(), value);
    }
    Ok((kind, fields))
}

/// Where a source ranks in a claim's `sources`: articles (1), then references (2), then
/// datasets (3). The store's `bg:sourceRank` when it has one (the importer decides what a
/// dataset is: a horizon before publication); else a guess from the id and the horizon.
fn source_rank(id: &str, stored: Option<&str>, horizon: &str) -> u8 {
    if let Some(rank) = stored.and_then(|r| r.parse().ok()) {
        rank
    } else if !horizon.is_empty() {
        3
    } else if id.starts_with("ref-") {
        2
    } else {
        1
    }
}

/// A claim: its primary fact's fields, its facts, whether its sources disagree, its sources.
pub fn claim_json(store: &Store, id: &str) -> Result<Value, ApiError> {
    let Some((claim, facts)) = claims::claim_facts(store, id)? else {
        return Err(ApiError::NotFound(format!(
            "no claim or fact {:?} (ids look like m-0123456789abcdef)",
            id.chars().take(80).collect::<String>()
        )));
    };
    let (kind, fields) = fact_fields(store, &claim)?;
    let values: String = facts.iter().map(|f| format!("<{FACT}{f}> ")).collect();
    let rows = select(store, &format!(
        "{PREFIXES} SELECT ?f ?sid ?title ?publisher ?published ?url ?horizon ?quote ?note ?author ?rank WHERE {{
           VALUES ?f {{ {values} }} ?f prov:wasDerivedFrom ?src .
           ?src bg:id ?sid ; dcterms:title ?title ; dcterms:publisher ?publisher ; dcterms:issued ?published .
           OPTIONAL {{ ?src bg:url ?url }} OPTIONAL {{ ?src bg:horizon ?horizon }} OPTIONAL {{ ?src bg:sourceRank ?rank }} OPTIONAL {{ ?src dcterms:creator ?author }}
           OPTIONAL {{ ?f bg:quote ?quote }} OPTIONAL {{ ?f rdfs:comment ?note }} }}"
    ))?;
    let mut sources: Vec<(u8, String, Value)> = Vec::new();
    let mut stated: Vec<Map<String, Value>> = Vec::new();
    for r in rows.iter() {
        let fact = short(r.get("f"));
        let (_, f) = fact_fields(store, &fact)?;
        stated.push(f.clone());
        let sid = r.get("sid");
        let rank = source_rank(sid, r.opt("rank"), r.get("horizon"));
        let kind = match rank {
            1 => "article",
            2 => "reference",
            _ => "dataset",
        };
        sources.push((
            rank,
            sid.to_owned(),
            json!({
                "id": sid, "kind": kind, "title": r.get("title"), "publisher": r.get("publisher"),
                "published": r.get("published"), "url": r.opt("url"), "horizon": r.opt("horizon"),
                "author": r.opt("author"), "quote": r.opt("quote"), "note": r.opt("note"),
                "fact": fact, "states": f,
            }),
        ));
    }
    sources.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    // Disputed: the sources state different dates, roles, values or qualifiers.
    let compared =
        ["start", "end", "role", "value_usd", "value_usd_max", "qualifier", "date", "polarity"];
    let disputed = compared.iter().any(|k| {
        let mut seen: Vec<Option<&Value>> = stated.iter().map(|f| f.get(*k)).collect();
        seen.dedup();
        seen.len() > 1
    });
    let mut out = Map::new();
    out.insert("id".into(), json!(claim));
    out.insert("kind".into(), json!(kind));
    for (k, v) in fields {
        out.insert(k, v);
    }
    out.insert("facts".into(), json!(facts));
    out.insert("disputed".into(), json!(disputed));
    out.insert("sources".into(), Value::Array(sources.into_iter().map(|s| s.2).collect()));
    Ok(Value::Object(out))
}

fn claim(data: &Data, id: &str, params: &Params) -> Result<Value, ApiError> {
    let store = &data.store;
    params.check(&[], &[])?;
    claim_json(store, id)
}

/// `/api/entity/ID`: label, kind, codes, aliases and the claims that name it.
fn entity(data: &Data, name: &str, params: &Params) -> Result<Value, ApiError> {
    let store = &data.store;
    params.check(&[], &[])?;
    if name.chars().count() > MAX_PARAM {
        return Err(ApiError::Bad(format!(
            "the entity name is too long (at most {MAX_PARAM} characters)"
        )));
    }
    let resolver = data.resolver()?;
    let found = resolver.resolve(name).map_err(|e| ApiError::NotFound(e.to_string()))?;
    let iri = format!("<{ID}{}>", found.id);
    let rows = select(store, &format!(
        "{PREFIXES} SELECT ?alias ?code ?same ?note WHERE {{
           {{ {iri} skos:altLabel ?alias }} UNION {{ {iri} skos:notation ?code }} UNION {{ {iri} owl:sameAs ?same }} UNION {{ {iri} rdfs:comment ?note }} }}"
    ))?;
    let mut aliases = BTreeSet::new();
    let mut codes = Map::new();
    let mut note = None;
    for r in rows.iter() {
        if let Some(alias) = r.opt("alias") {
            aliases.insert(alias.to_owned());
        }
        if let Some(code) = r.opt("code") {
            codes.insert(format!("code{}", codes.len()), json!(code));
        }
        if let Some(q) = r.get("same").strip_prefix(crate::vocab::WIKIDATA) {
            codes.insert("wikidata".into(), json!(q));
        }
        if let Some(n) = r.opt("note") {
            note = Some(n.to_owned());
        }
    }
    let facts = select(
        store,
        &format!("{PREFIXES} SELECT DISTINCT ?f WHERE {{ ?f a bg:Fact ; ?p {iri} }} ORDER BY ?f"),
    )?;
    let facts: Vec<String> = facts.iter().map(|r| short(r.get("f"))).collect();
    let claim_of = claims::claims_of(store, &facts)?;
    let by_claim: BTreeSet<String> =
        facts.iter().map(|f| claim_of.get(f).cloned().unwrap_or_else(|| f.clone())).collect();
    let mut claims_out = Vec::new();
    for c in &by_claim {
        let (kind, fields) = fact_fields(store, c)?;
        let mut m = Map::new();
        m.insert("id".into(), json!(c));
        m.insert("kind".into(), json!(kind));
        m.extend(fields);
        claims_out.push(Value::Object(m));
    }
    Ok(json!({
        "id": found.id, "label": found.label, "kind": found.kind.name(),
        "aliases": aliases, "codes": codes, "note": note, "claims": claims_out,
    }))
}

/// `/api/events`: the events of a period, one row per claim, with their sources.
fn events(data: &Data, _: &str, params: &Params) -> Result<Value, ApiError> {
    let store = &data.store;
    params.check(&["from", "to", "actor", "bloc"], &[])?;
    let from = params.date("from")?;
    let to = params.date("to")?;
    if let (Some(f), Some(t)) = (from, to) {
        if t.first_day().key() < f.first_day().key() {
            return Err(ApiError::Bad(format!("to {t} is before from {f}")));
        }
    }
    let resolver = data.resolver()?;
    let actor = params
        .one("actor")
        .map(|a| {
            resolver
                .resolve(a)
                .map(|e| e.id.clone())
                .map_err(|e| ApiError::Bad(format!("actor: {e}")))
        })
        .transpose()?;
    let bloc = blocs(&resolver, &params.all("bloc"))?.into_iter().next();
    let mut filters = Vec::new();
    if let Some(f) = from {
        filters.push(format!("?day >= \"{}\"^^xsd:date", f.first_day()));
    }
    if let Some(t) = to {
        filters.push(format!("?day <= \"{}\"^^xsd:date", t.first_day()));
    }
    if let Some(a) = &actor {
        filters.push(format!("?a = \"{a}\""));
    }
    if let Some(b) = &bloc {
        filters.push(format!("(?b = \"{b}\" || ?t = \"{b}\" || ?a = \"{b}\")"));
    }
    let filter = if filters.is_empty() {
        String::new()
    } else {
        format!("FILTER({})", filters.join(" && "))
    };
    let rows = select(store, &format!(
        "{PREFIXES} SELECT ?e ?date ?day ?type ?a ?t ?b ?p ?summary ?sid WHERE {{
           ?e a bg:Event ; bg:date ?date ; bg:dateDay ?day ; bg:eventType ?type ; bg:actor/bg:id ?a ; bg:polarity ?p ;
              bg:summary ?summary ; prov:wasDerivedFrom/bg:id ?sid .
           OPTIONAL {{ ?e bg:target/bg:id ?t }} OPTIONAL {{ ?e bg:bloc/bg:id ?b }} {filter} }}
         ORDER BY ?day ?e"
    ))?;
    let rows: Vec<EventRow> = rows.iter().map(EventRow::read).collect();
    let facts: Vec<String> = rows.iter().map(|r| short(&r.event)).collect();
    let claim_of = claims::claims_of(store, &facts)?;
    // One row per claim: the primary fact's row, with every source of the claim.
    let mut order: Vec<String> = Vec::new();
    let mut rows_by_claim: BTreeMap<String, (Option<EventRow>, BTreeSet<String>)> = BTreeMap::new();
    for r in rows {
        let fact = short(&r.event);
        let claim = claim_of.get(&fact).cloned().unwrap_or_else(|| fact.clone());
        let entry = rows_by_claim.entry(claim.clone()).or_insert_with(|| {
            order.push(claim.clone());
            (None, BTreeSet::new())
        });
        entry.1.insert(r.source.clone());
        if fact == claim || entry.0.is_none() {
            entry.0 = Some(r);
        }
    }
    let mut out = Vec::new();
    for claim in order {
        let (Some(r), sources) = rows_by_claim.remove(&claim).unwrap_or_default() else { continue };
        let mut sources: Vec<String> = sources.into_iter().collect();
        sources.sort_by_key(|s| (source_rank(s, None, ""), s.clone()));
        out.push(json!({
            "id": claim, "date": r.date, "day": r.day,
            "type": r.event_type.rsplit('/').next().unwrap_or_default(),
            "actor": r.actor, "target": r.target, "bloc": r.bloc,
            "polarity": r.polarity.parse::<i64>().unwrap_or(0), "summary": r.summary, "sources": sources,
        }));
    }
    Ok(json!({
        "from": from.map(|d| d.to_string()), "to": to.map(|d| d.to_string()),
        "events": out,
    }))
}

/// One answer row of the events query.
struct EventRow {
    event: String,
    date: String,
    day: String,
    event_type: String,
    actor: String,
    target: Option<String>,
    bloc: Option<String>,
    polarity: String,
    summary: String,
    /// The source's id.
    source: String,
}

impl EventRow {
    fn read(r: Solution<'_>) -> Self {
        let owned = |v: &str| r.get(v).to_owned();
        Self {
            event: owned("e"),
            date: owned("date"),
            day: owned("day"),
            event_type: owned("type"),
            actor: owned("a"),
            target: r.opt("t").map(str::to_owned),
            bloc: r.opt("b").map(str::to_owned),
            polarity: owned("p"),
            summary: owned("summary"),
            source: owned("sid"),
        }
    }
}

/// `/api/cohesion`: `analyze cohesion --from --to --step` as JSON.
fn cohesion_series(data: &Data, _: &str, params: &Params) -> Result<Value, ApiError> {
    params.check(&["bloc", "from", "to", "step", "window"], &["bloc"])?;
    let names = params.all("bloc");
    if names.is_empty() {
        return Err(ApiError::Bad("bloc: give at least one bloc (bloc=CSTO)".into()));
    }
    let ids = data.blocs(&names)?;
    let to = params.date("to")?.unwrap_or_else(Date::today);
    let from = params.date("from")?.unwrap_or(to);
    let step = params.one("step").unwrap_or("year");
    let step = <Step as clap::ValueEnum>::from_str(step, false)
        .map_err(|_| ApiError::Bad(format!("step '{step}': expected year or month")))?;
    let window_months = match params.one("window") {
        None => 24,
        Some(w) => w.parse::<u32>().ok().filter(|w| (1..=1200).contains(w)).ok_or_else(|| {
            ApiError::Bad(format!("window: {w:?} is not a number of months from 1 to 1200"))
        })?,
    };
    let dates = analyze::series(from, to, step).map_err(|e| {
        ApiError::Bad(
            e.to_string().replace("--to", "to").replace("--from", "from").replace("--step", "step"),
        )
    })?;
    if dates.len() > 500 {
        return Err(ApiError::Bad(format!(
            "the series has {} dates; at most 500 (use step=year or a shorter period)",
            dates.len()
        )));
    }
    let mut rows = Vec::new();
    // The store is read once; each date's view is sliced from it in memory.
    let facts = data.facts()?;
    for date in dates {
        // The whole graph's view, so a bloc's figures never depend on the others asked for.
        let view = facts.view(&ViewOptions { as_of: date, window_months });
        rows.extend(cohesion::cohesion_of(&view, &ids));
    }
    Ok(json!({ "blocs": ids, "weights": cohesion::WEIGHTS, "rows": rows }))
}

/// `/api/layout`: positions for every country and bloc over the union of all dates, and the
/// range of dates the facts cover (for the slider).
fn layout_json(data: &Data, _: &str, params: &Params) -> Result<Value, ApiError> {
    params.check(&["bloc"], &["bloc"])?;
    let mut bloc_ids = data.blocs(&params.all("bloc"))?;
    bloc_ids.sort();
    // The force layout is most of the explorer's first draw (~1-3 s at 1,000 countries): kept
    // per store state for each choice of blocs (the last 16), so a reload, a second tab or a
    // bloc chosen again draws at once.
    let by_blocs = LAYOUT.get(data.state.as_deref(), || Ok(Mutex::new(HashMap::new())))?;
    let key = bloc_ids.join(",");
    if let Some(kept) = by_blocs.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
        return Ok(kept.clone());
    }
    let store = &data.store;
    let positions = layout::compute(store, &bloc_ids)?;
    let range = select(store, &format!(
        "{PREFIXES} SELECT (MIN(?d) AS ?first) (MAX(?d) AS ?last) WHERE {{
           ?f a bg:Fact . {{ ?f bg:startDay ?d }} UNION {{ ?f bg:endDay ?d }} UNION {{ ?f bg:dateDay ?d }} UNION {{ ?f bg:periodEndDay ?d }} }}"
    ))?;
    let (first, last) = range
        .iter()
        .next()
        .map(|r| (r.get("first").to_owned(), r.get("last").to_owned()))
        .unwrap_or_default();
    let nodes: Vec<Value> = positions
        .into_iter()
        .map(|p| json!({ "id": p.id, "label": p.label, "kind": p.kind.name(), "x": p.x, "y": p.y }))
        .collect();
    let layout = json!({ "first": first, "last": last, "nodes": nodes });
    let mut kept = by_blocs.lock().unwrap_or_else(|p| p.into_inner());
    if kept.len() >= 16 {
        kept.clear();
    }
    kept.insert(key, layout.clone());
    Ok(layout)
}
