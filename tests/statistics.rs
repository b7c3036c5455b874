//! The statistics page: every chart's figures are its query's answer. For
//! each chart, the query its « Rejouer la requête » link opens is run on
//! the SPARQL endpoint; every bar of the drawing is in that answer, the
//! table beside it holds the same figures, and every row of the answer is
//! drawn.

mod common;

use common::{TestServer, sparql_rows};
use std::collections::BTreeSet;

/// Text of an HTML or SVG attribute, unescaped.
fn unescape(text: &str) -> String {
    text.replace("&#x27;", "'")
        .replace("&apos;", "'")
        .replace("&#x2f;", "/")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            decoded.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(decoded).unwrap()
}

/// The (label, series, value) of every element of `html` that has them.
fn figures(html: &str) -> BTreeSet<(String, String, String)> {
    html.split("data-label=\"")
        .skip(1)
        .map(|rest| {
            let attribute = |text: &str, name: &str| {
                let from = text.split(&format!("{name}=\"")).nth(1).unwrap_or(text);
                unescape(from.split('"').next().unwrap())
            };
            let label = unescape(rest.split('"').next().unwrap());
            (
                label,
                attribute(rest, "data-series"),
                attribute(rest, "data-value"),
            )
        })
        .collect()
}

/// The rows of a SELECT's answer, each its values.
async fn answer(server: &TestServer, query: &str) -> Vec<Vec<String>> {
    sparql_rows(server, query)
        .await
        .into_iter()
        .map(|row| row.into_values().collect())
        .collect()
}

#[tokio::test]
async fn every_chart_draws_its_query_s_answer() {
    let server = TestServer::default().await;
    let page = reqwest::get(server.at("/statistiques"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let sections: Vec<&str> = page.split("<section class=\"chart\"").skip(1).collect();
    assert_eq!(sections.len(), 5, "five charts");
    for section in sections {
        let id = section
            .split("data-chart=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let query = percent_decode(&unescape(
            section
                .split("class=\"rerun\" href=\"/sparql#query=")
                .nth(1)
                .unwrap_or_else(|| panic!("{id}: a link to its query"))
                .split('"')
                .next()
                .unwrap(),
        ));
        let rows = answer(&server, &query).await;
        assert!(!rows.is_empty(), "{id}: its query answers");
        let svg = section
            .split("<svg")
            .nth(1)
            .unwrap()
            .split("</svg>")
            .next()
            .unwrap();
        let table = section
            .split("<table")
            .nth(1)
            .unwrap()
            .split("</table>")
            .next()
            .unwrap();
        let drawn = figures(svg);
        assert_eq!(
            drawn,
            figures(table),
            "{id}: the table holds the drawn figures"
        );
        for (label, series, value) in &drawn {
            let row_label = label.split(" : ").next().unwrap();
            assert!(
                rows.iter().any(|row| row.contains(&row_label.to_owned())
                    && (series.is_empty() || row.contains(series))
                    && row.contains(value)),
                "{id}: {label} {series} {value} is in the answer {rows:?}"
            );
        }
        assert!(drawn.len() >= rows.len(), "{id}: every row is drawn");
    }
}

#[tokio::test]
async fn the_parts_of_the_category_chart_add_up_to_every_award() {
    let server = TestServer::default().await;
    let page = reqwest::get(server.at("/statistiques"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let section = page.split("data-chart=\"categories\"").nth(1).unwrap();
    let svg = section
        .split("<svg")
        .nth(1)
        .unwrap()
        .split("</svg>")
        .next()
        .unwrap();
    let drawn: f64 = figures(svg)
        .iter()
        .map(|(_, _, v)| v.parse::<f64>().unwrap())
        .sum();
    let awards = answer(
        &server,
        "SELECT (COUNT(?a) AS ?n) WHERE { ?a a <https://w3id.org/territoire-innovant/ontology#Award> }",
    )
    .await;
    assert_eq!(drawn, awards[0][0].parse::<f64>().unwrap());
}

#[tokio::test]
async fn every_table_says_what_its_rows_and_figures_are() {
    let server = TestServer::default().await;
    let page = reqwest::get(server.at("/statistiques"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let tables: Vec<&str> = page.split("<thead>").skip(1).collect();
    assert_eq!(tables.len(), 5);
    for table in tables {
        let head = table.split("</thead>").next().unwrap();
        assert!(
            !head.contains(">Élément<") && !head.contains(">Total<"),
            "{head}"
        );
    }
    for heading in ["Région des lauréats", "Lauréats par prix", ">Prix<"] {
        assert!(page.contains(heading), "{heading}");
    }
    // The home page's facets count awards, and say so.
    let home = reqwest::Client::new()
        .get(server.at("/"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains(" prix)</option>"));
}
