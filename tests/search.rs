//! Search by name over HTTP: names as the release prints them, official
//! names and projects' titles, whatever the case and accents; the search
//! form on every page.

mod common;

use common::TestServer;

/// The paths of the resources a search lists, in order.
async fn found(server: &TestServer, query: &str) -> Vec<String> {
    let page = reqwest::Client::new()
        .get(server.at("/recherche"))
        .query(&[("q", query)])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200, "{query}");
    let text = page.text().await.unwrap();
    let results = text
        .split("<ol class=\"results\">")
        .nth(1)
        .map(|list| list.split("</ol>").next().unwrap().to_owned())
        .unwrap_or_default();
    results
        .split("<li>")
        .skip(1)
        .filter_map(|item| item.split("href=\"").nth(1))
        .map(|rest| rest.split('"').next().unwrap().replace("&#x2f;", "/"))
        .collect()
}

#[tokio::test]
async fn names_are_found_whatever_their_case_and_accents() {
    let server = TestServer::default().await;
    for (query, first) in [
        ("Mairie de LUNAS", "/organisation/lunas"),
        ("mairie de lunas", "/organisation/lunas"),
        ("ville de paris", "/organisation/ville-de-paris"),
        ("VILLE DE PARIS", "/organisation/ville-de-paris"),
        (
            "Montpellier Méditerranée Métropole",
            "/organisation/montpellier-mediterranee-metropole",
        ),
        (
            "montpellier mediterranee",
            "/organisation/montpellier-mediterranee-metropole",
        ),
    ] {
        let paths = found(&server, query).await;
        assert_eq!(
            paths.first().map(String::as_str),
            Some(first),
            "{query}: {paths:?}"
        );
    }
    let paths = found(&server, "telemedecine").await;
    assert!(
        paths.contains(&"/project/2023/relais-de-telemedecine".to_owned())
            && paths.contains(&"/award/2023/relais-de-telemedecine".to_owned()),
        "the project and its award: {paths:?}"
    );
    assert_eq!(found(&server, "TÉLÉMÉDECINE").await, paths);
    assert!(found(&server, "introuvable-xyz").await.is_empty());
    assert!(found(&server, "").await.is_empty());
}

#[tokio::test]
async fn every_page_has_the_search_form() {
    let server = TestServer::default().await;
    for path in [
        "/",
        "/award/2023/lebontag",
        "/ontology",
        "/sparql",
        "/ldes",
        "/no/such/page",
    ] {
        let page = reqwest::Client::new()
            .get(server.at(path))
            .header("accept", "text/html")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("role=\"search\"") && page.contains("action=\"/recherche\""),
            "{path} has the search form"
        );
    }
}
