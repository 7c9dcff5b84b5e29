//! `export rdf`: the whole store as Turtle, N-Triples, N-Quads or TriG, with the usual prefixes.

use std::io::Write;

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::store::Store;

use crate::error::{ExportError, StoreError};

/// The prefixes Turtle and TriG output declare.
pub const PREFIXES: [(&str, &str); 13] = [
    ("bg", crate::vocab::BG),
    ("bgid", crate::vocab::ID),
    ("bgsrc", crate::vocab::SOURCE),
    ("bgf", crate::vocab::FACT),
    ("role", crate::vocab::ROLE),
    ("evt", crate::vocab::EVENT_TYPE),
    ("org", crate::vocab::ORG),
    ("time", crate::vocab::TIME),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("dcterms", crate::vocab::DCTERMS),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("xsd", crate::vocab::XSD),
];

/// `ttl`, `nt`, `nq` or `trig`.
pub fn format(name: &str) -> Result<RdfFormat, ExportError> {
    match name.to_ascii_lowercase().as_str() {
        "ttl" | "turtle" => Ok(RdfFormat::Turtle),
        "nt" | "ntriples" | "n-triples" => Ok(RdfFormat::NTriples),
        "nq" | "nquads" | "n-quads" => Ok(RdfFormat::NQuads),
        "trig" => Ok(RdfFormat::TriG),
        other => Err(ExportError::Usage(format!(
            "unknown RDF format '{other}'; expected ttl, nt, nq or trig"
        ))),
    }
}

/// Serialises every quad of the store.
pub fn write(store: &Store, format: RdfFormat, out: &mut dyn Write) -> Result<(), ExportError> {
    let mut serializer = RdfSerializer::from_format(format);
    for (prefix, iri) in PREFIXES {
        serializer = serializer.with_prefix(prefix, iri).expect("static prefixes are valid");
    }
    let mut writer = serializer.for_writer(out);
    for quad in store.iter() {
        let quad = quad.map_err(|e| ExportError::Store(StoreError::Storage(e)))?;
        if format.supports_datasets() {
            writer.serialize_quad(&quad)
        } else {
            writer.serialize_triple(quad.as_ref())
        }
        .map_err(|source| ExportError::Write { path: String::new(), source })?;
    }
    writer.finish().map_err(|source| ExportError::Write { path: String::new(), source })?;
    Ok(())
}
