//! One error enum per operation (open, import, query, analyze, export, validate), and the
//! top-level [`Error`] that maps each to the contract's exit code: 1 runtime, 2 bad input.

use std::path::PathBuf;

pub use crate::import::problem::Problem;

/// Opening, seeding, resetting or counting the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the store at {path} is in use by another blocgraph process; wait for it to finish and try again")]
    InUse { path: PathBuf },
    #[error("cannot open the store at {path}: {source}")]
    Open { path: PathBuf, source: oxigraph::store::StorageError },
    #[error("cannot create the store directory {path}: {source}")]
    CreateDir { path: PathBuf, source: std::io::Error },
    #[error("no store location: set $BLOCGRAPH_STORE, pass --store DIR, or set $HOME")]
    NoLocation,
    #[error("store failure: {0}")]
    Storage(#[from] oxigraph::store::StorageError),
    #[error("the embedded seed data does not load (a bug in blocgraph): {0}")]
    Seed(Box<ImportError>),
    #[error("store query failed: {0}")]
    Query(#[from] oxigraph::sparql::QueryEvaluationError),
}

/// Importing CSV, RDF or COW files.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Every problem found in the input, already formatted `FILE:LINE: column 'x': ...`.
    #[error("{}", format_problems(problems, *more))]
    Invalid { problems: Vec<Problem>, more: usize },
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<oxigraph::store::StorageError> for ImportError {
    fn from(e: oxigraph::store::StorageError) -> Self {
        Self::Store(StoreError::Storage(e))
    }
}

impl From<oxigraph::sparql::QueryEvaluationError> for ImportError {
    fn from(e: oxigraph::sparql::QueryEvaluationError) -> Self {
        Self::Store(StoreError::Query(e))
    }
}

fn format_problems(problems: &[Problem], more: usize) -> String {
    let mut text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    if more > 0 {
        text.push(format!("... and {more} more problems (only the first {} are listed)", problems.len()));
    }
    text.push(format!(
        "import failed: {} problem{}; nothing was stored",
        problems.len() + more,
        if problems.len() + more == 1 { "" } else { "s" }
    ));
    text.join("\n")
}

/// An entity name that names nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{name}'{}{}", is_a.as_ref().map(|k| format!(" ({k})")).unwrap_or_default(), suggest(suggestions))]
pub struct UnknownEntity {
    pub what: &'static str,
    pub name: String,
    /// Set when the name is known but names an entity of another kind.
    pub is_a: Option<String>,
    pub suggestions: Vec<String>,
}

/// ", did you mean 'A', 'B'?" or nothing.
pub fn suggest(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        let quoted: Vec<String> = suggestions.iter().map(|s| format!("'{s}'")).collect();
        format!("; did you mean {}?", quoted.join(", "))
    }
}

/// Running a saved or user query.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("unknown query '{name}'{}; `blocgraph queries` lists them", suggest(suggestions))]
    UnknownQuery { name: String, suggestions: Vec<String> },
    #[error("cannot read query file {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{file}: SPARQL syntax {message}")]
    Syntax { file: String, message: String },
    #[error("{file}: {message}")]
    Header { file: String, message: String },
    #[error("query '{query}' has no parameter '{param}'{}", expected(known))]
    UnknownParam { query: String, param: String, known: Vec<String> },
    #[error("query '{query}' needs --param {param}=... ({description})")]
    MissingParam { query: String, param: String, description: String },
    #[error("--param {param}: {message}")]
    BadParam { param: String, message: String },
    #[error("--param {param}: {source}")]
    Entity { param: String, source: UnknownEntity },
    #[error("the query took longer than {seconds} s and was cancelled (raise --timeout)")]
    Timeout { seconds: f64 },
    #[error("query failed: {0}")]
    Evaluation(oxigraph::sparql::QueryEvaluationError),
    #[error("cannot write the results: {0}")]
    Write(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn expected(known: &[String]) -> String {
    if known.is_empty() {
        "; it takes none".to_owned()
    } else {
        format!("; it takes {}", known.join(", "))
    }
}

/// Building the graph view and running analyses.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Entity(#[from] UnknownEntity),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write {path}: {source}")]
    Write { path: String, source: std::io::Error },
}

impl From<oxigraph::sparql::QueryEvaluationError> for AnalyzeError {
    fn from(e: oxigraph::sparql::QueryEvaluationError) -> Self {
        Self::Store(StoreError::Query(e))
    }
}

/// Exporting DOT or RDF.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Analyze(#[from] AnalyzeError),
    #[error("cannot write {path}: {source}")]
    Write { path: String, source: std::io::Error },
    #[error("graphviz `dot` is not installed; install it (Debian: apt-get install graphviz) or export DOT without --render")]
    NoGraphviz,
    #[error("graphviz `dot` failed: {0}")]
    Graphviz(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Any blocgraph failure, with the contract's exit code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error(transparent)]
    Analyze(#[from] AnalyzeError),
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    /// 1 for runtime failures (store, I/O), 2 for bad input or usage; validation findings are 1.
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::Store(_) | Self::Invalid(_) => 1,
            Self::Import(ImportError::Invalid { .. }) => 2,
            Self::Import(ImportError::Read { .. } | ImportError::Store(_)) => 1,
            Self::Query(
                QueryError::Store(_) | QueryError::Write(_) | QueryError::Evaluation(_) | QueryError::Timeout { .. } | QueryError::Read { .. },
            ) => 1,
            Self::Query(_) => 2,
            Self::Analyze(AnalyzeError::Store(_) | AnalyzeError::Write { .. }) => 1,
            Self::Analyze(_) => 2,
            Self::Export(ExportError::Usage(_) | ExportError::Analyze(AnalyzeError::Usage(_) | AnalyzeError::Entity(_))) => 2,
            Self::Export(_) => 1,
            Self::Usage(_) => 2,
        }
    }
}
