//! One module per subcommand: each turns parsed flags into a library call and prints the result.
//! Flags become typed values here, at the boundary (clap `ValueEnum`s and value parsers), so
//! the library never sees a flag's text.

pub mod analyze;
pub mod explore;
pub mod export;
pub mod import;
pub mod push;
pub mod queries;
pub mod query;
pub mod reset;
pub mod serve;
pub mod stats;
pub mod validate;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use blocgraph::Error;

/// `--format` of the commands that list things: a table or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ListFormat {
    #[default]
    Table,
    Json,
}

/// Whether standard output is a terminal (a table by default) or a pipe (CSV by default).
pub fn terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// `--timeout S`: a positive, finite number of seconds.
pub fn seconds(text: &str) -> Result<Duration, String> {
    match text.trim().parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s < 1e9 => Ok(Duration::from_secs_f64(s)),
        _ => Err(format!("--timeout {text}: expected a positive number of seconds")),
    }
}

/// Standard output, buffered.
pub fn stdout() -> std::io::BufWriter<std::io::StdoutLock<'static>> {
    std::io::BufWriter::new(std::io::stdout().lock())
}

/// What an `-o FILE` flag names in messages: the file, or standard output.
pub fn target(output: Option<&Path>) -> String {
    output.map_or_else(|| "standard output".to_owned(), |p| p.display().to_string())
}

/// The error of a failed write to `what` (a file, or standard output).
pub fn output_error(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> Error {
    let what = what.into();
    move |source| Error::Output { what, source }
}

/// Standard output, or the file `-o FILE` names (created), as a buffered writer.
pub fn sink(output: &Option<PathBuf>) -> Result<Box<dyn Write>, Error> {
    Ok(match output {
        None => Box::new(stdout()),
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).map_err(output_error(target(Some(path))))?,
        )),
    })
}

/// Flushes standard output; a failure is an output error.
pub fn finish(mut out: impl Write) -> Result<(), Error> {
    out.flush().map_err(output_error("standard output"))
}
