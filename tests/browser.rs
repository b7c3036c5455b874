//! A real browser: Debian's Chromium, headless, driven by Selenium through
//! Debian's chromedriver (`tests/clients/browser.py`), opens one page of
//! every kind the sitemap lists (home, edition, award, project, organisation,
//! category, level, criterion, kind, place, territory, scheme, source, data
//! set, catalog, distribution, VoID, ontology, query page) and the 404 page,
//! on a phone-sized and a desktop window. Each page must be in French, have a
//! title and a heading, load without a console error (a resource blocked by
//! the Content-Security-Policy, a script error), fit the window's width, and
//! have no WCAG 2.1 A/AA violation that axe-core finds. On the query page,
//! YASGUI must run the first example query and show its rows, and the page's
//! new-tab button (which replaces YASGUI's own, kept out of the tab list)
//! must open a tab, where a malformed query shows the endpoint's message
//! (with its position); axe-core checks the page in both states. Installed by
//! `scripts/install-test-tools` (apt `chromium`, `chromium-driver`; PyPI
//! `selenium`; npm `axe-core`).

mod common;

use common::{TestServer, repo};
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Command;

const BASE: &str = "https://w3id.org/territoire-innovant/";

/// The document at `path` in N-Triples.
async fn n_triples(server: &TestServer, path: &str) -> String {
    reqwest::Client::new()
        .get(server.at(path))
        .header("accept", "application/n-triples")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// One path of each kind in the sitemap (kind: the first segment of the
/// path), and a path that does not exist.
async fn pages_of_every_kind(server: &TestServer) -> Vec<String> {
    let sitemap = reqwest::get(server.at("/sitemap.xml"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut kinds = BTreeMap::new();
    for location in sitemap.split("<loc>").skip(1) {
        let iri = location
            .split("</loc>")
            .next()
            .unwrap()
            .replace("&#x2f;", "/")
            .replace("&amp;", "&");
        let path = iri.strip_prefix(BASE).expect("an IRI under the base");
        let kind = path.split('/').next().unwrap().to_owned();
        kinds.entry(kind).or_insert(format!("/{path}"));
    }
    let mut pages: Vec<String> = kinds.into_values().collect();
    pages.push("/no/such/resource".to_owned());
    pages.push(
        "/fragments?predicate=http%3A%2F%2Fwww.w3.org%2F2004%2F02%2Fskos%2Fcore%23prefLabel&page=2"
            .to_owned(),
    );
    pages.push("/ldes".to_owned());
    pages.push("/statistiques".to_owned());
    pages.push("/?niveau=or&type=commune".to_owned());
    pages.push("/recherche?q=t%C3%A9l%C3%A9medecine".to_owned());
    // The first page of the change feed, as its root node links it.
    let view = n_triples(server, "/ldes/view").await;
    let page = view
        .lines()
        .find(|line| line.contains("<https://w3id.org/tree#node>"))
        .and_then(|line| line.split(&format!("<{}", server.url)).nth(1))
        .and_then(|rest| rest.split('>').next())
        .expect("the root node links a release's first page");
    pages.push(page.to_owned());
    // A version on its own, as that page lists it.
    let listed = n_triples(server, page).await;
    let version = listed
        .lines()
        .find(|line| line.contains("<https://w3id.org/tree#member>"))
        .and_then(|line| line.split(&format!("<{BASE}")).nth(2))
        .and_then(|rest| rest.split('>').next())
        .expect("a page lists its versions");
    pages.push(format!("/{version}"));
    pages
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_page_renders_and_is_accessible_in_chromium() {
    let server = TestServer::default().await;
    let pages = pages_of_every_kind(&server).await;
    for kind in [
        "/",
        "/sparql",
        "/ontology",
        "/award/",
        "/organisation/",
        "/catalog",
    ] {
        assert!(
            pages
                .iter()
                .any(|p| p == kind || (kind.ends_with('/') && p.starts_with(kind))),
            "the sitemap lists no {kind} page: {pages:?}"
        );
    }
    let url = server.url.clone();
    let arguments = pages.clone();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("python3")
            .arg(repo().join("tests/clients/browser.py"))
            .arg(url)
            .args(arguments)
            .current_dir(repo().join("tests/clients"))
            .output()
            .expect("python3 runs")
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "the browser run failed (install Chromium, chromedriver, Selenium and axe-core with scripts/install-test-tools):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Vec<Value> = serde_json::from_slice(&output.stdout).expect("a JSON report");
    assert_eq!(report.len(), 2 * pages.len(), "every page in two windows");
    let followed: Vec<&Value> = report
        .iter()
        .filter_map(|page| page.get("resource_query"))
        .collect();
    assert_eq!(followed.len(), 1, "an award page's query link was followed");
    let query = followed[0]["query"].as_str().unwrap();
    let award = pages.iter().find(|p| p.starts_with("/award/")).unwrap();
    assert!(
        query.contains(&format!("<{BASE}{}>", award.trim_start_matches('/'))),
        "the query page opens with a query about the award: {query}"
    );
    assert!(followed[0]["shown"].as_u64().unwrap() > 5);
    assert_eq!(
        followed[0]["shown"], followed[0]["expected"],
        "YASGUI shows every row of the resource's query"
    );
    for page in report.iter().filter(|p| p["path"] == "/") {
        let map = &page["map"];
        assert_eq!(
            map["paths"], 101,
            "{}: one shape per département",
            page["window"]
        );
        assert!(
            map["links"].as_u64().unwrap() >= 20,
            "{}: the laureates' départements are links",
            page["window"]
        );
        // As wide as the page allows: most of the window on a desktop.
        let least = if page["window"] == "desktop" {
            700.0
        } else {
            300.0
        };
        assert!(
            map["width"].as_f64().unwrap() > least,
            "{}: the map is {} px wide",
            page["window"],
            map["width"]
        );
    }
    let searches = report
        .iter()
        .find_map(|page| page.get("searches"))
        .expect("the home page's search box was used");
    for (query, expected) in [
        ("Mairie de LUNAS", "/organisation/lunas"),
        ("ville de paris", "/organisation/ville-de-paris"),
        ("telemedecine", "/project/2023/relais-de-telemedecine"),
    ] {
        let links: Vec<&str> = searches[query]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        assert!(
            links.contains(&expected),
            "{query} finds {expected}: {links:?}"
        );
    }
    let mut failures = Vec::new();
    for page in &report {
        let at = format!("{} ({})", page["path"], page["window"]);
        if page["lang"] != "fr" {
            failures.push(format!("{at}: lang {}", page["lang"]));
        }
        if page["title"].as_str().is_none_or(str::is_empty) {
            failures.push(format!("{at}: no title"));
        }
        if page["h1"].as_str().is_none_or(str::is_empty) {
            failures.push(format!("{at}: no heading"));
        }
        if page["scroll_width"].as_u64() > page["width"].as_u64() {
            failures.push(format!(
                "{at}: {} px wide in a {} px window",
                page["scroll_width"], page["width"]
            ));
        }
        for element in page["hidden_overflow"].as_array().unwrap() {
            failures.push(format!(
                "{at}: content cut off in {element}, not a marked scroll area"
            ));
        }
        for word in page["broken_words"].as_array().unwrap() {
            failures.push(format!(
                "{at}: the heading word {word} is broken across lines"
            ));
        }
        for error in page["console_errors"].as_array().unwrap() {
            failures.push(format!("{at}: console: {error}"));
        }
        for violation in page["violations"].as_array().unwrap() {
            failures.push(format!(
                "{at}: axe {} ({}): {} on {}",
                violation["id"], violation["impact"], violation["help"], violation["nodes"]
            ));
        }
        if page["path"] == "/sparql" {
            let (shown, expected) = (&page["rows_shown"], &page["rows_expected"]);
            if shown.as_u64().unwrap_or(0) == 0 || shown != expected {
                failures.push(format!(
                    "{at}: the first example shows {shown} rows, the endpoint answers {expected}"
                ));
            }
            let (before, after) = (&page["tabs_before_new"], &page["tabs_after_new"]);
            if after.as_u64() != before.as_u64().map(|n| n + 1) {
                failures.push(format!(
                    "{at}: the new-tab button: {before} tabs, then {after}"
                ));
            }
            let declared = page["prefix_declared"].as_str().unwrap_or_default();
            if !declared.contains("PREFIX ti: <https://w3id.org/territoire-innovant/ontology#>") {
                failures.push(format!("{at}: typing ti: did not declare it: {declared:?}"));
            }
            let hints = page["hints_shown"].to_string();
            if !hints.contains("\\\"Ville de Paris\\\"@fr") || !hints.contains("ti:nameInSource") {
                failures.push(format!("{at}: an empty answer's hints: {hints}"));
            }
            // The ontology's terms completed from the page's own list.
            let completed = &page["terms_completed"];
            let shown = completed["shown"].to_string();
            for term in [
                "ti:coversCommune",
                "ti:coversDepartement",
                "ti:coversRegion",
            ] {
                if !shown.contains(term) {
                    failures.push(format!(
                        "{at}: completing ti:covers shows {shown}, not {term}"
                    ));
                }
            }
            if completed["outside"]
                .as_array()
                .is_none_or(|a| !a.is_empty())
            {
                failures.push(format!(
                    "{at}: completing asked outside the server: {}",
                    completed["outside"]
                ));
            }
            // In the page's language.
            let error = page["error_shown"].as_str().unwrap_or_default();
            if !error.contains("requête mal formée :") || !error.contains("ligne 1, colonne") {
                failures.push(format!("{at}: a malformed query shows {error:?}"));
            }
            // « Expliquer l'évaluation »: the count the endpoint gives, and
            // the plan's operators, down to the two triple patterns.
            let plan = &page["plan_shown"];
            let summary = plan["summary"].as_str().unwrap_or_default();
            if !summary.contains(" : 25 solutions") {
                failures.push(format!("{at}: the plan's summary says {summary:?}"));
            }
            let operators = plan["operators"].to_string();
            if operators.matches("QuadPattern").count() != 2 || !operators.contains("25 résultats")
            {
                failures.push(format!("{at}: the plan shows {operators}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
