//! The `blocgraph` command line: parses flags (clap), runs one subcommand from `cmd/`, and maps
//! every error to the contract's exit code in one place (0 ok, 1 runtime, 2 bad input).

mod cmd;

use std::path::PathBuf;

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
    /// Count what the store holds, per fact kind and per source.
    Stats(cmd::stats::Args),
    /// Check the whole store against the SHACL shapes and the importer's rules.
    Validate(cmd::validate::Args),
}

fn main() {
    let cli = Cli::parse();
    let code = match run(cli) {
        Ok(()) => 0,
        Err(error) => {
            if is_broken_pipe(&error) {
                0
            } else {
                eprintln!("blocgraph: {error}");
                error.exit_code()
            }
        }
    };
    std::process::exit(code);
}

fn run(cli: Cli) -> Result<(), blocgraph::Error> {
    let location = blocgraph::store::Location::resolve(cli.store, cli.memory)?;
    match cli.command {
        Command::Import(args) => cmd::import::run(&location, args),
        Command::Query(args) => cmd::query::run(&location, args),
        Command::Queries(args) => cmd::queries::run(args),
        Command::Analyze(args) => cmd::analyze::run(&location, args),
        Command::Export(command) => cmd::export::run(&location, command),
        Command::Reset => cmd::reset::run(&location),
        Command::Stats(args) => cmd::stats::run(&location, args),
        Command::Validate(args) => cmd::validate::run(&location, args),
    }
}

/// A reader that stopped reading (`| head`) is not a failure.
fn is_broken_pipe(error: &blocgraph::Error) -> bool {
    let mut source: Option<&dyn std::error::Error> = Some(error);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::BrokenPipe {
                return true;
            }
        }
        source = e.source();
    }
    false
}
