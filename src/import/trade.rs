//! The trade CSV kind: a bilateral (or country-to-bloc) trade volume over an inclusive
//! period, with its qualifier ("exceeding", a range) and status (reported, forecast).

use oxigraph::model::Literal;

use super::csvfile::{Row, Spec};
use super::fields::{self, decimal_literal, decimal_value, Faults, Triples};
use super::{Context, Record};
use crate::model::FactKind;
use crate::model::{EntityKind, Qualifier, Status, Word};

pub const SPEC: Spec = Spec {
    kind: FactKind::Trade,
    required: &[
        "reporter",
        "partner",
        "period_start",
        "period_end",
        "value_usd",
        "status",
        "source",
    ],
    optional: &["value_usd_max", "qualifier", "change_pct", "quote", "note"],
};

/// Reads one trade row.
pub fn read(row: &Row<'_>, ctx: &Context) -> Result<Record, Faults> {
    let mut faults = Faults::new();
    let reporter =
        fields::entity(row, "reporter", true, &[EntityKind::Country], "country", ctx, &mut faults);
    let partner = fields::entity(
        row,
        "partner",
        true,
        &[EntityKind::Country, EntityKind::Bloc],
        "country or bloc",
        ctx,
        &mut faults,
    );
    let start = fields::date(row, "period_start", true, &mut faults);
    let end = fields::date(row, "period_end", true, &mut faults);
    let value = fields::decimal(row, "value_usd", true, false, &mut faults);
    let max = fields::decimal(row, "value_usd_max", false, false, &mut faults);
    let qualifier: Option<Qualifier> =
        fields::choice(row, "qualifier", false, Some(Qualifier::Exact), &mut faults);
    let status: Option<Status> = fields::choice(row, "status", true, None, &mut faults);
    let change = fields::decimal(row, "change_pct", false, true, &mut faults);
    let source = fields::source(row, ctx, &mut faults);
    if let (Some(s), Some(e)) = (start, end) {
        if e.last_day().key() < s.first_day().key() {
            faults.push(
                row.problem("period_end", format!("period_end {e} is before period_start {s}")),
            );
        }
    }
    if let (Some(r), Some(p)) = (reporter, partner) {
        if r.id == p.id {
            faults.push(
                row.problem(
                    "partner",
                    format!("a country does not trade with itself ('{}')", r.id),
                ),
            );
        }
    }
    match (qualifier, &max, row.get("value_usd_max")) {
        (Some(Qualifier::Range), None, None) => faults.push(row.problem(
            "value_usd_max",
            "qualifier 'range' needs value_usd_max, the upper end of the range",
        )),
        (Some(q), Some(_), _) if q != Qualifier::Range => faults.push(row.problem(
            "value_usd_max",
            format!("value_usd_max goes only with qualifier 'range' (this row says '{q}')"),
        )),
        (Some(Qualifier::Range), Some(m), _) => {
            if let Some(v) = &value {
                if decimal_value(m) <= decimal_value(v) {
                    faults.push(row.problem(
                        "value_usd_max",
                        format!("the range {v}..{m} is empty or reversed"),
                    ));
                }
            }
        }
        _ => {}
    }
    let (
        Some(reporter),
        Some(partner),
        Some(start),
        Some(end),
        Some(value),
        Some(qualifier),
        Some(status),
        Some(source),
    ) = (reporter, partner, start, end, value, qualifier, status, source)
    else {
        return Err(faults);
    };
    let (quote, note) = fields::provenance(row, faults)?;
    let (s, e) = (start.to_string(), end.to_string());
    let iri = fields::fact_iri(
        "t",
        &[
            &reporter.id,
            &partner.id,
            &s,
            &e,
            &value,
            max.as_deref().unwrap_or(""),
            qualifier.name(),
            status.name(),
            change.as_deref().unwrap_or(""),
            &source,
            quote.unwrap_or(""),
            note.unwrap_or(""),
        ],
    );
    let mut t = Triples::default();
    t.a(&iri, crate::vocab::bg("TradeFlow"));
    t.fact(&iri, &source, quote, note);
    t.bg(&iri, "reporter", crate::vocab::entity(&reporter.id));
    t.bg(&iri, "partner", crate::vocab::entity(&partner.id));
    t.date(&iri, "periodStart", start);
    t.date(&iri, "periodEnd", end);
    t.bg(&iri, "valueUsd", decimal_literal(&value));
    if let Some(m) = &max {
        t.bg(&iri, "valueUsdMax", decimal_literal(m));
    }
    t.bg(&iri, "qualifier", Literal::new_simple_literal(qualifier.name()));
    t.bg(&iri, "status", Literal::new_simple_literal(status.name()));
    if let Some(c) = &change {
        t.bg(&iri, "changePct", decimal_literal(c));
    }
    Ok(Record::Fact { kind: FactKind::Trade, iri, quads: t.0 })
}
