//! RDF inputs (`.ttl`, `.nt`, `.nq`, `.trig`): parsed in full, syntax errors reported with
//! their line and column, new triples handed to the import's writer (which stores nothing of an
//! import with a problem).

use std::io::Read;

use oxigraph::io::{RdfFormat, RdfParseError, RdfParser};
use oxigraph::model::Quad;
use oxigraph::store::Store;

use super::problem::Problems;
use super::Summary;
use crate::error::ImportError;
use crate::error::Problem;
use crate::model::FactKind;

fn parse_problem(name: &str, error: RdfParseError) -> Result<Problem, ImportError> {
    match error {
        RdfParseError::Io(source) => Err(ImportError::Read { path: name.to_owned(), source }),
        RdfParseError::Syntax(e) => {
            let (line, message) = match e.location() {
                Some(range) => (
                    Some(range.start.line + 1),
                    format!("column {}: RDF syntax error: {e}", range.start.column + 1),
                ),
                None => (None, format!("RDF syntax error: {e}")),
            };
            Ok(Problem { file: name.to_owned(), line, column: None, message })
        }
    }
}

/// Parses the whole file, counting its triples and handing each new one to `add`; a syntax
/// error is a problem, and ends the reading of the file.
pub fn check(
    store: &Store,
    name: &str,
    reader: Box<dyn Read>,
    format: RdfFormat,
    problems: &mut Problems,
    summary: &mut Summary,
    add: &mut dyn FnMut(Quad) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    for quad in RdfParser::from_format(format).for_reader(reader) {
        match quad {
            Ok(quad) => {
                let present = store.contains(&quad)?;
                summary.count(FactKind::Triples, present);
                if !present {
                    add(quad)?;
                }
            }
            Err(e) => {
                problems.push(parse_problem(name, e)?);
                break;
            }
        }
    }
    Ok(())
}
