//! Prints oxigraph's evaluation plan of a query on a blocgraph store, with per-node statistics
//! (rows, time), to find where a slow query spends its time.
//!
//! ```text
//! cargo run --release --example explain_query -- STORE QUERY [K=V ...]
//! ```
//!
//! `QUERY` is a saved query's name or a `.rq` file; `K=V` are its parameters, bound and
//! specialized exactly as `blocgraph query` does. The store is opened read-only. The plan goes
//! to stdout as JSON, the row count and time to stderr.

use std::time::Instant;

/// The allocator of the `blocgraph` binary (src/main.rs), so that the phases take what they take there.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use blocgraph::query::{prepare, Request};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [store, query, params @ ..] = &args[..] else {
        return Err("usage: explain_query STORE QUERY [K=V ...]".into());
    };
    let store = oxigraph::store::Store::open_read_only(store)?;
    let params = params
        .iter()
        .map(|p| p.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect::<Option<Vec<_>>>()
        .ok_or("parameters are K=V")?;
    let request = Request { query: query.clone(), params, ..Request::default() };
    let algebra = prepare(&store, &request)?;
    eprintln!("{algebra}");
    let started = Instant::now();
    let (results, explanation) =
        SparqlEvaluator::new().for_query(algebra).on_store(&store).compute_statistics().explain();
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
