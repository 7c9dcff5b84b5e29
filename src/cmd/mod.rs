//! One module per subcommand: each turns parsed flags into a library call and prints the result.

pub mod analyze;
pub mod explore;
pub mod export;
pub mod import;
pub mod queries;
pub mod query;
pub mod reset;
pub mod serve;
pub mod stats;
pub mod validate;

use std::io::{IsTerminal, Write};

use blocgraph::output::OutputFormat;

/// Parses a `--format` value among those a command allows.
pub fn output_format(
    value: Option<&str>,
    allowed: &[OutputFormat],
) -> Result<OutputFormat, blocgraph::Error> {
    match value {
        None => Ok(OutputFormat::default_for(std::io::stdout().is_terminal())),
        Some(v) => OutputFormat::parse(v).filter(|f| allowed.contains(f)).ok_or_else(|| {
            blocgraph::Error::Usage(format!(
                "unknown --format '{v}'; expected one of table, csv, tsv, json"
            ))
        }),
    }
}

/// Standard output, buffered.
pub fn stdout() -> std::io::BufWriter<std::io::StdoutLock<'static>> {
    std::io::BufWriter::new(std::io::stdout().lock())
}

/// Flushes, treating failure as an I/O error of the command.
pub fn finish(mut out: impl Write) -> Result<(), blocgraph::Error> {
    out.flush().map_err(|e| blocgraph::Error::Query(blocgraph::error::QueryError::Write(e)))
}
