//! The module graph reads one way (docs/architecture.md): every `crate::` path in `src/` (and
//! every `blocgraph::` path of the binary) goes to a module of the same layer or one below, and
//! no modules use each other in a circle. `scripts/modules.sh` prints the same graph.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, bottom first. A module missing here fails the test: place it deliberately.
const LAYERS: &[&[&str]] = &[
    &["model", "vocab", "date", "error", "schema", "sparql", "codes"],
    &["resolve"],
    &["import"],
    &["seed", "store"],
    &["query", "stats", "validate"],
    &["graph"],
    &["analyze"],
    &["output", "export"],
    &["serve"],
    // The binary: src/main.rs and src/cmd/.
    &["cmd"],
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/import/csvfile.rs` -> `import`).
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).expect("under src/");
    let first = relative.components().next().expect("a path").as_os_str().to_string_lossy();
    match first.trim_end_matches(".rs") {
        "main" => "cmd".to_owned(),
        name => name.to_owned(),
    }
}

/// The top-level modules a line of code names after `prefix` (`crate::`, `blocgraph::`),
/// including each member of a grouped `use crate::{a, b::c}`.
fn names_after(line: &str, prefix: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find(prefix) {
        let before = rest[..at].chars().last();
        rest = &rest[at + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or_default();
            for item in inner.split(',') {
                let name: String =
                    item.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if !name.is_empty() && name != "self" {
                    names.push(name);
                }
            }
        } else {
            let name: String =
                rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                names.push(name);
            }
        }
    }
    names
}

/// module -> the modules it names, from the code of `src/` (comments left out).
pub fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(src, f)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let from = module_of(src, file);
        let prefix = if from == "cmd" { "blocgraph::" } else { "crate::" };
        let text = std::fs::read_to_string(file).expect("a source file is readable");
        let uses = graph.entry(from.clone()).or_default();
        for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for name in names_after(line, prefix) {
                if name != from && modules.contains(&name) {
                    uses.insert(name);
                }
            }
        }
    }
    graph.remove("lib");
    graph
}

/// One circle of the graph, if there is one.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut circle = path[at..].to_vec();
            circle.push(node.to_owned());
            return Some(circle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn layers_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = module_graph(&src);
    let mut problems = Vec::new();
    for (from, uses) in &graph {
        println!("{from} -> {}", uses.iter().cloned().collect::<Vec<_>>().join(" "));
        let Some(own) = layer(from) else {
            problems.push(format!("module {from} is in no layer of tests/layers.rs"));
            continue;
        };
        for to in uses {
            match layer(to) {
                Some(l) if l > own => {
                    problems.push(format!("{from} (layer {own}) uses {to} (layer {l}), above it"))
                }
                Some(_) => {}
                None => problems.push(format!("module {to} is in no layer of tests/layers.rs")),
            }
        }
    }
    if let Some(circle) = cycle(&graph) {
        problems.push(format!("modules use each other in a circle: {}", circle.join(" -> ")));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn layers_checker_sees_grouped_uses_and_cycles() {
    assert_eq!(names_after("use crate::{vocab, model::Role};", "crate::"), ["vocab", "model"]);
    assert_eq!(names_after("let x = crate::date::Date::today();", "crate::"), ["date"]);
    assert!(names_after("mycrate::x", "crate::").is_empty());
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a".to_owned(), BTreeSet::from(["b".to_owned()])),
        ("b".to_owned(), BTreeSet::from(["a".to_owned()])),
    ]
    .into();
    assert_eq!(cycle(&graph), Some(vec!["a".to_owned(), "b".to_owned(), "a".to_owned()]));
}
