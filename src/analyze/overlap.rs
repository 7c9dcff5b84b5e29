//! Bloc overlap: for each pair of blocs, the countries in both on the date and the Jaccard
//! index |A ∩ B| / |A ∪ B| of their memberships (member, associate or frozen).

use std::collections::BTreeSet;

use super::{num, Rows};
use crate::graph::View;

/// One pair of blocs.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Overlap {
    pub bloc_a: String,
    pub bloc_b: String,
    pub as_of: String,
    pub members_a: usize,
    pub members_b: usize,
    pub shared: usize,
    pub jaccard: f64,
    pub shared_list: Vec<String>,
}

impl Rows for Overlap {
    fn header() -> Vec<&'static str> {
        vec![
            "bloc_a",
            "bloc_b",
            "as_of",
            "members_a",
            "members_b",
            "shared",
            "jaccard",
            "shared_list",
        ]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.bloc_a.clone(),
            self.bloc_b.clone(),
            self.as_of.clone(),
            self.members_a.to_string(),
            self.members_b.to_string(),
            self.shared.to_string(),
            num(Some(self.jaccard)),
            self.shared_list.join("|"),
        ]
    }
}

fn members(view: &View, bloc: &str) -> BTreeSet<String> {
    view.holders(bloc).into_keys().collect()
}

/// Every pair of the given blocs (both with members on the date). O(B² · M).
pub fn overlap(view: &View, blocs: &[String]) -> Vec<Overlap> {
    let sets: Vec<(String, BTreeSet<String>)> = blocs
        .iter()
        .map(|b| (b.clone(), members(view, b)))
        .filter(|(_, m)| !m.is_empty())
        .collect();
    let mut rows = Vec::new();
    for (i, (a, ma)) in sets.iter().enumerate() {
        for (b, mb) in &sets[i + 1..] {
            let shared: Vec<String> = ma.intersection(mb).cloned().collect();
            let union = ma.union(mb).count();
            rows.push(Overlap {
                bloc_a: a.clone(),
                bloc_b: b.clone(),
                as_of: view.as_of.to_string(),
                members_a: ma.len(),
                members_b: mb.len(),
                shared: shared.len(),
                jaccard: shared.len() as f64 / union as f64,
                shared_list: shared,
            });
        }
    }
    rows
}
