//! What the fuzz targets check, shared with `tests/reliability.rs`, which replays every input
//! in `fuzz/regressions/` through the same functions on each `cargo test`.
//!
//! `import_csv`: whatever the bytes, the importer returns (never panics), and
//! - a rejected file is reported as located problems (`FILE[:LINE][: column 'x']: ...`, one
//!   line each) and leaves the store exactly as it was;
//! - `--dry-run` and the real import agree on success and on the counts;
//! - an accepted file imported a second time adds nothing and changes nothing.
//!
//! `dot_quote`: `quote(text)` is one DOT double-quoted string (starts and ends with `"`, no
//! unescaped `"` inside, no raw line break or control character) that reads back as the text
//! with control characters other than line feeds dropped.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use blocgraph::error::ImportError;
use blocgraph::import::{self, Format, Input, Options, Summary};
use oxigraph::model::Quad;
use oxigraph::store::Store;

/// The seed's entities and sources: what fuzzed fact rows can refer to.
fn base() -> &'static [Quad] {
    static BASE: OnceLock<Vec<Quad>> = OnceLock::new();
    BASE.get_or_init(|| {
        let scratch = Store::new().expect("memory store");
        let inputs: Vec<Input> = blocgraph::seed::FILES[..2]
            .iter()
            .map(|&(name, text)| Input::Embedded { name, text })
            .collect();
        import::import(&scratch, &inputs, &Options::default())
            .expect("the seed's entities and sources import");
        scratch.iter().collect::<Result<Vec<_>, _>>().expect("read scratch store")
    })
}

/// What the store holds, order-independently: (number of quads, sum of their hashes).
fn contents(store: &Store) -> (usize, u64) {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    let hasher = BuildHasherDefault::<DefaultHasher>::default();
    store.iter().fold((0, 0), |(n, sum), q| {
        (n + 1, sum.wrapping_add(hasher.hash_one(q.expect("read store"))))
    })
}

/// A scratch file holding `data`, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(data: &[u8]) -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("blocgraph-fuzz-{}-{n}.csv", std::process::id()));
        std::fs::write(&path, data).expect("write scratch file");
        Self(path)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn run(
    store: &Store,
    file: &Scratch,
    format: Format,
    dry_run: bool,
) -> Result<Summary, ImportError> {
    import::import(
        store,
        &[Input::File(file.0.clone())],
        &Options { dry_run, format: Some(format), progress: None },
    )
}

/// See the module docs.
pub fn import_csv(data: &[u8]) {
    let file = Scratch::new(data);
    let name = file.0.display().to_string();
    let header_end = data.iter().position(|b| *b == b'\n').unwrap_or(data.len());
    let mut formats = vec![Format::Csv];
    if data[..header_end].windows(6).any(|w| w.eq_ignore_ascii_case(b"ioname")) {
        formats.push(Format::CowIgo);
    }
    for format in formats {
        let store = Store::new().expect("memory store");
        store.extend(base().iter().cloned()).expect("load base");
        let before = contents(&store);
        let dry = run(&store, &file, format, true);
        assert_eq!(contents(&store), before, "a dry run changed the store");
        let real = run(&store, &file, format, false);
        match (&dry, &real) {
            (Ok(d), Ok(r)) => {
                assert_eq!(d.counts, r.counts, "dry run and import disagree on the counts")
            }
            (
                Err(ImportError::Invalid { problems: d, .. }),
                Err(ImportError::Invalid { problems: r, .. }),
            ) => assert_eq!(d, r, "dry run and import report different problems"),
            _ => panic!("dry run and import disagree: {dry:?} vs {real:?}"),
        }
        match real {
            Ok(summary) => {
                let after = contents(&store);
                if summary.added() == 0 {
                    assert_eq!(after, before, "an import that added nothing changed the store");
                }
                let again = run(&store, &file, format, false).unwrap_or_else(|e| {
                    panic!("a file that imported once fails the second time: {e}")
                });
                assert_eq!(again.added(), 0, "re-import added facts: {again:?}");
                assert_eq!(contents(&store), after, "re-import changed the store");
            }
            Err(ImportError::Invalid { problems, more }) => {
                assert!(
                    !problems.is_empty(),
                    "an invalid import with no problem listed ({more} more)"
                );
                for p in &problems {
                    assert_eq!(p.file, name, "problem names another file: {p}");
                    let shown = p.to_string();
                    assert!(shown.starts_with(&name), "problem not located: {shown}");
                    assert!(!p.message.trim().is_empty(), "empty problem message: {shown}");
                    assert!(
                        !shown.chars().any(char::is_control),
                        "problem message with a raw control character: {shown:?}"
                    );
                    assert!(shown.len() < 4096, "problem message of {} bytes", shown.len());
                }
                assert_eq!(contents(&store), before, "a failed import changed the store");
            }
            Err(other) => panic!("unexpected error for a readable file: {other}"),
        }
    }
}

/// See the module docs.
pub fn dot_quote(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let quoted = blocgraph::export::dot::quote(&text);
    assert!(
        quoted.len() >= 2 && quoted.starts_with('"') && quoted.ends_with('"'),
        "not a quoted string: {quoted:?}"
    );
    let inner = &quoted[1..quoted.len() - 1];
    let mut read_back = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        assert!(!c.is_control(), "raw control character {c:?} in {quoted:?}");
        match c {
            '"' => panic!("unescaped quote in {quoted:?}"),
            '\\' => match chars.next() {
                Some('"') => read_back.push('"'),
                Some('\\') => read_back.push('\\'),
                Some('n') => read_back.push('\n'),
                other => panic!("escape \\{other:?} in {quoted:?} (the closing quote escaped?)"),
            },
            c => read_back.push(c),
        }
    }
    let expected: String = text.chars().filter(|c| *c == '\n' || !c.is_control()).collect();
    assert_eq!(read_back, expected, "quote({text:?}) = {quoted:?} does not read back");
}
