//! The membership history as each source states it: every spell with its source, fact and
//! quote, and the years a dataset source codes (its coverage). Derived from the store by
//! SPARQL, like the view; the source-agreement analysis reads only this.

use crate::date::Date;
use crate::error::StoreError;
use crate::model::{EntityId, Role, SourceId, Word};
use crate::sparql::select;
use crate::sparql::Engine;
use crate::vocab;

/// One membership spell as one source states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spell {
    pub country: EntityId,
    pub bloc: EntityId,
    pub role: Role,
    /// The start as stated (its precision kept: a source that states years codes years).
    pub start: Date,
    /// The stated end (exclusive, its precision kept), when it has ended.
    pub end: Option<Date>,
    /// `bg:untilDay`: the first day it no longer holds, its end or for an open spell its
    /// source's horizon's end day (right-censored: after it the source says nothing).
    pub until: Option<Date>,
    pub source: SourceId,
    /// The fact's IRI.
    pub fact: String,
    /// The verbatim quote, "" when the fact has none.
    pub quote: String,
    /// The fact's note (`rdfs:comment`), "" when it has none.
    pub note: String,
}

/// The span of years over which a dataset source codes a country's status in a bloc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub country: EntityId,
    pub bloc: EntityId,
    pub source: SourceId,
    pub from: Date,
    pub to: Date,
}

/// Every spell and every coverage the store holds.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub spells: Vec<Spell>,
    pub coverage: Vec<Coverage>,
}

/// An `xsd:date` the store wrote itself; a foreign one (from an RDF import) is left out.
fn day(text: &str) -> Option<Date> {
    Date::parse(text).ok()
}

/// Reads the history from the store. O(F) for F membership and coverage facts.
pub fn history<'a>(store: impl Into<Engine<'a>>) -> Result<History, StoreError> {
    let store: Engine<'a> = store.into();
    let prefixes = vocab::sparql_prefixes();
    let spells = select(
        store,
        &format!(
            "{prefixes} SELECT ?c ?b ?role ?s ?e ?until ?src ?fact ?quote ?note WHERE {{
          ?fact a bg:Membership ; org:member/bg:id ?c ; org:organization/bg:id ?b ; org:role ?role ;
                bg:start ?s ; prov:wasDerivedFrom/bg:id ?src .
          OPTIONAL {{ ?fact bg:end ?e }} OPTIONAL {{ ?fact bg:untilDay ?until }}
          OPTIONAL {{ ?fact bg:quote ?quote }} OPTIONAL {{ ?fact rdfs:comment ?note }} }}"
        ),
    )?;
    let coverage = select(
        store,
        &format!(
            "{prefixes} SELECT ?c ?b ?src ?f ?t WHERE {{ ?x a bg:Coverage ; bg:country/bg:id ?c ;
          bg:bloc/bg:id ?b ; prov:wasDerivedFrom/bg:id ?src ; bg:coversFromDay ?f ; bg:coversToDay ?t }}"
        ),
    )?;
    let mut history = History::default();
    for row in spells.iter() {
        let role = row.get("role").strip_prefix(vocab::ROLE).and_then(Role::parse);
        let (Some(role), Some(start)) = (role, day(row.get("s"))) else { continue };
        history.spells.push(Spell {
            country: row.get("c").to_owned(),
            bloc: row.get("b").to_owned(),
            role,
            start,
            end: row.opt("e").and_then(day),
            until: row.opt("until").and_then(day),
            source: row.get("src").to_owned(),
            fact: row.get("fact").to_owned(),
            quote: row.get("quote").to_owned(),
            note: row.get("note").to_owned(),
        });
    }
    for row in coverage.iter() {
        let (Some(from), Some(to)) = (day(row.get("f")), day(row.get("t"))) else { continue };
        history.coverage.push(Coverage {
            country: row.get("c").to_owned(),
            bloc: row.get("b").to_owned(),
            source: row.get("src").to_owned(),
            from,
            to,
        });
    }
    Ok(history)
}
