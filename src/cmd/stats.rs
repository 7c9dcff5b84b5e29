//! `blocgraph stats [--format table|csv|json]`: counts per fact kind and per source.

use std::io::Write;

use blocgraph::output::table::write_rows;
use blocgraph::store::{self, Location};
use blocgraph::Error;

/// `stats --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Table,
    Csv,
    Json,
}

#[derive(clap::Args)]
pub struct Args {
    /// table (default), csv or json.
    #[arg(long, value_name = "F", value_enum, ignore_case = true, default_value_t)]
    format: Format,
}

pub fn run(location: &Location, args: Args) -> Result<(), Error> {
    let db = store::open_reader(location)?;
    let stats = blocgraph::stats::stats(db.engine())?;
    let mut out = super::stdout();
    let io = |e: std::io::Error| super::output_error("standard output")(e);
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &stats).map_err(|e| io(e.into()))?;
            writeln!(out).map_err(io)?;
        }
        Format::Csv => {
            writeln!(out, "section,name,reference,memberships,trade,events,total").map_err(io)?;
            for (kind, n) in &stats.kinds {
                writeln!(out, "kind,{kind},,,,,{n}").map_err(io)?;
            }
            for s in &stats.sources {
                writeln!(
                    out,
                    "source,{},{},{},{},{},{}",
                    s.source, s.reference, s.memberships, s.trade, s.events, s.total
                )
                .map_err(io)?;
            }
        }
        Format::Table => {
            writeln!(out, "store: {} ({} triples)\n", location.describe(), stats.triples)
                .map_err(io)?;
            let rows: Vec<Vec<String>> =
                stats.kinds.iter().map(|(k, n)| vec![k.clone(), n.to_string()]).collect();
            write_rows(&mut out, &["kind".into(), "count".into()], &rows).map_err(io)?;
            writeln!(out).map_err(io)?;
            let rows: Vec<Vec<String>> = stats
                .sources
                .iter()
                .map(|s| {
                    vec![
                        s.source.clone(),
                        if s.reference { "yes".into() } else { String::new() },
                        s.memberships.to_string(),
                        s.trade.to_string(),
                        s.events.to_string(),
                        s.total.to_string(),
                    ]
                })
                .collect();
            let header: Vec<String> =
                ["source", "reference", "memberships", "trade", "events", "total"]
                    .map(String::from)
                    .to_vec();
            write_rows(&mut out, &header, &rows).map_err(io)?;
        }
    }
    super::finish(out)
}
