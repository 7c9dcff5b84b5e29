//! Diagrams and charts fit to print: the DOT export has a title naming the blocs and the date,
//! a legend and a credit line, one relation edge per pair with friction and cooperation
//! counted apart, forecasts labelled as such, correct plurals, and renders without warnings;
//! the cohesion chart has axis titles, year ticks, a line per component, event markers and
//! labelled gaps, as SVG (well-formed for xmllint) and PNG. The PNGs are written to
//! `target/pictures/` so a person can look at them.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::workdir::{root, Workdir};

/// Where the pictures the tests draw are kept for a person to look at.
fn pictures() -> PathBuf {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root().join("target"), PathBuf::from)
        .join("pictures");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `dot -T<format>` on the text; asserts success and no warning; returns the output.
fn graphviz(dot: &str, format: &str) -> Vec<u8> {
    let mut child = Command::new("dot")
        .arg(format!("-T{format}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("graphviz `dot` is needed: apt-get install graphviz");
    child.stdin.take().unwrap().write_all(dot.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "dot warned: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// The DOT lines of edges between two nodes (either direction).
fn edges_between<'a>(dot: &'a str, a: &str, b: &str) -> Vec<&'a str> {
    let (ab, ba) = (format!("\"{a}\" -> \"{b}\" ["), format!("\"{b}\" -> \"{a}\" ["));
    dot.lines()
        .filter(|l| l.trim_start().starts_with(&ab) || l.trim_start().starts_with(&ba))
        .collect()
}

#[test]
fn export_dot_csto_is_fit_to_print() {
    let w = Workdir::new();
    let dot = w.ok(&["export", "dot", "--as-of", "2024-12-31", "--bloc", "CSTO"]);
    assert!(dot.contains("Collective Security Treaty Organization on 2024-12-31"), "title: {dot}");
    assert!(dot.contains("<B>Legend</B>") && dot.contains("participation frozen"), "legend");
    assert!(dot.contains("Sources: ") && dot.contains("Newsweek (2023-01)"), "credit line");
    assert!(dot.contains("reference sources (treaties and official records)"), "credit line");
    assert!(!dot.contains("1 events") && !dot.contains("(1 events)"), "plurals");
    // Armenia and Russia: one edge, friction and cooperation counted apart.
    let arm_rus = edges_between(&dot, "ARM", "RUS");
    assert_eq!(arm_rus.len(), 1, "{arm_rus:?}");
    assert!(arm_rus[0].contains("friction") && arm_rus[0].contains("cooperation"), "{arm_rus:?}");
    // Uzbekistan, suspended since 2012, is drawn as frozen, never as a member.
    for e in edges_between(&dot, "UZB", "CSTO") {
        assert!(e.contains("frozen") && e.contains("dashed"), "{e}");
    }
    let svg = String::from_utf8(graphviz(&dot, "svg")).unwrap();
    assert!(svg.contains("Collective Security Treaty Organization on 2024&#45;12&#45;31"), "{svg}");
    std::fs::write(pictures().join("csto-2024-12-31.png"), graphviz(&dot, "png")).unwrap();
}

#[test]
fn export_dot_draws_a_forecast_range_as_a_forecast() {
    let w = Workdir::new();
    let dot = w.ok(&["export", "dot", "--as-of", "2024-12-31", "--bloc", "UNION_STATE"]);
    let trade: Vec<&str> = edges_between(&dot, "RUS", "BLR")
        .into_iter()
        .filter(|l| l.contains("#1f77b4\", fontcolor"))
        .collect();
    assert_eq!(trade.len(), 1, "{dot}");
    assert!(
        trade[0].contains("forecast: $59–60bn\\n2024") && trade[0].contains("dashed"),
        "{}",
        trade[0]
    );
    assert!(dot.contains("Union State of Russia and Belarus on 2024-12-31"), "{dot}");
    graphviz(&dot, "svg");
    std::fs::write(pictures().join("union-state-2024-12-31.png"), graphviz(&dot, "png")).unwrap();
    // Without --as-of: the newest fact in the store, said in the title.
    let dot = w.ok(&["export", "dot", "--bloc", "CIS"]);
    assert!(dot.contains("(the newest fact in the store)"), "{dot}");
    let all = w.ok(&["export", "dot", "--as-of", "2024-12-31"]);
    assert!(all.contains("Post-Soviet blocs on 2024-12-31"));
    std::fs::write(pictures().join("all-2024-12-31.png"), graphviz(&all, "png")).unwrap();
}

#[test]
fn analyze_cohesion_chart_has_axes_components_markers_and_gaps() {
    let w = Workdir::new();
    let svg = w.path("csto.svg");
    w.ok(&[
        "analyze",
        "cohesion",
        "--bloc",
        "CSTO",
        "--from",
        "2015",
        "--to",
        "2025",
        "--format",
        "svg",
        "-o",
        svg.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&svg).unwrap();
    for expected in [
        "Cohesion of Collective Security Treaty Organization (CSTO), 2015-01-01 to 2025-01-01",
        "index (0 to 1)",
        "date of the index (as of)",
        ">2015<",
        ">2025<",
        "intra-bloc trade share",
        "structural balance",
        "not enough evidence",
        "ARM freeze 2024-02-22",
        "ARM withdrawal announced 2024-06",
    ] {
        assert!(text.contains(expected), "{expected} not in the chart");
    }
    let lint = Command::new("xmllint")
        .args(["--noout", svg.to_str().unwrap()])
        .output()
        .expect("xmllint is needed: apt-get install libxml2-utils");
    assert!(
        lint.status.success() && lint.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&lint.stderr)
    );
    let png = w.path("csto.png");
    w.ok(&[
        "analyze",
        "cohesion",
        "--bloc",
        "CSTO",
        "--from",
        "2015",
        "--to",
        "2025",
        "--format",
        "png",
        "-o",
        png.to_str().unwrap(),
    ]);
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    // 2x the SVG's 960-pixel width.
    assert_eq!(u32::from_be_bytes(bytes[16..20].try_into().unwrap()), 1920);
    std::fs::copy(&png, pictures().join("cohesion-csto-2015-2025.png")).unwrap();
    let monthly = w.path("monthly.png");
    w.ok(&[
        "analyze",
        "cohesion",
        "--bloc",
        "CSTO",
        "--bloc",
        "UNION_STATE",
        "--from",
        "2023-12",
        "--to",
        "2024-12",
        "--step",
        "month",
        "--format",
        "png",
        "-o",
        monthly.to_str().unwrap(),
    ]);
    std::fs::copy(&monthly, pictures().join("cohesion-monthly-2024.png")).unwrap();
    w.fails(&["analyze", "cohesion", "--format", "png"], 2);
}
