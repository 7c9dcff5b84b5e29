//! Bloc cohesion: a composite index in [0, 1] of four components that each mean something on
//! their own (retention, event polarity, structural balance, intra-bloc trade share).
//! The formula, window and weights are documented in `docs/cohesion.md`.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::visit::EdgeRef;

use super::{num, Rows};
use crate::graph::{Edge, View};
use crate::model::Role;

/// Weights of the components in the composite; missing components are left out and the
/// remaining weights renormalised.
pub const WEIGHTS: [(&str, f64); 4] =
    [("retention", 0.4), ("polarity", 0.3), ("balance", 0.2), ("trade_share", 0.1)];

/// The cohesion of one bloc on one date.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Cohesion {
    pub bloc: String,
    pub as_of: String,
    pub window_start: String,
    /// Countries counted: members, associates and frozen members on the date, plus those that left in the window.
    pub members: usize,
    pub member_list: Vec<String>,
    /// Share of the counted countries that are members or associates with no exit, freeze or announced withdrawal in the window.
    pub retention: Option<f64>,
    /// (mean polarity + 1) / 2 over the window's events among members and the bloc.
    pub polarity: Option<f64>,
    pub events: u32,
    /// Share of balanced triads in the signed graph of members and the bloc (Cartwright & Harary 1956).
    pub balance: Option<f64>,
    pub triads: usize,
    pub balanced_triads: usize,
    /// Intra-bloc share of the members' trade figures in the window, by value.
    pub trade_share: Option<f64>,
    /// The weighted mean of the available components (none with fewer than two).
    pub cohesion: Option<f64>,
    /// How many of the four components had data.
    pub components: usize,
    /// The signed edges the balance was computed on: (a, b, sign).
    pub signed_edges: Vec<(String, String, i8)>,
}

impl Rows for Cohesion {
    fn header() -> Vec<&'static str> {
        vec![
            "bloc",
            "as_of",
            "members",
            "cohesion",
            "components",
            "retention",
            "polarity",
            "events",
            "balance",
            "triads",
            "trade_share",
            "member_list",
        ]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.bloc.clone(),
            self.as_of.clone(),
            self.members.to_string(),
            num(self.cohesion),
            self.components.to_string(),
            num(self.retention),
            num(self.polarity),
            self.events.to_string(),
            num(self.balance),
            self.triads.to_string(),
            num(self.trade_share),
            self.member_list.join("|"),
        ]
    }
}

/// How many components must be present for a composite: one alone (say, retention in a bloc
/// the sources report no events for) says too little to rank blocs by.
pub const MIN_COMPONENTS: usize = 2;

/// The composite: Σ wᵢ·cᵢ / Σ wᵢ over the components present; `None` with fewer than [`MIN_COMPONENTS`].
pub fn composite(components: &[Option<f64>; 4]) -> Option<f64> {
    let (mut sum, mut weight) = (0.0, 0.0);
    for (c, (_, w)) in components.iter().zip(WEIGHTS) {
        if let Some(c) = c {
            sum += w * c;
            weight += w;
        }
    }
    (components.iter().flatten().count() >= MIN_COMPONENTS).then(|| sum / weight)
}

/// Cohesion of `bloc` in the view. O(E + M³) for M counted members (triads are enumerated).
pub fn cohesion(view: &View, bloc: &str) -> Cohesion {
    let holders = view.holders(bloc);
    let departed: BTreeSet<String> = view.departures.get(bloc).cloned().unwrap_or_default();
    let counted: BTreeSet<String> = holders
        .keys()
        .cloned()
        .chain(departed.iter().filter(|c| view.index.contains_key(*c)).cloned())
        .collect();
    let retained = holders.iter().filter(|(c, r)| r.takes_part() && !departed.contains(*c)).count();
    let retention = (!counted.is_empty()).then(|| retained as f64 / counted.len() as f64);

    let mut circle = counted.clone();
    circle.insert(bloc.to_owned());
    // Net polarity and event count per unordered pair within the circle.
    let mut net: BTreeMap<(String, String), i64> = BTreeMap::new();
    let (mut events, mut polarity_sum) = (0u32, 0i64);
    let mut trade_in = 0.0;
    let mut trade_all = 0.0;
    for e in view.graph.edge_references() {
        let (a, b) = (&view.graph[e.source()].id, &view.graph[e.target()].id);
        match e.weight() {
            Edge::Relation { events: n, polarity_sum: p }
                if circle.contains(a) && circle.contains(b) =>
            {
                events += n;
                polarity_sum += p;
                *net.entry(pair(a, b)).or_default() += p;
            }
            Edge::Trade { value_usd, .. } if counted.contains(a) || counted.contains(b) => {
                trade_all += value_usd;
                if circle.contains(a) && circle.contains(b) {
                    trade_in += value_usd;
                }
            }
            _ => {}
        }
    }
    let polarity = (events > 0).then(|| (polarity_sum as f64 / f64::from(events) + 1.0) / 2.0);
    let trade_share = (trade_all > 0.0).then(|| trade_in / trade_all);

    // The signed graph: membership ties (+1, frozen -1) overridden by the sign of net events.
    let mut signs: BTreeMap<(String, String), i8> = BTreeMap::new();
    for (c, role) in &holders {
        signs.insert(pair(c, bloc), if *role == Role::Frozen { -1 } else { 1 });
    }
    for (p, n) in &net {
        if *n != 0 {
            signs.insert(p.clone(), n.signum() as i8);
        }
    }
    let members: Vec<&String> = circle.iter().collect();
    let (mut triads, mut balanced) = (0, 0);
    for i in 0..members.len() {
        for j in i + 1..members.len() {
            let Some(&sij) = signs.get(&pair(members[i], members[j])) else { continue };
            for k in j + 1..members.len() {
                if let (Some(&sik), Some(&sjk)) = (
                    signs.get(&pair(members[i], members[k])),
                    signs.get(&pair(members[j], members[k])),
                ) {
                    triads += 1;
                    if sij * sik * sjk > 0 {
                        balanced += 1;
                    }
                }
            }
        }
    }
    let balance = (triads > 0).then(|| balanced as f64 / triads as f64);
    let parts = [retention, polarity, balance, trade_share];
    let cohesion = composite(&parts);
    Cohesion {
        bloc: bloc.to_owned(),
        as_of: view.as_of.to_string(),
        window_start: view.window_start.to_string(),
        members: counted.len(),
        member_list: counted.into_iter().collect(),
        retention,
        polarity,
        events,
        balance,
        triads,
        balanced_triads: balanced,
        trade_share,
        cohesion,
        components: parts.iter().flatten().count(),
        signed_edges: signs.into_iter().map(|((a, b), s)| (a, b, s)).collect(),
    }
}

fn pair(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_owned(), b.to_owned())
    } else {
        (b.to_owned(), a.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::composite;

    #[test]
    fn composite_renormalises_over_present_components() {
        assert_eq!(composite(&[Some(1.0), Some(0.0), None, None]), Some(0.4 / 0.7));
        assert_eq!(composite(&[None, None, None, None]), None);
        assert_eq!(composite(&[Some(1.0), None, None, None]), None, "one component is not enough");
        assert!((composite(&[Some(0.5); 4]).unwrap() - 0.5).abs() < 1e-12);
    }
}
