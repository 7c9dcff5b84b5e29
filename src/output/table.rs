//! An aligned text table for terminals: one column per variable, ids instead of IRIs,
//! literal values without quotes or datatypes.

use std::io::Write;

use oxigraph::model::Term;

use crate::query::{shorten, Answer};
use crate::sparql::text;

/// The text of a cell.
pub(crate) fn cell(term: Option<&Term>) -> String {
    term.map(|t| text(&shorten(t))).unwrap_or_default().replace(['\n', '\r', '\t'], " ")
}

/// Writes rows of cells under a header, columns padded to their widest cell.
pub fn write_rows(
    out: &mut dyn Write,
    header: &[String],
    rows: &[Vec<String>],
) -> std::io::Result<()> {
    let width = |i: usize| {
        rows.iter()
            .map(|r| r[i].chars().count())
            .chain([header[i].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..header.len()).map(width).collect();
    let line = |out: &mut dyn Write, cells: &[String]| -> std::io::Result<()> {
        let padded: Vec<String> =
            cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        writeln!(out, "{}", padded.join("  ").trim_end())
    };
    line(out, header)?;
    line(out, &widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>())?;
    for r in rows {
        line(out, r)?;
    }
    Ok(())
}

/// Writes an answer as a table (`true`/`false` for ASK, N-Triples for graphs).
pub fn write(out: &mut dyn Write, answer: &Answer) -> std::io::Result<()> {
    match answer {
        Answer::Boolean(b) => writeln!(out, "{b}")?,
        Answer::Graph(triples) => super::graph(out, triples)?,
        Answer::Solutions { variables, rows } => {
            let header: Vec<String> = variables.iter().map(|v| v.as_str().to_owned()).collect();
            let cells: Vec<Vec<String>> =
                rows.iter().map(|r| r.iter().map(|t| cell(t.as_ref())).collect()).collect();
            write_rows(out, &header, &cells)?;
            writeln!(out, "({} row{})", rows.len(), if rows.len() == 1 { "" } else { "s" })?;
        }
    }
    Ok(())
}
