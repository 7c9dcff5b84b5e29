//! The `blocgraph` command line: parses flags (clap), runs one subcommand from `cmd/`, and maps
//! every error to the contract's exit code in one place (0 ok, 1 runtime, 2 bad input).

mod cmd;

use std::path::PathBuf;

use blocgraph::error::{Cause, StoreError};
use blocgraph::sparql::remote::Endpoint;
use blocgraph::store::Location;
use clap::{Parser, Subcommand};

/// jemalloc, not the system allocator: a bulk import makes and drops tens of millions of
/// small strings (every quad's terms) on three threads, and glibc's malloc spent a third of a
/// million-row import in its own bookkeeping (consolidating and unlinking free chunks). Measured
/// on 2 cores, 1M rows: the import 71.5 -> 55 s, peak memory 1160 -> 1065 MiB; the lists of
/// everything 18-41% faster; the view at 10k countries 1.95 -> 1.65 s. (mimalloc was as fast
/// for the import, but rebuilt the view's hash tables in freshly zeroed pages: the view 1.7 ->
/// 2.1 s.)
///
/// jemalloc is also the process's `malloc`, not only Rust's (Cargo.toml's feature
/// `unprefixed_malloc_on_supported_platforms`): oxigraph hands RocksDB's error messages, which
/// RocksDB's C code allocates with `malloc`, to `CString::from_raw`, so Rust's allocator frees
/// them. With jemalloc for Rust alone, every RocksDB error (a full disk, a locked store) freed a
/// foreign pointer, and the full-disk test's import died with SIGSEGV.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// A sourced, time-aware knowledge graph of post-Soviet alliance relations.
///
/// The store is seeded with curated facts from five articles on first use. Every fact
/// (membership, trade figure, event) cites its source and a verbatim quote.
#[derive(Parser)]
#[command(name = "blocgraph", version, propagate_version = true)]
struct Cli {
    /// Store directory (default: $BLOCGRAPH_STORE, else ~/.local/share/blocgraph/store).
    #[arg(long, global = true, value_name = "DIR", conflicts_with = "memory")]
    store: Option<PathBuf>,
    /// Use a fresh in-memory store (seeded, discarded at exit).
    #[arg(long, global = true)]
    memory: bool,
    /// Read from this SPARQL 1.1 endpoint instead of the local store (default:
    /// $BLOCGRAPH_ENDPOINT unless --store or --memory is given). Credentials come only from
    /// $BLOCGRAPH_ENDPOINT_USER and $BLOCGRAPH_ENDPOINT_PASSWORD.
    #[arg(long, global = true, value_name = "URL", conflicts_with_all = ["store", "memory"])]
    endpoint: Option<String>,
    /// The named graph that holds the data on the endpoint (or that `push` writes).
    #[arg(long, global = true, value_name = "IRI")]
    graph: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import facts from CSV files (kind told by the header), RDF files or COW IGO files.
    Import(cmd::import::Args),
    /// Run a saved query by name, or a SPARQL query from a .rq file.
    Query(cmd::query::Args),
    /// List the saved queries with their descriptions and parameters.
    Queries(cmd::queries::Args),
    /// Graph analyses on the store's view at a date: cohesion, centrality, overlap, agreement.
    Analyze(cmd::analyze::Args),
    /// Export the graph as GraphViz DOT or the whole store as RDF.
    #[command(subcommand)]
    Export(cmd::export::Command),
    /// Empty the store and re-seed it with the curated seed data.
    Reset,
    /// Serve the explorer page, its JSON API and a read-only SPARQL endpoint over HTTP, with a query timeout.
    Serve(cmd::serve::Args),
    /// Open the explorer: serve the store on a free loopback port, print the URL, open a browser.
    Explore(cmd::explore::Args),
    /// Count what the store holds, per fact kind and per source.
    Stats(cmd::stats::Args),
    /// Check the whole store against the SHACL shapes and the importer's rules.
    Validate(cmd::validate::Args),
    /// Copy the store (or RDF files) to a SPARQL engine through the Graph Store HTTP Protocol.
    Push(cmd::push::Args),
}

impl Command {
    /// The name of a command that writes or serves the local store, which `--endpoint` cannot
    /// stand in for.
    fn local_only(&self) -> Option<&'static str> {
        match self {
            Self::Import(_) => Some("import"),
            Self::Reset => Some("reset"),
            Self::Serve(_) => Some("serve"),
            Self::Explore(_) => Some("explore"),
            Self::Push(_) => Some("push"),
            Self::Query(_)
            | Self::Queries(_)
            | Self::Analyze(_)
            | Self::Export(_)
            | Self::Stats(_)
            | Self::Validate(_) => None,
        }
    }
}

fn main() {
    let cli = Cli::parse();
    let code = match execute(cli) {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("blocgraph: {error}");
            error.exit_code()
        }
    };
    std::process::exit(code);
}

fn execute(cli: Cli) -> Result<(), blocgraph::Error> {
    let location = locate(&cli)?;
    run(&location, cli.graph, cli.command).or_else(|error| report(error, &location))
}

/// Where the command reads: `--endpoint` (or `$BLOCGRAPH_ENDPOINT` when neither `--store` nor
/// `--memory` is given), else the local store. A URL is checked here, never echoed: it may
/// carry credentials.
fn locate(cli: &Cli) -> Result<Location, blocgraph::Error> {
    let from_env = || {
        (cli.store.is_none() && !cli.memory)
            .then(|| std::env::var("BLOCGRAPH_ENDPOINT").ok().filter(|v| !v.is_empty()))
            .flatten()
    };
    let Some(url) = cli.endpoint.clone().or_else(from_env) else {
        if cli.graph.is_some() && !matches!(cli.command, Command::Push(_)) {
            return Err(blocgraph::Error::Usage(
                "--graph names a graph of a SPARQL engine: use it with --endpoint URL or push"
                    .into(),
            ));
        }
        return Ok(Location::resolve(cli.store.clone(), cli.memory)?);
    };
    let endpoint = Endpoint::parse(&url, cli.graph.as_deref(), "--endpoint")
        .map_err(blocgraph::Error::Usage)?;
    if let Some(command) = cli.command.local_only() {
        return Err(StoreError::NotLocal { command, endpoint: endpoint.to_string() }.into());
    }
    Ok(Location::Remote(endpoint))
}

fn run(
    location: &Location,
    graph: Option<String>,
    command: Command,
) -> Result<(), blocgraph::Error> {
    match command {
        Command::Import(args) => cmd::import::run(location, args),
        Command::Query(args) => cmd::query::run(location, args),
        Command::Queries(args) => cmd::queries::run(args),
        Command::Analyze(args) => cmd::analyze::run(location, args),
        Command::Export(command) => cmd::export::run(location, command),
        Command::Reset => cmd::reset::run(location),
        Command::Serve(args) => cmd::serve::run(location, args),
        Command::Explore(args) => cmd::explore::run(location, args),
        Command::Stats(args) => cmd::stats::run(location, args),
        Command::Validate(args) => cmd::validate::run(location, args),
        Command::Push(args) => cmd::push::run(location, graph, args),
    }
}

/// Turns what lies behind a failure into what the user can do about it: a reader that stopped
/// reading (`| head`) is no failure; a full disk and a store changed mid-read say so plainly.
fn report(error: blocgraph::Error, location: &Location) -> Result<(), blocgraph::Error> {
    let store = location.describe();
    Err(match error.cause() {
        None => error,
        Some(Cause::BrokenPipe) => return Ok(()),
        Some(Cause::DiskFull) => blocgraph::Error::Io(format!(
            "no space left on the device: free some space and try again (a write that fails stores nothing: the store at {store} keeps its previous state)\n  ({error})"
        )),
        Some(Cause::StoreChanged) => blocgraph::Error::Io(format!(
            "the store at {store} is in use by another blocgraph process (its files changed during this read); wait for it to finish and try again\n  ({error})"
        )),
    })
}
