//! Golden answers: the whole output of the saved queries that had no expected answer anywhere
//! (timeline, changes, bilateral, trade-growth, exits, facts-per-source, blocs, entities), on
//! the seed, compared byte for byte with a file under tests/golden/, each checked by hand against
//! the articles (../shared/seeds) and seed-data/ (tests/golden/README.md says how and what was
//! found). `BLOCGRAPH_BLESS=1 cargo test --release -- golden` rewrites the files from the current
//! output: check the diff (`git diff tests/golden`) against the articles before committing it.

use crate::workdir::{root, Workdir};

/// Compares `actual` with tests/golden/`name`, or writes it there under `BLOCGRAPH_BLESS=1`.
pub fn golden(name: &str, actual: &str) {
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("BLOCGRAPH_BLESS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{}: {e}; write it with BLOCGRAPH_BLESS=1 and check it by hand", path.display())
    });
    if expected != actual {
        let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
        let mut diff = String::new();
        for i in 0..e.len().max(a.len()) {
            let (x, y) = (e.get(i).copied(), a.get(i).copied());
            if x != y {
                diff.push_str(&format!("line {}:\n  golden: {x:?}\n  actual: {y:?}\n", i + 1));
            }
        }
        panic!(
            "{} differs from the output ({} vs {} lines):\n{diff}(BLOCGRAPH_BLESS=1 rewrites it; check the diff against the articles)",
            path.display(),
            e.len(),
            a.len()
        );
    }
}

/// `query NAME --param ... --format csv` on a fresh seeded store, against its golden file.
fn query_golden(file: &str, args: &[&str]) {
    let w = Workdir::new();
    let mut all = vec!["query"];
    all.extend(args);
    all.extend(["--format", "csv"]);
    golden(&format!("query/{file}.csv"), &w.ok(&all));
}

#[test]
fn query_timeline_of_armenia_matches_golden() {
    query_golden("timeline-ARM", &["timeline", "--param", "country=Armenia"]);
}

#[test]
fn query_changes_2022_to_2024_match_golden() {
    query_golden(
        "changes-2022-2024",
        &["changes", "--param", "from=2022-01-01", "--param", "to=2024-12-31"],
    );
}

#[test]
fn query_bilateral_russia_belarus_matches_golden() {
    query_golden(
        "bilateral-RUS-BLR",
        &["bilateral", "--param", "a=RUS", "--param", "b=Belarus", "--as-of", "2024-12-31"],
    );
}

#[test]
fn query_trade_growth_matches_golden() {
    query_golden("trade-growth", &["trade-growth"]);
}

#[test]
fn query_exits_match_golden() {
    query_golden("exits", &["exits"]);
    query_golden("exits-CIS", &["exits", "--param", "bloc=CIS"]);
}

#[test]
fn query_facts_per_source_match_golden() {
    query_golden("facts-per-source", &["facts-per-source"]);
}

#[test]
fn query_blocs_at_the_end_of_2024_match_golden() {
    query_golden("blocs-2024-12-31", &["blocs", "--as-of", "2024-12-31"]);
}

#[test]
fn query_entities_match_golden() {
    query_golden("entities", &["entities"]);
    query_golden("entities-bloc", &["entities", "--param", "kind=bloc"]);
}
