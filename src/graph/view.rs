//! Builds the graph on a date: countries and blocs as nodes; membership edges (role), trade
//! edges (latest figure per pair in the window) and signed relation edges aggregated from the
//! events of the window before the date.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use petgraph::graph::{DiGraph, NodeIndex};

use crate::date::Date;
use crate::error::StoreError;
use crate::query::select;
use crate::resolve::EntityKind;
use crate::vocab::BG;

/// A country or bloc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub id: String,
    pub kind: EntityKind,
    pub label: String,
}

/// An edge of the view.
#[derive(Debug, Clone, PartialEq)]
pub enum Edge {
    /// Country -> bloc, with the role held on the date (strongest if sources differ).
    Membership { role: String },
    /// Reporter -> partner: the latest figure of the window, in US dollars (lower bound).
    Trade { value_usd: f64, period_start: String, period_end: String, qualifier: String },
    /// Actor -> target (or bloc): events of the window, their count and summed polarity.
    Relation { events: u32, polarity_sum: i64 },
    /// Between two countries (lower id -> higher): the alliance obligation kinds in force on
    /// the date (ATOP: defense, offense, neutrality, nonaggression, consultation), sorted.
    Obligation { kinds: Vec<String> },
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
}

/// How to build the view.
#[derive(Debug, Clone)]
pub struct ViewOptions {
    pub as_of: Date,
    /// Only these blocs and their members (all when empty).
    pub blocs: Vec<String>,
    /// Months of events (and trade figures) before the date that count.
    pub window_months: u32,
}

/// The graph on a date.
#[derive(Debug, Clone)]
pub struct View {
    pub graph: DiGraph<Node, Edge>,
    pub index: HashMap<String, NodeIndex>,
    pub as_of: Date,
    /// First day of the window (inclusive); the window ends at `as_of` (inclusive).
    pub window_start: Date,
    /// Per bloc: countries whose membership ended or was frozen, or who announced a withdrawal, in the window.
    pub departures: BTreeMap<String, BTreeSet<String>>,
}

/// `date` minus `months` months (day clamped to the month's length).
pub fn months_before(date: Date, months: u32) -> Date {
    let total = i64::from(date.year) * 12 + i64::from(date.month) - 1 - i64::from(months);
    let year = (total.div_euclid(12)).max(1) as u16;
    let month = (total.rem_euclid(12) + 1) as u8;
    let day = date.day.min(crate::date::days_in_month(year, month));
    Date { year, month, day, precision: crate::date::Precision::Day }
}

fn rank(role: &str) -> u8 {
    match role {
        "frozen" => 5,
        "member" => 4,
        "associate" => 3,
        "observer" => 2,
        _ => 1,
    }
}

impl View {
    fn node(&mut self, id: &str) -> Option<NodeIndex> {
        self.index.get(id).copied()
    }

    /// Bloc ids of the view.
    pub fn blocs(&self) -> Vec<String> {
        let mut b: Vec<String> = self
            .graph
            .node_weights()
            .filter(|n| n.kind == EntityKind::Bloc)
            .map(|n| n.id.clone())
            .collect();
        b.sort();
        b
    }

    /// (country id, role) of every membership of a bloc on the date.
    pub fn members(&self, bloc: &str) -> Vec<(String, String)> {
        let Some(&b) = self.index.get(bloc) else { return Vec::new() };
        let mut m: Vec<(String, String)> = self
            .graph
            .edges_directed(b, petgraph::Direction::Incoming)
            .filter_map(|e| match e.weight() {
                Edge::Membership { role } => Some((
                    self.graph[petgraph::visit::EdgeRef::source(&e)].id.clone(),
                    role.clone(),
                )),
                _ => None,
            })
            .collect();
        m.sort();
        m
    }
}

/// Builds the view from the store: O(S) SPARQL over the store's facts plus O(V + E) to assemble.
pub fn build(store: &oxigraph::store::Store, options: &ViewOptions) -> Result<View, StoreError> {
    let as_of = options.as_of.first_day();
    let window_start = months_before(as_of, options.window_months);
    let (d, w) = (as_of.to_string(), window_start.to_string());
    let mut view = View {
        graph: DiGraph::new(),
        index: HashMap::new(),
        as_of,
        window_start,
        departures: BTreeMap::new(),
    };
    let prefixes = format!("PREFIX bg: <{BG}> PREFIX org: <http://www.w3.org/ns/org#> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>");

    let nodes = select(store, &format!("{prefixes} SELECT ?id ?class ?label WHERE {{ VALUES ?class {{ bg:Country bg:Bloc }} ?e a ?class ; bg:id ?id ; rdfs:label ?label }} ORDER BY ?id"))?;
    let wanted: BTreeSet<String> = options.blocs.iter().cloned().collect();
    let memberships = select(store, &format!(
        "{prefixes} SELECT ?c ?b ?role WHERE {{ ?m a bg:Membership ; org:member/bg:id ?c ; org:organization/bg:id ?b ; org:role ?r ; bg:startDay ?s .
           OPTIONAL {{ ?m bg:endDay ?end }} FILTER(?s <= \"{d}\"^^xsd:date && (!BOUND(?end) || \"{d}\"^^xsd:date < ?end))
           BIND(STRAFTER(STR(?r), \"/role/\") AS ?role) }}"
    ))?;
    // Which countries stay in the view: with --bloc, the blocs' members on the date.
    let mut keep: BTreeSet<String> = BTreeSet::new();
    if !wanted.is_empty() {
        keep.extend(wanted.iter().cloned());
        keep.extend(memberships.iter().filter(|r| wanted.contains(&r[1])).map(|r| r[0].clone()));
    }
    for row in &nodes {
        let kind = if row[1].ends_with("#Bloc") { EntityKind::Bloc } else { EntityKind::Country };
        if !wanted.is_empty() && !keep.contains(&row[0]) {
            continue;
        }
        let i = view.graph.add_node(Node { id: row[0].clone(), kind, label: row[2].clone() });
        view.index.insert(row[0].clone(), i);
    }
    let mut roles: BTreeMap<(String, String), String> = BTreeMap::new();
    for row in memberships {
        let key = (row[0].clone(), row[1].clone());
        let better = roles.get(&key).is_none_or(|r| rank(&row[2]) > rank(r));
        if better {
            roles.insert(key, row[2].clone());
        }
    }
    for ((c, b), role) in roles {
        if let (Some(ci), Some(bi)) = (view.node(&c), view.node(&b)) {
            view.graph.add_edge(ci, bi, Edge::Membership { role });
        }
    }

    // Trade: per pair, the figure whose period ends last within the window (then the longest).
    let trade = select(store, &format!(
        "{prefixes} SELECT ?r ?p ?v ?ps ?pe ?q ?psd ?ped WHERE {{ ?t a bg:TradeFlow ; bg:reporter/bg:id ?r ; bg:partner/bg:id ?p ; bg:valueUsd ?v ;
           bg:periodStart ?ps ; bg:periodEnd ?pe ; bg:periodStartDay ?psd ; bg:periodEndDay ?ped ; bg:qualifier ?q .
           FILTER(?ped <= \"{d}\"^^xsd:date && ?ped >= \"{w}\"^^xsd:date) }} ORDER BY ?r ?p DESC(?ped) ?psd"
    ))?;
    let mut seen_pairs = BTreeSet::new();
    for row in trade {
        let pair = if row[0] < row[1] {
            (row[0].clone(), row[1].clone())
        } else {
            (row[1].clone(), row[0].clone())
        };
        if !seen_pairs.insert(pair) {
            continue;
        }
        if let (Some(a), Some(b)) = (view.node(&row[0]), view.node(&row[1])) {
            let value_usd = row[2].parse().unwrap_or(0.0);
            view.graph.add_edge(
                a,
                b,
                Edge::Trade {
                    value_usd,
                    period_start: row[3].clone(),
                    period_end: row[4].clone(),
                    qualifier: row[5].clone(),
                },
            );
        }
    }

    // Relations: events of the window, actor -> target, and actor -> bloc when one is named.
    let events = select(store, &format!(
        "{prefixes} SELECT ?a ?t ?b ?p WHERE {{ ?e a bg:Event ; bg:actor/bg:id ?a ; bg:polarity ?p ; bg:dateDay ?day .
           OPTIONAL {{ ?e bg:target/bg:id ?t }} OPTIONAL {{ ?e bg:bloc/bg:id ?b }}
           FILTER(?day >= \"{w}\"^^xsd:date && ?day <= \"{d}\"^^xsd:date) }}"
    ))?;
    let mut relations: BTreeMap<(String, String), (u32, i64)> = BTreeMap::new();
    for row in events {
        let polarity: i64 = row[3].parse().unwrap_or(0);
        let mut targets: Vec<&String> =
            [&row[1], &row[2]].into_iter().filter(|t| !t.is_empty() && **t != row[0]).collect();
        targets.dedup();
        for t in targets {
            let entry = relations.entry((row[0].clone(), t.clone())).or_default();
            entry.0 += 1;
            entry.1 += polarity;
        }
    }
    for ((a, t), (events, polarity_sum)) in relations {
        if let (Some(ai), Some(ti)) = (view.node(&a), view.node(&t)) {
            view.graph.add_edge(ai, ti, Edge::Relation { events, polarity_sum });
        }
    }

    obligations(store, &mut view, &prefixes, &d)?;

    // Departures in the window: ended or frozen spells, announced withdrawals.
    let departures = select(store, &format!(
        "{prefixes} SELECT ?c ?b WHERE {{
           {{ ?m a bg:Membership ; org:member ?cm ; org:organization ?bm ; bg:endDay ?x . ?cm bg:id ?c . ?bm bg:id ?b .
              OPTIONAL {{ ?n org:member ?cm ; org:organization ?bm ; bg:startDay ?x . }} FILTER(!BOUND(?n)) }}
           UNION {{ ?m a bg:Membership ; org:member/bg:id ?c ; org:organization/bg:id ?b ; org:role <https://blocgraph.org/ns/role/frozen> ; bg:startDay ?x }}
           UNION {{ ?e a bg:Event ; bg:eventType <https://blocgraph.org/ns/event-type/withdrawal-announcement> ; bg:actor/bg:id ?c ; bg:dateDay ?x .
                    {{ ?e bg:bloc/bg:id ?b }} UNION {{ ?e bg:target ?bt . ?bt a bg:Bloc ; bg:id ?b }} }}
           FILTER(?x >= \"{w}\"^^xsd:date && ?x <= \"{d}\"^^xsd:date) }}"
    ))?;
    for row in departures {
        view.departures.entry(row[1].clone()).or_default().insert(row[0].clone());
    }
    Ok(view)
}

/// Obligation edges: the kinds in force on the date per pair; a spell open at its source's
/// horizon is not seen after it (right-censored).
fn obligations(
    store: &oxigraph::store::Store,
    view: &mut View,
    prefixes: &str,
    d: &str,
) -> Result<(), StoreError> {
    let rows = select(store, &format!(
        "{prefixes} SELECT ?a ?b ?k WHERE {{ ?o a bg:Obligation ; bg:ally/bg:id ?a , ?b ; bg:obligation ?k ; bg:startDay ?s ;
           <http://www.w3.org/ns/prov#wasDerivedFrom> ?src .
           OPTIONAL {{ ?o bg:endDay ?end }} OPTIONAL {{ ?src bg:horizon ?h }}
           FILTER(?a < ?b && ?s <= \"{d}\"^^xsd:date && IF(BOUND(?end), \"{d}\"^^xsd:date < ?end, !BOUND(?h) || SUBSTR(\"{d}\", 1, STRLEN(STR(?h))) <= STR(?h))) }}"
    ))?;
    let mut kinds: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for row in rows {
        kinds.entry((row[0].clone(), row[1].clone())).or_default().insert(row[2].clone());
    }
    for ((a, b), k) in kinds {
        if let (Some(ai), Some(bi)) = (view.node(&a), view.node(&b)) {
            view.graph.add_edge(ai, bi, Edge::Obligation { kinds: k.into_iter().collect() });
        }
    }
    Ok(())
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
}
