//! Graph analyses on the view: one module per analysis, each a set of free functions that
//! take a [`View`](crate::graph::View) and return plain rows.

pub mod agreement;
pub mod alliance_agreement;
pub mod centrality;
pub mod cohesion;
pub mod overlap;

/// Rows of an analysis as text cells, for table and CSV output.
pub trait Rows {
    fn header() -> Vec<&'static str>;
    fn cells(&self) -> Vec<String>;
}

/// A float as text: up to 6 decimals, trailing zeros cut; empty when missing.
pub fn num(x: Option<f64>) -> String {
    match x {
        None => String::new(),
        Some(v) => {
            let s = format!("{v:.6}");
            let s = s.trim_end_matches('0').trim_end_matches('.');
            if s == "-0" {
                "0".to_owned()
            } else {
                s.to_owned()
            }
        }
    }
}

use crate::date::{Date, Precision};
use crate::error::AnalyzeError;
use crate::resolve::{EntityKind, Resolver};

/// Resolves `--bloc` names (ids, labels, aliases) to bloc ids.
pub fn bloc_ids(
    store: &oxigraph::store::Store,
    names: &[String],
) -> Result<Vec<String>, AnalyzeError> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let resolver = Resolver::from_store(store)?;
    let mut ids = Vec::new();
    for n in names {
        let id = resolver
            .resolve_kind(n, "bloc", &[EntityKind::Bloc, EntityKind::Organisation])?
            .id
            .clone();
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// A date flag's value.
pub fn parse_date(flag: &str, text: &str) -> Result<Date, AnalyzeError> {
    Date::parse(text).map_err(|e| AnalyzeError::Usage(format!("{flag}: {e}")))
}

/// The step of a time series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Year,
    Month,
}

impl Step {
    pub fn parse(text: &str) -> Result<Self, AnalyzeError> {
        match text {
            "year" | "yearly" => Ok(Self::Year),
            "month" | "monthly" => Ok(Self::Month),
            other => Err(AnalyzeError::Usage(format!("--step '{other}': expected year or month"))),
        }
    }
}

/// The dates `from, from + step, ...` up to `to` (each the first day of its period); at most 10 000.
pub fn series(from: Date, to: Date, step: Step) -> Result<Vec<Date>, AnalyzeError> {
    let (from, to) = (from.first_day(), to.first_day());
    if to.key() < from.key() {
        return Err(AnalyzeError::Usage(format!("--to {to} is before --from {from}")));
    }
    let mut dates = Vec::new();
    let mut d = from;
    while d.key() <= to.key() {
        dates.push(d);
        if dates.len() > 10_000 {
            return Err(AnalyzeError::Usage(
                "the series has more than 10 000 dates; use a larger --step".into(),
            ));
        }
        let (y, m) = match step {
            Step::Year => (d.year + 1, d.month),
            Step::Month if d.month == 12 => (d.year + 1, 1),
            Step::Month => (d.year, d.month + 1),
        };
        if y > 9999 {
            break;
        }
        d = Date {
            year: y,
            month: m,
            day: d.day.min(crate::date::days_in_month(y, m)),
            precision: Precision::Day,
        };
    }
    Ok(dates)
}
