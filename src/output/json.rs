//! The W3C SPARQL 1.1 JSON results format; terms keep their full IRIs and datatypes.

use std::io::Write;

use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};

use crate::query::Answer;

/// Writes SPARQL JSON results.
pub fn write(out: &mut dyn Write, answer: &Answer) -> std::io::Result<()> {
    results(out, answer, QueryResultsFormat::Json)
}

/// Writes an answer as SPARQL results in `format` (JSON, XML); a graph answer as N-Triples.
pub(crate) fn results(
    out: &mut dyn Write,
    answer: &Answer,
    format: QueryResultsFormat,
) -> std::io::Result<()> {
    let serializer = QueryResultsSerializer::from_format(format);
    match answer {
        Answer::Boolean(b) => {
            serializer.serialize_boolean_to_writer(&mut *out, *b)?;
        }
        Answer::Solutions { variables, rows } => {
            let mut writer =
                serializer.serialize_solutions_to_writer(&mut *out, variables.clone())?;
            for row in rows {
                writer.serialize(
                    variables
                        .iter()
                        .zip(row)
                        .filter_map(|(v, t)| t.as_ref().map(|t| (v.as_ref(), t.as_ref()))),
                )?;
            }
            writer.finish()?;
        }
        Answer::Graph(triples) => return super::graph(out, triples),
    }
    writeln!(out)?;
    Ok(())
}
