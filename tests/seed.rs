//! The seed: loaded on first use from any directory, and every quote verbatim in its article.

use crate::workdir::{root, shared, Workdir};

#[test]
fn seed_loads_on_first_use_from_any_directory() {
    let w = Workdir::new();
    let elsewhere = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_blocgraph"))
        .args(["stats", "--format", "csv"])
        .env("BLOCGRAPH_STORE", w.store())
        .current_dir(elsewhere.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("kind,memberships,"));
    assert!(w.store().join("CURRENT").exists(), "BLOCGRAPH_STORE was not used");
    // --memory seeds too and leaves nothing on disk.
    let mem = std::process::Command::new(env!("CARGO_BIN_EXE_blocgraph"))
        .args(["--memory", "stats", "--format", "csv"])
        .current_dir(elsewhere.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&mem.stdout).contains("kind,events,"));
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0, "--memory wrote to disk");
}

#[test]
fn seed_quotes_are_verbatim_in_their_articles() {
    let shared = shared();
    let sources = std::fs::read_to_string(root().join("seed-data/sources.csv")).unwrap();
    let mut article = std::collections::HashMap::new();
    let mut reader = csv::Reader::from_reader(sources.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let (id, note) = (
        headers.iter().position(|h| h == "id").unwrap(),
        headers.iter().position(|h| h == "note").unwrap(),
    );
    for r in reader.records() {
        let r = r.unwrap();
        if let Some(file) = std::fs::read_dir(shared.join("seeds"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .find(|f| r[note].contains(f.as_str()))
        {
            article.insert(
                r[id].to_owned(),
                std::fs::read_to_string(shared.join("seeds").join(file)).unwrap(),
            );
        }
    }
    assert_eq!(
        article.len(),
        5,
        "each of the five articles has one source row naming its seed file"
    );
    let mut checked = 0;
    for kind in ["memberships", "trade", "events"] {
        let text = std::fs::read_to_string(root().join(format!("seed-data/{kind}.csv"))).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().unwrap().clone();
        let (q, s) = (
            headers.iter().position(|h| h == "quote").unwrap(),
            headers.iter().position(|h| h == "source").unwrap(),
        );
        for (i, r) in reader.records().enumerate() {
            let r = r.unwrap();
            if r[q].is_empty() {
                assert!(
                    r[s].starts_with("ref-"),
                    "{kind}.csv:{}: a fact from an article needs its quote",
                    i + 2
                );
                continue;
            }
            let text = article.get(&r[s]).unwrap_or_else(|| {
                panic!("{kind}.csv:{}: quote from '{}', which is not an article", i + 2, &r[s])
            });
            assert!(
                text.contains(&r[q]),
                "{kind}.csv:{}: quote not verbatim in {}: {:?}",
                i + 2,
                &r[s],
                &r[q]
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} quotes checked");
}

#[test]
fn seed_every_fact_cites_a_source_and_validates() {
    let w = Workdir::new();
    let out = w.ok(&["validate"]);
    assert!(out.contains("no violations"), "{out}");
}

#[test]
fn store_and_memory_together_are_a_usage_error() {
    let w = Workdir::new();
    let stderr = w.fails(&["--memory", "stats"], 2);
    assert!(
        stderr.contains("the argument '--store <DIR>' cannot be used with '--memory'"),
        "{stderr}"
    );
    assert!(!w.store().exists(), "a store was created");
}
