//! `blocgraph analyze WHAT [--as-of D] [--bloc B]... [--from D --to D --step year|month] [--format F]`.

use std::io::Write;
use std::path::PathBuf;

use blocgraph::analyze::{self, agreement, centrality, cohesion, overlap, Rows, Step};
use blocgraph::date::Date;
use blocgraph::error::AnalyzeError;
use blocgraph::graph::{self, ViewOptions};
use blocgraph::output::chart;
use blocgraph::output::table::write_rows;
use blocgraph::resolve::Resolver;
use blocgraph::store::{self, Location};
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
    /// The same chart as PNG (needs -o).
    Png,
}

#[derive(clap::Args)]
pub struct Args {
    #[arg(value_enum)]
    what: What,
    /// The date of the view (default: the newest fact in the store).
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
    /// table (default on a terminal), csv, json; svg or png draws the cohesion series (needs -o).
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
        Format::Table | Format::Svg | Format::Png => write_rows(out, &header, &cells).map_err(io()),
    }
}

fn usage(message: impl Into<String>) -> Error {
    Error::Usage(message.into())
}

pub fn run(location: &Location, args: Args) -> Result<(), Error> {
    let format = args.format.unwrap_or(if super::terminal() { Format::Table } else { Format::Csv });
    let drawn = matches!(format, Format::Svg | Format::Png);
    if drawn && args.what != What::Cohesion {
        return Err(usage(
            "--format svg and png draw the cohesion series; expected table, csv or json",
        ));
    }
    if drawn && args.output.is_none() {
        return Err(usage("--format svg and png need -o FILE"));
    }
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
    let db = store::open_reader(location)?;
    let blocs = if args.blocs.is_empty() {
        Vec::new()
    } else {
        Resolver::from_store(db.engine())?.bloc_ids(&args.blocs).map_err(AnalyzeError::from)?
    };
    // Without --as-of: the newest fact in the store (said in the output), not today. A series
    // (--from/--to) and agreement have dates of their own: the one below is not used, so the
    // store is not searched for it (a read of every fact).
    let dated = match args.what {
        What::Cohesion => from.is_none(),
        What::Agreement => false,
        What::Centrality | What::Overlap => true,
    };
    let (as_of, basis) = match args.as_of {
        Some(d) => (d, "given"),
        None if !dated => (Date::today(), "given"),
        None => (
            graph::view::newest_fact(db.engine())?.unwrap_or_else(Date::today),
            cohesion::NEWEST_FACT,
        ),
    };
    let what = target(args.output.as_deref());
    let mut out: Box<dyn Write> = match &args.output {
        Some(_) if drawn => Box::new(super::stdout()),
        _ => super::sink(&args.output)?,
    };
    // Always the full graph: --bloc only chooses the rows shown.
    // The store is read once; each date's view is sliced from it in memory.
    let facts = graph::view::load(db.engine())?;
    let view_at = |date: Date| facts.view(&ViewOptions { as_of: date, window_months: args.window });
    match args.what {
        What::Cohesion => {
            let (dates, basis) = match (from, to) {
                (Some(f), Some(t)) => (analyze::series(f, t, args.step)?, "given"),
                _ => (vec![as_of], basis),
            };
            let mut rows = Vec::new();
            for date in dates {
                let view = view_at(date);
                let chosen = if blocs.is_empty() { view.blocs() } else { blocs.clone() };
                rows.extend(
                    cohesion::cohesion_of(&view, &chosen)
                        .into_iter()
                        .filter(|c| c.counted > 0 || !blocs.is_empty())
                        .map(|mut c| {
                            c.as_of_basis = basis.to_owned();
                            c
                        }),
                );
            }
            if let (true, Some(path)) = (drawn, &args.output) {
                let svg = chart::svg(&rows);
                let bytes = if format == Format::Png {
                    chart::png(&svg).map_err(|e| usage(format!("cannot draw the PNG: {e}")))?
                } else {
                    svg.into_bytes()
                };
                return std::fs::write(path, bytes).map_err(output_error(what));
            }
            if basis != "given" {
                eprintln!(
                    "as of {as_of}: the newest fact in the store (choose a date with --as-of)"
                );
            }
            write_table(&mut out, format, &rows, &what)?;
        }
        What::Centrality => {
            let view = view_at(as_of);
            let shown = view.shown(&blocs);
            let rows: Vec<_> = centrality::centrality(&view)
                .into_iter()
                .filter(|r| shown.contains(&r.country))
                .collect();
            write_table(&mut out, format, &rows, &what)?;
        }
        What::Overlap => {
            let view = view_at(as_of);
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
                let data = graph::yearly::load(db.engine())?;
                let report = analyze::alliance_agreement::compare(&data, &blocs, first, last)?;
                let io = || output_error(what.clone());
                match format {
                    Format::Json => {
                        serde_json::to_writer_pretty(&mut out, &report)
                            .map_err(|e| io()(e.into()))?;
                        writeln!(out).map_err(io())?;
                    }
                    Format::Csv => {
                        let records = analyze::stacked(
                            ("difference", &report.differences),
                            ("rate", &report.rates),
                        );
                        let mut w = csv::Writer::from_writer(&mut out);
                        for record in records {
                            w.write_record(&record).map_err(|e| io()(e.into()))?;
                        }
                        w.flush().map_err(io())?;
                    }
                    Format::Table | Format::Svg | Format::Png => {
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
            let history = graph::history(db.engine())?;
            let report = agreement::agreement(&history, &blocs, &args.sources, first, last);
            let io = || output_error(what.clone());
            match format {
                Format::Json => {
                    serde_json::to_writer_pretty(&mut out, &report).map_err(|e| io()(e.into()))?;
                    writeln!(out).map_err(io())?;
                }
                Format::Csv => {
                    let mut w = csv::Writer::from_writer(&mut out);
                    for record in agreement::csv_records(&report) {
                        w.write_record(&record).map_err(|e| io()(e.into()))?;
                    }
                    w.flush().map_err(io())?;
                }
                Format::Table | Format::Svg | Format::Png => {
                    write_table(&mut out, format, &report.disagreements, &what)?;
                    writeln!(out).map_err(io())?;
                    write_table(&mut out, format, &report.rates, &what)?;
                }
            }
        }
    }
    out.flush().map_err(output_error(what))
}
