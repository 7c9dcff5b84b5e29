//! Bloc overlap: for each pair of blocs, the countries in both on the date and the Jaccard
//! index |A ∩ B| / |A ∪ B| of their memberships (member, associate or frozen).

use rustc_hash::FxHashMap;

use super::{num, Rows};
use crate::date::Date;
use crate::graph::View;

/// One pair of blocs. The names borrow from the view and the blocs asked for: a table of every
/// pair (5,778 rows for 108 blocs) then costs one allocation per row that shares members, not
/// a dozen strings per row.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Overlap<'a> {
    pub bloc_a: &'a str,
    pub bloc_b: &'a str,
    #[serde(serialize_with = "as_text")]
    pub as_of: Date,
    pub members_a: usize,
    pub members_b: usize,
    pub shared: usize,
    pub jaccard: f64,
    pub shared_list: Vec<&'a str>,
}

/// The date as its text (`2024-01-01`), as the other analyses' rows write it.
fn as_text<S: serde::Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(date)
}

impl Rows for Overlap<'_> {
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
            self.bloc_a.to_owned(),
            self.bloc_b.to_owned(),
            self.as_of.to_string(),
            self.members_a.to_string(),
            self.members_b.to_string(),
            self.shared.to_string(),
            num(Some(self.jaccard)),
            self.shared_list.join("|"),
        ]
    }
}

/// Every pair of the given blocs (both with members on the date), in the order given.
///
/// # Complexity
/// O(R + B² + Σ k² + S) for R memberships in the view, B blocs, k the number of given blocs each
/// country holds and S the shared members listed: one pass over the memberships (sorted by
/// country) adds each country to the pairs of blocs it holds, instead of intersecting every pair.
pub fn overlap<'a>(view: &'a View, blocs: &'a [String]) -> Vec<Overlap<'a>> {
    let b = blocs.len();
    // Fx, not SipHash: the keys are the blocs asked for (a few hundred at most) and the look-up
    // runs once per membership (a third of the time with SipHash at 10k countries). A run of
    // colliding ids would slow this one analysis, not expose anything.
    let mut at: FxHashMap<&str, Vec<usize>> =
        FxHashMap::with_capacity_and_hasher(b, Default::default());
    for (i, bloc) in blocs.iter().enumerate() {
        at.entry(bloc).or_default().push(i);
    }
    let mut size = vec![0usize; b];
    // Each (pair, country) the pair shares, pair i * b + j (i < j), countries numbered in
    // `countries` in the order met (ascending); grouped by pair below. One flat list, not a
    // list per pair: 5,778 pairs at 1,000 countries made allocation most of the cost.
    let mut hits: Vec<(u32, u32)> = Vec::new();
    let mut countries: Vec<&str> = Vec::new();
    let mut held: Vec<usize> = Vec::new();
    let mut roles = view.roles.iter().peekable();
    while let Some(&(key, _)) = roles.peek() {
        let country = key.0.as_str();
        held.clear();
        while let Some(((_, bloc), (role, _))) = roles.next_if(|((c, _), _)| c == country) {
            if role.holds() {
                for &i in at.get(bloc.as_str()).map_or(&[][..], Vec::as_slice) {
                    size[i] += 1;
                    held.push(i);
                }
            }
        }
        if held.len() > 1 {
            held.sort_unstable();
            let id = countries.len() as u32;
            countries.push(country);
            for (x, &i) in held.iter().enumerate() {
                for &j in &held[x + 1..] {
                    hits.push(((i * b + j) as u32, id));
                }
            }
        }
    }
    // Counting sort by pair (stable: each pair's countries stay ascending).
    let mut start = vec![0u32; b * b + 1];
    for &(pair, _) in &hits {
        start[pair as usize + 1] += 1;
    }
    for k in 0..b * b {
        start[k + 1] += start[k];
    }
    let mut fill = start.clone();
    let mut shared = vec![0u32; hits.len()];
    for &(pair, country) in &hits {
        shared[fill[pair as usize] as usize] = country;
        fill[pair as usize] += 1;
    }
    let with_members: Vec<usize> = (0..b).filter(|&i| size[i] > 0).collect();
    let mut rows =
        Vec::with_capacity(with_members.len() * with_members.len().saturating_sub(1) / 2);
    for (x, &i) in with_members.iter().enumerate() {
        for &j in &with_members[x + 1..] {
            let k = i * b + j;
            let both = &shared[start[k] as usize..start[k + 1] as usize];
            rows.push(Overlap {
                bloc_a: &blocs[i],
                bloc_b: &blocs[j],
                as_of: view.as_of,
                members_a: size[i],
                members_b: size[j],
                shared: both.len(),
                jaccard: both.len() as f64 / (size[i] + size[j] - both.len()) as f64,
                shared_list: both.iter().map(|&c| countries[c as usize]).collect(),
            });
        }
    }
    rows
}
