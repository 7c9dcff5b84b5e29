//! The Correlates of War IGO-year format (`ioname,orgname,year,state,status`): runs of
//! consecutive years with the same status become membership spells of year precision.
//!
//! Status 1 is member, 2 associate, 3 observer, 0 not a member; -9 (missing) and -1 (not a
//! state-system member) are gaps, which neither end nor extend a spell. The mapping from COW
//! names to blocgraph ids is `schema/cow-igo-mapping.csv`; states not in it are resolved by
//! label or alias. Organisations blocgraph does not know yet are created as blocs.

use std::collections::BTreeMap;
use std::io::Read;

use super::csvfile::{self, Spec};
use super::fields::{self, Triples};
use super::memberships::{self, Membership};
use super::{Context, Record};
use crate::date::Date;
use crate::error::Problem;
use crate::model::FactKind;
use crate::model::{Entity, EntityKind, Role};
use crate::vocab;

/// The source every COW spell cites.
pub const SOURCE_ID: &str = "cow-igo-v3";
const SOURCE_TITLE: &str =
    "Correlates of War Intergovernmental Organizations (IGO) dataset, version 3.0, IGO-year format";

static SPECS: [Spec; 1] = [Spec {
    kind: FactKind::Memberships,
    required: &["ioname", "orgname", "year", "state", "status"],
    optional: &[],
}];

const MAPPING: &str = include_str!("../../schema/cow-igo-mapping.csv");

/// A row of the mapping table.
struct Mapped {
    id: String,
    label: Option<String>,
    note: Option<String>,
}

fn mapping() -> BTreeMap<(String, String), Mapped> {
    let mut reader = csv::Reader::from_reader(MAPPING.as_bytes());
    let mut map = BTreeMap::new();
    for record in reader.records().flatten() {
        let cell =
            |i: usize| record.get(i).map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned);
        if let (Some(cow), Some(kind), Some(id)) = (cell(0), cell(1), cell(2)) {
            map.insert((kind, cow.to_lowercase()), Mapped { id, label: cell(3), note: cell(4) });
        }
    }
    map
}

fn role(status: i32) -> Option<Role> {
    match status {
        1 => Some(Role::Member),
        2 => Some(Role::Associate),
        3 => Some(Role::Observer),
        _ => None,
    }
}

/// Reads a COW file whole into records: the dataset's source, new organisations, and spells.
pub fn read(
    name: &str,
    reader: Box<dyn Read>,
    ctx: &mut Context,
) -> Result<Vec<(Record, u64)>, Vec<Problem>> {
    let mut file = csvfile::open(name, reader, &SPECS)?;
    let map = mapping();
    let mut problems = Vec::new();
    let mut records = Vec::new();
    // (org id, country id) -> year -> (status, line)
    let mut years: BTreeMap<(String, String), BTreeMap<u16, (i32, u64)>> = BTreeMap::new();
    let mut last_year = 0u16;
    while let Some(row) = file.next_row() {
        let row = match row {
            Ok(row) => row,
            Err(p) => {
                problems.push(p);
                continue;
            }
        };
        let mut faults = Vec::new();
        let year =
            fields::required(&row, "year", &mut faults).and_then(|y| match y.parse::<u16>() {
                Ok(y) if (1800..=2200).contains(&y) => Some(y),
                _ => {
                    faults.push(row.problem(
                        "year",
                        format!("'{}' is not a year between 1800 and 2200", fields::clip(y)),
                    ));
                    None
                }
            });
        let status =
            fields::required(&row, "status", &mut faults).and_then(|s| match s.parse::<i32>() {
                Ok(s) if matches!(s, -9 | -1 | 0 | 1 | 2 | 3) => Some(s),
                _ => {
                    faults.push(row.problem(
                        "status",
                        format!("'{}' is not a COW status (-9, -1, 0, 1, 2 or 3)", fields::clip(s)),
                    ));
                    None
                }
            });
        let state = fields::required(&row, "state", &mut faults).and_then(|s| {
            if let Some(m) = map.get(&("state".to_owned(), s.to_lowercase())) {
                return Some(m.id.clone());
            }
            match ctx.resolver.resolve_kind(s, "country", &[EntityKind::Country]) {
                Ok(e) => Some(e.id.clone()),
                Err(e) => {
                    faults.push(row.problem(
                        "state",
                        format!(
                            "{e}; add the state to the entities or to schema/cow-igo-mapping.csv"
                        ),
                    ));
                    None
                }
            }
        });
        let org = fields::required(&row, "ioname", &mut faults).and_then(|io| {
            let orgname = row.get("orgname").unwrap_or(io);
            let mapped = map.get(&("org".to_owned(), io.to_lowercase()));
            let id = mapped.map_or_else(|| io.to_uppercase(), |m| m.id.clone());
            if ctx.resolver.by_id(&id).is_some() {
                return Some(id);
            }
            if !crate::model::is_valid_id(&id) {
                faults.push(
                    row.problem("ioname", format!("'{}' cannot be an entity id", fields::clip(io))),
                );
                return None;
            }
            let label = mapped.and_then(|m| m.label.clone()).unwrap_or_else(|| orgname.to_owned());
            let entity = Entity { id: id.clone(), kind: EntityKind::Bloc, label: label.clone() };
            let aliases: Vec<String> = [io.to_owned(), orgname.to_owned()]
                .into_iter()
                .filter(|a| !a.eq_ignore_ascii_case(&label) && !a.eq_ignore_ascii_case(&id))
                .collect();
            let note = mapped
                .and_then(|m| m.note.clone())
                .unwrap_or_else(|| "Created by the COW IGO import".to_owned());
            records.push((org_record(&entity, &aliases, &note), row.line));
            ctx.resolver.add(entity, &aliases);
            Some(id)
        });
        match (year, status, state, org) {
            (Some(year), Some(status), Some(state), Some(org)) if faults.is_empty() => {
                last_year = last_year.max(year);
                let by_year = years.entry((org, state)).or_default();
                if let Some((other, line)) = by_year.get(&year) {
                    if *other != status {
                        problems.push(row.row_problem(format!("this state, organisation and year are coded {other} at line {line} and {status} here")));
                    }
                } else {
                    by_year.insert(year, (status, row.line));
                }
            }
            _ => problems.extend(faults),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if !ctx.sources.contains_key(SOURCE_ID) {
        records.insert(0, (source_record(), 1));
        ctx.sources.insert(SOURCE_ID.to_owned(), SOURCE_TITLE.to_owned());
    }
    for ((org, state), by_year) in &years {
        let coded: Vec<u16> =
            by_year.iter().filter(|(_, (s, _))| !matches!(s, -9 | -1)).map(|(y, _)| *y).collect();
        if let (Some(first), Some(last)) = (coded.first(), coded.last()) {
            let line = by_year.values().next().map_or(1, |(_, l)| *l);
            records.push((coverage_record(state, org, *first, *last), line));
        }
        for spell in spells(by_year) {
            let censored = spell.last == last_year;
            let note = format!(
                "COW IGO v3 status {} ({}) in {}-{}{}",
                spell.status,
                spell.role,
                spell.first,
                spell.last,
                if censored {
                    ", the last year of the file: the spell may go on (right-censored)"
                } else {
                    ""
                }
            );
            let m = Membership {
                country: state,
                bloc: org,
                role: spell.role,
                start: Date::year(spell.first),
                end: (!censored).then(|| Date::year(spell.last + 1)),
                source: SOURCE_ID,
                quote: None,
                note: Some(&note),
            };
            let (iri, quads) = memberships::triples(&m);
            records.push((Record::Fact { kind: FactKind::Memberships, iri, quads }, spell.line));
        }
    }
    Ok(records)
}

/// A run of years with one membership status.
#[derive(Debug, PartialEq, Eq)]
pub struct Spell {
    pub status: i32,
    pub role: Role,
    pub first: u16,
    pub last: u16,
    pub line: u64,
}

/// Runs of consecutive coded years with the same member/associate/observer status.
/// Gap years (-9, -1) are skipped: the same status resumed after a gap continues the spell.
pub fn spells(by_year: &BTreeMap<u16, (i32, u64)>) -> Vec<Spell> {
    let mut out: Vec<Spell> = Vec::new();
    let mut open: Option<Spell> = None;
    for (&year, &(status, line)) in by_year {
        if matches!(status, -9 | -1) {
            continue;
        }
        match (&mut open, role(status)) {
            (Some(spell), Some(_)) if spell.status == status => spell.last = year,
            (_, role_now) => {
                out.extend(open.take());
                open = role_now.map(|role| Spell { status, role, first: year, last: year, line });
            }
        }
    }
    out.extend(open);
    out
}

/// Says that the dataset codes this state and organisation from `first` to `last`: within that
/// span, a year without a spell is coded "not a member".
fn coverage_record(state: &str, org: &str, first: u16, last: u16) -> Record {
    let (f, l) = (first.to_string(), last.to_string());
    let iri = fields::fact_iri("c", &[SOURCE_ID, state, org, &f, &l]);
    let mut t = Triples::default();
    t.a(&iri, vocab::bg("Coverage"));
    t.add(&iri, vocab::iri(vocab::PROV_DERIVED, ""), vocab::source(SOURCE_ID));
    t.bg(&iri, "country", vocab::entity(state));
    t.bg(&iri, "bloc", vocab::entity(org));
    t.date(&iri, "coversFrom", Date::year(first));
    t.date(&iri, "coversTo", Date::year(last));
    Record::Fact { kind: FactKind::Coverage, iri, quads: t.0 }
}

fn org_record(entity: &Entity, aliases: &[String], note: &str) -> Record {
    let (_, quads) = super::entities::triples(entity, aliases, None, Some(note));
    Record::Entity { entity: entity.clone(), aliases: aliases.to_vec(), quads }
}

fn source_record() -> Record {
    let source = super::sources::Source {
        id: SOURCE_ID,
        title: SOURCE_TITLE,
        publisher: "Correlates of War Project",
        published: Date::year(2020),
        author: Some("Jon C. W. Pevehouse, Timothy Nordstrom, Roseanne W. McManus, Anne Spencer Jamison"),
        url: Some("https://correlatesofwar.org/data-sets/igos/"),
        horizon: Some(Date::year(2014)),
        note: Some("Pevehouse, Nordstrom, McManus and Jamison, 'Tracking organizations in the world: The Correlates of War IGO Version 3.0 datasets', Journal of Peace Research 57(3), 2020. Coded as of the year: a state is a member in a year when it was a member at some point in it."),
    };
    let (_, quads) = super::sources::triples(&source);
    Record::Source { id: SOURCE_ID.to_owned(), title: SOURCE_TITLE.to_owned(), quads }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_become_spells_and_gaps_do_not_break_them() {
        let by_year: BTreeMap<u16, (i32, u64)> = [
            (1991, 0),
            (1992, 1),
            (1993, 1),
            (1994, -9),
            (1995, 1),
            (1996, 2),
            (1997, 0),
            (1998, 3),
        ]
        .into_iter()
        .map(|(y, s)| (y, (s, u64::from(y))))
        .collect();
        let got: Vec<(i32, u16, u16)> =
            spells(&by_year).into_iter().map(|s| (s.status, s.first, s.last)).collect();
        assert_eq!(got, vec![(1, 1992, 1995), (2, 1996, 1996), (3, 1998, 1998)]);
    }
}
