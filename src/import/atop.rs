//! ATOP 5.1 dyad-year data (`ccode1,ccode2,year,atop_defense,atop_offense,atop_neutral,
//! atop_nonagg,atop_consul`) as alliance-obligation claims between two states.
//!
//! The file is directed (each dyad in both directions); a pair is undirected here: its two
//! directions are one pair, stored with the lower entity id first, and must agree. For each
//! pair and obligation kind, runs of consecutive years with the flag set become one obligation
//! spell of year precision, [first, last + 1). A spell still in force in 2018, the dataset's
//! horizon, has no end: it is right-censored (the `atop-5.1` source has `bg:horizon` 2018).
//! COW state numbers resolve through `schema/country-codes.csv`; states that are not entities
//! yet become country entities from that table.

use std::collections::BTreeMap;
use std::io::Read;

use oxigraph::model::Literal;

use super::claims::SourceRank;
use super::csvfile::{self, Spec};
use super::fields::{self, Triples};
use super::{Context, Record};
use crate::date::Date;
use crate::error::Problem;
use crate::model::{Entity, EntityKind, FactKind, Word};
use crate::vocab;

/// The source every ATOP obligation cites.
pub const SOURCE_ID: &str = "atop-5.1";
const SOURCE_TITLE: &str =
    "Alliance Treaty Obligations and Provisions (ATOP) project, version 5.1, dyad-year data";
/// The last year ATOP 5.1 codes.
pub const HORIZON: u16 = 2018;

/// The obligation kinds, by column and the name blocgraph stores (`bg:obligation`).
pub const KINDS: [(&str, &str); 5] = [
    ("atop_defense", "defense"),
    ("atop_offense", "offense"),
    ("atop_neutral", "neutrality"),
    ("atop_nonagg", "nonaggression"),
    ("atop_consul", "consultation"),
];

static SPECS: [Spec; 1] = [Spec {
    kind: FactKind::Obligations,
    required: &[
        "ccode1",
        "ccode2",
        "year",
        "atop_defense",
        "atop_offense",
        "atop_neutral",
        "atop_nonagg",
        "atop_consul",
    ],
    optional: &[],
}];

/// One obligation spell between two states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Obligation<'a> {
    /// The lower entity id of the pair.
    pub country: &'a str,
    pub partner: &'a str,
    /// One of the names in [`KINDS`].
    pub kind: &'a str,
    pub start: Date,
    /// `None`: in force at the source's horizon (right-censored).
    pub end: Option<Date>,
    pub source: &'a str,
    pub note: Option<&'a str>,
}

/// The IRI and triples of an obligation (docs/model.md, Alliance obligations). Only ATOP states
/// obligations, so each is its own claim (`bg:claim` points to itself).
pub fn triples(o: &Obligation<'_>) -> (oxigraph::model::NamedNode, Vec<oxigraph::model::Quad>) {
    let start = o.start.to_string();
    let end = o.end.map(|e| e.to_string()).unwrap_or_default();
    let iri = fields::fact_iri("o", &[o.country, o.partner, o.kind, &start, &end, o.source]);
    let mut t = Triples::default();
    t.a(&iri, vocab::bg("Obligation"));
    t.fact(&iri, o.source, None, o.note);
    // The pair is undirected: both states are `bg:ally` of the obligation.
    t.bg(&iri, "ally", vocab::entity(o.country));
    t.bg(&iri, "ally", vocab::entity(o.partner));
    t.bg(&iri, "obligation", Literal::new_simple_literal(o.kind));
    t.date(&iri, "start", o.start);
    if let Some(end) = o.end {
        t.date(&iri, "end", end);
    }
    t.bg(&iri, "claim", iri.clone());
    (iri, t.0)
}

/// Runs of consecutive years: `[1992, 1993, 1995]` -> `[(1992, 1993), (1995, 1995)]`.
pub fn runs(years: impl IntoIterator<Item = u16>) -> Vec<(u16, u16)> {
    let mut out: Vec<(u16, u16)> = Vec::new();
    for y in years {
        match out.last_mut() {
            Some(run) if run.1 + 1 == y => run.1 = y,
            _ => out.push((y, y)),
        }
    }
    out
}

/// Per dyad, year -> (the five obligation flags, the line that stated them).
type YearFlags = BTreeMap<u16, ([bool; 5], u64)>;

/// Reads an ATOP dyad-year file whole into records: the dataset's source, new country
/// entities and the obligation spells.
pub fn read(
    name: &str,
    reader: Box<dyn Read>,
    ctx: &mut Context,
) -> Result<Vec<(Record, u64)>, Vec<Problem>> {
    let mut file = csvfile::open(name, reader, &SPECS)?;
    let table = crate::codes::table();
    let mut problems = Vec::new();
    let mut records = Vec::new();
    // (lower id, higher id) -> year -> (flags, line)
    let mut pairs: BTreeMap<(String, String), YearFlags> = BTreeMap::new();
    while let Some(row) = file.next_row() {
        let row = match row {
            Ok(row) => row,
            Err(p) => {
                problems.push(p);
                if problems.len() >= 100 {
                    break;
                }
                continue;
            }
        };
        let mut faults = Vec::new();
        let mut state = |column: &str, faults: &mut Vec<Problem>| -> Option<String> {
            let cell = fields::required(&row, column, faults)?;
            let Ok(code) = cell.parse::<u16>() else {
                faults.push(row.problem(
                    column,
                    format!("'{}' is not a Correlates of War state number", fields::clip(cell)),
                ));
                return None;
            };
            let Some(codes) = table.by_cow(code) else {
                faults.push(row.problem(column, format!("no state has the Correlates of War number '{code}' in schema/country-codes.csv")));
                return None;
            };
            if codes.id.is_empty() {
                faults.push(row.problem(
                    column,
                    format!(
                        "COW {code} ({}) has no ISO 3166-1 code and so no blocgraph id",
                        codes.name
                    ),
                ));
                return None;
            }
            match ctx.resolver.by_id(&codes.id) {
                Some(e) if e.kind == EntityKind::Country => {}
                Some(e) => {
                    faults.push(row.problem(
                        column,
                        format!(
                            "COW {code} is '{}', which the store holds as a {}, not a country",
                            e.id,
                            e.kind.name()
                        ),
                    ));
                    return None;
                }
                None => {
                    let entity = Entity {
                        id: codes.id.clone(),
                        kind: EntityKind::Country,
                        label: codes.label.clone(),
                    };
                    let (_, quads) = super::entities::triples(
                        &entity,
                        &[],
                        codes.wikidata.as_deref(),
                        Some("Created by the ATOP import from schema/country-codes.csv"),
                    );
                    let record =
                        Record::Entity { entity: entity.clone(), aliases: Vec::new(), quads };
                    records.push((record, row.line));
                    ctx.resolver.add(entity, &[]);
                }
            }
            Some(codes.id.clone())
        };
        let a = state("ccode1", &mut faults);
        let b = state("ccode2", &mut faults);
        let year =
            fields::required(&row, "year", &mut faults).and_then(|y| match y.parse::<u16>() {
                Ok(y) if (1815..=HORIZON).contains(&y) => Some(y),
                _ => {
                    faults.push(row.problem(
                        "year",
                        format!(
                            "'{}' is not a year ATOP 5.1 codes (1815 to {HORIZON})",
                            fields::clip(y)
                        ),
                    ));
                    None
                }
            });
        let mut flags = [false; 5];
        for (i, (column, _)) in KINDS.iter().enumerate() {
            match fields::required(&row, column, &mut faults) {
                Some("1") => flags[i] = true,
                Some("0") | None => {}
                Some(other) => faults.push(
                    row.problem(column, format!("'{}' is not a 0/1 flag", fields::clip(other))),
                ),
            }
        }
        match (a, b, year) {
            (Some(a), Some(b), Some(year)) if faults.is_empty() => {
                if a == b {
                    problems.push(row.row_problem(format!(
                        "ccode1 and ccode2 are the same state ({a}): a dyad needs two"
                    )));
                    continue;
                }
                let key = if a < b { (a, b) } else { (b, a) };
                let by_year = pairs.entry(key.clone()).or_default();
                match by_year.get(&year) {
                    Some((other, line)) if *other != flags => {
                        problems.push(row.row_problem(format!(
                            "the pair {}-{} in {year} has other obligations at line {line} (each dyad is stated in both directions, which must agree)",
                            key.0, key.1
                        )));
                    }
                    Some(_) => {}
                    None => {
                        by_year.insert(year, (flags, row.line));
                    }
                }
            }
            _ => problems.extend(faults),
        }
        if problems.len() >= 100 {
            break;
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if !ctx.sources.contains_key(SOURCE_ID) {
        records.insert(0, (source_record(), 1));
        ctx.sources.insert(SOURCE_ID.to_owned(), SOURCE_TITLE.to_owned());
    }
    for ((a, b), by_year) in &pairs {
        for (i, (column, kind)) in KINDS.iter().enumerate() {
            let years: Vec<u16> =
                by_year.iter().filter(|(_, (f, _))| f[i]).map(|(y, _)| *y).collect();
            for (first, last) in runs(years) {
                let line = by_year.get(&first).map_or(1, |(_, l)| *l);
                let censored = last == HORIZON;
                let note = format!(
                    "ATOP 5.1 {column} = 1 in {first}-{last}{}",
                    if censored {
                        ", the dataset's last year: the obligation may go on (right-censored)"
                    } else {
                        ""
                    }
                );
                let o = Obligation {
                    country: a,
                    partner: b,
                    kind,
                    start: Date::year(first),
                    end: (!censored).then(|| Date::year(last + 1)),
                    source: SOURCE_ID,
                    note: Some(&note),
                };
                let (iri, quads) = triples(&o);
                records.push((Record::Fact { kind: FactKind::Obligations, iri, quads }, line));
            }
        }
    }
    Ok(records)
}

fn source_record() -> Record {
    let source = super::sources::Source {
        id: SOURCE_ID,
        title: SOURCE_TITLE,
        publisher: "ATOP project",
        published: Date::year(2002),
        author: Some("Brett Ashley Leeds, Jeffrey M. Ritter, Sara McLaughlin Mitchell, Andrew G. Long"),
        url: Some("http://www.atopdata.org/"),
        horizon: Some(Date::year(HORIZON)),
        note: Some("Leeds, Ritter, Mitchell and Long, 'Alliance Treaty Obligations and Provisions, 1815-1944', International Interactions 28, 2002; version 5.1, data to 2018 (published is the year of that reference article), as the directed dyad-year summary of the peacesciencer R package 1.2.9 (atop_alliance). A flag summarises all alliances of the pair in force that year; the file does not say which alliance. Years after 2018 are not covered."),
    };
    let (iri, mut quads) = super::sources::triples(&source);
    // `published` is the year of ATOP's reference article (2002), before the data it codes, so
    // the rule of `claims::source_rank` (a horizon ending before publication) does not see the
    // dataset: ATOP states its rank, 3 (dataset), as COW IGO v3 gets it from its dates.
    let rank = vocab::bg("sourceRank");
    quads.retain(|q| q.predicate != rank);
    let mut t = Triples::default();
    t.bg(&iri, "sourceRank", Literal::from(i64::from(SourceRank::Dataset as u8)));
    quads.extend(t.0);
    Record::Source { id: SOURCE_ID.to_owned(), title: SOURCE_TITLE.to_owned(), quads }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consecutive_years_become_runs() {
        assert_eq!(
            runs([1992, 1993, 1995, 2017, 2018]),
            vec![(1992, 1993), (1995, 1995), (2017, 2018)]
        );
        assert!(runs([]).is_empty());
    }
}
