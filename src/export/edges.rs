//! `export edges`: the view's edges as CSV (source, target, kind, role, weight, polarity,
//! events), so other tools (networkx, spreadsheets) can rebuild the same graph.

use petgraph::visit::EdgeRef;

use crate::graph::{Edge, View};

/// CSV text of every edge of the view between the nodes shown for `blocs` (all when empty). O(E).
pub fn edges_csv(view: &View, blocs: &[String]) -> String {
    let shown = view.shown(blocs);
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["source", "target", "kind", "role", "weight", "polarity", "events"]);
    for e in view.graph.edge_references() {
        let (a, b) = (&view.graph[e.source()].id, &view.graph[e.target()].id);
        if !shown.contains(a) || !shown.contains(b) {
            continue;
        }
        let weight = format!("{:?}", e.weight().weight());
        let (role, polarity, events) = match e.weight() {
            Edge::Membership { role } => (role.to_string(), String::new(), String::new()),
            Edge::Trade { .. } => (String::new(), String::new(), String::new()),
            Edge::Obligation { kinds, .. } => (kinds.join("|"), String::new(), String::new()),
            Edge::Relation { events, polarity_sum, .. } => {
                (String::new(), polarity_sum.to_string(), events.to_string())
            }
        };
        let _ = w.write_record([
            a.as_str(),
            b.as_str(),
            e.weight().kind(),
            &role,
            &weight,
            &polarity,
            &events,
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
