//! The JSON API under /api/ and the SPARQL protocol's XML and Turtle answers, from the real
//! binary on a real store; hostile requests get a status and a reason and never write.

use serde_json::{json, Value};

use crate::explorer::Served;
use crate::workdir::{python_with, seeded};

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn edge<'a>(view: &'a Value, source: &str, target: &str, kind: &str) -> Option<&'a Value> {
    view["edges"].as_array().unwrap().iter().find(|e| {
        e["source"] == json!(source) && e["target"] == json!(target) && e["kind"] == json!(kind)
    })
}

#[test]
fn serve_api_view_has_the_contract_shape_and_agrees_with_the_members_query() {
    let w = seeded();
    let server = Served::serve(&w);
    let (status, view) = server.json("/api/view?as_of=2024-03-01&bloc=CSTO");
    assert_eq!(status, 200, "{view}");
    assert_eq!(
        (view["as_of"].as_str(), view["window_start"].as_str()),
        (Some("2024-03-01"), Some("2022-03-01"))
    );
    let arm = edge(&view, "ARM", "CSTO", "membership").expect("ARM-CSTO membership");
    assert_eq!(arm["role"], json!("frozen"));
    // One claim per source until the `bg:claim` links exist, one claim for all of them after.
    let claims: Vec<&str> =
        arm["claims"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    assert!(!claims.is_empty() && claims.iter().all(|c| c.starts_with("m-")), "{arm}");
    // The membership edges are exactly the members query's rows (an independent path: SPARQL).
    let members = w.csv(&["query", "members", "-p", "bloc=CSTO", "--as-of", "2024-03-01"]);
    let mut expected: Vec<(String, String)> =
        members[1..].iter().map(|r| (r[0].clone(), r[2].clone())).collect();
    expected.sort();
    expected.dedup();
    let mut got: Vec<(String, String)> = view["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == json!("membership") && e["target"] == json!("CSTO"))
        .map(|e| (e["source"].as_str().unwrap().to_owned(), e["role"].as_str().unwrap().to_owned()))
        .collect();
    got.sort();
    assert_eq!(got, expected);
    for n in view["nodes"].as_array().unwrap() {
        assert!(n["id"].is_string() && n["label"].is_string() && n["kind"].is_string(), "{n}");
    }
    // Every edge's claims open at /api/claims/ID, and relations carry their polarity counts.
    for e in view["edges"].as_array().unwrap() {
        assert!(!e["claims"].as_array().unwrap().is_empty(), "an edge without claims: {e}");
        if e["kind"] == json!("relation") {
            assert!(e["friction"].is_u64() && e["cooperation"].is_u64(), "{e}");
        }
    }
    // The same date without a bloc filter holds more blocs; the layout covers every drawn node.
    let (_, all) = server.json("/api/view?as_of=2024-03-01");
    assert!(edge(&all, "LTU", "EU", "membership").is_some());
    let (status, layout) = server.json("/api/layout");
    assert_eq!(status, 200);
    let placed: std::collections::BTreeSet<&str> =
        layout["nodes"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap()).collect();
    for e in all["edges"].as_array().unwrap() {
        for end in ["source", "target"] {
            assert!(placed.contains(e[end].as_str().unwrap()), "{e} has no position");
        }
    }
    assert!(layout["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| (0.0..=1.0).contains(&n["x"].as_f64().unwrap())));
    // The layout is computed once over all dates: the same answer every time.
    assert_eq!(server.json("/api/layout").1, layout);
}

#[test]
fn serve_api_claims_give_sources_with_verbatim_quotes() {
    let w = seeded();
    let server = Served::serve(&w);
    let (_, view) = server.json("/api/view?as_of=2024-03-01&bloc=CSTO");
    let ids: Vec<String> = edge(&view, "ARM", "CSTO", "membership").unwrap()["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    // The claim whose sources hold the Moscow Times article.
    let claim = ids
        .iter()
        .map(|id| {
            let (status, claim) = server.json(&format!("/api/claims/{id}"));
            assert_eq!(status, 200, "{claim}");
            assert_eq!(claim["id"], json!(id));
            claim
        })
        .find(|c| {
            c["sources"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["id"].as_str().unwrap().starts_with("moscowtimes-"))
        })
        .expect("a claim from the Moscow Times");
    assert_eq!(
        (
            claim["kind"].as_str(),
            claim["country"].as_str(),
            claim["bloc"].as_str(),
            claim["role"].as_str(),
            claim["start"].as_str()
        ),
        (Some("membership"), Some("ARM"), Some("CSTO"), Some("frozen"), Some("2024-02-22"))
    );
    assert!(claim["end"].is_null(), "{claim}");
    let sources = claim["sources"].as_array().unwrap();
    for s in sources {
        for key in ["id", "title", "publisher", "published", "url", "quote", "note"] {
            assert!(s.get(key).is_some(), "{key} missing in {s}");
        }
    }
    // The quote is verbatim: the same text as the seed CSV's cell.
    let seed =
        std::fs::read_to_string(crate::workdir::root().join("seed-data/memberships.csv")).unwrap();
    let quoted: Vec<&str> = sources.iter().filter_map(|s| s["quote"].as_str()).collect();
    assert!(
        quoted.contains(&"Armenia has already de facto [withdrawn](#) from the CSTO"),
        "{claim}"
    );
    for q in quoted {
        assert!(seed.contains(q), "not verbatim from the seed: {q}");
    }
    // Articles first, then reference sources.
    let ids: Vec<&str> = sources.iter().map(|s| s["id"].as_str().unwrap()).collect();
    let first_ref = ids.iter().position(|s| s.starts_with("ref-")).unwrap_or(ids.len());
    assert!(
        ids[..first_ref].iter().all(|s| !s.starts_with("ref-"))
            && ids[first_ref..].iter().all(|s| s.starts_with("ref-")),
        "{ids:?}"
    );
    // An event claim keeps its stated precision.
    let (_, events) = server.json("/api/events?from=2022-11&to=2022-11-30&actor=Armenia");
    let refusal = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == json!("refusal"))
        .expect("Armenia's refusal in November 2022");
    let (_, claim) = server.json(&format!("/api/claims/{}", refusal["id"].as_str().unwrap()));
    assert_eq!(claim["date"], refusal["date"]);
    assert_eq!(claim["polarity"], json!(-1));
}

#[test]
fn serve_api_entity_events_and_cohesion_answer_as_the_cli_does() {
    let w = seeded();
    let server = Served::serve(&w);
    let (status, entity) = server.json("/api/entity/eurasian%20economic%20union");
    assert_eq!(status, 200, "{entity}");
    assert_eq!((entity["id"].as_str(), entity["kind"].as_str()), (Some("EAEU"), Some("bloc")));
    assert!(entity["aliases"].as_array().unwrap().iter().any(|a| a == "EEU"), "{entity}");
    assert!(entity["claims"].as_array().unwrap().len() >= 5);
    // Events: the same rows as the saved query.
    let (_, events) = server.json("/api/events?from=2022&to=2023&bloc=CSTO");
    let cli = w.csv(&["query", "events", "-p", "bloc=CSTO", "-p", "from=2022", "-p", "to=2023"]);
    let date = cli[0].iter().position(|h| h == "date").unwrap();
    let mut cli_dates: Vec<String> = cli[1..].iter().map(|r| r[date].clone()).collect();
    let mut api_dates: Vec<String> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["date"].as_str().unwrap().to_owned())
        .collect();
    cli_dates.sort();
    api_dates.sort();
    assert!(!api_dates.is_empty());
    assert_eq!(api_dates, cli_dates);
    // Cohesion: the numbers of `analyze cohesion`.
    let (status, series) = server.json("/api/cohesion?bloc=CSTO&from=2020&to=2024&step=year");
    assert_eq!(status, 200, "{series}");
    let cli: Value = serde_json::from_str(&w.ok(&[
        "analyze", "cohesion", "--bloc", "CSTO", "--from", "2020", "--to", "2024", "--format",
        "json",
    ]))
    .unwrap();
    let rows = series["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    for (a, c) in rows.iter().zip(cli.as_array().unwrap()) {
        for key in
            ["as_of", "members", "cohesion", "retention", "polarity", "balance", "trade_share"]
        {
            assert_eq!(a[key], c[key], "{key} on {}", a["as_of"]);
        }
    }
}

#[test]
fn serve_api_refuses_hostile_requests_with_a_status_and_a_reason() {
    let w = seeded();
    let before = w.snapshot();
    let server = Served::serve(&w);
    let long = "A".repeat(5000);
    let cases: Vec<(&str, u16, &str)> = vec![
        ("/api/view?as_of=2024-02-30", 400, "2024-02 has 29 days"),
        ("/api/view?as_of=yesterday", 400, "not a date"),
        ("/api/view?as_of=2024&as_of=2023", 400, "given twice"),
        ("/api/view?window=0", 400, "window"),
        ("/api/view?window=-3", 400, "window"),
        ("/api/view?bloc=Atlantis", 400, "unknown bloc"),
        ("/api/view?bloc=Armenia", 400, "is a country"),
        ("/api/view?colour=red", 400, "no parameter"),
        ("/api/events?from=2024&to=2020", 400, "before"),
        ("/api/events?actor=Narnia", 400, "unknown"),
        ("/api/cohesion?from=2020&to=2024", 400, "at least one bloc"),
        ("/api/cohesion?bloc=CSTO&from=1950&to=2025&step=month", 400, "at most 500"),
        ("/api/cohesion?bloc=CSTO&from=1000&to=9000&step=month", 400, "larger step"),
        ("/api/cohesion?bloc=CSTO&step=decade", 400, "step"),
        ("/api/claims/m-0000000000000000", 404, "no claim"),
        ("/api/claims/..%2F..%2Fetc%2Fpasswd", 404, "no claim"),
        ("/api/claims/m-1%3E%20%7D%20DROP%20ALL%20%7B", 404, "no claim"),
        ("/api/entity/Atlantis", 404, "unknown"),
        ("/api/entity/ARM%22%20%7D%20CLEAR%20ALL%20%23", 404, "unknown"),
        ("/api/nothing", 404, "no such endpoint"),
    ];
    let mut all: Vec<(String, u16, &str)> =
        cases.into_iter().map(|(t, s, r)| (t.to_owned(), s, r)).collect();
    all.push((format!("/api/view?bloc={long}"), 400, "too long"));
    all.push((format!("/api/entity/{long}"), 400, "too long"));
    all.push((
        format!(
            "/api/view?{}",
            (0..60).map(|i| format!("bloc=CSTO{i}")).collect::<Vec<_>>().join("&")
        ),
        400,
        "at most 50",
    ));
    all.push((
        format!("/api/view?bloc={}", encode("CSTO\" } ; DROP ALL ; #")),
        400,
        "unknown bloc",
    ));
    for (target, status, reason) in &all {
        let (got, body) = server.json(target);
        assert_eq!(got, *status, "{target}: {body}");
        let error =
            body["error"].as_str().unwrap_or_else(|| panic!("{target}: no error in {body}"));
        assert!(error.contains(reason), "{target}: expected {reason:?} in {error:?}");
    }
    let (status, _, _) = server.get("/api/view?as_of=2024-03-01");
    assert_eq!(status, 200, "the server stopped answering");
    let (status, head, _) = server.get_with("/api/view", "Content-Length: 3\r\n");
    assert!(status == 200 || status == 400, "{head}");
    drop(server);
    assert_eq!(w.snapshot(), before, "the store changed");
}

#[test]
fn serve_answers_sparql_xml_and_turtle_by_accept() {
    let w = seeded();
    let server = Served::serve(&w);
    let select = "PREFIX bg: <https://blocgraph.org/ns#> SELECT ?id WHERE { ?b a bg:Bloc ; bg:id ?id } ORDER BY ?id";
    let (status, head, xml) = server.get_with(
        &format!("/query?query={}", encode(select)),
        "Accept: application/sparql-results+xml\r\n",
    );
    assert_eq!(status, 200, "{xml}");
    assert!(head.contains("Content-Type: application/sparql-results+xml"), "{head}");
    // rdflib reads the XML results: the same ids as the JSON answer.
    let file = w.write("r.srx", &xml);
    let out = python_with("rdflib")
        .args(["-c", "import sys, rdflib.query as q; r = q.Result.parse(open(sys.argv[1], 'rb'), format='xml'); print(' '.join(str(row[0]) for row in r))", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let ids = String::from_utf8(out.stdout).unwrap();
    assert!(ids.split_whitespace().any(|i| i == "CSTO"), "{ids}");
    let json: Value =
        serde_json::from_str(&server.get(&format!("/query?query={}", encode(select))).2).unwrap();
    let json_ids: Vec<&str> = json["results"]["bindings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"]["value"].as_str().unwrap())
        .collect();
    assert_eq!(ids.split_whitespace().collect::<Vec<_>>(), json_ids);
    let (status, _, ask) = server.get_with(
        &format!("/query?query={}", encode("ASK { ?s ?p ?o }")),
        "Accept: application/sparql-results+xml\r\n",
    );
    assert!(status == 200 && ask.contains("<boolean>true</boolean>"), "{ask}");
    // CONSTRUCT by Accept: N-Triples (was 406) and Turtle, both parsed by rdflib to the same graph.
    let construct = "PREFIX bg: <https://blocgraph.org/ns#> CONSTRUCT { ?b bg:id ?id } WHERE { ?b a bg:Bloc ; bg:id ?id }";
    let (status, head, nt) = server.get_with(
        &format!("/query?query={}", encode(construct)),
        "Accept: application/n-triples\r\n",
    );
    assert!(status == 200 && head.contains("application/n-triples"), "{head}\n{nt}");
    let (status, head, ttl) =
        server.get_with(&format!("/query?query={}", encode(construct)), "Accept: text/turtle\r\n");
    assert!(status == 200 && head.contains("text/turtle"), "{head}\n{ttl}");
    assert!(ttl.contains("@prefix bg:"), "{ttl}");
    let (a, b) = (w.write("g.nt", &nt), w.write("g.ttl", &ttl));
    let out = python_with("rdflib")
        .args(["-c", "import sys, rdflib; from rdflib.compare import isomorphic; a = rdflib.Graph().parse(sys.argv[1], format='nt'); b = rdflib.Graph().parse(sys.argv[2], format='turtle'); print(len(a), isomorphic(a, b))", a.to_str().unwrap(), b.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8(out.stdout).unwrap();
    let (count, same) = said.trim().split_once(' ').unwrap();
    assert!(count.parse::<usize>().unwrap() >= 8 && same == "True", "{said}");
    // A SELECT asked for as a graph format is refused with the formats it comes in.
    let (status, _, body) =
        server.get_with(&format!("/query?query={}", encode(select)), "Accept: text/turtle\r\n");
    assert!(status == 406 && body.contains("application/sparql-results+xml"), "{status} {body}");
}
