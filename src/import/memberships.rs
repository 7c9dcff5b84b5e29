//! The memberships CSV kind: a country's role in a bloc over a dated interval [start, end),
//! stored as an `org:Membership` with an OWL-Time interval.

use oxigraph::model::NamedNode;

use super::csvfile::{Row, Spec};
use super::fields::{self, Faults, Triples};
use super::{Context, Record};
use crate::date::{Date, Precision};
use crate::model::FactKind;
use crate::model::{EntityKind, Role, Word};
use crate::vocab;

pub const SPEC: Spec = Spec {
    kind: FactKind::Memberships,
    required: &["country", "bloc", "role", "start", "source"],
    optional: &["end", "quote", "note"],
};

/// A resolved membership, ready to become triples.
pub struct Membership<'a> {
    pub country: &'a str,
    pub bloc: &'a str,
    pub role: Role,
    pub start: Date,
    pub end: Option<Date>,
    pub source: &'a str,
    pub quote: Option<&'a str>,
    pub note: Option<&'a str>,
}

/// Reads one membership row.
pub fn read(row: &Row<'_>, ctx: &Context) -> Result<Record, Faults> {
    let mut faults = Faults::new();
    let country =
        fields::entity(row, "country", true, &[EntityKind::Country], "country", ctx, &mut faults);
    let bloc = fields::entity(row, "bloc", true, &EntityKind::BLOC_LIKE, "bloc", ctx, &mut faults);
    let role = fields::choice(row, "role", true, None, &mut faults);
    let start = fields::date(row, "start", true, &mut faults);
    let end = fields::date(row, "end", false, &mut faults);
    let source = fields::source(row, ctx, &mut faults);
    if let (Some(s), Some(e)) = (start, end) {
        if e.first_day().key() <= s.first_day().key() {
            faults.push(row.problem(
                "end",
                format!(
                    "end {e} is not after start {s} (an interval [start, end) must not be empty)"
                ),
            ));
        }
    }
    match (country, bloc, role, start, source) {
        (Some(c), Some(b), Some(role), Some(start), Some(source)) if faults.is_empty() => {
            let m = Membership {
                country: &c.id,
                bloc: &b.id,
                role,
                start,
                end,
                source: &source,
                quote: row.get("quote"),
                note: row.get("note"),
            };
            let (iri, quads) = triples(&m);
            Ok(Record::Fact { kind: FactKind::Memberships, iri, quads })
        }
        _ => Err(faults),
    }
}

/// The IRI and triples of a membership (shared with the COW importer).
pub fn triples(m: &Membership<'_>) -> (NamedNode, Vec<oxigraph::model::Quad>) {
    let start = m.start.to_string();
    let end = m.end.map(|e| e.to_string()).unwrap_or_default();
    let iri = fields::fact_iri(
        "m",
        &[
            m.country,
            m.bloc,
            m.role.name(),
            &start,
            &end,
            m.source,
            m.quote.unwrap_or(""),
            m.note.unwrap_or(""),
        ],
    );
    let mut t = Triples::default();
    t.a(&iri, vocab::iri(vocab::ORG, "Membership"));
    t.a(&iri, vocab::bg("Membership"));
    t.fact(&iri, m.source, m.quote, m.note);
    t.add(&iri, vocab::iri(vocab::ORG, "member"), vocab::entity(m.country));
    t.add(&iri, vocab::iri(vocab::ORG, "organization"), vocab::entity(m.bloc));
    t.add(&iri, vocab::iri(vocab::ORG, "role"), vocab::role(m.role));
    t.date(&iri, "start", m.start);
    if let Some(e) = m.end {
        t.date(&iri, "end", e);
    }
    let interval = NamedNode::new_unchecked(format!("{}#interval", iri.as_str()));
    t.add(&iri, vocab::iri(vocab::ORG, "memberDuring"), interval.clone());
    t.a(&interval, vocab::iri(vocab::TIME, "Interval"));
    for (end_name, date) in [("start", Some(m.start)), ("end", m.end)] {
        let Some(date) = date else { continue };
        let instant = NamedNode::new_unchecked(format!("{}#{end_name}", iri.as_str()));
        t.add(
            &interval,
            vocab::iri(vocab::TIME, if end_name == "start" { "hasBeginning" } else { "hasEnd" }),
            instant.clone(),
        );
        t.a(&instant, vocab::iri(vocab::TIME, "Instant"));
        let property = match date.precision {
            Precision::Year => "inXSDgYear",
            Precision::Month => "inXSDgYearMonth",
            Precision::Day => "inXSDDate",
        };
        t.add(&instant, vocab::iri(vocab::TIME, property), date.literal());
    }
    (iri, t.0)
}
