//! Entity names: ids, labels and aliases resolved case-insensitively to entity ids,
//! with did-you-mean suggestions for unknown names.

use std::collections::HashMap;

use oxigraph::model::Term;
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use oxigraph::store::Store;

use crate::error::{StoreError, UnknownEntity};
use crate::vocab;

/// What an entity is (`kind` in the entities CSV).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    Country,
    Bloc,
    Person,
    Organisation,
    Place,
}

impl EntityKind {
    pub const ALL: [Self; 5] =
        [Self::Country, Self::Bloc, Self::Person, Self::Organisation, Self::Place];

    pub fn name(self) -> &'static str {
        match self {
            Self::Country => "country",
            Self::Bloc => "bloc",
            Self::Person => "person",
            Self::Organisation => "organisation",
            Self::Place => "place",
        }
    }

    /// The class IRI local name in `bg:`.
    pub fn class(self) -> &'static str {
        match self {
            Self::Country => "Country",
            Self::Bloc => "Bloc",
            Self::Person => "Person",
            Self::Organisation => "Organisation",
            Self::Place => "Place",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name().eq_ignore_ascii_case(text.trim()))
    }

    fn from_class(class: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.class() == class)
    }
}

/// A known entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    pub id: String,
    pub kind: EntityKind,
    pub label: String,
}

/// All entities the store (and the import under way) knows, by every name.
#[derive(Debug, Default, Clone)]
pub struct Resolver {
    entities: Vec<Entity>,
    by_id: HashMap<String, usize>,
    by_name: HashMap<String, usize>,
}

fn fold(name: &str) -> String {
    name.trim().to_lowercase()
}

fn text(term: Option<&Term>) -> String {
    match term {
        Some(Term::Literal(l)) => l.value().to_owned(),
        Some(Term::NamedNode(n)) => n.as_str().to_owned(),
        _ => String::new(),
    }
}

impl Resolver {
    /// Reads every entity with its id, kind, label and aliases from the store.
    pub fn from_store(store: &Store) -> Result<Self, StoreError> {
        let query = format!(
            "PREFIX bg: <{bg}> SELECT ?id ?class ?label ?alias WHERE {{
               ?e bg:id ?id ; a ?class ; <{label}> ?label .
               FILTER(STRSTARTS(STR(?e), \"{ns}\"))
               OPTIONAL {{ ?e <{alt}> ?alias }} }}",
            bg = vocab::BG,
            label = vocab::RDFS_LABEL,
            alt = vocab::SKOS_ALT_LABEL,
            ns = vocab::ID
        );
        let mut resolver = Self::default();
        let mut aliases = Vec::new();
        if let QueryResults::Solutions(solutions) = SparqlEvaluator::new()
            .parse_query(&query)
            .expect("static query parses")
            .on_store(store)
            .execute()?
        {
            for solution in solutions {
                let solution = solution?;
                let class = text(solution.get("class"));
                let Some(kind) = class.strip_prefix(vocab::BG).and_then(EntityKind::from_class)
                else {
                    continue;
                };
                let id = text(solution.get("id"));
                if !resolver.by_id.contains_key(&id) {
                    resolver.insert(Entity {
                        id: id.clone(),
                        kind,
                        label: text(solution.get("label")),
                    });
                }
                if solution.get("alias").is_some() {
                    aliases.push((id, text(solution.get("alias"))));
                }
            }
        }
        for (id, alias) in aliases {
            let index = resolver.by_id[&id];
            resolver.by_name.entry(fold(&alias)).or_insert(index);
        }
        Ok(resolver)
    }

    fn insert(&mut self, entity: Entity) -> usize {
        let index = self.entities.len();
        self.by_id.insert(entity.id.clone(), index);
        self.by_name.insert(fold(&entity.id), index);
        self.by_name.entry(fold(&entity.label)).or_insert(index);
        self.entities.push(entity);
        index
    }

    /// The entity with exactly this id.
    pub fn by_id(&self, id: &str) -> Option<&Entity> {
        self.by_id.get(id).map(|&i| &self.entities[i])
    }

    /// Adds an entity with its aliases; returns the names already taken by another entity.
    pub fn add(&mut self, entity: Entity, aliases: &[String]) -> Vec<(String, String)> {
        let mut clashes = Vec::new();
        for name in std::iter::once(&entity.label).chain(aliases) {
            if let Some(&other) = self.by_name.get(&fold(name)) {
                if self.entities[other].id != entity.id {
                    clashes.push((name.clone(), self.entities[other].id.clone()));
                }
            }
        }
        let index = match self.by_id.get(&entity.id) {
            Some(&i) => i,
            None => self.insert(entity),
        };
        for alias in aliases {
            self.by_name.entry(fold(alias)).or_insert(index);
        }
        clashes
    }

    /// Resolves an id, label or alias, case-insensitively.
    pub fn resolve(&self, name: &str) -> Result<&Entity, UnknownEntity> {
        self.resolve_as(name, "entity", |_| true)
    }

    /// Resolves a name to an entity of one of `kinds`; `what` names it in the error.
    pub fn resolve_kind(
        &self,
        name: &str,
        what: &'static str,
        kinds: &[EntityKind],
    ) -> Result<&Entity, UnknownEntity> {
        self.resolve_as(name, what, |e| kinds.contains(&e.kind))
    }

    fn resolve_as(
        &self,
        name: &str,
        what: &'static str,
        accept: impl Fn(&Entity) -> bool,
    ) -> Result<&Entity, UnknownEntity> {
        let found = match crate::codes::table().resolve(name) {
            // `cow:365`, `gw:365`, `iso:643`, `wd:Q159`: the code table names the entity.
            Some(Ok(id)) => match self.by_id(id) {
                Some(entity) => Some(entity),
                None => {
                    return Err(UnknownEntity {
                        what,
                        name: name.to_owned(),
                        is_a: Some(format!(
                            "the code names {id}, which the store has no entity for"
                        )),
                        suggestions: Vec::new(),
                    })
                }
            },
            Some(Err(e)) => {
                return Err(UnknownEntity {
                    what,
                    name: name.to_owned(),
                    is_a: Some(e.0),
                    suggestions: Vec::new(),
                })
            }
            None => self.by_name.get(&fold(name)).map(|&i| &self.entities[i]),
        };
        match found {
            Some(entity) if accept(entity) => Ok(entity),
            Some(entity) => Err(UnknownEntity {
                what,
                name: name.to_owned(),
                is_a: Some(format!("'{}' is a {}", entity.id, entity.kind.name())),
                suggestions: self.suggestions(name, &accept),
            }),
            None => Err(UnknownEntity {
                what,
                name: name.to_owned(),
                is_a: None,
                suggestions: self.suggestions(name, &accept),
            }),
        }
    }

    /// Up to three ids whose names are nearest to `name` by edit distance.
    fn suggestions(&self, name: &str, accept: &impl Fn(&Entity) -> bool) -> Vec<String> {
        let wanted = fold(name);
        let limit = (wanted.chars().count() / 3).max(2);
        let mut scored: Vec<(usize, &str)> = self
            .by_name
            .iter()
            .filter(|(_, &i)| accept(&self.entities[i]))
            .filter_map(|(known, &i)| {
                let d = edit_distance(&wanted, known);
                let prefix = known.starts_with(&wanted) && wanted.chars().count() >= 3;
                (d <= limit || prefix)
                    .then_some((if prefix { 0 } else { d }, self.entities[i].id.as_str()))
            })
            .collect();
        scored.sort();
        let mut ids: Vec<String> = Vec::new();
        for (_, id) in scored {
            if !ids.iter().any(|known| known == id) {
                ids.push(id.to_owned());
            }
            if ids.len() == 3 {
                break;
            }
        }
        ids
    }

    /// Every known entity.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }
}

/// Levenshtein distance over characters, O(|a|·|b|).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != cb)).min(row[j] + 1).min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Resolver {
        let mut r = Resolver::default();
        r.add(Entity { id: "ARM".into(), kind: EntityKind::Country, label: "Armenia".into() }, &[]);
        r.add(
            Entity {
                id: "EAEU".into(),
                kind: EntityKind::Bloc,
                label: "Eurasian Economic Union".into(),
            },
            &["EEU".into()],
        );
        r
    }

    #[test]
    fn resolves_ids_labels_aliases_case_insensitively() {
        let r = sample();
        assert_eq!(r.resolve("arm").unwrap().id, "ARM");
        assert_eq!(r.resolve(" ARMENIA ").unwrap().id, "ARM");
        assert_eq!(r.resolve("eeu").unwrap().id, "EAEU");
        assert_eq!(r.resolve("eurasian economic union").unwrap().id, "EAEU");
    }

    #[test]
    fn suggests_nearest() {
        let r = sample();
        let e = r.resolve("Armenai").unwrap_err();
        assert_eq!(e.suggestions, vec!["ARM".to_owned()]);
        assert!(r.resolve_kind("ARM", "bloc", &[EntityKind::Bloc]).is_err());
    }

    #[test]
    fn distance() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
