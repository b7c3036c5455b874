//! Content negotiation: the `Accept` header (q-values, wildcards, parsed by
//! `headers-accept`) or the `format`/`output` parameter that browser links
//! and older clients use, against the formats each kind of answer has.

use super::error::ApiError;
use axum::http::{HeaderMap, StatusCode, header};
use headers_accept::Accept;
use mediatype::MediaType;
use oxigraph::io::RdfFormat;
use oxigraph::sparql::results::QueryResultsFormat;
use std::str::FromStr;
use std::sync::LazyLock;

/// A media type offered by the server and what it stands for, in the
/// server's order of preference (the first one answers `*/*`).
struct Offer<T> {
    media_type: MediaType<'static>,
    value: T,
}

fn offers<T: Copy>(list: &[(&'static str, T)]) -> Vec<Offer<T>> {
    list.iter()
        .map(|(media_type, value)| Offer {
            media_type: MediaType::parse(media_type).expect("valid media type"),
            value: *value,
        })
        .collect()
}

static RESULTS: LazyLock<Vec<Offer<QueryResultsFormat>>> = LazyLock::new(|| {
    offers(&[
        ("application/sparql-results+json", QueryResultsFormat::Json),
        ("application/sparql-results+xml", QueryResultsFormat::Xml),
        ("text/csv", QueryResultsFormat::Csv),
        ("text/tab-separated-values", QueryResultsFormat::Tsv),
        ("application/json", QueryResultsFormat::Json),
        ("application/xml", QueryResultsFormat::Xml),
        ("text/xml", QueryResultsFormat::Xml),
    ])
});

static GRAPHS: LazyLock<Vec<Offer<RdfFormat>>> = LazyLock::new(|| {
    offers(&[
        ("text/turtle", RdfFormat::Turtle),
        ("application/n-triples", RdfFormat::NTriples),
        ("application/rdf+xml", RdfFormat::RdfXml),
        (
            "application/ld+json",
            RdfFormat::JsonLd {
                profile: Default::default(),
            },
        ),
        ("application/n-quads", RdfFormat::NQuads),
        ("application/trig", RdfFormat::TriG),
        ("text/plain", RdfFormat::NTriples),
        ("application/xml", RdfFormat::RdfXml),
        (
            "application/json",
            RdfFormat::JsonLd {
                profile: Default::default(),
            },
        ),
    ])
});

/// What a page-or-data resource answers: an HTML page or RDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageOrGraph {
    /// An HTML page.
    Html,
    /// RDF in this format.
    Graph(RdfFormat),
}

static PAGE_OR_GRAPH: LazyLock<Vec<Offer<PageOrGraph>>> = LazyLock::new(|| {
    let mut list = offers(&[
        ("text/html", PageOrGraph::Html),
        ("application/xhtml+xml", PageOrGraph::Html),
    ]);
    list.extend(GRAPHS.iter().map(|o| Offer {
        media_type: o.media_type.clone(),
        value: PageOrGraph::Graph(o.value),
    }));
    list
});

/// The format of SELECT and ASK results.
pub fn results_format(
    headers: &HeaderMap,
    format: Option<&str>,
) -> Result<QueryResultsFormat, ApiError> {
    if let Some(name) = format {
        return QueryResultsFormat::from_extension(name)
            .or_else(|| QueryResultsFormat::from_media_type(name))
            .ok_or_else(|| unknown_format(name, "json, xml, csv, tsv"));
    }
    negotiate(headers, &RESULTS)
}

/// The format of CONSTRUCT and DESCRIBE results and other RDF documents.
pub fn graph_format(headers: &HeaderMap, format: Option<&str>) -> Result<RdfFormat, ApiError> {
    if let Some(name) = format {
        return rdf_format_named(name)
            .ok_or_else(|| unknown_format(name, "turtle, ntriples, rdfxml, jsonld, nquads, trig"));
    }
    negotiate(headers, &GRAPHS)
}

/// An HTML page or an RDF format, for resources that have both.
pub fn page_or_graph(headers: &HeaderMap, format: Option<&str>) -> Result<PageOrGraph, ApiError> {
    match format {
        Some("html") => Ok(PageOrGraph::Html),
        Some(_) => graph_format(headers, format).map(PageOrGraph::Graph),
        None => negotiate(headers, &PAGE_OR_GRAPH),
    }
}

/// The Content-Type of an answer in `media_type`: UTF-8 is stated for text types.
pub fn content_type(media_type: &str) -> String {
    if media_type.starts_with("text/") && !media_type.contains("charset") {
        format!("{media_type}; charset=utf-8")
    } else {
        media_type.to_owned()
    }
}

fn rdf_format_named(name: &str) -> Option<RdfFormat> {
    let alias = match name.to_ascii_lowercase().as_str() {
        "turtle" => "ttl",
        "ntriples" | "n-triples" => "nt",
        "nquads" | "n-quads" => "nq",
        "rdfxml" | "rdf/xml" | "xml" => "rdf",
        "json-ld" | "json" => "jsonld",
        _ => name,
    }
    .to_owned();
    RdfFormat::from_extension(&alias).or_else(|| RdfFormat::from_media_type(name))
}

fn unknown_format(name: &str, expected: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_ACCEPTABLE,
        format!("format \"{name}\" is not available for this answer: expected one of {expected}"),
    )
}

/// The offer the client prefers; no `Accept` header (or one that cannot be
/// parsed) accepts anything.
fn negotiate<T: Copy>(headers: &HeaderMap, offers: &[Offer<T>]) -> Result<T, ApiError> {
    let accept = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    let Ok(accept) = Accept::from_str(&accept) else {
        return Ok(offers[0].value);
    };
    if accept.media_types().next().is_none() {
        return Ok(offers[0].value);
    }
    let chosen = accept.negotiate(offers.iter().map(|o| &o.media_type));
    chosen
        .and_then(|media_type| offers.iter().find(|o| &o.media_type == media_type))
        .map(|o| o.value)
        .ok_or_else(|| {
            let available: Vec<_> = offers.iter().map(|o| o.media_type.to_string()).collect();
            ApiError::new(
                StatusCode::NOT_ACCEPTABLE,
                format!(
                    "none of the accepted media types is available: expected one of {}",
                    available.join(", ")
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn results_follow_q_values_and_wildcards() {
        let none = HeaderMap::new();
        assert_eq!(
            results_format(&none, None).unwrap(),
            QueryResultsFormat::Json
        );
        assert_eq!(
            results_format(&accept("*/*"), None).unwrap(),
            QueryResultsFormat::Json
        );
        assert_eq!(
            results_format(
                &accept("application/sparql-results+json;q=0.5, application/sparql-results+xml"),
                None
            )
            .unwrap(),
            QueryResultsFormat::Xml
        );
        assert_eq!(
            results_format(&accept("text/*"), None).unwrap(),
            QueryResultsFormat::Csv
        );
        assert_eq!(
            results_format(&accept("text/csv;q=0, text/*;q=0.5"), None).unwrap(),
            QueryResultsFormat::Tsv
        );
        assert_eq!(
            results_format(&accept("image/png"), None)
                .unwrap_err()
                .status,
            StatusCode::NOT_ACCEPTABLE
        );
    }

    #[test]
    fn graphs_follow_q_values_and_wildcards() {
        assert_eq!(
            graph_format(&accept("*/*"), None).unwrap(),
            RdfFormat::Turtle
        );
        assert_eq!(
            graph_format(&accept("application/rdf+xml, text/turtle;q=0.9"), None).unwrap(),
            RdfFormat::RdfXml
        );
        assert_eq!(
            graph_format(&accept("application/n-quads"), None).unwrap(),
            RdfFormat::NQuads
        );
        assert!(matches!(
            graph_format(&accept("application/ld+json"), None).unwrap(),
            RdfFormat::JsonLd { .. }
        ));
        assert_eq!(
            graph_format(&accept("application/sparql-results+json"), None)
                .unwrap_err()
                .status,
            StatusCode::NOT_ACCEPTABLE
        );
    }

    #[test]
    fn the_format_parameter_overrides_accept() {
        let html = accept("text/html");
        assert_eq!(
            results_format(&html, Some("csv")).unwrap(),
            QueryResultsFormat::Csv
        );
        assert_eq!(
            results_format(&html, Some("application/sparql-results+xml")).unwrap(),
            QueryResultsFormat::Xml
        );
        assert_eq!(
            graph_format(&html, Some("ntriples")).unwrap(),
            RdfFormat::NTriples
        );
        assert_eq!(graph_format(&html, Some("xml")).unwrap(), RdfFormat::RdfXml);
        assert!(matches!(
            graph_format(&html, Some("json")).unwrap(),
            RdfFormat::JsonLd { .. }
        ));
        assert_eq!(
            results_format(&html, Some("yaml")).unwrap_err().status,
            StatusCode::NOT_ACCEPTABLE
        );
    }

    #[test]
    fn browsers_get_html_and_tools_get_rdf() {
        let browser = accept("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        assert_eq!(page_or_graph(&browser, None).unwrap(), PageOrGraph::Html);
        assert_eq!(
            page_or_graph(&accept("text/turtle"), None).unwrap(),
            PageOrGraph::Graph(RdfFormat::Turtle)
        );
    }
}
