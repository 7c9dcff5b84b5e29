//! Opening the on-disk oxigraph store (or an in-memory one), seeding it on first use through
//! the importer (so the seed is checked like any input), and resetting it.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use oxigraph::model::Quad;
use oxigraph::store::Store;

use crate::error::StoreError;
use crate::import::{self, claims, Options};
use crate::sparql::remote::{Endpoint, Remote};
use crate::sparql::Engine;

/// Where the data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Memory,
    Dir(PathBuf),
    /// `--endpoint URL [--graph IRI]`: a SPARQL engine elsewhere, read through the protocol
    /// (commands that write or serve the store refuse it).
    Remote(Endpoint),
}

impl Location {
    /// `--store DIR`, else `$BLOCGRAPH_STORE`, else the platform data dir.
    pub fn resolve(store: Option<PathBuf>, memory: bool) -> Result<Self, StoreError> {
        if memory {
            return Ok(Self::Memory);
        }
        if let Some(dir) = store {
            return Ok(Self::Dir(dir));
        }
        if let Some(dir) = std::env::var_os("BLOCGRAPH_STORE").filter(|v| !v.is_empty()) {
            return Ok(Self::Dir(PathBuf::from(dir)));
        }
        Ok(Self::Dir(default_dir().ok_or(StoreError::NoLocation)?))
    }

    pub fn describe(&self) -> String {
        match self {
            Self::Memory => "memory".to_owned(),
            Self::Dir(d) => d.display().to_string(),
            Self::Remote(e) => e.to_string(),
        }
    }
}

/// What a reading command reads: the local store, or a remote engine.
pub enum Reader {
    Local(Db),
    Remote(Remote),
}

impl Reader {
    /// The engine every read goes to.
    pub fn engine(&self) -> Engine<'_> {
        match self {
            Self::Local(db) => Engine::Embedded(&db.store),
            Self::Remote(remote) => Engine::Remote(remote),
        }
    }
}

/// Opens what `location` names for reading: the store (seeded on first use) or a connection
/// to the endpoint (nothing is sent until the first query).
pub fn open_reader(location: &Location) -> Result<Reader, StoreError> {
    match location {
        Location::Remote(endpoint) => Ok(Reader::Remote(Remote::new(endpoint.clone()))),
        Location::Memory | Location::Dir(_) => Ok(Reader::Local(open(location, Access::Read)?)),
    }
}

/// `$XDG_DATA_HOME/blocgraph/store`, else `~/.local/share/blocgraph/store`.
pub(crate) fn default_dir() -> Option<PathBuf> {
    if let Some(data) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(data).join("blocgraph").join("store"));
    }
    let home = std::env::var_os("HOME").filter(|v| !v.is_empty())?;
    Some(PathBuf::from(home).join(".local/share/blocgraph/store"))
}

/// Whether a command only reads (several readers may share a store) or also writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// An open store.
pub struct Db {
    pub store: Store,
    pub location: Location,
    /// True when this open seeded an empty store.
    pub seeded: bool,
}

#[cfg(feature = "rocksdb")]
mod disk;
#[cfg(feature = "rocksdb")]
use disk::open_dir;

/// Without the `rocksdb` feature there are only in-memory stores.
#[cfg(not(feature = "rocksdb"))]
fn open_dir(path: &std::path::Path, _access: Access) -> Result<Store, StoreError> {
    Err(StoreError::NoDisk { path: path.to_owned() })
}

/// Opens the store, seeding it with the curated seed data when it is empty.
pub fn open(location: &Location, access: Access) -> Result<Db, StoreError> {
    let store = match location {
        Location::Memory => Store::new()?,
        Location::Dir(path) => open_dir(path, access)?,
        Location::Remote(endpoint) => {
            return Err(StoreError::NotLocal {
                command: "this command",
                endpoint: endpoint.to_string(),
            })
        }
    };
    let store = complete_pending(location, store, access)?;
    if !store.is_empty()? {
        return Ok(Db { store, location: location.clone(), seeded: false });
    }
    // An empty store: (re)open it for writing if needed, then seed it.
    let store = match location {
        Location::Dir(path) if access == Access::Read => {
            drop(store);
            open_dir(path, Access::Write)?
        }
        _ => store,
    };
    if store.is_empty()? {
        write_seed(&store, false)?;
    }
    Ok(Db { store, location: location.clone(), seeded: true })
}

/// How long a reader waits for a running bulk import to write its claims.
const COMPLETING_WAIT: Duration = Duration::from_secs(60);

/// A bulk import stores its facts, then their claims (see `import::claims::pending_marker`).
/// A store between the two is completed here before anyone reads it: by this open when it
/// writes or nobody holds the lock (the import was killed), else by waiting for the import.
fn complete_pending(
    location: &Location,
    store: Store,
    access: Access,
) -> Result<Store, StoreError> {
    if !claims::is_pending(&store)? {
        return Ok(store);
    }
    let complete = |store: &Store| -> Result<(), StoreError> {
        claims::complete(store).map_err(|e| StoreError::Complete(Box::new(e)))?;
        Ok(import::flush(store)?)
    };
    let path = match location {
        Location::Dir(path) if access == Access::Read => path,
        _ => {
            complete(&store)?;
            return Ok(store);
        }
    };
    drop(store);
    let deadline = Instant::now() + COMPLETING_WAIT;
    loop {
        match open_dir(path, Access::Write) {
            Ok(store) => {
                if claims::is_pending(&store)? {
                    complete(&store)?;
                }
                return Ok(store);
            }
            Err(StoreError::InUse { .. }) => {
                std::thread::sleep(Duration::from_millis(100));
                let store = open_dir(path, Access::Read)?;
                if !claims::is_pending(&store)? {
                    return Ok(store);
                }
                if Instant::now() >= deadline {
                    return Err(StoreError::Completing { path: path.clone() });
                }
            }
            Err(e) => return Err(e),
        }
    }
}

/// The seed as quads, checked by the importer against an empty in-memory store.
pub(crate) fn seed_quads() -> Result<Vec<Quad>, StoreError> {
    let scratch = Store::new()?;
    import::import(&scratch, &crate::seed::inputs(), &Options::default())
        .map_err(|e| StoreError::Seed(Box::new(e)))?;
    Ok(scratch.iter().collect::<Result<Vec<_>, _>>()?)
}

/// Writes the seed in one transaction, first emptying the store when `clear` is set.
///
/// The clear is its own (atomic, range-deleting) commit: clearing inside the seed's
/// transaction deletes quad by quad, re-scanning the store each batch (23 s and a 250 MB
/// write-ahead log, replayed by every later reader, for 1.5M triples). A crash between the two
/// commits leaves an empty store, which the next open seeds: either way the store is then the
/// old state or the seed. The flush writes the log into tables, so readers need not replay it.
fn write_seed(store: &Store, clear: bool) -> Result<(), StoreError> {
    let quads = seed_quads()?;
    if clear {
        store.clear()?;
    }
    let mut transaction = store.start_transaction()?;
    transaction.extend(&quads);
    transaction.commit()?;
    import::flush(store)?;
    Ok(())
}

/// Empties the store and re-seeds it (see [`write_seed`] for why this is crash-safe).
pub fn reset(store: &Store) -> Result<(), StoreError> {
    write_seed(store, true)
}
