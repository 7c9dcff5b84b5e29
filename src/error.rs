//! One error enum per operation (open, import, query, analyze, export, validate, serve), and
//! the top-level [`Error`] that maps each to the contract's exit code: 1 runtime, 2 bad input.
//! Each enum says the exit code of each of its variants, with no catch-all arm: a new
//! variant does not compile until someone decides whether it is the user's doing.

use std::fmt;
use std::path::PathBuf;

/// A located problem in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    /// 1-based line where the record starts; `None` for whole-file problems.
    pub line: Option<u64>,
    /// The column's header name, when one column is at fault.
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for Problem {
    /// One line per problem, whatever the input held: control characters (a line break in a
    /// cell echoed back, an escape sequence) are shown escaped, never sent to the terminal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Escaped(&self.file))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ": column '{}'", Escaped(column))?;
        }
        write!(f, ": {}", Escaped(&self.message))
    }
}

/// Text with its control characters escaped (`\n`, `\u{1b}`).
struct Escaped<'a>(&'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

/// Opening, seeding, resetting or counting the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the store at {path} is in use by another blocgraph process; wait for it to finish and try again")]
    InUse { path: PathBuf },
    #[error("the store at {} is being updated: an import is writing the claims of its facts; try again when it has finished", path.display())]
    Completing { path: PathBuf },
    #[error("cannot complete the claims an interrupted import left unwritten: {0}")]
    Complete(Box<ImportError>),
    #[error("cannot open the store at {path}: {source}")]
    Open { path: PathBuf, source: oxigraph::store::StorageError },
    #[error("cannot create the store directory {path}: {source}")]
    CreateDir { path: PathBuf, source: std::io::Error },
    #[error("no store location: set $BLOCGRAPH_STORE, pass --store DIR, or set $HOME")]
    NoLocation,
    #[error("cannot open the store at {}: this blocgraph was built without on-disk storage (the `rocksdb` feature); use --memory", path.display())]
    NoDisk { path: PathBuf },
    #[error("store failure: {0}")]
    Storage(#[from] oxigraph::store::StorageError),
    #[error("the embedded seed data does not load (a bug in blocgraph): {0}")]
    Seed(Box<ImportError>),
    #[error("store query failed: {0}")]
    Query(#[from] oxigraph::sparql::QueryEvaluationError),
    /// One of blocgraph's own queries does not parse: a bug, reported as what it is.
    #[error("a query of blocgraph's own does not parse (a bug in blocgraph): SPARQL syntax {0}")]
    Syntax(String),
    /// A remote engine (`--endpoint`) failed or answered something unusable.
    #[error(transparent)]
    Remote(#[from] RemoteError),
    /// A command that writes or serves the local store was given `--endpoint`.
    #[error("`{command}` works on the local store; it cannot use the SPARQL endpoint {endpoint} (drop --endpoint and BLOCGRAPH_ENDPOINT)")]
    NotLocal { command: &'static str, endpoint: String },
}

/// A failure talking to a remote SPARQL engine: one line naming the endpoint (never its
/// credentials), exit 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("SPARQL endpoint {endpoint}: {message}")]
pub struct RemoteError {
    pub endpoint: String,
    pub message: String,
}

impl StoreError {
    /// Every store failure is a runtime failure, except having nowhere to put the store.
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::InUse { .. }
            | Self::Completing { .. }
            | Self::Complete(_)
            | Self::Open { .. }
            | Self::CreateDir { .. }
            | Self::NoLocation
            | Self::NoDisk { .. }
            | Self::Storage(_)
            | Self::Seed(_)
            | Self::Query(_)
            | Self::Syntax(_)
            | Self::Remote(_) => 1,
            Self::NotLocal { .. } => 2,
        }
    }
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

impl ImportError {
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::Invalid { .. } => 2,
            Self::Read { .. } => 1,
            Self::Store(e) => e.exit_code(),
        }
    }
}

fn format_problems(problems: &[Problem], more: usize) -> String {
    let mut text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    if more > 0 {
        text.push(format!(
            "... and {more} more problems (only the first {} are listed)",
            problems.len()
        ));
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
    /// Writing an answer into a buffer or stream (the server's response body).
    #[error("cannot write the results: {0}")]
    Write(std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl QueryError {
    /// 2 for what the user asked wrongly, 1 for failures while answering.
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::UnknownQuery { .. }
            | Self::Syntax { .. }
            | Self::Header { .. }
            | Self::UnknownParam { .. }
            | Self::MissingParam { .. }
            | Self::BadParam { .. }
            | Self::Entity { .. } => 2,
            Self::Read { .. } | Self::Timeout { .. } | Self::Evaluation(_) | Self::Write(_) => 1,
            Self::Store(e) => e.exit_code(),
        }
    }
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
}

impl AnalyzeError {
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::Usage(_) | Self::Entity(_) => 2,
            Self::Store(e) => e.exit_code(),
        }
    }
}

/// Exporting DOT, edges or RDF.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Entity(#[from] UnknownEntity),
    #[error("graphviz `dot` is not installed; install it (Debian: apt-get install graphviz) or export DOT without --render")]
    NoGraphviz,
    #[error("graphviz `dot` failed: {0}")]
    Graphviz(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ExportError {
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::Entity(_) => 2,
            Self::NoGraphviz | Self::Graphviz(_) => 1,
            Self::Store(e) => e.exit_code(),
        }
    }
}

/// Checking the store against the shapes and the importer's rules.
#[derive(Debug, thiserror::Error)]
pub enum ValidateError {
    /// A check read from the compiled-in shapes does not run: never skipped in silence.
    #[error(
        "the SHACL check of {class} in schema/shapes.ttl cannot run (a bug in blocgraph): {source}"
    )]
    Shape { class: String, source: StoreError },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ValidateError {
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::Shape { .. } => 1,
            Self::Store(e) => e.exit_code(),
        }
    }
}

/// Serving the store over HTTP.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: String, source: std::io::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ServeError {
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::Bind { .. } => 1,
            Self::Store(e) => e.exit_code(),
        }
    }
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
    #[error(transparent)]
    Serve(#[from] ServeError),
    #[error(transparent)]
    Validate(#[from] ValidateError),
    /// Writing a command's output (standard output or `-o FILE`) failed.
    #[error("cannot write {what}: {source}")]
    Output { what: String, source: std::io::Error },
    /// Flags that do not go together, or a value no flag parser could check alone.
    #[error("{0}")]
    Usage(String),
    /// `validate` found violations (already listed on standard output).
    #[error("{0}")]
    Invalid(String),
    /// A runtime failure already put in the user's terms (a full disk, a busy store).
    #[error("{0}")]
    Io(String),
}

/// A failure deep inside storage or I/O that the user can act on, recognised anywhere in an
/// error's chain (RocksDB reports some only as text, so the text is read too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// The reader of our output went away (`| head`): not a failure.
    BrokenPipe,
    /// ENOSPC: the disk holding the store (or the output) is full.
    DiskFull,
    /// A read-only reader found one of the store's table files gone: a writer in another
    /// process replaced it while this command was reading.
    StoreChanged,
}

impl Error {
    /// What [`Cause`] lies behind this error, if any.
    pub fn cause(&self) -> Option<Cause> {
        let mut next: Option<&dyn std::error::Error> = Some(self);
        while let Some(e) = next {
            if let Some(io) = e.downcast_ref::<std::io::Error>() {
                match io.kind() {
                    std::io::ErrorKind::BrokenPipe => return Some(Cause::BrokenPipe),
                    std::io::ErrorKind::StorageFull => return Some(Cause::DiskFull),
                    _ => {}
                }
            }
            // Only storage errors are read as text: other messages may quote user input.
            if e.is::<oxigraph::store::StorageError>() {
                let text = e.to_string();
                if text.contains("No space left on device") {
                    return Some(Cause::DiskFull);
                }
                if text.contains("No such file or directory")
                    && text.contains(".sst")
                    && !self.failed_to_open()
                {
                    return Some(Cause::StoreChanged);
                }
            }
            next = e.source();
        }
        None
    }

    /// Whether the store could not be opened at all (its own retries have then told a busy
    /// store from a damaged one already).
    fn failed_to_open(&self) -> bool {
        let store = match self {
            Self::Store(e)
            | Self::Import(ImportError::Store(e))
            | Self::Query(QueryError::Store(e))
            | Self::Serve(ServeError::Store(e)) => e,
            Self::Analyze(AnalyzeError::Store(e))
            | Self::Export(ExportError::Store(e))
            | Self::Validate(ValidateError::Store(e)) => e,
            _ => return false,
        };
        matches!(store, StoreError::Open { .. })
    }

    /// 1 for runtime failures (store, I/O), 2 for bad input or usage; validation findings are 1.
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::Store(e) => e.exit_code(),
            Self::Import(e) => e.exit_code(),
            Self::Query(e) => e.exit_code(),
            Self::Analyze(e) => e.exit_code(),
            Self::Export(e) => e.exit_code(),
            Self::Serve(e) => e.exit_code(),
            Self::Validate(e) => e.exit_code(),
            Self::Output { .. } | Self::Invalid(_) | Self::Io(_) => 1,
            Self::Usage(_) => 2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn storage(text: &str) -> Error {
        Error::Store(StoreError::Storage(oxigraph::store::StorageError::Other(text.into())))
    }

    #[test]
    fn cause_reads_io_kinds_and_rocksdb_texts() {
        let io = |kind: std::io::ErrorKind| Error::Output {
            what: "standard output".into(),
            source: std::io::Error::new(kind, "x"),
        };
        assert_eq!(io(std::io::ErrorKind::BrokenPipe).cause(), Some(Cause::BrokenPipe));
        assert_eq!(io(std::io::ErrorKind::StorageFull).cause(), Some(Cause::DiskFull));
        assert_eq!(io(std::io::ErrorKind::PermissionDenied).cause(), None);
        assert_eq!(
            storage("IO error: No space left on device: While appending to file: s/000012.log")
                .cause(),
            Some(Cause::DiskFull)
        );
        assert_eq!(storage("IO error: No such file or directory: While open a file for random read: s/000031.sst: No such file or directory").cause(), Some(Cause::StoreChanged));
        assert_eq!(storage("IO error: No such file or directory: s/CURRENT").cause(), None);
        // A store that cannot be opened because a table is missing is damaged, not busy.
        let open = Error::Store(StoreError::Open {
            path: "s".into(),
            source: oxigraph::store::StorageError::Other(
                "Corruption: IO error: No such file or directory: s/000017.sst".into(),
            ),
        });
        assert_eq!(open.cause(), None);
        // User input quoted in a message is not a cause.
        assert_eq!(Error::Usage("unknown bloc 'No space left on device'".into()).cause(), None);
        assert_eq!(Error::Usage("x.sst: No such file or directory".into()).cause(), None);
    }
}
