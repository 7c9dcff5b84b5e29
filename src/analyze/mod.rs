//! Graph analyses on the view: one module per analysis, each a set of free functions that
//! take a [`View`](crate::graph::View) (or, for source agreement, the
//! [`History`](crate::graph::History)) and return plain rows. They never read the store.

pub mod agreement;
pub mod alliance_agreement;
pub mod centrality;
pub mod cohesion;
pub mod overlap;

use crate::date::{days_in_month, Date, Precision};
use crate::error::AnalyzeError;

/// Rows of an analysis as text cells, for table and CSV output.
pub trait Rows {
    fn header() -> Vec<&'static str>;
    fn cells(&self) -> Vec<String>;
}

/// Two kinds of rows as one CSV table (so a report's rates travel with its rows): a `row`
/// column naming the kind, then the columns of both, empty where a row has none.
pub fn stacked<A: Rows, B: Rows>(a: (&str, &[A]), b: (&str, &[B])) -> Vec<Vec<String>> {
    let (ha, hb) = (A::header(), B::header());
    let mut header = vec!["row".to_owned()];
    header.extend(ha.iter().chain(&hb).map(|c| (*c).to_owned()));
    let mut out = vec![header];
    for x in a.1 {
        let mut row = vec![a.0.to_owned()];
        row.extend(x.cells());
        row.extend(hb.iter().map(|_| String::new()));
        out.push(row);
    }
    for x in b.1 {
        let mut row = vec![b.0.to_owned()];
        row.extend(ha.iter().map(|_| String::new()));
        row.extend(x.cells());
        out.push(row);
    }
    out
}

/// A float as text: up to 6 decimals, trailing zeros cut; empty when missing.
pub(crate) fn num(x: Option<f64>) -> String {
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

/// The step of a time series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Step {
    #[value(alias = "yearly")]
    Year,
    #[value(alias = "monthly")]
    Month,
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
            day: d.day.min(days_in_month(y, m)),
            precision: Precision::Day,
        };
    }
    Ok(dates)
}
