//! Builds the graph on a date: countries and blocs as nodes; membership edges (role), trade
//! edges (latest figure per pair in the window) and signed relation edges aggregated from the
//! events of the window before the date.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use petgraph::graph::{DiGraph, NodeIndex};

use crate::date::{days_in_month, Date, Precision};
use crate::error::StoreError;
use crate::model::{EntityId, EntityKind, EventType, Qualifier, Role, Word};
use crate::sparql::select;
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
    /// Reporter -> partner: the latest figure of the window, in US dollars (lower bound).
    Trade { value_usd: f64, period_start: String, period_end: String, qualifier: Qualifier },
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
    /// Only these blocs and their members (all when empty).
    pub blocs: Vec<EntityId>,
    /// Months of events (and trade figures) before the date that count.
    pub window_months: u32,
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
        let Some(&b) = self.index.get(bloc) else { return Vec::new() };
        let mut m: Vec<(EntityId, Role)> = self
            .graph
            .edges_directed(b, petgraph::Direction::Incoming)
            .filter_map(|e| match e.weight() {
                Edge::Membership { role } => {
                    Some((self.graph[petgraph::visit::EdgeRef::source(&e)].id.clone(), *role))
                }
                _ => None,
            })
            .collect();
        m.sort();
        m
    }

    /// The countries that hold a bloc on the date ([`Role::holds`]), with their roles.
    pub fn holders(&self, bloc: &str) -> BTreeMap<EntityId, Role> {
        self.members(bloc).into_iter().filter(|(_, role)| role.holds()).collect()
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
    let prefixes = vocab::sparql_prefixes();

    let nodes = select(store, &format!("{prefixes} SELECT ?id ?class ?label WHERE {{ VALUES ?class {{ bg:Country bg:Bloc }} ?e a ?class ; bg:id ?id ; rdfs:label ?label }} ORDER BY ?id"))?;
    let wanted: BTreeSet<&str> = options.blocs.iter().map(String::as_str).collect();
    // bg:untilDay: the end, or for an open spell the day after its source's horizon (docs/model.md).
    let memberships = select(store, &format!(
        "{prefixes} SELECT ?c ?b ?role WHERE {{ ?m a bg:Membership ; org:member/bg:id ?c ; org:organization/bg:id ?b ; org:role ?role ; bg:startDay ?s .
           OPTIONAL {{ ?m bg:untilDay ?end }} FILTER(?s <= \"{d}\"^^xsd:date && (!BOUND(?end) || \"{d}\"^^xsd:date < ?end)) }}"
    ))?;
    // A role the vocabulary does not know (an RDF import may state one) is no membership.
    let memberships: Vec<(&str, &str, Role)> = memberships
        .iter()
        .filter_map(|row| {
            let role = row.get("role").strip_prefix(vocab::ROLE).and_then(Role::parse)?;
            Some((row.get("c"), row.get("b"), role))
        })
        .collect();
    // Which countries stay in the view: with --bloc, the blocs' members on the date.
    let mut keep: BTreeSet<&str> = BTreeSet::new();
    if !wanted.is_empty() {
        keep.extend(wanted.iter().copied());
        keep.extend(memberships.iter().filter(|(_, b, _)| wanted.contains(b)).map(|(c, _, _)| *c));
    }
    for row in nodes.iter() {
        let id = row.get("id");
        let kind = if row.get("class").ends_with("#Bloc") {
            EntityKind::Bloc
        } else {
            EntityKind::Country
        };
        if !wanted.is_empty() && !keep.contains(id) {
            continue;
        }
        let i = view.graph.add_node(Node {
            id: id.to_owned(),
            kind,
            label: row.get("label").to_owned(),
        });
        view.index.insert(id.to_owned(), i);
    }
    // Where sources differ on the date, the greatest role in [`Role`]'s one ordering stands
    // (a freeze anywhere is news).
    let mut roles: BTreeMap<(&str, &str), Role> = BTreeMap::new();
    for (c, b, role) in memberships {
        let held = roles.entry((c, b)).or_insert(role);
        *held = (*held).max(role);
    }
    for ((c, b), role) in roles {
        if let (Some(ci), Some(bi)) = (view.node(c), view.node(b)) {
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
    for row in trade.iter() {
        let (reporter, partner) = (row.get("r"), row.get("p"));
        let pair = if reporter < partner { (reporter, partner) } else { (partner, reporter) };
        if !seen_pairs.insert(pair) {
            continue;
        }
        if let (Some(a), Some(b)) = (view.node(reporter), view.node(partner)) {
            let value_usd = row.get("v").parse().unwrap_or(0.0);
            view.graph.add_edge(
                a,
                b,
                Edge::Trade {
                    value_usd,
                    period_start: row.get("ps").to_owned(),
                    period_end: row.get("pe").to_owned(),
                    // An RDF import may state a qualifier the vocabulary does not know: a plain figure.
                    qualifier: Qualifier::parse(row.get("q")).unwrap_or(Qualifier::Exact),
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
    let mut relations: BTreeMap<(&str, &str), (u32, i64)> = BTreeMap::new();
    for row in events.iter() {
        let actor = row.get("a");
        let polarity: i64 = row.get("p").parse().unwrap_or(0);
        let mut targets: Vec<&str> = [row.get("t"), row.get("b")]
            .into_iter()
            .filter(|t| !t.is_empty() && *t != actor)
            .collect();
        targets.dedup();
        for t in targets {
            let entry = relations.entry((actor, t)).or_default();
            entry.0 += 1;
            entry.1 += polarity;
        }
    }
    for ((a, t), (events, polarity_sum)) in relations {
        if let (Some(ai), Some(ti)) = (view.node(a), view.node(t)) {
            view.graph.add_edge(ai, ti, Edge::Relation { events, polarity_sum });
        }
    }

    obligations(store, &mut view, &prefixes, &d)?;

    // Departures in the window: ended or frozen spells, announced withdrawals.
    let departures = select(store, &format!(
        "{prefixes} SELECT ?c ?b WHERE {{
           {{ ?m a bg:Membership ; org:member ?cm ; org:organization ?bm ; bg:endDay ?x . ?cm bg:id ?c . ?bm bg:id ?b .
              OPTIONAL {{ ?n org:member ?cm ; org:organization ?bm ; bg:startDay ?x . }} FILTER(!BOUND(?n)) }}
           UNION {{ ?m a bg:Membership ; org:member/bg:id ?c ; org:organization/bg:id ?b ; org:role <{frozen}> ; bg:startDay ?x }}
           UNION {{ ?e a bg:Event ; bg:eventType <{withdrawal}> ; bg:actor/bg:id ?c ; bg:dateDay ?x .
                    {{ ?e bg:bloc/bg:id ?b }} UNION {{ ?e bg:target ?bt . ?bt a bg:Bloc ; bg:id ?b }} }}
           FILTER(?x >= \"{w}\"^^xsd:date && ?x <= \"{d}\"^^xsd:date) }}",
        frozen = vocab::role(Role::Frozen).as_str(),
        withdrawal = vocab::event_type(EventType::WITHDRAWAL_ANNOUNCEMENT).as_str(),
    ))?;
    for row in departures.iter() {
        view.departures.entry(row.get("b").to_owned()).or_default().insert(row.get("c").to_owned());
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
           prov:wasDerivedFrom ?src .
           OPTIONAL {{ ?o bg:endDay ?end }} OPTIONAL {{ ?src bg:horizonEndDay ?until }}
           FILTER(?a < ?b && ?s <= \"{d}\"^^xsd:date
             && IF(BOUND(?end), \"{d}\"^^xsd:date < ?end, !BOUND(?until) || \"{d}\"^^xsd:date < ?until)) }}"
    ))?;
    let mut kinds: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for row in rows.iter() {
        let pair = (row.get("a").to_owned(), row.get("b").to_owned());
        kinds.entry(pair).or_default().insert(row.get("k").to_owned());
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
