//! `blocgraph export dot|edges|rdf`: a GraphViz diagram or the edge list of the graph on a date,
//! or the whole store as RDF.

use std::io::Write;
use std::path::PathBuf;

use blocgraph::date::Date;
use blocgraph::error::ExportError;
use blocgraph::export::dot::Render;
use blocgraph::export::rdf::RdfExportError;
use blocgraph::graph::{View, ViewOptions};
use blocgraph::resolve::Resolver;
use blocgraph::store::{self, Access, Location};
use blocgraph::vocab::RdfSyntax;
use blocgraph::Error;

use super::{output_error, sink, target};

#[derive(clap::Subcommand)]
pub enum Command {
    /// A GraphViz diagram of the graph on a date (render it with `dot -Tsvg`, or --render).
    Dot {
        #[command(flatten)]
        view: ViewArgs,
        /// Render with graphviz instead of writing DOT: svg or png (needs -o).
        #[arg(long, value_name = "svg|png", value_enum, ignore_case = true)]
        render: Option<Render>,
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
        #[arg(long, value_name = "F", value_enum, ignore_case = true, default_value = "ttl")]
        format: RdfSyntax,
        /// Write to FILE instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// The date, blocs and window of the view an export draws.
#[derive(clap::Args)]
pub struct ViewArgs {
    /// The date of the view (default: today).
    #[arg(long, value_name = "D", value_parser = Date::parse)]
    as_of: Option<Date>,
    /// Only these blocs (id, label or alias) and their members; repeatable.
    #[arg(long = "bloc", value_name = "B")]
    blocs: Vec<String>,
    /// Months of events before the date that count as relations.
    #[arg(long, value_name = "N", default_value_t = 24, value_parser = clap::value_parser!(u32).range(1..=1200))]
    window: u32,
}

/// Builds the view a `dot` or `edges` export draws.
fn view(location: &Location, args: ViewArgs) -> Result<View, Error> {
    let ViewArgs { as_of, blocs, window } = args;
    let db = store::open(location, Access::Read)?;
    let blocs = if blocs.is_empty() {
        Vec::new()
    } else {
        Resolver::from_store(&db.store)?.bloc_ids(&blocs).map_err(ExportError::from)?
    };
    let as_of = as_of.unwrap_or_else(Date::today);
    Ok(blocgraph::graph::build(&db.store, &ViewOptions { as_of, blocs, window_months: window })?)
}

fn write_text(output: &Option<PathBuf>, text: &str) -> Result<(), Error> {
    let mut out = sink(output)?;
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(output_error(target(output.as_deref())))
}

pub fn run(location: &Location, command: Command) -> Result<(), Error> {
    match command {
        Command::Dot { view: view_args, render, output } => {
            if render.is_some() && output.is_none() {
                return Err(Error::Usage("--render needs -o FILE".into()));
            }
            let text = blocgraph::export::dot::dot(&view(location, view_args)?);
            match (render, &output) {
                (Some(format), Some(path)) => {
                    Ok(blocgraph::export::dot::render(&text, format, path)?)
                }
                _ => write_text(&output, &text),
            }
        }
        Command::Edges { view: view_args, output } => {
            write_text(&output, &blocgraph::export::edges::edges_csv(&view(location, view_args)?))
        }
        Command::Rdf { format, output } => {
            let db = store::open(location, Access::Read)?;
            let mut out = sink(&output)?;
            let failed = || output_error(target(output.as_deref()));
            blocgraph::export::rdf::write(&db.store, format.format(), &mut out).map_err(
                |e| match e {
                    RdfExportError::Store(e) => Error::from(e),
                    RdfExportError::Write(e) => failed()(e),
                },
            )?;
            out.flush().map_err(failed())
        }
    }
}
