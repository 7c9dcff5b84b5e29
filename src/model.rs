//! The domain's values as types: what an entity is, the role a country holds in a bloc, a
//! trade figure's qualifier and status, an event's polarity, the kinds of fact. Every layer
//! above (import, query results, the graph view, the analyses, the exports) passes these
//! around instead of the words that stand for them; the words appear only where text is read
//! (CSV cells, SPARQL answers) and written (IRIs, output).
//!
//! Dates are [`Date`](crate::date::Date), with the precision they were stated with.

use std::fmt;

/// An entity's id (`ARM`, `CSTO`): the local part of its IRI in `bgid:`.
pub type EntityId = String;
/// A source's id (`newsweek-2023`, `ref-cis-founding`): the local part of its IRI in `bgsrc:`.
pub type SourceId = String;

/// Whether an id is usable in an IRI and a CSV cell: letters, digits, `_`, `-`, `.`, starting with a letter or digit.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// A closed set of words (a CSV column's allowed values, an IRI's local part): each value has
/// one canonical name, and reading one is case-insensitive.
pub trait Word: Copy + Eq + 'static {
    /// Every value, in the order messages list them.
    const ALL: &'static [Self];

    /// The canonical word.
    fn name(self) -> &'static str;

    /// The value a word names (any letter case, surrounding spaces ignored).
    fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        Self::ALL.iter().copied().find(|v| v.name().eq_ignore_ascii_case(text))
    }

    /// "a, b, c": every word, for messages.
    fn names() -> String {
        Self::ALL.iter().map(|v| v.name()).collect::<Vec<_>>().join(", ")
    }
}

macro_rules! display_as_name {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    )*};
}

/// What an entity is (`kind` in the entities CSV).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    Country,
    Bloc,
    Person,
    Organisation,
    Place,
}

impl Word for EntityKind {
    const ALL: &'static [Self] =
        &[Self::Country, Self::Bloc, Self::Person, Self::Organisation, Self::Place];

    fn name(self) -> &'static str {
        match self {
            Self::Country => "country",
            Self::Bloc => "bloc",
            Self::Person => "person",
            Self::Organisation => "organisation",
            Self::Place => "place",
        }
    }
}

impl EntityKind {
    /// What a bloc cell may name: a bloc, or an organisation acting as one.
    pub const BLOC_LIKE: [Self; 2] = [Self::Bloc, Self::Organisation];

    /// The class IRI's local name in `bg:`.
    pub fn class(self) -> &'static str {
        match self {
            Self::Country => "Country",
            Self::Bloc => "Bloc",
            Self::Person => "Person",
            Self::Organisation => "Organisation",
            Self::Place => "Place",
        }
    }

    /// The kind whose class IRI has this local name.
    pub fn from_class(class: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.class() == class)
    }
}

/// A known entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub id: EntityId,
    pub kind: EntityKind,
    pub label: String,
}

/// A country's role in a bloc over a membership spell.
///
/// The one ordering, weakest first: where several roles hold at once (two sources that differ
/// on a date, or a year in which one spell ends and another begins) the greatest stands for
/// them. `frozen` ranks above `member`: a freeze anywhere is news (docs/cohesion.md). Where
/// sources are compared, a freeze still counts as formal membership ([`Role::formal`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Applicant,
    Observer,
    Associate,
    Member,
    Frozen,
}

impl Word for Role {
    const ALL: &'static [Self] =
        &[Self::Member, Self::Associate, Self::Observer, Self::Frozen, Self::Applicant];

    fn name(self) -> &'static str {
        match self {
            Self::Member => "member",
            Self::Associate => "associate",
            Self::Observer => "observer",
            Self::Frozen => "frozen",
            Self::Applicant => "applicant",
        }
    }
}

impl Role {
    /// Whether the country belongs to the bloc in this role (member, associate, or frozen
    /// member): who a bloc's cohesion counts and its overlap with another bloc compares.
    pub fn holds(self) -> bool {
        matches!(self, Self::Member | Self::Associate | Self::Frozen)
    }

    /// Whether the country takes part: it holds the bloc and has not frozen its participation.
    pub fn takes_part(self) -> bool {
        matches!(self, Self::Member | Self::Associate)
    }

    /// The role as sources are compared on it: a freeze is still formal membership.
    pub fn formal(self) -> Self {
        match self {
            Self::Frozen => Self::Member,
            other => other,
        }
    }
}

/// How a trade figure relates to the true value (`qualifier` in the trade CSV).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Qualifier {
    Exact,
    AtLeast,
    Approx,
    /// Between `value_usd` and `value_usd_max`.
    Range,
}

impl Word for Qualifier {
    const ALL: &'static [Self] = &[Self::Exact, Self::AtLeast, Self::Approx, Self::Range];

    fn name(self) -> &'static str {
        match self {
            Self::Exact => "exact",
            Self::AtLeast => "at-least",
            Self::Approx => "approx",
            Self::Range => "range",
        }
    }
}

/// Whether a trade figure was reported, estimated or forecast (`status` in the trade CSV).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Reported,
    Estimate,
    Forecast,
}

impl Word for Status {
    const ALL: &'static [Self] = &[Self::Reported, Self::Estimate, Self::Forecast];

    fn name(self) -> &'static str {
        match self {
            Self::Reported => "reported",
            Self::Estimate => "estimate",
            Self::Forecast => "forecast",
        }
    }
}

/// An event's polarity: friction or hostility (-1), neutral (0), cooperation (1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Polarity {
    Friction,
    Neutral,
    Cooperation,
}

impl Polarity {
    /// The number the contract writes: -1, 0 or 1.
    pub fn value(self) -> i8 {
        match self {
            Self::Friction => -1,
            Self::Neutral => 0,
            Self::Cooperation => 1,
        }
    }

    /// `-1`, `0` (also `+0`, `-0`), `1` (also `+1`).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "-1" => Some(Self::Friction),
            "0" | "+0" | "-0" => Some(Self::Neutral),
            "1" | "+1" => Some(Self::Cooperation),
            _ => None,
        }
    }
}

/// An event's type: a concept of the controlled vocabulary in `schema/event-types.ttl`
/// (`summit`, `withdrawal-announcement`, ...), read with [`crate::schema::event_types`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventType(String);

impl EventType {
    /// The event type announcing a withdrawal from a bloc (a departure in the view).
    pub const WITHDRAWAL_ANNOUNCEMENT: &'static str = "withdrawal-announcement";

    /// The type among `known` that `text` names (any letter case).
    pub fn parse(text: &str, known: &[EventType]) -> Option<Self> {
        known.iter().find(|k| k.0.eq_ignore_ascii_case(text)).cloned()
    }

    /// A type read from the schema itself.
    pub(crate) fn from_schema(notation: String) -> Self {
        Self(notation)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The kinds of thing an import adds, in the order they are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FactKind {
    Entities,
    Sources,
    Memberships,
    Trade,
    Events,
    /// Alliance obligations between two states (ATOP).
    Obligations,
    /// Which years and pairs a dataset source codes (COW IGO), so its silence means "not a member".
    Coverage,
    /// Triples from RDF files, counted as such.
    Triples,
}

impl FactKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::Entities => "entities",
            Self::Sources => "sources",
            Self::Memberships => "memberships",
            Self::Trade => "trade",
            Self::Events => "events",
            Self::Obligations => "obligations",
            Self::Coverage => "coverage",
            Self::Triples => "triples",
        }
    }
}

display_as_name!(EntityKind, Role, Qualifier, Status, FactKind);

impl fmt::Display for Polarity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.value())
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_have_one_ordering_and_read_any_case() {
        assert!(Role::Frozen > Role::Member && Role::Member > Role::Associate);
        assert!(Role::Associate > Role::Observer && Role::Observer > Role::Applicant);
        assert_eq!(Role::parse(" Frozen "), Some(Role::Frozen));
        assert_eq!(Role::parse("ally"), None);
        let held: Vec<Role> = Role::ALL.iter().copied().filter(|r| r.holds()).collect();
        assert_eq!(held, [Role::Member, Role::Associate, Role::Frozen]);
        assert_eq!(Role::Frozen.formal(), Role::Member);
        assert_eq!(Role::names(), "member, associate, observer, frozen, applicant");
    }

    #[test]
    fn polarity_reads_the_contract_numbers() {
        assert_eq!(Polarity::parse("+1"), Some(Polarity::Cooperation));
        assert_eq!(Polarity::parse("-0").map(Polarity::value), Some(0));
        assert_eq!(Polarity::parse("2"), None);
        assert_eq!(Qualifier::parse("AT-LEAST"), Some(Qualifier::AtLeast));
    }
}
