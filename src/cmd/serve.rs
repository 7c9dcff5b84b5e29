//! `blocgraph serve [--bind ADDR] [--timeout S]`: a read-only SPARQL endpoint over the store.

use std::time::Duration;

use blocgraph::serve::{self, Config};
use blocgraph::store::Location;
use blocgraph::Error;

#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on (port 0 picks a free port; the address is printed at start).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:7878")]
    bind: String,
    /// Cancel every query after S seconds (answered 503).
    #[arg(long, value_name = "S", default_value = "30", value_parser = super::seconds)]
    timeout: Duration,
    /// Requests served at once; more are answered 503 until one finishes.
    #[arg(long, value_name = "N", default_value_t = 16)]
    max_connections: usize,
    /// Largest request body (a POSTed query), in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20)]
    max_body: usize,
    /// Print nothing per request.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(location: &Location, args: Args) -> Result<(), Error> {
    if args.max_connections == 0 {
        return Err(Error::Usage("--max-connections must be at least 1".into()));
    }
    let config = Config {
        timeout: args.timeout,
        max_connections: args.max_connections,
        max_body: args.max_body,
        ..Config::default()
    };
    let listener = serve::bind(&args.bind)?;
    let addr = listener
        .local_addr()
        .map_err(|source| blocgraph::error::ServeError::Bind { addr: args.bind.clone(), source })?;
    eprintln!("blocgraph: serving the store at {} read-only on http://{addr}/ (query timeout {} s; GET / lists the endpoints)", location.describe(), args.timeout.as_secs_f64());
    let quiet = args.quiet;
    serve::serve(
        location,
        listener,
        config,
        std::sync::Arc::new(move |line: &str| {
            if !quiet {
                eprintln!("{line}");
            }
        }),
    )?;
    Ok(())
}
