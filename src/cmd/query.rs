//! `blocgraph query NAME|FILE.rq [--param K=V]... [--as-of D] [--format F] [--timeout S]`.

use std::time::Duration;

use blocgraph::output::{self, OutputFormat};
use blocgraph::query::{self, Request};
use blocgraph::store::{self, Access, Location};
use blocgraph::Error;

#[derive(clap::Args)]
pub struct Args {
    /// A saved query's name (see `blocgraph queries`) or a .rq file.
    #[arg(value_name = "NAME|FILE.rq")]
    query: String,
    /// A parameter, bound as a typed RDF term (entity, date...); repeatable.
    #[arg(long = "param", short = 'p', value_name = "K=V")]
    params: Vec<String>,
    /// The day time-aware queries look at (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "D")]
    as_of: Option<String>,
    /// table (default on a terminal), csv (default when piped), tsv or json.
    #[arg(long, value_name = "F")]
    format: Option<String>,
    /// One row per source, not per claim (binds the saved query's `by_source` parameter).
    #[arg(long)]
    by_source: bool,
    /// Cancel the query after S seconds.
    #[arg(long, value_name = "S")]
    timeout: Option<f64>,
}

pub fn run(location: &Location, args: Args) -> Result<(), Error> {
    let format = super::output_format(
        args.format.as_deref(),
        &[OutputFormat::Table, OutputFormat::Csv, OutputFormat::Tsv, OutputFormat::Json],
    )?;
    let mut params = Vec::new();
    for p in &args.params {
        let (k, v) = p
            .split_once('=')
            .ok_or_else(|| Error::Usage(format!("--param '{p}' should be K=V")))?;
        params.push((k.trim().to_owned(), v.to_owned()));
    }
    if args.by_source {
        params.push(("by_source".to_owned(), "true".to_owned()));
    }
    let timeout = match args.timeout {
        None => None,
        Some(s) if s.is_finite() && s > 0.0 && s < 1e9 => Some(Duration::from_secs_f64(s)),
        Some(s) => {
            return Err(Error::Usage(format!(
                "--timeout {s}: expected a positive number of seconds"
            )))
        }
    };
    let request = Request { query: args.query, params, as_of: args.as_of, timeout };
    // A bad query or parameter is reported before the store is opened when it can be.
    query::load(&request.query)?;
    let db = store::open(location, Access::Read)?;
    let answer = query::run(&db.store, &request)?;
    let mut out = super::stdout();
    output::write_answer(&mut out, &answer, format)?;
    super::finish(out)
}
