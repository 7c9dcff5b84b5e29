//! `blocgraph export dot|edges|panel|gexf|rdf`: a GraphViz diagram of the graph on a date, its edges,
//! research panels (CSV), the whole history for Gephi (GEXF), or the whole store as RDF.

use std::io::Write;
use std::path::PathBuf;

use blocgraph::error::ExportError;
use blocgraph::store::{self, Access, Location};
use blocgraph::Error;

#[derive(clap::Subcommand)]
pub enum Command {
    /// A GraphViz diagram of the graph on a date (render it with `dot -Tsvg`, or --render).
    Dot {
        #[command(flatten)]
        view: ViewArgs,
        /// Render with graphviz instead of writing DOT: svg or png (needs -o).
        #[arg(long, value_name = "svg|png")]
        render: Option<String>,
        /// Write to FILE instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// The graph's edges on a date as CSV (source, target, kind, role, weight, polarity, events).
    Edges {
        #[command(flatten)]
        view: ViewArgs,
        /// Write to FILE instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// A country-year or dyad-year panel as tidy CSV for R and Stata (empty cells: no source covers them).
    Panel {
        /// country-year or dyad-year.
        #[arg(long, value_name = "country-year|dyad-year")]
        unit: String,
        /// First year (default 1991).
        #[arg(long, value_name = "Y")]
        from: Option<u16>,
        /// Last year (default: the latest issued or horizon year of any source).
        #[arg(long, value_name = "Y")]
        to: Option<u16>,
        /// When a membership counts for a year: end-of-year (held on 31 December) or any-time (COW's rule).
        #[arg(long, value_name = "end-of-year|any-time", default_value = "end-of-year")]
        rule: String,
        /// Dyad-year: both orders of each pair (a as actor and reporter).
        #[arg(long)]
        directed: bool,
        /// Key code columns, comma-separated: iso3, cow, gw.
        #[arg(long, value_name = "LIST", default_value = "iso3,cow,gw")]
        codes: String,
        /// Write to FILE instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// The whole history as GEXF 1.3 for Gephi: memberships and obligations as edges with spells, events as timestamped edges.
    Gexf {
        /// Write to FILE instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// The whole store as RDF.
    Rdf {
        /// ttl (default), nt, nq or trig.
        #[arg(long, value_name = "F", default_value = "ttl")]
        format: String,
        /// Write to FILE instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// The date, blocs and window of the view an export draws.
#[derive(clap::Args)]
pub struct ViewArgs {
    /// The date of the view (default: today).
    #[arg(long, value_name = "D")]
    as_of: Option<String>,
    /// Only these blocs (id, label or alias) and their members; repeatable.
    #[arg(long = "bloc", value_name = "B")]
    blocs: Vec<String>,
    /// Months of events before the date that count as relations.
    #[arg(long, value_name = "N", default_value_t = 24, value_parser = clap::value_parser!(u32).range(1..=1200))]
    window: u32,
}

/// Standard output or a file, as a writer.
pub fn sink(output: &Option<PathBuf>) -> Result<Box<dyn Write>, Error> {
    Ok(match output {
        None => Box::new(super::stdout()),
        Some(path) => {
            Box::new(std::io::BufWriter::new(std::fs::File::create(path).map_err(|source| {
                ExportError::Write { path: path.display().to_string(), source }
            })?))
        }
    })
}

/// Builds the view a `dot` or `edges` export draws.
fn view(location: &Location, args: ViewArgs) -> Result<blocgraph::graph::View, Error> {
    let ViewArgs { as_of, blocs, window } = args;
    let as_of = as_of
        .as_deref()
        .map(|d| blocgraph::analyze::parse_date("--as-of", d))
        .transpose()
        .map_err(ExportError::from)?
        .unwrap_or_else(blocgraph::date::Date::today);
    let db = store::open(location, Access::Read)?;
    let blocs = blocgraph::analyze::bloc_ids(&db.store, &blocs).map_err(ExportError::from)?;
    Ok(blocgraph::graph::build(
        &db.store,
        &blocgraph::graph::ViewOptions { as_of, blocs, window_months: window },
    )
    .map_err(ExportError::from)?)
}

fn write_text(output: &Option<PathBuf>, text: &str) -> Result<(), Error> {
    let mut out = sink(output)?;
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|source| with_path(ExportError::Write { path: String::new(), source }, output))
}

pub fn run(location: &Location, command: Command) -> Result<(), Error> {
    match command {
        Command::Dot { view: view_args, render, output } => {
            let format = match render.as_deref() {
                None => None,
                Some(f @ ("svg" | "png")) => Some(f.to_owned()),
                Some(other) => {
                    return Err(ExportError::Usage(format!(
                        "--render '{other}': expected svg or png"
                    ))
                    .into())
                }
            };
            if format.is_some() && output.is_none() {
                return Err(ExportError::Usage("--render needs -o FILE".into()).into());
            }
            let text = blocgraph::export::dot::dot(&view(location, view_args)?);
            match (format, &output) {
                (Some(f), Some(path)) => Ok(blocgraph::export::dot::render(&text, &f, path)?),
                _ => write_text(&output, &text),
            }
        }
        Command::Edges { view: view_args, output } => {
            write_text(&output, &blocgraph::export::edges::edges_csv(&view(location, view_args)?))
        }
        Command::Panel { unit, from, to, rule, directed, codes, output } => {
            use blocgraph::export::panel::{self, Code, Rule, Unit};
            let unit = match unit.as_str() {
                "country-year" => Unit::CountryYear,
                "dyad-year" => Unit::DyadYear,
                other => {
                    return Err(ExportError::Usage(format!(
                        "--unit '{other}': expected country-year or dyad-year"
                    ))
                    .into())
                }
            };
            let rule = match rule.as_str() {
                "end-of-year" => Rule::EndOfYear,
                "any-time" => Rule::AnyTime,
                other => {
                    return Err(ExportError::Usage(format!(
                        "--rule '{other}': expected end-of-year or any-time"
                    ))
                    .into())
                }
            };
            if directed && unit == Unit::CountryYear {
                return Err(ExportError::Usage("--directed is for --unit dyad-year".into()).into());
            }
            let codes = Code::parse_list(&codes).map_err(ExportError::Usage)?;
            let db = store::open(location, Access::Read)?;
            let data = panel::load(&db.store).map_err(ExportError::from)?;
            let options = panel::Options { unit, from, to, rule, directed, codes };
            let mut out = sink(&output)?;
            panel::write(&data, &options, &mut out).map_err(|e| with_path(e, &output))?;
            out.flush().map_err(|source| {
                with_path(ExportError::Write { path: String::new(), source }, &output)
            })?;
            Ok(())
        }
        Command::Gexf { output } => {
            let db = store::open(location, Access::Read)?;
            let text = blocgraph::export::gexf::gexf(&db.store).map_err(ExportError::from)?;
            write_text(&output, &text)
        }
        Command::Rdf { format, output } => {
            let format = blocgraph::export::rdf::format(&format)?;
            let db = store::open(location, Access::Read)?;
            let mut out = sink(&output)?;
            blocgraph::export::rdf::write(&db.store, format, &mut out)
                .map_err(|e| with_path(e, &output))?;
            out.flush().map_err(|source| {
                with_path(ExportError::Write { path: String::new(), source }, &output)
            })?;
            Ok(())
        }
    }
}

fn with_path(e: ExportError, output: &Option<PathBuf>) -> Error {
    match e {
        ExportError::Write { source, .. } => ExportError::Write {
            path: output
                .as_ref()
                .map_or_else(|| "standard output".into(), |p| p.display().to_string()),
            source,
        }
        .into(),
        other => other.into(),
    }
}
