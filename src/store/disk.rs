//! The on-disk store: RocksDB-backed oxigraph opened read-write (one writer, holding its lock)
//! or read-only (any number of readers), with clear errors for a busy or damaged store.

use std::path::Path;

use oxigraph::store::{StorageError, Store};

use super::Access;
use crate::error::StoreError;

fn is_lock_error(error: &StorageError) -> bool {
    let text = error.to_string();
    text.contains("LOCK")
        || text.contains("lock file")
        || text.contains("Resource temporarily unavailable")
}

pub(super) fn open_dir(path: &Path, access: Access) -> Result<Store, StoreError> {
    let exists = path.join("CURRENT").exists();
    if access == Access::Read && exists {
        return open_read_only(path);
    }
    if path.exists() && !path.is_dir() {
        return Err(StoreError::CreateDir {
            path: path.to_owned(),
            source: std::io::Error::other("it exists and is not a directory"),
        });
    }
    std::fs::create_dir_all(path)
        .map_err(|source| StoreError::CreateDir { path: path.to_owned(), source })?;
    let store = open_read_write(path)?;
    remove_stale_bulk_files(path);
    Ok(store)
}

fn open_read_write(path: &Path) -> Result<Store, StoreError> {
    Store::open(path).map_err(|source| {
        if is_lock_error(&source) {
            StoreError::InUse { path: path.to_owned() }
        } else {
            StoreError::Open { path: path.to_owned(), source }
        }
    })
}

/// How often a read-only open is tried before asking whether a writer holds the store.
const READ_ATTEMPTS: u32 = 4;

/// Opens the store read-only. A writer in another process may be replacing the store's files
/// at that very moment (flushing, compacting, ingesting a bulk load): RocksDB then fails with
/// a "missing file"/"may be corrupted" error. Such failures are retried; if they persist, the
/// lock tells a busy store (a clear "in use" error) from a broken one (the original error), and
/// a store nobody holds is simply opened for writing (which recovers it consistently).
fn open_read_only(path: &Path) -> Result<Store, StoreError> {
    let mut attempt = 0;
    let first_error = loop {
        match Store::open_read_only(path) {
            Ok(store) => return Ok(store),
            Err(error) if attempt + 1 >= READ_ATTEMPTS => break error,
            Err(_) => {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(50 << attempt));
            }
        }
    };
    match Store::open(path) {
        Ok(store) => {
            remove_stale_bulk_files(path);
            Ok(store)
        }
        Err(error) if is_lock_error(&error) => Err(StoreError::InUse { path: path.to_owned() }),
        Err(_) => Err(StoreError::Open { path: path.to_owned(), source: first_error }),
    }
}

/// Removes the `bulk-*.sst` files a bulk load killed before its commit leaves in the store
/// directory (RocksDB does not know them, so nothing else ever deletes them). Only called with
/// the write lock held, so no other process can be writing such files.
fn remove_stale_bulk_files(path: &Path) {
    let Ok(entries) = std::fs::read_dir(path) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("bulk-") && name.ends_with(".sst") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
