//! The SPARQL protocol's other media types for `serve`: SPARQL 1.1 XML results (what
//! SPARQLWrapper asks for by default) and CONSTRUCT/DESCRIBE graphs as Turtle.

use std::io::Write;

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::Triple;
use oxigraph::sparql::results::QueryResultsFormat;

use crate::error::QueryError;
use crate::query::Answer;

/// Writes SPARQL XML results (a graph answer is written as N-Triples).
pub fn xml(out: &mut dyn Write, answer: &Answer) -> std::io::Result<()> {
    super::json::results(out, answer, QueryResultsFormat::Xml)
}

/// [`xml`] for the server, whose failures are those of a query.
pub fn write_xml(out: &mut dyn Write, answer: &Answer) -> Result<(), QueryError> {
    xml(out, answer).map_err(QueryError::Write)
}

/// Writes a graph as Turtle with the blocgraph prefixes.
pub fn turtle(out: &mut dyn Write, triples: &[Triple]) -> std::io::Result<()> {
    let mut serializer = RdfSerializer::from_format(RdfFormat::Turtle);
    for (prefix, iri) in [
        ("bg", crate::vocab::BG),
        ("bgid", crate::vocab::ID),
        ("bgsrc", crate::vocab::SOURCE),
        ("bgf", crate::vocab::FACT),
        ("xsd", crate::vocab::XSD),
    ] {
        serializer = serializer.with_prefix(prefix, iri).map_err(std::io::Error::other)?;
    }
    let mut writer = serializer.for_writer(&mut *out);
    for t in triples {
        writer.serialize_triple(t)?;
    }
    writer.finish()?;
    Ok(())
}

/// [`turtle`] for the server, whose failures are those of a query.
pub fn write_turtle(out: &mut dyn Write, triples: &[Triple]) -> Result<(), QueryError> {
    turtle(out, triples).map_err(QueryError::Write)
}
