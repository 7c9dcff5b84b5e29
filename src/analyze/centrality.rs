//! Centrality per country on the undirected simple graph of the view: degree, weighted degree,
//! betweenness (Brandes 2001, normalised by 2/((n-1)(n-2))) and PageRank (α = 0.85, unweighted,
//! dangling mass spread uniformly), as networkx defines them.

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

/// An undirected simple graph in compressed sparse rows: the neighbours of node `v` are
/// `targets[offsets[v]..offsets[v + 1]]`, ascending, each with the summed weight of the pair
/// in `weights` at the same position. Nodes are `0..n` (for a view, its node indices).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Adjacency {
    pub offsets: Vec<u32>,
    pub targets: Vec<u32>,
    pub weights: Vec<f64>,
}

impl Adjacency {
    /// The simple graph of `n` nodes and the given edges: self-loops dropped, parallel edges
    /// merged, their weights summed in the order given. O(V + E log E).
    pub fn from_edges(n: usize, edges: impl IntoIterator<Item = (usize, usize, f64)>) -> Self {
        // Each pair once, lower node first; a stable sort keeps the given order within a pair.
        let mut pairs: Vec<(u32, u32, f64)> = edges
            .into_iter()
            .filter(|&(a, b, _)| a != b)
            .map(|(a, b, w)| (a.min(b) as u32, a.max(b) as u32, w))
            .collect();
        pairs.sort_by_key(|&(a, b, _)| (a, b));
        let mut merged: Vec<(u32, u32, f64)> = Vec::with_capacity(pairs.len());
        for (a, b, w) in pairs {
            match merged.last_mut() {
                Some(last) if (last.0, last.1) == (a, b) => last.2 += w,
                _ => merged.push((a, b, w)),
            }
        }
        let mut offsets = vec![0u32; n + 1];
        for &(a, b, _) in &merged {
            offsets[a as usize + 1] += 1;
            offsets[b as usize + 1] += 1;
        }
        for v in 0..n {
            offsets[v + 1] += offsets[v];
        }
        // Filled in pair order: node v gets its lower neighbours (pairs (u, v), by u) before
        // its higher ones (pairs (v, w), by w), so every row is ascending.
        let mut fill: Vec<u32> = offsets[..n].to_vec();
        let mut targets = vec![0u32; merged.len() * 2];
        let mut weights = vec![0.0; merged.len() * 2];
        for &(a, b, w) in &merged {
            for (from, to) in [(a, b), (b, a)] {
                let at = &mut fill[from as usize];
                targets[*at as usize] = to;
                weights[*at as usize] = w;
                *at += 1;
            }
        }
        Self { offsets, targets, weights }
    }

    pub fn node_count(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn edge_count(&self) -> usize {
        self.targets.len() / 2
    }

    /// The neighbours of `v`, ascending.
    pub fn neighbors(&self, v: usize) -> &[u32] {
        &self.targets[self.offsets[v] as usize..self.offsets[v + 1] as usize]
    }

    /// The weights of `v`'s edges, in the order of [`neighbors`](Self::neighbors).
    pub fn edge_weights(&self, v: usize) -> &[f64] {
        &self.weights[self.offsets[v] as usize..self.offsets[v + 1] as usize]
    }

    pub fn degree(&self, v: usize) -> usize {
        (self.offsets[v + 1] - self.offsets[v]) as usize
    }
}

/// The view as an undirected simple graph (no self-loops; parallel edges merged, weights
/// summed). Node `v` is the view's node index `v`. O(V + E log E).
pub fn simple_graph(view: &View) -> Adjacency {
    Adjacency::from_edges(
        view.graph.node_count(),
        view.graph
            .edge_references()
            .map(|e| (e.source().index(), e.target().index(), e.weight().weight())),
    )
}

/// 2E / (N(N-1)); 0 for fewer than two nodes.
pub fn density(g: &Adjacency) -> f64 {
    let n = g.node_count() as f64;
    if n < 2.0 {
        0.0
    } else {
        2.0 * g.edge_count() as f64 / (n * (n - 1.0))
    }
}

/// Normalised betweenness of every node (Brandes, unweighted).
///
/// # Complexity
/// O(V·E) time, O(V + E) memory, allocated once.
pub fn betweenness(g: &Adjacency) -> Vec<f64> {
    let n = g.node_count();
    let mut centrality = vec![0.0; n];
    let mut sigma = vec![0.0f64; n];
    let mut dist = vec![-1i32; n];
    let mut delta = vec![0.0f64; n];
    // The predecessors of w are some of its neighbours: kept in w's own row of a CSR-shaped
    // buffer, `preds[offsets[w]..offsets[w] + pred_len[w]]`.
    let mut preds = vec![0u32; g.targets.len()];
    let mut pred_len = vec![0u32; n];
    // BFS order: the queue (read from `head`) and, read backwards, Brandes' stack.
    let mut order: Vec<u32> = Vec::with_capacity(n);
    for s in 0..n {
        for &v in &order {
            let v = v as usize;
            pred_len[v] = 0;
            sigma[v] = 0.0;
            dist[v] = -1;
            delta[v] = 0.0;
        }
        order.clear();
        sigma[s] = 1.0;
        dist[s] = 0;
        order.push(s as u32);
        let mut head = 0;
        while head < order.len() {
            let v = order[head] as usize;
            head += 1;
            let (dv, sv) = (dist[v], sigma[v]);
            // Highest neighbour first: the order the sums were first computed in.
            for &w in g.neighbors(v).iter().rev() {
                let w = w as usize;
                if dist[w] < 0 {
                    dist[w] = dv + 1;
                    order.push(w as u32);
                }
                if dist[w] == dv + 1 {
                    sigma[w] += sv;
                    preds[g.offsets[w] as usize + pred_len[w] as usize] = v as u32;
                    pred_len[w] += 1;
                }
            }
        }
        for &w in order.iter().rev() {
            let w = w as usize;
            let start = g.offsets[w] as usize;
            for &v in &preds[start..start + pred_len[w] as usize] {
                let v = v as usize;
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

/// PageRank (α, unweighted, the mass of nodes without neighbours spread uniformly), as
/// networkx's `pagerank` defines it, computed by successive over-relaxation instead of power
/// iteration: the same figures in about a quarter of the rounds.
///
/// Why it is the same figure: with every node's jump and every dangling node's mass spread
/// uniformly, the PageRank vector is the solution y of y = 1/n + α·Σ_{u ~ v} y_u / deg(u),
/// scaled to sum 1 (the linear-system formulation: Del Corso, Gullì & Romani 2005, "Fast
/// PageRank computation via a sparse linear system"; Langville & Meyer 2004, "Deeper inside
/// PageRank"). Writing y = D·z this is (D − αA)·z = 1/n, and on an undirected graph D − αA is
/// symmetric and strictly diagonally dominant, so positive definite: Gauss–Seidel with
/// over-relaxation ω converges for every ω in (0, 2) (Ostrowski–Reich). The ω used,
/// 2 / (1 + √(1 − α²)), is Young's optimum for a Jacobi spectrum within [−α, α] (the graph of
/// countries and blocs is nearly bipartite, which is what made power iteration slow: its error
/// changes sign each round and shrinks only by α). Measured at 1k-10k countries: 30-32 rounds
/// against power iteration's 106-128, at 1.5 times the cost per round.
///
/// Stops when a round changes the ranks by less than n·1e-15 in L1 (the threshold of
/// networkx's rule with `tol` 1e-15, there applied to a power-iteration round), or after
/// 10 000 rounds. The figures agree with power iteration's to 1e-12.
///
/// # Complexity
/// O(k·(V + E)) for k rounds; O(V) memory besides the graph.
pub fn pagerank(g: &Adjacency, alpha: f64) -> Vec<f64> {
    pagerank_rounds(g, alpha).0
}

/// [`pagerank`] and the number of rounds it took (for benchmarks of how cost grows).
pub fn pagerank_rounds(g: &Adjacency, alpha: f64) -> (Vec<f64>, usize) {
    let n = g.node_count();
    if n == 0 {
        return (Vec::new(), 0);
    }
    let nf = n as f64;
    let jump = 1.0 / nf;
    let omega = 2.0 / (1.0 + (1.0 - alpha * alpha).sqrt());
    // What node v passes to each neighbour per unit of its own rank. A node without
    // neighbours passes nothing (its share is never read): 1 keeps the division defined.
    let passed: Vec<f64> = (0..n).map(|v| alpha / g.degree(v).max(1) as f64).collect();
    let mut y = vec![jump; n];
    // share[v] = y[v]·passed[v], kept beside y so that a neighbour's sum reads one array.
    let mut share: Vec<f64> = passed.iter().map(|p| jump * p).collect();
    let mut rounds = 10_000;
    for round in 1..=10_000 {
        let (mut change, mut total) = (0.0, 0.0);
        for v in 0..n {
            let sum = jump + g.neighbors(v).iter().map(|&u| share[u as usize]).sum::<f64>();
            let step = omega * (sum - y[v]);
            y[v] += step;
            share[v] = y[v] * passed[v];
            change += step.abs();
            total += y[v];
        }
        // y sums to `total`; the ranks are y / total, so their change is change / total.
        if change < nf * 1e-15 * total {
            rounds = round;
            break;
        }
    }
    let total: f64 = y.iter().sum();
    for r in &mut y {
        *r /= total;
    }
    (y, rounds)
}

/// Centrality of every country in the view.
///
/// # Complexity
/// O(V·E), betweenness's.
pub fn centrality(view: &View) -> Vec<Centrality> {
    let g = simple_graph(view);
    let between = betweenness(&g);
    let rank = pagerank(&g, 0.85);
    let density = density(&g);
    let as_of = view.as_of.to_string();
    let mut rows: Vec<Centrality> = view
        .graph
        .node_indices()
        .filter(|&i| view.graph[i].kind == EntityKind::Country)
        .map(|i| {
            let v = i.index();
            Centrality {
                country: view.graph[i].id.clone(),
                as_of: as_of.clone(),
                degree: g.degree(v),
                // Highest neighbour first, the order the sum was first computed in.
                weighted_degree: g.edge_weights(v).iter().rev().sum(),
                betweenness: between[v],
                pagerank: rank[v],
                density,
            }
        })
        .collect();
    // Highest PageRank first as written (nine decimals), then by country: rows whose written
    // figures are equal keep one order whatever the last bits of the sums (which the order of
    // floating-point operations, not the graph, decides).
    rows.sort_by_cached_key(|r| {
        (std::cmp::Reverse(format!("{:.9}", r.pagerank)), r.country.clone())
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(n: usize) -> Adjacency {
        Adjacency::from_edges(n, (1..n).map(|i| (i - 1, i, 1.0)))
    }

    #[test]
    fn parallel_edges_merge_and_loops_drop() {
        let g = Adjacency::from_edges(3, [(2, 0, 1.0), (0, 0, 5.0), (0, 2, 0.5), (1, 2, 2.0)]);
        assert_eq!((g.node_count(), g.edge_count()), (3, 2));
        assert_eq!(g.neighbors(2), &[0, 1]);
        assert_eq!(g.edge_weights(2), &[1.5, 2.0]);
        assert_eq!(g.neighbors(0), &[2]);
        assert_eq!(density(&g), 2.0 / 3.0);
    }

    #[test]
    fn betweenness_of_a_path() {
        // networkx: betweenness_centrality(path_graph(3)) == {0: 0, 1: 1.0, 2: 0}
        assert_eq!(betweenness(&path(3)), vec![0.0, 1.0, 0.0]);
        let b = betweenness(&path(4));
        assert!((b[1] - 2.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn pagerank_is_networkx_s() {
        // networkx 3: pagerank(G, alpha=0.85, tol=1e-15) of a triangle with a tail (0-1-2-0,
        // 2-3-4) and a node without neighbours (5, whose mass is spread), and of a star
        // (centre 0, four leaves: bipartite, where power iteration's error changes sign).
        let g = Adjacency::from_edges(
            6,
            [(0, 1), (1, 2), (2, 0), (2, 3), (3, 4)].map(|(a, b)| (a, b, 1.0)),
        );
        let nx = [
            0.18623474456154374,
            0.18623474456154374,
            0.2751485806964272,
            0.20640666876913674,
            0.11684904781911534,
            0.02912621359223301,
        ];
        for (ours, theirs) in pagerank(&g, 0.85).iter().zip(nx) {
            assert!((ours - theirs).abs() < 1e-14, "{ours} vs {theirs}");
        }
        let star = Adjacency::from_edges(5, (1..5).map(|leaf| (0, leaf, 1.0)));
        let (p, rounds) = pagerank_rounds(&star, 0.85);
        assert!((p[0] - 0.47567567567567465).abs() < 1e-14, "{}", p[0]);
        assert!(p[1..].iter().all(|&x| (x - 0.13108108108108138).abs() < 1e-14), "{p:?}");
        assert!(rounds < 100, "{rounds} rounds");
    }

    #[test]
    fn pagerank_sums_to_one_and_is_symmetric() {
        let p = pagerank(&path(5), 0.85);
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!((p[0] - p[4]).abs() < 1e-12);
        assert!(p[2] > p[0]);
    }
}
