//! The SPARQL 1.1 Service Description of the endpoint, answered at
//! `/sparql` when no query is given.

use super::AppState;
use crate::rdf::vocab::{dct, void};
use crate::sparql::index::TripleCounts;
use crate::store::GraphNames;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::vocab::{rdf, rdfs, xsd};
use oxigraph::model::{Literal, NamedNode, NamedNodeRef, Triple};
use oxigraph::sparql::results::QueryResultsFormat;

const SD: &str = "http://www.w3.org/ns/sparql-service-description#";

fn sd(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{SD}{local}"))
}

/// The formats the endpoint answers in, as W3C format IRIs.
fn result_formats() -> Vec<NamedNode> {
    let results = [
        QueryResultsFormat::Json,
        QueryResultsFormat::Xml,
        QueryResultsFormat::Csv,
        QueryResultsFormat::Tsv,
    ]
    .map(|f| f.iri());
    let graphs = [
        RdfFormat::Turtle,
        RdfFormat::NTriples,
        RdfFormat::RdfXml,
        RdfFormat::JsonLd {
            profile: Default::default(),
        },
        RdfFormat::NQuads,
        RdfFormat::TriG,
    ]
    .map(|f| f.iri());
    results
        .into_iter()
        .chain(graphs)
        .map(NamedNode::new_unchecked)
        .collect()
}

/// The triples of the service description of the endpoint of a data set
/// named `names`, whose quads are counted in `counts`.
pub fn triples(names: &GraphNames, counts: &TripleCounts) -> Vec<Triple> {
    let base = &names.base;
    let service = base.iri("sparql#service");
    let dataset = base.iri("sparql#dataset");
    let default_graph = base.iri("sparql#default-graph");
    let mut triples = Vec::new();
    let mut add = |s: &NamedNode, p: NamedNodeRef<'_>, o: oxigraph::model::Term| {
        triples.push(Triple::new(s.clone(), p, o));
    };
    let count = |graph: Option<&NamedNode>| {
        let n = match graph {
            None => counts.quads,
            Some(graph) => counts
                .graphs
                .iter()
                .find(|(name, _)| name == graph.as_str())
                .map_or(0, |&(_, n)| n),
        };
        Literal::new_typed_literal(n.to_string(), xsd::INTEGER)
    };
    add(&service, rdf::TYPE, sd("Service").into());
    add(&service, sd("endpoint").as_ref(), base.iri("sparql").into());
    add(
        &service,
        sd("supportedLanguage").as_ref(),
        sd("SPARQL11Query").into(),
    );
    add(
        &service,
        sd("feature").as_ref(),
        sd("UnionDefaultGraph").into(),
    );
    add(
        &service,
        sd("defaultEntailmentRegime").as_ref(),
        NamedNode::new_unchecked("http://www.w3.org/ns/entailment/Simple").into(),
    );
    for format in result_formats() {
        add(&service, sd("resultFormat").as_ref(), format.into());
    }
    add(
        &service,
        rdfs::LABEL,
        Literal::new_language_tagged_literal_unchecked(
            "Point d'accès SPARQL du label « Territoire Innovant »",
            "fr",
        )
        .into(),
    );
    add(
        &service,
        sd("defaultDataset").as_ref(),
        dataset.clone().into(),
    );
    add(&dataset, rdf::TYPE, sd("Dataset").into());
    add(&dataset, dct::SOURCE, base.iri("dataset").into());
    add(
        &dataset,
        rdfs::SEE_ALSO,
        base.iri(".well-known/void").into(),
    );
    add(
        &dataset,
        sd("defaultGraph").as_ref(),
        default_graph.clone().into(),
    );
    add(&default_graph, rdf::TYPE, sd("Graph").into());
    add(&default_graph, void::TRIPLES, count(None).into());
    for (name, graph) in [
        ("data", &names.data_graph),
        ("ontology", &names.ontology_graph),
        ("alignments", &names.alignments_graph),
        ("catalog", &names.catalog_graph),
    ] {
        let named = base.iri(&format!("sparql#named-graph-{name}"));
        let description = base.iri(&format!("sparql#graph-{name}"));
        add(&dataset, sd("namedGraph").as_ref(), named.clone().into());
        add(&named, rdf::TYPE, sd("NamedGraph").into());
        add(&named, sd("name").as_ref(), graph.clone().into());
        add(&named, sd("graph").as_ref(), description.clone().into());
        add(&description, rdf::TYPE, sd("Graph").into());
        add(&description, void::TRIPLES, count(Some(graph)).into());
    }
    // Grouped by subject, so that Turtle writes each subject once.
    triples.sort_by_cached_key(|t| t.subject.to_string());
    triples
}

/// Answers the service description in `format`.
pub fn render(state: &AppState, format: RdfFormat) -> Response {
    let mut serializer = RdfSerializer::from_format(format);
    for (prefix, namespace) in [
        ("sd", SD),
        ("void", void::NAMESPACE),
        ("dct", dct::NAMESPACE),
        ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ] {
        serializer = serializer
            .with_prefix(prefix, namespace)
            .expect("valid prefixes");
    }
    let mut writer = serializer.for_writer(Vec::new());
    for triple in state.service_description.iter() {
        if let Err(e) = writer.serialize_triple(triple) {
            return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response();
        }
    }
    match writer.finish() {
        Ok(body) => {
            let mut response = super::negotiate::rdf_document(body, format);
            response
                .headers_mut()
                .insert(header::VARY, HeaderValue::from_static("Accept"));
            response
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}
