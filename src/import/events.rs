//! The events CSV kind: dated political events between an actor and a target or bloc,
//! typed from the controlled vocabulary in `schema/event-types.ttl`, with a polarity.

use oxigraph::model::Literal;

use super::csvfile::{Row, Spec};
use super::fields::{self, clip, required, Faults, Triples};
use super::{Context, Kind, Record};
use crate::resolve::EntityKind;
use crate::vocab;

pub const SPEC: Spec = Spec {
    kind: Kind::Events,
    required: &["date", "type", "actor", "polarity", "summary", "source"],
    optional: &["target", "bloc", "quote", "note"],
};

/// Reads one event row.
pub fn read(row: &Row<'_>, ctx: &Context) -> Result<Record, Faults> {
    let mut faults = Faults::new();
    let date = fields::date(row, "date", true, &mut faults);
    let kind = required(row, "type", &mut faults).and_then(|t| {
        let found = ctx.event_types.iter().find(|k| k.eq_ignore_ascii_case(t)).cloned();
        if found.is_none() {
            faults.push(row.problem(
                "type",
                format!(
                    "unknown event type '{}'; valid types: {}",
                    clip(t),
                    ctx.event_types.join(", ")
                ),
            ));
        }
        found
    });
    let actor = fields::entity(row, "actor", true, &EntityKind::ALL, "entity", ctx, &mut faults);
    let target = fields::entity(row, "target", false, &EntityKind::ALL, "entity", ctx, &mut faults);
    let bloc = fields::entity(
        row,
        "bloc",
        false,
        &[EntityKind::Bloc, EntityKind::Organisation],
        "bloc",
        ctx,
        &mut faults,
    );
    let polarity = required(row, "polarity", &mut faults).and_then(|p| match p {
        "-1" => Some(-1),
        "0" | "+0" | "-0" => Some(0),
        "1" | "+1" => Some(1),
        _ => {
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
    if !faults.is_empty() {
        return Err(faults);
    }
    let quote = row.get("quote");
    let note = row.get("note");
    let (d, p) = (date.to_string(), polarity.to_string());
    let target_id = target.map(|t| t.id.as_str()).unwrap_or("");
    let bloc_id = bloc.map(|b| b.id.as_str()).unwrap_or("");
    let iri = fields::fact_iri(
        "e",
        &[
            &d,
            &kind,
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
    t.bg(&iri, "eventType", vocab::iri(vocab::EVENT_TYPE, &kind));
    t.bg(&iri, "actor", vocab::entity(&actor.id));
    if let Some(target) = target {
        t.bg(&iri, "target", vocab::entity(&target.id));
    }
    if let Some(bloc) = bloc {
        t.bg(&iri, "bloc", vocab::entity(&bloc.id));
    }
    t.bg(&iri, "polarity", Literal::from(i64::from(polarity)));
    t.bg(&iri, "summary", Literal::new_simple_literal(summary));
    Ok(Record::Fact { kind: Kind::Events, iri, quads: t.0 })
}
