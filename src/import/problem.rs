//! One problem found in an input, located as `FILE:LINE: column 'x': what is wrong`,
//! and the bounded collector that gathers every problem of one import run.

use std::fmt;

/// A located problem in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    /// 1-based line where the record starts; `None` for whole-file problems.
    pub line: Option<u64>,
    /// The column's header name, when one column is at fault.
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for Problem {
    /// One line per problem, whatever the input held: control characters (a line break in a
    /// cell echoed back, an escape sequence) are shown escaped, never sent to the terminal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Escaped(&self.file))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ": column '{}'", Escaped(column))?;
        }
        write!(f, ": {}", Escaped(&self.message))
    }
}

/// Text with its control characters escaped (`\n`, `\u{1b}`).
struct Escaped<'a>(&'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

/// How many problems one run lists before it only counts them.
pub const MAX_LISTED: usize = 100;

/// Gathers problems, listing at most [`MAX_LISTED`] and counting the rest.
#[derive(Debug, Default)]
pub struct Problems {
    pub listed: Vec<Problem>,
    pub more: usize,
}

impl Problems {
    pub fn push(&mut self, problem: Problem) {
        if self.listed.len() < MAX_LISTED {
            self.listed.push(problem);
        } else {
            self.more += 1;
        }
    }

    pub fn extend(&mut self, problems: impl IntoIterator<Item = Problem>) {
        for p in problems {
            self.push(p);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.listed.is_empty()
    }

    /// Whether so many problems were found that reading on is pointless.
    pub fn saturated(&self) -> bool {
        self.more >= 100_000
    }
}
