//! `export rdf`: the whole store as Turtle, N-Triples, N-Quads or TriG, with the usual prefixes.

use std::io::Write;

use oxigraph::io::{RdfFormat, RdfSerializer};

use crate::error::StoreError;
use crate::sparql::Engine;
use crate::vocab::PREFIXES;

/// Why an RDF export stopped: the store failed, or the writer did.
#[derive(Debug, thiserror::Error)]
pub enum RdfExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Write(#[from] std::io::Error),
}

/// Serialises every quad of the store (`format` from [`RdfSyntax::format`](crate::vocab::RdfSyntax::format)).
pub fn write<'a>(
    store: impl Into<Engine<'a>>,
    format: RdfFormat,
    out: &mut dyn Write,
) -> Result<(), RdfExportError> {
    let store: Engine<'a> = store.into();
    let mut serializer = RdfSerializer::from_format(format);
    for (prefix, iri) in PREFIXES {
        serializer = serializer.with_prefix(prefix, iri).expect("static prefixes are valid");
    }
    let mut writer = serializer.for_writer(out);
    store.for_each_quad(&mut |quad| {
        if format.supports_datasets() {
            writer.serialize_quad(&quad)?;
        } else {
            writer.serialize_triple(quad.as_ref())?;
        }
        Ok::<(), RdfExportError>(())
    })?;
    writer.finish()?;
    Ok(())
}
