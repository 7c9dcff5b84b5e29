//! `blocgraph explore`: serves the explorer on a free loopback port, prints its URL and opens a
//! browser when `xdg-open` (or `open` on macOS) is there; never fails for want of one.

use std::time::Duration;

use blocgraph::serve::{self, Config};
use blocgraph::store::Location;
use blocgraph::Error;

#[derive(clap::Args)]
pub struct Args {
    /// Print the URL only; do not open a browser.
    #[arg(long)]
    no_browser: bool,
    /// Cancel every query after S seconds (answered 503).
    #[arg(long, value_name = "S", default_value_t = 30.0)]
    timeout: f64,
}

pub fn run(location: &Location, args: Args) -> Result<(), Error> {
    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout < 1e9) {
        return Err(Error::Usage(format!(
            "--timeout {}: expected a positive number of seconds",
            args.timeout
        )));
    }
    let listener = serve::bind("127.0.0.1:0")?;
    let addr = listener.local_addr().map_err(|source| blocgraph::error::ServeError::Bind {
        addr: "127.0.0.1:0".into(),
        source,
    })?;
    let url = format!("http://{addr}/");
    println!("{url}");
    eprintln!(
        "blocgraph: the explorer of the store at {} is at {url} (Ctrl-C to stop)",
        location.describe()
    );
    if !args.no_browser {
        open_browser(&url);
    }
    let config = Config { timeout: Duration::from_secs_f64(args.timeout), ..Config::default() };
    serve::serve(location, listener, config, std::sync::Arc::new(|_: &str| {}))?;
    Ok(())
}

/// Starts the desktop's browser on `url` if there is a launcher; says so when there is none.
fn open_browser(url: &str) {
    let launcher = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    let started = std::process::Command::new(launcher)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match started {
        // Reap the launcher when it exits, so that it leaves no zombie.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(_) => eprintln!("blocgraph: no {launcher} here; open {url} in a browser"),
    }
}
