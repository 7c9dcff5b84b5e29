//! `blocgraph push URL [--graph IRI] [--from FILE...] [--batch N] [--timeout S]`: copies the
//! store (or RDF files) to a SPARQL engine through the SPARQL 1.1 Graph Store HTTP Protocol.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use blocgraph::error::StoreError;
use blocgraph::export::push::{self, Target};
use blocgraph::sparql::remote::Endpoint;
use blocgraph::store::{self, Access, Location};
use blocgraph::Error;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::store::Store;

#[derive(clap::Args)]
pub struct Args {
    /// The engine's Graph Store Protocol URL (oxigraph's server: http://HOST:7878/store;
    /// Virtuoso: http://HOST:8890/sparql-graph-crud-auth). Credentials come only from
    /// $BLOCGRAPH_ENDPOINT_USER and $BLOCGRAPH_ENDPOINT_PASSWORD.
    #[arg(value_name = "URL")]
    url: String,
    /// Push these RDF files (.ttl, .nt, .nq, .trig, .rdf) instead of the store.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    from: Vec<PathBuf>,
    /// Triples per request.
    #[arg(long, value_name = "N", default_value_t = 50_000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    batch: u64,
    /// Give up on a request after S seconds.
    #[arg(long, value_name = "S", value_parser = super::seconds)]
    timeout: Option<Duration>,
}

pub fn run(location: &Location, graph: Option<String>, args: Args) -> Result<(), Error> {
    // The URL and graph are checked as an endpoint's are (no credentials in the URL).
    let endpoint =
        Endpoint::parse(&args.url, graph.as_deref(), "push URL").map_err(Error::Usage)?;
    let target = Target {
        endpoint: endpoint.clone(),
        batch: usize::try_from(args.batch).unwrap_or(usize::MAX),
        timeout: args.timeout,
    };
    let source = if args.from.is_empty() {
        store::open(location, Access::Read)?.store
    } else {
        load_files(&args.from)?
    };
    let terminal = std::io::stderr().is_terminal();
    let started = Instant::now();
    let mut progress = |done: usize, total: usize| {
        if terminal {
            eprint!(
                "\rpushing: {done} of {total} triples ({:.0}%), {:.0} triples/s\x1b[K",
                100.0 * done as f64 / total.max(1) as f64,
                rate(done, started)
            );
            let _ = std::io::stderr().flush();
        }
    };
    let result = push::push(&source, &target, &mut progress);
    if terminal {
        eprint!("\r\x1b[K");
    }
    let pushed = result?;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    eprintln!(
        "pushed {} in {} ({}) to {endpoint} in {:.1} s, {:.0} triples/s",
        plural(pushed.triples, "triple"),
        plural(pushed.graphs, "graph"),
        plural(pushed.requests, "request"),
        started.elapsed().as_secs_f64(),
        rate(pushed.triples, started)
    );
    Ok(())
}

fn rate(triples: usize, started: Instant) -> f64 {
    triples as f64 / started.elapsed().as_secs_f64().max(1e-9)
}

/// Reads RDF files into a scratch in-memory store (duplicates merged); a file that does not
/// parse is named with the parser's line and column, and nothing is pushed.
fn load_files(files: &[PathBuf]) -> Result<Store, Error> {
    let scratch = Store::new().map_err(StoreError::Storage)?;
    for path in files {
        let name = path.display().to_string();
        let format = path
            .extension()
            .and_then(|e| e.to_str())
            .and_then(RdfFormat::from_extension)
            .ok_or_else(|| {
                Error::Usage(format!(
                    "{name}: unknown RDF file extension; expected .ttl, .nt, .nq, .trig or .rdf"
                ))
            })?;
        let file =
            std::fs::File::open(path).map_err(|e| Error::Io(format!("cannot read {name}: {e}")))?;
        scratch
            .load_from_reader(RdfParser::from_format(format), std::io::BufReader::new(file))
            .map_err(|e| Error::Usage(format!("{name}: {e}")))?;
    }
    Ok(scratch)
}
