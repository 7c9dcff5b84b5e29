//! The events CSV kind: dated political events between an actor and a target or bloc,
//! typed from the controlled vocabulary in `schema/event-types.ttl`, with a polarity.

use oxigraph::model::Literal;

use super::csvfile::{Row, Spec};
use super::fields::{self, clip, required, Faults, Triples};
use super::{Context, Record};
use crate::model::FactKind;
use crate::model::{EntityKind, EventType, Polarity, Word};
use crate::vocab;

pub const SPEC: Spec = Spec {
    kind: FactKind::Events,
    required: &["date", "type", "actor", "polarity", "summary", "source"],
    optional: &["target", "bloc", "quote", "note"],
};

/// Reads one event row.
pub fn read(row: &Row<'_>, ctx: &Context) -> Result<Record, Faults> {
    let mut faults = Faults::new();
    let date = fields::date(row, "date", true, &mut faults);
    let kind = required(row, "type", &mut faults).and_then(|t| {
        let found = EventType::parse(t, &ctx.event_types);
        if found.is_none() {
            let known: Vec<&str> = ctx.event_types.iter().map(EventType::as_str).collect();
            faults.push(row.problem(
                "type",
                format!("unknown event type '{}'; valid types: {}", clip(t), known.join(", ")),
            ));
        }
        found
    });
    let actor = fields::entity(row, "actor", true, EntityKind::ALL, "entity", ctx, &mut faults);
    let target = fields::entity(row, "target", false, EntityKind::ALL, "entity", ctx, &mut faults);
    let bloc = fields::entity(row, "bloc", false, &EntityKind::BLOC_LIKE, "bloc", ctx, &mut faults);
    let polarity = required(row, "polarity", &mut faults).and_then(|p| match Polarity::parse(p) {
        Some(polarity) => Some(polarity),
        None => {
            faults.push(row.problem(
                "polarity",
                format!(
                    "'{}' is not a polarity: use -1 (friction), 0 (neutral) or 1 (cooperation)",
                    clip(p)
                ),
            ));
            None
        }
    });
    let summary = required(row, "summary", &mut faults);
    let source = fields::source(row, ctx, &mut faults);
    let (Some(date), Some(kind), Some(actor), Some(polarity), Some(summary), Some(source)) =
        (date, kind, actor, polarity, summary, source)
    else {
        return Err(faults);
    };
    let (quote, note) = fields::provenance(row, faults)?;
    let (d, p) = (date.to_string(), polarity.to_string());
    let kind = kind.as_str();
    let target_id = target.map(|t| t.id.as_str()).unwrap_or("");
    let bloc_id = bloc.map(|b| b.id.as_str()).unwrap_or("");
    let iri = fields::fact_iri(
        "e",
        &[
            &d,
            kind,
            &actor.id,
            target_id,
            bloc_id,
            &p,
            summary,
            &source,
            quote.unwrap_or(""),
            note.unwrap_or(""),
        ],
    );
    let mut t = Triples::default();
    t.a(&iri, vocab::bg("Event"));
    t.fact(&iri, &source, quote, note);
    t.date(&iri, "date", date);
    t.bg(&iri, "eventType", vocab::event_type(kind));
    t.bg(&iri, "actor", vocab::entity(&actor.id));
    if let Some(target) = target {
        t.bg(&iri, "target", vocab::entity(&target.id));
    }
    if let Some(bloc) = bloc {
        t.bg(&iri, "bloc", vocab::entity(&bloc.id));
    }
    t.bg(&iri, "polarity", Literal::from(i64::from(polarity.value())));
    t.bg(&iri, "summary", Literal::new_simple_literal(summary));
    Ok(Record::Fact { kind: FactKind::Events, iri, quads: t.0 })
}
