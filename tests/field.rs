//! The field's data in and out (issue 14): country codes, `import --format atop-ddy` on the real
//! ATOP extract, the `alliances` query, `analyze agreement --with atop`, `export panel` checked
//! cell by cell against pandas, and `export gexf` checked against the GEXF 1.3 schema (xmllint)
//! and read back by networkx.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use crate::workdir::{python_with, rejects, root, seeded, shared, Workdir};

fn external(name: &str) -> PathBuf {
    let path = shared().join("external").join(name);
    assert!(path.exists(), "{} is missing", path.display());
    path
}

fn atop() -> PathBuf {
    external("atop-5.1-ddy-postsoviet.csv")
}

/// A seeded store with the real ATOP extract imported.
fn with_atop() -> Workdir {
    let w = seeded();
    let out = w.ok(&["import", "--format", "atop-ddy", atop().to_str().unwrap()]);
    assert!(out.contains("sources: added 1"), "{out}");
    assert!(out.contains("obligations: added "), "{out}");
    w
}

fn csv_rows(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    r.records()
        .map(|rec| header.iter().cloned().zip(rec.unwrap().iter().map(str::to_owned)).collect())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Country codes
// ---------------------------------------------------------------------------------------------

#[test]
fn codes_table_is_rebuilt_from_the_cow_list_and_the_crosswalk() {
    // The committed table is exactly what the script makes from the two files (pycountry checks
    // every ISO code it writes).
    let out = python_with("pycountry")
        .arg(root().join("scripts/country-codes.py"))
        .arg(shared().join("external"))
        .output()
        .expect("run the script");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let committed = std::fs::read_to_string(root().join("schema/country-codes.csv")).unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout) == committed,
        "schema/country-codes.csv is not what scripts/country-codes.py makes: rerun it"
    );
}

#[test]
fn codes_table_agrees_with_the_two_files_and_iso() {
    let table =
        csv_rows(&std::fs::read_to_string(root().join("schema/country-codes.csv")).unwrap());
    let by_cow: BTreeMap<String, &BTreeMap<String, String>> =
        table.iter().map(|r| (r["cow"].clone(), r)).collect();
    // Every state of the COW list, with its abbreviation, name and every spell.
    let states = csv_rows(&std::fs::read_to_string(external("cow-states-2016.csv")).unwrap());
    for s in &states {
        let row = by_cow.get(&s["ccode"]).unwrap_or_else(|| panic!("COW {} missing", s["ccode"]));
        assert_eq!(row["cow_abb"], s["stateabb"]);
        assert_eq!(row["name"], s["statenme"]);
        let spell = format!("{}-{}", s["styear"], s["endyear"]);
        assert!(row["cow_spells"].split('|').any(|x| x == spell), "{spell} not in {row:?}");
    }
    let distinct: std::collections::BTreeSet<&String> =
        states.iter().map(|s| &s["ccode"]).collect();
    assert_eq!(table.len(), distinct.len(), "one row per COW state, no more");
    // Wikidata and G-W numbers as the crosswalk gives them.
    let crosswalk =
        csv_rows(&std::fs::read_to_string(external("wikidata-cow-gw-crosswalk.csv")).unwrap());
    for c in crosswalk.iter().filter(|c| !c["cow_code"].is_empty()) {
        let row = by_cow[&c["cow_code"]];
        let items: Vec<&str> = std::iter::once(row["wikidata"].as_str())
            .chain(row["wikidata_other"].split('|'))
            .collect();
        assert!(items.contains(&c["country_qid"].as_str()), "{} not in {row:?}", c["country_qid"]);
        if row["wikidata"] == c["country_qid"] {
            assert_eq!(row["gw"], c["gw_code"], "{row:?}");
        }
    }
    // ISO codes of the post-Soviet states (ISO 3166-1), and COW's non-ISO abbreviations.
    let expected = [
        ("365", "RUS", "643", "RUS"),
        ("370", "BLR", "112", "BLR"),
        ("369", "UKR", "804", "UKR"),
        ("359", "MDA", "498", "MLD"),
        ("366", "EST", "233", "EST"),
        ("367", "LVA", "428", "LAT"),
        ("368", "LTU", "440", "LIT"),
        ("372", "GEO", "268", "GRG"),
        ("371", "ARM", "051", "ARM"),
        ("373", "AZE", "031", "AZE"),
        ("705", "KAZ", "398", "KZK"),
        ("703", "KGZ", "417", "KYR"),
        ("702", "TJK", "762", "TAJ"),
        ("701", "TKM", "795", "TKM"),
        ("704", "UZB", "860", "UZB"),
    ];
    for (cow, iso3, num, abb) in expected {
        let row = by_cow[cow];
        assert_eq!(
            (
                row["iso3"].as_str(),
                row["iso_num"].as_str(),
                row["cow_abb"].as_str(),
                row["id"].as_str()
            ),
            (iso3, num, abb, iso3),
            "COW {cow}"
        );
    }
    assert_eq!(by_cow["365"]["wikidata"], "Q159");
    assert!(by_cow["365"]["wikidata_other"].split('|').any(|q| q == "Q15180"), "the USSR is 365");
}

#[test]
fn query_takes_cow_gw_iso_and_wikidata_codes_for_an_entity() {
    let w = seeded();
    let by_id = w.csv(&["query", "memberships", "--param", "country=RUS"]);
    assert!(by_id.len() > 3, "{by_id:?}");
    for code in ["cow:365", "gw:365", "iso:643", "wd:Q159", "wd:Q15180", "COW:365"] {
        assert_eq!(
            w.csv(&["query", "memberships", "--param", &format!("country={code}")]),
            by_id,
            "{code}"
        );
    }
    assert_eq!(
        w.csv(&["query", "memberships", "--param", "country=iso:051"]),
        w.csv(&["query", "memberships", "--param", "country=ARM"])
    );
    let err = w.fails(&["query", "memberships", "--param", "country=cow:999"], 2);
    assert!(err.contains("cow:999") && err.contains("'999'"), "{err}");
    let err = w.fails(&["query", "memberships", "--param", "country=iso:999"], 2);
    assert!(err.contains("iso:999"), "{err}");
    // A state of the table the store has no entity for (Panama) is named as such.
    let err = w.fails(&["query", "memberships", "--param", "country=cow:95"], 2);
    assert!(err.contains("PAN"), "{err}");
}

#[test]
fn entities_query_shows_country_codes() {
    let w = seeded();
    let rows = w.csv(&["query", "entities", "--param", "kind=country"]);
    let header = &rows[0];
    let col =
        |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("{name}"));
    let find = |id: &str| rows.iter().find(|r| r[0] == id).unwrap_or_else(|| panic!("{id}"));
    let rus = find("RUS");
    assert_eq!(
        (
            &*rus[col("iso3")],
            &*rus[col("iso_num")],
            &*rus[col("cow")],
            &*rus[col("cow_abb")],
            &*rus[col("gw")]
        ),
        ("RUS", "643", "365", "RUS", "365")
    );
    let geo = find("GEO");
    assert_eq!((&*geo[col("cow")], &*geo[col("cow_abb")]), ("372", "GRG"));
    assert_eq!(&*find("ARM")[col("iso_num")], "051");
}

#[test]
fn import_csv_takes_codes_for_countries() {
    let w = seeded();
    let src = w.write("s.csv", crate::workdir::TEST_SOURCE);
    let m = w
        .write("m.csv", "country,bloc,role,start,source\ncow:359,GUAM,observer,1999-01,test-src\n");
    let out = w.ok(&["import", src.to_str().unwrap(), m.to_str().unwrap()]);
    assert!(out.contains("memberships: added 1"), "{out}");
    let rows = w.csv(&["query", "memberships", "--param", "country=MDA"]);
    assert!(
        rows.iter().any(|r| r[0] == "GUAM" && r[1] == "observer" && r[2] == "1999-01"),
        "{rows:?}"
    );
    rejects(
        "m.csv",
        "country,bloc,role,start,source\ncow:998,GUAM,member,1999,test-src\n",
        &["m.csv:2", "column 'country'", "cow:998"],
    );
}

// ---------------------------------------------------------------------------------------------
// ATOP
// ---------------------------------------------------------------------------------------------

fn alliances(w: &Workdir, params: &[&str]) -> Vec<BTreeMap<String, String>> {
    let mut args = vec!["query", "alliances", "--format", "csv"];
    for p in params {
        args.push("--param");
        args.push(p);
    }
    csv_rows(&w.ok(&args))
}

#[test]
fn import_atop_spells_undirected_censored_and_idempotent() {
    let w = with_atop();
    // Raw rows: 365,371 (Russia-Armenia) defense = 1 in every year 1991..2018? Checked below
    // against the file itself: the spells must cover exactly the years the file flags.
    let text = std::fs::read_to_string(atop()).unwrap();
    let mut flagged: BTreeMap<(String, String, &str), std::collections::BTreeSet<u16>> =
        BTreeMap::new();
    let ids: BTreeMap<&str, &str> = [
        ("365", "RUS"),
        ("371", "ARM"),
        ("370", "BLR"),
        ("372", "GEO"),
        ("366", "EST"),
        ("2", "USA"),
    ]
    .into_iter()
    .collect();
    for r in csv_rows(&text) {
        let (Some(a), Some(b)) = (ids.get(r["ccode1"].as_str()), ids.get(r["ccode2"].as_str()))
        else {
            continue;
        };
        let (a, b) = if a < b { (*a, *b) } else { (*b, *a) };
        for (col, kind) in [
            ("atop_defense", "defense"),
            ("atop_consul", "consultation"),
            ("atop_nonagg", "nonaggression"),
        ] {
            if r[col] == "1" {
                flagged
                    .entry((a.to_owned(), b.to_owned(), kind))
                    .or_default()
                    .insert(r["year"].parse().unwrap());
            }
        }
    }
    assert!(!flagged.is_empty());
    for ((a, b), kind) in [
        (("ARM", "RUS"), "defense"),
        (("BLR", "RUS"), "defense"),
        (("EST", "USA"), "defense"),
        (("GEO", "RUS"), "consultation"),
    ] {
        let rows = alliances(
            &w,
            &[&format!("country={a}"), &format!("partner={b}"), &format!("kind={kind}")],
        );
        let mut years = std::collections::BTreeSet::new();
        for r in &rows {
            assert_eq!(
                (r["country"].as_str(), r["partner"].as_str(), r["sources"].as_str()),
                (a, b, "atop-5.1")
            );
            let start: u16 = r["start"].parse().unwrap();
            let end: u16 = if r["end"].is_empty() {
                assert_eq!(r["horizon"], "2018", "{r:?}");
                2019
            } else {
                r["end"].parse().unwrap()
            };
            years.extend(start..end);
        }
        let want = flagged.get(&(a.to_owned(), b.to_owned(), kind)).cloned().unwrap_or_default();
        assert_eq!(years, want, "{a}-{b} {kind}: spells {rows:?}");
        assert!(!want.is_empty(), "{a}-{b} {kind}");
        // Undirected: asking the other way round gives the same claims, with the order swapped.
        let swapped = alliances(
            &w,
            &[&format!("country={b}"), &format!("partner={a}"), &format!("kind={kind}")],
        );
        assert_eq!(swapped.len(), rows.len());
        assert!(swapped.iter().all(|r| r["country"] == b && r["partner"] == a));
    }
    // Codes work for the parameters too.
    assert_eq!(
        alliances(&w, &["country=cow:371", "partner=iso:643", "kind=defense"]),
        alliances(&w, &["country=ARM", "partner=RUS", "kind=defense"])
    );
    // Right-censored: a spell open at the horizon (2018) is seen in 2018, not in 2020.
    let in_2018 =
        alliances(&w, &["country=ARM", "partner=RUS", "kind=defense", "as_of=2018-06-01"]);
    assert_eq!(in_2018.len(), 1, "{in_2018:?}");
    assert_eq!(in_2018[0]["end"], "");
    let in_2020 =
        alliances(&w, &["country=ARM", "partner=RUS", "kind=defense", "as_of=2020-06-01"]);
    assert!(in_2020.is_empty(), "{in_2020:?}");
    // Without a state asked for, each claim comes once (lower id first).
    let all = alliances(&w, &[]);
    assert!(all.iter().all(|r| r["country"] < r["partner"]), "one orientation");
    let mut keys: Vec<(&str, &str, &str, &str)> = all
        .iter()
        .map(|r| {
            (r["country"].as_str(), r["partner"].as_str(), r["kind"].as_str(), r["start"].as_str())
        })
        .collect();
    let n = keys.len();
    keys.dedup();
    assert_eq!(keys.len(), n);
    assert!(all.iter().all(|r| r["disputed"] == "false"));
    // Idempotent.
    let before = w.snapshot();
    let again = w.ok(&["import", "--format", "atop-ddy", atop().to_str().unwrap()]);
    assert!(again.contains("obligations: added 0, already present "), "{again}");
    assert_eq!(w.snapshot(), before);
    // States ATOP names that were not entities became countries with their codes.
    let entities = w.csv(&["query", "entities", "--param", "kind=country"]);
    assert!(entities.iter().any(|r| r[0] == "CAN" && r[2] == "Canada"), "{entities:?}");
    assert!(w.ok(&["validate"]).contains("no violations"));
    let stats = w.ok(&["stats", "--format", "csv"]);
    assert!(stats.lines().any(|l| l == "kind,obligations,,,,,1225"), "{stats}");
    assert!(stats.lines().any(|l| l == "source,atop-5.1,false,0,0,0,1225"), "{stats}");
}

#[test]
fn import_atop_rejects_bad_rows_naming_file_line_and_column() {
    let header =
        "ccode1,ccode2,year,atop_defense,atop_offense,atop_neutral,atop_nonagg,atop_consul\n";
    let w = seeded();
    let before = w.snapshot();
    let bad = w.write(
        "bad.csv",
        format!(
            "{header}365,371,1994,1,0,0,0,1\n999,371,1994,1,0,0,0,0\n365,370,2019,1,0,0,0,0\n365,370,1995,2,0,0,0,0\n371,365,1994,0,0,0,0,1\n365,365,1994,1,0,0,0,0\n"
        ),
    );
    let err = w.fails(&["import", "--format", "atop-ddy", bad.to_str().unwrap()], 2);
    for want in [
        "bad.csv:3: column 'ccode1'",
        "'999'",
        "bad.csv:4: column 'year'",
        "bad.csv:5: column 'atop_defense'",
        "bad.csv:6",
        "bad.csv:7",
        "nothing was stored",
    ] {
        assert!(err.contains(want), "expected {want:?} in:\n{err}");
    }
    assert_eq!(w.snapshot(), before);
    let missing = w.write("missing.csv", "ccode1,ccode2,year\n365,371,1994\n");
    let err = w.fails(&["import", "--format", "atop-ddy", missing.to_str().unwrap()], 2);
    assert!(err.contains("atop_defense"), "{err}");
}

#[test]
fn analyze_agreement_with_atop_counts_dyad_years_and_lists_differences() {
    let w = with_atop();
    let out = w.ok(&["analyze", "agreement", "--with", "atop", "--format", "json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let rates = v["rates"].as_array().unwrap();
    // 15 post-Soviet states: 105 pairs, 1991-2018: 28 years.
    assert_eq!(rates[0]["compared"], 105 * 28, "{rates:?}");
    let agreed = rates[0]["agreed"].as_u64().unwrap();
    let diffs = v["differences"].as_array().unwrap();
    assert_eq!(diffs.len() as u64, 105 * 28 - agreed);
    // Russia and Armenia: CSTO co-members since 1992 and ATOP defense partners: no difference.
    assert!(!diffs.iter().any(|d| d["country"] == "ARM"
        && d["partner"] == "RUS"
        && d["year"].as_u64() > Some(1994)));
    for d in diffs {
        assert!(
            d["kind"] == "bloc-without-atop-defense" || d["kind"] == "atop-defense-without-bloc"
        );
        assert_eq!(
            d["kind"] == "bloc-without-atop-defense",
            d["atop"].as_str().unwrap().starts_with("defense=0")
        );
    }
    // The ATOP defense dyad-years between two post-Soviet states, counted from the file itself.
    let post_soviet = [
        "365", "370", "369", "359", "366", "367", "368", "372", "371", "373", "705", "703", "702",
        "701", "704",
    ];
    let text = std::fs::read_to_string(atop()).unwrap();
    let mut defense = std::collections::BTreeSet::new();
    for r in csv_rows(&text) {
        let (a, b) = (r["ccode1"].as_str(), r["ccode2"].as_str());
        if post_soviet.contains(&a) && post_soviet.contains(&b) && r["atop_defense"] == "1" {
            defense.insert((a.min(b).to_owned(), a.max(b).to_owned(), r["year"].clone()));
        }
    }
    assert_eq!(rates[2]["compared"], defense.len(), "{rates:?}");
    // Co-members of a defense bloc, counted by hand from seed-data/memberships.csv (a member at
    // some point of the year, as ATOP codes years): the CSTO has 6 members in 1992, 9 in
    // 1993-1999 (Azerbaijan, Georgia and Belarus join in 1993; Azerbaijan, Georgia and
    // Uzbekistan leave on 1999-04-20), 6 in 2000-2005, 7 in 2006-2012 (Uzbekistan from
    // 2006-08-16, a member until its 2012 suspension) and 6 in 2013-2018: 15 + 7·36 + 6·15 + 7·21
    // + 6·15 = 594 dyad-years; NATO's three Baltic states from 2004: 15·3 = 45. All 639 have an
    // ATOP defense obligation; 938 - 639 = 299 ATOP defense dyad-years have no bloc or treaty
    // behind them (the seed's treaties between post-Soviet states are all after 2018), which
    // are exactly the differences.
    let rate =
        |i: usize| (rates[i]["compared"].as_u64().unwrap(), rates[i]["agreed"].as_u64().unwrap());
    assert_eq!(defense.len(), 938);
    assert_eq!((rate(0), rate(1), rate(2)), ((2940, 2641), (639, 639), (938, 639)), "{rates:?}");
    assert!(diffs.iter().all(|d| d["kind"] == "atop-defense-without-bloc"));
    // Azerbaijan left the CST in 1999; ATOP still gives it a defense obligation with Russia.
    let aze_rus = diffs
        .iter()
        .find(|d| d["country"] == "AZE" && d["partner"] == "RUS" && d["year"] == 2005)
        .expect("AZE-RUS 2005 differs");
    assert_eq!(aze_rus["kind"], "atop-defense-without-bloc");
    assert!(aze_rus["blocs"].as_str().unwrap().contains("both members of CIS"), "{aze_rus}");
    assert!(v["runs"][0]["years"].as_u64() >= v["runs"][1]["years"].as_u64());
    let csv = w.ok(&["analyze", "agreement", "--with", "atop", "--format", "csv"]);
    assert!(
        csv.starts_with(
            "row,country,partner,year,kind,atop,blocs,facts,quotes,scope,compared,agreed,rate\n"
        ),
        "{csv}"
    );
    // The rates travel in the CSV too.
    assert!(
        csv.lines().any(|l| l.starts_with("rate,,,,,,,,,post-Soviet dyad-years 1991-2018,2940,")),
        "{csv}"
    );
    let err = seeded().fails(&["analyze", "agreement", "--with", "atop"], 2);
    assert!(err.contains("atop-ddy"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Panels
// ---------------------------------------------------------------------------------------------

fn panel_matches_pandas(
    w: &Workdir,
    unit: &str,
    rule: &str,
    directed: bool,
    from: &str,
    to: &str,
) -> String {
    let panel = w.path(&format!("{unit}-{rule}-{directed}.csv"));
    let mut args = vec![
        "export",
        "panel",
        "--unit",
        unit,
        "--rule",
        rule,
        "--from",
        from,
        "--to",
        to,
        "-o",
        panel.to_str().unwrap(),
    ];
    if directed {
        args.push("--directed");
    }
    w.ok(&args);
    let nt = w.path("store.nt");
    if !nt.exists() {
        w.ok(&["export", "rdf", "--format", "nt", "-o", nt.to_str().unwrap()]);
    }
    let out = python_with("pandas")
        .arg(root().join("tests/oracle/panel_check.py"))
        .args([nt.to_str().unwrap(), panel.to_str().unwrap()])
        .arg(root().join("schema/country-codes.csv"))
        .args([unit, rule, from, to, if directed { "true" } else { "false" }])
        .output()
        .expect("python3");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "pandas disagrees with `export panel --unit {unit} --rule {rule}`:\n{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(panel).unwrap()
}

#[test]
fn export_panel_country_year_matches_pandas_cell_by_cell() {
    let w = with_atop();
    w.ok(&[
        "import",
        "--format",
        "cow-igo",
        external("cow-igo-v3-postsoviet.csv").to_str().unwrap(),
    ]);
    for rule in ["end-of-year", "any-time"] {
        let text = panel_matches_pandas(&w, "country-year", rule, false, "1991", "2024");
        let rows = csv_rows(&text);
        let cell = |iso: &str, year: &str, col: &str| {
            rows.iter().find(|r| r["iso3"] == iso && r["year"] == year).unwrap()[col].clone()
        };
        // Codes of the year.
        assert_eq!(
            (cell("GEO", "2000", "cow"), cell("GEO", "2000", "gw")),
            ("372".into(), "372".into())
        );
        // Georgia left the CIS in 2009 (curated: end 2009-08-18): a member at some point of 2009,
        // not on 31 December.
        let geo_cis_2009 = cell("GEO", "2009", "CIS");
        assert_eq!(geo_cis_2009, if rule == "any-time" { "member" } else { "none" }, "{rule}");
        // Never 0 for unknown: events before the first event year are empty.
        assert_eq!(cell("RUS", "1991", "events_neg"), "");
    }
    let err = w.fails(&["export", "panel", "--unit", "country"], 2);
    assert!(err.contains("'country'") && err.contains("--unit"), "{err}");
    let err = w.fails(&["export", "panel", "--unit", "country-year", "--codes", "iso2"], 2);
    assert!(err.contains("iso2"), "{err}");
    let err = w
        .fails(&["export", "panel", "--unit", "country-year", "--from", "2000", "--to", "1999"], 2);
    assert!(err.contains("--to 1999"), "{err}");
}

#[test]
fn export_panel_dyad_year_matches_pandas_cell_by_cell() {
    let w = with_atop();
    let text = panel_matches_pandas(&w, "dyad-year", "end-of-year", false, "2010", "2020");
    let rows = csv_rows(&text);
    let find = |a: &str, b: &str, y: &str| {
        rows.iter()
            .find(|r| r["iso3_a"] == a && r["iso3_b"] == b && r["year"] == y)
            .unwrap_or_else(|| panic!("{a} {b} {y}"))
    };
    // ARM-RUS: CSTO co-members with an ATOP defense obligation; after 2018 ATOP is silent (NA).
    assert_eq!(find("ARM", "RUS", "2015")["atop_defense"], "1");
    assert!(find("ARM", "RUS", "2015")["shared_list"].split(';').any(|b| b == "CSTO"));
    assert_eq!(find("ARM", "RUS", "2020")["atop_defense"], "");
    // A pair ATOP never names is not 0 but unknown.
    assert_eq!(find("CHN", "USA", "2015")["atop_defense"], "");
    panel_matches_pandas(&w, "dyad-year", "any-time", true, "2016", "2018");
}

// ---------------------------------------------------------------------------------------------
// GEXF
// ---------------------------------------------------------------------------------------------

#[test]
fn export_gexf_validates_against_gexf_1_3_and_networkx_reads_it() {
    let w = with_atop();
    let file = w.path("graph.gexf");
    w.ok(&["export", "gexf", "-o", file.to_str().unwrap()]);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("mode=\"dynamic\"") && text.contains("timeformat=\"date\""));
    let xmllint = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(root().join("tests/oracle/gexf-1.3/gexf.xsd"))
        .arg(&file)
        .output()
        .unwrap_or_else(|e| {
            panic!("xmllint is needed (Debian: apt-get install libxml2-utils): {e}")
        });
    assert!(
        xmllint.status.success(),
        "GEXF 1.3 schema validation failed:\n{}",
        String::from_utf8_lossy(&xmllint.stderr)
    );
    let out = python_with("networkx")
        .arg(root().join("tests/oracle/gexf_check.py"))
        .arg(&file)
        .output()
        .expect("python3");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["mode"], "dynamic");
    assert!(v["edge_kinds"]["membership"].as_u64() > Some(50), "{}", v["edge_kinds"]);
    assert!(v["edge_kinds"]["obligation"].as_u64() > Some(100), "{}", v["edge_kinds"]);
    assert!(v["edge_kinds"]["event"].as_u64() > Some(5), "{}", v["edge_kinds"]);
    // Armenia in the CSTO: a member from 1992, frozen from 2024-02-22: the role is dynamic.
    let arm = &v["edges"]["m:ARM:CSTO"];
    let role = arm["role"].to_string();
    assert!(
        role.contains("member") && role.contains("frozen") && role.contains("2024-02-22"),
        "{arm}"
    );
    assert!(arm["spells"].to_string().contains("1992-05-15"), "{arm}");
    // An obligation open at ATOP's horizon ends with it.
    let ob = &v["edges"]["o:ARM:RUS:defense"];
    assert!(ob["spells"].to_string().contains("2018-12-31"), "{ob}");
    assert_eq!(v["RUS"]["cow"], 365);
}
