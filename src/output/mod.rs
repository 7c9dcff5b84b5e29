//! Writing query answers: one module per output format (table, W3C CSV/TSV, W3C JSON).

pub mod chart;
pub(crate) mod delimited;
pub(crate) mod json;
pub mod table;

use std::io::Write;

use crate::error::QueryError;
use crate::query::Answer;

/// An output format for tabular answers (`--format`, the server's `format=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Table,
    Csv,
    Tsv,
    Json,
}

impl OutputFormat {
    /// The format a name gives (any letter case).
    pub fn parse(name: &str) -> Option<Self> {
        <Self as clap::ValueEnum>::from_str(name, true).ok()
    }

    /// `table` on a terminal, `csv` when piped.
    pub fn default_for(terminal: bool) -> Self {
        if terminal {
            Self::Table
        } else {
            Self::Csv
        }
    }
}

/// Writes an answer in a format.
pub fn write(out: &mut dyn Write, answer: &Answer, format: OutputFormat) -> std::io::Result<()> {
    match format {
        OutputFormat::Table => table::write(out, answer),
        OutputFormat::Csv => delimited::write(out, answer, false),
        OutputFormat::Tsv => delimited::write(out, answer, true),
        OutputFormat::Json => json::write(out, answer),
    }
}

/// [`write`] for the server, whose failures are those of a query.
pub(crate) fn write_answer(
    out: &mut dyn Write,
    answer: &Answer,
    format: OutputFormat,
) -> Result<(), QueryError> {
    write(out, answer, format).map_err(QueryError::Write)
}

/// Writes the triples of a CONSTRUCT or DESCRIBE answer as N-Triples (every format but JSON-LD).
pub(crate) fn graph(
    out: &mut dyn Write,
    triples: &[oxigraph::model::Triple],
) -> std::io::Result<()> {
    for t in triples {
        writeln!(out, "{t} .")?;
    }
    Ok(())
}

/// [`graph`] for the server, whose failures are those of a query.
pub(crate) fn write_graph(
    out: &mut dyn Write,
    triples: &[oxigraph::model::Triple],
) -> Result<(), QueryError> {
    graph(out, triples).map_err(QueryError::Write)
}
