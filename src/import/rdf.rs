//! RDF inputs (`.ttl`, `.nt`, `.nq`, `.trig`): parsed in full to find syntax errors with
//! their line and column before anything is stored, then streamed into the same transaction.

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

/// Parses the whole file; returns how many of its triples are new.
pub fn check(
    store: &Store,
    name: &str,
    reader: Box<dyn Read>,
    format: RdfFormat,
    problems: &mut Problems,
    summary: &mut Summary,
) -> Result<u64, ImportError> {
    let mut new = 0;
    for quad in RdfParser::from_format(format).for_reader(reader) {
        match quad {
            Ok(quad) => {
                let present = store.contains(&quad)?;
                summary.count(FactKind::Triples, present);
                new += u64::from(!present);
            }
            Err(e) => {
                problems.push(parse_problem(name, e)?);
                break;
            }
        }
    }
    Ok(new)
}

/// Streams the (already checked) file into `add`.
pub fn load(
    store: &Store,
    reader: Box<dyn Read>,
    format: RdfFormat,
    add: &mut dyn FnMut(Quad) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    for quad in RdfParser::from_format(format).for_reader(reader) {
        let quad = quad.map_err(|e| ImportError::Read {
            path: "RDF input".into(),
            source: std::io::Error::other(e.to_string()),
        })?;
        if !store.contains(&quad)? {
            add(quad)?;
        }
    }
    Ok(())
}
