//! `blocgraph import FILE... [--dry-run] [--format F]`: check everything, then store it all or nothing.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use blocgraph::import::{self, Format, Input, Options};
use blocgraph::store::{self, Access, Location};
use blocgraph::Error;

#[derive(clap::Args)]
pub struct Args {
    /// CSV files (entities, sources, memberships, trade, events: told by the header), RDF files (.ttl .nt .nq .trig) or, with --format cow-igo / atop-ddy, COW IGO-year or ATOP dyad-year files; `-` reads standard input (CSV unless --format says otherwise).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Check and count, store nothing.
    #[arg(long)]
    dry_run: bool,
    /// Read every file as this format: csv, cow-igo, atop-ddy, ttl, nt, nq, trig (default: by file name).
    #[arg(long, value_name = "F", value_enum, ignore_case = true)]
    format: Option<Format>,
    /// Print nothing on success.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(location: &Location, args: Args) -> Result<(), Error> {
    let db = store::open(location, Access::Write)?;
    let mut inputs = Vec::with_capacity(args.files.len());
    for path in args.files {
        if path.as_os_str() == "-" {
            inputs.push(Input::spool(
                "<stdin>",
                &mut std::io::stdin().lock(),
                &std::env::temp_dir(),
            )?);
        } else {
            inputs.push(Input::File(path));
        }
    }
    let terminal = std::io::stderr().is_terminal();
    let progress = |phase: &str, rows: u64| eprint!("\r{phase}: {rows} rows\x1b[K");
    let options = Options {
        dry_run: args.dry_run,
        format: args.format,
        progress: terminal.then_some(&progress as &dyn Fn(&str, u64)),
    };
    let result = import::import(&db.store, &inputs, &options);
    if terminal {
        eprint!("\r\x1b[K");
    }
    let summary = result?;
    if args.quiet {
        return Ok(());
    }
    let mut out = super::stdout();
    let io = || super::output_error("standard output");
    let verb = if args.dry_run { "would add" } else { "added" };
    if summary.counts.is_empty() {
        writeln!(out, "nothing to import").map_err(io())?;
    }
    for (kind, count) in &summary.counts {
        writeln!(out, "{kind}: {verb} {}, already present {}", count.added, count.present)
            .map_err(io())?;
    }
    if args.dry_run {
        writeln!(out, "dry run: nothing was stored").map_err(io())?;
    }
    super::finish(out)
}
