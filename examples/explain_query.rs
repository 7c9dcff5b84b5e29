//! Prints oxigraph's evaluation plan of a SPARQL query on a blocgraph store, with per-node
//! statistics (rows, time), to find where a slow query spends its time.
//!
//! ```text
//! cargo run --release --example explain_query -- STORE FILE.rq
//! ```
//!
//! The query runs as written (no parameter binding: put the values in the text). The store is
//! opened read-only. The plan goes to stdout as JSON, the row count and time to stderr.

use std::time::Instant;

use oxigraph::sparql::{QueryResults, SparqlEvaluator};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [store, file] = &args[..] else { return Err("usage: explain_query STORE FILE.rq".into()) };
    let store = oxigraph::store::Store::open_read_only(store)?;
    let text = std::fs::read_to_string(file)?;
    let started = Instant::now();
    let (results, explanation) =
        SparqlEvaluator::new().parse_query(&text)?.on_store(&store).compute_statistics().explain();
    let mut rows = 0u64;
    if let QueryResults::Solutions(solutions) = results? {
        for s in solutions {
            s?;
            rows += 1;
        }
    }
    eprintln!("{rows} rows in {:.3} s", started.elapsed().as_secs_f64());
    let mut out = Vec::new();
    explanation.write_in_json(&mut out)?;
    println!("{}", String::from_utf8_lossy(&out));
    Ok(())
}
