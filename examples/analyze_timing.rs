//! Times the phases of blocgraph's graph analyses in-process, for `benches/analyses.py`:
//! building the petgraph view from the store (SPARQL), then cohesion of every bloc, and
//! betweenness and PageRank on the simple undirected graph, each separately.
//!
//! ```text
//! cargo run --release --example analyze_timing -- STORE DATE [DATE...] [--window 24]
//! ```
//!
//! Prints one JSON object per date: {"as_of", "nodes", "edges", "simple_edges", "view_s",
//! "cohesion_s", "cohesion_blocs", "simple_graph_s", "betweenness_s", "pagerank_s", "centrality_s"}.
//! The store is opened read-only (it must exist).

use std::time::Instant;

use blocgraph::analyze::{centrality, cohesion};
use blocgraph::date::Date;
use blocgraph::graph::{self, ViewOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut window = 24;
    if let Some(i) = args.iter().position(|a| a == "--window") {
        window = args.get(i + 1).ok_or("--window N")?.parse()?;
        args.drain(i..i + 2);
    }
    let (store, dates) =
        args.split_first().ok_or("usage: analyze_timing STORE DATE [DATE...] [--window N]")?;
    if dates.is_empty() {
        return Err("give at least one date".into());
    }
    let store = oxigraph::store::Store::open_read_only(store)?;
    for d in dates {
        let as_of = Date::parse(d)?;
        let t = Instant::now();
        let view = graph::build(&store, &ViewOptions { as_of, window_months: window })?;
        let view_s = t.elapsed().as_secs_f64();

        let t = Instant::now();
        let blocs = view.blocs();
        let rows: Vec<cohesion::Cohesion> =
            blocs.iter().map(|b| cohesion::cohesion(&view, b)).filter(|c| c.members > 0).collect();
        let cohesion_s = t.elapsed().as_secs_f64();

        let t = Instant::now();
        let g = centrality::simple_graph(&view);
        let simple_graph_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let between = centrality::betweenness(&g);
        let betweenness_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let (rank, rounds) = centrality::pagerank_rounds(&g, 0.85);
        let pagerank_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let all = centrality::centrality(&view);
        let centrality_s = t.elapsed().as_secs_f64();
        std::hint::black_box((&between, &rank, &all));

        let json = serde_json::json!({
            "as_of": view.as_of.to_string(),
            "nodes": view.graph.node_count(),
            "edges": view.graph.edge_count(),
            "simple_edges": g.edge_count(),
            "view_s": view_s,
            "cohesion_s": cohesion_s,
            "cohesion_blocs": rows.len(),
            "triads": rows.iter().map(|r| r.triads).sum::<usize>(),
            "simple_graph_s": simple_graph_s,
            "betweenness_s": betweenness_s,
            "pagerank_s": pagerank_s,
            "pagerank_iterations": rounds,
            "centrality_s": centrality_s,
        });
        println!("{json}");
    }
    Ok(())
}
