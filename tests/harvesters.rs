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
        // The media type by its name (the IANA IRI is labelled with it),
        // as a portal shows it.
        assert_eq!(endpoint["mimetype"], "application/sparql-query");
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

/// data.gouv.fr's harvester: udata's own `DcatBackend`, as a data.gouv.fr
/// administrator would register the catalog (its URL, `/catalog`, with no
/// extension: udata asks for its type with a `HEAD`, and refuses redirects).
/// Installed by `scripts/install-test-tools` (`tests/clients/.udata-venv`).
fn harvest_with_udata(url: String) -> Value {
    let python = repo().join("tests/clients/.udata-venv/bin/python");
    let output = Command::new(&python)
        .arg(repo().join("tests/clients/udata_harvest.py"))
        .arg(url)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{} does not run (install udata with scripts/install-test-tools): {e}",
                python.display()
            )
        });
    assert!(
        output.status.success(),
        "udata failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("a JSON report of the harvest")
}

/// A tag as udata makes it from a keyword: lower case, without accents,
/// words joined by `-`.
fn udata_tag(keyword: &str) -> String {
    let unaccented: String = keyword
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        })
        .collect();
    unaccented.split_whitespace().collect::<Vec<_>>().join("-")
}

/// Whether the polygons of a GeoJSON multipolygon hold the point.
fn holds(multipolygon: &Value, (longitude, latitude): (f64, f64)) -> bool {
    multipolygon["coordinates"]
        .as_array()
        .unwrap()
        .iter()
        .any(|polygon| {
            let ring = polygon[0].as_array().unwrap();
            let values =
                |i: usize| -> Vec<f64> { ring.iter().map(|p| p[i].as_f64().unwrap()).collect() };
            let (xs, ys) = (values(0), values(1));
            let within = |v: f64, all: &[f64]| {
                all.iter().cloned().fold(f64::MAX, f64::min) <= v
                    && v <= all.iter().cloned().fold(f64::MIN, f64::max)
            };
            within(longitude, &xs) && within(latitude, &ys)
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn udata_harvests_every_field_of_the_data_set_and_its_services() {
    let server = TestServer::default().await;
    let client = raw_client();
    let source = dataset_source();
    let url = server.at("/catalog");
    let report = tokio::task::spawn_blocking(move || harvest_with_udata(url))
        .await
        .unwrap();

    // Nothing skipped or failed: the data set and the three services.
    assert_eq!(report["status"], "done", "{report:#}");
    let items = report["items"].as_array().unwrap();
    assert_eq!(items.len(), 4, "{report:#}");
    for item in items {
        assert_eq!(item["status"], "done", "{item}");
    }

    let datasets = report["datasets"].as_array().unwrap();
    assert_eq!(datasets.len(), 1);
    let dataset = &datasets[0];
    assert_eq!(dataset["title"], source["title_fr"].as_str().unwrap());
    assert_eq!(
        dataset["description"],
        source["description_fr"].as_str().unwrap()
    );
    assert_eq!(
        dataset["license"], "lov2",
        "licence guessed from the catalog"
    );
    assert_eq!(dataset["frequency"], "annual");
    for field in ["identifier", "remote_id", "uri"] {
        assert_eq!(dataset[field], format!("{BASE}dataset"), "{field}");
    }
    for (field, date) in [("issued", "issued"), ("modified", "modified")] {
        let expected = source[date].as_datetime().unwrap().to_string();
        assert!(
            dataset[field].as_str().unwrap().starts_with(&expected),
            "{field}: {} for {expected}",
            dataset[field]
        );
    }

    // The years of the editions, as whole years.
    let mut years: Vec<String> = std::fs::read_dir(repo().join("data/editions"))
        .unwrap()
        .map(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .replace(".toml", "")
        })
        .collect();
    years.sort();
    assert_eq!(
        dataset["temporal_coverage"],
        serde_json::json!({
            "start": format!("{}-01-01", years[0]),
            "end": format!("{}-12-31", years[years.len() - 1]),
        })
    );

    // Where the organisations are: Paris and Guadeloupe (971) among them.
    let spatial = &dataset["spatial"];
    assert_eq!(spatial["type"], "MultiPolygon", "{spatial}");
    assert!(holds(spatial, (2.35, 48.86)), "Paris: {spatial}");
    assert!(holds(spatial, (-61.55, 16.25)), "Guadeloupe: {spatial}");
    assert!(
        !holds(spatial, (55.5, -21.1)),
        "no organisation in La Réunion: {spatial}"
    );

    // Tags: the keywords and the themes' labels.
    let tags: Vec<&str> = dataset["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    for keyword in source["keywords"].as_array().unwrap() {
        let tag = udata_tag(keyword.as_str().unwrap());
        assert!(tags.contains(&tag.as_str()), "{tag} in {tags:?}");
    }
    for theme in ["Gouvernement et secteur public", "Régions et villes"] {
        let tag = udata_tag(theme);
        assert!(tags.contains(&tag.as_str()), "{tag} in {tags:?}");
    }

    // Who to reach: the publisher, through the publication's page.
    let publisher = "Publication « Territoire Innovant » en données ouvertes liées";
    let contact = serde_json::json!({
        "name": publisher, "role": "contact", "email": null, "contact_form": BASE,
    });
    assert!(
        dataset["contact_points"]
            .as_array()
            .unwrap()
            .contains(&contact),
        "{}",
        dataset["contact_points"]
    );

    // Every distribution a resource, checked against what the server sends.
    let resources = dataset["resources"].as_array().unwrap();
    assert!(resources.len() >= 8, "{}", resources.len());
    for resource in resources {
        let title = resource["title"].as_str().unwrap();
        for field in ["url", "title", "format", "mime", "description"] {
            assert!(
                resource[field].as_str().is_some_and(|v| !v.is_empty()),
                "{title} has no {field}: {resource}"
            );
        }
        let mime = resource["mime"].as_str().unwrap();
        assert!(
            !mime.starts_with("http"),
            "{title}: a media type, not an IRI: {mime}"
        );
        let url = resource["url"].as_str().unwrap();
        let path = url.strip_prefix(BASE).expect("a URL under the base");
        let response = client
            .get(server.at(&format!("/{path}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{title}: {url}");
        let bytes = response.bytes().await.unwrap();
        if path.starts_with("dumps/") {
            assert_eq!(resource["filesize"], bytes.len(), "{title}: size");
            assert_eq!(
                resource["checksum"],
                serde_json::json!({
                    "type": "sha256",
                    "value": format!("{:x}", Sha256::digest(&bytes)),
                }),
                "{title}"
            );
        }
    }
    let formats: Vec<&str> = resources
        .iter()
        .map(|r| r["format"].as_str().unwrap())
        .collect();
    assert!(formats.contains(&"rdf_turtle"), "{formats:?}");
    assert!(formats.contains(&"sparqlq"), "{formats:?}");

    // The SPARQL endpoint, the fragments and the change feed: APIs of the
    // data set, titled as the catalog titles them in French.
    let titles = common::sparql_rows(
        &server,
        "PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX dct: <http://purl.org/dc/terms/>
         SELECT ?service ?title ?endpoint WHERE { GRAPH ?g {
           ?service a dcat:DataService ; dct:title ?title ; dcat:endpointURL ?endpoint
           FILTER(lang(?title) = 'fr') } }",
    )
    .await;
    let services = report["dataservices"].as_array().unwrap();
    assert_eq!(services.len(), titles.len(), "{services:#?}");
    assert_eq!(services.len(), 3);
    for row in &titles {
        let service = services
            .iter()
            .find(|s| s["uri"] == row["service"].as_str())
            .unwrap_or_else(|| panic!("{} not harvested", row["service"]));
        assert_eq!(service["title"], row["title"].as_str());
        assert_eq!(service["base_api_url"], row["endpoint"].as_str());
        assert!(
            service["description"]
                .as_str()
                .is_some_and(|d| !d.is_empty()),
            "{service}"
        );
        assert_eq!(service["license"], "lov2");
        assert_eq!(
            service["datasets"],
            serde_json::json!([format!("{BASE}dataset")])
        );
        assert!(
            service["contact_points"]
                .as_array()
                .unwrap()
                .contains(&contact),
            "{service}"
        );
    }
}

/// The catalog's own URL answers RDF to a client that does not prefer HTML
/// (a harvester's `HEAD` without `Accept`, `*/*`), the page to a browser;
/// the udata profile is asked by `?_profile=udata` or udata's `User-Agent`,
/// and an unknown profile is refused with the valid ones.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalog_answers_harvesters_in_rdf_and_in_their_profile() {
    let server = TestServer::default().await;
    let client = raw_client();
    let content_type = |response: &reqwest::Response| {
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned()
    };
    let head = client.head(server.at("/catalog")).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert!(content_type(&head).starts_with("text/turtle"), "{head:?}");
    for accept in ["*/*", "application/rdf+xml, */*;q=0.1"] {
        let get = client
            .get(server.at("/catalog"))
            .header(ACCEPT, accept)
            .send()
            .await
            .unwrap();
        assert!(!content_type(&get).starts_with("text/html"), "{accept}");
    }
    let browser = client
        .get(server.at("/catalog"))
        .header(
            ACCEPT,
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        )
        .send()
        .await
        .unwrap();
    assert!(content_type(&browser).starts_with("text/html"));

    let hex = "^^<http://www.w3.org/2001/XMLSchema#hexBinary>";
    let access_service = "<http://www.w3.org/ns/dcat#accessService>";
    for (request, udata) in [
        (client.get(server.at("/catalog.nt")), false),
        (client.get(server.at("/catalog.nt?_profile=udata")), true),
        (
            client
                .get(server.at("/catalog.nt"))
                .header("user-agent", "uData/0.1 dcat"),
            true,
        ),
        (
            client.get(server.at("/catalog.nt?_profile=dcat-ap-3")),
            false,
        ),
    ] {
        let response = request.send().await.unwrap();
        let profile = response.headers()["content-profile"]
            .to_str()
            .unwrap()
            .to_owned();
        let body = response.text().await.unwrap();
        let checksums = body.lines().filter(|l| l.contains("checksumValue")).count();
        assert!(checksums > 0);
        let typed = body
            .lines()
            .filter(|l| l.contains("checksumValue") && l.contains(hex))
            .count();
        assert_eq!(typed, if udata { 0 } else { checksums }, "{profile}");
        assert_eq!(body.contains(access_service), !udata, "{profile}");
        assert_eq!(profile.contains("profile-udata"), udata, "{profile}");
    }
    let unknown = client
        .get(server.at("/catalog?_profile=ckan"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 400);
    let message = unknown.text().await.unwrap();
    assert!(
        message.contains("dcat-ap-3") && message.contains("udata"),
        "{message}"
    );
}
