//! Country codes: ISO 3166-1 alpha-3 and numeric, Correlates of War number and abbreviation,
//! Gleditsch-Ward number and Wikidata item of every COW state, from `schema/country-codes.csv`
//! (rebuilt by `scripts/country-codes.py` from the COW state list and the histwardb crosswalk).
//!
//! Names of the form `cow:365`, `gw:365`, `iso:643` and `wd:Q159` are codes: [`parse`] turns
//! one into the blocgraph entity id it stands for (COW 365 is both the USSR and Russia: `RUS`).

use std::collections::HashMap;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../schema/country-codes.csv");

/// One COW state of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryCodes {
    /// ISO 3166-1 alpha-3 (empty when ISO never coded the state).
    pub iso3: String,
    /// ISO 3166-1 numeric, three digits (`051`).
    pub iso_num: String,
    pub cow: u16,
    pub cow_abb: String,
    pub gw: Option<u16>,
    pub wikidata: Option<String>,
    /// Other Wikidata items the crosswalk codes as this state (the USSR for 365).
    pub wikidata_other: Vec<String>,
    pub name: String,
    /// COW system-membership spells, inclusive years.
    pub spells: Vec<(u16, u16)>,
    /// The blocgraph entity id (empty when the state has none).
    pub id: String,
    /// The label of a country entity created from this row.
    pub label: String,
}

impl CountryCodes {
    /// Whether COW counts the state a system member at some point in `year`.
    pub fn in_system(&self, year: u16) -> bool {
        self.spells.iter().any(|&(a, b)| a <= year && year <= b)
    }

    fn last_year(&self) -> u16 {
        self.spells.iter().map(|s| s.1).max().unwrap_or(0)
    }
}

/// The whole table with its indexes.
#[derive(Debug)]
pub struct Table {
    pub rows: Vec<CountryCodes>,
    by_cow: HashMap<u16, usize>,
    by_gw: HashMap<u16, usize>,
    by_iso_num: HashMap<u16, usize>,
    by_wikidata: HashMap<String, usize>,
    /// Entity id -> the row of its current COW code (the latest spell).
    by_id: HashMap<String, usize>,
}

/// The code table compiled into the binary.
pub fn table() -> &'static Table {
    static TABLE_CELL: OnceLock<Table> = OnceLock::new();
    TABLE_CELL.get_or_init(|| parse_table(TABLE))
}

fn parse_table(text: &str) -> Table {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.expect("schema/country-codes.csv is valid CSV");
        let cell = |i: usize| record.get(i).unwrap_or("").trim().to_owned();
        let number = |i: usize| cell(i).parse::<u16>().ok();
        let spells = cell(8)
            .split('|')
            .filter_map(|s| {
                let (a, b) = s.split_once('-')?;
                Some((a.parse().ok()?, b.parse().ok()?))
            })
            .collect();
        rows.push(CountryCodes {
            iso3: cell(0),
            iso_num: cell(1),
            cow: number(2).expect("every row of schema/country-codes.csv has a COW number"),
            cow_abb: cell(3),
            gw: number(4),
            wikidata: Some(cell(5)).filter(|q| !q.is_empty()),
            wikidata_other: cell(6)
                .split('|')
                .filter(|q| !q.is_empty())
                .map(str::to_owned)
                .collect(),
            name: cell(7),
            spells,
            id: cell(9),
            label: cell(10),
        });
    }
    let mut table = Table {
        by_cow: HashMap::new(),
        by_gw: HashMap::new(),
        by_iso_num: HashMap::new(),
        by_wikidata: HashMap::new(),
        by_id: HashMap::new(),
        rows: Vec::new(),
    };
    for (i, row) in rows.iter().enumerate() {
        table.by_cow.insert(row.cow, i);
        if let Some(gw) = row.gw {
            // Two rows can share a G-W number only across time; the later state wins.
            let keep = table.by_gw.get(&gw).is_some_and(|&j| rows[j].last_year() > row.last_year());
            if !keep {
                table.by_gw.insert(gw, i);
            }
        }
        if let Ok(n) = row.iso_num.parse::<u16>() {
            table.by_iso_num.entry(n).or_insert(i);
        }
        for q in row.wikidata.iter().chain(&row.wikidata_other) {
            table.by_wikidata.insert(q.clone(), i);
        }
        if !row.id.is_empty() {
            let keep =
                table.by_id.get(&row.id).is_some_and(|&j| rows[j].last_year() > row.last_year());
            if !keep {
                table.by_id.insert(row.id.clone(), i);
            }
        }
    }
    table.rows = rows;
    table
}

/// A code that names no state of the table, or a state blocgraph has no id for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeError(pub String);

impl Table {
    /// The state with this COW number.
    pub fn by_cow(&self, cow: u16) -> Option<&CountryCodes> {
        self.by_cow.get(&cow).map(|&i| &self.rows[i])
    }

    /// The current codes of an entity id (`RUS`, `DEU`: the latest COW state with that id).
    pub fn by_id(&self, id: &str) -> Option<&CountryCodes> {
        self.by_id.get(id).map(|&i| &self.rows[i])
    }

    /// The codes of an entity in a year: the COW state with that id in the system that year,
    /// else its current one (`DEU` is COW 260 in 1989 and 255 from 1990).
    pub fn for_year(&self, id: &str, year: u16) -> Option<&CountryCodes> {
        self.rows.iter().find(|r| r.id == id && r.in_system(year)).or_else(|| self.by_id(id))
    }

    /// Resolves `cow:N`, `gw:N`, `iso:N` or `wd:QN` (case-insensitive prefix) to a row.
    /// `None` when `name` is not written as a code at all.
    pub fn lookup(&self, name: &str) -> Option<Result<&CountryCodes, CodeError>> {
        let name = name.trim();
        let (scheme, value) = name.split_once(':')?;
        let scheme = scheme.to_ascii_lowercase();
        let value = value.trim();
        let number = || value.parse::<u16>().ok();
        let (found, what) = match scheme.as_str() {
            "cow" => (number().and_then(|n| self.by_cow.get(&n)), "Correlates of War number"),
            "gw" => (number().and_then(|n| self.by_gw.get(&n)), "Gleditsch-Ward number"),
            "iso" => (number().and_then(|n| self.by_iso_num.get(&n)), "ISO 3166-1 numeric code"),
            "wd" => (self.by_wikidata.get(&value.to_ascii_uppercase()), "Wikidata item"),
            _ => return None,
        };
        Some(match found {
            Some(&i) => Ok(&self.rows[i]),
            None => Err(CodeError(format!(
                "no state has the {what} '{value}' in schema/country-codes.csv"
            ))),
        })
    }

    /// Resolves a code to the blocgraph entity id it stands for.
    pub fn resolve(&self, name: &str) -> Option<Result<&str, CodeError>> {
        Some(self.lookup(name)?.and_then(|row| {
            if row.id.is_empty() {
                Err(CodeError(format!(
                    "{} ({}, COW {}) has no ISO 3166-1 code and so no blocgraph id",
                    name.trim(),
                    row.name,
                    row.cow
                )))
            } else {
                Ok(row.id.as_str())
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_resolve_to_ids() {
        let t = table();
        assert_eq!(t.resolve("cow:365").unwrap().unwrap(), "RUS");
        assert_eq!(t.resolve("GW:365").unwrap().unwrap(), "RUS");
        assert_eq!(t.resolve("iso:643").unwrap().unwrap(), "RUS");
        assert_eq!(t.resolve("iso:051").unwrap().unwrap(), "ARM");
        assert_eq!(t.resolve("wd:Q159").unwrap().unwrap(), "RUS");
        assert_eq!(t.resolve("wd:Q15180").unwrap().unwrap(), "RUS");
        assert_eq!(t.resolve("cow:260").unwrap().unwrap(), "DEU");
        assert_eq!(t.resolve("gw:260").unwrap().unwrap(), "DEU");
        assert!(t.resolve("cow:999").unwrap().unwrap_err().0.contains("'999'"));
        assert!(t.resolve("cow:245").unwrap().is_err());
        assert!(t.resolve("Russia").is_none());
        assert!(t.resolve("http://x").is_none());
    }

    #[test]
    fn codes_for_the_year() {
        let t = table();
        assert_eq!(t.for_year("DEU", 1989).unwrap().cow, 260);
        assert_eq!(t.for_year("DEU", 1995).unwrap().cow, 255);
        assert_eq!(t.by_id("RUS").unwrap().cow_abb, "RUS");
        assert_eq!(t.by_id("GEO").unwrap().cow_abb, "GRG");
    }
}
