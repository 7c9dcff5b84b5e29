//! The entities CSV kind: countries, blocs, people, organisations and places with their
//! labels, `|`-separated aliases and Wikidata ids.

use oxigraph::model::{Literal, NamedNode};

use super::csvfile::{Row, Spec};
use super::fields::{clip, required, Faults, Triples};
use super::{Context, Record};
use crate::model::FactKind;
use crate::model::{Entity, EntityKind, Word};
use crate::vocab;

pub const SPEC: Spec = Spec {
    kind: FactKind::Entities,
    required: &["id", "kind", "label"],
    optional: &["aliases", "wikidata", "note"],
};

/// Reads one entity row into its record (the entity, its aliases and its triples).
pub fn read(row: &Row<'_>, ctx: &Context) -> Result<Record, Faults> {
    let mut faults = Faults::new();
    let id = required(row, "id", &mut faults);
    if let Some(id) = id {
        if !crate::model::is_valid_id(id) {
            faults.push(row.problem("id", format!("'{}' is not a valid id: use letters, digits, '_', '-' or '.', starting with a letter or digit (countries: ISO 3166-1 alpha-3 such as ARM)", clip(id))));
        }
    }
    let kind = required(row, "kind", &mut faults).and_then(|k| {
        EntityKind::parse(k).or_else(|| {
            faults.push(
                row.problem("kind", format!("'{}' is not one of {}", clip(k), EntityKind::names())),
            );
            None
        })
    });
    let label = required(row, "label", &mut faults);
    let aliases: Vec<String> = row
        .get("aliases")
        .map(|a| a.split('|').map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default();
    let wikidata = row.get("wikidata");
    if let Some(q) = wikidata {
        if !(q.starts_with('Q') && q.len() > 1 && q[1..].bytes().all(|b| b.is_ascii_digit())) {
            faults.push(
                row.problem(
                    "wikidata",
                    format!("'{}' is not a Wikidata item id like Q399", clip(q)),
                ),
            );
        }
    }
    let (Some(id), Some(kind), Some(label)) = (id, kind, label) else { return Err(faults) };
    if let Some(known) = ctx.resolver.by_id(id) {
        if known.kind != kind {
            faults.push(row.problem(
                "kind",
                format!(
                    "entity '{id}' already exists as a {}; its kind cannot change",
                    known.kind.name()
                ),
            ));
        } else if known.label != label {
            faults.push(row.problem("label", format!("entity '{id}' already exists with label '{}'; its label cannot change (add '{}' as an alias instead)", known.label, clip(label))));
        }
    }
    if !faults.is_empty() {
        return Err(faults);
    }
    let entity = Entity { id: id.to_owned(), kind, label: label.to_owned() };
    let (_, quads) = triples(&entity, &aliases, wikidata, row.get("note"));
    Ok(Record::Entity { entity, aliases, quads })
}

/// The IRI and triples of an entity (shared with the COW importer's new organisations).
pub fn triples(
    entity: &Entity,
    aliases: &[String],
    wikidata: Option<&str>,
    note: Option<&str>,
) -> (NamedNode, Vec<oxigraph::model::Quad>) {
    let subject = vocab::entity(&entity.id);
    let mut t = Triples::default();
    t.a(&subject, vocab::bg(entity.kind.class()));
    t.bg(&subject, "id", Literal::new_simple_literal(&entity.id));
    t.add(
        &subject,
        vocab::iri(vocab::RDFS_LABEL, ""),
        Literal::new_language_tagged_literal_unchecked(&entity.label, "en"),
    );
    for alias in aliases {
        t.add(
            &subject,
            vocab::iri(vocab::SKOS_ALT_LABEL, ""),
            Literal::new_language_tagged_literal_unchecked(alias.as_str(), "en"),
        );
    }
    if let Some(q) = wikidata {
        t.add(
            &subject,
            vocab::iri(vocab::OWL_SAME_AS, ""),
            NamedNode::new_unchecked(format!("{}{q}", vocab::WIKIDATA)),
        );
    }
    if let Some(note) = note {
        t.add(&subject, vocab::iri(vocab::RDFS_COMMENT, ""), Literal::new_simple_literal(note));
    }
    if entity.kind == EntityKind::Country {
        code_triples(&mut t, &subject, &entity.id);
    }
    (subject, t.0)
}

/// A country's codes from `schema/country-codes.csv` (docs/model.md, Country codes): ISO
/// alpha-3 and numeric, COW number and abbreviation, Gleditsch-Ward number.
fn code_triples(t: &mut Triples, subject: &NamedNode, id: &str) {
    let Some(codes) = crate::codes::table().by_id(id) else { return };
    let integer =
        |n: u16| Literal::new_typed_literal(n.to_string(), vocab::iri(vocab::XSD, "integer"));
    t.bg(subject, "isoAlpha3", Literal::new_simple_literal(&codes.iso3));
    if !codes.iso_num.is_empty() {
        t.bg(subject, "isoNumeric", Literal::new_simple_literal(&codes.iso_num));
    }
    t.bg(subject, "cowCode", integer(codes.cow));
    t.bg(subject, "cowAbbreviation", Literal::new_simple_literal(&codes.cow_abb));
    if let Some(gw) = codes.gw {
        t.bg(subject, "gwCode", integer(gw));
    }
}
