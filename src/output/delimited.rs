//! The W3C SPARQL 1.1 CSV and TSV results formats, with blocgraph IRIs shown by their id.

use std::io::Write;

use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};

use crate::query::{shorten, Answer};

/// Writes CSV (or TSV when `tab`), entity IRIs shortened to their ids.
pub fn write(out: &mut dyn Write, answer: &Answer, tab: bool) -> std::io::Result<()> {
    let format = if tab { QueryResultsFormat::Tsv } else { QueryResultsFormat::Csv };
    let serializer = QueryResultsSerializer::from_format(format);
    match answer {
        Answer::Boolean(b) => {
            serializer.serialize_boolean_to_writer(out, *b)?;
        }
        Answer::Solutions { variables, rows } => {
            let mut writer = serializer.serialize_solutions_to_writer(out, variables.clone())?;
            for row in rows {
                let terms: Vec<_> = variables
                    .iter()
                    .zip(row)
                    .filter_map(|(v, t)| t.as_ref().map(|t| (v.as_ref(), shorten(t))))
                    .collect();
                writer.serialize(terms.iter().map(|(v, t)| (*v, t.as_ref())))?;
            }
            writer.finish()?;
        }
        Answer::Graph(triples) => super::graph(out, triples)?,
    }
    Ok(())
}
