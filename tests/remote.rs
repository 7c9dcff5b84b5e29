//! Remote engines (`--endpoint`, `push`): the same answers from oxigraph's server and Virtuoso
//! 7.2 as from the embedded store, and failures a user can act on.
//!
//! The engines are real: oxigraph's server from PyPI (`pip install -r
//! tests/oracle/requirements.txt`) and Debian's `virtuoso-opensource` (`apt-get install
//! virtuoso-opensource`), each started on 127.0.0.1 on a free port with its data in a temp dir
//! and stopped by its PID when the test ends (also on panic). The faults that need no engine
//! (HTTP 500, garbage, a proxy that never answers) come from a small in-test HTTP server.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::workdir::{ChildGuard, Workdir};

use crate::gen;

/// The binary with no store flags and no endpoint in the environment.
fn bare(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_blocgraph"));
    cmd.args(args);
    for var in [
        "BLOCGRAPH_STORE",
        "BLOCGRAPH_ENDPOINT",
        "BLOCGRAPH_ENDPOINT_USER",
        "BLOCGRAPH_ENDPOINT_PASSWORD",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

fn output(mut cmd: Command) -> Output {
    cmd.output().expect("run blocgraph")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

fn tool(name: &str, install: &str) -> PathBuf {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    found.unwrap_or_else(|| panic!("the remote-engine tests need `{name}`: {install}"))
}

/// Starts a server (its output discarded), killed and reaped by its PID when the guard drops
/// (also when a test panics), and waits until `ready` answers a GET with a success status.
fn start_server(cmd: &mut Command, name: &str, ready: &str, limit: Duration) -> ChildGuard {
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start {name}: {e}"));
    let mut server = ChildGuard::new(child);
    let started = Instant::now();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(5)))
        .build()
        .into();
    loop {
        if let Ok(Some(status)) = server.child_mut().try_wait() {
            panic!("{name} exited at start ({status})");
        }
        if let Ok(r) = agent.get(ready).call() {
            if r.status().is_success() {
                return server;
            }
        }
        assert!(started.elapsed() < limit, "{name} did not answer {ready} within {limit:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `oxigraph serve` (PyPI `oxigraph`) on a free port with its data in `dir`.
fn oxigraph_server(dir: &Path) -> (ChildGuard, String) {
    let bin = tool("oxigraph", "pip install -r tests/oracle/requirements.txt (PyPI `oxigraph`)");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let server = start_server(
        Command::new(bin)
            .args(["serve", "--location"])
            .arg(dir)
            .args(["--bind", &format!("127.0.0.1:{port}")]),
        "oxigraph serve",
        &format!("{base}/query?query=ASK%7B%7D"),
        Duration::from_secs(30),
    );
    (server, base)
}

/// Virtuoso 7.2 (Debian `virtuoso-opensource`) on free ports with a fresh database in `dir`
/// (`dba`/`dba`); `nt` is bulk-loaded into `graph` with `ld_dir` + `rdf_loader_run`.
fn virtuoso(dir: &Path, nt: &Path, graph: &str) -> (ChildGuard, String) {
    let install = "apt-get install virtuoso-opensource (Debian)";
    let bin = tool("virtuoso-t", install);
    let isql = tool("isql-vt", install);
    let (sql_port, http_port) = (free_port(), free_port());
    let data_dir = nt.parent().expect("nt dir");
    let ini = virtuoso_ini(dir, data_dir, sql_port, http_port);
    let url = format!("http://127.0.0.1:{http_port}/sparql");
    let server = start_server(
        Command::new(bin).args(["+foreground", "+configfile"]).arg(&ini).current_dir(dir),
        "virtuoso-t",
        &format!("{url}?query=ASK%7B%7D"),
        Duration::from_secs(120),
    );
    let data_dir = data_dir.display().to_string();
    let file = nt.file_name().expect("nt name").to_string_lossy().into_owned();
    let script = format!(
        "ld_dir('{data_dir}', '{file}', '{graph}');\nrdf_loader_run();\ncheckpoint;\nSELECT 'errors', COUNT(*) FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;\nSELECT 'loaded', COUNT(*) FROM DB.DBA.load_list WHERE ll_state = 2;\n"
    );
    let out = Command::new(isql)
        .arg(format!("127.0.0.1:{sql_port}"))
        .args(["dba", "dba"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin.take().expect("stdin").write_all(script.as_bytes())?;
            c.wait_with_output()
        })
        .expect("run isql-vt");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && !text.contains("*** Error"),
        "bulk load failed:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["errors", "0"]),
        "the bulk loader reported errors:\n{text}"
    );
    // ld_dir lists nothing, silently, from a directory outside DirsAllowed.
    assert!(
        text.lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["loaded", "1"]),
        "the bulk loader did not load {file}:\n{text}"
    );
    (server, url)
}

/// Debian's virtuoso.ini with the database in `dir`, the given ports, `dir` and `data` (what
/// the bulk loader reads) in DirsAllowed
/// and no cut on result sizes.
fn virtuoso_ini(dir: &Path, data: &Path, sql_port: u16, http_port: u16) -> PathBuf {
    let base = std::fs::read_to_string("/etc/virtuoso-opensource-7/virtuoso.ini").expect(
        "read /etc/virtuoso-opensource-7/virtuoso.ini (apt-get install virtuoso-opensource)",
    );
    let d = dir.display().to_string();
    let mut section = String::new();
    let mut out = String::new();
    for line in base.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            section = trimmed.to_owned();
        }
        let key = trimmed.split('=').next().unwrap_or("").trim();
        let line = match (section.as_str(), key) {
            (
                _,
                "DatabaseFile" | "ErrorLogFile" | "LockFile" | "TransactionFile"
                | "xa_persistent_file",
            ) => line.replace("/var/lib/virtuoso-opensource-7/db", &d),
            ("[Parameters]", "ServerPort") => format!("ServerPort = {sql_port}"),
            ("[HTTPServer]", "ServerPort") => format!("ServerPort = {http_port}"),
            ("[URIQA]", "DefaultHost") => format!("DefaultHost = 127.0.0.1:{http_port}"),
            (_, "DirsAllowed") => {
                format!(
                    "DirsAllowed = ., {d}, {}, /usr/share/virtuoso-opensource-7/vad",
                    data.display()
                )
            }
            ("[SPARQL]", "ResultSetMaxRows") => "ResultSetMaxRows = 10000000".to_owned(),
            ("[SPARQL]", "MaxQueryExecutionTime") => "MaxQueryExecutionTime = 600".to_owned(),
            ("[SPARQL]", "MaxQueryCostEstimationTime") => {
                "MaxQueryCostEstimationTime = 100000".to_owned()
            }
            ("[Parameters]", "NumberOfBuffers") => "NumberOfBuffers = 20000".to_owned(),
            (_, "MaxDirtyBuffers") => "MaxDirtyBuffers = 12000".to_owned(),
            _ => line.to_owned(),
        };
        out.push_str(&line);
        out.push('\n');
    }
    let path = dir.join("virtuoso.ini");
    std::fs::write(&path, out).expect("write virtuoso.ini");
    path
}

/// A work dir whose store holds the seed, `rows` generated rows, the real COW IGO and ATOP
/// extracts (so the field's queries and analyses have data on every engine); returns it and
/// its N-Triples export (in a directory of its own, for Virtuoso's `ld_dir`).
fn seeded_with_generated(rows: u64) -> (Workdir, PathBuf) {
    let w = Workdir::new();
    let data = w.path("gen");
    gen::generate(&data, &gen::Spec { rows, ..gen::Spec::default() }).expect("generate data");
    let files: Vec<String> =
        ["entities.csv", "sources.csv", "memberships.csv", "trade.csv", "events.csv"]
            .iter()
            .map(|f| data.join(f).display().to_string())
            .collect();
    let mut args = vec!["import"];
    args.extend(files.iter().map(String::as_str));
    w.ok(&args);
    let external = crate::workdir::shared().join("external");
    let cow = external.join("cow-igo-v3-postsoviet.csv");
    let atop = external.join("atop-5.1-ddy-postsoviet.csv");
    w.ok(&["import", "--format", "cow-igo", cow.to_str().expect("utf-8")]);
    w.ok(&["import", "--format", "atop-ddy", atop.to_str().expect("utf-8")]);
    let nt_dir = w.path("nt");
    std::fs::create_dir_all(&nt_dir).expect("nt dir");
    let nt = nt_dir.join("data.nt");
    w.ok(&["export", "rdf", "--format", "nt", "-o", nt.to_str().expect("utf-8")]);
    (w, nt)
}

/// One engine to compare: how to point the binary at it.
struct Target {
    name: &'static str,
    flags: Vec<String>,
}

impl Target {
    fn run(&self, args: &[&str]) -> Output {
        let mut all: Vec<&str> = self.flags.iter().map(String::as_str).collect();
        all.extend(args);
        output(bare(&all))
    }
}

/// stdout's lines, with the exit code. In order: the saved queries' ORDER BY and every output
/// blocgraph sorts must come out the same from every engine; only RDF (`export rdf`), a set of
/// triples, is compared as a set, without the store's record of its bulk imports (the
/// `bg:store` quads of the `bg:import` graph, see docs/model.md): the embedded store's
/// N-Triples hold every graph, an engine that keeps graphs (oxigraph's server, pushed to
/// without `--graph`) answers its default graph, and the record is not data.
fn answer(out: &Output, args: &[&str]) -> (Option<i32>, Vec<String>) {
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    if args.starts_with(&["export", "rdf"]) {
        lines.retain(|l| !l.starts_with("<https://blocgraph.org/ns#store> "));
        lines.sort();
    }
    (out.status.code(), lines)
}

/// The cases: every saved query, with each optional parameter unset, set alone, and all set,
/// with the seed's ids and with generated ids.
fn cases(fact: &str) -> Vec<Vec<String>> {
    let list = output(bare(&["queries", "--format", "json"]));
    let queries: serde_json::Value = serde_json::from_slice(&list.stdout).expect("queries json");
    let value = |query: &str, name: &str, kind: &str, generated: bool| -> String {
        match (kind, name, generated) {
            ("entity", "bloc", false) => "CSTO".into(),
            ("entity", "bloc", true) => "B0001".into(),
            ("entity", "b" | "actor" | "partner", false) => "RUS".into(),
            ("entity", "b" | "actor" | "partner", true) => "C00002".into(),
            ("entity", _, false) => "ARM".into(),
            ("entity", _, true) => "C00001".into(),
            ("date", "from", _) => "2000".into(),
            ("date", "to", _) => "2024-06".into(),
            ("date", _, _) => "2015-06-01".into(),
            ("fact", _, _) => fact.into(),
            ("string", "kind", _) if query == "alliances" => "defense".into(),
            ("string", "kind", _) => "country".into(),
            ("string", "by_source", _) => "true".into(),
            (other, name, _) => panic!("no test value for {name}: {other}"),
        }
    };
    let mut all = Vec::new();
    for q in queries.as_array().expect("array") {
        let name = q["name"].as_str().expect("name");
        let params = q["params"].as_array().expect("params");
        for generated in [false, true] {
            let required: Vec<String> = params
                .iter()
                .filter(|p| p["required"].as_bool() == Some(true))
                .map(|p| {
                    let n = p["name"].as_str().expect("param name");
                    format!("{n}={}", value(name, n, p["kind"].as_str().expect("kind"), generated))
                })
                .collect();
            let optional: Vec<String> = params
                .iter()
                .filter(|p| p["required"].as_bool() != Some(true))
                .map(|p| {
                    let n = p["name"].as_str().expect("param name");
                    format!("{n}={}", value(name, n, p["kind"].as_str().expect("kind"), generated))
                })
                .collect();
            let mut sets = vec![required.clone()];
            for o in &optional {
                let mut s = required.clone();
                s.push(o.clone());
                sets.push(s);
            }
            if optional.len() > 1 {
                let mut s = required.clone();
                s.extend(optional.iter().cloned());
                sets.push(s);
            }
            for set in sets {
                let mut args =
                    vec!["query".to_owned(), name.to_owned(), "--format".into(), "csv".into()];
                for p in set {
                    args.push("--param".into());
                    args.push(p);
                }
                if !all.contains(&args) {
                    all.push(args);
                }
            }
        }
    }
    all
}

#[test]
fn query_remote_engines_give_the_embedded_answers() {
    let (w, nt) = seeded_with_generated(3000);
    let store = w.store().display().to_string();
    let graph = "https://blocgraph.org/graph/test";

    let ox_dir = tempfile::tempdir().expect("temp dir");
    let (_ox, ox_base) = oxigraph_server(ox_dir.path());
    // oxigraph: the store pushed into the default graph.
    let push = w.run(&["push", &format!("{ox_base}/store"), "--batch", "20000"]);
    assert!(push.status.success(), "push: {}", String::from_utf8_lossy(&push.stderr));

    let vt_dir = tempfile::tempdir().expect("temp dir");
    let (_vt, vt_url) = virtuoso(vt_dir.path(), &nt, graph);

    let local = Target { name: "embedded", flags: vec!["--store".into(), store] };
    let engines = [
        Target { name: "oxigraph", flags: vec!["--endpoint".into(), format!("{ox_base}/query")] },
        Target {
            name: "virtuoso",
            flags: vec!["--endpoint".into(), vt_url.clone(), "--graph".into(), graph.into()],
        },
    ];

    // A fact id for `sources --param fact=`.
    let facts = local.run(&["query", "sources", "--param", "entity=ARM", "--format", "csv"]);
    let facts = String::from_utf8_lossy(&facts.stdout).into_owned();
    let fact = facts
        .split([',', '\n'])
        .find(|c| c.len() == 18 && c.as_bytes()[1] == b'-')
        .unwrap_or_else(|| panic!("no fact id in:\n{facts}"))
        .to_owned();

    let mut commands: Vec<Vec<String>> = cases(&fact);
    let more: &[&[&str]] = &[
        &["analyze", "cohesion", "--as-of", "2015-06-01", "--format", "csv"],
        &[
            "analyze", "cohesion", "--from", "2010", "--to", "2014", "--step", "year", "--format",
            "csv",
        ],
        &["analyze", "centrality", "--as-of", "2015-06-01", "--format", "csv"],
        &["analyze", "overlap", "--as-of", "2015-06-01", "--format", "csv"],
        &["analyze", "agreement", "--format", "csv"],
        &["analyze", "agreement", "--with", "atop", "--format", "csv"],
        &["export", "panel", "--unit", "country-year", "--from", "1995", "--to", "2020"],
        &["export", "panel", "--unit", "dyad-year", "--from", "2010", "--to", "2012"],
        &["export", "gexf"],
        &["export", "dot", "--as-of", "2015-06-01"],
        &["export", "edges", "--as-of", "2015-06-01", "--bloc", "CSTO"],
        &["export", "rdf", "--format", "nt"],
        &["stats", "--format", "csv"],
        &["validate", "--format", "json"],
    ];
    commands.extend(more.iter().map(|c| c.iter().map(|s| (*s).to_owned()).collect()));
    assert!(commands.len() > 50, "only {} cases", commands.len());

    let mut differences: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut rows_compared = 0;
    let mut times: Vec<(Duration, &str, String)> = Vec::new();
    for args in &commands {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let started = Instant::now();
        let expected = answer(&local.run(&args), &args);
        times.push((started.elapsed(), "embedded", args.join(" ")));
        assert!(
            expected.0 == Some(0) || (args[0] == "validate" && expected.0 == Some(1)),
            "embedded {args:?} failed: {:?}",
            expected
        );
        rows_compared += expected.1.len();
        for engine in &engines {
            let started = Instant::now();
            let out = engine.run(&args);
            times.push((started.elapsed(), engine.name, args.join(" ")));
            let got = answer(&out, &args);
            if got != expected {
                let missing: Vec<&String> =
                    expected.1.iter().filter(|l| !got.1.contains(l)).take(3).collect();
                let extra: Vec<&String> =
                    got.1.iter().filter(|l| !expected.1.contains(l)).take(3).collect();
                // The same lines in another order: where the order first differs.
                let first = expected.1.iter().zip(&got.1).position(|(a, b)| a != b);
                differences.entry(engine.name.to_owned()).or_default().push(format!(
                    "{args:?}: exit {:?} vs {:?}, {} vs {} lines; missing {missing:?}; extra {extra:?}; first difference at line {first:?}; stderr {}",
                    got.0,
                    expected.0,
                    got.1.len(),
                    expected.1.len(),
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
            }
        }
    }
    times.sort_by_key(|t| std::cmp::Reverse(t.0));
    eprintln!("{} runs; the slowest:", times.len());
    for (took, engine, args) in times.iter().take(12) {
        eprintln!("{:8.2} s  {engine}: {args}", took.as_secs_f64());
    }
    assert!(rows_compared > 1000, "only {rows_compared} lines compared");
    assert!(differences.is_empty(), "answers differ from the embedded store:\n{}", {
        let mut text = String::new();
        for (engine, list) in &differences {
            text.push_str(&format!("== {engine}: {} cases\n", list.len()));
            for d in list {
                text.push_str(d);
                text.push('\n');
            }
        }
        text
    });
}

#[test]
fn push_twice_leaves_the_remote_graph_unchanged() {
    let w = crate::workdir::seeded();
    let dir = tempfile::tempdir().expect("temp dir");
    let (_server, base) = oxigraph_server(dir.path());
    let graph = "https://blocgraph.org/graph/push";
    let remote = |args: &[&str]| {
        let mut all =
            vec!["--endpoint".to_owned(), format!("{base}/query"), "--graph".into(), graph.into()];
        all.extend(args.iter().map(|s| (*s).to_owned()));
        let all: Vec<&str> = all.iter().map(String::as_str).collect();
        let out = output(bare(&all));
        assert!(out.status.success(), "{all:?}: {}", String::from_utf8_lossy(&out.stderr));
        let mut lines: Vec<String> =
            String::from_utf8_lossy(&out.stdout).lines().map(str::to_owned).collect();
        lines.sort();
        lines
    };
    let store_url = format!("{base}/store");
    // Small batches: several requests per graph, so the PUT-then-POST sequence is exercised.
    let first = w.run(&["push", &store_url, "--graph", graph, "--batch", "500"]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let summary = String::from_utf8_lossy(&first.stderr);
    assert!(summary.contains("pushed") && summary.contains("requests"), "{summary}");
    let after_one = remote(&["export", "rdf", "--format", "nt"]);
    assert_eq!(after_one, w.snapshot(), "the remote graph is not the store");
    let second = w.run(&["push", &store_url, "--graph", graph, "--batch", "500"]);
    assert!(second.status.success(), "{}", String::from_utf8_lossy(&second.stderr));
    assert_eq!(remote(&["export", "rdf", "--format", "nt"]), after_one);
    // A graph with a stray triple (a push interrupted, or an older version) is made whole.
    let stray =
        w.write("stray.nt", "<https://example.org/s> <https://example.org/p> \"stale\" .\n");
    let out = w.run(&["push", &store_url, "--graph", graph, "--from", stray.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        remote(&["export", "rdf", "--format", "nt"]),
        ["<https://example.org/s> <https://example.org/p> \"stale\" ."],
        "a push replaces the graph"
    );
    let third = w.run(&["push", &store_url, "--graph", graph, "--batch", "500"]);
    assert!(third.status.success());
    assert_eq!(remote(&["export", "rdf", "--format", "nt"]), after_one);
}

#[test]
fn query_remote_server_killed_mid_query() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (mut server, base) = oxigraph_server(dir.path());
    let w = crate::workdir::seeded();
    let push = w.run(&["push", &format!("{base}/store")]);
    assert!(push.status.success(), "{}", String::from_utf8_lossy(&push.stderr));
    // A cross product of the data with itself three times: minutes of work for any engine.
    let slow =
        w.write("slow.rq", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }");
    let endpoint = format!("{base}/query");
    let child =
        bare(&["--endpoint", &endpoint, "query", slow.to_str().unwrap(), "--format", "csv"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start query");
    std::thread::sleep(Duration::from_millis(1500));
    let pid = server.id();
    server.child_mut().kill().expect("kill the server");
    let _ = server.child_mut().wait();
    let out = child.wait_with_output().expect("query ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "killed server (pid {pid}): {stderr}");
    assert!(out.stdout.is_empty(), "partial output: {}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains(&endpoint), "{stderr}");
}

/// A one-shot HTTP server: answers each of `responses` in turn to one connection each, and
/// returns what it was sent.
fn fake_server(responses: Vec<Vec<u8>>) -> (String, std::thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/sparql", listener.local_addr().expect("addr"));
    let handle = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for response in responses {
            let Ok((mut stream, _)) = listener.accept() else { break };
            seen.push(read_request(&mut stream));
            let _ = stream.write_all(&response);
            let _ = stream.flush();
        }
        seen
    });
    (url, handle)
}

fn read_request(stream: &mut TcpStream) -> String {
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    let mut data = Vec::new();
    let mut buf = [0u8; 65536];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        data.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&data);
        if let Some(end) = text.find("\r\n\r\n") {
            let length: usize = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap_or(0))
                })
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                break;
            }
        }
    }
    String::from_utf8_lossy(&data).into_owned()
}

fn http(status: &str, content_type: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Runs `query members --param bloc=CSTO` against `url`; the bloc resolves first, so the
/// server sees the resolver's query first: the answer is served to every connection.
fn remote_failure(url: &str, extra: &[&str]) -> String {
    let mut args = vec!["--endpoint", url, "query", "entities", "--format", "csv"];
    args.extend(extra);
    let out = output(bare(&args));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
    assert!(out.stdout.is_empty(), "output on failure: {}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(stderr.trim().lines().count(), 1, "not one line: {stderr}");
    assert!(stderr.contains(url), "the endpoint is not named: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn query_remote_http_500_gives_the_engine_message() {
    let body = "Virtuoso 37000 Error SP030: SPARQL compiler, line 3: syntax error at 'VALUES'";
    let (url, server) = fake_server(vec![http("500 Internal Server Error", "text/plain", body)]);
    let stderr = remote_failure(&url, &[]);
    assert!(stderr.contains("HTTP 500") && stderr.contains("SP030: SPARQL compiler"), "{stderr}");
    let seen = server.join().expect("server");
    // GET with the protocol's `query` parameter, or a form POST for a long query (never a
    // direct application/sparql-query POST: Virtuoso hangs on it); JSON results asked for.
    let head = seen[0].to_ascii_lowercase();
    assert!(
        head.starts_with("get /sparql?query=")
            || (head.starts_with("post /sparql ")
                && head.contains("content-type: application/x-www-form-urlencoded")),
        "{}",
        seen[0]
    );
    assert!(!head.contains("application/sparql-query"), "{}", seen[0]);
    assert!(
        seen[0].to_ascii_lowercase().contains("accept: application/sparql-results+json"),
        "{}",
        seen[0]
    );
}

#[test]
fn query_remote_garbage_and_truncated_results_are_errors() {
    let cut = r#"{"head":{"vars":["id"]},"results":{"bindings":[{"id":{"type":"literal","value":"ARM"}},{"id":{"type":"lit"#;
    for (response, expected) in [
        (http("200 OK", "application/sparql-results+json", cut), "malformed or truncated results"),
        (http("200 OK", "application/sparql-results+json", "\u{0}\u{1}garbage"), "malformed or truncated results"),
        (http("200 OK", "text/html", "<html><body>Proxy login</body></html>"), "expected SPARQL JSON results, got 'text/html'"),
        (b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nContent-Length: 5000\r\n\r\n{\"head\":".to_vec(), "SPARQL endpoint"),
        (b"NOT HTTP AT ALL\r\n\r\n".to_vec(), "SPARQL endpoint"),
    ] {
        let (url, server) = fake_server(vec![response]);
        let stderr = remote_failure(&url, &[]);
        assert!(stderr.contains(expected), "expected {expected:?} in {stderr}");
        let _ = server.join();
    }
}

#[test]
fn query_remote_timeout_refused_and_unknown_host() {
    // A server that accepts and never answers: the query's --timeout holds.
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/sparql", listener.local_addr().expect("addr"));
    let hold = std::thread::spawn(move || {
        let conn = listener.accept();
        std::thread::sleep(Duration::from_secs(4));
        drop(conn);
    });
    let started = Instant::now();
    let stderr = remote_failure(&url, &["--timeout", "1"]);
    assert!(started.elapsed() < Duration::from_secs(4), "the timeout did not hold");
    assert!(stderr.contains("longer than 1 s"), "{stderr}");
    hold.join().expect("holder");

    let refused = format!("http://127.0.0.1:{}/sparql", free_port());
    let stderr = remote_failure(&refused, &[]);
    assert!(stderr.contains("cannot connect") || stderr.contains("refused"), "{stderr}");

    let stderr = remote_failure("http://no-such-host.invalid/sparql", &[]);
    assert!(stderr.contains("host not found") || stderr.contains("cannot connect"), "{stderr}");
}

#[test]
fn push_password_never_appears_in_output() {
    let w = crate::workdir::seeded();
    let password = "pw-7Hq2-never-shown";
    let (url, server) = fake_server(vec![http(
        "401 Unauthorized",
        "text/plain",
        "bad credentials for user editor",
    )]);
    let out = w
        .command(&["push", &url, "--graph", "https://blocgraph.org/graph/x"])
        .env("BLOCGRAPH_ENDPOINT_USER", "editor")
        .env("BLOCGRAPH_ENDPOINT_PASSWORD", password)
        .output()
        .expect("push");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("HTTP 401") && stderr.contains(&url), "{stderr}");
    assert!(!stderr.contains(password) && !String::from_utf8_lossy(&out.stdout).contains(password));
    let seen = server.join().expect("server");
    // The credentials were sent, as HTTP basic authentication (base64 of editor:password).
    let sent = seen[0]
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("authorization: basic "))
        .unwrap_or("");
    assert!(!sent.is_empty(), "no Authorization header:\n{}", seen[0]);
    assert!(
        seen[0].starts_with("PUT /sparql?graph=https%3A%2F%2Fblocgraph.org%2Fgraph%2Fx "),
        "{}",
        seen[0]
    );
    let decoded = Command::new("sh")
        .args([
            "-c",
            &format!("printf %s '{}' | base64 -d", sent.split_whitespace().last().unwrap_or("")),
        ])
        .output()
        .expect("base64");
    assert_eq!(String::from_utf8_lossy(&decoded.stdout), format!("editor:{password}"));
    // Credentials in the URL are refused without echoing them.
    let out = w.run(&["push", &format!("http://editor:{password}@127.0.0.1:1/store")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains(password));
}

#[test]
fn import_refuses_endpoint() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("store");
    let csv = dir.path().join("s.csv");
    std::fs::write(&csv, crate::workdir::TEST_SOURCE).expect("write");
    for args in [
        vec!["--endpoint", "http://127.0.0.1:1/sparql", "import", csv.to_str().unwrap()],
        vec!["--endpoint", "http://127.0.0.1:1/sparql", "reset"],
        vec!["--endpoint", "http://127.0.0.1:1/sparql", "serve"],
        vec!["--endpoint", "http://127.0.0.1:1/sparql", "explore", "--no-browser"],
        vec!["--endpoint", "http://127.0.0.1:1/sparql", "push", "http://127.0.0.1:1/store"],
    ] {
        let out = output(bare(&args));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("local store") && stderr.contains("http://127.0.0.1:1/sparql"),
            "{stderr}"
        );
    }
    // The environment variable counts as --endpoint; --store beats it.
    let out = output({
        let mut c = bare(&["import", csv.to_str().unwrap()]);
        c.env("BLOCGRAPH_ENDPOINT", "http://127.0.0.1:1/sparql").env("HOME", dir.path());
        c
    });
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!store.exists() && !dir.path().join(".local").exists(), "a local store was written");
    let out = output({
        let mut c = bare(&["--store", store.to_str().unwrap(), "stats", "--format", "csv"]);
        c.env("BLOCGRAPH_ENDPOINT", "http://127.0.0.1:1/sparql");
        c
    });
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // --graph alone makes no sense.
    let out =
        output(bare(&["--store", store.to_str().unwrap(), "--graph", "https://x/g", "stats"]));
    assert_eq!(out.status.code(), Some(2));
}
