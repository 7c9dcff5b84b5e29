//! The `blocgraph` command line: parses flags (clap), runs one subcommand from `cmd/`, and maps
//! every error to the contract's exit code in one place (0 ok, 1 runtime, 2 bad input).

mod cmd;

use std::path::PathBuf;

use blocgraph::error::Cause;
use blocgraph::store::Location;
use clap::{Parser, Subcommand};

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
    let location = Location::resolve(cli.store, cli.memory)?;
    run(&location, cli.command).or_else(|error| report(error, &location))
}

fn run(location: &Location, command: Command) -> Result<(), blocgraph::Error> {
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
