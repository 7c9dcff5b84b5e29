//! `blocgraph analyze WHAT [--as-of D] [--bloc B]... [--from D --to D --step year|month] [--format F]`.

use std::io::Write;
use std::path::PathBuf;

use blocgraph::analyze::{self, agreement, centrality, cohesion, overlap, Rows, Step};
use blocgraph::date::Date;
use blocgraph::error::AnalyzeError;
use blocgraph::graph::{self, ViewOptions};
use blocgraph::output::chart::{self, Point};
use blocgraph::output::table::write_rows;
use blocgraph::resolve::Resolver;
use blocgraph::store::{self, Access, Location};
use blocgraph::Error;

use super::{output_error, target};

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum What {
    /// Per bloc: retention, event polarity, structural balance, intra-bloc trade share and the composite.
    Cohesion,
    /// Per country: degree, weighted degree, betweenness, PageRank.
    Centrality,
    /// Per pair of blocs: shared members and Jaccard index.
    Overlap,
    /// Where sources disagree on a country's status in a bloc, year by year, and agreement rates.
    Agreement,
}

/// `analyze agreement --with`: another kind of data to compare the blocs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum With {
    /// ATOP defense obligations against the defense blocs (CSTO and NATO unless --bloc says).
    Atop,
}

/// `analyze --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
    /// An SVG line chart of the cohesion series (needs -o).
    Svg,
}

#[derive(clap::Args)]
pub struct Args {
    #[arg(value_enum)]
    what: What,
    /// The date of the view (default: today).
    #[arg(long, value_name = "D", value_parser = Date::parse)]
    as_of: Option<Date>,
    /// Only these blocs (id, label or alias); repeatable.
    #[arg(long = "bloc", value_name = "B")]
    blocs: Vec<String>,
    /// agreement: compare exactly these sources (default: each dataset source against the curated view).
    #[arg(long = "source", value_name = "ID")]
    sources: Vec<String>,
    /// agreement: compare with another kind of data instead: `atop` (ATOP defense obligations against the defense blocs, CSTO and NATO unless --bloc says).
    #[arg(long = "with", value_name = "DATA", value_enum, ignore_case = true)]
    with: Option<With>,
    /// Start of a time series (cohesion), or first year (agreement).
    #[arg(long, value_name = "D", value_parser = Date::parse)]
    from: Option<Date>,
    /// End of a time series (cohesion), or last year (agreement).
    #[arg(long, value_name = "D", value_parser = Date::parse)]
    to: Option<Date>,
    /// Step of the time series: year or month.
    #[arg(long, value_name = "S", value_enum, ignore_case = true, default_value = "year")]
    step: Step,
    /// Months of events before the date that count as the window.
    #[arg(long, value_name = "N", default_value_t = 24, value_parser = clap::value_parser!(u32).range(1..=1200))]
    window: u32,
    /// table (default on a terminal), csv, json; svg draws the cohesion series (needs -o).
    #[arg(long, value_name = "F", value_enum, ignore_case = true)]
    format: Option<Format>,
    /// Write to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

fn write_table<T: Rows + serde::Serialize>(
    out: &mut dyn Write,
    format: Format,
    rows: &[T],
    what: &str,
) -> Result<(), Error> {
    let io = || output_error(what);
    let header: Vec<String> = T::header().into_iter().map(String::from).collect();
    let cells: Vec<Vec<String>> = rows.iter().map(Rows::cells).collect();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, rows).map_err(|e| io()(e.into()))?;
            writeln!(out).map_err(io())
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(&header).map_err(|e| io()(e.into()))?;
            for r in &cells {
                w.write_record(r).map_err(|e| io()(e.into()))?;
            }
            w.flush().map_err(io())
        }
        Format::Table | Format::Svg => write_rows(out, &header, &cells).map_err(io()),
    }
}

fn usage(message: impl Into<String>) -> Error {
    Error::Usage(message.into())
}

pub fn run(location: &Location, args: Args) -> Result<(), Error> {
    let format = args.format.unwrap_or(if super::terminal() { Format::Table } else { Format::Csv });
    if format == Format::Svg && args.what != What::Cohesion {
        return Err(usage("--format svg draws the cohesion series; expected table, csv or json"));
    }
    if format == Format::Svg && args.output.is_none() {
        return Err(usage("--format svg needs -o FILE"));
    }
    let as_of = args.as_of.unwrap_or_else(Date::today);
    let (from, to) = (args.from, args.to);
    if args.what != What::Agreement && from.is_some() != to.is_some() {
        return Err(usage("--from and --to go together"));
    }
    if args.what != What::Cohesion && args.what != What::Agreement && from.is_some() {
        return Err(usage(
            "--from/--to make a time series of cohesion (or bound the years of agreement)",
        ));
    }
    if args.with.is_some() && args.what != What::Agreement {
        return Err(usage("--with is for `analyze agreement`"));
    }
    let db = store::open(location, Access::Read)?;
    let blocs = if args.blocs.is_empty() {
        Vec::new()
    } else {
        Resolver::from_store(&db.store)?.bloc_ids(&args.blocs).map_err(AnalyzeError::from)?
    };
    let what = target(args.output.as_deref());
    let mut out: Box<dyn Write> = match &args.output {
        Some(_) if format == Format::Svg => Box::new(super::stdout()),
        _ => super::sink(&args.output)?,
    };
    let view_at = |date: Date| {
        graph::build(
            &db.store,
            &ViewOptions { as_of: date, blocs: blocs.clone(), window_months: args.window },
        )
    };
    match args.what {
        What::Cohesion => {
            let dates = match (from, to) {
                (Some(f), Some(t)) => analyze::series(f, t, args.step)?,
                _ => vec![as_of],
            };
            let mut rows = Vec::new();
            for date in dates {
                let view = view_at(date)?;
                let chosen = if blocs.is_empty() { view.blocs() } else { blocs.clone() };
                rows.extend(
                    chosen
                        .iter()
                        .map(|b| cohesion::cohesion(&view, b))
                        .filter(|c| c.members > 0 || !blocs.is_empty()),
                );
            }
            if let (Format::Svg, Some(path)) = (format, &args.output) {
                let points: Vec<Point<'_>> = rows
                    .iter()
                    .map(|r| Point { series: &r.bloc, date: &r.as_of, value: r.cohesion })
                    .collect();
                return std::fs::write(path, chart::svg(&points)).map_err(output_error(what));
            }
            write_table(&mut out, format, &rows, &what)?;
        }
        What::Centrality => {
            let view = view_at(as_of)?;
            write_table(&mut out, format, &centrality::centrality(&view), &what)?;
        }
        What::Overlap => {
            let view = view_at(as_of)?;
            let chosen = if blocs.is_empty() { view.blocs() } else { blocs.clone() };
            write_table(&mut out, format, &overlap::overlap(&view, &chosen), &what)?;
        }
        What::Agreement => {
            let year = |d: Option<Date>, default: u16| d.map_or(default, |d| d.year);
            let (first, last) = (year(from, 1991), year(to, Date::today().year));
            if last < first {
                return Err(usage(format!("--to {last} is before --from {first}")));
            }
            if args.sources.len() == 1 {
                return Err(usage("--source needs at least two sources to compare"));
            }
            if let Some(With::Atop) = args.with {
                let last = if to.is_none() { 2018 } else { last };
                let data = graph::yearly::load(&db.store)?;
                let report = analyze::alliance_agreement::compare(&data, &blocs, first, last)?;
                let io = || output_error(what.clone());
                match format {
                    Format::Json => {
                        serde_json::to_writer_pretty(&mut out, &report)
                            .map_err(|e| io()(e.into()))?;
                        writeln!(out).map_err(io())?;
                    }
                    Format::Csv => write_table(&mut out, format, &report.differences, &what)?,
                    Format::Table | Format::Svg => {
                        write_table(&mut out, format, &report.differences, &what)?;
                        writeln!(out).map_err(io())?;
                        write_table(&mut out, format, &report.runs, &what)?;
                        writeln!(out).map_err(io())?;
                        write_table(&mut out, format, &report.rates, &what)?;
                    }
                }
                out.flush().map_err(io())?;
                return Ok(());
            }
            let history = graph::history(&db.store)?;
            let report = agreement::agreement(&history, &blocs, &args.sources, first, last);
            let io = || output_error(what.clone());
            match format {
                Format::Json => {
                    serde_json::to_writer_pretty(&mut out, &report).map_err(|e| io()(e.into()))?;
                    writeln!(out).map_err(io())?;
                }
                Format::Csv => write_table(&mut out, format, &report.disagreements, &what)?,
                Format::Table | Format::Svg => {
                    write_table(&mut out, format, &report.disagreements, &what)?;
                    writeln!(out).map_err(io())?;
                    write_table(&mut out, format, &report.rates, &what)?;
                }
            }
        }
    }
    out.flush().map_err(output_error(what))
}
