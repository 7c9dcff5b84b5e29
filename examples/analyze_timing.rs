//! Times the phases of blocgraph's graph analyses in-process, for `benches/analyses.py`:
//! building the petgraph view from the store (SPARQL), then cohesion of every bloc (all four
//! components), the signed triads alone (counted again from each bloc's `signed_edges`, the
//! input networkx gets), bloc overlap of every pair of blocs, and betweenness and PageRank on
//! the simple undirected graph, each separately.
//!
//! ```text
//! cargo run --release --example analyze_timing -- STORE DATE [DATE...] [--window 24] [--repeat 1]
//! ```
//!
//! Prints one JSON object per date: {"as_of", "nodes", "edges", "simple_edges", "view_s",
//! "cohesion_s", "cohesion_blocs", "triads", "triads_s", "overlap_s", "overlap_pairs",
//! "simple_graph_s", "betweenness_s", "pagerank_s", "pagerank_iterations", "centrality_s",
//! "repeat"}. With `--repeat R` every phase but the view build runs R times and its fastest run
//! is reported (the machine is shared: the fastest run is the one least disturbed).
//! The store is opened read-only (it must exist).

use std::time::Instant;

/// The allocator of the `blocgraph` binary (src/main.rs), so that the phases take what they take there.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use blocgraph::analyze::{centrality, cohesion, overlap};
use blocgraph::date::Date;
use blocgraph::graph::{self, ViewOptions};

/// The result of the last of `repeat` runs of `f` and the fastest run's seconds.
fn best<T>(repeat: usize, mut f: impl FnMut() -> T) -> (T, f64) {
    let mut fastest = f64::INFINITY;
    let mut out = None;
    for _ in 0..repeat.max(1) {
        let t = Instant::now();
        let value = f();
        fastest = fastest.min(t.elapsed().as_secs_f64());
        out = Some(std::hint::black_box(value));
    }
    (out.expect("at least one run"), fastest)
}

fn flag(
    args: &mut Vec<String>,
    name: &str,
    default: usize,
) -> Result<usize, Box<dyn std::error::Error>> {
    Ok(match args.iter().position(|a| a == name) {
        Some(i) => {
            let v = args.get(i + 1).ok_or(format!("{name} N"))?.parse()?;
            args.drain(i..i + 2);
            v
        }
        None => default,
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let window = flag(&mut args, "--window", 24)? as u32;
    let repeat = flag(&mut args, "--repeat", 1)?;
    let (store, dates) = args
        .split_first()
        .ok_or("usage: analyze_timing STORE DATE [DATE...] [--window N] [--repeat R]")?;
    if dates.is_empty() {
        return Err("give at least one date".into());
    }
    let store = oxigraph::store::Store::open_read_only(store)?;
    for d in dates {
        let as_of = Date::parse(d)?;
        let t = Instant::now();
        let view = graph::build(&store, &ViewOptions { as_of, window_months: window })?;
        let view_s = t.elapsed().as_secs_f64();

        let blocs = view.blocs();
        let (rows, cohesion_s) = best(repeat, || {
            cohesion::cohesion_of(&view, &blocs)
                .into_iter()
                .filter(|c| c.members > 0)
                .collect::<Vec<_>>()
        });

        // The same computation networkx times: each bloc's signed graph, given as its edge
        // list by id, numbered and its signed triads counted.
        let (counted, triads_s) = best(repeat, || {
            rows.iter().map(|r| cohesion::signed_triads_by_id(&r.signed_edges)).collect::<Vec<_>>()
        });
        assert!(
            rows.iter().zip(&counted).all(|(r, c)| (r.triads, r.balanced_triads) == *c),
            "the triads counted alone differ from cohesion's"
        );

        let (pairs, overlap_s) = best(repeat, || overlap::overlap(&view, &blocs));
        let (g, simple_graph_s) = best(repeat, || centrality::simple_graph(&view));
        let (_, betweenness_s) = best(repeat, || centrality::betweenness(&g));
        let ((_, rounds), pagerank_s) = best(repeat, || centrality::pagerank_rounds(&g, 0.85));
        let (_, centrality_s) = best(repeat, || centrality::centrality(&view));

        let json = serde_json::json!({
            "as_of": view.as_of.to_string(),
            "nodes": view.graph.node_count(),
            "edges": view.graph.edge_count(),
            "simple_edges": g.edge_count(),
            "view_s": view_s,
            "cohesion_s": cohesion_s,
            "cohesion_blocs": rows.len(),
            "triads": rows.iter().map(|r| r.triads).sum::<usize>(),
            "triads_s": triads_s,
            "overlap_s": overlap_s,
            "overlap_pairs": pairs.len(),
            "simple_graph_s": simple_graph_s,
            "betweenness_s": betweenness_s,
            "pagerank_s": pagerank_s,
            "pagerank_iterations": rounds,
            "centrality_s": centrality_s,
            "repeat": repeat,
        });
        println!("{json}");
    }
    Ok(())
}
