//! `serve`: the explorer page at `/`, its JSON API under `/api/`, and a read-only SPARQL endpoint
//! over the store (the SPARQL 1.1 protocol at `/query`, the saved queries at `/queries/NAME`),
//! with a query timeout on by default and bounded requests.

pub mod api;
pub mod http;
pub mod layout;
pub mod page;
pub mod routes;

use std::io::{BufReader, Read};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use oxigraph::store::Store;

use crate::error::{ServeError, StoreError};
use crate::store::{self, Access, Location};

/// How the server bounds its work.
#[derive(Debug, Clone)]
pub struct Config {
    /// Every query is cancelled after this long (the CLI's default is 30 s).
    pub timeout: Duration,
    /// Connections served at once; more are answered 503 at once.
    pub max_connections: usize,
    /// Largest request body (a POSTed query), in bytes.
    pub max_body: usize,
    /// How long a client may take to send its whole request (from the connection), and to read each part of the answer.
    pub io_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            max_connections: 16,
            max_body: 1 << 20,
            io_timeout: Duration::from_secs(10),
        }
    }
}

/// Receives one line per request (`GET /queries/members 200 3 ms`) and per accept failure.
pub type Log = Arc<dyn Fn(&str) + Send + Sync>;

/// Where each request reads: an on-disk store is opened read-only per request, so answers
/// follow imports made while the server runs and no lock is held between requests; an
/// in-memory store is the one seeded at start.
#[derive(Clone)]
enum Source {
    Dir(Location),
    Memory(Store),
}

impl Source {
    fn store(&self) -> Result<Store, StoreError> {
        match self {
            Self::Dir(location) => Ok(store::open(location, Access::Read)?.store),
            Self::Memory(store) => Ok(store.clone()),
        }
    }

    /// What identifies the data's state, so that what is derived from it can be kept between
    /// requests: for a directory, the name, size and modification time of each of its files
    /// (every committed write appends to RocksDB's log or adds a file); the in-memory store
    /// does not change (the server does not write). `None` when the directory cannot be listed.
    fn state(&self) -> Option<String> {
        let Self::Dir(Location::Dir(dir)) = self else {
            return Some("memory".to_owned());
        };
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).ok()? {
            let entry = entry.ok()?;
            let meta = entry.metadata().ok()?;
            let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
            files.push(format!(
                "{}:{}:{}",
                entry.file_name().to_string_lossy(),
                meta.len(),
                modified.as_nanos()
            ));
        }
        files.sort();
        Some(format!("{}|{}", dir.display(), files.join("|")))
    }
}

/// Binds `addr` (`HOST:PORT`; port 0 picks a free one).
pub fn bind(addr: &str) -> Result<TcpListener, ServeError> {
    TcpListener::bind(addr).map_err(|source| ServeError::Bind { addr: addr.to_owned(), source })
}

/// Serves requests on `listener` until the process ends. The store is opened (and seeded when
/// empty) once before the first request, so a broken store is reported at start.
pub fn serve(
    location: &Location,
    listener: TcpListener,
    config: Config,
    log: Log,
) -> Result<(), ServeError> {
    let db = store::open(location, Access::Read)?;
    let source = match location {
        Location::Memory => Source::Memory(db.store),
        // (`store::open` has refused a remote engine already: the explorer serves a local store.)
        Location::Dir(_) | Location::Remote(_) => {
            drop(db);
            Source::Dir(location.clone())
        }
    };
    let active = Arc::new(AtomicUsize::new(0));
    let config = Arc::new(config);
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(s) => s,
            Err(e) => {
                log(&format!("accept failed: {e}"));
                // Out of file descriptors and the like: do not spin.
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        let _ = stream.set_read_timeout(Some(config.io_timeout));
        let _ = stream.set_write_timeout(Some(config.io_timeout));
        if active.fetch_add(1, Ordering::SeqCst) + crate::query::lingering()
            >= config.max_connections
        {
            active.fetch_sub(1, Ordering::SeqCst);
            let mut stream = stream;
            let _ = http::Response::error(
                503,
                format!("busy: {} requests are running; try again", config.max_connections),
            )
            .with_header("Retry-After", "1")
            .write(&mut stream, false);
            log("503 busy");
            continue;
        }
        let (running, config, source, thread_log) =
            (Arc::clone(&active), Arc::clone(&config), source.clone(), Arc::clone(&log));
        let spawned = std::thread::Builder::new().name("blocgraph-serve".into()).spawn(move || {
            handle(stream, &source, &config, &thread_log);
            running.fetch_sub(1, Ordering::SeqCst);
        });
        if let Err(e) = spawned {
            active.fetch_sub(1, Ordering::SeqCst);
            log(&format!("cannot start a thread: {e}"));
        }
    }
    Ok(())
}

/// A connection read against a deadline: the whole request must arrive by then, however it is
/// spread out. A timeout per read alone would let a client that sends a byte every few seconds
/// hold its slot for ever.
struct Deadline {
    stream: TcpStream,
    until: Instant,
    /// What the deadline allows, for the message.
    limit: Duration,
}

impl Read for Deadline {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let timed_out = || {
            std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("the request did not arrive within {} s", self.limit.as_secs_f64()),
            )
        };
        let left = self.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(timed_out());
        }
        self.stream.set_read_timeout(Some(left))?;
        self.stream.read(buf).map_err(|e| match e.kind() {
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => timed_out(),
            _ => e,
        })
    }
}

/// Reads one request from the connection, answers it and logs it.
fn handle(stream: TcpStream, source: &Source, config: &Config, log: &Log) {
    let start = Instant::now();
    let Ok(mut writer) = stream.try_clone() else { return };
    let mut reader = BufReader::new(Deadline {
        stream,
        until: start + config.io_timeout,
        limit: config.io_timeout,
    });
    let (line, head_only, response) = match http::read_request(&mut reader, config.max_body) {
        Ok(request) => {
            let response = routes::route(&request, || source.store(), || source.state(), config);
            (format!("{} {}", request.method, request.path), request.method == "HEAD", response)
        }
        Err(response) => ("-".to_owned(), false, response),
    };
    let written = response.write(&mut writer, head_only);
    let _ = writer.shutdown(std::net::Shutdown::Write);
    // Read what the client still sends (a refused body, say) for a moment before closing:
    // closing with unread input resets the connection, and the client may lose the answer.
    reader.get_mut().until = Instant::now() + Duration::from_millis(500);
    let _ = std::io::copy(
        &mut (&mut reader).take(config.max_body as u64 + http::MAX_HEAD as u64),
        &mut std::io::sink(),
    );
    let failed = written.err().map(|e| format!(" (client gone: {e})")).unwrap_or_default();
    log(&format!("{line} {} {} ms{failed}", response.status, start.elapsed().as_millis()));
}
