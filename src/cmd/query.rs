//! `blocgraph query NAME|FILE.rq [--param K=V]... [--as-of D] [--format F] [--timeout S]`.

use std::time::Duration;

use blocgraph::date::Date;
use blocgraph::output::{self, OutputFormat};
use blocgraph::query::{self, Request};
use blocgraph::store::{self, Location};
use blocgraph::Error;

#[derive(clap::Args)]
pub struct Args {
    /// A saved query's name (see `blocgraph queries`) or a .rq file.
    #[arg(value_name = "NAME|FILE.rq")]
    query: String,
    /// A parameter, bound as a typed RDF term (entity, date...); repeatable.
    #[arg(long = "param", short = 'p', value_name = "K=V", value_parser = key_value)]
    params: Vec<(String, String)>,
    /// The day time-aware queries look at (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "D", value_parser = Date::parse)]
    as_of: Option<Date>,
    /// table (default on a terminal), csv (default when piped), tsv or json.
    #[arg(long, value_name = "F", value_enum, ignore_case = true)]
    format: Option<OutputFormat>,
    /// One row per source, not per claim (binds the saved query's `by_source` parameter).
    #[arg(long)]
    by_source: bool,
    /// Cancel the query after S seconds.
    #[arg(long, value_name = "S", value_parser = super::seconds)]
    timeout: Option<Duration>,
}

/// `--param K=V`: the name (trimmed) and the value (as given).
fn key_value(text: &str) -> Result<(String, String), String> {
    let (key, value) = text.split_once('=').ok_or_else(|| format!("'{text}' should be K=V"))?;
    Ok((key.trim().to_owned(), value.to_owned()))
}

pub fn run(location: &Location, args: Args) -> Result<(), Error> {
    let format = args.format.unwrap_or_else(|| OutputFormat::default_for(super::terminal()));
    let mut params = args.params;
    if args.by_source {
        params.push(("by_source".to_owned(), "true".to_owned()));
    }
    let request = Request {
        query: args.query,
        params,
        as_of: args.as_of.map(|d| d.to_string()),
        timeout: args.timeout,
    };
    // A bad query or parameter is reported before the store is opened when it can be.
    query::load(&request.query)?;
    let db = store::open_reader(location)?;
    let answer = query::run(db.engine(), &request)?;
    let mut out = super::stdout();
    output::write(&mut out, &answer, format).map_err(super::output_error("standard output"))?;
    super::finish(out)
}
