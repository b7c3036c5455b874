//! The home page's facets: each choice (category, level, kind of laureate,
//! région, and their combinations) lists exactly the awards SPARQL finds;
//! an unknown value is ignored.

mod common;

use common::{TestServer, repo, sparql_rows};
use std::collections::BTreeSet;

const BASE: &str = "https://w3id.org/territoire-innovant/";

/// The awards the home page lists with `query` as its query string.
async fn listed(server: &TestServer, query: &str) -> BTreeSet<String> {
    let page = reqwest::Client::new()
        .get(server.at(&format!("/?{query}")))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let awards = page
        .split("id=\"prix\"")
        .nth(1)
        .unwrap()
        .split("id=\"telechargements\"")
        .next()
        .unwrap();
    awards
        .split("<a href=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().replace("&#x2f;", "/"))
        .filter(|href| href.starts_with("/award/"))
        .collect()
}

/// The awards whose triples match `patterns` (about `?award`).
async fn found(server: &TestServer, patterns: &str) -> BTreeSet<String> {
    let query = format!(
        "PREFIX ti: <{BASE}ontology#> SELECT DISTINCT ?award WHERE {{ ?award a ti:Award . {patterns} }}"
    );
    sparql_rows(server, &query)
        .await
        .into_iter()
        .map(|row| row["award"].replace(BASE, "/"))
        .collect()
}

#[tokio::test]
async fn each_choice_lists_exactly_the_awards_that_match_it() {
    let server = TestServer::default().await;
    let all = found(&server, "").await;
    assert_eq!(all.len(), 25);
    assert_eq!(listed(&server, "").await, all);
    for (query, patterns) in [
        ("niveau=or", format!("?award ti:level <{BASE}level/or> .")),
        (
            "categorie=cybersecurite",
            format!("?award ti:category <{BASE}category/cybersecurite> ."),
        ),
        (
            "type=commune",
            format!("?award ti:laureate/ti:kind <{BASE}kind/commune> ."),
        ),
        (
            "region=84",
            format!("?award ti:laureate/ti:region <{BASE}region/84> ."),
        ),
        (
            "niveau=or&type=commune",
            format!(
                "?award ti:level <{BASE}level/or> ; ti:laureate/ti:kind <{BASE}kind/commune> ."
            ),
        ),
        (
            "region=non-publiee&type=non-publiee",
            format!(
                "?award ti:laureate/ti:region <{BASE}region/non-publiee> ; ti:laureate/ti:kind <{BASE}kind/non-publiee> ."
            ),
        ),
    ] {
        let expected = found(&server, &patterns).await;
        assert!(
            !expected.is_empty() && expected.len() < all.len(),
            "{query} narrows"
        );
        assert_eq!(listed(&server, query).await, expected, "{query}");
    }
    assert_eq!(
        listed(&server, "niveau=platine").await,
        all,
        "an unknown value is ignored"
    );
    assert_eq!(
        listed(&server, "niveau=%ZZ").await,
        all,
        "so is a malformed query string"
    );
}

/// The labels of the options of facet `facet` on the home page `page`, in
/// their order (without the « all » option and the counts).
fn facet_options(page: &str, facet: &str) -> Vec<String> {
    page.split(&format!("id=\"filtre-{facet}\""))
        .nth(1)
        .unwrap()
        .split("</select>")
        .next()
        .unwrap()
        .split("<option value=\"")
        .skip(2)
        .map(|o| {
            let label = o.split('>').nth(1).unwrap();
            label
                .rsplit_once(" (")
                .unwrap()
                .0
                .replace("&#x27;", "'")
                .replace("&amp;", "&")
        })
        .collect()
}

#[tokio::test]
async fn facet_options_are_in_french_order() {
    let server = TestServer::default().await;
    let page = reqwest::Client::new()
        .get(server.at("/"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let options = |facet: &str| facet_options(&page, facet);
    // Régions as a reader sorts them: « Île-de-France » among the I.
    let regions = options("region");
    let folded: Vec<String> = regions
        .iter()
        .map(|r| territoire_innovant::search::fold(r))
        .collect();
    assert!(folded.is_sorted(), "{regions:?}");
    let ile = regions.iter().position(|r| r == "Île-de-France").unwrap();
    assert!(ile + 1 < regions.len(), "{regions:?}");
    // Levels by rank.
    assert_eq!(options("niveau"), ["Or", "Argent", "Bronze"]);
}

/// The categories in the order of the release's headings, found in the
/// release itself (`data/sources/`), not in the registry that publishes it.
fn categories_in_release_order() -> Vec<String> {
    let registry: toml::Table = toml::from_str(
        &std::fs::read_to_string(repo().join("data/registry/categories.toml")).unwrap(),
    )
    .unwrap();
    let release = std::fs::read_to_string(repo().join("data/sources/communique-2023.txt")).unwrap();
    let mut categories: Vec<(usize, String)> = registry["category"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let heading = format!("\n{}\n", c["release_label"].as_str().unwrap());
            let at = release
                .find(&heading)
                .expect("every heading is in the release");
            (at, c["label_fr"].as_str().unwrap().to_owned())
        })
        .collect();
    categories.sort();
    categories.into_iter().map(|(_, label)| label).collect()
}

#[tokio::test]
async fn categories_are_in_the_order_of_the_release() {
    let server = TestServer::default().await;
    let expected = categories_in_release_order();
    let html = |path: &'static str| {
        let url = server.at(path);
        async move {
            reqwest::Client::new()
                .get(url)
                .header("accept", "text/html")
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
                .replace("&amp;", "&")
        }
    };
    // The home page: its facet and its sections, one per category.
    let home = html("/").await;
    let facet = facet_options(&home, "categorie");
    assert_eq!(facet, expected);
    let sections: Vec<String> = home
        .split("<section class=\"category\">")
        .skip(1)
        .map(|s| {
            s.split("</a></h3>")
                .next()
                .unwrap()
                .rsplit('>')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(sections, expected);
    // The statistics: the rows of the categories chart's table.
    let statistics = html("/statistiques").await;
    let mut rows: Vec<(usize, &String)> = expected
        .iter()
        .map(|c| {
            (
                statistics
                    .find(&format!("<th scope=\"row\">{c}</th>"))
                    .expect(c),
                c,
            )
        })
        .collect();
    rows.sort();
    assert_eq!(
        rows.into_iter().map(|(_, c)| c.clone()).collect::<Vec<_>>(),
        expected
    );
    // The data answers it: sorting by ti:position.
    let answer = sparql_rows(
        &server,
        "PREFIX ti: <https://w3id.org/territoire-innovant/ontology#>
         PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
         SELECT ?label WHERE { ?c a ti:Category ; ti:position ?p ; skos:prefLabel ?label
                               FILTER(lang(?label) = 'fr') } ORDER BY ?p",
    )
    .await;
    let labels: Vec<String> = answer.iter().map(|r| r["label"].clone()).collect();
    assert_eq!(labels, expected);
}
