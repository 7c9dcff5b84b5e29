//! Writing query answers: one module per output format (table, W3C CSV/TSV, W3C JSON).

pub mod chart;
pub mod delimited;
pub mod json;
pub mod protocol;
pub mod table;

use std::io::Write;

use crate::error::QueryError;
use crate::query::Answer;

/// An output format for tabular answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Table,
    Csv,
    Tsv,
    Json,
}

impl OutputFormat {
    pub fn parse(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "table" => Some(Self::Table),
            "csv" => Some(Self::Csv),
            "tsv" => Some(Self::Tsv),
            "json" => Some(Self::Json),
            _ => None,
        }
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
pub fn write_answer(
    out: &mut dyn Write,
    answer: &Answer,
    format: OutputFormat,
) -> Result<(), QueryError> {
    match format {
        OutputFormat::Table => table::write(out, answer),
        OutputFormat::Csv => delimited::write(out, answer, false),
        OutputFormat::Tsv => delimited::write(out, answer, true),
        OutputFormat::Json => json::write(out, answer),
    }
}

/// Writes the triples of a CONSTRUCT or DESCRIBE answer as N-Triples (every format but JSON-LD).
pub fn write_graph(
    out: &mut dyn Write,
    triples: &[oxigraph::model::Triple],
) -> Result<(), QueryError> {
    for t in triples {
        writeln!(out, "{t} .")?;
    }
    Ok(())
}
