//! blocgraph's own SELECT queries on the store, their answers read by variable name, and the
//! one way a term becomes text. Every layer that reads the store by SPARQL (entity names, the
//! import's context, the view, stats, validate) goes through [`select`].

use oxigraph::model::{Term, Variable};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use oxigraph::store::Store;

use crate::error::StoreError;

/// A term as plain text: a literal's value, an IRI's text, a blank node as `_:id`.
pub fn text(term: &Term) -> String {
    match term {
        Term::Literal(l) => l.value().to_owned(),
        Term::NamedNode(n) => n.as_str().to_owned(),
        other => other.to_string(),
    }
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
/// [`StoreError::Syntax`], a failure while answering [`StoreError::Query`].
pub fn select(store: &Store, query: &str) -> Result<Solutions, StoreError> {
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
