//! One problem found in an input, located as `FILE:LINE: column 'x': what is wrong`,
//! and the bounded collector that gathers every problem of one import run.

use crate::error::Problem;

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
