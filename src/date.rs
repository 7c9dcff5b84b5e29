//! Dates of stated precision (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) as the contract defines them.
//! The precision is kept: it picks the XSD datatype, and `first_day` is what `--as-of` compares.

use oxigraph::model::{Literal, NamedNode};
use std::fmt;

use crate::vocab::XSD;

/// How much of a date was stated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
    Year,
    Month,
    Day,
}

/// A calendar date with the precision it was stated with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub precision: Precision,
}

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("'{0}' is not a date: expected YYYY, YYYY-MM or YYYY-MM-DD")]
    Syntax(String),
    #[error("'{0}' is not a date: the year must be between 0001 and 9999")]
    Year(String),
    #[error("'{0}' is not a date: there is no month {1}")]
    Month(String, u8),
    #[error("'{0}' is not a date: {1:04}-{2:02} has {3} days")]
    Day(String, u16, u8, u8),
}

fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// Days in a month of a year (month 1..=12).
pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl Date {
    /// A date known to the year (`2014`).
    pub fn year(year: u16) -> Self {
        Date { year, month: 1, day: 1, precision: Precision::Year }
    }

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, rejecting impossible dates.
    pub fn parse(text: &str) -> Result<Self, DateError> {
        let syntax = || DateError::Syntax(text.to_owned());
        let parts: Vec<&str> = text.split('-').collect();
        if parts.len() > 3 || parts[0].len() != 4 || parts[1..].iter().any(|p| p.len() != 2) {
            return Err(syntax());
        }
        let year = digits(parts[0]).ok_or_else(syntax)? as u16;
        if year == 0 {
            return Err(DateError::Year(text.to_owned()));
        }
        let month = match parts.get(1) {
            Some(p) => digits(p).ok_or_else(syntax)? as u8,
            None => 1,
        };
        if !(1..=12).contains(&month) {
            return Err(DateError::Month(text.to_owned(), month));
        }
        let day = match parts.get(2) {
            Some(p) => digits(p).ok_or_else(syntax)? as u8,
            None => 1,
        };
        let max = days_in_month(year, month);
        if day == 0 || day > max {
            return Err(DateError::Day(text.to_owned(), year, month, max));
        }
        let precision = match parts.len() {
            1 => Precision::Year,
            2 => Precision::Month,
            _ => Precision::Day,
        };
        Ok(Self { year, month, day, precision })
    }

    /// The first day of the stated period (the day itself for a full date).
    pub fn first_day(self) -> Self {
        Self { precision: Precision::Day, ..self }
    }

    /// The XSD datatype that keeps the precision.
    pub fn datatype(self) -> NamedNode {
        NamedNode::new_unchecked(format!(
            "{XSD}{}",
            match self.precision {
                Precision::Year => "gYear",
                Precision::Month => "gYearMonth",
                Precision::Day => "date",
            }
        ))
    }

    /// The literal that keeps the stated precision.
    pub fn literal(self) -> Literal {
        Literal::new_typed_literal(self.to_string(), self.datatype())
    }

    /// The first day as an `xsd:date` literal: the comparison key.
    pub fn day_literal(self) -> Literal {
        self.first_day().literal()
    }

    /// A sortable key: (year, month, day) of the first day.
    pub fn key(self) -> (u16, u8, u8) {
        (self.year, self.month, self.day)
    }

    /// Today in UTC.
    pub fn today() -> Self {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Self::from_days_since_epoch((secs / 86_400) as i64)
    }

    /// Civil date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
    pub fn from_days_since_epoch(days: i64) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
        Self { year, month, day, precision: Precision::Day }
    }

    /// The last day of the stated period (for inclusive periods such as trade figures).
    pub fn last_day(self) -> Self {
        match self.precision {
            Precision::Day => self,
            Precision::Month => Self {
                day: days_in_month(self.year, self.month),
                precision: Precision::Day,
                ..self
            },
            Precision::Year => Self { month: 12, day: 31, precision: Precision::Day, ..self },
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.precision {
            Precision::Year => write!(f, "{:04}", self.year),
            Precision::Month => write!(f, "{:04}-{:02}", self.year, self.month),
            Precision::Day => write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_precision_and_keeps_it() {
        assert_eq!(Date::parse("2024").unwrap().to_string(), "2024");
        assert_eq!(Date::parse("2024-02").unwrap().to_string(), "2024-02");
        assert_eq!(Date::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert_eq!(Date::parse("2024-02").unwrap().first_day().to_string(), "2024-02-01");
        assert_eq!(Date::parse("2023-02").unwrap().last_day().to_string(), "2023-02-28");
    }

    #[test]
    fn rejects_impossible_dates() {
        for bad in [
            "2024-02-30",
            "2023-02-29",
            "0000-00-00",
            "99999-01-01",
            "2024-13",
            "2024-1",
            "24",
            "",
            "2024-02-3x",
            "1900-02-29",
            "+2024",
            "2024-00",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad} accepted");
        }
        assert!(Date::parse("2000-02-29").is_ok());
    }

    #[test]
    fn civil_from_days() {
        assert_eq!(Date::from_days_since_epoch(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days_since_epoch(19_782).to_string(), "2024-02-29");
    }
}
