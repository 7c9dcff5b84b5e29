//! Centrality per country on the undirected simple graph of the view: degree, weighted degree,
//! betweenness (Brandes 2001, normalised by 2/((n-1)(n-2))) and PageRank (α = 0.85, unweighted,
//! dangling mass spread uniformly), as networkx defines them.

use std::collections::{BTreeMap, VecDeque};

use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::visit::EdgeRef;

use super::{num, Rows};
use crate::graph::View;
use crate::model::EntityKind;

/// One country's figures.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Centrality {
    pub country: String,
    pub as_of: String,
    pub degree: usize,
    pub weighted_degree: f64,
    pub betweenness: f64,
    pub pagerank: f64,
    /// The density of the whole view, 2E / (N(N-1)), the same on every row.
    pub density: f64,
}

impl Rows for Centrality {
    fn header() -> Vec<&'static str> {
        vec!["country", "as_of", "degree", "weighted_degree", "betweenness", "pagerank", "density"]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.country.clone(),
            self.as_of.clone(),
            self.degree.to_string(),
            num(Some(self.weighted_degree)),
            format!("{:.9}", self.betweenness),
            format!("{:.9}", self.pagerank),
            format!("{:.9}", self.density),
        ]
    }
}

/// The view as an undirected simple graph (no self-loops; parallel edges merged, weights summed).
/// Node weights are entity ids. O(V + E log E).
pub fn simple_graph(view: &View) -> UnGraph<String, f64> {
    let mut g = UnGraph::with_capacity(view.graph.node_count(), view.graph.edge_count());
    for n in view.graph.node_weights() {
        g.add_node(n.id.clone());
    }
    let mut weights: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for e in view.graph.edge_references() {
        let (a, b) = (e.source().index(), e.target().index());
        if a != b {
            *weights.entry((a.min(b), a.max(b))).or_default() += e.weight().weight();
        }
    }
    for ((a, b), w) in weights {
        g.add_edge(NodeIndex::new(a), NodeIndex::new(b), w);
    }
    g
}

/// 2E / (N(N-1)); 0 for fewer than two nodes.
pub fn density(g: &UnGraph<String, f64>) -> f64 {
    let n = g.node_count() as f64;
    if n < 2.0 {
        0.0
    } else {
        2.0 * g.edge_count() as f64 / (n * (n - 1.0))
    }
}

/// Normalised betweenness of every node (Brandes, unweighted). O(V·E).
pub fn betweenness(g: &UnGraph<String, f64>) -> Vec<f64> {
    let n = g.node_count();
    let mut centrality = vec![0.0; n];
    let mut sigma = vec![0.0f64; n];
    let mut dist = vec![-1i64; n];
    let mut delta = vec![0.0f64; n];
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut stack = Vec::with_capacity(n);
    let mut queue = VecDeque::with_capacity(n);
    for s in 0..n {
        for v in 0..n {
            preds[v].clear();
            sigma[v] = 0.0;
            dist[v] = -1;
            delta[v] = 0.0;
        }
        sigma[s] = 1.0;
        dist[s] = 0;
        queue.push_back(s);
        while let Some(v) = queue.pop_front() {
            stack.push(v);
            for w in g.neighbors(NodeIndex::new(v)) {
                let w = w.index();
                if dist[w] < 0 {
                    dist[w] = dist[v] + 1;
                    queue.push_back(w);
                }
                if dist[w] == dist[v] + 1 {
                    sigma[w] += sigma[v];
                    preds[w].push(v);
                }
            }
        }
        while let Some(w) = stack.pop() {
            for &v in &preds[w] {
                delta[v] += sigma[v] / sigma[w] * (1.0 + delta[w]);
            }
            if w != s {
                centrality[w] += delta[w];
            }
        }
    }
    if n > 2 {
        let scale = 1.0 / ((n - 1) * (n - 2)) as f64;
        for c in &mut centrality {
            *c *= scale;
        }
    }
    centrality
}

/// PageRank by power iteration until the L1 change is below n·1e-15 (or 10 000 rounds). O(k·(V + E)).
pub fn pagerank(g: &UnGraph<String, f64>, alpha: f64) -> Vec<f64> {
    pagerank_rounds(g, alpha).0
}

/// [`pagerank`] and the number of rounds it took (for benchmarks of how cost grows).
pub fn pagerank_rounds(g: &UnGraph<String, f64>, alpha: f64) -> (Vec<f64>, usize) {
    let n = g.node_count();
    if n == 0 {
        return (Vec::new(), 0);
    }
    let nf = n as f64;
    let degree: Vec<usize> = (0..n).map(|v| g.neighbors(NodeIndex::new(v)).count()).collect();
    let mut x = vec![1.0 / nf; n];
    for round in 1..=10_000 {
        let dangling: f64 = (0..n).filter(|&v| degree[v] == 0).map(|v| x[v]).sum();
        let mut next = vec![(1.0 - alpha) / nf + alpha * dangling / nf; n];
        for e in g.edge_references() {
            let (a, b) = (e.source().index(), e.target().index());
            next[b] += alpha * x[a] / degree[a] as f64;
            next[a] += alpha * x[b] / degree[b] as f64;
        }
        let change: f64 = next.iter().zip(&x).map(|(a, b)| (a - b).abs()).sum();
        x = next;
        if change < nf * 1e-15 {
            return (x, round);
        }
    }
    (x, 10_000)
}

/// Centrality of every country in the view.
pub fn centrality(view: &View) -> Vec<Centrality> {
    let g = simple_graph(view);
    let between = betweenness(&g);
    let rank = pagerank(&g, 0.85);
    let density = density(&g);
    let mut rows: Vec<Centrality> = view
        .graph
        .node_indices()
        .filter(|&i| view.graph[i].kind == EntityKind::Country)
        .map(|i| {
            let v = NodeIndex::new(i.index());
            Centrality {
                country: view.graph[i].id.clone(),
                as_of: view.as_of.to_string(),
                degree: g.neighbors(v).count(),
                weighted_degree: g.edges(v).map(|e| *e.weight()).sum(),
                betweenness: between[i.index()],
                pagerank: rank[i.index()],
                density,
            }
        })
        .collect();
    rows.sort_by(|a, b| b.pagerank.total_cmp(&a.pagerank).then_with(|| a.country.cmp(&b.country)));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(n: usize) -> UnGraph<String, f64> {
        let mut g = UnGraph::new_undirected();
        let nodes: Vec<_> = (0..n).map(|i| g.add_node(i.to_string())).collect();
        for w in nodes.windows(2) {
            g.add_edge(w[0], w[1], 1.0);
        }
        g
    }

    #[test]
    fn betweenness_of_a_path() {
        // networkx: betweenness_centrality(path_graph(3)) == {0: 0, 1: 1.0, 2: 0}
        assert_eq!(betweenness(&path(3)), vec![0.0, 1.0, 0.0]);
        let b = betweenness(&path(4));
        assert!((b[1] - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn pagerank_sums_to_one_and_is_symmetric() {
        let p = pagerank(&path(5), 0.85);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!((p[0] - p[4]).abs() < 1e-12);
        assert!(p[2] > p[0]);
    }
}
