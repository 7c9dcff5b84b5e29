//! Cell parsers shared by the CSV fact kinds: each reads one column of a row, and on bad
//! input records a located problem and returns `None`, so a row reports all its faults at once.

use oxigraph::model::{GraphName, Literal, NamedNode, Quad, Term};
use sha2::{Digest, Sha256};

pub(crate) use super::csvfile::clip;
use super::csvfile::Row;
use super::Context;
use crate::date::Date;
use crate::error::Problem;
use crate::model::{Entity, EntityKind, Word};
use crate::vocab;

/// Problems of the row being read.
pub type Faults = Vec<Problem>;

/// A required cell; an empty one is a problem.
pub fn required<'r>(row: &'r Row<'_>, column: &str, faults: &mut Faults) -> Option<&'r str> {
    let cell = row.get(column);
    if cell.is_none() {
        faults.push(row.problem(column, "required, but empty"));
    }
    cell
}

/// A date cell (required or optional).
pub fn date(row: &Row<'_>, column: &str, is_required: bool, faults: &mut Faults) -> Option<Date> {
    let cell = if is_required { required(row, column, faults)? } else { row.get(column)? };
    Date::parse(cell).map_err(|e| faults.push(row.problem(column, e.to_string()))).ok()
}

/// A non-negative or signed decimal number in plain notation (`93000000000`, `10.6`, `-3`).
pub fn decimal(
    row: &Row<'_>,
    column: &str,
    is_required: bool,
    signed: bool,
    faults: &mut Faults,
) -> Option<String> {
    let cell = if is_required { required(row, column, faults)? } else { row.get(column)? };
    match parse_decimal(cell, signed) {
        Ok(canonical) => Some(canonical),
        Err(why) => {
            faults.push(row.problem(column, format!("'{}' is not {why}", clip(cell))));
            None
        }
    }
}

/// Canonical plain decimal text, or what was expected.
pub fn parse_decimal(text: &str, signed: bool) -> Result<String, &'static str> {
    let expected = if signed {
        "a number like 10.6 or -3 (plain digits, '.' for decimals)"
    } else {
        "a non-negative number in plain digits like 93000000000 (no units, separators or exponents)"
    };
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) if signed => (true, rest),
        Some(_) => return Err(expected),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty()
        || !ok(int)
        || !ok(frac)
        || (digits.contains('.') && frac.is_empty())
        || int.len() > 18
        || frac.len() > 9
    {
        return Err(expected);
    }
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let mut out = String::new();
    if negative && !(int.is_empty() && frac.is_empty()) {
        out.push('-');
    }
    out.push_str(if int.is_empty() { "0" } else { int });
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    Ok(out)
}

/// The numeric value of a canonical decimal, for comparisons.
pub fn decimal_value(canonical: &str) -> f64 {
    canonical.parse().unwrap_or(0.0)
}

/// An entity cell resolved to an entity of one of `kinds`.
pub fn entity<'c>(
    row: &Row<'_>,
    column: &str,
    is_required: bool,
    kinds: &[EntityKind],
    what: &'static str,
    ctx: &'c Context,
    faults: &mut Faults,
) -> Option<&'c Entity> {
    let cell = if is_required { required(row, column, faults)? } else { row.get(column)? };
    ctx.resolver
        .resolve_kind(cell, what, kinds)
        .map_err(|e| faults.push(row.problem(column, e.to_string())))
        .ok()
}

/// A `source` cell naming a known source id.
pub fn source(row: &Row<'_>, ctx: &Context, faults: &mut Faults) -> Option<String> {
    let cell = required(row, "source", faults)?;
    if ctx.sources.contains_key(cell) {
        return Some(cell.to_owned());
    }
    let near =
        crate::resolve::nearest(cell, ctx.sources.keys().map(String::as_str), |k| k.contains(cell));
    faults.push(row.problem(
        "source",
        format!(
            "unknown source '{}'{}; add it with a sources file (id,title,publisher,published)",
            clip(cell),
            crate::error::suggest(&near)
        ),
    ));
    None
}

/// A fact row's `quote` and `note`, once every cell is read: the row's faults when it has any.
pub fn provenance<'r>(
    row: &'r Row<'_>,
    faults: Faults,
) -> Result<(Option<&'r str>, Option<&'r str>), Faults> {
    if faults.is_empty() {
        Ok((row.get("quote"), row.get("note")))
    } else {
        Err(faults)
    }
}

/// One of a closed set of words ([`Word`]): a role, a qualifier, a status.
pub fn choice<T: Word>(
    row: &Row<'_>,
    column: &str,
    is_required: bool,
    default: Option<T>,
    faults: &mut Faults,
) -> Option<T> {
    let cell = if is_required {
        required(row, column, faults)?
    } else {
        match row.get(column) {
            Some(cell) => cell,
            None => return default,
        }
    };
    let found = T::ALL.iter().copied().find(|a| a.name().eq_ignore_ascii_case(cell));
    if found.is_none() {
        faults.push(row.problem(column, format!("'{}' is not one of {}", clip(cell), T::names())));
    }
    found
}

/// A content-derived fact IRI: `bgf:<prefix>-<16 hex of sha256 of the canonical fields>`.
pub fn fact_iri(prefix: &str, fields: &[&str]) -> NamedNode {
    let mut hasher = Sha256::new();
    hasher.update(prefix.as_bytes());
    for f in fields {
        hasher.update([0x1f]);
        hasher.update(f.as_bytes());
    }
    let digest = hasher.finalize();
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    vocab::iri(vocab::FACT, &format!("{prefix}-{hex}"))
}

/// Builds the quads of one record in the default graph.
#[derive(Default)]
pub struct Triples(pub Vec<Quad>);

impl Triples {
    pub fn add(&mut self, subject: &NamedNode, predicate: NamedNode, object: impl Into<Term>) {
        self.0.push(Quad::new(subject.clone(), predicate, object.into(), GraphName::DefaultGraph));
    }

    pub fn bg(&mut self, subject: &NamedNode, local: &str, object: impl Into<Term>) {
        self.add(subject, vocab::bg(local), object);
    }

    pub fn a(&mut self, subject: &NamedNode, class: NamedNode) {
        self.add(subject, vocab::rdf_type().into_owned(), class);
    }

    /// A stated date and its first day: `bg:<local>` and `bg:<local>Day`.
    pub fn date(&mut self, subject: &NamedNode, local: &str, date: Date) {
        self.bg(subject, local, date.literal());
        self.bg(subject, &format!("{local}Day"), date.day_literal());
    }

    /// The provenance every fact carries: type, source, quote, note.
    pub fn fact(
        &mut self,
        subject: &NamedNode,
        source: &str,
        quote: Option<&str>,
        note: Option<&str>,
    ) {
        self.a(subject, vocab::bg("Fact"));
        self.add(subject, vocab::iri(vocab::PROV_DERIVED, ""), vocab::source(source));
        if let Some(q) = quote {
            self.bg(subject, "quote", Literal::new_simple_literal(q));
        }
        if let Some(n) = note {
            self.add(subject, vocab::iri(vocab::RDFS_COMMENT, ""), Literal::new_simple_literal(n));
        }
    }
}

pub fn decimal_literal(canonical: &str) -> Literal {
    Literal::new_typed_literal(canonical, vocab::iri(vocab::XSD, "decimal"))
}

#[cfg(test)]
mod tests {
    use super::parse_decimal;

    #[test]
    fn decimals() {
        assert_eq!(parse_decimal("93000000000", false).unwrap(), "93000000000");
        assert_eq!(parse_decimal("010.60", true).unwrap(), "10.6");
        assert_eq!(parse_decimal("-0", true).unwrap(), "0");
        assert_eq!(parse_decimal("-3", true).unwrap(), "-3");
        for bad in [
            "1e400",
            "NaN",
            "inf",
            "-1",
            "",
            ".",
            "1.",
            "1,000",
            "$5",
            "1 000",
            "99999999999999999999",
        ] {
            assert!(parse_decimal(bad, false).is_err(), "{bad}");
        }
    }
}
