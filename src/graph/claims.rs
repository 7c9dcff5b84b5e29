//! Claims: the facts of several sources that state one thing. Each fact has one `bg:claim` link
//! to its claim's primary fact (docs/model.md); a store without those links (made before claims
//! existed) treats every fact as its own claim. These functions are the one place that reads
//! the links, so callers work unchanged either way.

use std::collections::BTreeMap;

use crate::error::StoreError;
use crate::sparql::select;
use crate::sparql::Engine;
use crate::vocab::{BG, FACT};

/// Whether `id` has the shape of a fact's local id (`m-0123abcd...`): a lower-case kind prefix,
/// a dash and hex digits. Only such ids are ever placed in a query's text.
pub fn is_fact_id(id: &str) -> bool {
    let Some((kind, hash)) = id.split_once('-') else { return false };
    !kind.is_empty()
        && kind.len() <= 8
        && kind.bytes().all(|b| b.is_ascii_lowercase())
        && !hash.is_empty()
        && hash.len() <= 64
        && hash.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// The claim id of each fact (its `bg:claim` target's id, else the fact's own id).
/// Ids that are not fact ids are left out.
pub fn claims_of<'a>(
    store: impl Into<Engine<'a>>,
    facts: &[String],
) -> Result<BTreeMap<String, String>, StoreError> {
    let store: Engine<'a> = store.into();
    let mut out = BTreeMap::new();
    let valid: Vec<&String> = facts.iter().filter(|f| is_fact_id(f)).collect();
    for chunk in valid.chunks(500) {
        let values: String = chunk.iter().map(|f| format!("<{FACT}{f}> ")).collect();
        let rows = select(
            store,
            &format!(
                "SELECT ?f ?c WHERE {{ VALUES ?f {{ {values} }} OPTIONAL {{ ?f <{BG}claim> ?c }} }}"
            ),
        )?;
        for row in rows.iter() {
            let f = row.get("f");
            let fact = f.strip_prefix(FACT).unwrap_or(f).to_owned();
            let claim = row.get("c").strip_prefix(FACT).filter(|c| !c.is_empty()).unwrap_or(&fact);
            out.insert(fact.clone(), claim.to_owned());
        }
    }
    Ok(out)
}

/// The claim that the fact `id` belongs to: (claim id, every fact of the claim, sorted).
/// `None` when the store has no such fact.
pub fn claim_facts<'a>(
    store: impl Into<Engine<'a>>,
    id: &str,
) -> Result<Option<(String, Vec<String>)>, StoreError> {
    let store: Engine<'a> = store.into();
    if !is_fact_id(id) {
        return Ok(None);
    }
    let fact = format!("<{FACT}{id}>");
    let exists = select(store, &format!("SELECT ?c WHERE {{ {fact} a <{BG}Fact> }} LIMIT 1"))?;
    if exists.iter().next().is_none() {
        return Ok(None);
    }
    // The claim is the fact's link target, or the fact itself (a primary links to itself).
    let rows = select(
        store,
        &format!(
            "SELECT ?claim ?f WHERE {{
               {{ {fact} <{BG}claim> ?claim }} UNION {{ ?x <{BG}claim> {fact} BIND({fact} AS ?claim) }}
               ?f <{BG}claim> ?claim }}"
        ),
    )?;
    let short = |iri: &str| iri.strip_prefix(FACT).unwrap_or(iri).to_owned();
    let Some(claim) = rows.iter().next().map(|r| short(r.get("claim"))) else {
        return Ok(Some((id.to_owned(), vec![id.to_owned()])));
    };
    let mut facts: Vec<String> = rows.iter().map(|r| short(r.get("f"))).collect();
    facts.push(id.to_owned());
    facts.sort();
    facts.dedup();
    Ok(Some((claim, facts)))
}

#[cfg(test)]
mod tests {
    use super::is_fact_id;

    #[test]
    fn only_fact_shaped_ids_pass() {
        assert!(is_fact_id("m-0123456789abcdef"));
        assert!(is_fact_id("e-00ff"));
        for bad in ["", "m-", "-12", "m-12G", "m-ABCD", "M-12", "m-12> } DROP ALL {", "m 12"] {
            assert!(!is_fact_id(bad), "{bad:?}");
        }
    }
}
