//! A temp work dir with its own store, and helpers to run the binary in it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Workdir {
    pub dir: tempfile::TempDir,
}

impl Workdir {
    pub fn new() -> Self {
        Self { dir: tempfile::tempdir().expect("temp dir") }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn store(&self) -> PathBuf {
        self.path("store")
    }

    /// Writes a file in the work dir and returns its path.
    pub fn write(&self, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, content).expect("write fixture");
        path
    }

    /// The binary with `--store` set to this work dir's store.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_blocgraph"));
        cmd.arg("--store").arg(self.store()).args(args).current_dir(self.dir.path());
        cmd.env_remove("BLOCGRAPH_STORE");
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run blocgraph")
    }

    /// Runs and asserts success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "blocgraph {args:?} failed ({:?}):\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// Runs and asserts the exit code; returns stderr.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            out.status.code(),
            Some(code),
            "blocgraph {args:?}: expected exit {code}, stderr:\n{stderr}\nstdout:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(!stderr.contains("panicked"), "panic: {stderr}");
        stderr
    }

    /// The store's content as sorted N-Quads lines: what "unchanged" is checked against.
    pub fn snapshot(&self) -> Vec<String> {
        let out = self.ok(&["export", "rdf", "--format", "nq"]);
        let mut lines: Vec<String> = out.lines().map(str::to_owned).collect();
        lines.sort();
        lines
    }

    /// Parses CSV output into rows of cells (header first).
    pub fn csv(&self, args: &[&str]) -> Vec<Vec<String>> {
        let mut all = args.to_vec();
        all.extend(["--format", "csv"]);
        let out = self.ok(&all);
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(out.as_bytes());
        reader.records().map(|r| r.expect("csv row").iter().map(str::to_owned).collect()).collect()
    }
}

/// `../shared/` beside the repo (present in CI), if there.
pub fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    p.is_dir().then_some(p)
}

/// Python with the pinned oracles, or a loud failure saying how to install them.
pub fn python_with(module: &str) -> Command {
    let check = Command::new("python3").args(["-c", &format!("import {module}")]).output();
    match check {
        Ok(o) if o.status.success() => Command::new("python3"),
        _ => panic!("the test oracle needs the Python module '{module}': pip install -r tests/oracle/requirements.txt"),
    }
}

/// The repo root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A source row every `rejects` import brings along, so facts can cite `test-src`.
pub const TEST_SOURCE: &str = "id,title,publisher,published,author,url,note\ntest-src,A test article,Test Press,2024-05,Ann Author,https://example.org/a,for tests\n";

/// A work dir whose store has been seeded.
pub fn seeded() -> Workdir {
    let w = Workdir::new();
    w.ok(&["stats"]);
    w
}

/// Imports [`TEST_SOURCE`] and `content` as `name`; asserts exit 2, every expected text, the
/// "nothing was stored" summary and an unchanged store. Returns stderr.
pub fn rejects(name: &str, content: impl AsRef<[u8]>, expected: &[&str]) -> String {
    let w = seeded();
    let before = w.snapshot();
    let src = w.write("sources.csv", TEST_SOURCE);
    let file = w.write(name, content);
    let stderr = w.fails(&["import", src.to_str().unwrap(), file.to_str().unwrap()], 2);
    for e in expected {
        assert!(stderr.contains(e), "expected {e:?} in:\n{stderr}");
    }
    assert!(stderr.trim_end().ends_with("nothing was stored"), "{stderr}");
    assert_eq!(w.snapshot(), before, "the store changed after a rejected import");
    stderr
}
