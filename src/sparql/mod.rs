//! Where SPARQL runs and how its answers are read. An [`Engine`] is the embedded store or a
//! remote SPARQL 1.1 endpoint ([`remote`]); blocgraph's own SELECT queries go through
//! [`select`], their answers read by variable name, and [`text`] is the one way a term becomes
//! text. Every layer that reads the data by SPARQL (entity names, the import's context, the
//! view, stats, validate, exports) takes an `Engine`, so the same code answers from either.

pub mod remote;

use oxigraph::model::{GraphName, Quad, Term, Triple, Variable};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use oxigraph::store::Store;

use crate::error::StoreError;
use crate::vocab;
use remote::Remote;

/// A query's answer, materialised.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Solutions { variables: Vec<Variable>, rows: Vec<Vec<Option<Term>>> },
    Boolean(bool),
    Graph(Vec<Triple>),
}

/// The engine a read goes to: the embedded store, or a remote endpoint (`--endpoint`).
/// Borrowed and `Copy`, so a function takes `impl Into<Engine>` and callers pass `&Store`.
#[derive(Clone, Copy)]
pub enum Engine<'a> {
    Embedded(&'a Store),
    Remote(&'a Remote),
}

impl<'a> From<&'a Store> for Engine<'a> {
    fn from(store: &'a Store) -> Self {
        Self::Embedded(store)
    }
}

impl<'a> From<&'a Remote> for Engine<'a> {
    fn from(remote: &'a Remote) -> Self {
        Self::Remote(remote)
    }
}

impl Engine<'_> {
    /// How many triples the data holds: the store's quads, or the remote data graph's triples
    /// (`COUNT(*)`, so one request).
    pub fn triple_count(self) -> Result<usize, StoreError> {
        match self {
            Self::Embedded(store) => Ok(store.len()?),
            Self::Remote(remote) => {
                let answer = select(self, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")?;
                let n = answer.iter().next().map(|s| s.get("n").to_owned()).unwrap_or_default();
                n.parse().map_err(|_| {
                    remote.error(format!("counted '{n}' triples, which is not a number")).into()
                })
            }
        }
    }

    /// Every quad of the data, in the engine's order (a remote graph's triples come in the
    /// default graph, as the embedded store holds its facts); stops at `each`'s first error.
    pub fn for_each_quad<E: From<StoreError>>(
        self,
        each: &mut dyn FnMut(Quad) -> Result<(), E>,
    ) -> Result<(), E> {
        match self {
            Self::Embedded(store) => {
                for quad in store.iter() {
                    each(quad.map_err(StoreError::from)?)?;
                }
                Ok(())
            }
            Self::Remote(remote) => {
                let mut failed = None;
                let streamed = remote.triples(&mut |t| {
                    if failed.is_none() {
                        let quad =
                            Quad::new(t.subject, t.predicate, t.object, GraphName::DefaultGraph);
                        failed = each(quad).err();
                    }
                    Ok(())
                });
                match failed {
                    Some(e) => Err(e),
                    None => streamed.map_err(|e| StoreError::from(e).into()),
                }
            }
        }
    }
}

/// A term as plain text: a literal's value, an IRI's text, a blank node as `_:id`.
pub fn text(term: &Term) -> String {
    match term {
        Term::Literal(l) => l.value().to_owned(),
        Term::NamedNode(n) => n.as_str().to_owned(),
        other => other.to_string(),
    }
}

/// One triple pattern as a subquery of its own, projecting every variable it names.
///
/// For reads over every fact of a kind on the embedded store: oxigraph plans a basic graph
/// pattern over many facts as nested loops (one index seek per fact and per property, ~20 µs
/// each); a projected subquery is not fit for a nested loop, so each pattern becomes one scan
/// of its predicate and the patterns are joined by hash on their shared variables. The answer
/// is the same as the plain pattern's. (Virtuoso 7.2 loses solutions on this shape, so the
/// plain form goes to remote engines.)
///
/// ```
/// assert_eq!(
///     blocgraph::sparql::subquery("?m org:member ?x"),
///     "{ SELECT ?m ?x WHERE { ?m org:member ?x } }"
/// );
/// ```
pub fn subquery(pattern: &str) -> String {
    let mut vars: Vec<&str> = Vec::new();
    for (i, _) in pattern.match_indices('?') {
        let name = &pattern[i + 1..];
        let end =
            name.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(name.len());
        let var = &pattern[i..i + 1 + end];
        if !vars.contains(&var) {
            vars.push(var);
        }
    }
    format!("{{ SELECT {} WHERE {{ {pattern} }} }}", vars.join(" "))
}

/// A query over every fact of a kind: a join of `patterns`, with `optional` groups and `rest`
/// (BINDs) after them. Written one of two ways: as a join of tables for the embedded store,
/// plainly (one group) for a remote engine, which plans its own way.
///
/// Tables: each triple pattern becomes a [`subquery`] of its own (an optional group's
/// patterns inside its `OPTIONAL`), so that oxigraph joins them by hash after one scan of each
/// predicate instead of one index seek per fact and property (the view, 40,000 spells: 4 s ->
/// 1 s; the claims an import recomputes). What remains is oxigraph's cost of decoding an IRI
/// in an answer (one RocksDB read), so the queries answer literals and numbers where they can
/// (the view: ids, a source's position in its table of sources, a role's name). Virtuoso 7.2
/// loses solutions on this shape (798 of 1,417 spells in the remote-engine test), one more
/// reason to keep it to the store it was made for.
pub(crate) fn fact_query(
    tables: bool,
    select: &str,
    patterns: &[&str],
    optional: &[&[&str]],
    rest: &str,
) -> String {
    let table = |pattern: &str| -> String {
        let raw = ["{", "BIND", "VALUES"].iter().any(|p| pattern.trim_start().starts_with(p));
        if !tables || raw {
            return format!("{pattern} .");
        }
        subquery(pattern)
    };
    let mut q = format!("{} SELECT {select} WHERE {{\n", vocab::sparql_prefixes());
    for p in patterns {
        q.push_str(&table(p));
        q.push('\n');
    }
    for group in optional {
        let inner: Vec<String> = group.iter().map(|p| table(p)).collect();
        q.push_str(&format!("OPTIONAL {{ {} }}\n", inner.join(" ")));
    }
    q.push_str(rest);
    q.push_str(" }");
    q
}

/// The answer of a SELECT, every cell as plain text ("" when unbound).
#[derive(Debug, Clone, Default)]
pub struct Solutions {
    variables: Vec<String>,
    cells: Vec<Vec<String>>,
}

/// One solution of a [`Solutions`], read by variable name.
#[derive(Debug, Clone, Copy)]
pub struct Solution<'a> {
    variables: &'a [String],
    cells: &'a [String],
}

impl<'a> Solution<'a> {
    /// The text of a variable's value; "" when it is unbound in this solution.
    ///
    /// The queries are blocgraph's own, so a name they do not project is a bug, caught by
    /// the tests in debug builds.
    pub fn get(&self, variable: &str) -> &'a str {
        let found = self.variables.iter().position(|v| v == variable);
        debug_assert!(found.is_some(), "the query projects no ?{variable}");
        found.and_then(|i| self.cells.get(i)).map_or("", String::as_str)
    }

    /// The value, or `None` when it is unbound (or empty).
    pub fn opt(&self, variable: &str) -> Option<&'a str> {
        Some(self.get(variable)).filter(|t| !t.is_empty())
    }
}

impl Solutions {
    pub fn iter(&self) -> impl Iterator<Item = Solution<'_>> {
        self.cells.iter().map(|cells| Solution { variables: &self.variables, cells })
    }
}

/// Runs one of blocgraph's own SELECT queries; a query that does not parse is
/// [`StoreError::Syntax`], a failure while answering [`StoreError::Query`] (or
/// [`StoreError::Remote`]).
pub fn select<'a>(engine: impl Into<Engine<'a>>, query: &str) -> Result<Solutions, StoreError> {
    let store = match engine.into() {
        Engine::Embedded(store) => store,
        Engine::Remote(remote) => {
            let Answer::Solutions { variables, rows } = remote.run(query, None)? else {
                return Ok(Solutions::default());
            };
            let cells = rows
                .iter()
                .map(|row| row.iter().map(|t| t.as_ref().map(text).unwrap_or_default()).collect())
                .collect();
            let variables = variables.iter().map(|v| v.as_str().to_owned()).collect();
            return Ok(Solutions { variables, cells });
        }
    };
    let prepared =
        SparqlEvaluator::new().parse_query(query).map_err(|e| StoreError::Syntax(e.to_string()))?;
    let QueryResults::Solutions(solutions) = prepared.on_store(store).execute()? else {
        return Ok(Solutions::default());
    };
    let variables: Vec<Variable> = solutions.variables().to_vec();
    let mut cells = Vec::new();
    for solution in solutions {
        let solution = solution?;
        cells.push(
            variables.iter().map(|v| solution.get(v).map(text).unwrap_or_default()).collect(),
        );
    }
    Ok(Solutions { variables: variables.iter().map(|v| v.as_str().to_owned()).collect(), cells })
}
