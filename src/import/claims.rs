//! Claims: the facts of different sources that state the same thing (see `docs/model.md`,
//! "Claims"). Every fact gets one `bg:claim` triple naming its claim's primary fact; the primary
//! carries `bg:disputed`; every membership bounded by an end or by its source's horizon carries
//! `bg:untilDay`, the first day it no longer says the spell holds (so one comparison honours
//! both the stated end and right-censoring).
//!
//! An import recomputes the claims of the groups it touches, inside its own transaction (or, for
//! a bulk import, before its bulk load commits: [`commit_bulk`]): the memberships of every
//! (country, bloc) pair it adds a spell to, the trade figures of every (reporter, partner) pair,
//! the events of every actor.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use oxigraph::model::{GraphName, Literal, NamedNode, Quad, Term};
use oxigraph::sparql::{QueryEvaluationError, QueryResults, SparqlEvaluator};
use oxigraph::store::{Store, Transaction};

use crate::date::{days_in_month, Date, Precision};
use crate::error::ImportError;
use crate::import::feed::{self, Feed};
use crate::model::FactKind;
use crate::vocab;

/// How authoritative a source is when it and others state the same claim: articles first, then
/// curated reference sources (`ref-…`), then datasets. Stored as `bg:sourceRank` 1, 2, 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SourceRank {
    Article = 1,
    Reference = 2,
    Dataset = 3,
}

/// A source's rank: `ref-…` ids are reference sources; a source whose horizon ends before it
/// was published (COW IGO v3: data to 2014, published 2020) is a dataset; anything else (an
/// article, whose horizon is its publication date) is an article.
pub fn source_rank(id: &str, published: Date, horizon: Option<Date>) -> SourceRank {
    if id.starts_with("ref-") {
        SourceRank::Reference
    } else if horizon.is_some_and(|h| day_after(h.last_day()).key() <= published.first_day().key())
    {
        SourceRank::Dataset
    } else {
        SourceRank::Article
    }
}

/// The day after a day (its precision is ignored: pass `last_day()` for a period).
pub fn day_after(d: Date) -> Date {
    let (mut year, mut month, mut day) = (d.year, d.month, d.day + 1);
    if day > days_in_month(year, month) {
        day = 1;
        month += 1;
        if month > 12 {
            month = 1;
            year = year.saturating_add(1);
        }
    }
    Date { year, month, day, precision: Precision::Day }
}

/// The groups an import touches.
#[derive(Debug, Default)]
pub struct Touched {
    /// Recompute everything (an RDF file may add facts of any kind).
    pub all: bool,
    memberships: HashSet<(String, String)>,
    trade: HashSet<(String, String)>,
    events: HashSet<String>,
}

impl Touched {
    /// Notes the group of a fact record from its triples.
    pub fn note(&mut self, quads: &[Quad]) {
        // Called for every fact of an import: no IRI is built to compare with.
        let object = |namespace: &str, local: &str| {
            quads
                .iter()
                .find(|q| q.predicate.as_str().strip_prefix(namespace) == Some(local))
                .map(|q| term_text(&q.object))
        };
        if let (Some(c), Some(b)) =
            (object(vocab::ORG, "member"), object(vocab::ORG, "organization"))
        {
            self.memberships.insert((c, b));
        } else if let (Some(r), Some(p)) =
            (object(vocab::BG, "reporter"), object(vocab::BG, "partner"))
        {
            self.trade.insert((r, p));
        } else if let Some(a) = object(vocab::BG, "actor") {
            self.events.insert(a);
        }
    }

    pub fn is_empty(&self) -> bool {
        !self.all && self.memberships.is_empty() && self.trade.is_empty() && self.events.is_empty()
    }
}

fn term_text(t: &Term) -> String {
    match t {
        Term::NamedNode(n) => n.as_str().to_owned(),
        Term::Literal(l) => l.value().to_owned(),
        other => other.to_string(),
    }
}

/// One fact as the grouping rule sees it.
#[derive(Debug, Clone)]
struct Fact {
    iri: String,
    /// The group the rule compares within: (country, bloc, role), (reporter, partner, period)
    /// or (type, actor, target, bloc).
    key: String,
    /// Its source's id (or IRI, until [`Added::take`] names it): shared by the facts of a
    /// source, which are many.
    source: Arc<str>,
    rank: u8,
    start: Date,
    /// Memberships: the stated end.
    end: Option<Date>,
    /// Memberships: the first day after the source's horizon.
    horizon_end: Option<Date>,
    /// Trade: value, max, qualifier, status; events: polarity.
    value: String,
}

impl Fact {
    fn local(&self) -> &str {
        self.iri.rsplit('/').next().unwrap_or(&self.iri)
    }

    fn order(&self) -> (u8, (u16, u8, u8), &str) {
        (self.rank, self.start.first_day().key(), self.local())
    }

    /// The first day the spell no longer holds by this source: its end, or its horizon.
    fn until(&self) -> Option<Date> {
        self.end.map(Date::first_day).or(self.horizon_end)
    }
}

/// `VALUES` restricting a query to the touched pairs, or nothing when they are many (then
/// every fact of the kind is read and filtered here).
fn values_pairs(vars: (&str, &str), pairs: &HashSet<(String, String)>) -> Option<String> {
    if pairs.len() > 64 {
        return None;
    }
    let rows: Vec<String> = pairs.iter().map(|(a, b)| format!("(<{a}> <{b}>)")).collect();
    Some(format!("VALUES (?{} ?{}) {{ {} }}", vars.0, vars.1, rows.join(" ")))
}

/// Where the claims are read from: the import's transaction (its own writes visible), or the
/// store after a bulk load.
#[derive(Clone, Copy)]
enum Reader<'a, 'b> {
    Transaction(&'a Transaction<'b>),
    Store(&'a Store),
}

impl Reader<'_, '_> {
    fn run(self, query: &str) -> Result<Vec<Vec<Option<Term>>>, ImportError> {
        let prepared = SparqlEvaluator::new()
            .parse_query(query)
            .map_err(|e| QueryEvaluationError::Service(Box::new(e)))?;
        let results = match self {
            Self::Transaction(tx) => prepared.on_transaction(tx).execute()?,
            Self::Store(store) => prepared.on_store(store).execute()?,
        };
        let QueryResults::Solutions(solutions) = results else {
            return Ok(Vec::new());
        };
        let variables = solutions.variables().to_vec();
        let mut rows = Vec::new();
        for s in solutions {
            let s = s?;
            rows.push(variables.iter().map(|v| s.get(v).cloned()).collect());
        }
        Ok(rows)
    }

    /// The hashes ([`iri_hash`]) of the subjects that have `predicate`, unless there are more
    /// than `most`.
    fn subjects(
        self,
        predicate: &NamedNode,
        most: usize,
    ) -> Result<Option<HashSet<u64>>, ImportError> {
        let p = Some(predicate.as_ref());
        let quads: Box<dyn Iterator<Item = Result<Quad, _>>> = match self {
            Self::Transaction(tx) => Box::new(tx.quads_for_pattern(None, p, None, None)),
            Self::Store(store) => Box::new(store.quads_for_pattern(None, p, None, None)),
        };
        let mut hashes = HashSet::new();
        for q in quads {
            if hashes.len() >= most {
                return Ok(None);
            }
            if let oxigraph::model::NamedOrBlankNode::NamedNode(n) = q?.subject {
                hashes.insert(iri_hash(n.as_str()));
            }
        }
        Ok(Some(hashes))
    }

    /// The derived triples `subject` has for `predicate`.
    fn derived(self, subject: &NamedNode, predicate: &NamedNode) -> Result<Vec<Quad>, ImportError> {
        let (s, p) = (Some(subject.as_ref().into()), Some(predicate.as_ref()));
        Ok(match self {
            Self::Transaction(tx) => {
                tx.quads_for_pattern(s, p, None, None).collect::<Result<Vec<_>, _>>()?
            }
            Self::Store(store) => {
                store.quads_for_pattern(s, p, None, None).collect::<Result<Vec<_>, _>>()?
            }
        })
    }
}

fn text(t: &Option<Term>) -> String {
    t.as_ref().map(term_text).unwrap_or_default()
}

fn date(t: &Option<Term>) -> Option<Date> {
    t.as_ref().and_then(|t| Date::parse(&term_text(t)).ok())
}

fn rank(t: &Option<Term>) -> u8 {
    text(t).parse().unwrap_or(SourceRank::Article as u8)
}

/// The namespaces a group key abbreviates (see [`key`]).
const KEY_NAMESPACES: [&str; 3] = [vocab::ID, vocab::ROLE, vocab::EVENT_TYPE];

/// The group key of `parts` (entities, a role, an event type), each as its text joined by `|`:
/// the rule compares facts within one key, and an import holds one per added fact until its
/// claims are derived, so an IRI in one of [`KEY_NAMESPACES`] is kept as a marker character
/// (`\u{1}`..) and its local name (~20 bytes where the IRIs took ~100, a million times). A
/// text that itself begins with a character below `\u{4}` is escaped with `\u{0}`, so two
/// different terms never give the same part.
fn key(parts: &[&Option<Term>]) -> String {
    let mut key = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            key.push('|');
        }
        let text = text(part);
        let short = KEY_NAMESPACES.iter().zip(['\u{1}', '\u{2}', '\u{3}']).find_map(|(ns, c)| {
            matches!(part, Some(Term::NamedNode(_)))
                .then(|| text.strip_prefix(ns))
                .flatten()
                .map(|local| (c, local))
        });
        match short {
            Some((marker, local)) => {
                key.push(marker);
                key.push_str(local);
            }
            None => {
                if text.starts_with(['\u{0}', '\u{1}', '\u{2}', '\u{3}']) {
                    key.push('\u{0}');
                }
                key.push_str(&text);
            }
        }
    }
    key
}

/// A membership from a row of its claims read ([`columns`]): the fact, country, bloc, role,
/// start, end, then the source's id, rank and horizon's end.
fn membership_fact(r: &[Option<Term>]) -> Option<Fact> {
    Some(Fact {
        iri: text(&r[0]),
        key: key(&[&r[1], &r[2], &r[3]]),
        source: text(&r[6]).into(),
        rank: rank(&r[7]),
        start: date(&r[4])?,
        end: date(&r[5]),
        horizon_end: date(&r[8]),
        value: String::new(),
    })
}

/// A trade figure from a row of its claims read ([`columns`]): the fact, reporter, partner,
/// period, value, maximum, qualifier, status, then the source's id and rank.
fn trade_fact(r: &[Option<Term>]) -> Option<Fact> {
    let (ps, pe) = (date(&r[3])?, date(&r[4])?);
    Some(Fact {
        iri: text(&r[0]),
        key: format!("{}|{}|{}", key(&[&r[1], &r[2]]), ps.first_day(), pe.last_day()),
        source: text(&r[9]).into(),
        rank: rank(&r[10]),
        start: ps,
        end: None,
        horizon_end: None,
        value: format!("{}|{}|{}|{}", text(&r[5]), text(&r[6]), text(&r[7]), text(&r[8])),
    })
}

/// An event from a row of its claims read ([`columns`]): the fact, actor, type, target, bloc,
/// date, polarity, then the source's id and rank.
fn event_fact(r: &[Option<Term>]) -> Option<Fact> {
    Some(Fact {
        iri: text(&r[0]),
        key: key(&[&r[1], &r[2], &r[3], &r[4]]),
        source: text(&r[7]).into(),
        rank: rank(&r[8]),
        start: date(&r[5])?,
        end: None,
        horizon_end: None,
        value: text(&r[6]),
    })
}

/// The quad a bulk import loads with its facts, naming the import (`id`): while it is in the
/// store without the matching [`done_marker`], the facts are there without their claims. Both
/// live in their own named graph (`bg:import`), which no saved query reads; together they
/// record the bulk imports made.
///
/// The end is marked by adding a quad in a bulk load, not by removing one in a transaction: a
/// reader opening the store read-only reads RocksDB's manifest (bulk loads) and then its log
/// (transactions), so it could see a later transaction without an earlier bulk load, but never
/// a later bulk load without an earlier transaction.
pub fn pending_marker(id: &str) -> Quad {
    marker("bulkImportStarted", id)
}

/// The quad that ends a bulk import begun with [`pending_marker`].
fn done_marker(id: &str) -> Quad {
    marker("bulkImportClaimed", id)
}

fn marker(predicate: &str, id: &str) -> Quad {
    Quad::new(vocab::bg("store"), vocab::bg(predicate), Literal::from(id), vocab::bg("import"))
}

/// A name for a bulk import, unique on this machine: the time and the process.
pub fn bulk_import_id() -> String {
    let now =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    format!("{}.{:09}-{}", now.as_secs(), now.subsec_nanos(), std::process::id())
}

/// The bulk imports whose claims are still to be written (see [`pending_marker`]).
fn pending(store: &Store) -> Result<Vec<String>, oxigraph::store::StorageError> {
    let started = vocab::bg("bulkImportStarted");
    let graph = vocab::bg("import");
    let mut ids = Vec::new();
    for q in
        store.quads_for_pattern(None, Some(started.as_ref()), None, Some(graph.as_ref().into()))
    {
        if let Term::Literal(id) = q?.object {
            if !store.contains(&done_marker(id.value()))? {
                ids.push(id.value().to_owned());
            }
        }
    }
    Ok(ids)
}

/// Whether a bulk import's claims are still to be written (see [`pending_marker`]).
pub fn is_pending(store: &Store) -> Result<bool, oxigraph::store::StorageError> {
    Ok(!pending(store)?.is_empty())
}

/// Completes a store a bulk import left without its claims (killed between its commits):
/// recomputes every claim and marks every pending import done.
pub fn complete(store: &Store) -> Result<(), ImportError> {
    let ids = pending(store)?;
    recompute_after_bulk(store, &Touched { all: true, ..Touched::default() }, &ids)
}

/// The kinds of fact that form claims, in the order they are recomputed.
const CLAIMED: [FactKind; 3] = [FactKind::Memberships, FactKind::Trade, FactKind::Events];

/// A kind's class and the properties the claims read takes from each of its facts, in the
/// order of its row after the fact itself (`?c0`, `?c1`, ...; a trailing `?` marks an optional
/// one); the source's columns follow (`?src ?rank`, and for memberships `?hend`). The read
/// ([`read_query`]) and the facts an import adds ([`Added::note`]) both follow it.
fn columns(kind: FactKind) -> (&'static str, &'static str) {
    match kind {
        FactKind::Memberships => {
            ("bg:Membership", "org:member org:organization org:role bg:start bg:end?")
        }
        FactKind::Trade => (
            "bg:TradeFlow",
            "bg:reporter bg:partner bg:periodStart bg:periodEnd bg:valueUsd bg:valueUsdMax? bg:qualifier bg:status",
        ),
        _ => ("bg:Event", "bg:actor bg:eventType bg:target? bg:bloc? bg:date bg:polarity"),
    }
}

/// A property of [`columns`]: its namespace, local name, and whether it is required.
fn column(text: &str) -> (&'static str, &str, bool) {
    let (name, required) = match text.strip_suffix('?') {
        Some(name) => (name, false),
        None => (text, true),
    };
    match name.split_once(':') {
        Some(("org", local)) => (vocab::ORG, local, required),
        Some((_, local)) => (vocab::BG, local, required),
        None => (vocab::BG, name, required),
    }
}

/// The claims read of one kind of fact ([`columns`]) with its source's id (`?src`), restricted
/// by `restrict` (a `VALUES` of the touched groups) when not empty. Restricted, the triples are
/// looked up from it; a read of every fact of the kind (a large import) joins tables
/// ([`crate::sparql::fact_query`]), as `query::specialize` does for saved queries that list
/// everything (rewrite 6).
fn read_query(kind: FactKind, restrict: &str) -> String {
    let (class, properties) = columns(kind);
    let mut select = String::from("?f");
    let mut required: Vec<String> = std::iter::once(restrict)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .chain([format!("?f a {class}")])
        .collect();
    let mut optional = Vec::new();
    for (i, property) in properties.split(' ').enumerate() {
        select.push_str(&format!(" ?c{i}"));
        match property.strip_suffix('?') {
            Some(p) => optional.push(format!("?f {p} ?c{i}")),
            None => required.push(format!("?f {property} ?c{i}")),
        }
    }
    required.push("?f prov:wasDerivedFrom ?s".to_owned());
    select.push_str(" ?src ?rank");
    optional.extend(["?s bg:id ?sid".to_owned(), "?s bg:sourceRank ?rank".to_owned()]);
    if kind == FactKind::Memberships {
        select.push_str(" ?hend");
        optional.push("?s bg:horizonEndDay ?hend".to_owned());
    }
    let required: Vec<&str> = required.iter().map(String::as_str).collect();
    let optional: Vec<&str> = optional.iter().map(String::as_str).collect();
    let optional: Vec<&[&str]> = optional.iter().map(std::slice::from_ref).collect();
    crate::sparql::fact_query(
        restrict.is_empty(),
        &select,
        &required,
        &optional,
        "BIND(COALESCE(?sid, STR(?s)) AS ?src)",
    )
}

/// A fact of `kind` from a row of its claims read.
fn fact_of(kind: FactKind, row: &[Option<Term>]) -> Option<Fact> {
    match kind {
        FactKind::Memberships => membership_fact(row),
        FactKind::Trade => trade_fact(row),
        _ => event_fact(row),
    }
}

/// What a source states that the claims read uses: its `bg:id`, `bg:sourceRank` and
/// `bg:horizonEndDay` values.
#[derive(Default)]
struct SourceValues([Vec<Term>; 3]);

const SOURCE_PROPERTIES: [&str; 3] = ["id", "sourceRank", "horizonEndDay"];

/// The facts and source triples an import adds, as the claims read would find them once stored.
/// A bulk import derives its claims from these and the store's older facts before it commits
/// ([`commit_bulk`]), so that the facts and their claims go into one bulk load and the facts
/// are not read back. Built from the new triples of each checked record ([`Added::note`]).
#[derive(Default)]
pub struct Added {
    memberships: Vec<Fact>,
    trade: Vec<Fact>,
    events: Vec<Fact>,
    /// New source triples by subject.
    sources: HashMap<String, SourceValues>,
    /// Each added fact's source (by IRI): its id (or IRI), rank and horizon's end, once read.
    resolved: HashMap<Arc<str>, (Arc<str>, u8, Option<Date>)>,
    /// The added facts' sources, each IRI held once.
    source_iris: HashSet<Arc<str>>,
    /// A record this cannot mirror row for row (a property stated twice, a blank node): the
    /// claims are then read back from the store after the load, as for an RDF input.
    inexact: bool,
}

impl Added {
    /// Notes the new triples of one checked record (an entity, a source or a fact).
    pub fn note(&mut self, quads: &[Quad]) {
        for q in quads.iter().filter(|q| q.graph_name.is_default_graph()) {
            let Some(i) = q
                .predicate
                .as_str()
                .strip_prefix(vocab::BG)
                .and_then(|local| SOURCE_PROPERTIES.iter().position(|p| *p == local))
            else {
                continue;
            };
            // bg:id is every entity's too; only a source's is wanted, and a source record
            // always brings its rank (or only other triples, when it is already stored).
            let ranked =
                |o: &&Quad| o.predicate.as_str().strip_prefix(vocab::BG) == Some("sourceRank");
            if i == 0 && !quads.iter().any(|o| ranked(&o)) {
                continue;
            }
            let entry = self.sources.entry(term_text_subject(&q.subject)).or_default();
            entry.0[i].push(q.object.clone());
        }
        let Some(first) = quads.first() else { return };
        let kind = quads.iter().find_map(|q| {
            if q.subject != first.subject || q.predicate.as_str() != vocab::RDF_TYPE {
                return None;
            }
            let Term::NamedNode(class) = &q.object else { return None };
            let local = class.as_str().strip_prefix(vocab::BG)?;
            CLAIMED.into_iter().find(|&k| columns(k).0.strip_prefix("bg:") == Some(local))
        });
        let Some(kind) = kind else { return };
        let oxigraph::model::NamedOrBlankNode::NamedNode(subject) = &first.subject else {
            self.inexact = true;
            return;
        };
        let one = |ns: &str, local: &str| -> Result<Option<Term>, ()> {
            let mut values = quads.iter().filter(|q| {
                q.subject == first.subject
                    && q.graph_name.is_default_graph()
                    && q.predicate.as_str().strip_prefix(ns) == Some(local)
            });
            match (values.next(), values.next()) {
                (first, None) => Ok(first.map(|q| q.object.clone())),
                _ => Err(()),
            }
        };
        let mut row: Vec<Option<Term>> = vec![Some(subject.clone().into())];
        let properties = columns(kind).1.split(' ').map(column);
        for (ns, local, required) in properties.chain([(vocab::PROV, "wasDerivedFrom", true)]) {
            match one(ns, local) {
                Ok(Some(value)) => row.push(Some(value)),
                // A fact the read's required patterns would not match is not read either.
                Ok(None) if required => return,
                Ok(None) => row.push(None),
                Err(()) => {
                    self.inexact = true;
                    return;
                }
            }
        }
        // The source's rank and horizon, filled in by `resolve`.
        row.extend([None, None]);
        let fact = fact_of(kind, &row).map(|mut f| {
            match self.source_iris.get(&f.source) {
                Some(shared) => f.source = Arc::clone(shared),
                None => {
                    self.source_iris.insert(Arc::clone(&f.source));
                }
            }
            f
        });
        match kind {
            FactKind::Memberships => self.memberships.extend(fact),
            FactKind::Trade => self.trade.extend(fact),
            _ => self.events.extend(fact),
        }
    }

    /// Reads what the store states about the added facts' sources (before the import's own
    /// triples are in it); false when a source has two values of one property (the claims read
    /// would then give a fact twice: the caller reads back instead).
    fn resolve(&mut self, store: &Store) -> Result<bool, ImportError> {
        for iri in &self.source_iris {
            let mut values: [Vec<Term>; 3] =
                self.sources.get(&**iri).map(|s| s.0.clone()).unwrap_or_default();
            if let Ok(subject) = NamedNode::new(&**iri) {
                for (i, local) in SOURCE_PROPERTIES.iter().enumerate() {
                    let p = vocab::bg(local);
                    for q in store.quads_for_pattern(
                        Some(subject.as_ref().into()),
                        Some(p.as_ref()),
                        None,
                        Some(oxigraph::model::GraphNameRef::DefaultGraph),
                    ) {
                        let object = q?.object;
                        if !values[i].contains(&object) {
                            values[i].push(object);
                        }
                    }
                }
            }
            if values.iter().any(|v| v.len() > 1) {
                return Ok(false);
            }
            let [id, rank_value, horizon_end] = values.map(|v| v.into_iter().next());
            let source = id.as_ref().map_or_else(|| Arc::clone(iri), |id| term_text(id).into());
            self.resolved.insert(Arc::clone(iri), (source, rank(&rank_value), date(&horizon_end)));
        }
        Ok(true)
    }

    /// Takes the added facts of a kind, each with its source's id, rank and (for a
    /// membership) the end of its horizon, as the claims read gives them.
    fn take(&mut self, kind: FactKind) -> Vec<Fact> {
        let mut facts = std::mem::take(match kind {
            FactKind::Memberships => &mut self.memberships,
            FactKind::Trade => &mut self.trade,
            _ => &mut self.events,
        });
        for f in &mut facts {
            if let Some((source, rank, horizon_end)) = self.resolved.get(&f.source) {
                f.source = Arc::clone(source);
                f.rank = *rank;
                if kind == FactKind::Memberships {
                    f.horizon_end = *horizon_end;
                }
            }
        }
        facts
    }
}

fn term_text_subject(s: &oxigraph::model::NamedOrBlankNode) -> String {
    match s {
        oxigraph::model::NamedOrBlankNode::NamedNode(n) => n.as_str().to_owned(),
        other => other.to_string(),
    }
}

/// Commits a bulk import whose new triples `feed` has been given. When the facts it adds are
/// all known ([`Added`]: not an RDF input), their claims and the changes to older facts'
/// claims are derived from them and the store's older facts while the loader writes the facts,
/// and go in the same bulk load (with both markers when no older claim changes: one atomic
/// commit). Otherwise the facts are committed first and their claims read back
/// ([`recompute_after_bulk`]). Returns how many quads went through `feed`'s loader: the facts,
/// and their claims' triples when derived here.
pub(crate) fn commit_bulk<'scope, 'env>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    store: &'env Store,
    mut feed: Feed<'scope, 'env>,
    touched: &Touched,
    mut added: Added,
) -> Result<u64, ImportError> {
    // The marker loaded with the facts says their claims are not complete yet: readers wait
    // until the import is marked done, and a store left unmarked (a kill in between) is
    // completed by the next open (`complete`).
    let id = bulk_import_id();
    feed.add(pending_marker(&id))?;
    // The loader's threads write the facts' table files while the claims are derived here.
    let facts = feed.added();
    let loader = feed.finish()?;
    if touched.all || added.inexact || !added.resolve(store)? {
        loader.commit()?;
        recompute_after_bulk(store, touched, &[id])?;
        return Ok(facts);
    }
    let mut feed = Feed::start(scope, loader);
    let derived = derive(Reader::Store(store), touched, Some(&mut added), &mut |q| feed.add(q))?;
    drop(added);
    let changes = !derived.remove.is_empty() || !derived.add.is_empty();
    if !changes {
        feed.add(done_marker(&id))?;
    }
    let loaded = facts + feed.added();
    feed.finish()?.commit()?;
    if changes {
        derived.commit(store)?;
        let mut loader = feed::loader(store);
        loader.load_quads([done_marker(&id)])?;
        loader.commit()?;
    }
    Ok(loaded)
}

/// The derived triples to write and to remove.
#[derive(Default)]
struct Derived {
    /// Old derived triples no longer true.
    remove: Vec<Quad>,
    /// New derived triples of facts that already had some (written in a transaction).
    add: Vec<Quad>,
}

impl Derived {
    /// Writes the changes to older facts' claims in one transaction (none when there are none).
    fn commit(&self, store: &Store) -> Result<(), ImportError> {
        if self.remove.is_empty() && self.add.is_empty() {
            return Ok(());
        }
        let mut tx = store.start_transaction()?;
        for q in &self.remove {
            tx.remove(q);
        }
        for q in &self.add {
            tx.insert(q);
        }
        Ok(tx.commit()?)
    }
}

/// Recomputes the claims of the touched groups inside `tx`.
pub fn recompute(tx: &mut Transaction<'_>, touched: &Touched) -> Result<(), ImportError> {
    let mut fresh = Vec::new();
    let derived = derive(Reader::Transaction(&*tx), touched, None, &mut |q| {
        fresh.push(q);
        Ok(())
    })?;
    for q in &derived.remove {
        tx.remove(q);
    }
    for q in derived.add.iter().chain(&fresh) {
        tx.insert(q);
    }
    Ok(())
}

/// Recomputes the claims of the touched groups after a bulk load (whose pending marker, named
/// `ids`, is in the store): first the changes to older facts' claims in a transaction (readers
/// still wait), then the derived triples of the new facts with the done markers in one bulk
/// load (a transaction of millions of writes would hold them all in memory, sorted).
pub fn recompute_after_bulk(
    store: &Store,
    touched: &Touched,
    ids: &[String],
) -> Result<(), ImportError> {
    // The new facts' derived triples go to the loader as they are found; it commits last.
    std::thread::scope(|scope| {
        let mut feed = Feed::start(scope, feed::loader(store));
        let derived = derive(Reader::Store(store), touched, None, &mut |q| feed.add(q))?;
        derived.commit(store)?;
        for id in ids {
            feed.add(done_marker(id))?;
        }
        Ok(feed.finish()?.commit()?)
    })
}

/// The claims of the touched groups as they are, against the derived triples stored.
fn derive(
    reader: Reader<'_, '_>,
    touched: &Touched,
    mut added: Option<&mut Added>,
    fresh: &mut dyn FnMut(Quad) -> Result<(), ImportError>,
) -> Result<Derived, ImportError> {
    let mut derived = Derived::default();
    for kind in CLAIMED {
        // The touched groups: (country, bloc), (reporter, partner), actor; their first columns.
        let (pairs, actors) = match kind {
            FactKind::Memberships => (Some(&touched.memberships), None),
            FactKind::Trade => (Some(&touched.trade), None),
            _ => (None, Some(&touched.events)),
        };
        let untouched =
            pairs.is_some_and(HashSet::is_empty) || actors.is_some_and(HashSet::is_empty);
        if !touched.all && untouched {
            continue;
        }
        let restrict = match pairs {
            Some(pairs) if !touched.all => values_pairs(("c0", "c1"), pairs).unwrap_or_default(),
            _ => String::new(),
        };
        let mut facts = Vec::new();
        for r in reader.run(&read_query(kind, &restrict))? {
            let wanted = touched.all
                || pairs.is_some_and(|p| p.contains(&(text(&r[1]), text(&r[2]))))
                || actors.is_some_and(|a| a.contains(&text(&r[1])));
            if wanted {
                facts.extend(fact_of(kind, &r));
            }
        }
        if let Some(a) = added.as_deref_mut() {
            facts.extend(a.take(kind));
        }
        let (mut quads_out, mut facts_seen) = (Vec::new(), Vec::new());
        match kind {
            FactKind::Memberships => {
                for f in &facts {
                    if let Some(u) = f.until() {
                        quads_out.push(quad(&f.iri, "untilDay", u.day_literal().into()));
                    }
                }
                let groups = group_memberships(facts);
                for g in &groups {
                    claim_end(&mut quads_out, g);
                }
                link(&mut quads_out, &mut facts_seen, groups, membership_differs);
            }
            FactKind::Trade => {
                link(&mut quads_out, &mut facts_seen, group_by_key(facts), |f, p| {
                    f.value != p.value
                });
            }
            _ => link(&mut quads_out, &mut facts_seen, group_events(facts), |f, p| {
                f.value != p.value || !same_at_common(f.start, p.start)
            }),
        }
        settle(reader, quads_out, facts_seen, &mut derived, fresh)?;
    }
    Ok(derived)
}

/// Compares the derived triples `quads_out` of the recomputed facts `facts_seen` (of one kind)
/// with those they have in the store: new facts' go to `fresh`, changes to older facts' to
/// `derived`.
fn settle(
    reader: Reader<'_, '_>,
    quads_out: Vec<Quad>,
    facts_seen: Vec<String>,
    derived: &mut Derived,
    fresh: &mut dyn FnMut(Quad) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    // Compare with the derived triples every recomputed fact has.
    let predicates =
        ["claim", "disputed", "differs", "untilDay", "claimEnd", "claimEndDay"].map(vocab::bg);
    // The new triples in subject order, walked beside the facts in the same order: each fact's
    // are moved out as it is settled (a map by subject would hold every triple twice while it
    // was built: ~0.5 GB for the memberships of a million-row import).
    // (Blank subjects, which the derived triples never have, sort first and are dropped.)
    fn subject(q: &Quad) -> &str {
        match &q.subject {
            oxigraph::model::NamedOrBlankNode::NamedNode(n) => n.as_str(),
            oxigraph::model::NamedOrBlankNode::BlankNode(_) => "",
        }
    }
    let mut quads_out = quads_out;
    quads_out.sort_unstable_by(|a, b| subject(a).cmp(subject(b)));
    let mut quads_out = quads_out.into_iter().peekable();
    let mut facts_seen = facts_seen;
    facts_seen.sort_unstable();
    facts_seen.dedup();
    // Looking up each fact's derived triples costs six reads of the store per fact. When many
    // facts are recomputed (a large import), the subjects that have each predicate are read once
    // instead, as long as they are not more than the facts: a fact found in none of these sets
    // has no derived triples (a hash found is confirmed by the look-ups).
    let mut with_derived: Vec<HashSet<u64>> = Vec::new();
    if facts_seen.len() > 10_000 {
        for p in &predicates {
            match reader.subjects(p, facts_seen.len())? {
                Some(hashes) => with_derived.push(hashes),
                None => {
                    with_derived.clear();
                    break;
                }
            }
        }
    }
    for iri in &facts_seen {
        let mut new = Vec::new();
        while let Some(q) = quads_out.next_if(|q| subject(q) <= iri.as_str()) {
            if subject(&q) == iri {
                new.push(q);
            }
        }
        let subject = NamedNode::new_unchecked(iri.clone());
        let mut old: HashSet<Quad> = HashSet::new();
        let hash = iri_hash(iri);
        if with_derived.is_empty() || with_derived.iter().any(|h| h.contains(&hash)) {
            for p in &predicates {
                old.extend(reader.derived(&subject, p)?);
            }
        }
        if old.is_empty() {
            for q in new {
                fresh(q)?;
            }
            continue;
        }
        derived.remove.extend(old.iter().filter(|q| !new.contains(q)).cloned());
        derived.add.extend(new.into_iter().filter(|q| !old.contains(q)));
    }
    Ok(())
}

/// A hash of an IRI, for the sets of [`Reader::subjects`].
fn iri_hash(iri: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    iri.hash(&mut h);
    h.finish()
}

fn quad(subject: &str, local: &str, object: Term) -> Quad {
    Quad::new(
        NamedNode::new_unchecked(subject.to_owned()),
        vocab::bg(local),
        object,
        GraphName::DefaultGraph,
    )
}

/// The end a membership claim shows: that of the first fact, in primary order, that states an
/// end or has no horizon (an open spell of a source with a horizon says nothing about the end).
/// Written as `bg:claimEnd` and `bg:claimEndDay` on the primary when there is one.
fn claim_end(out: &mut Vec<Quad>, group: &[Fact]) {
    let mut sorted: Vec<&Fact> = group.iter().collect();
    sorted.sort_by(|a, b| a.order().cmp(&b.order()));
    let Some(decisive) = sorted.iter().find(|f| f.end.is_some() || f.horizon_end.is_none()) else {
        return;
    };
    if let Some(end) = decisive.end {
        out.push(quad(&sorted[0].iri, "claimEnd", end.literal().into()));
        out.push(quad(&sorted[0].iri, "claimEndDay", end.day_literal().into()));
    }
}

/// Writes `bg:claim` for every fact of every group, `bg:differs true` on each fact that states
/// the claim differently from its primary, and `bg:disputed` on each primary (true when any
/// does).
fn link(
    out: &mut Vec<Quad>,
    seen: &mut Vec<String>,
    groups: Vec<Vec<Fact>>,
    differs: impl Fn(&Fact, &Fact) -> bool,
) {
    for mut group in groups {
        group.sort_by(|a, b| a.order().cmp(&b.order()));
        let primary = group[0].iri.clone();
        let mut disputed = false;
        for f in &group {
            out.push(quad(&f.iri, "claim", NamedNode::new_unchecked(primary.clone()).into()));
            if differs(f, &group[0]) {
                out.push(quad(&f.iri, "differs", Literal::from(true).into()));
                disputed = true;
            }
            seen.push(f.iri.clone());
        }
        out.push(quad(&primary, "disputed", Literal::from(disputed).into()));
    }
}

fn group_by_key(facts: Vec<Fact>) -> Vec<Vec<Fact>> {
    let mut by: BTreeMap<String, Vec<Fact>> = BTreeMap::new();
    for mut f in facts {
        // The key is not read again: the map holds it, the fact no longer does.
        by.entry(std::mem::take(&mut f.key)).or_default().push(f);
    }
    by.into_values().collect()
}

/// A day as a number that orders days (not a day count: months are 31 "days" long).
fn ordinal(d: Date) -> u32 {
    let d = d.first_day();
    u32::from(d.year) * 372 + u32::from(d.month) * 31 + u32::from(d.day)
}

/// Memberships of one (country, bloc, role) whose intervals overlap or meet are one claim, and
/// a claim holds at most one fact of each source (a source's two spells are two claims). Facts
/// are placed in primary order (articles, then reference sources, then datasets): each joins
/// the claim it overlaps most, or starts one. So a dataset's long spell joins the curated spell
/// it covers most rather than bridging two of them. An open spell of a source with a horizon
/// reaches only to the horizon.
fn group_memberships(facts: Vec<Fact>) -> Vec<Vec<Fact>> {
    let mut out = Vec::new();
    for mut same in group_by_key(facts) {
        same.sort_by(|a, b| a.order().cmp(&b.order()));
        // (first day, end: u32::MAX when open, facts)
        let mut groups: Vec<(u32, u32, Vec<Fact>)> = Vec::new();
        for f in same {
            let (s, e) = (ordinal(f.start), f.until().map_or(u32::MAX, ordinal));
            let best = groups
                .iter()
                .enumerate()
                .filter(|(_, g)| s <= g.1 && g.0 <= e && g.2.iter().all(|x| x.source != f.source))
                .max_by_key(|(i, g)| (e.min(g.1).saturating_sub(s.max(g.0)), std::cmp::Reverse(*i)))
                .map(|(i, _)| i);
            match best {
                Some(i) => {
                    let g = &mut groups[i];
                    g.0 = g.0.min(s);
                    g.1 = g.1.max(e);
                    g.2.push(f);
                }
                None => groups.push((s, e, vec![f])),
            }
        }
        out.extend(groups.into_iter().map(|g| g.2));
    }
    out
}

/// Events of one type, actor, target and bloc whose dates agree at the coarser precision of the
/// two, from different sources, are one claim (linked transitively).
fn group_events(facts: Vec<Fact>) -> Vec<Vec<Fact>> {
    let mut out = Vec::new();
    for same in group_by_key(facts) {
        let n = same.len();
        let mut parent: Vec<usize> = (0..n).collect();
        fn find(p: &mut [usize], i: usize) -> usize {
            let mut i = i;
            while p[i] != i {
                p[i] = p[p[i]];
                i = p[i];
            }
            i
        }
        for i in 0..n {
            for j in i + 1..n {
                // One source does not restate its own event: two of its facts are two events.
                if same[i].source != same[j].source && same_at_coarser(same[i].start, same[j].start)
                {
                    let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                    parent[a] = b;
                }
            }
        }
        let mut groups: HashMap<usize, Vec<Fact>> = HashMap::new();
        for (i, f) in same.into_iter().enumerate() {
            let root = find(&mut parent, i);
            groups.entry(root).or_default().push(f);
        }
        let mut groups: Vec<Vec<Fact>> = groups.into_values().collect();
        groups.sort_by(|a, b| a[0].iri.cmp(&b[0].iri));
        out.extend(groups);
    }
    out
}

/// Two dates compared at the coarser precision of the two.
fn same_at_coarser(a: Date, b: Date) -> bool {
    let p = a.precision.min(b.precision);
    truncate(a, p) == truncate(b, p)
}

/// Two dates compared at the finest precision both state (the same as the coarser one).
fn same_at_common(a: Date, b: Date) -> bool {
    same_at_coarser(a, b)
}

fn truncate(d: Date, p: Precision) -> (u16, u8, u8) {
    match p {
        Precision::Year => (d.year, 0, 0),
        Precision::Month => (d.year, d.month, 0),
        Precision::Day => (d.year, d.month, d.day),
    }
}

/// Whether two stated exclusive ends agree. A year-precision end Y from a dataset coded "a
/// member at any point of the year" means the last coded year was Y-1, so it agrees with any end
/// after Y-1's first day up to Y's first day.
fn ends_agree(a: Date, b: Date) -> bool {
    if same_at_common(a, b) {
        return true;
    }
    let year_rule = |y: Date, other: Date| {
        y.precision == Precision::Year
            && other.first_day().key() > (y.year - 1, 1, 1)
            && other.first_day().key() <= (y.year, 1, 1)
    };
    year_rule(a, b) || year_rule(b, a)
}

/// Memberships: the fact states another start or end than the primary (at the finest precision
/// both state). An open spell of a source with a horizon says nothing after it: it disputes an
/// end only if that end is before the horizon.
fn membership_differs(f: &Fact, p: &Fact) -> bool {
    if !same_at_common(f.start, p.start) {
        return true;
    }
    match (f.end, p.end) {
        (Some(a), Some(b)) => !ends_agree(a, b),
        (None, None) => false,
        (Some(e), None) | (None, Some(e)) => {
            let open = if f.end.is_none() { f } else { p };
            match open.horizon_end {
                None => true,
                Some(h) => e.first_day().key() < h.key() && !ends_agree(e, h),
            }
        }
    }
}
