//! Issue 12, part 1: one row per claim, dataset horizons, complete blocs and the sources trail.
//! Each test pins a bullet of the first list: the same command now gives the honest answer.

use std::collections::{BTreeMap, BTreeSet};

use crate::workdir::{seeded, shared, Workdir};

fn col(rows: &[Vec<String>], name: &str) -> usize {
    rows[0]
        .iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", rows[0]))
}

/// The rows (without header) as maps column -> cell.
fn records(rows: &[Vec<String>]) -> Vec<BTreeMap<String, String>> {
    rows[1..].iter().map(|r| rows[0].iter().cloned().zip(r.iter().cloned()).collect()).collect()
}

fn cow_file() -> std::path::PathBuf {
    let path = shared().join("external/cow-igo-v3-postsoviet.csv");
    assert!(path.exists(), "{} is missing", path.display());
    path
}

#[test]
fn query_members_one_row_per_claim_for_the_csto() {
    let w = seeded();
    let rows = w.csv(&["query", "members", "-p", "bloc=CSTO", "--as-of", "2024-06-01"]);
    let got: Vec<(String, String, String)> = records(&rows)
        .iter()
        .map(|r| (r["country"].clone(), r["role"].clone(), r["sources"].clone()))
        .collect();
    // One row per country: Uzbekistan left in 2012 (suspended, then out), so six states.
    let countries: BTreeSet<&str> = got.iter().map(|g| g.0.as_str()).collect();
    assert_eq!(got.len(), countries.len(), "one row per claim: {got:#?}");
    assert_eq!(
        countries,
        ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"].into_iter().collect(),
        "{got:#?}"
    );
    // Sources: article first, then the reference source; the Newsweek article (January 2023)
    // says nothing about June 2024 (its horizon), so it is not among Russia's sources.
    let by: BTreeMap<&str, (&str, &str)> =
        got.iter().map(|g| (g.0.as_str(), (g.1.as_str(), g.2.as_str()))).collect();
    assert_eq!(
        by["ARM"],
        ("frozen", "moscowtimes-2024-alliances-unraveling;ref-armenia-csto-freeze-2024")
    );
    assert_eq!(by["RUS"], ("member", "ref-collective-security-treaty-1992"));
    // --by-source: one row per source, as before.
    let each =
        w.csv(&["query", "members", "-p", "bloc=CSTO", "--as-of", "2024-06-01", "--by-source"]);
    assert_eq!(each.len() - 1, 7, "{each:#?}");
    assert!(records(&each).iter().all(|r| !r["sources"].contains(';')), "{each:#?}");
    // 2022 (before the article's horizon): Newsweek and the treaty both state Russia's membership.
    let rows = w.csv(&["query", "members", "-p", "bloc=CSTO", "--as-of", "2022-06-01"]);
    let rus = records(&rows).into_iter().find(|r| r["country"] == "RUS").expect("RUS");
    assert_eq!(
        rus["sources"],
        "newsweek-2023-eaeu-integration;ref-collective-security-treaty-1992"
    );
    assert_eq!(rus["disputed"], "false");
}

#[test]
fn query_members_uzbekistan_suspended_then_out_of_the_csto() {
    let w = seeded();
    let on = |d: &str| -> Vec<String> {
        let rows = w.csv(&["query", "members", "-p", "bloc=CSTO", "--as-of", d]);
        records(&rows).iter().filter(|r| r["country"] == "UZB").map(|r| r["role"].clone()).collect()
    };
    assert_eq!(on("2010-01-01"), ["member"]);
    assert_eq!(on("2012-07-01"), ["frozen"]);
    assert!(on("2013-01-01").is_empty(), "not a CSTO member after 2012-12-19");
    let rows = w.csv(&["query", "withdrawals", "-p", "bloc=CSTO"]);
    let uzb: Vec<(String, String)> = records(&rows)
        .iter()
        .filter(|r| r["country"] == "UZB")
        .map(|r| (r["date"].clone(), r["kind"].clone()))
        .collect();
    assert!(uzb.contains(&("2012-06-28".into(), "frozen".into())), "{uzb:?}");
    assert!(uzb.contains(&("2012-12-19".into(), "exit".into())), "{uzb:?}");
}

#[test]
fn query_withdrawals_without_duplicates() {
    let w = seeded();
    let rows = w.csv(&["query", "withdrawals"]);
    let mut seen = BTreeSet::new();
    for r in records(&rows) {
        let key = (r["country"].clone(), r["bloc"].clone(), r["date"].clone(), r["kind"].clone());
        assert!(seen.insert(key.clone()), "twice: {key:?}\n{rows:#?}");
    }
    // Turkmenistan and Ukraine follow one rule (neither ratified the 1993 Charter): one
    // downgrade each, on the Charter's adoption.
    for c in ["TKM", "UKR"] {
        let down: Vec<_> = seen
            .iter()
            .filter(|k| k.0 == c && k.1 == "CIS" && k.3.starts_with("downgraded"))
            .collect();
        assert_eq!(down.len(), 1, "{c}: {down:?}");
        assert_eq!(down[0].2, "1993-01-22", "{c}");
    }
    // Announced withdrawals of Georgia (2008) and Ukraine (2018) are there.
    assert!(seen.contains(&("GEO".into(), "CIS".into(), "2008-08-18".into(), "announced".into())));
    assert!(seen.contains(&("UKR".into(), "CIS".into(), "2018-05-19".into(), "announced".into())));
    // Armenia's announced CSTO withdrawal: one claim of two sources (article, dated record).
    let arm: Vec<_> = records(&rows)
        .into_iter()
        .filter(|r| r["country"] == "ARM" && r["kind"] == "announced")
        .collect();
    assert_eq!(arm.len(), 1, "{arm:?}");
    assert_eq!(arm[0]["date"], "2024-06-12");
}

#[test]
fn query_bilateral_one_shared_bloc_row_per_bloc() {
    let w = seeded();
    let rows =
        w.csv(&["query", "bilateral", "-p", "a=ARM", "-p", "b=RUS", "--as-of", "2024-06-01"]);
    let shared: Vec<String> = records(&rows)
        .iter()
        .filter(|r| r["section"] == "shared bloc")
        .map(|r| format!("{} {}", r["to_"], r["detail"]))
        .collect();
    assert_eq!(
        shared,
        ["CIS member / member", "CSTO frozen / member", "EAEU member / member"],
        "{rows:#?}"
    );
}

#[test]
fn query_blocs_counts_are_true_and_partial_blocs_say_so() {
    let w = seeded();
    let count = |d: &str| -> BTreeMap<String, (String, String)> {
        let rows = w.csv(&["query", "blocs", "--as-of", d]);
        records(&rows)
            .into_iter()
            .map(|r| (r["bloc"].clone(), (r["members"].clone(), r["coverage"].clone())))
            .collect()
    };
    let now = count("2024-06-01");
    assert_eq!(now["EU"], ("27".into(), "complete".into()));
    assert_eq!(now["NATO"], ("32".into(), "complete".into()));
    assert_eq!(now["SCO"].0, "9", "10 states with Belarus from 2024-07-04, 9 before");
    assert_eq!(count("2019-06-01")["EU"].0, "28", "the United Kingdom until 2020-02-01");
    assert_eq!(count("2020-02-01")["EU"].0, "27");
    assert_eq!(count("2024-03-07")["NATO"].0, "32");
    assert_eq!(count("2024-03-06")["NATO"].0, "31");
    // A bloc an import creates without a complete list is partial: no count.
    w.ok(&["import", "--format", "cow-igo", cow_file().to_str().unwrap()]);
    let after = count("2005-06-01");
    assert_eq!(after["EAEC"], (String::new(), "partial".into()), "{after:?}");
    assert_eq!(after["EU"].1, "complete");
}

#[test]
fn import_cow_leaves_present_day_answers_unchanged() {
    let w = seeded();
    let questions: [&[&str]; 5] = [
        &["query", "memberships", "-p", "country=UKR", "--as-of", "2026-01-01"],
        &["query", "members", "-p", "bloc=CSTO", "--as-of", "2024-06-01"],
        &["query", "members", "-p", "bloc=CIS", "--as-of", "2025-01-01"],
        &["query", "overlap", "--as-of", "2024-06-01"],
        &["query", "bilateral", "-p", "a=ARM", "-p", "b=RUS", "--as-of", "2024-06-01"],
    ];
    let before: Vec<_> = questions.iter().map(|q| w.csv(q)).collect();
    w.ok(&["import", "--format", "cow-igo", cow_file().to_str().unwrap()]);
    for (q, b) in questions.iter().zip(&before) {
        assert_eq!(&w.csv(q), b, "{q:?} changed after the COW import");
    }
    // Ukraine on 2026-01-01: no CIS associate, no EAEC observer.
    let ukr = w.csv(&["query", "memberships", "-p", "country=UKR", "--as-of", "2026-01-01"]);
    assert!(!ukr.iter().any(|r| r[0] == "CIS" || r[0] == "EAEC"), "{ukr:#?}");
    // 2005: COW beside the curated facts, in the same claim, datasets last.
    let rows = w.csv(&["query", "members", "-p", "bloc=CSTO", "--as-of", "2005-06-01"]);
    let rus = records(&rows).into_iter().find(|r| r["country"] == "RUS").expect("RUS in 2005");
    assert_eq!(
        rus["sources"],
        "newsweek-2023-eaeu-integration;ref-collective-security-treaty-1992;cow-igo-v3"
    );
    // One row per claim in 2005 too; COW's Uzbekistan (coded a member 2002-2011) is the real
    // difference: its row is disputed, since the curated spell starts only in 2006.
    assert_eq!(rows.len() - 1, 7, "{rows:#?}");
    let uzb = records(&rows).into_iter().find(|r| r["country"] == "UZB").expect("COW's UZB");
    assert_eq!((uzb["sources"].as_str(), uzb["disputed"].as_str()), ("cow-igo-v3", "true"));
    // The COW source has its horizon and is ranked a dataset.
    let src =
        w.ok(&["query", "sources", "-p", &format!("fact={}", rus["claim"]), "--format", "csv"]);
    assert!(src.contains("cow-igo-v3") && src.contains("correlatesofwar.org"), "{src}");
}

#[test]
fn query_members_right_censors_an_open_spell_at_its_sources_horizon() {
    let w = seeded();
    let src =
        w.write("s.csv", "id,title,publisher,published,horizon\nds-1,A dataset,Lab,2020,2014\n");
    let m = w.write("m.csv", "country,bloc,role,start,source\nMNG,CSTO,observer,2010,ds-1\n");
    w.ok(&["import", src.to_str().unwrap(), m.to_str().unwrap()]);
    let mng = |d: &str| {
        let rows = w.csv(&["query", "members", "-p", "bloc=CSTO", "--as-of", d]);
        records(&rows).into_iter().filter(|r| r["country"] == "MNG").count()
    };
    assert_eq!(mng("2014-12-31"), 1, "held through the horizon's last day");
    assert_eq!(mng("2015-01-01"), 0, "after the horizon the source says nothing");
    // validate: an open spell at the horizon is fine.
    let v = w.run(&["validate"]);
    let text =
        String::from_utf8_lossy(&v.stdout).into_owned() + &String::from_utf8_lossy(&v.stderr);
    assert!(!text.contains("past-horizon"), "{text}");
}

#[test]
fn validate_reports_a_spell_past_its_sources_horizon() {
    let w = seeded();
    let src =
        w.write("s.csv", "id,title,publisher,published,horizon\nds-2,A dataset,Lab,2020,2014\n");
    let m = w.write(
        "m.csv",
        "country,bloc,role,start,end,source\nMNG,CSTO,observer,2016,,ds-2\nAFG,CSTO,observer,2010,2018,ds-2\nCUB,CSTO,observer,2010,2015,ds-2\n",
    );
    w.ok(&["import", src.to_str().unwrap(), m.to_str().unwrap()]);
    let out = w.run(&["validate"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let flagged: Vec<&str> = text.lines().filter(|l| l.contains("past-horizon")).collect();
    assert_eq!(flagged.len(), 2, "a start after and an end past the horizon:\n{text}");
    assert!(!out.status.success(), "validate exits non-zero on violations");
}

#[test]
fn import_claims_group_sources_and_flag_disputes() {
    let w = seeded();
    let src = w.write(
        "s.csv",
        "id,title,publisher,published,url\nnews-x,An article,Paper,2025-01-10,https://example.org/x\n",
    );
    // Same claim as the reference spell (TJK in the CSTO, no article yet), another start: disputed.
    let m = w.write(
        "m.csv",
        "country,bloc,role,start,source,quote\nTJK,CSTO,member,1994-04-20,news-x,Tajikistan joined\n",
    );
    w.ok(&["import", src.to_str().unwrap(), m.to_str().unwrap()]);
    let rows = w.csv(&["query", "memberships", "-p", "country=TJK", "--as-of", "2024-12-31"]);
    let csto: Vec<_> = records(&rows).into_iter().filter(|r| r["bloc"] == "CSTO").collect();
    assert_eq!(csto.len(), 1, "{csto:?}");
    assert_eq!(csto[0]["disputed"], "true");
    // The article is now the primary source: its start is the row's, it comes first.
    assert_eq!(csto[0]["start"], "1994-04-20");
    assert_eq!(csto[0]["sources"], "news-x;ref-collective-security-treaty-1992");
    // `sources` shows every version of the claim.
    let versions = w.csv(&["query", "sources", "-p", &format!("fact={}", csto[0]["claim"])]);
    let descr: BTreeSet<String> =
        records(&versions).iter().map(|r| r["description"].clone()).collect();
    assert!(descr.contains("TJK member of CSTO from 1994-04-20"), "{descr:?}");
    assert!(descr.contains("TJK member of CSTO from 1992-05-15"), "{descr:?}");
    assert!(
        records(&versions)
            .iter()
            .all(|r| r["disputed"] == "true" && r["claim"] == csto[0]["claim"]),
        "{versions:#?}"
    );
}

#[test]
fn query_sources_gives_url_description_and_display_quote() {
    let w = seeded();
    let rows = w.csv(&["query", "sources", "-p", "entity=ARM"]);
    let frozen: Vec<_> = records(&rows)
        .into_iter()
        .filter(|r| r["description"] == "ARM frozen in CSTO from 2024-02-22")
        .collect();
    assert_eq!(frozen.len(), 2, "two versions of one claim: {frozen:#?}");
    let mt =
        frozen.iter().find(|r| r["source"] == "moscowtimes-2024-alliances-unraveling").unwrap();
    assert!(mt["url"].starts_with("https://www.themoscowtimes.com/2024/08/30/"), "{mt:?}");
    assert_eq!(mt["quote"], "Armenia has already de facto withdrawn from the CSTO");
    assert_eq!(frozen[0]["claim"], frozen[1]["claim"]);
    // Every fact has a one-line description.
    assert!(records(&rows).iter().all(|r| !r["description"].is_empty()), "{rows:#?}");
    // The stored quote stays verbatim (the RDF export).
    let nt = w.ok(&["export", "rdf", "--format", "nt"]);
    assert!(nt.contains("de facto [withdrawn](#) from the CSTO"));
}

#[test]
fn query_trade_shows_quotes_and_what_was_inferred() {
    let w = seeded();
    let rows = w.csv(&["query", "trade", "-p", "country=KAZ"]);
    let r = records(&rows);
    let y2023 = r.iter().find(|r| r["period_start"] == "2023").expect("2023 row");
    assert_eq!(y2023["inferred"], "period;qualifier");
    assert!(y2023["quote"].contains("exceeding $28 billion"), "{y2023:?}");
    assert_eq!(y2023["sources"], "cis-summit-2024-sanctions-backfire");
    let blr = w.csv(&["query", "trade", "-p", "country=BLR"]);
    let f = &records(&blr)[0];
    assert_eq!((f["status"].as_str(), f["inferred"].as_str()), ("forecast", ""));
    assert!(f["quote"].contains("expected to reach $59-60 billion"));
}

#[test]
fn query_event_types_lists_the_vocabularies_with_meanings() {
    let w = seeded();
    let rows = w.csv(&["query", "event-types"]);
    let r = records(&rows);
    let find = |v: &str, t: &str| {
        r.iter()
            .find(|x| x["vocabulary"] == v && x["term"] == t)
            .unwrap_or_else(|| panic!("{v} {t} missing: {rows:#?}"))["meaning"]
            .clone()
    };
    assert!(find("polarity", "-1").contains("friction"));
    assert!(find("polarity", "1").contains("cooperation"));
    assert!(find("event type", "sanction").len() > 20);
    assert!(find("event type", "trade-policy").contains("not a sanction"));
    assert!(find("role", "frozen").contains("suspended"));
    assert!(find("status", "forecast").contains("not an observation"));
    let n_types = r.iter().filter(|x| x["vocabulary"] == "event type").count();
    assert_eq!(n_types, blocgraph::schema::event_types().len());
}

#[test]
fn query_events_one_row_per_claim_with_dated_records() {
    let w = seeded();
    // The 2020 Karabakh war: Newsweek's year and the reference source's day are one claim.
    let rows = w.csv(&["query", "events", "-p", "actor=AZE"]);
    let war: Vec<_> = records(&rows)
        .into_iter()
        .filter(|r| r["type"] == "conflict" && r["date"].starts_with("2020"))
        .collect();
    assert_eq!(war.len(), 1, "{war:#?}");
    assert_eq!(war[0]["sources"], "newsweek-2023-eaeu-integration;ref-karabakh-war-2020");
    // Kyrgyzstan's import-export rules: no target, not a sanction.
    let kgz = w.csv(&["query", "events", "-p", "actor=KGZ"]);
    let rules: Vec<_> =
        records(&kgz).into_iter().filter(|r| r["summary"].contains("import-export")).collect();
    assert_eq!(rules.len(), 1);
    assert_eq!((rules[0]["type"].as_str(), rules[0]["target"].as_str()), ("trade-policy", ""));
    // The January 2022 CSTO deployment in Kazakhstan is there, from its reference source.
    let csto = w.csv(&[
        "query",
        "events",
        "-p",
        "bloc=CSTO",
        "-p",
        "from=2022-01-01",
        "-p",
        "to=2022-01-31",
    ]);
    assert!(records(&csto).iter().any(|r| r["type"] == "deployment" && r["target"] == "KAZ"));
}

#[test]
fn query_by_source_is_a_flag_of_every_claim_query() {
    let w: Workdir = seeded();
    for q in ["withdrawals", "trade", "events", "exits"] {
        let claims = w.csv(&["query", q]);
        let each = w.csv(&["query", q, "--by-source"]);
        assert!(each.len() >= claims.len(), "{q}");
        let s = col(&each, "sources");
        assert!(each[1..].iter().all(|r| !r[s].contains(';')), "{q}: {each:#?}");
    }
}
