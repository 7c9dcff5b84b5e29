//! A temp work dir with its own store, and helpers to run the binary in it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub struct Workdir {
    pub dir: tempfile::TempDir,
}

thread_local! {
    /// When this test (libtest runs each test on its own thread, named after it) made its first
    /// work dir: what [`Workdir`]'s drop reports to `$BLOCGRAPH_TEST_TIMES`.
    static TEST_START: Instant = Instant::now();
}

impl Workdir {
    pub fn new() -> Self {
        TEST_START.with(|_| ());
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

    /// Runs and also measures the CPU time (user + system, seconds) the process used: a bound
    /// that holds on a loaded machine, where wall-clock time does not.
    pub fn run_cpu_timed(&self, args: &[&str]) -> (Output, f64) {
        let times = self.path(".cpu-time");
        let mut cmd = Command::new("bash");
        cmd.arg("-c")
            .arg(r#"TIMEFORMAT="%3U %3S"; { time "$0" "$@" 2>&3; } 3>&2 2>"$CPU_TIME_FILE""#)
            .arg(env!("CARGO_BIN_EXE_blocgraph"))
            .arg("--store")
            .arg(self.store())
            .args(args)
            .current_dir(self.dir.path())
            .env("CPU_TIME_FILE", &times)
            .env_remove("BLOCGRAPH_STORE");
        let out = cmd.output().expect("run blocgraph under bash's `time`");
        let text = std::fs::read_to_string(&times).expect("bash wrote the times");
        let cpu = text.split_whitespace().map(|t| t.parse::<f64>().expect("a time")).sum();
        (out, cpu)
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

    /// The one number a `SELECT (COUNT(*) AS ?n) ...` query answers, run through the binary.
    pub fn count(&self, sparql: &str) -> u64 {
        let file = self.write("count.rq", format!("{sparql}\n"));
        let out = self.ok(&["query", file.to_str().unwrap(), "--format", "csv"]);
        out.lines().nth(1).and_then(|l| l.trim().parse().ok()).unwrap_or_else(|| panic!("{out}"))
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

/// Appends "SECONDS<TAB>TEST" to `$BLOCGRAPH_TEST_TIMES` (set by scripts/test.sh, which prints
/// the slowest tests): the time from the test's first work dir to this one's end. Stable
/// libtest has no per-test times (`--report-time` is nightly-only).
impl Drop for Workdir {
    fn drop(&mut self) {
        let Some(file) = std::env::var_os("BLOCGRAPH_TEST_TIMES") else { return };
        let name = std::thread::current().name().unwrap_or("?").to_owned();
        let secs = TEST_START.with(Instant::elapsed).as_secs_f64();
        if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(file) {
            use std::io::Write;
            let _ = writeln!(f, "{secs:.2}\t{name}");
        }
    }
}

/// `../shared/` beside the repo (or `$BLOCGRAPH_SHARED`): the articles and the outside data.
/// CI has it; a test that
/// needs it fails, naming what is missing, rather than passing without checking anything.
pub fn shared() -> PathBuf {
    // `$BLOCGRAPH_SHARED` where the checkout is not beside it.
    let p = std::env::var_os("BLOCGRAPH_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    assert!(
        p.join("seeds").is_dir() && p.join("external").is_dir(),
        "{} (with seeds/ and external/) is needed by this test: it holds the five articles and the outside data (CI checks it out beside the repo)",
        p.display()
    );
    p
}

/// A child process killed (SIGKILL) and reaped when dropped, so a panicking test leaves no
/// helper holding a store's lock.
pub struct ChildGuard(Option<Child>);

impl ChildGuard {
    pub fn spawn(cmd: &mut Command) -> Self {
        Self::new(cmd.spawn().expect("spawn blocgraph"))
    }

    /// Guards a child started elsewhere (a server the tests run, say).
    pub fn new(child: Child) -> Self {
        Self(Some(child))
    }

    pub fn id(&self) -> u32 {
        self.child().id()
    }

    pub fn child(&self) -> &Child {
        self.0.as_ref().expect("child taken")
    }

    pub fn child_mut(&mut self) -> &mut Child {
        self.0.as_mut().expect("child taken")
    }

    /// Whether it has exited (without waiting).
    pub fn exited(&mut self) -> bool {
        self.child_mut().try_wait().expect("try_wait").is_some()
    }

    /// Hands the child over (to wait for its output); the caller then owns its cleanup.
    pub fn take(mut self) -> Child {
        self.0.take().expect("child taken")
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Whether process `pid` holds a POSIX lock on the file `path` (Linux: /proc/locks lists
/// `N: POSIX ADVISORY WRITE PID MAJ:MIN:INODE START END`). RocksDB locks `LOCK` with fcntl.
pub fn holds_lock(pid: u32, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = std::fs::metadata(path) else { return false };
    let inode = format!(":{}", meta.ino());
    let locks = std::fs::read_to_string("/proc/locks").unwrap_or_default();
    locks.lines().any(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        let (pid_at, dev_at) = if f.get(1) == Some(&"->") { (5, 6) } else { (4, 5) };
        f.get(pid_at) == Some(&pid.to_string().as_str())
            && f.get(dev_at).is_some_and(|d| d.ends_with(&inode))
    })
}

/// Holds the store open for writing: an import reading a FIFO nobody writes to yet. Ready once
/// the process holds the store's lock; killed on drop if the test fails before `release`.
pub struct Holder {
    child: ChildGuard,
    fifo: PathBuf,
}

impl Holder {
    pub fn new(w: &Workdir) -> Self {
        let fifo = w.path("holder-fifo.csv");
        assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let mut child = ChildGuard::spawn(
            w.command(&["import", fifo.to_str().unwrap()])
                .stdout(Stdio::null())
                .stderr(Stdio::piped()),
        );
        let lock = w.store().join("LOCK");
        let deadline = Instant::now() + Duration::from_secs(60);
        while !holds_lock(child.id(), &lock) {
            assert!(!child.exited(), "the holder exited before taking the store's lock");
            assert!(Instant::now() < deadline, "the holder never locked the store");
            std::thread::sleep(Duration::from_millis(5));
        }
        Self { child, fifo }
    }

    /// Lets the holder finish (it imports an empty entities file) and checks it succeeded.
    pub fn release(self) {
        std::fs::write(&self.fifo, "id,kind,label\n").unwrap();
        let out = self.child.take().wait_with_output().unwrap();
        assert!(out.status.success(), "holder: {}", String::from_utf8_lossy(&out.stderr));
    }
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
