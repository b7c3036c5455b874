//! The canonical fingerprint of a release (issue 15): the SHA-256 of the
//! RDFC-1.0 canonical N-Quads, checked against an independent
//! implementation (npm `rdf-canonize`), unchanged when the dumps are
//! re-serialized in another syntax, changed by one literal, and reported by
//! `build` when nothing changed.

mod common;

use common::{copy_dir, repo};
use oxigraph::io::{RdfFormat, RdfParser, RdfSerializer};
use oxigraph::model::{NamedNode, Triple};
use std::path::Path;
use std::process::Command;
use territoire_innovant::publish::fingerprint::{fingerprint, published_in, write_canonical};
use territoire_innovant::publish::sha256_hex;

const BIN: &str = env!("CARGO_BIN_EXE_territoire-innovant");
const DATA_GRAPH: &str = "https://w3id.org/territoire-innovant/graph/data";
const ONTOLOGY_GRAPH: &str = "https://w3id.org/territoire-innovant/graph/ontology";

fn build(data: &Path, out: &Path) -> String {
    let output = Command::new(BIN)
        .current_dir(repo())
        .args([
            "--data".as_ref(),
            data.as_os_str(),
            "build".as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
        ])
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    stderr
}

fn dump(out: &Path, name: &str) -> Vec<u8> {
    std::fs::read(out.join("current").join(name)).unwrap()
}

fn triples(format: RdfFormat, bytes: &[u8]) -> Vec<Triple> {
    RdfParser::from_format(format)
        .for_slice(bytes)
        .map(|quad| Triple::from(quad.unwrap()))
        .collect()
}

/// The canonical N-Quads of an N-Quads file, by rdf-canonize.
fn rdf_canonize(file: &Path) -> String {
    let output = Command::new("node")
        .arg(repo().join("tests/clients/canonize.mjs"))
        .arg(file)
        .current_dir(repo().join("tests/clients"))
        .output()
        .expect("node runs (install the clients with scripts/install-test-tools)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn rdf_canonize_agrees_and_the_fingerprint_names_the_data_not_the_file() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out");
    let stderr = build(&repo().join("data"), &out);
    let published = published_in(&out).expect("the catalog states the fingerprint");
    assert!(
        stderr.contains(&format!("data fingerprint (RDFC-1.0, SHA-256) {published}")),
        "{stderr}"
    );

    // rdf-canonize, from the N-Quads dump: the same canonical N-Quads, the same hash.
    let nquads = out.join("current/territoire-innovant.nq");
    let theirs = rdf_canonize(&nquads);
    assert_eq!(sha256_hex(theirs.as_bytes()), published);
    let data_graph = NamedNode::new(DATA_GRAPH).unwrap();
    let from_nquads = triples(RdfFormat::NQuads, &dump(&out, "territoire-innovant.nq"));
    let mut ours = Vec::new();
    write_canonical(&[(&data_graph, (&from_nquads).into())], &mut ours).unwrap();
    assert_eq!(String::from_utf8(ours).unwrap(), theirs);

    // The published data set: the data and ontology graphs, as rdf-canonize
    // reads them from the two dumps put in one N-Quads file.
    let ontology_graph = NamedNode::new(ONTOLOGY_GRAPH).unwrap();
    let ontology = triples(RdfFormat::Turtle, &dump(&out, "ontology.ttl"));
    let mut both = RdfSerializer::from_format(RdfFormat::NQuads).for_writer(Vec::new());
    for (graph, triples) in [(&data_graph, &from_nquads), (&ontology_graph, &ontology)] {
        for triple in triples {
            both.serialize_quad(triple.as_ref().in_graph(graph.as_ref()))
                .unwrap();
        }
    }
    let both_file = work.path().join("both.nq");
    std::fs::write(&both_file, both.finish().unwrap()).unwrap();
    let catalog = String::from_utf8(dump(&out, "catalog.ttl")).unwrap();
    let publication = sha256_hex(rdf_canonize(&both_file).as_bytes());
    assert!(
        catalog.contains(&format!("\"{publication}\"^^xsd:hexBinary")),
        "{publication} not in the catalog"
    );

    // Re-serialized in another syntax and parsed back: the same fingerprint.
    for (name, format) in [
        ("territoire-innovant.ttl", RdfFormat::Turtle),
        ("territoire-innovant.nt", RdfFormat::NTriples),
    ] {
        let mut parsed = triples(format, &dump(&out, name));
        parsed.reverse();
        assert_eq!(
            fingerprint(&[(&data_graph, (&parsed).into())]),
            published,
            "{name}"
        );
    }

    // The same data built again: the build says nothing changed.
    let stderr = build(&repo().join("data"), &out);
    assert!(
        stderr.contains(&format!(
            "no change in the data: its fingerprint (RDFC-1.0, SHA-256) {published}"
        )),
        "{stderr}"
    );

    // One literal changed: another fingerprint, and the build says so.
    let data = work.path().join("data");
    copy_dir(&repo().join("data"), &data);
    let edition = data.join("editions/2023.toml");
    let text = std::fs::read_to_string(&edition).unwrap();
    assert!(text.contains("J'allume ma rue"));
    std::fs::write(
        &edition,
        text.replace("J'allume ma rue", "J'allume ma rue !"),
    )
    .unwrap();
    let stderr = build(&data, &out);
    let changed = published_in(&out).unwrap();
    assert_ne!(changed, published);
    assert!(
        stderr.contains(&format!(
            "the data changed: fingerprint (RDFC-1.0, SHA-256) {changed}, was {published}"
        )),
        "{stderr}"
    );
}
