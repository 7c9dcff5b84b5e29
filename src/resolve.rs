//! Entity names: ids, labels and aliases resolved case-insensitively to entity ids,
//! with did-you-mean suggestions for unknown names.

use std::collections::HashMap;

use crate::error::{StoreError, UnknownEntity};
use crate::model::{Entity, EntityId, EntityKind, Word};
use crate::sparql::select;
use crate::sparql::Engine;
use crate::vocab;

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

impl Resolver {
    /// Reads every entity with its id, kind, label and aliases from the store.
    pub fn from_store<'a>(store: impl Into<Engine<'a>>) -> Result<Self, StoreError> {
        let store: Engine<'a> = store.into();
        let query = format!(
            "{prefixes} SELECT ?id ?class ?label ?alias WHERE {{
               ?e bg:id ?id ; a ?class ; rdfs:label ?label .
               FILTER(STRSTARTS(STR(?e), \"{ns}\"))
               OPTIONAL {{ ?e skos:altLabel ?alias }} }}",
            prefixes = vocab::sparql_prefixes(),
            ns = vocab::ID
        );
        let mut resolver = Self::default();
        let mut aliases = Vec::new();
        for row in select(store, &query)?.iter() {
            let Some(kind) =
                row.get("class").strip_prefix(vocab::BG).and_then(EntityKind::from_class)
            else {
                continue;
            };
            let id = row.get("id");
            if !resolver.by_id.contains_key(id) {
                resolver.insert(Entity {
                    id: id.to_owned(),
                    kind,
                    label: row.get("label").to_owned(),
                });
            }
            if let Some(alias) = row.opt("alias") {
                aliases.push((id.to_owned(), alias.to_owned()));
            }
        }
        for (id, alias) in aliases {
            let index = resolver.by_id[&id];
            resolver.by_name.entry(fold(&alias)).or_insert(index);
        }
        Ok(resolver)
    }

    /// The id of the entity whose id is exactly `name` (case included), found with index
    /// look-ups on that one entity, or `None`: for a label, an alias, another case, a code or
    /// an unknown name, [`Resolver::from_store`] reads every name and resolves it. An id is
    /// what scripts pass, and reading every name costs ~2.5 s at 10,000 entities.
    ///
    /// # Complexity
    /// O(log T) for a store of T triples (three pattern look-ups on one subject).
    pub fn exact_id<'a>(
        store: impl Into<Engine<'a>>,
        name: &str,
    ) -> Result<Option<EntityId>, StoreError> {
        // Ids hold no ':', so a code (`cow:365`) never gets here.
        if !crate::model::is_valid_id(name) {
            return Ok(None);
        }
        let query = format!(
            "{prefixes} SELECT ?class WHERE {{ {entity} bg:id {id} ; a ?class ; rdfs:label ?label }}",
            prefixes = vocab::sparql_prefixes(),
            entity = vocab::entity(name),
            id = oxigraph::model::Literal::new_simple_literal(name),
        );
        let found = select(store, &query)?.iter().any(|row| {
            row.get("class").strip_prefix(vocab::BG).and_then(EntityKind::from_class).is_some()
        });
        Ok(found.then(|| name.to_owned()))
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
                let d = strsim::levenshtein(&wanted, known);
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

    /// Resolves `--bloc` names (ids, labels, aliases) to the ids of blocs (or organisations
    /// acting as blocs), each once, in the order given.
    pub fn bloc_ids(&self, names: &[String]) -> Result<Vec<EntityId>, UnknownEntity> {
        let mut ids: Vec<EntityId> = Vec::new();
        for name in names {
            let id = &self.resolve_kind(name, "bloc", &EntityKind::BLOC_LIKE)?.id;
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
        Ok(ids)
    }
}

/// Up to three of `known` nearest to `name` (edit distance at most 3, or `related` to it),
/// nearest first: the "did you mean" of unknown query and source names.
pub(crate) fn nearest<'a>(
    name: &str,
    known: impl IntoIterator<Item = &'a str>,
    related: impl Fn(&str) -> bool,
) -> Vec<String> {
    let mut near: Vec<(usize, &str)> = known
        .into_iter()
        .map(|k| (strsim::levenshtein(name, k), k))
        .filter(|(d, k)| *d <= 3 || related(k))
        .collect();
    near.sort_unstable();
    near.into_iter().take(3).map(|(_, k)| k.to_owned()).collect()
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
    fn nearest_names_first() {
        let known = ["members", "memberships", "trade"];
        assert_eq!(
            nearest("member", known, |k| k.starts_with("member")),
            ["members", "memberships"]
        );
        assert!(nearest("zzz", known, |_| false).is_empty());
    }
}
