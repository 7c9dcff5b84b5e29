//! `blocgraph export dot|rdf`: a GraphViz diagram of the graph on a date, or the whole store as RDF.

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
    /// The date of the view (default: the newest fact in the store).
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

/// The view an export draws (always the full graph), the blocs it shows and whether the date
/// was given or is the newest fact in the store.
struct Drawn {
    view: blocgraph::graph::View,
    blocs: Vec<String>,
    newest: bool,
}

/// Builds the view a `dot` or `edges` export draws.
fn view(location: &Location, args: ViewArgs) -> Result<Drawn, Error> {
    let ViewArgs { as_of, blocs, window } = args;
    let given = as_of
        .as_deref()
        .map(|d| blocgraph::analyze::parse_date("--as-of", d))
        .transpose()
        .map_err(ExportError::from)?;
    let db = store::open(location, Access::Read)?;
    let blocs = blocgraph::analyze::bloc_ids(&db.store, &blocs).map_err(ExportError::from)?;
    let as_of = match given {
        Some(d) => d,
        None => blocgraph::graph::view::newest_fact(&db.store)
            .map_err(ExportError::from)?
            .unwrap_or_else(blocgraph::date::Date::today),
    };
    let view = blocgraph::graph::build(
        &db.store,
        &blocgraph::graph::ViewOptions { as_of, window_months: window },
    )
    .map_err(ExportError::from)?;
    Ok(Drawn { view, blocs, newest: given.is_none() })
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
            let d = view(location, view_args)?;
            let text = blocgraph::export::dot::dot(&d.view, &d.blocs, d.newest);
            match (format, &output) {
                (Some(f), Some(path)) => Ok(blocgraph::export::dot::render(&text, &f, path)?),
                _ => write_text(&output, &text),
            }
        }
        Command::Edges { view: view_args, output } => {
            let d = view(location, view_args)?;
            write_text(&output, &blocgraph::export::edges::edges_csv(&d.view, &d.blocs))
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
