//! A real DCAT harvester reads the catalog: CKAN's own parser
//! (ckanext-dcat's `RDFParser`, profile `euro_dcat_ap_3`, configured as a
//! French portal) on the catalog as the server answers it, in Turtle and in
//! RDF/XML. Every field a portal shows must come out: the data set's title,
//! description, keywords, licence and publisher, and for every distribution
//! (the SPARQL endpoint included) its format, media type and licence, and
//! for every file its size and SHA-256, checked against the file downloaded
//! from the server. Installed by `scripts/install-test-tools`.

mod common;

use common::{TestServer, raw_client, repo};
use reqwest::header::ACCEPT;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::process::Command;

const BASE: &str = "https://w3id.org/territoire-innovant/";
const LICENCE: &str = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/";

/// The `[dataset]` table of `data/label.toml`.
fn dataset_source() -> toml::Table {
    let text = std::fs::read_to_string(repo().join("data/label.toml")).unwrap();
    let label: toml::Table = text.parse().unwrap();
    label["dataset"].as_table().unwrap().clone()
}

fn harvest(catalog: &[u8], syntax: &str) -> Vec<Value> {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("catalog");
    std::fs::write(&path, catalog).unwrap();
    // A register that knows the licence by its URL, under an id of its own.
    let register = serde_json::json!([{
        "id": "portal-licence-ouverte-2",
        "title": "Licence Ouverte / Open Licence 2.0",
        "url": LICENCE,
    }]);
    let output = Command::new("python3")
        .arg(repo().join("tests/clients/ckan_harvest.py"))
        .arg(&path)
        .arg(syntax)
        .arg(register.to_string())
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "ckanext-dcat failed (install it with scripts/install-test-tools):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("a JSON list of datasets")
}

fn extra<'a>(dataset: &'a Value, key: &str) -> Option<&'a str> {
    dataset["extras"]
        .as_array()?
        .iter()
        .find(|e| e["key"] == key)?["value"]
        .as_str()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ckan_harvests_every_field_a_portal_shows() {
    let server = TestServer::default().await;
    let client = raw_client();
    let source = dataset_source();
    for (accept, syntax) in [("text/turtle", "turtle"), ("application/rdf+xml", "xml")] {
        let catalog = client
            .get(server.at("/catalog"))
            .header(ACCEPT, accept)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let datasets = tokio::task::spawn_blocking(move || harvest(&catalog, syntax))
            .await
            .unwrap();
        assert_eq!(datasets.len(), 1, "{syntax}: one data set");
        let dataset = &datasets[0];
        assert_eq!(
            dataset["title"],
            source["title_fr"].as_str().unwrap(),
            "{syntax}"
        );
        assert_eq!(
            dataset["notes"],
            source["description_fr"].as_str().unwrap(),
            "{syntax}"
        );
        assert_eq!(
            dataset["license_id"], "portal-licence-ouverte-2",
            "{syntax}"
        );
        let mut tags: Vec<&str> = dataset["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        tags.sort();
        let mut keywords: Vec<&str> = source["keywords"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        keywords.sort();
        assert_eq!(tags, keywords, "{syntax}");
        // Nothing says who publishes the data: by default, the publication
        // itself (data/label.toml), never the label's organiser.
        assert_eq!(
            extra(dataset, "publisher_name"),
            Some("Publication « Territoire Innovant » en données ouvertes liées")
        );
        assert_eq!(
            extra(dataset, "publisher_uri"),
            Some(format!("{BASE}publisher").as_str())
        );
        assert_eq!(
            extra(dataset, "uri"),
            Some(format!("{BASE}dataset").as_str())
        );
        assert_eq!(
            extra(dataset, "language").map(|l| l.contains("FRA")),
            Some(true)
        );

        let resources = dataset["resources"].as_array().unwrap();
        let files: Vec<_> = resources
            .iter()
            .filter(|r| r["url"].as_str().unwrap().contains("/dumps/"))
            .collect();
        assert_eq!(
            files.len() + 1,
            resources.len(),
            "{syntax}: the files and the endpoint"
        );
        assert!(files.len() >= 7, "{syntax}: {}", files.len());
        for resource in resources {
            let name = resource["name"].as_str().unwrap();
            for field in ["format", "mimetype", "description", "url", "license"] {
                assert!(
                    resource[field].as_str().is_some_and(|v| !v.is_empty()),
                    "{syntax}: {name} has no {field}: {resource}"
                );
            }
        }
        for file in files {
            let name = file["name"].as_str().unwrap();
            let url = file["download_url"].as_str().unwrap();
            let path = url.strip_prefix(BASE).expect("a URL under the base");
            let bytes = client
                .get(server.at(&format!("/{path}")))
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            assert_eq!(file["size"], bytes.len(), "{syntax}: {name}");
            assert_eq!(
                file["hash"].as_str().unwrap(),
                format!("{:x}", Sha256::digest(&bytes)),
                "{syntax}: {name}"
            );
            assert!(
                file["hash_algorithm"]
                    .as_str()
                    .unwrap()
                    .ends_with("checksumAlgorithm_sha256"),
                "{syntax}: {name}"
            );
        }
        let endpoint = resources
            .iter()
            .find(|r| r["url"] == format!("{BASE}sparql"))
            .expect("the SPARQL endpoint distribution");
        assert_eq!(
            endpoint["format"],
            "http://publications.europa.eu/resource/authority/file-type/SPARQLQ"
        );
        assert_eq!(
            endpoint["mimetype"],
            "http://www.iana.org/assignments/media-types/application/sparql-query"
        );
        assert_eq!(endpoint["name"], "Point d'accès SPARQL");
        assert!(
            endpoint["access_services"]
                .as_str()
                .unwrap()
                .contains(&format!("{BASE}sparql")),
            "{endpoint}"
        );
    }
}
