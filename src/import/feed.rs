//! oxigraph's bulk loader fed from a thread of its own, one quad at a time.
//!
//! [`BulkLoader::load_quads`] gathers what it is given into batches of a million quads, hands
//! each full batch to a worker thread, and hands the last, partial one over when the call
//! returns. Called with a `Vec` of quads, it moves them into a second `Vec` of its own, so a
//! batch is in memory twice (~190 MB each: a `Quad` is 192 bytes before its strings) and a
//! batch collected here first doubles the importer's buffers; called once per small `Vec`, each
//! call would end in a partial batch and a set of table files of its own. Fed from an iterator
//! that lasts the whole import, as oxigraph's own loader is fed from its parser, it holds one
//! batch and makes full ones. The importer checks rows on its thread and passes their quads
//! here in chunks ([`CHUNK`]) over a bounded channel; the loader's thread iterates them.

use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread::{Scope, ScopedJoinHandle};

use oxigraph::model::Quad;
use oxigraph::store::{BulkLoader, StorageError, Store};

use crate::error::ImportError;

/// Quads passed to the loader's thread at a time (one channel message; ~0.8 MB).
const CHUNK: usize = 4096;

/// Chunks waiting in the channel before the importer waits for the loader.
const CHUNKS_IN_FLIGHT: usize = 4;

/// The quads of a bulk load past which the import optimizes the store (see `compact` in the
/// import): each batch ([`BATCH`]) becomes table files of its own with keys across the whole
/// range, so a load of a million quads leaves five overlapping files in every index. Below it,
/// they are left to RocksDB's own compactions (a million quads was the threshold when the
/// batches were oxigraph's, one batch).
pub(crate) const COMPACT_AFTER: u64 = 1_000_000;

/// The quads of one batch of the bulk loader, per worker thread.
///
/// oxigraph's loader gathers quads into batches and has each written to table files by a
/// worker thread of its own, one per core, while the next batch fills: (cores + 1) batches are
/// in memory at once, each quad with its own strings. Its default batch of a million quads made
/// that most of a million-row import's peak. A batch of 200,000 holds a fifth of it, and the
/// extra table files cost nothing that the optimize after a large load does not pay anyway:
/// at 1M rows (15.7M triples, 2 cores, glibc's allocator) 76.5 -> 71.5 s and 1966 -> 1160 MiB.
const BATCH: usize = 200_000;

/// oxigraph's bulk loader, with batches of [`BATCH`] quads.
///
/// The loader sizes a batch as its memory budget (MB x 1,000 quads) over its threads, so the
/// budget given is the batch times the threads it will use.
pub(crate) fn loader(store: &Store) -> BulkLoader<'_> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    store
        .bulk_loader()
        .with_num_threads(threads)
        .with_max_memory_size_in_megabytes((BATCH * threads).div_ceil(1000))
}

/// Why the loader's thread stopped loading: the store failed, or the import stopped (a problem
/// was found, or it failed) and nothing is to be stored.
enum Stop {
    Storage(StorageError),
    Dropped,
}

impl From<StorageError> for Stop {
    fn from(e: StorageError) -> Self {
        Self::Storage(e)
    }
}

/// A feed dropped without [`Feed::finish`] tells the loader so (`None`), which stops it
/// without loading the rest; the loader, dropped uncommitted, removes the files it wrote.
type Message = Option<Vec<Quad>>;

/// The loader's side of the channel, as the iterator `load_quads` reads.
struct Chunks {
    rx: Receiver<Message>,
    current: std::vec::IntoIter<Quad>,
}

impl Iterator for Chunks {
    type Item = Result<Quad, Stop>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(q) = self.current.next() {
                return Some(Ok(q));
            }
            match self.rx.recv() {
                Ok(Some(chunk)) => self.current = chunk.into_iter(),
                Ok(None) => return Some(Err(Stop::Dropped)),
                // Closed by `finish`: everything was sent.
                Err(_) => return None,
            }
        }
    }
}

/// A bulk loader fed from another thread of `scope`: [`Feed::add`] quads, then
/// [`Feed::finish`] to get the loader back (to commit it, or to go on loading).
pub(crate) struct Feed<'scope, 'env> {
    chunk: Vec<Quad>,
    /// Quads added so far.
    added: u64,
    tx: Option<SyncSender<Message>>,
    loading: Option<ScopedJoinHandle<'scope, Result<BulkLoader<'env>, Stop>>>,
}

impl<'scope, 'env> Feed<'scope, 'env> {
    /// Starts feeding `loader` from a thread of `scope`.
    pub(crate) fn start(scope: &'scope Scope<'scope, 'env>, mut loader: BulkLoader<'env>) -> Self {
        let (tx, rx) = sync_channel::<Message>(CHUNKS_IN_FLIGHT);
        let loading = scope.spawn(move || {
            loader.load_ok_quads::<Stop, Stop>(Chunks { rx, current: Vec::new().into_iter() })?;
            Ok(loader)
        });
        Self { chunk: Vec::with_capacity(CHUNK), added: 0, tx: Some(tx), loading: Some(loading) }
    }

    /// How many quads were added (whether or not handed to the loader yet).
    pub(crate) fn added(&self) -> u64 {
        self.added
    }

    pub(crate) fn add(&mut self, quad: Quad) -> Result<(), ImportError> {
        self.added += 1;
        self.chunk.push(quad);
        if self.chunk.len() >= CHUNK {
            self.send()?;
        }
        Ok(())
    }

    fn send(&mut self) -> Result<(), ImportError> {
        let chunk = std::mem::replace(&mut self.chunk, Vec::with_capacity(CHUNK));
        let sent = self.tx.as_ref().is_some_and(|tx| tx.send(Some(chunk)).is_ok());
        if sent {
            return Ok(());
        }
        // The loader's thread has stopped: its error.
        self.tx = None;
        match self.join() {
            Err(e) => Err(e),
            Ok(_) => Err(StorageError::Other("the bulk loader stopped early".into()).into()),
        }
    }

    fn join(&mut self) -> Result<BulkLoader<'env>, ImportError> {
        let Some(loading) = self.loading.take() else {
            return Err(StorageError::Other("the bulk loader was already finished".into()).into());
        };
        match loading.join() {
            Ok(Ok(loader)) => Ok(loader),
            Ok(Err(Stop::Storage(e))) => Err(e.into()),
            Ok(Err(Stop::Dropped)) => {
                Err(StorageError::Other("the bulk loader was stopped".into()).into())
            }
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }

    /// Everything added has been handed to the loader (its last batch to a worker thread);
    /// the loader, to commit or to load more into.
    pub(crate) fn finish(mut self) -> Result<BulkLoader<'env>, ImportError> {
        if !self.chunk.is_empty() {
            self.send()?;
        }
        // Closing the channel ends the loader's input.
        self.tx = None;
        self.join()
    }
}

impl Drop for Feed<'_, '_> {
    fn drop(&mut self) {
        if let Some(tx) = self.tx.take() {
            // Unfinished: the loader stops and is dropped uncommitted on its thread (an error
            // to send means it has stopped already).
            let _ = tx.send(None);
        }
    }
}
