//! The map of the laureates: its outlines are the committed extract of the
//! pinned npm packages; it draws one shape per département, overseas ones
//! included; the départements it shades and links are those whose
//! laureates received awards, with their number as SPARQL counts it; and
//! each links to a page listing exactly those awards.

mod common;

use common::{TestServer, repo, sparql_rows};
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

const TI: &str = "https://w3id.org/territoire-innovant/ontology#";

#[test]
fn the_outlines_are_the_packages_they_come_from() {
    let output = Command::new(repo().join("scripts/map-extract"))
        .arg("--check")
        .arg(repo().join("tests/clients/node_modules"))
        .output()
        .expect("python3 runs the extract script");
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

async fn get(server: &TestServer, path: &str) -> String {
    let response = reqwest::get(server.at(path)).await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.unwrap()
}

/// The départements a map links: code → (page, awards).
fn linked(svg: &str) -> BTreeMap<String, (String, usize)> {
    svg.split("<a href=\"")
        .skip(1)
        .map(|rest| {
            let href = rest.split('"').next().unwrap().replace("&#x2f;", "/");
            let attribute = |name: &str| {
                rest.split(&format!("{name}=\""))
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap()
                    .to_owned()
            };
            (
                attribute("data-code"),
                (href, attribute("data-awards").parse().unwrap()),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_map_shades_and_links_the_departements_with_awards() {
    let server = TestServer::default().await;
    let home = get(&server, "/").await;
    let svg = home
        .split("<svg")
        .nth(1)
        .expect("a map")
        .split("</svg>")
        .next()
        .unwrap();
    assert_eq!(
        svg.matches("<path").count() - svg.matches("data-inset=").count(),
        101,
        "one shape per département"
    );
    // Paris and the petite couronne again, enlarged, out of the tab order.
    assert_eq!(svg.matches("data-inset=\"paris\"").count(), 4);
    assert!(svg.contains("Paris et petite couronne"));
    assert!(svg.contains("tabindex=\"-1\" aria-hidden=\"true\""));
    for overseas in ["971", "972", "973", "974", "976"] {
        assert!(
            svg.contains(&format!("data-code=\"{overseas}\"")),
            "{overseas} is drawn"
        );
    }
    let counts = sparql_rows(
        &server,
        &format!(
            "PREFIX ti: <{TI}> SELECT ?code (COUNT(DISTINCT ?award) AS ?awards) WHERE {{ \
             ?award ti:laureate/ti:departement/ti:inseeCode ?code }} GROUP BY ?code"
        ),
    )
    .await;
    let expected: BTreeMap<String, usize> = counts
        .iter()
        .map(|row| (row["code"].clone(), row["awards"].parse().unwrap()))
        .collect();
    let links = linked(svg);
    let drawn: BTreeMap<String, usize> = links
        .iter()
        .map(|(code, (_, n))| (code.clone(), *n))
        .collect();
    assert_eq!(
        drawn, expected,
        "the départements with awards and their numbers"
    );
    assert!(
        drawn.contains_key("971") && drawn.contains_key("2A"),
        "Guadeloupe and Corse-du-Sud"
    );

    for (code, (href, awards)) in &links {
        let page = get(&server, href).await;
        let section = page
            .split("id=\"prix-ici\"")
            .nth(1)
            .expect("a list of awards");
        let listed: BTreeSet<String> = section
            .split("</ul>")
            .next()
            .unwrap()
            .split("<li><a href=\"")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap().replace("&#x2f;", "/"))
            .collect();
        let of_departement = sparql_rows(
            &server,
            &format!(
                "PREFIX ti: <{TI}> SELECT DISTINCT ?award WHERE {{ \
                 ?award ti:laureate/ti:departement/ti:inseeCode \"{code}\" }}"
            ),
        )
        .await;
        let expected: BTreeSet<String> = of_departement
            .iter()
            .map(|row| row["award"].replace("https://w3id.org/territoire-innovant", ""))
            .collect();
        assert_eq!(listed, expected, "{href} lists exactly its awards");
        assert_eq!(listed.len(), *awards, "{href}: as many as the map says");
    }

    let edition = get(&server, "/edition/2023").await;
    let edition_svg = edition
        .split("<svg")
        .nth(1)
        .expect("the edition's map")
        .split("</svg>")
        .next()
        .unwrap();
    assert_eq!(
        linked(edition_svg),
        links,
        "the only edition's map is the whole map"
    );

    // What the map cannot show is said under it: the awards on no
    // département, each with its laureates' reason, and what its counts add
    // up to.
    let unplaced = sparql_rows(
        &server,
        &format!(
            "PREFIX ti: <{TI}> SELECT ?award WHERE {{ ?award a ti:Award \
             FILTER NOT EXISTS {{ ?award ti:laureate/ti:departement/ti:inseeCode ?code }} }}"
        ),
    )
    .await;
    assert!(!unplaced.is_empty());
    let list = home
        .split("<ul class=\"unplaced\">")
        .nth(1)
        .expect("the awards on no département are listed")
        .split("</ul>")
        .next()
        .unwrap();
    let named: BTreeSet<String> = list
        .split("<li><a href=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().replace("&#x2f;", "/"))
        .collect();
    let expected: BTreeSet<String> = unplaced
        .iter()
        .map(|row| row["award"].replace("https://w3id.org/territoire-innovant", ""))
        .collect();
    assert_eq!(named, expected);
    assert!(
        list.contains("pas publié"),
        "each with the data's reason: {list}"
    );
    let sum: usize = drawn.values().sum();
    assert!(
        home.contains(&format!("les chiffres de la carte font {sum} prix")),
        "the counts' sum is said"
    );
}
