//! `blocgraph export dot|edges|panel|gexf|rdf`: a GraphViz diagram of the graph on a date, its edges,
//! research panels (CSV), the whole history for Gephi (GEXF), or the whole store as RDF.

use std::io::Write;
use std::path::PathBuf;

use blocgraph::date::Date;
use blocgraph::error::ExportError;
use blocgraph::export::dot::Render;
use blocgraph::export::panel::{self, Code, Rule, Unit};
use blocgraph::export::rdf::RdfExportError;
use blocgraph::graph::{View, ViewOptions};
use blocgraph::resolve::Resolver;
use blocgraph::store::{self, Location};
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
    /// A country-year or dyad-year panel as tidy CSV for R and Stata (empty cells: no source covers them).
    Panel {
        /// country-year or dyad-year.
        #[arg(long, value_name = "country-year|dyad-year", value_enum, ignore_case = true)]
        unit: Unit,
        /// First year (default 1991).
        #[arg(long, value_name = "Y")]
        from: Option<u16>,
        /// Last year (default: the latest issued or horizon year of any source).
        #[arg(long, value_name = "Y")]
        to: Option<u16>,
        /// When a membership counts for a year: end-of-year (held on 31 December) or any-time (COW's rule).
        #[arg(
            long,
            value_name = "end-of-year|any-time",
            value_enum,
            ignore_case = true,
            default_value = "end-of-year"
        )]
        rule: Rule,
        /// Dyad-year: both orders of each pair (a as actor and reporter).
        #[arg(long)]
        directed: bool,
        /// Key code columns, comma-separated: iso3, cow, gw.
        #[arg(
            long,
            value_name = "LIST",
            value_enum,
            ignore_case = true,
            value_delimiter = ',',
            default_value = "iso3,cow,gw"
        )]
        codes: Vec<Code>,
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
    /// The date of the view (default: the newest fact in the store).
    #[arg(long, value_name = "D", value_parser = Date::parse)]
    as_of: Option<Date>,
    /// Only these blocs (id, label or alias) and their members; repeatable.
    #[arg(long = "bloc", value_name = "B")]
    blocs: Vec<String>,
    /// Months of events before the date that count as relations.
    #[arg(long, value_name = "N", default_value_t = 24, value_parser = clap::value_parser!(u32).range(1..=1200))]
    window: u32,
}

/// The view an export draws (always the full graph), the blocs it shows and whether the date
/// was given or is the newest fact in the store.
struct Drawn {
    view: View,
    blocs: Vec<String>,
    newest: bool,
}

/// Builds the view a `dot` or `edges` export draws.
fn view(location: &Location, args: ViewArgs) -> Result<Drawn, Error> {
    let ViewArgs { as_of, blocs, window } = args;
    let db = store::open_reader(location)?;
    let blocs = if blocs.is_empty() {
        Vec::new()
    } else {
        Resolver::from_store(db.engine())?.bloc_ids(&blocs).map_err(ExportError::from)?
    };
    let newest = as_of.is_none();
    let as_of = match as_of {
        Some(d) => d,
        None => blocgraph::graph::view::newest_fact(db.engine())?.unwrap_or_else(Date::today),
    };
    let view = blocgraph::graph::build(db.engine(), &ViewOptions { as_of, window_months: window })?;
    Ok(Drawn { view, blocs, newest })
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
            let d = view(location, view_args)?;
            let text = blocgraph::export::dot::dot(&d.view, &d.blocs, d.newest);
            match (render, &output) {
                (Some(format), Some(path)) => {
                    Ok(blocgraph::export::dot::render(&text, format, path)?)
                }
                _ => write_text(&output, &text),
            }
        }
        Command::Edges { view: view_args, output } => {
            let d = view(location, view_args)?;
            write_text(&output, &blocgraph::export::edges::edges_csv(&d.view, &d.blocs))
        }
        Command::Panel { unit, from, to, rule, directed, codes, output } => {
            if directed && unit == Unit::CountryYear {
                return Err(Error::Usage("--directed is for --unit dyad-year".into()));
            }
            // Each code once, in the order given.
            let mut seen = Vec::new();
            let codes: Vec<Code> = codes
                .into_iter()
                .filter(|c| {
                    !seen.contains(c) && {
                        seen.push(*c);
                        true
                    }
                })
                .collect();
            let db = store::open_reader(location)?;
            let data = panel::load(db.engine())?;
            let options = panel::Options { unit, from, to, rule, directed, codes };
            let mut out = sink(&output)?;
            let failed = || output_error(target(output.as_deref()));
            panel::write(&data, &options, &mut out).map_err(|e| match e {
                panel::PanelError::Usage(message) => Error::Usage(message),
                panel::PanelError::Write(source) => failed()(source),
            })?;
            out.flush().map_err(failed())
        }
        Command::Gexf { output } => {
            let db = store::open_reader(location)?;
            let text = blocgraph::export::gexf::gexf(db.engine())?;
            write_text(&output, &text)
        }
        Command::Rdf { format, output } => {
            let db = store::open_reader(location)?;
            let mut out = sink(&output)?;
            let failed = || output_error(target(output.as_deref()));
            blocgraph::export::rdf::write(db.engine(), format.format(), &mut out).map_err(|e| {
                match e {
                    RdfExportError::Store(e) => Error::from(e),
                    RdfExportError::Write(e) => failed()(e),
                }
            })?;
            out.flush().map_err(failed())
        }
    }
}
