//! `blocgraph import`: CSV files told apart by their header, RDF files and COW IGO files,
//! checked in full and stored all or nothing.
//!
//! One pass reads each input once: it resolves and checks every row, counts what is new and,
//! while nothing is wrong, hands the new triples to a writer that stores them only at the end,
//! when no problem was found (see [`import`]). Memory stays bounded: past [`BULK_THRESHOLD`]
//! new triples the writer streams them into oxigraph's bulk loader, whose table files become
//! part of the store only when it commits.

pub(crate) mod atop;
pub(crate) mod claims;
pub(crate) mod cow;
pub(crate) mod csvfile;
pub(crate) mod entities;
pub(crate) mod events;
pub(crate) mod feed;
pub(crate) mod fields;
pub(crate) mod memberships;
pub(crate) mod problem;
pub(crate) mod rdf;
pub(crate) mod sources;
pub(crate) mod trade;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::PathBuf;

use oxigraph::model::{NamedNode, Quad, Term};
use oxigraph::store::Store;

use crate::error::{ImportError, Problem};
use crate::model::{Entity, EventType, FactKind, SourceId};
use crate::resolve::Resolver;
use crate::sparql::select;
use crate::vocab::{self, RdfSyntax};
use feed::Feed;
use problem::Problems;

/// The five CSV kinds of the contract.
pub(crate) static SPECS: [csvfile::Spec; 5] =
    [entities::SPEC, sources::SPEC, memberships::SPEC, trade::SPEC, events::SPEC];

/// What the rows of one import can refer to: known entities, sources and event types.
pub(crate) struct Context {
    pub resolver: Resolver,
    /// Source id -> title.
    pub sources: HashMap<SourceId, String>,
    pub event_types: Vec<EventType>,
}

/// One row, checked and turned into triples.
pub(crate) enum Record {
    Entity { entity: Entity, aliases: Vec<String>, quads: Vec<Quad> },
    Source { id: String, title: String, quads: Vec<Quad> },
    Fact { kind: FactKind, iri: NamedNode, quads: Vec<Quad> },
}

/// How to read an input (`--format`: `csv`, `cow-igo`, or an RDF syntax of [`RdfSyntax`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CSV, kind told by the header.
    Csv,
    /// The Correlates of War IGO-year format.
    CowIgo,
    /// ATOP dyad-year data.
    AtopDdy,
    Rdf(RdfSyntax),
}

impl Format {
    /// The format a file name implies: RDF by extension, CSV otherwise.
    pub fn from_name(name: &str) -> Self {
        name.rsplit_once('.')
            .and_then(|(_, ext)| RdfSyntax::from_extension(ext))
            .map_or(Self::Csv, Self::Rdf)
    }
}

impl clap::ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &[
            Self::Csv,
            Self::CowIgo,
            Self::AtopDdy,
            Self::Rdf(RdfSyntax::Turtle),
            Self::Rdf(RdfSyntax::NTriples),
            Self::Rdf(RdfSyntax::NQuads),
            Self::Rdf(RdfSyntax::TriG),
        ]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        match self {
            Self::Csv => Some(clap::builder::PossibleValue::new("csv")),
            Self::CowIgo => Some(clap::builder::PossibleValue::new("cow-igo").alias("cow")),
            Self::AtopDdy => Some(clap::builder::PossibleValue::new("atop-ddy").alias("atop")),
            Self::Rdf(syntax) => syntax.to_possible_value(),
        }
    }
}

/// An input to import: a file, or text compiled into the binary (the seed data).
#[derive(Debug, Clone)]
pub enum Input {
    File(PathBuf),
    Embedded {
        name: &'static str,
        text: &'static str,
    },
    /// A stream (standard input) copied to an unnamed temporary file by [`Input::spool`], so
    /// that it opens like a file (it may be larger than memory). The import reads each input
    /// once, so a stream could now be read as it comes; the copy is kept for now.
    Spooled {
        name: String,
        file: std::sync::Arc<std::fs::File>,
    },
}

impl Input {
    pub fn name(&self) -> String {
        match self {
            Self::File(p) => p.display().to_string(),
            Self::Embedded { name, .. } => (*name).to_owned(),
            Self::Spooled { name, .. } => name.clone(),
        }
    }

    /// Copies `stream` to an unnamed temporary file in `dir` (unlinked at once where the
    /// platform allows, so nothing is left behind even on a crash) and returns it as an input
    /// named `name`.
    pub fn spool(
        name: &str,
        stream: &mut dyn Read,
        dir: &std::path::Path,
    ) -> Result<Self, ImportError> {
        let failed = |source: std::io::Error| ImportError::Read { path: name.to_owned(), source };
        let mut file = tempfile::tempfile_in(dir).map_err(|e| {
            failed(std::io::Error::new(
                e.kind(),
                format!("cannot create a temporary file in {} to hold it: {e}", dir.display()),
            ))
        })?;
        std::io::copy(stream, &mut file).map_err(failed)?;
        Ok(Self::Spooled { name: name.to_owned(), file: std::sync::Arc::new(file) })
    }

    fn open(&self) -> Result<Box<dyn Read>, ImportError> {
        match self {
            Self::File(path) => {
                let file = std::fs::File::open(path)
                    .map_err(|source| ImportError::Read { path: self.name(), source })?;
                if file.metadata().is_ok_and(|m| m.is_dir()) {
                    return Err(ImportError::Read {
                        path: self.name(),
                        source: std::io::Error::other("it is a directory"),
                    });
                }
                Ok(Box::new(std::io::BufReader::with_capacity(1 << 16, file)))
            }
            Self::Embedded { text, .. } => Ok(Box::new(text.as_bytes())),
            Self::Spooled { file, .. } => {
                use std::io::Seek;
                // The clone shares the offset; each open reads from the start.
                let file = file
                    .try_clone()
                    .and_then(|mut f| f.rewind().map(|()| f))
                    .map_err(|source| ImportError::Read { path: self.name(), source })?;
                Ok(Box::new(std::io::BufReader::with_capacity(1 << 16, file)))
            }
        }
    }
}

/// Called now and then with (phase, rows or triples read so far).
pub type Progress<'a> = &'a dyn Fn(&str, u64);

/// Options of one import.
#[derive(Default)]
pub struct Options<'a> {
    /// Check everything and count, but store nothing.
    pub dry_run: bool,
    /// Overrides the format told by each file's name.
    pub format: Option<Format>,
    /// Called now and then with (phase, rows or triples read so far).
    pub progress: Option<Progress<'a>>,
}

/// What an import added, per kind: (added, already present).
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub counts: BTreeMap<&'static str, Count>,
    pub dry_run: bool,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Count {
    pub added: u64,
    pub present: u64,
}

impl Summary {
    fn count(&mut self, kind: FactKind, present: bool) {
        let c = self.counts.entry(kind.name()).or_default();
        if present {
            c.present += 1;
        } else {
            c.added += 1;
        }
    }

    pub fn added(&self) -> u64 {
        self.counts.values().map(|c| c.added).sum()
    }
}

/// The inputs of one run, opened and classified, in reading order.
enum Opened {
    Csv(Box<csvfile::CsvFile>),
    Cow { name: String, records: Vec<(Record, u64)> },
    Rdf { input: Input, format: RdfSyntax },
}

/// The records of a CSV file, read a row at a time, or of a dataset read whole (COW).
enum Records {
    Csv(Box<csvfile::CsvFile>),
    Read(std::vec::IntoIter<(Record, u64)>),
}

impl Records {
    /// The next record and its line, or the problems of its row.
    fn next(&mut self, ctx: &Context) -> Option<Result<(Record, u64), Vec<Problem>>> {
        match self {
            Self::Csv(file) => {
                let kind = file.spec.kind;
                file.next_row().map(|row| {
                    row.map_err(|p| vec![p])
                        .and_then(|row| read_row(kind, &row, ctx).map(|record| (record, row.line)))
                })
            }
            Self::Read(records) => records.next().map(Ok),
        }
    }
}

impl Opened {
    fn order(&self) -> u8 {
        match self {
            Self::Csv(f) => f.spec.kind as u8,
            Self::Cow { .. } => FactKind::Memberships as u8,
            Self::Rdf { .. } => FactKind::Triples as u8,
        }
    }
}

/// Opens every input (COW files are read whole: their spells need every year of a pair).
fn open_all(
    inputs: &[Input],
    format: Option<Format>,
    ctx: &mut Context,
    problems: &mut Problems,
) -> Result<Vec<Opened>, ImportError> {
    let mut opened = Vec::new();
    for input in inputs {
        let name = input.name();
        match format.unwrap_or_else(|| Format::from_name(&name)) {
            Format::Rdf(format) => opened.push(Opened::Rdf { input: input.clone(), format }),
            Format::Csv => match csvfile::open(&name, input.open()?, &SPECS) {
                Ok(file) => opened.push(Opened::Csv(Box::new(file))),
                Err(p) => problems.extend(p),
            },
            Format::CowIgo => match cow::read(&name, input.open()?, ctx) {
                Ok(records) => opened.push(Opened::Cow { name, records }),
                Err(p) => problems.extend(p),
            },
            // Read whole like COW files (spells need every year of a pair); same records.
            Format::AtopDdy => match atop::read(&name, input.open()?, ctx) {
                Ok(records) => opened.push(Opened::Cow { name, records }),
                Err(p) => problems.extend(p),
            },
        }
    }
    opened.sort_by_key(Opened::order);
    Ok(opened)
}

/// Reads one CSV row as a record of the file's kind.
fn read_row(kind: FactKind, row: &csvfile::Row<'_>, ctx: &Context) -> Result<Record, Vec<Problem>> {
    match kind {
        FactKind::Entities => entities::read(row, ctx),
        FactKind::Sources => sources::read(row, ctx),
        FactKind::Memberships => memberships::read(row, ctx),
        FactKind::Trade => trade::read(row, ctx),
        FactKind::Events => events::read(row, ctx),
        FactKind::Obligations | FactKind::Coverage | FactKind::Triples => {
            unreachable!("no CSV kind holds obligations, coverage or raw triples")
        }
    }
}

/// The context of an import into `store`: its entities, sources and the event types.
pub(crate) fn context(store: &Store) -> Result<Context, ImportError> {
    let resolver = Resolver::from_store(store)?;
    let mut sources = HashMap::new();
    let query = format!(
        "{} SELECT ?id ?title WHERE {{ ?s a bg:Source ; bg:id ?id ; dcterms:title ?title }}",
        vocab::sparql_prefixes()
    );
    for row in select(store, &query)?.iter() {
        sources.insert(row.get("id").to_owned(), row.get("title").to_owned());
    }
    Ok(Context { resolver, sources, event_types: crate::schema::event_types() })
}

/// What the pass over the inputs remembers: ids and facts seen, for duplicates, and the
/// running summary.
#[derive(Default)]
struct Seen {
    ids: HashMap<(FactKind, String), (String, u64)>,
    /// Every fact of the import by [`fact_key`], with where it was first seen (file index into
    /// `files`, line): about 40 bytes a fact, the only part of the pass that grows with the input.
    facts: HashMap<(FactKind, u64), (u32, u64)>,
    files: Vec<String>,
    summary: Summary,
}

/// Checks and stores `inputs` in one transaction; nothing is stored when anything is wrong.
///
/// One pass reads every input once: each row is checked, and while no problem has been found its
/// new triples go to a [`Writer`] (held in memory, or past [`BULK_THRESHOLD`] fed to oxigraph's
/// bulk loader, whose files become part of the store only when it commits). Checking goes on
/// after the first problem so that all of them are listed, but nothing more is written, and the
/// writer is dropped uncommitted: the store is left as it was.
pub fn import(
    store: &Store,
    inputs: &[Input],
    options: &Options<'_>,
) -> Result<Summary, ImportError> {
    let mut ctx = context(store)?;
    let mut problems = Problems::default();
    let mut seen = Seen::default();
    seen.summary.dry_run = options.dry_run;
    let progress = |phase: &str, n: u64| {
        if n.is_multiple_of(10_000) {
            if let Some(p) = options.progress {
                p(phase, n);
            }
        }
    };

    let opened = open_all(inputs, options.format, &mut ctx, &mut problems)?;
    // The scope of the thread that feeds oxigraph's bulk loader (a large import, [`Feed`]).
    std::thread::scope(|scope| {
        let mut writer = Writer::new(store, scope, !options.dry_run && problems.is_empty());
        let mut touched = claims::Touched::default();
        let mut added = claims::Added::default();
        let mut presence = Presence::default();
        let mut rows: u64 = 0;
        for file in opened {
            let (name, mut records) = match file {
                Opened::Rdf { input, format } => {
                    touched.all = true;
                    rdf::check(
                        store,
                        &input.name(),
                        input.open()?,
                        format.format(),
                        &mut problems,
                        &mut seen.summary,
                        &mut |quad| writer.add(quad),
                    )?;
                    if !problems.is_empty() {
                        writer.stop();
                    }
                    continue;
                }
                Opened::Cow { name, records } => (name, Records::Read(records.into_iter())),
                Opened::Csv(file) => (file.name.clone(), Records::Csv(file)),
            };
            while let Some(next) = records.next(&ctx) {
                if matches!(records, Records::Csv(_)) {
                    rows += 1;
                    progress("checking", rows);
                }
                match next {
                    Err(faults) => problems.extend(faults),
                    Ok((record, line)) => {
                        let new = note_record(
                            store,
                            record,
                            &mut ctx,
                            &mut seen,
                            &mut presence,
                            (&name, line),
                            &mut problems,
                            writer.is_on().then_some(&mut touched),
                        )?;
                        if writer.is_on() {
                            added.note(&new);
                        }
                        writer.add_all(new)?;
                    }
                }
                if !problems.is_empty() {
                    // Nothing of this import will be stored: stop writing and free what the
                    // writer holds (the bulk loader's files are removed as it is dropped).
                    writer.stop();
                }
                if problems.saturated() {
                    break;
                }
            }
        }
        if !problems.is_empty() {
            return Err(ImportError::Invalid { problems: problems.listed, more: problems.more });
        }
        if writer.is_empty() {
            return Ok(seen.summary);
        }
        writer.commit(&touched, added)?;
        // Write the log into tables now: readers (read-only opens) would otherwise replay it each time.
        flush(store)?;
        Ok(seen.summary)
    })
}

/// Writes the write-ahead log into tables, so that read-only opens need not replay it.
pub(crate) fn flush(store: &Store) -> Result<(), oxigraph::store::StorageError> {
    #[cfg(feature = "rocksdb")]
    return store.flush();
    #[cfg(not(feature = "rocksdb"))]
    {
        let _ = store;
        Ok(())
    }
}

/// Records what the pass learns from one checked row (new names, new sources, duplicates,
/// counts) and returns its triples that the store lacks: none for a duplicate or a fact already
/// stored. A fact's group is noted in `touched` (when given: while the import writes).
#[allow(clippy::too_many_arguments)]
fn note_record(
    store: &Store,
    record: Record,
    ctx: &mut Context,
    seen: &mut Seen,
    presence: &mut Presence,
    (file, line): (&str, u64),
    problems: &mut Problems,
    touched: Option<&mut claims::Touched>,
) -> Result<Vec<Quad>, ImportError> {
    let here = || (file.to_owned(), line);
    let duplicate = |(f, l): &(String, u64), what: String| Problem {
        file: file.to_owned(),
        line: Some(line),
        column: None,
        message: format!("{what} (first at {f}:{l})"),
    };
    let (kind, quads) = match record {
        Record::Entity { entity, aliases, quads } => {
            if let Some(first) = seen.ids.get(&(FactKind::Entities, entity.id.clone())) {
                problems.push(duplicate(first, format!("entity '{}' is defined twice", entity.id)));
                return Ok(Vec::new());
            }
            seen.ids.insert((FactKind::Entities, entity.id.clone()), here());
            for (name, other) in ctx.resolver.add(entity, &aliases) {
                problems.push(Problem {
                    file: file.to_owned(),
                    line: Some(line),
                    column: Some("aliases".into()),
                    message: format!(
                        "'{name}' already names entity '{other}'; a name must point to one entity"
                    ),
                });
            }
            (FactKind::Entities, quads)
        }
        Record::Source { id, title, quads } => {
            if let Some(first) = seen.ids.get(&(FactKind::Sources, id.clone())) {
                problems.push(duplicate(first, format!("source '{id}' is defined twice")));
                return Ok(Vec::new());
            }
            seen.ids.insert((FactKind::Sources, id.clone()), here());
            ctx.sources.insert(id, title);
            (FactKind::Sources, quads)
        }
        Record::Fact { kind, iri, quads } => {
            if seen.files.last().is_none_or(|f| f != file) {
                seen.files.push(file.to_owned());
            }
            let key = fact_key(kind, &iri);
            if let Some(&(f, l)) = seen.facts.get(&key) {
                problems.push(duplicate(
                    &(seen.files[f as usize].clone(), l),
                    "duplicate row: the same fact appears twice in this import".to_owned(),
                ));
                return Ok(Vec::new());
            }
            seen.facts.insert(key, ((seen.files.len() - 1) as u32, line));
            if let Some(touched) = touched {
                touched.note(&quads);
            }
            let present = presence.is_stored(store, &quads)?;
            seen.summary.count(kind, present);
            return Ok(if present { Vec::new() } else { quads });
        }
    };
    let mut missing = Vec::new();
    for q in quads {
        if !store.contains(&q)? {
            missing.push(q);
        }
    }
    seen.summary.count(kind, missing.is_empty());
    Ok(missing)
}

/// A fact's key for duplicate detection: its kind and the 64-bit hash its IRI ends with (see
/// [`fields::fact_iri`]; the IRI holds nothing else, so equal keys mean equal IRIs).
fn fact_key(kind: FactKind, iri: &NamedNode) -> (FactKind, u64) {
    let text = iri.as_str();
    let tail =
        text.get(text.len().saturating_sub(16)..).and_then(|t| u64::from_str_radix(t, 16).ok());
    (
        kind,
        tail.unwrap_or_else(|| {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            text.hash(&mut h);
            h.finish()
        }),
    )
}

/// Whether content-addressed records are stored: a record's IRI hashes all its content and
/// imports are atomic, so its first triple (its type) stands for all of them.
///
/// Looking each one up costs a read of the store per row. Where the store holds few records of a
/// type (a new store, or one that holds the seed: the usual case of a large import), the
/// subjects of that type are read once into a set of hashes: a record whose hash is not in it is
/// not stored, and only a hash found is confirmed by a look-up (so a collision costs a read,
/// never a wrong answer). The store does not change during an import (it holds the write lock).
#[derive(Default)]
struct Presence {
    /// By the first triple's (predicate, object): the hashes of its subjects, or `None` when
    /// there were more than [`Presence::MAX_READ`] (then every record is looked up).
    subjects: HashMap<(NamedNode, Term), Option<HashSet<u64>>>,
}

impl Presence {
    /// The most subjects of one type read into memory (8 bytes each, and a fraction of a second
    /// to read); past that, a store is larger than most imports into it.
    const MAX_READ: usize = 200_000;

    fn is_stored(&mut self, store: &Store, quads: &[Quad]) -> Result<bool, ImportError> {
        let Some(first) = quads.first() else { return Ok(true) };
        if !first.graph_name.is_default_graph() {
            return Ok(store.contains(first)?);
        }
        let key = (first.predicate.clone(), first.object.clone());
        if !self.subjects.contains_key(&key) {
            let read = Self::read(store, &key.0, &key.1)?;
            self.subjects.insert(key.clone(), read);
        }
        match &self.subjects[&key] {
            Some(hashes) if !hashes.contains(&subject_hash(&first.subject)) => Ok(false),
            _ => Ok(store.contains(first)?),
        }
    }

    /// The hashes of the subjects of `predicate object` in the default graph, unless too many.
    fn read(
        store: &Store,
        predicate: &NamedNode,
        object: &Term,
    ) -> Result<Option<HashSet<u64>>, ImportError> {
        let mut hashes = HashSet::new();
        for q in store.quads_for_pattern(
            None,
            Some(predicate.as_ref()),
            Some(object.as_ref()),
            Some(oxigraph::model::GraphNameRef::DefaultGraph),
        ) {
            if hashes.len() >= Self::MAX_READ {
                return Ok(None);
            }
            hashes.insert(subject_hash(&q?.subject));
        }
        Ok(Some(hashes))
    }
}

fn subject_hash(subject: &oxigraph::model::NamedOrBlankNode) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    subject.hash(&mut h);
    h.finish()
}

/// Above this many new triples an import goes through oxigraph's (atomic) bulk loader.
///
/// A transaction holds its writes in an indexed batch and reads the claims back through it:
/// 0.64 s for 1,000 generated rows (~14k triples), 1.9 s for 3,000 and 6.8 s for 10,000, where
/// the bulk loader takes 0.5 s for 3,000 rows and 1.5 s for 10,000 (2 cores). Below this, a
/// small import (the seed, a few rows) stays one transaction, committed with its claims at once.
pub const BULK_THRESHOLD: u64 = 20_000;

/// Takes the new triples of an import as they are found and stores them at the end, all or
/// nothing: up to [`BULK_THRESHOLD`] they are held in memory and written in one transaction;
/// past it they go to oxigraph's bulk loader as they come ([`Feed`]: its threads turn each
/// batch into table files while the rows after it are read) and are stored by its commit.
/// Dropped uncommitted, it stores nothing.
struct Writer<'scope, 'env> {
    store: &'env Store,
    /// Where the bulk loader's feeding thread runs.
    scope: &'scope std::thread::Scope<'scope, 'env>,
    state: Writing<'scope, 'env>,
}

enum Writing<'scope, 'env> {
    /// A dry run, or an import with a problem: nothing is stored.
    Off,
    Held(Vec<Quad>),
    Bulk(Feed<'scope, 'env>),
}

impl<'scope, 'env> Writer<'scope, 'env> {
    fn new(store: &'env Store, scope: &'scope std::thread::Scope<'scope, 'env>, on: bool) -> Self {
        Self { store, scope, state: if on { Writing::Held(Vec::new()) } else { Writing::Off } }
    }

    fn is_on(&self) -> bool {
        !matches!(self.state, Writing::Off)
    }

    /// Whether nothing is to be written.
    fn is_empty(&self) -> bool {
        match &self.state {
            Writing::Off => true,
            Writing::Held(held) => held.is_empty(),
            Writing::Bulk(_) => false,
        }
    }

    /// Drops everything taken so far and takes nothing more.
    fn stop(&mut self) {
        self.state = Writing::Off;
    }

    fn add(&mut self, quad: Quad) -> Result<(), ImportError> {
        match &mut self.state {
            Writing::Off => {}
            Writing::Held(held) => {
                held.push(quad);
                if held.len() as u64 > BULK_THRESHOLD {
                    let held = std::mem::take(held);
                    let mut feed = Feed::start(self.scope, feed::loader(self.store));
                    for q in held {
                        feed.add(q)?;
                    }
                    self.state = Writing::Bulk(feed);
                }
            }
            Writing::Bulk(feed) => feed.add(quad)?,
        }
        Ok(())
    }

    fn add_all(&mut self, quads: Vec<Quad>) -> Result<(), ImportError> {
        if self.is_on() {
            for q in quads {
                self.add(q)?;
            }
        }
        Ok(())
    }

    /// Commits, with the claims of the touched groups recomputed: in the same transaction, or
    /// for a bulk load (not a transaction) from the `added` facts and the store's older ones
    /// ([`claims::commit_bulk`]).
    fn commit(self, touched: &claims::Touched, added: claims::Added) -> Result<(), ImportError> {
        match self.state {
            Writing::Off => {}
            Writing::Held(held) => {
                let mut t = self.store.start_transaction()?;
                for q in &held {
                    t.insert(q);
                }
                if !touched.is_empty() {
                    claims::recompute(&mut t, touched)?;
                }
                t.commit()?
            }
            Writing::Bulk(feed) => {
                let loaded = claims::commit_bulk(self.scope, self.store, feed, touched, added)?;
                // A few batches' table files are left to RocksDB (see `COMPACT_AFTER`).
                if loaded > feed::COMPACT_AFTER {
                    compact(self.store)?
                }
            }
        }
        Ok(())
    }
}

/// Rewrites the store's tables after a bulk load of more than a million quads (oxigraph's
/// [`Store::optimize`]).
///
/// The bulk loader writes each batch of quads as table files of its own, with keys across
/// the whole range, so after a million-row import every index is many overlapping
/// files and each look-up searches all of them. oxigraph's CLI prints a suggestion to run
/// `oxigraph optimize` after `load` for a read-heavy workload; blocgraph's stores are read
/// far more than written, and it has no such command, so its import does it. Measured on the
/// 1M-row store (2 cores): 17 s, after which `withdrawals --param bloc` went from 17 s to
/// 1.2 s, `members` 2.9 s to 0.34 s, `sources --param entity` 0.24 s to 0.06 s. The rewrite
/// costs the whole store, not the import: a load of up to a million quads (~60k rows) into a
/// large store is not worth it, and is left to RocksDB.
#[cfg(feature = "rocksdb")]
fn compact(store: &Store) -> Result<(), oxigraph::store::StorageError> {
    store.optimize()
}

/// An in-memory store has nothing to rewrite.
#[cfg(not(feature = "rocksdb"))]
fn compact(_: &Store) -> Result<(), oxigraph::store::StorageError> {
    Ok(())
}
