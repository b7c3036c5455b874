//! Linked Data publishing over HTTP: every IRI dereferences in every format,
//! the pages are escaped and well-formed, the catalog validates against the
//! official DCAT-AP 3 shapes and its files download as declared.

mod common;

use common::{Origin, StaticSite, TestServer, copy_dir, data_set, inputs, raw_client, repo};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{NamedOrBlankNode, Term, Triple};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use std::collections::HashSet;
use std::path::Path;
use std::process::Command;
use territoire_innovant::rdf::Base;
use territoire_innovant::store::DataSet;

const BASE: &str = "https://w3id.org/territoire-innovant/";

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::limited(1))
        .build()
        .unwrap()
}

fn content_type(response: &reqwest::Response) -> String {
    response.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned()
}

fn parse(format: RdfFormat, body: &[u8], base: &str) -> HashSet<Triple> {
    RdfParser::from_format(format)
        .with_base_iri(base)
        .unwrap()
        .for_slice(body)
        .map(|q| Triple::from(q.unwrap_or_else(|e| panic!("{format}: {e}"))))
        .collect()
}

/// The text as the templates write it (minijinja's HTML escaping).
fn html_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}

/// Subjects of the data graph in the data set's namespace, with their triples.
fn subjects(data: &DataSet) -> Vec<(String, Vec<Triple>)> {
    let mut by_subject: std::collections::BTreeMap<String, Vec<Triple>> = Default::default();
    for quad in
        data.store
            .quads_for_pattern(None, None, None, Some(data.data_graph.as_ref().into()))
    {
        let quad = quad.unwrap();
        if let NamedOrBlankNode::NamedNode(s) = &quad.subject
            && s.as_str().starts_with(BASE)
        {
            by_subject
                .entry(s.as_str().to_owned())
                .or_default()
                .push(Triple::from(quad));
        }
    }
    by_subject.into_iter().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_subject_dereferences_in_every_format() {
    every_subject_dereferences_in_every_format_at(&TestServer::default().await).await;
}

/// The same, against nginx serving the static export.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_subject_dereferences_in_every_format_from_the_static_export_on_nginx() {
    every_subject_dereferences_in_every_format_at(&StaticSite::start()).await;
}

async fn every_subject_dereferences_in_every_format_at(server: &impl Origin) {
    let data = data_set();
    let subjects = subjects(&data);
    assert!(subjects.len() > 100, "{}", subjects.len());
    let client = client();
    for (iri, own) in &subjects {
        let path = &iri[BASE.len() - 1..];
        for (accept, expected, format) in [
            (
                "text/turtle",
                "text/turtle; charset=utf-8",
                Some(RdfFormat::Turtle),
            ),
            (
                "application/n-triples",
                "application/n-triples",
                Some(RdfFormat::NTriples),
            ),
            (
                "application/ld+json",
                "application/ld+json",
                Some(RdfFormat::JsonLd {
                    profile: Default::default(),
                }),
            ),
            (
                "application/rdf+xml",
                "application/rdf+xml",
                Some(RdfFormat::RdfXml),
            ),
            (
                "text/html,application/xhtml+xml,*/*;q=0.8",
                "text/html; charset=utf-8",
                None,
            ),
        ] {
            let response = client
                .get(server.at(path))
                .header(ACCEPT, accept)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{path} as {accept}");
            assert_eq!(content_type(&response), expected, "{path} as {accept}");
            // A resource of the data graph served by `serve` is also its
            // own TimeGate (Memento): its answer varies on the date asked
            // too, and links its TimeMap (the static export has none).
            let vary = response.headers()["vary"].to_str().unwrap().to_owned();
            let link = response
                .headers()
                .get("link")
                .map(|l| l.to_str().unwrap().to_owned())
                .unwrap_or_default();
            match vary.as_str() {
                "Accept" => assert!(!link.contains("rel=\"timemap\""), "{path}: {link}"),
                "Accept, Accept-Datetime" => {
                    assert!(link.contains("rel=\"timemap\""), "{path}: {link}")
                }
                other => panic!("{path}: Vary {other}"),
            }
            let body = response.bytes().await.unwrap();
            match format {
                Some(format) => {
                    let triples = parse(format, &body, iri);
                    for triple in own {
                        assert!(
                            triples.contains(triple),
                            "{path} as {accept} lacks {triple}"
                        );
                    }
                }
                None => {
                    let html = String::from_utf8(body.to_vec()).unwrap();
                    let label = data
                        .store
                        .quads_for_pattern(
                            Some(
                                NamedOrBlankNode::from(oxigraph::model::NamedNode::new_unchecked(
                                    iri,
                                ))
                                .as_ref(),
                            ),
                            Some(oxigraph::model::vocab::rdfs::LABEL),
                            None,
                            None,
                        )
                        .filter_map(Result::ok)
                        .find_map(|q| match q.object {
                            Term::Literal(l) => Some(l.value().to_owned()),
                            _ => None,
                        });
                    let name = label.unwrap_or_else(|| iri.clone());
                    assert!(
                        html.contains(&html_escaped(&name)),
                        "{path}: the page does not name {name}"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn documents_have_their_own_urls_and_alternates() {
    documents_have_their_own_urls_and_alternates_at(&TestServer::default().await).await;
}

/// The same, against nginx serving the static export.
#[tokio::test]
async fn documents_have_their_own_urls_and_alternates_from_the_static_export_on_nginx() {
    documents_have_their_own_urls_and_alternates_at(&StaticSite::start()).await;
}

async fn documents_have_their_own_urls_and_alternates_at(server: &impl Origin) {
    let client = client();
    let negotiated = client
        .get(server.at("/award/2023/rudi"))
        .header(ACCEPT, "application/n-triples")
        .send()
        .await
        .unwrap();
    assert_eq!(
        negotiated.headers()["content-location"],
        "/award/2023/rudi.nt"
    );
    let link = negotiated.headers()["link"].to_str().unwrap().to_owned();
    for alternate in [
        "</award/2023/rudi.ttl>; rel=\"alternate\"; type=\"text/turtle\"",
        "</award/2023/rudi.jsonld>",
        "</award/2023/rudi.rdf>",
        "</award/2023/rudi.html>",
        "rel=\"canonical\"",
    ] {
        assert!(link.contains(alternate), "{alternate} not in {link}");
    }
    for (path, expected) in [
        ("/award/2023/rudi.ttl", "text/turtle; charset=utf-8"),
        ("/award/2023/rudi.nt", "application/n-triples"),
        ("/award/2023/rudi.jsonld", "application/ld+json"),
        ("/award/2023/rudi.rdf", "application/rdf+xml"),
        ("/award/2023/rudi.html", "text/html; charset=utf-8"),
    ] {
        // The extension wins over Accept.
        let response = client
            .get(server.at(path))
            .header(ACCEPT, "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(content_type(&response), expected, "{path}");
    }
    // The description holds the labels of what it links to and what links to it.
    let body = client
        .get(server.at("/organisation/brest-metropole.nt"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let triples = parse(RdfFormat::NTriples, &body, BASE);
    let text: Vec<String> = triples.iter().map(ToString::to_string).collect();
    assert!(text.iter().any(|t| t.contains("/award/2023/mednumremix> <https://w3id.org/territoire-innovant/ontology#laureate> <https://w3id.org/territoire-innovant/organisation/brest-metropole>")), "incoming link");
    assert!(
        text.iter()
            .any(|t| t
                .contains("/award/2023/mednumremix> <http://www.w3.org/2000/01/rdf-schema#label>")),
        "label of the linking award"
    );
}

#[tokio::test]
async fn ontology_terms_and_catalog_resources_dereference() {
    ontology_terms_and_catalog_resources_dereference_at(&TestServer::default().await).await;
}

/// The same, against nginx serving the static export.
#[tokio::test]
async fn ontology_terms_and_catalog_resources_dereference_from_the_static_export_on_nginx() {
    ontology_terms_and_catalog_resources_dereference_at(&StaticSite::start()).await;
}

async fn ontology_terms_and_catalog_resources_dereference_at(server: &impl Origin) {
    let client = client();
    let ontology = client
        .get(server.at("/ontology"))
        .header(ACCEPT, "text/turtle")
        .send()
        .await
        .unwrap();
    assert_eq!(ontology.status(), StatusCode::OK);
    let triples = parse(RdfFormat::Turtle, &ontology.bytes().await.unwrap(), BASE);
    let award_class = oxigraph::model::NamedNode::new_unchecked(format!("{BASE}ontology#Award"));
    assert!(
        triples
            .iter()
            .any(|t| t.subject == award_class.clone().into()),
        "the hash IRI ti:Award is described by /ontology"
    );
    let page = client
        .get(server.at("/ontology"))
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for expected in [
        "id=\"Award\"",
        "Prix",
        "Award",
        "id=\"laureate\"",
        "Niveaux du label",
    ] {
        assert!(
            page.contains(expected),
            "{expected} not in the ontology page"
        );
    }
    for path in [
        "/distribution/territoire-innovant.ttl.gz",
        "/catalog",
        "/.well-known/void",
        "/dataset",
        "/scheme/levels",
    ] {
        let response = client
            .get(server.at(path))
            .header(ACCEPT, "text/turtle")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn unknown_iris_get_a_helpful_404() {
    unknown_iris_get_a_helpful_404_at(&TestServer::default().await).await;
}

/// The same, against nginx serving the static export.
#[tokio::test]
async fn unknown_iris_get_a_helpful_404_from_the_static_export_on_nginx() {
    unknown_iris_get_a_helpful_404_at(&StaticSite::start()).await;
}

async fn unknown_iris_get_a_helpful_404_at(server: &impl Origin) {
    let client = client();
    let page = client
        .get(server.at("/award/2023/nope"))
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert_eq!(content_type(&page), "text/html; charset=utf-8");
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Ressource introuvable") && html.contains("href=\"&#x2f;sparql\"")
            || html.contains("href=\"/sparql\"")
    );
    let text = client
        .get(server.at("/award/2023/nope"))
        .header(ACCEPT, "text/turtle")
        .send()
        .await
        .unwrap();
    assert_eq!(text.status(), StatusCode::NOT_FOUND);
    assert!(text.text().await.unwrap().contains("/sparql"));
    for path in [
        "/dumps/../../etc/passwd",
        "/dumps/%2e%2e%2fCargo.toml",
        "/static/..%2f..%2fCargo.toml",
        "/..%2f..%2fetc%2fpasswd",
    ] {
        let response = client.get(server.at(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(
            !response.text().await.unwrap().contains("[package]"),
            "{path}"
        );
    }
}

/// Runs pySHACL on `data` with the DCAT-AP 3 profile "Full" (base shapes,
/// ranges, recommended, deprecated URIs); warnings are allowed.
fn dcat_ap_violations(data: &Path) -> (bool, String) {
    let shapes = repo().join("tests/fixtures/dcat-ap-3.0.0");
    let script = r#"
import sys, rdflib
from pyshacl import validate
shapes = rdflib.Graph()
for name in ("shapes.ttl", "range.ttl", "shapes_recommended.ttl", "deprecateduris.ttl"):
    shapes.parse(sys.argv[2] + "/" + name, format="turtle")
conforms, _, text = validate(sys.argv[1], shacl_graph=shapes, data_graph_format="turtle", allow_warnings=True)
print(text)
sys.exit(0 if conforms else 1)
"#;
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(data)
        .arg(&shapes)
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("ModuleNotFoundError"),
        "install the test tools: scripts/install-test-tools"
    );
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalog_validates_against_dcat_ap_3_and_its_files_download_as_declared() {
    let server = TestServer::default().await;
    let client = client();
    let response = client
        .get(server.at("/catalog"))
        .header(ACCEPT, "text/turtle")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let turtle = response.bytes().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalog.ttl");
    std::fs::write(&path, &turtle).unwrap();
    let (conforms, report) = tokio::task::spawn_blocking(move || dcat_ap_violations(&path))
        .await
        .unwrap();
    assert!(conforms, "{report}");

    // A catalog that lost its licence and titles does not validate: the check is real.
    let broken: String = String::from_utf8(turtle.to_vec())
        .unwrap()
        .lines()
        .filter(|l| !l.contains("dcat:accessURL"))
        .map(|l| format!("{l}\n"))
        .collect();
    let broken_path = dir.path().join("broken.ttl");
    std::fs::write(&broken_path, broken).unwrap();
    let (conforms, _) = tokio::task::spawn_blocking(move || dcat_ap_violations(&broken_path))
        .await
        .unwrap();
    assert!(
        !conforms,
        "a distribution without accessURL must be a violation"
    );

    let catalog = parse(RdfFormat::Turtle, &turtle, BASE);
    let object = |s: &oxigraph::model::NamedOrBlankNode, p: &str| {
        catalog
            .iter()
            .find(|t| &t.subject == s && t.predicate.as_str() == p)
            .map(|t| t.object.clone())
    };
    let downloads: Vec<_> = catalog
        .iter()
        .filter(|t| t.predicate.as_str() == "http://www.w3.org/ns/dcat#downloadURL")
        .collect();
    assert!(downloads.len() >= 7, "{}", downloads.len());
    for download in downloads {
        let Term::NamedNode(url) = &download.object else {
            panic!()
        };
        let path = &url.as_str()[BASE.len() - 1..];
        let response = client.get(server.at(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let declared_type = match object(&download.subject, "http://www.w3.org/ns/dcat#mediaType") {
            Some(Term::NamedNode(t)) => {
                t.as_str().rsplit("media-types/").next().unwrap().to_owned()
            }
            other => panic!("{other:?}"),
        };
        let compressed = object(
            &download.subject,
            "http://www.w3.org/ns/dcat#compressFormat",
        )
        .is_some();
        let served_type = content_type(&response);
        if compressed {
            assert_eq!(served_type, "application/gzip", "{path}");
        } else {
            assert!(
                served_type.starts_with(&declared_type),
                "{path}: {served_type} vs {declared_type}"
            );
        }
        let body = response.bytes().await.unwrap();
        let Some(Term::Literal(size)) =
            object(&download.subject, "http://www.w3.org/ns/dcat#byteSize")
        else {
            panic!()
        };
        assert_eq!(size.value(), body.len().to_string(), "{path}");
        let Some(Term::NamedNode(checksum)) =
            object(&download.subject, "http://spdx.org/rdf/terms#checksum")
        else {
            panic!()
        };
        let Some(Term::Literal(value)) =
            object(&checksum.into(), "http://spdx.org/rdf/terms#checksumValue")
        else {
            panic!()
        };
        assert_eq!(
            value.value(),
            territoire_innovant::publish::sha256_hex(&body),
            "{path}"
        );
    }
}

#[tokio::test]
async fn dumps_support_revalidation_ranges_and_head() {
    let server = TestServer::default().await;
    // No Accept-Encoding: the files as they are.
    let client = raw_client();
    let url = server.at("/dumps/territoire-innovant.nt");
    let full = client.get(&url).send().await.unwrap();
    assert_eq!(full.status(), StatusCode::OK);
    assert_eq!(content_type(&full), "application/n-triples");
    assert_eq!(full.headers()["accept-ranges"], "bytes");
    let etag = full.headers()["etag"].to_str().unwrap().to_owned();
    let last_modified = full.headers()["last-modified"].to_str().unwrap().to_owned();
    let body = full.bytes().await.unwrap();
    assert_eq!(
        etag,
        format!("\"{}\"", territoire_innovant::publish::sha256_hex(&body))
    );

    let revalidated = client
        .get(&url)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(revalidated.headers()["etag"], etag.as_str());
    let changed = client
        .get(&url)
        .header("If-None-Match", "\"other\"")
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    let since = client
        .get(&url)
        .header("If-Modified-Since", &last_modified)
        .send()
        .await
        .unwrap();
    assert_eq!(since.status(), StatusCode::NOT_MODIFIED);

    let range = client
        .get(&url)
        .header("Range", "bytes=10-19")
        .send()
        .await
        .unwrap();
    assert_eq!(range.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        range.headers()["content-range"],
        format!("bytes 10-19/{}", body.len()).as_str()
    );
    assert_eq!(range.bytes().await.unwrap(), body.slice(10..20));
    let unsatisfiable = client
        .get(&url)
        .header("Range", format!("bytes={}-", body.len() + 10))
        .send()
        .await
        .unwrap();
    assert_eq!(unsatisfiable.status(), StatusCode::RANGE_NOT_SATISFIABLE);

    let head = client.head(&url).send().await.unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(
        head.headers()["content-length"],
        body.len().to_string().as_str()
    );
    assert!(head.bytes().await.unwrap().is_empty());

    let gz = client
        .get(server.at("/dumps/territoire-innovant.ttl.gz"))
        .send()
        .await
        .unwrap();
    assert_eq!(content_type(&gz), "application/gzip");
    assert!(
        gz.headers().get("content-encoding").is_none(),
        "served as stored, never re-encoded"
    );
    let missing = client
        .get(server.at("/dumps/nothing.ttl"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

/// Like nginx's `gzip_static`: a client that accepts gzip gets the gzipped
/// twin of a file with `Content-Encoding: gzip`, with the twin's ETag,
/// ranges and length; every q-value case of the negotiation is a unit test
/// of `server::encoding`.
#[tokio::test]
async fn dumps_are_sent_as_their_gzipped_twin_to_clients_that_accept_gzip() {
    use std::io::Read;
    let server = TestServer::default().await;
    let client = raw_client();
    let url = server.at("/dumps/territoire-innovant.nt");
    let get =
        |accept_encoding: &'static str| client.get(&url).header("Accept-Encoding", accept_encoding);
    let plain = client.get(&url).send().await.unwrap();
    assert_eq!(plain.headers()["vary"], "Accept-Encoding");
    let plain_etag = plain.headers()["etag"].to_str().unwrap().to_owned();
    let plain = plain.bytes().await.unwrap();
    let twin = client
        .get(server.at("/dumps/territoire-innovant.nt.gz"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();

    let gzipped = get("gzip, deflate, br").send().await.unwrap();
    assert_eq!(gzipped.status(), StatusCode::OK);
    assert_eq!(gzipped.headers()["content-encoding"], "gzip");
    assert_eq!(content_type(&gzipped), "application/n-triples");
    assert_eq!(gzipped.headers()["vary"], "Accept-Encoding");
    assert_eq!(gzipped.headers()["accept-ranges"], "bytes");
    let etag = gzipped.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(
        etag,
        format!("\"{}\"", territoire_innovant::publish::sha256_hex(&twin))
    );
    assert_ne!(etag, plain_etag, "each representation has its own ETag");
    let body = gzipped.bytes().await.unwrap();
    assert_eq!(body, twin, "the twin as stored, not compressed again");
    let mut decoded = Vec::new();
    flate2::read::GzDecoder::new(&body[..])
        .read_to_end(&mut decoded)
        .unwrap();
    assert_eq!(decoded, plain);

    let revalidated = get("gzip")
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), StatusCode::NOT_MODIFIED);
    let other_representation = get("gzip")
        .header("If-None-Match", &plain_etag)
        .send()
        .await
        .unwrap();
    assert_eq!(other_representation.status(), StatusCode::OK);
    let range = get("gzip")
        .header("Range", "bytes=0-9")
        .send()
        .await
        .unwrap();
    assert_eq!(range.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(range.headers()["content-encoding"], "gzip");
    assert_eq!(
        range.headers()["content-range"],
        format!("bytes 0-9/{}", twin.len()).as_str()
    );
    assert_eq!(range.bytes().await.unwrap(), twin.slice(0..10));
    let head = client
        .head(&url)
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(
        head.headers()["content-length"],
        twin.len().to_string().as_str()
    );

    for (accept_encoding, expected) in [
        ("gzip;q=0", Some(plain.len())),
        ("br", Some(plain.len())),
        ("*", Some(twin.len())),
        ("identity;q=0, gzip", Some(twin.len())),
        ("identity;q=0", None),
    ] {
        let response = get(accept_encoding).send().await.unwrap();
        match expected {
            Some(length) => {
                assert_eq!(response.status(), StatusCode::OK, "{accept_encoding}");
                assert_eq!(
                    response.bytes().await.unwrap().len(),
                    length,
                    "{accept_encoding}"
                );
            }
            None => assert_eq!(
                response.status(),
                StatusCode::NOT_ACCEPTABLE,
                "{accept_encoding}"
            ),
        }
    }
    // The twin itself, and a file without one, are sent as stored.
    for path in ["/dumps/territoire-innovant.nt.gz", "/dumps/ontology.ttl"] {
        let response = client
            .get(server.at(path))
            .header("Accept-Encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(
            response.headers().get("content-encoding").is_none(),
            "{path}"
        );
    }
}

#[tokio::test]
async fn void_service_description_robots_and_sitemap() {
    let data = data_set();
    let expected_triples = data
        .store
        .quads_for_pattern(None, None, None, Some(data.data_graph.as_ref().into()))
        .count();
    let subjects = subjects(&data);
    let server = TestServer::default().await;
    let client = client();
    let void = client
        .get(server.at("/.well-known/void.nt"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let dataset = "<https://w3id.org/territoire-innovant/dataset>";
    let v = |local: &str| format!("<http://rdfs.org/ns/void#{local}>");
    for expected in [
        format!(
            "{dataset} {} \"{expected_triples}\"^^<http://www.w3.org/2001/XMLSchema#integer> .",
            v("triples")
        ),
        format!(
            "{dataset} {} <https://w3id.org/territoire-innovant/sparql> .",
            v("sparqlEndpoint")
        ),
        format!(
            "{dataset} {} <https://w3id.org/territoire-innovant/dumps/territoire-innovant.nt> .",
            v("dataDump")
        ),
        format!(
            "{dataset} {} \"https://w3id.org/territoire-innovant/\" .",
            v("uriSpace")
        ),
        format!(
            "{dataset} {} <http://www.w3.org/2004/02/skos/core#> .",
            v("vocabulary")
        ),
        format!(
            "{} <https://w3id.org/territoire-innovant/ontology#Award> .",
            v("class")
        ),
        format!(
            "{dataset} {} <https://w3id.org/territoire-innovant/award/",
            v("exampleResource")
        ),
    ] {
        assert!(void.contains(&expected), "{expected} not in\n{void}");
    }
    let award_partition = void
        .lines()
        .find(|l| l.ends_with("<http://rdfs.org/ns/void#class> <https://w3id.org/territoire-innovant/ontology#Award> ."))
        .and_then(|l| l.split(' ').next())
        .unwrap()
        .to_owned();
    assert!(void.contains(&format!(
        "{award_partition} {} \"25\"^^<http://www.w3.org/2001/XMLSchema#integer> .",
        v("entities")
    )));
    let sd = client
        .get(server.at("/sparql"))
        .header(ACCEPT, "text/turtle")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        sd.contains("rdfs:seeAlso <https://w3id.org/territoire-innovant/.well-known/void>"),
        "{sd}"
    );
    let robots = client
        .get(server.at("/robots.txt"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        robots.contains("Sitemap: https://w3id.org/territoire-innovant/sitemap.xml"),
        "{robots}"
    );
    let sitemap = client
        .get(server.at("/sitemap.xml"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for (iri, _) in &subjects {
        assert!(
            sitemap.contains(&format!("<loc>{iri}</loc>")),
            "{iri} not in the sitemap, as it is written"
        );
    }
    assert!(!sitemap.contains("&#x2f;"), "no HTML escaping in XML");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_labels_are_escaped_and_every_page_is_well_formed_html() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    copy_dir(&repo().join("data"), &data_dir);
    let hostile = r#"<script>alert("x")</script> & 'Brest' — 北京市 « Métropole »"#;
    let organisations = data_dir.join("registry/organisations.toml");
    let text = std::fs::read_to_string(&organisations).unwrap();
    let toml_string = toml_escape(hostile);
    std::fs::write(
        &organisations,
        text.replace("name = \"La Fibre64\"", &format!("name = {toml_string}")),
    )
    .unwrap();
    let titles = data_dir.join("editions/2023.toml");
    let text = std::fs::read_to_string(&titles).unwrap();
    std::fs::write(
        &titles,
        text.replace(
            "title = \"Rudi\"",
            &format!(
                "title = {}",
                toml_escape("Rudi </script><img src=x onerror=alert(1)>")
            ),
        ),
    )
    .unwrap();
    let data = DataSet::build(&inputs(&data_dir, Base::default())).unwrap();
    let server = TestServer::start_with(data, Default::default()).await;
    let client = client();
    let html_accept = "text/html";
    let mut pages = Vec::new();
    for path in [
        "/",
        "/organisation/la-fibre64",
        "/award/2023/rudi",
        "/project/2023/rudi",
        "/ontology",
        "/sparql",
        "/catalog",
        "/award/2023/nope",
    ] {
        let response = client
            .get(server.at(path))
            .header(ACCEPT, html_accept)
            .send()
            .await
            .unwrap();
        let html = response.text().await.unwrap();
        assert!(!html.contains("<script>alert"), "{path}: unescaped script");
        assert!(!html.contains("<img src=x"), "{path}: unescaped markup");
        pages.push((path, html));
    }
    let fibre = &pages[1].1;
    assert!(fibre.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;&#x2f;script&gt; &amp; &#x27;Brest&#x27; — 北京市 « Métropole »"), "{fibre}");
    let home = &pages[0].1;
    assert!(home.contains("北京市"));
    // The JSON-LD block of a page cannot be closed by a label.
    let award = &pages[2].1;
    let json_ld = award
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .unwrap();
    let json_ld = json_ld.split("</script>").next().unwrap();
    let value: serde_json::Value = serde_json::from_str(json_ld).unwrap();
    assert!(value["name"].as_str().unwrap().contains("</script><img"));

    // Every page parses as HTML5 without a single parse error.
    for (path, html) in &pages {
        let file = dir.path().join("page.html");
        std::fs::write(&file, html).unwrap();
        let output = Command::new("python3")
            .arg("-c")
            .arg("import sys, html5lib\nhtml5lib.HTMLParser(strict=True).parse(open(sys.argv[1], 'rb'))")
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{path} is not well-formed HTML5: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

fn toml_escape(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

#[tokio::test]
async fn pages_embed_schema_org_json_ld() {
    let server = TestServer::default().await;
    let client = client();
    let home = client
        .get(server.at("/"))
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let json_ld = home
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .unwrap()
        .split("</script>")
        .next()
        .unwrap();
    let dataset: serde_json::Value = serde_json::from_str(json_ld).unwrap();
    assert_eq!(dataset["@type"], "Dataset");
    assert_eq!(
        dataset["license"],
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    );
    // The default publisher is the publication itself, not an organisation:
    // schema.org's creator and publisher are left out rather than invented.
    assert!(dataset.get("creator").is_none() && dataset.get("publisher").is_none());
    assert_eq!(dataset["temporalCoverage"], "2023/2023");
    assert!(dataset["distribution"].as_array().unwrap().len() >= 7);
    assert!(
        dataset["description"].as_str().unwrap().len() >= 50,
        "Google Dataset Search wants 50 characters"
    );
    let organisation = client
        .get(server.at("/organisation/ville-de-paris"))
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        organisation.contains("\"@type\":\"Organization\""),
        "{organisation}"
    );
    assert!(organisation.contains("lang=\"fr\""));
    assert!(organisation.contains("name=\"viewport\""));
}

/// Issue 14, item 7: every class and property the data uses — its own and
/// the standard ones, stated or entailed by the alignments — has a section
/// on `/ontology`; each class with instances shows one, and the diagram
/// draws every class of the ontology as a link to its section.
#[tokio::test]
async fn every_term_the_data_uses_is_documented_on_the_ontology_page() {
    let data = common::data_set();
    let used: Vec<String> = common::select(
        &data,
        "SELECT DISTINCT ?term WHERE {
           VALUES ?g { <https://w3id.org/territoire-innovant/graph/data>
                       <https://w3id.org/territoire-innovant/graph/alignments> }
           GRAPH ?g { { ?s ?term ?o } UNION { ?s a ?term } } }",
    )
    .into_iter()
    .map(|row| row[0].clone())
    .collect();
    assert!(used.len() > 60, "{used:?}");
    let server = TestServer::default().await;
    let page = client()
        .get(server.at("/ontology"))
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .replace("&#x2f;", "/");
    let undocumented: Vec<&String> = used
        .iter()
        .filter(|term| !page.contains(&format!("<code>{term}</code>")))
        .collect();
    assert!(
        undocumented.is_empty(),
        "not on /ontology: {undocumented:?}"
    );
    let classes: Vec<String> = common::select(
        &data,
        "SELECT ?class WHERE { GRAPH <https://w3id.org/territoire-innovant/graph/ontology> {
           ?class a <http://www.w3.org/2002/07/owl#Class> } }",
    )
    .into_iter()
    .map(|row| row[0].rsplit('#').next().unwrap().to_owned())
    .collect();
    let diagram = &page[page.find("<svg").unwrap()..page.find("</svg>").unwrap()];
    for class in &classes {
        assert!(
            diagram.contains(&format!("<a href=\"#{class}\" aria-label=\"ti:{class}\">")),
            "ti:{class} is not drawn"
        );
        let section = &page[page.find(&format!("id=\"{class}\"")).unwrap()..];
        let section = &section[..section.find("</section>").unwrap()];
        assert!(
            section.contains("class=\"example\""),
            "no example for ti:{class}"
        );
    }
    // The deprecated ti:label is marked so, with its replacement.
    let label = &page[page.find("id=\"label\"").unwrap()..];
    let label = &label[..label.find("</section>").unwrap()];
    assert!(
        label.contains("obsolète") && label.contains("ti:editionOf"),
        "{label}"
    );
}

/// One indicator of the EU Metadata Quality Assessment: its dimension, its
/// name, its weight, and the share of the data set (1 or 0) or of its
/// distributions that meets it.
#[derive(Debug)]
struct Indicator {
    dimension: &'static str,
    name: &'static str,
    weight: f64,
    share: f64,
}

/// The values of `?x` of a SELECT over `store`.
fn values(store: &oxigraph::store::Store, query: &str) -> Vec<String> {
    let prefixes =
        "PREFIX dcat: <http://www.w3.org/ns/dcat#>\nPREFIX dct: <http://purl.org/dc/terms/>\n";
    let Ok(oxigraph::sparql::QueryResults::Solutions(solutions)) =
        oxigraph::sparql::SparqlEvaluator::new()
            .parse_query(&format!("{prefixes}{query}"))
            .unwrap()
            .on_store(store)
            .execute()
    else {
        panic!("{query}");
    };
    solutions
        .map(|s| match s.unwrap().get("x") {
            Some(Term::NamedNode(n)) => n.as_str().to_owned(),
            Some(Term::Literal(l)) => l.value().to_owned(),
            Some(other) => other.to_string(),
            None => String::new(),
        })
        .collect()
}

/// The EU Metadata Quality Assessment of data.europa.eu, computed from its
/// published methodology (data.europa.eu/mqa/methodology, 405 points in five
/// dimensions): each indicator of the data set counts in full or not at
/// all; each indicator of a distribution counts by the share of the
/// distributions that meet it. Every access and download URL is requested
/// over HTTP. Two indicators rest on lists the methodology takes from EU
/// Vocabularies: the formats (the EU file-type table) are checked by their
/// table; whether a format is non-proprietary and machine-readable is
/// checked against the formats' own specifications (W3C Recommendations,
/// RFC 4180), written below, not against MQA's lists.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalog_scores_every_eu_quality_point_but_what_its_licence_and_endpoint_cannot_have() {
    const FILE_TYPE: &str = "http://publications.europa.eu/resource/authority/file-type/";
    const IANA: &str = "http://www.iana.org/assignments/media-types/";
    const ACCESS_RIGHT: &str = "http://publications.europa.eu/resource/authority/access-right/";
    const LICENCE_TABLE: &str = "http://publications.europa.eu/resource/authority/licence/";
    // The formats published, each with its open specification: all of them
    // are non-proprietary and machine-readable.
    const OPEN_FORMATS: [(&str, &str); 6] = [
        ("RDF_TURTLE", "W3C Recommendation RDF 1.1 Turtle"),
        ("RDF_N_TRIPLES", "W3C Recommendation RDF 1.1 N-Triples"),
        ("RDF_N_QUADS", "W3C Recommendation RDF 1.1 N-Quads"),
        ("HDT", "W3C Member Submission HDT"),
        ("CSV", "RFC 4180"),
        ("SPARQLQ", "W3C Recommendation SPARQL 1.1 Query Language"),
    ];
    let server = TestServer::default().await;
    let client = client();
    let turtle = client
        .get(server.at("/catalog"))
        .header(ACCEPT, "text/turtle")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let store = oxigraph::store::Store::new().unwrap();
    store
        .load_from_reader(RdfFormat::Turtle, turtle.as_ref())
        .unwrap();
    let dataset = format!("<{BASE}dataset>");
    let has = |property: &str| {
        !values(
            &store,
            &format!("SELECT ?x WHERE {{ {dataset} {property} ?x }}"),
        )
        .is_empty()
    };
    let distributions = values(
        &store,
        &format!("SELECT ?x WHERE {{ {dataset} dcat:distribution ?x }}"),
    );
    assert!(distributions.len() >= 12, "{distributions:?}");
    let of = |distribution: &str, property: &str| {
        values(
            &store,
            &format!("SELECT ?x WHERE {{ <{distribution}> {property} ?x }}"),
        )
    };
    // What a URL of the catalog answers, asked of the test server.
    let answers = |url: String| {
        let client = client.clone();
        let address = server.at(&format!(
            "/{}",
            url.strip_prefix(BASE).expect("under the base")
        ));
        async move {
            let response = client.get(address).send().await.unwrap();
            response.status().as_u16() < 400
        }
    };
    let n = distributions.len() as f64;
    let share = |meets: Vec<bool>| meets.iter().filter(|m| **m).count() as f64 / n;
    let mut access_ok = Vec::new();
    let mut download_ok = Vec::new();
    for distribution in &distributions {
        let access = of(distribution, "dcat:accessURL");
        assert_eq!(access.len(), 1, "{distribution}");
        access_ok.push(answers(access[0].clone()).await);
        let mut downloads = true;
        for url in of(distribution, "dcat:downloadURL") {
            downloads &= answers(url).await;
        }
        download_ok.push(downloads && !of(distribution, "dcat:downloadURL").is_empty());
    }
    let every = |property: &str| -> Vec<bool> {
        distributions
            .iter()
            .map(|d| !of(d, property).is_empty())
            .collect()
    };
    let formats: Vec<Vec<String>> = distributions.iter().map(|d| of(d, "dct:format")).collect();
    let from_vocabulary: Vec<bool> = distributions
        .iter()
        .zip(&formats)
        .map(|(d, formats)| {
            let media = of(d, "dcat:mediaType");
            !formats.is_empty()
                && formats.iter().all(|f| f.starts_with(FILE_TYPE))
                && media.iter().all(|m| m.starts_with(IANA))
        })
        .collect();
    let open: Vec<bool> = formats
        .iter()
        .map(|formats| {
            !formats.is_empty()
                && formats.iter().all(|f| {
                    OPEN_FORMATS
                        .iter()
                        .any(|(code, _)| f.strip_prefix(FILE_TYPE) == Some(code))
                })
        })
        .collect();
    let licensed = every("dct:license");
    let licence_in_table: Vec<bool> = distributions
        .iter()
        .map(|d| {
            let licences = of(d, "dct:license");
            !licences.is_empty() && licences.iter().all(|l| l.starts_with(LICENCE_TABLE))
        })
        .collect();
    let access_rights = values(
        &store,
        &format!("SELECT ?x WHERE {{ {dataset} dct:accessRights ?x }}"),
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalog.ttl");
    std::fs::write(&path, &turtle).unwrap();
    let (compliant, report) = tokio::task::spawn_blocking(move || dcat_ap_violations(&path))
        .await
        .unwrap();
    let whole = |yes: bool| if yes { 1.0 } else { 0.0 };
    let indicators = [
        ("Findability", "keywords", 30.0, whole(has("dcat:keyword"))),
        ("Findability", "categories", 30.0, whole(has("dcat:theme"))),
        ("Findability", "geo search", 20.0, whole(has("dct:spatial"))),
        (
            "Findability",
            "time-based search",
            20.0,
            whole(has("dct:temporal")),
        ),
        (
            "Accessibility",
            "access URL accessible",
            50.0,
            share(access_ok),
        ),
        (
            "Accessibility",
            "download URL",
            20.0,
            share(every("dcat:downloadURL")),
        ),
        (
            "Accessibility",
            "download URL accessible",
            30.0,
            share(download_ok),
        ),
        (
            "Interoperability",
            "format",
            20.0,
            share(every("dct:format")),
        ),
        (
            "Interoperability",
            "media type",
            10.0,
            share(every("dcat:mediaType")),
        ),
        (
            "Interoperability",
            "format / media type from vocabulary",
            10.0,
            share(from_vocabulary),
        ),
        (
            "Interoperability",
            "non-proprietary",
            20.0,
            share(open.clone()),
        ),
        ("Interoperability", "machine readable", 20.0, share(open)),
        (
            "Interoperability",
            "DCAT-AP compliance",
            30.0,
            whole(compliant),
        ),
        ("Reusability", "licence information", 20.0, share(licensed)),
        (
            "Reusability",
            "licence vocabulary",
            10.0,
            share(licence_in_table),
        ),
        (
            "Reusability",
            "access restrictions",
            10.0,
            whole(!access_rights.is_empty()),
        ),
        (
            "Reusability",
            "access restrictions vocabulary",
            5.0,
            whole(
                !access_rights.is_empty()
                    && access_rights.iter().all(|a| a.starts_with(ACCESS_RIGHT)),
            ),
        ),
        (
            "Reusability",
            "contact point",
            20.0,
            whole(has("dcat:contactPoint")),
        ),
        (
            "Reusability",
            "publisher",
            10.0,
            whole(has("dct:publisher")),
        ),
        ("Contextuality", "rights", 5.0, share(every("dct:rights"))),
        (
            "Contextuality",
            "file size",
            5.0,
            share(every("dcat:byteSize")),
        ),
        (
            "Contextuality",
            "date of issue",
            5.0,
            share(every("dct:issued")),
        ),
        (
            "Contextuality",
            "modification date",
            5.0,
            share(every("dct:modified")),
        ),
    ]
    .map(|(dimension, name, weight, share)| Indicator {
        dimension,
        name,
        weight,
        share,
    });
    let maximum: f64 = indicators.iter().map(|i| i.weight).sum();
    assert_eq!(maximum, 405.0, "the methodology's total");
    let score: f64 = indicators.iter().map(|i| i.weight * i.share).sum();
    let report_lines: Vec<String> = indicators
        .iter()
        .map(|i| {
            format!(
                "{:<16} {:<38} {:>6.2} / {:>3}",
                i.dimension,
                i.name,
                i.weight * i.share,
                i.weight
            )
        })
        .collect();
    let table = format!(
        "{}\nscore {score:.2} / {maximum}\n{report}",
        report_lines.join("\n")
    );
    println!("{table}");

    // What no catalog change can give, each for a stated reason:
    // - the licence vocabulary: Licence Ouverte 2.0 has no code in the EU
    //   licence table (its copies list Creative Commons, EUPL, ODC, national
    //   licences of other states, none French);
    // - a download URL and a size for the SPARQL endpoint's distribution:
    //   a service has neither, and ckanext-dcat would show a download URL as
    //   the resource's address instead of the endpoint's.
    let service = format!("{BASE}distribution/sparql");
    let files = distributions.iter().filter(|d| **d != service).count() as f64;
    for indicator in &indicators {
        let expected = match indicator.name {
            "licence vocabulary" => 0.0,
            "download URL" | "download URL accessible" | "file size" => files / n,
            _ => 1.0,
        };
        assert!(
            (indicator.share - expected).abs() < 1e-9,
            "{}: {} of {expected}\n{table}",
            indicator.name,
            indicator.share
        );
    }
    let blocked = 10.0 + (20.0 + 30.0 + 5.0) / n;
    assert!((score - (maximum - blocked)).abs() < 1e-9, "{table}");
}

/// The text a reader sees on an HTML page: the body without its scripts,
/// styles and tags, the entities the templates write decoded.
fn visible_text(html: &str) -> String {
    let body = html.split("<body").nth(1).unwrap_or(html);
    let mut text = String::new();
    let mut rest = body;
    while let Some(start) = rest.find('<') {
        text.push_str(&rest[..start]);
        // Each text of the page on its own line: a label and the button
        // beside it are two texts, not a phrase.
        text.push('\n');
        let tag = &rest[start..];
        let skip_to = ["script", "style", "svg"].iter().find_map(|element| {
            tag.starts_with(&format!("<{element}"))
                .then(|| {
                    tag.find(&format!("</{element}>"))
                        .map(|end| end + element.len() + 3)
                })
                .flatten()
        });
        let end = skip_to.unwrap_or_else(|| tag.find('>').map_or(tag.len(), |e| e + 1));
        rest = &tag[end..];
    }
    text.push_str(rest);
    text.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The vocabulary prefixes a reader must not meet.
const PREFIX_NAMES: [&str; 22] = [
    "rdf", "rdfs", "dct", "dcterms", "skos", "xsd", "owl", "prov", "foaf", "schema", "org", "dcat",
    "ti", "spdx", "vcard", "void", "hydra", "ldes", "tree", "sd", "adms", "locn",
];

/// The prefixed names (`skos:prefLabel`) in `text`.
fn prefixed_names(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices(':') {
        let before = &text[..at];
        let word: String = before
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let preceded = before[..before.len() - word.len()].chars().next_back();
        let followed = text[at + 1..].chars().next();
        if PREFIX_NAMES.contains(&word.as_str())
            && followed.is_some_and(|c| c.is_ascii_alphabetic())
            && !preceded.is_some_and(|c| c == '/' || c == '.' || c.is_alphanumeric())
        {
            found.push(text[at - word.len()..(at + 20).min(text.len())].to_owned());
        }
    }
    found
}

/// Two equal words in a row (« de de ») in one text of a page: words of
/// letters only, separated by spaces only.
fn repeated_words(text: &str) -> Vec<String> {
    text.lines()
        .flat_map(|line| {
            let words: Vec<String> = line.split_whitespace().map(str::to_lowercase).collect();
            words
                .windows(2)
                .filter(|pair| pair[0] == pair[1] && pair[0].chars().all(char::is_alphabetic))
                .map(|pair| format!("{} in « {} »", pair.join(" "), line.trim()))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_for_readers_speaks_french_without_vocabulary_terms() {
    let server = TestServer::default().await;
    let client = client();
    let sitemap = client
        .get(server.at("/sitemap.xml"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // The technical pages keep the terms: the ontology, the query page,
    // the fragments and the change feed.
    let technical = ["ontology", "sparql", "fragments", "ldes"];
    let mut checked = 0;
    let mut problems = Vec::new();
    for location in sitemap.split("<loc>").skip(1) {
        let iri = location.split("</loc>").next().unwrap();
        let path = iri.strip_prefix(BASE).unwrap();
        if technical.iter().any(|t| {
            path == *t || path.starts_with(&format!("{t}/")) || path.starts_with(&format!("{t}#"))
        }) {
            continue;
        }
        let html = client
            .get(server.at(&format!("/{path}")))
            .header(ACCEPT, "text/html")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let text = visible_text(&html);
        for name in prefixed_names(&text) {
            problems.push(format!("/{path}: « {name} »"));
        }
        for pair in repeated_words(&text) {
            problems.push(format!("/{path}: « {pair} »"));
        }
        checked += 1;
    }
    assert!(checked > 150, "{checked} pages");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The names of the fields of a resource page, in order.
fn field_names(html: &str) -> Vec<String> {
    html.split("<th scope=\"row\">")
        .skip(1)
        .map(|rest| {
            visible_text(rest.split("</th>").next().unwrap())
                .trim()
                .to_owned()
        })
        .collect()
}

/// The values of the field `name` of a resource page, as text.
fn field_values(html: &str, name: &str) -> Vec<String> {
    let row = html
        .split(&format!("<th scope=\"row\">{name}</th>"))
        .nth(1)
        .unwrap_or_else(|| panic!("no field {name}"))
        .split("</tr>")
        .next()
        .unwrap();
    row.split("<li>")
        .skip(1)
        .map(|li| {
            visible_text(li.split("</li>").next().unwrap())
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resource_pages_put_what_matters_first_each_fact_once_in_french() {
    let server = TestServer::default().await;
    let client = client();
    let page = |path: &'static str| {
        let client = client.clone();
        let url = server.at(path);
        async move {
            client
                .get(url)
                .header(ACCEPT, "text/html")
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    // An award: category, level, edition, project, laureates (with where
    // they are), and its source last.
    let award = page("/award/2023/relais-de-telemedecine").await;
    let names = field_names(&award);
    assert_eq!(
        names[..5],
        ["Catégorie", "Niveau", "Édition", "Projet", "Lauréat"],
        "{names:?}"
    );
    assert_eq!(
        names.last().map(String::as_str),
        Some("Source"),
        "{names:?}"
    );
    assert!(visible_text(&award).contains("(Dordogne, Nouvelle-Aquitaine)"));
    assert!(!award.contains("Liens entrants"));
    // An organisation: its award first, its names once each.
    let paris = page("/organisation/ville-de-paris").await;
    let names = field_names(&paris);
    assert_eq!(names[0], "Lauréate de", "{names:?}");
    let text = visible_text(&paris);
    assert_eq!(text.matches("Ville de Paris").count(), 1, "{names:?}");
    assert!(
        names.contains(&"Nom dans la source".to_owned()),
        "{names:?}"
    );
    assert!(names.contains(&"SIREN".to_owned()), "{names:?}");
    assert_eq!(
        names.iter().filter(|n| *n == "Source").count(),
        1,
        "{names:?}"
    );
    assert!(
        !names.iter().any(|n| n == "Tiré de"),
        "the source once: {names:?}"
    );
    assert!(text.contains("Lauréat"), "its type as a word");
    // Values as a French reader writes them.
    let guadeloupe = page("/departement/971").await;
    assert_eq!(field_values(&guadeloupe, "Outre-mer"), ["Oui"]);
    let edition = page("/edition/2023").await;
    assert!(!visible_text(&edition).contains("xsd"));
    // Its awards by level: Or, then Argent, then Bronze.
    let levels: Vec<String> = field_values(&edition, "Prix")
        .iter()
        .map(|award| award.split_whitespace().nth(1).unwrap().to_owned())
        .collect();
    assert_eq!(levels.len(), 25, "{levels:?}");
    let first = |level: &str| levels.iter().position(|l| l == level).unwrap();
    let last = |level: &str| levels.iter().rposition(|l| l == level).unwrap();
    assert!(
        last("Or") < first("Argent") && last("Argent") < first("Bronze"),
        "{levels:?}"
    );
    // A link back that a field already gives is not repeated.
    let category = page("/category/e-sante").await;
    assert!(
        !field_names(&category)
            .iter()
            .any(|n| n.starts_with("Comprend"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_downloads_give_formats_by_name_and_sizes_in_ko() {
    let server = TestServer::default().await;
    let home = client()
        .get(server.at("/"))
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let downloads = home.split("id=\"telechargements\"").nth(1).unwrap();
    let rows: Vec<&str> = downloads.split("<tr><td>").skip(1).collect();
    assert!(rows.len() >= 17, "{} files", rows.len());
    for row in &rows {
        let cells: Vec<String> = row
            .split("<td>")
            .map(|cell| {
                visible_text(cell.split("</td>").next().unwrap())
                    .trim()
                    .to_owned()
            })
            .collect();
        let (format, size) = (&cells[2], &cells[3]);
        assert!(
            !format.contains("application/") && !format.contains("text/") && !format.contains(';'),
            "a format by name, not a media type: {format}"
        );
        assert!(
            size.ends_with("Ko") || size.ends_with("Mo") || size.ends_with("octets"),
            "a size a reader reads: {size}"
        );
    }
    for name in ["Turtle", "CSV", "N-Triples compressé (gzip)", "HDT"] {
        assert!(downloads.contains(&format!("<td>{name}</td>")), "{name}");
    }
}

/// A place's page names the awards of the laureates that cover it without
/// being located there (Aix-Marseille-Provence: its communes are in the
/// Bouches-du-Rhône, the Var and the Vaucluse, no département published),
/// and a laureate located there only once.
#[tokio::test]
async fn place_pages_name_the_laureates_that_cover_them() {
    let server = TestServer::default().await;
    let client = client();
    let page = |path: &'static str| {
        let request = client.get(server.at(path)).header(ACCEPT, "text/html");
        async move {
            request
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
                .replace("&#x27;", "'")
        }
    };
    let covering = |html: &str| -> Vec<String> {
        html.split("<ul class=\"awards awards-covering\">")
            .nth(1)
            .map(|list| {
                list.split("</ul>")
                    .next()
                    .unwrap()
                    .split("<li>")
                    .skip(1)
                    .map(|item| visible_text(item).trim().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    for path in [
        "/departement/13",
        "/departement/83",
        "/departement/84",
        "/commune/13055",
    ] {
        let html = page(path).await;
        let awards = covering(&html);
        assert!(
            awards
                .iter()
                .any(|a| a.contains("SATURNE") && a.contains("Métropole d'Aix-Marseille-Provence")),
            "{path}: {awards:?}"
        );
    }
    // Located in the Hérault, Montpellier Méditerranée Métropole is listed
    // among the laureates located there, not again among those covering it.
    let herault = page("/departement/34").await;
    assert!(herault.contains("LeBonTag"), "{herault}");
    assert!(covering(&herault).is_empty(), "{:?}", covering(&herault));
    // The organisation's page gives what it covers, by name.
    let aix = page("/organisation/metropole-aix-marseille-provence").await;
    let departements = field_values(&aix, "Départements couverts");
    assert_eq!(departements, ["Bouches-du-Rhône", "Var", "Vaucluse"]);
    assert_eq!(field_values(&aix, "Communes couvertes").len(), 92);
}
