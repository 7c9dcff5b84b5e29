//! Builds the graph on a date from the whole store: countries and blocs as nodes; membership
//! edges (role), trade edges (the latest observed figure per pair in the window, and the
//! latest forecast beside it) and signed relation edges aggregated from the events of the
//! window before the date.
//!
//! The view is always the full graph: which blocs a user asks for only changes what the
//! output shows, never a figure (contract). Beside the graph the view keeps the claims it was
//! made of (events, trade figures, departures, each with its sources), so analyses can count
//! evidence, resample it and leave one source out.
//!
//! Rules (docs/cohesion.md):
//! - a membership holds on D when its first day <= D < end (contract); a spell with no end
//!   from a source with a horizon (`bg:horizon`) holds only up to the horizon's last day;
//! - an event, a trade figure and a departure count only once their whole stated period has
//!   passed: an event dated `2020` is seen on 2020-12-31, a figure for 2024-01..2024-10 on
//!   2024-10-31; the window is the `N` months up to D, by the day a claim is seen;
//! - a forecast is never an observation: it is kept apart (`Edge::Trade` with status
//!   `forecast`, drawn as such), and analyses do not count it;
//! - one event is one relation: actor -> target when a target is named, else actor -> bloc;
//! - facts linked by `bg:claim` to one primary fact are one claim (its id is the primary
//!   fact's), with the sources of all its facts; without `bg:claim` each fact is its own claim.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;

use crate::date::{days_in_month, Date, Precision};
use crate::error::StoreError;
use crate::model::{EntityId, EntityKind, EventType, Qualifier, Role, Status, Word};
use crate::sparql::Engine;
use crate::sparql::{fact_query, select};
use crate::vocab;

/// A country or bloc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub id: EntityId,
    pub kind: EntityKind,
    pub label: String,
}

/// An edge of the view.
#[derive(Debug, Clone, PartialEq)]
pub enum Edge {
    /// Country -> bloc, with the role held on the date (strongest if sources differ).
    Membership { role: Role },
    /// Reporter -> partner: the latest observed figure of the window (or the latest forecast
    /// whose period overlaps it, `status` = forecast), in US dollars (lower bound).
    Trade {
        value_usd: f64,
        /// Upper bound of a `range`.
        value_usd_max: Option<f64>,
        period_start: String,
        period_end: String,
        qualifier: Qualifier,
        status: Status,
    },
    /// Actor -> target (or bloc): events of the window, their count and summed polarity,
    /// friction (-1), neutral (0) and cooperation (+1) counted apart.
    Relation { events: u32, polarity_sum: i64, friction: u32, neutral: u32, cooperation: u32 },
    /// Between two countries (lower id -> higher): the alliance obligation kinds in force on
    /// the date (ATOP: defense, offense, neutrality, nonaggression, consultation), sorted.
    Obligation {
        kinds: Vec<String>,
        /// The sources stating them (ids).
        sources: Vec<String>,
    },
}

impl Edge {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Membership { .. } => "membership",
            Self::Trade { .. } => "trade",
            Self::Relation { .. } => "relation",
            Self::Obligation { .. } => "obligation",
        }
    }

    /// The weight the edge adds to its pair: membership 1, trade in US$ billions, relation
    /// the absolute net polarity (at least 1 per pair with events), alliance obligation 1.
    pub fn weight(&self) -> f64 {
        match self {
            Self::Membership { .. } => 1.0,
            Self::Trade { value_usd, .. } => value_usd / 1e9,
            Self::Relation { polarity_sum, .. } => (*polarity_sum as f64).abs().max(1.0),
            Self::Obligation { .. } => 1.0,
        }
    }
}

/// How to build the view.
#[derive(Debug, Clone)]
pub struct ViewOptions {
    pub as_of: Date,
    /// Months of events (and trade figures) before the date that count.
    pub window_months: u32,
}

/// One event claim of the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventClaim {
    /// The claim id (its primary fact's local id).
    pub id: String,
    /// The date as stated (its precision kept).
    pub date: String,
    /// The day it counts from: the last day of the stated date.
    pub seen: String,
    pub kind: String,
    pub actor: String,
    pub target: Option<String>,
    pub bloc: Option<String>,
    pub polarity: i8,
    pub summary: String,
    pub sources: Vec<String>,
}

impl EventClaim {
    /// Whom the event is directed at: the target when named, else the bloc.
    pub fn counterpart(&self) -> Option<&str> {
        self.target.as_deref().or(self.bloc.as_deref())
    }
}

/// One trade figure claim of the window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TradeClaim {
    pub id: String,
    pub reporter: String,
    pub partner: String,
    pub period_start: String,
    pub period_end: String,
    pub value_usd: f64,
    pub value_usd_max: Option<f64>,
    pub qualifier: Qualifier,
    pub status: Status,
    pub sources: Vec<String>,
}

impl TradeClaim {
    pub fn is_forecast(&self) -> bool {
        self.status == Status::Forecast
    }
}

/// How a country left (or stepped back from) a bloc.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DepartureKind {
    /// A membership ended with no spell continuing it.
    Exit,
    /// A frozen (suspended) spell began.
    Freeze,
    /// A `withdrawal-announcement` event.
    Announcement,
}

impl DepartureKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Exit => "exit",
            Self::Freeze => "freeze",
            Self::Announcement => "withdrawal announced",
        }
    }
}

/// A departure from a bloc in the window.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Departure {
    pub country: String,
    pub bloc: String,
    pub kind: DepartureKind,
    /// As stated.
    pub date: String,
    pub sources: Vec<String>,
}

/// What a source is, for credit lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceInfo {
    pub id: String,
    pub title: String,
    pub publisher: String,
    pub published: String,
    /// A `ref-…` reference source.
    pub reference: bool,
    /// Its last covered day, when it has a horizon (a dataset, or an article: its date).
    pub horizon: Option<String>,
    /// A dataset: it states which years it codes (`bg:Coverage`).
    pub dataset: bool,
}

/// The graph on a date.
#[derive(Debug, Clone)]
pub struct View {
    pub graph: DiGraph<Node, Edge>,
    pub index: HashMap<EntityId, NodeIndex>,
    pub as_of: Date,
    /// First day of the window (inclusive); the window ends at `as_of` (inclusive).
    pub window_start: Date,
    /// Per bloc: countries whose membership ended or was frozen, or who announced a withdrawal, in the window.
    pub departures: BTreeMap<EntityId, BTreeSet<EntityId>>,
    /// The same departures, one each, with kind, date and sources.
    pub departure_list: Vec<Departure>,
    /// The event claims of the window.
    pub events: Vec<EventClaim>,
    /// The trade claims of the window: observed figures whose period ended in it and forecasts
    /// whose period overlaps it.
    pub trade: Vec<TradeClaim>,
    /// (country, bloc) -> (role on the date, sources stating it).
    pub roles: BTreeMap<(EntityId, EntityId), (Role, Vec<String>)>,
    /// (country, bloc) -> the claims (ids, sorted) of every spell holding on the date, whatever
    /// its role: what a membership edge is made of.
    pub membership_claims: BTreeMap<(EntityId, EntityId), Vec<String>>,
    /// Every source of the store, by id.
    pub sources: BTreeMap<String, SourceInfo>,
}

/// `date` minus `months` months (day clamped to the month's length).
pub(crate) fn months_before(date: Date, months: u32) -> Date {
    let total = i64::from(date.year) * 12 + i64::from(date.month) - 1 - i64::from(months);
    let year = (total.div_euclid(12)).max(1) as u16;
    let month = (total.rem_euclid(12) + 1) as u8;
    let day = date.day.min(days_in_month(year, month));
    Date { year, month, day, precision: Precision::Day }
}

impl View {
    fn node(&self, id: &str) -> Option<NodeIndex> {
        self.index.get(id).copied()
    }

    /// Bloc ids of the view.
    pub fn blocs(&self) -> Vec<EntityId> {
        let mut b: Vec<EntityId> = self
            .graph
            .node_weights()
            .filter(|n| n.kind == EntityKind::Bloc)
            .map(|n| n.id.clone())
            .collect();
        b.sort();
        b
    }

    /// (country id, role) of every membership of a bloc on the date.
    pub fn members(&self, bloc: &str) -> Vec<(EntityId, Role)> {
        self.roles
            .iter()
            .filter(|((_, b), _)| b == bloc)
            .map(|((c, _), (role, _))| (c.clone(), *role))
            .collect()
    }

    /// The countries that hold a bloc on the date ([`Role::holds`]), with their roles.
    pub fn holders(&self, bloc: &str) -> BTreeMap<EntityId, Role> {
        self.members(bloc).into_iter().filter(|(_, role)| role.holds()).collect()
    }

    /// The label of an entity (its id when unknown).
    pub fn label<'a>(&'a self, id: &'a str) -> &'a str {
        self.node(id).map_or(id, |i| self.graph[i].label.as_str())
    }

    /// The nodes an output about `blocs` shows: the blocs and their members (any role) on
    /// the date; every node when `blocs` is empty.
    pub fn shown(&self, blocs: &[EntityId]) -> BTreeSet<EntityId> {
        if blocs.is_empty() {
            return self.index.keys().cloned().collect();
        }
        let mut keep: BTreeSet<EntityId> = blocs.iter().cloned().collect();
        for (c, b) in self.roles.keys() {
            if blocs.contains(b) {
                keep.insert(c.clone());
            }
        }
        keep
    }
}

/// A stated date's literal (`2024`, `2024-02`, `2024-02-22`) parsed; `None` for anything else.
fn parse_day(text: &str) -> Option<Date> {
    Date::parse(text.get(..10.min(text.len()))?).ok()
}

fn local(iri: &str) -> String {
    vocab::short_id(iri).unwrap_or(iri).to_owned()
}

/// Every source with its horizon.
pub fn sources<'a>(
    store: impl Into<Engine<'a>>,
) -> Result<BTreeMap<String, SourceInfo>, StoreError> {
    Ok(sources_by_iri(store.into())?.into_iter().map(|(_, info)| (info.id.clone(), info)).collect())
}

/// Every source with its IRI, in the store's order.
fn sources_by_iri(store: Engine<'_>) -> Result<Vec<(String, SourceInfo)>, StoreError> {
    let prefixes = vocab::sparql_prefixes();
    let rows = select(
        store,
        &format!(
            "{prefixes} SELECT ?s ?id ?title ?publisher ?published ?horizon ?dataset WHERE {{ ?s a bg:Source ; bg:id ?id .
               OPTIONAL {{ ?s dcterms:title ?title }} OPTIONAL {{ ?s dcterms:publisher ?publisher }}
               OPTIONAL {{ ?s dcterms:issued ?published }} OPTIONAL {{ ?s bg:horizon ?horizon }}
               BIND(EXISTS {{ ?cov a bg:Coverage ; prov:wasDerivedFrom ?s }} AS ?dataset) }}"
        ),
    )?;
    Ok(rows
        .iter()
        .map(|r| {
            let id = r.get("id").to_owned();
            let info = SourceInfo {
                reference: id.starts_with("ref-"),
                id,
                title: r.get("title").to_owned(),
                publisher: r.get("publisher").to_owned(),
                published: r.get("published").to_owned(),
                horizon: parse_day(r.get("horizon")).map(|h| h.last_day().to_string()),
                dataset: r.get("dataset") == "true",
            };
            (r.get("s").to_owned(), info)
        })
        .collect())
}

/// The local name of an IRI in namespace `ns` as `?out`, from `?iri` bound by `predicate`:
/// for the tables shape, computed once per distinct IRI and joined (so the answer carries a
/// short literal, not an IRI to decode per row); plainly, a BIND.
fn local_name(tables: bool, iri: &str, out: &str, predicate: &str, ns: &str) -> String {
    if tables {
        format!(
            "{{ SELECT ?{iri} (STRAFTER(STR(?{iri}), \"{ns}\") AS ?{out}) WHERE {{ SELECT DISTINCT ?{iri} WHERE {{ ?any {predicate} ?{iri} }} }} }}"
        )
    } else {
        format!("BIND(STRAFTER(STR(?{iri}), \"{ns}\") AS ?{out})")
    }
}

/// The sources as a table the fact queries join with: `?si` (the source's IRI) to `?src`.
/// For the embedded store `?src` is the source's position here, so that an answer carries a
/// number instead of the source's id (see [`fact_query`]); for a remote engine, its id.
struct SourceTable {
    /// The ids by position; `None` for a remote engine (its answers carry the ids).
    ids: Option<Vec<String>>,
    /// The pattern binding `?src` from `?si`.
    pattern: String,
}

impl SourceTable {
    fn new(tables: bool, sources: &[(String, SourceInfo)]) -> Self {
        if !tables {
            return Self { ids: None, pattern: "?si bg:id ?src".to_owned() };
        }
        let rows: Vec<String> =
            sources.iter().enumerate().map(|(i, (iri, _))| format!("(<{iri}> {i})")).collect();
        Self {
            ids: Some(sources.iter().map(|(_, s)| s.id.clone()).collect()),
            pattern: format!("{{ VALUES (?si ?src) {{ {} }} }}", rows.join(" ")),
        }
    }

    /// The id of the source an answer's `?src` names.
    fn id<'c>(&'c self, cell: &'c str) -> &'c str {
        let Some(ids) = &self.ids else { return cell };
        cell.parse::<usize>().ok().and_then(|i| ids.get(i)).map_or("", String::as_str)
    }
}

/// The newest date a fact in the store states: the latest membership start or end, event
/// (by the last day of its stated period) or observed trade figure (by its period's last
/// day). Forecasts do not count. `None` for a store without facts.
pub fn newest_fact<'a>(store: impl Into<Engine<'a>>) -> Result<Option<Date>, StoreError> {
    let store: Engine<'a> = store.into();
    let prefixes = vocab::sparql_prefixes();
    let rows = select(
        store,
        &format!(
            "{prefixes} SELECT ?d WHERE {{
               {{ ?m a bg:Membership ; bg:start ?d }} UNION {{ ?m a bg:Membership ; bg:end ?d }}
               UNION {{ ?e a bg:Event ; bg:date ?d }}
               UNION {{ ?t a bg:TradeFlow ; bg:periodEnd ?d ; bg:status ?s FILTER(STR(?s) != \"forecast\") }} }}"
        ),
    )?;
    Ok(rows
        .iter()
        .filter_map(|r| parse_day(r.get("d")))
        .map(|d| {
            let last = d.last_day();
            (last.key(), last)
        })
        .max_by_key(|(k, _)| *k)
        .map(|(_, d)| d))
}

/// A membership fact, decoded.
struct Spell {
    /// Its claim's id (the primary fact's local id; its own without a `bg:claim` link).
    claim: String,
    country: String,
    bloc: String,
    role: Role,
    start: Date,
    /// `bg:untilDay`: its end, or for an open spell its source's horizon's end day (the
    /// claims' right-censoring); it holds on D when start <= D < until.
    until: Option<Date>,
    source: String,
}

impl Spell {
    fn holds(&self, day: Date) -> bool {
        self.start.first_day().key() <= day.key() && self.until.is_none_or(|u| day.key() < u.key())
    }
}

/// A departure that counts on the day it is seen, whatever the view's date.
struct Seen {
    /// The last day of its stated date: the window must hold it.
    day: (u16, u8, u8),
    country: String,
    bloc: String,
    kind: DepartureKind,
    date: String,
    source: String,
}

/// A trade fact, decoded.
struct Figure {
    /// The fact is its claim's primary one (its IRI is the claim's).
    primary: bool,
    claim: String,
    reporter: String,
    partner: String,
    start: Date,
    end: Date,
    value_usd: f64,
    value_usd_max: Option<f64>,
    qualifier: Qualifier,
    status: Status,
    /// Its period ends after its source's horizon (a reported figure its source did not see).
    unobserved: bool,
    source: String,
}

/// An alliance obligation between two countries (lower id first), decoded.
struct Bond {
    a: String,
    b: String,
    kind: String,
    start: (u16, u8, u8),
    end: Option<(u16, u8, u8)>,
    /// Its source's horizon's end day, for an obligation with no end (right-censoring).
    until: Option<(u16, u8, u8)>,
    source: String,
}

/// Everything the view is made of, read from the store once: a series of dates slices it in
/// memory ([`Facts::view`]) instead of reading the store again for every date.
pub struct Facts {
    nodes: Vec<Node>,
    spells: Vec<Spell>,
    /// Exits (a spell ends and no spell of the pair holds on its end day) and freezes (a
    /// frozen spell begins), in no particular order.
    departures: Vec<Seen>,
    /// Every event claim, sorted by the day it is seen, then id: a window is a range of it.
    events: Vec<EventClaim>,
    /// The day each of `events` is seen, for the range look-up.
    event_days: Vec<(u16, u8, u8)>,
    figures: Vec<Figure>,
    bonds: Vec<Bond>,
    sources: BTreeMap<String, SourceInfo>,
}

/// Runs several of blocgraph's SELECT queries at once, one thread each; their answers in the
/// order of `queries`, or the first query's error.
fn select_all<const N: usize>(
    store: Engine<'_>,
    queries: &[String; N],
) -> Result<[crate::sparql::Solutions; N], StoreError> {
    let answers: Vec<Result<crate::sparql::Solutions, StoreError>> = std::thread::scope(|scope| {
        let running: Vec<_> =
            queries.iter().map(|q| scope.spawn(move || select(store, q))).collect();
        running
            .into_iter()
            .map(|r| match r.join() {
                Ok(answer) => answer,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    let answers = answers.into_iter().collect::<Result<Vec<_>, _>>()?;
    Ok(answers.try_into().unwrap_or_else(|_| unreachable!("one answer per query")))
}

/// Builds the view from the store: [`load`] then [`Facts::view`].
pub fn build<'a>(store: impl Into<Engine<'a>>, options: &ViewOptions) -> Result<View, StoreError> {
    Ok(load(store)?.view(options))
}

/// Reads every fact the view needs (six SPARQL reads: the sources, then the other five at
/// once), decoded.
///
/// # Complexity
/// O(F log F) for F facts, plus the store's reads: one scan of each property the view reads
/// and one hash join per property (see [`fact_query`]).
pub fn load<'a>(store: impl Into<Engine<'a>>) -> Result<Facts, StoreError> {
    let store: Engine<'a> = store.into();
    let by_iri = sources_by_iri(store)?;
    // The embedded store is read as a join of tables, a remote engine plainly (see
    // [`fact_query`]).
    let tables = matches!(store, Engine::Embedded(_));
    let table = SourceTable::new(tables, &by_iri);
    let sources: BTreeMap<String, SourceInfo> =
        by_iri.into_iter().map(|(_, info)| (info.id.clone(), info)).collect();
    let horizon = |source: &str| -> Option<Date> {
        sources.get(source)?.horizon.as_deref().and_then(|h| Date::parse(h).ok())
    };
    let prefixes = vocab::sparql_prefixes();

    let roles = local_name(tables, "role", "r", "org:role", vocab::ROLE);
    let types = local_name(tables, "ty", "type", "bg:eventType", vocab::EVENT_TYPE);
    // The five reads run at once (each is one thread of oxigraph's evaluator, or one request
    // to a remote engine); each is decoded once all have answered.
    let queries = [
        format!("{prefixes} SELECT ?id ?class ?label WHERE {{ VALUES ?class {{ bg:Country bg:Bloc }} ?e a ?class ; bg:id ?id ; rdfs:label ?label }} ORDER BY ?id"),
        fact_query(
            tables,
            "?claim ?c ?b ?r ?s ?end ?until ?src",
            &[
                "?m a bg:Membership",
                "?m org:member ?x",
                "?x bg:id ?c",
                "?m org:organization ?y",
                "?y bg:id ?b",
                "?m org:role ?role",
                &roles,
                "?m bg:start ?s",
                "?m prov:wasDerivedFrom ?si",
                &table.pattern,
            ],
            &[&["?m bg:end ?end"], &["?m bg:untilDay ?until"], &["?m bg:claim ?cl"]],
            "BIND(COALESCE(?cl, ?m) AS ?claim)",
        ),
        fact_query(
            tables,
            "?claim ?primary ?date ?type ?a ?t ?b ?p ?summary ?src",
            &[
                "?fact a bg:Event",
                "?fact bg:actor ?x",
                "?x bg:id ?a",
                "?fact bg:polarity ?p",
                "?fact bg:date ?date",
                "?fact bg:eventType ?ty",
                &types,
                "?fact prov:wasDerivedFrom ?si",
                &table.pattern,
            ],
            &[
                &["?fact bg:target ?tx", "?tx bg:id ?t"],
                &["?fact bg:bloc ?bx", "?bx bg:id ?b"],
                &["?fact bg:summary ?summary"],
                &["?fact bg:claim ?cl"],
            ],
            "BIND(COALESCE(?cl, ?fact) AS ?claim) BIND(sameTerm(?claim, ?fact) AS ?primary)",
        ),
        fact_query(
            tables,
            "?claim ?primary ?r ?p ?v ?vmax ?ps ?pe ?q ?status ?src",
            &[
                "?fact a bg:TradeFlow",
                "?fact bg:reporter ?x",
                "?x bg:id ?r",
                "?fact bg:partner ?y",
                "?y bg:id ?p",
                "?fact bg:valueUsd ?v",
                "?fact bg:periodStart ?ps",
                "?fact bg:periodEnd ?pe",
                "?fact bg:qualifier ?q",
                "?fact prov:wasDerivedFrom ?si",
                &table.pattern,
            ],
            &[&["?fact bg:status ?status"], &["?fact bg:valueUsdMax ?vmax"], &["?fact bg:claim ?cl"]],
            "BIND(COALESCE(?cl, ?fact) AS ?claim) BIND(sameTerm(?claim, ?fact) AS ?primary)",
        ),
        format!(
        "{prefixes} SELECT ?a ?b ?k ?sid ?s ?end ?until WHERE {{ ?o a bg:Obligation ; bg:ally/bg:id ?a , ?b ; bg:obligation ?k ; bg:startDay ?s ;
           prov:wasDerivedFrom ?src . ?src bg:id ?sid .
           OPTIONAL {{ ?o bg:endDay ?end }} OPTIONAL {{ ?src bg:horizonEndDay ?until }}
           FILTER(?a < ?b) }}"
    ),
    ];
    let [nodes, memberships, events, trade, obligations] = select_all(store, &queries)?;

    let rows = nodes;
    let nodes: Vec<Node> = rows
        .iter()
        .map(|row| Node {
            id: row.get("id").to_owned(),
            kind: if row.get("class").ends_with("#Bloc") {
                EntityKind::Bloc
            } else {
                EntityKind::Country
            },
            label: row.get("label").to_owned(),
        })
        .collect();

    // Memberships: every spell, decoded; its stated end (at its precision) says where it ended.
    // bg:untilDay: the end, or for an open spell its source's horizon's end day (docs/model.md).
    let rows = memberships;
    let mut spells: Vec<Spell> = Vec::new();
    let mut ends: Vec<Option<Date>> = Vec::new();
    for row in rows.iter() {
        // A role the vocabulary does not know (an RDF import may state one) is no membership.
        let Some(role) = Role::parse(row.get("r")) else {
            continue;
        };
        let Some(start) = parse_day(row.get("s")) else { continue };
        spells.push(Spell {
            claim: local(row.get("claim")),
            country: row.get("c").to_owned(),
            bloc: row.get("b").to_owned(),
            role,
            start,
            until: row.opt("until").and_then(parse_day),
            source: table.id(row.get("src")).to_owned(),
        });
        ends.push(row.opt("end").and_then(parse_day));
    }
    let mut by_pair: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, s) in spells.iter().enumerate() {
        by_pair.entry((&s.country, &s.bloc)).or_default().push(i);
    }
    let mut departures = Vec::new();
    for (s, end) in spells.iter().zip(&ends) {
        if let Some(end) = end {
            // Continued by a spell that keeps the country in (an observer spell does not).
            let continued = by_pair[&(s.country.as_str(), s.bloc.as_str())]
                .iter()
                .any(|&o| spells[o].role.holds() && spells[o].holds(end.first_day()));
            if !continued && s.role.holds() {
                departures.push(Seen {
                    day: end.last_day().key(),
                    country: s.country.clone(),
                    bloc: s.bloc.clone(),
                    kind: DepartureKind::Exit,
                    date: end.to_string(),
                    source: s.source.clone(),
                });
            }
        }
        if s.role == Role::Frozen {
            departures.push(Seen {
                day: s.start.last_day().key(),
                country: s.country.clone(),
                bloc: s.bloc.clone(),
                kind: DepartureKind::Freeze,
                date: s.start.to_string(),
                source: s.source.clone(),
            });
        }
    }
    drop(by_pair);

    // Events: one row per fact, grouped into claims.
    let rows = events;
    let mut claims: BTreeMap<String, EventClaim> = BTreeMap::new();
    let mut event_sources: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for row in rows.iter() {
        let Some(stated) = parse_day(row.get("date")) else { continue };
        let source = table.id(row.get("src"));
        // An event counts once its whole stated period has passed, or from its source's horizon
        // if that comes first: an article dated 2024-06-10 that reports an event "in 2024" knew
        // of it by then. An event its source dates wholly after its horizon is not an observation.
        let horizon_day = horizon(source);
        if horizon_day.is_some_and(|h| stated.first_day().key() > h.key()) {
            continue;
        }
        let seen = match horizon_day {
            Some(h) if stated.last_day().key() > h.key() => h,
            _ => stated.last_day(),
        };
        let claim_id = local(row.get("claim"));
        event_sources.entry(claim_id.clone()).or_default().insert(source.to_owned());
        let record = EventClaim {
            id: claim_id.clone(),
            date: stated.to_string(),
            seen: seen.to_string(),
            kind: row.get("type").to_owned(),
            actor: row.get("a").to_owned(),
            target: row.opt("t").map(str::to_owned),
            bloc: row.opt("b").map(str::to_owned),
            polarity: row.get("p").parse::<i8>().unwrap_or(0).clamp(-1, 1),
            summary: row.get("summary").to_owned(),
            sources: Vec::new(),
        };
        // The primary fact (whose IRI is the claim's) gives the claim its fields.
        if row.get("primary") == "true" || !claims.contains_key(&claim_id) {
            claims.insert(claim_id, record);
        }
    }
    let mut events: Vec<(EventClaim, (u16, u8, u8))> = Vec::new();
    for (id, mut e) in claims {
        e.sources = event_sources.remove(&id).unwrap_or_default().into_iter().collect();
        let Some(seen) = parse_day(&e.seen) else { continue };
        events.push((e, seen.key()));
    }
    events.sort_by(|(a, _), (b, _)| (&a.seen, &a.id).cmp(&(&b.seen, &b.id)));
    let (events, event_days): (Vec<EventClaim>, Vec<(u16, u8, u8)>) = events.into_iter().unzip();

    // Trade: every figure, decoded; which count depends on the date.
    let rows = trade;
    let mut figures = Vec::new();
    for row in rows.iter() {
        let (Some(start), Some(end)) = (parse_day(row.get("ps")), parse_day(row.get("pe"))) else {
            continue;
        };
        let source = table.id(row.get("src"));
        // No status is a reported figure; an RDF import may state a word the vocabulary does
        // not know: a reported figure too, and a plain (exact) one for the qualifier.
        let status = row.opt("status").and_then(Status::parse).unwrap_or(Status::Reported);
        // A reported figure for a period that ends after its source's horizon was not observed;
        // a forecast is about the future by nature, so the horizon does not apply to it.
        let unobserved = status != Status::Forecast
            && horizon(source).is_some_and(|h| end.last_day().key() > h.key());
        figures.push(Figure {
            claim: local(row.get("claim")),
            primary: row.get("primary") == "true",
            reporter: row.get("r").to_owned(),
            partner: row.get("p").to_owned(),
            start,
            end,
            value_usd: row.get("v").parse().unwrap_or(0.0),
            value_usd_max: row.get("vmax").parse().ok(),
            qualifier: Qualifier::parse(row.get("q")).unwrap_or(Qualifier::Exact),
            status,
            unobserved,
            source: source.to_owned(),
        });
    }

    // Alliance obligations between two countries: in force from their start day to their end
    // day, or, open, to their source's horizon's end day.
    let rows = obligations;
    let day = |text: &str| parse_day(text).map(Date::key);
    let bonds = rows
        .iter()
        .filter_map(|row| {
            Some(Bond {
                a: row.get("a").to_owned(),
                b: row.get("b").to_owned(),
                kind: row.get("k").to_owned(),
                start: day(row.get("s"))?,
                end: row.opt("end").and_then(day),
                until: row.opt("until").and_then(day),
                source: row.get("sid").to_owned(),
            })
        })
        .collect();

    Ok(Facts { nodes, spells, departures, events, event_days, figures, bonds, sources })
}

impl Facts {
    /// The view on `options.as_of`, from the facts in memory.
    ///
    /// # Complexity
    /// O(S + T log T + V + E) for S membership spells and T trade figures; the events of the
    /// window are found by binary search.
    pub fn view(&self, options: &ViewOptions) -> View {
        let as_of = options.as_of.first_day();
        let window_start = months_before(as_of, options.window_months);
        let in_window = |seen: (u16, u8, u8)| seen >= window_start.key() && seen <= as_of.key();
        let mut view = View {
            graph: DiGraph::new(),
            index: HashMap::new(),
            as_of,
            window_start,
            departures: BTreeMap::new(),
            departure_list: Vec::new(),
            events: Vec::new(),
            trade: Vec::new(),
            roles: BTreeMap::new(),
            membership_claims: BTreeMap::new(),
            sources: self.sources.clone(),
        };
        for node in &self.nodes {
            let i = view.graph.add_node(node.clone());
            view.index.insert(node.id.clone(), i);
        }

        // Where sources differ on the date, the greatest role in [`Role`]'s one ordering stands
        // (a freeze anywhere is news).
        let mut roles: BTreeMap<(&str, &str), (Role, BTreeSet<&str>)> = BTreeMap::new();
        let mut claims: BTreeMap<(&str, &str), BTreeSet<&str>> = BTreeMap::new();
        for s in self.spells.iter().filter(|s| s.holds(as_of)) {
            claims.entry((&s.country, &s.bloc)).or_default().insert(&s.claim);
            let entry = roles
                .entry((s.country.as_str(), s.bloc.as_str()))
                .or_insert_with(|| (s.role, BTreeSet::new()));
            if s.role > entry.0 {
                *entry = (s.role, BTreeSet::new());
            }
            if s.role == entry.0 {
                entry.1.insert(&s.source);
            }
        }
        for ((c, b), (role, srcs)) in roles {
            if let (Some(ci), Some(bi)) = (view.node(c), view.node(b)) {
                view.graph.add_edge(ci, bi, Edge::Membership { role });
            }
            view.roles.insert(
                (c.to_owned(), b.to_owned()),
                (role, srcs.into_iter().map(str::to_owned).collect()),
            );
        }

        view.membership_claims = claims
            .into_iter()
            .map(|((c, b), ids)| {
                ((c.to_owned(), b.to_owned()), ids.into_iter().map(str::to_owned).collect())
            })
            .collect();

        // Departures seen in the window: exits and freezes, then announced withdrawals.
        let mut departures: BTreeMap<(&str, &str, DepartureKind, &str), BTreeSet<&str>> =
            BTreeMap::new();
        for d in self.departures.iter().filter(|d| in_window(d.day)) {
            departures.entry((&d.country, &d.bloc, d.kind, &d.date)).or_default().insert(&d.source);
        }
        let first = self.event_days.partition_point(|d| *d < window_start.key());
        let last = self.event_days.partition_point(|d| *d <= as_of.key());
        let window = &self.events[first..last.max(first)];
        for e in window {
            if e.kind == EventType::WITHDRAWAL_ANNOUNCEMENT {
                let bloc = e.bloc.as_deref().or_else(|| {
                    e.target.as_deref().filter(|t| {
                        view.node(t).is_some_and(|i| view.graph[i].kind == EntityKind::Bloc)
                    })
                });
                if let Some(b) = bloc {
                    departures
                        .entry((&e.actor, b, DepartureKind::Announcement, &e.date))
                        .or_default()
                        .extend(e.sources.iter().map(String::as_str));
                }
            }
        }
        view.events = window.to_vec();
        for ((country, bloc, kind, date), srcs) in departures {
            view.departures.entry(bloc.to_owned()).or_default().insert(country.to_owned());
            view.departure_list.push(Departure {
                country: country.to_owned(),
                bloc: bloc.to_owned(),
                kind,
                date: date.to_owned(),
                sources: srcs.into_iter().map(str::to_owned).collect(),
            });
        }

        // Trade: observed figures whose period ended in the window; forecasts whose period
        // overlaps it.
        let mut claims: BTreeMap<&str, TradeClaim> = BTreeMap::new();
        let mut trade_sources: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for f in &self.figures {
            let counts = if f.status == Status::Forecast {
                f.start.first_day().key() <= as_of.key()
                    && f.end.last_day().key() >= window_start.key()
            } else {
                in_window(f.end.last_day().key())
            };
            if !counts || f.unobserved {
                continue;
            }
            trade_sources.entry(&f.claim).or_default().insert(&f.source);
            if f.primary || !claims.contains_key(f.claim.as_str()) {
                claims.insert(
                    &f.claim,
                    TradeClaim {
                        id: f.claim.clone(),
                        reporter: f.reporter.clone(),
                        partner: f.partner.clone(),
                        period_start: f.start.to_string(),
                        period_end: f.end.to_string(),
                        value_usd: f.value_usd,
                        value_usd_max: f.value_usd_max,
                        qualifier: f.qualifier,
                        status: f.status,
                        sources: Vec::new(),
                    },
                );
            }
        }
        for (id, mut t) in claims {
            t.sources = trade_sources
                .remove(id)
                .unwrap_or_default()
                .into_iter()
                .map(str::to_owned)
                .collect();
            view.trade.push(t);
        }
        // Newest period end first, then the longest period, then the id.
        let end_key = |t: &TradeClaim| parse_day(&t.period_end).map(|d| d.last_day().key());
        let start_key = |t: &TradeClaim| parse_day(&t.period_start).map(|d| d.key());
        view.trade.sort_by(|a, b| {
            end_key(b).cmp(&end_key(a)).then(start_key(a).cmp(&start_key(b))).then(a.id.cmp(&b.id))
        });
        for forecast in [false, true] {
            let mut seen_pairs = BTreeSet::new();
            let chosen: Vec<&TradeClaim> = view
                .trade
                .iter()
                .filter(|t| t.is_forecast() == forecast)
                .filter(|t| {
                    let pair = if t.reporter < t.partner {
                        (t.reporter.as_str(), t.partner.as_str())
                    } else {
                        (t.partner.as_str(), t.reporter.as_str())
                    };
                    seen_pairs.insert(pair)
                })
                .collect();
            let edges: Vec<(NodeIndex, NodeIndex, Edge)> = chosen
                .into_iter()
                .filter_map(|t| {
                    let (a, b) = (view.node(&t.reporter)?, view.node(&t.partner)?);
                    Some((
                        a,
                        b,
                        Edge::Trade {
                            value_usd: t.value_usd,
                            value_usd_max: t.value_usd_max,
                            period_start: t.period_start.clone(),
                            period_end: t.period_end.clone(),
                            qualifier: t.qualifier,
                            status: t.status,
                        },
                    ))
                })
                .collect();
            for (a, b, edge) in edges {
                view.graph.add_edge(a, b, edge);
            }
        }

        // Relations: one per event, actor -> target, or actor -> bloc when no target is named.
        let mut relations: BTreeMap<(&str, &str), [u32; 3]> = BTreeMap::new();
        for e in &view.events {
            let Some(t) = e.counterpart() else { continue };
            if t == e.actor {
                continue;
            }
            relations.entry((&e.actor, t)).or_default()[(e.polarity + 1) as usize] += 1;
        }
        let relations: Vec<(NodeIndex, NodeIndex, Edge)> = relations
            .into_iter()
            .filter_map(|((a, t), [friction, neutral, cooperation])| {
                Some((
                    view.node(a)?,
                    view.node(t)?,
                    Edge::Relation {
                        events: friction + neutral + cooperation,
                        polarity_sum: i64::from(cooperation) - i64::from(friction),
                        friction,
                        neutral,
                        cooperation,
                    },
                ))
            })
            .collect();
        for (a, t, edge) in relations {
            view.graph.add_edge(a, t, edge);
        }

        // Obligation edges: the kinds in force on the date per pair; an obligation open at its
        // source's horizon is not seen after it (right-censored).
        let d = as_of.key();
        // (a, b) -> (kinds, sources)
        type Kinds<'f> = (BTreeSet<&'f str>, BTreeSet<&'f str>);
        let mut pairs: BTreeMap<(&str, &str), Kinds<'_>> = BTreeMap::new();
        for o in &self.bonds {
            let holds = o.start <= d
                && match o.end {
                    Some(end) => d < end,
                    None => o.until.is_none_or(|u| d < u),
                };
            if holds {
                let pair = pairs.entry((&o.a, &o.b)).or_default();
                pair.0.insert(&o.kind);
                pair.1.insert(&o.source);
            }
        }
        for ((a, b), (kinds, sources)) in pairs {
            if let (Some(ai), Some(bi)) = (view.node(a), view.node(b)) {
                let edge = Edge::Obligation {
                    kinds: kinds.into_iter().map(str::to_owned).collect(),
                    sources: sources.into_iter().map(str::to_owned).collect(),
                };
                view.graph.add_edge(ai, bi, edge);
            }
        }
        view
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_before_clamps() {
        let d = Date::parse("2024-03-31").unwrap();
        assert_eq!(months_before(d, 1).to_string(), "2024-02-29");
        assert_eq!(months_before(d, 24).to_string(), "2022-03-31");
        assert_eq!(months_before(Date::parse("2024-01-15").unwrap(), 13).to_string(), "2022-12-15");
    }

    #[test]
    fn stated_dates_parse_at_their_precision() {
        assert_eq!(parse_day("2020").unwrap().last_day().to_string(), "2020-12-31");
        assert_eq!(parse_day("2024-02").unwrap().last_day().to_string(), "2024-02-29");
        assert_eq!(parse_day("2024-02-22").unwrap().last_day().to_string(), "2024-02-22");
        assert!(parse_day("").is_none());
    }
}
