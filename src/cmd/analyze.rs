//! `blocgraph analyze WHAT [--as-of D] [--bloc B]... [--from D --to D --step year|month] [--format F]`.

use std::io::Write;
use std::path::PathBuf;

use blocgraph::analyze::{self, agreement, centrality, cohesion, overlap, Rows, Step};
use blocgraph::date::Date;
use blocgraph::error::AnalyzeError;
use blocgraph::graph::{self, ViewOptions};
use blocgraph::output::table::write_rows;
use blocgraph::store::{self, Access, Location};
use blocgraph::Error;

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

#[derive(clap::Args)]
pub struct Args {
    #[arg(value_enum)]
    what: What,
    /// The date of the view (default: today).
    #[arg(long, value_name = "D")]
    as_of: Option<String>,
    /// Only these blocs (id, label or alias); repeatable.
    #[arg(long = "bloc", value_name = "B")]
    blocs: Vec<String>,
    /// agreement: compare exactly these sources (default: each dataset source against the curated view).
    #[arg(long = "source", value_name = "ID")]
    sources: Vec<String>,
    /// agreement: compare with another kind of data instead: `atop` (ATOP defense obligations against the defense blocs, CSTO and NATO unless --bloc says).
    #[arg(long = "with", value_name = "DATA")]
    with: Option<String>,
    /// Start of a time series (cohesion), or first year (agreement).
    #[arg(long, value_name = "D")]
    from: Option<String>,
    /// End of a time series (cohesion), or last year (agreement).
    #[arg(long, value_name = "D")]
    to: Option<String>,
    /// Step of the time series: year or month.
    #[arg(long, value_name = "S", default_value = "year")]
    step: String,
    /// Months of events before the date that count as the window.
    #[arg(long, value_name = "N", default_value_t = 24, value_parser = clap::value_parser!(u32).range(1..=1200))]
    window: u32,
    /// table (default on a terminal), csv, json; svg draws the cohesion series (needs -o).
    #[arg(long, value_name = "F")]
    format: Option<String>,
    /// Write to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

enum Format {
    Table,
    Csv,
    Json,
    Svg,
}

fn usage(message: impl Into<String>) -> Error {
    Error::Analyze(AnalyzeError::Usage(message.into()))
}

fn write_table<T: Rows + serde::Serialize>(
    out: &mut dyn Write,
    format: &Format,
    rows: &[T],
) -> Result<(), Error> {
    let io = |e: std::io::Error| {
        Error::Analyze(AnalyzeError::Write { path: "standard output".into(), source: e })
    };
    let header: Vec<String> = T::header().into_iter().map(String::from).collect();
    let cells: Vec<Vec<String>> = rows.iter().map(Rows::cells).collect();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, rows).map_err(|e| io(e.into()))?;
            writeln!(out).map_err(io)
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(&header).map_err(|e| io(e.into()))?;
            for r in &cells {
                w.write_record(r).map_err(|e| io(e.into()))?;
            }
            w.flush().map_err(io)
        }
        Format::Table | Format::Svg => write_rows(out, &header, &cells).map_err(io),
    }
}

pub fn run(location: &Location, args: Args) -> Result<(), Error> {
    let format = match args.format.as_deref() {
        None => match blocgraph::output::OutputFormat::default_for(
            std::io::IsTerminal::is_terminal(&std::io::stdout()),
        ) {
            blocgraph::output::OutputFormat::Table => Format::Table,
            _ => Format::Csv,
        },
        Some("table") => Format::Table,
        Some("csv") => Format::Csv,
        Some("json") => Format::Json,
        Some("svg") if args.what == What::Cohesion => Format::Svg,
        Some(other) => {
            return Err(usage(format!(
                "unknown --format '{other}'; expected table, csv or json (svg for cohesion)"
            )))
        }
    };
    if matches!(format, Format::Svg) && args.output.is_none() {
        return Err(usage("--format svg needs -o FILE"));
    }
    let step = Step::parse(&args.step)?;
    let as_of = args
        .as_of
        .as_deref()
        .map(|d| analyze::parse_date("--as-of", d))
        .transpose()?
        .unwrap_or_else(Date::today);
    let from = args.from.as_deref().map(|d| analyze::parse_date("--from", d)).transpose()?;
    let to = args.to.as_deref().map(|d| analyze::parse_date("--to", d)).transpose()?;
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
    let blocs = analyze::bloc_ids(&db.store, &args.blocs)?;
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) if !matches!(format, Format::Svg) => {
            Box::new(std::io::BufWriter::new(std::fs::File::create(path).map_err(|source| {
                AnalyzeError::Write { path: path.display().to_string(), source }
            })?))
        }
        _ => Box::new(super::stdout()),
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
                (Some(f), Some(t)) => analyze::series(f, t, step)?,
                _ => vec![as_of],
            };
            let mut rows = Vec::new();
            for date in dates {
                let view = view_at(date).map_err(AnalyzeError::from)?;
                let chosen = if blocs.is_empty() { view.blocs() } else { blocs.clone() };
                rows.extend(
                    chosen
                        .iter()
                        .map(|b| cohesion::cohesion(&view, b))
                        .filter(|c| c.members > 0 || !blocs.is_empty()),
                );
            }
            if let (Format::Svg, Some(path)) = (&format, &args.output) {
                let svg = blocgraph::output::chart::svg(&rows);
                std::fs::write(path, svg).map_err(|source| AnalyzeError::Write {
                    path: path.display().to_string(),
                    source,
                })?;
                return Ok(());
            }
            write_table(&mut out, &format, &rows)?;
        }
        What::Centrality => {
            let view = view_at(as_of).map_err(AnalyzeError::from)?;
            write_table(&mut out, &format, &centrality::centrality(&view))?;
        }
        What::Overlap => {
            let view = view_at(as_of).map_err(AnalyzeError::from)?;
            let chosen = if blocs.is_empty() { view.blocs() } else { blocs.clone() };
            write_table(&mut out, &format, &overlap::overlap(&view, &chosen))?;
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
            if let Some(with) = &args.with {
                if with != "atop" {
                    return Err(usage(format!("--with '{with}': expected atop")));
                }
                let last = if to.is_none() { 2018 } else { last };
                let report = analyze::alliance_agreement::compare(&db.store, &blocs, first, last)?;
                let wrote = |source: std::io::Error| AnalyzeError::Write {
                    path: "standard output".into(),
                    source,
                };
                match format {
                    Format::Json => {
                        serde_json::to_writer_pretty(&mut out, &report)
                            .map_err(|e| wrote(e.into()))?;
                        writeln!(out).map_err(wrote)?;
                    }
                    Format::Csv => write_table(&mut out, &format, &report.differences)?,
                    _ => {
                        write_table(&mut out, &format, &report.differences)?;
                        writeln!(out).map_err(wrote)?;
                        write_table(&mut out, &format, &report.runs)?;
                        writeln!(out).map_err(wrote)?;
                        write_table(&mut out, &format, &report.rates)?;
                    }
                }
                out.flush().map_err(wrote)?;
                return Ok(());
            }
            let report = agreement::agreement(&db.store, &blocs, &args.sources, first, last)
                .map_err(AnalyzeError::from)?;
            match format {
                Format::Json => {
                    serde_json::to_writer_pretty(&mut out, &report).map_err(|e| {
                        AnalyzeError::Write { path: "standard output".into(), source: e.into() }
                    })?;
                    writeln!(out).map_err(|source| AnalyzeError::Write {
                        path: "standard output".into(),
                        source,
                    })?;
                }
                Format::Csv => write_table(&mut out, &format, &report.disagreements)?,
                _ => {
                    write_table(&mut out, &format, &report.disagreements)?;
                    writeln!(out).map_err(|source| AnalyzeError::Write {
                        path: "standard output".into(),
                        source,
                    })?;
                    write_table(&mut out, &format, &report.rates)?;
                }
            }
        }
    }
    out.flush().map_err(|source| AnalyzeError::Write { path: "standard output".into(), source })?;
    Ok(())
}
