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

/// ASK answers: the SPARQL results formats that define a boolean (CSV and
/// TSV do not).
static BOOLEANS: LazyLock<Vec<Offer<QueryResultsFormat>>> = LazyLock::new(|| {
    offers(&[
        ("application/sparql-results+json", QueryResultsFormat::Json),
        ("application/sparql-results+xml", QueryResultsFormat::Xml),
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
        // Turtle is N3 too (rdflib and SPARQLWrapper ask for N3 this way).
        ("text/n3", RdfFormat::Turtle),
        ("text/rdf+n3", RdfFormat::Turtle),
        ("application/turtle", RdfFormat::Turtle),
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

/// Every media type some query answer is offered in.
static ANSWERS: LazyLock<Vec<MediaType<'static>>> = LazyLock::new(|| {
    RESULTS
        .iter()
        .map(|o| o.media_type.clone())
        .chain(GRAPHS.iter().map(|o| o.media_type.clone()))
        .collect()
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

/// What a document for harvesters answers: RDF unless HTML is what the
/// client prefers (a harvester sending `*/*`, or no `Accept`, gets Turtle).
static GRAPH_OR_PAGE: LazyLock<Vec<Offer<PageOrGraph>>> = LazyLock::new(|| {
    let mut list: Vec<_> = GRAPHS
        .iter()
        .map(|o| Offer {
            media_type: o.media_type.clone(),
            value: PageOrGraph::Graph(o.value),
        })
        .collect();
    list.extend(offers(&[
        ("text/html", PageOrGraph::Html),
        ("application/xhtml+xml", PageOrGraph::Html),
    ]));
    list
});

/// The formats a request names in its `format`, `output` or `results`
/// parameters, which override `Accept`. Servers spell the parameter
/// differently (Virtuoso `format`, Fuseki `output`, Rasqal `results`), and
/// clients send several: SPARQLWrapper repeats its one return format under
/// the three names, adding its media types as a second value (for instance
/// `rdf+xml` and `application/rdf+xml`, or `json-ld` and
/// `application/ld+json,application/x-json+ld`).
#[derive(Debug, Clone, Default)]
pub struct RequestedFormats(Vec<String>);

impl RequestedFormats {
    /// Adds the names of one parameter value: a comma-separated list of
    /// short names or media types; empty items are ignored.
    pub fn add(&mut self, value: &str) {
        self.0.extend(
            value
                .split(',')
                .map(str::trim)
                .filter(|name| !name.is_empty())
                .map(str::to_owned),
        );
    }

    /// A request that names `name`.
    pub fn named(name: &str) -> Self {
        let mut requested = Self::default();
        requested.add(name);
        requested
    }

    /// The one format of a kind of answer that the names give, if any:
    /// names that give two different formats of that kind conflict (`400`);
    /// names of formats of other kinds of answer only (`turtle` for a
    /// SELECT, which a client sends without knowing the query form) leave
    /// the choice to `Accept`; a name that no kind knows is a `406`.
    fn choose<T: Copy + PartialEq>(
        &self,
        of_kind: impl Fn(&str) -> Option<T>,
        expected: &str,
    ) -> Result<Option<T>, ApiError> {
        let mut chosen: Option<(T, &str)> = None;
        for name in &self.0 {
            let Some(format) = of_kind(name) else {
                continue;
            };
            match chosen {
                Some((previous, previous_name)) if previous != format => {
                    return Err(ApiError::bad_request(format!(
                        "conflicting formats \"{previous_name}\" and \"{name}\" in the format/output parameters"
                    )));
                }
                Some(_) => {}
                None => chosen = Some((format, name)),
            }
        }
        if let Some((format, _)) = chosen {
            return Ok(Some(format));
        }
        match self.0.iter().find(|name| !is_known(name)) {
            Some(unknown) => Err(unknown_format(unknown, expected)),
            None => Ok(None),
        }
    }
}

/// Whether some kind of answer has a format of this name.
fn is_known(name: &str) -> bool {
    results_format_named(name).is_some() || rdf_format_named(name).is_some() || is_html(name)
}

fn is_html(name: &str) -> bool {
    name.eq_ignore_ascii_case("html") || name.eq_ignore_ascii_case("text/html")
}

/// The format of SELECT results.
pub fn results_format(
    headers: &HeaderMap,
    requested: &RequestedFormats,
) -> Result<QueryResultsFormat, ApiError> {
    let expected = "json, xml, csv, tsv";
    requested_or_negotiated(
        headers,
        requested,
        results_format_named,
        expected,
        &RESULTS,
        true,
    )
}

/// The format of ASK results.
pub fn boolean_format(
    headers: &HeaderMap,
    requested: &RequestedFormats,
) -> Result<QueryResultsFormat, ApiError> {
    let named = |name: &str| {
        results_format_named(name)
            .filter(|f| matches!(f, QueryResultsFormat::Json | QueryResultsFormat::Xml))
    };
    requested_or_negotiated(headers, requested, named, "json, xml", &BOOLEANS, true)
}

/// The format of CONSTRUCT and DESCRIBE results and other RDF documents.
pub fn graph_format(
    headers: &HeaderMap,
    requested: &RequestedFormats,
) -> Result<RdfFormat, ApiError> {
    let expected = "turtle, ntriples, rdfxml, jsonld, nquads, trig";
    requested_or_negotiated(
        headers,
        requested,
        rdf_format_named,
        expected,
        &GRAPHS,
        true,
    )
}

/// An HTML page or an RDF format, for resources that have both.
pub fn page_or_graph(
    headers: &HeaderMap,
    requested: &RequestedFormats,
) -> Result<PageOrGraph, ApiError> {
    page_or_graph_among(headers, requested, &PAGE_OR_GRAPH)
}

/// The format of a document meant for harvesters (the catalog): as
/// [`page_or_graph`], but RDF when `Accept` ranks HTML no higher than RDF.
pub fn graph_or_page(
    headers: &HeaderMap,
    requested: &RequestedFormats,
) -> Result<PageOrGraph, ApiError> {
    page_or_graph_among(headers, requested, &GRAPH_OR_PAGE)
}

/// The page or graph format `requested` names, else the one `Accept`
/// prefers among `offers` (the first on a tie).
fn page_or_graph_among(
    headers: &HeaderMap,
    requested: &RequestedFormats,
    offers: &[Offer<PageOrGraph>],
) -> Result<PageOrGraph, ApiError> {
    let named = |name: &str| {
        if is_html(name) {
            Some(PageOrGraph::Html)
        } else {
            rdf_format_named(name).map(PageOrGraph::Graph)
        }
    };
    let expected = "html, turtle, ntriples, rdfxml, jsonld, nquads, trig";
    requested_or_negotiated(headers, requested, named, expected, offers, false)
}

/// The format that `requested` names for this kind of answer (see
/// [`RequestedFormats`]), else the one `Accept` prefers among `offers`.
fn requested_or_negotiated<T: Copy + PartialEq>(
    headers: &HeaderMap,
    requested: &RequestedFormats,
    named: impl Fn(&str) -> Option<T>,
    expected: &str,
    offers: &[Offer<T>],
    for_queries: bool,
) -> Result<T, ApiError> {
    match requested.choose(named, expected)? {
        Some(format) => Ok(format),
        None => negotiate(headers, offers, for_queries),
    }
}

/// An RDF document `body` in `format`, with its `Content-Type`.
pub fn rdf_document(body: Vec<u8>, format: RdfFormat) -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut response = body.into_response();
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_str(&content_type(format.media_type()))
            .expect("a media type is a header value"),
    );
    response
}

/// The Content-Type of an answer in `media_type`: UTF-8 is stated for text types.
pub fn content_type(media_type: &str) -> String {
    if media_type.starts_with("text/") && !media_type.contains("charset") {
        format!("{media_type}; charset=utf-8")
    } else {
        media_type.to_owned()
    }
}

fn results_format_named(name: &str) -> Option<QueryResultsFormat> {
    let name = name.to_ascii_lowercase();
    QueryResultsFormat::from_extension(&name).or_else(|| QueryResultsFormat::from_media_type(&name))
}

fn rdf_format_named(name: &str) -> Option<RdfFormat> {
    let name = name.to_ascii_lowercase();
    let alias = match name.as_str() {
        "turtle" | "n3" | "text/n3" | "text/rdf+n3" | "application/turtle" => "ttl",
        "ntriples" | "n-triples" => "nt",
        "nquads" | "n-quads" => "nq",
        "rdfxml" | "rdf/xml" | "rdf+xml" | "xml" => "rdf",
        "json-ld" | "json" | "application/x-json+ld" => "jsonld",
        other => other,
    };
    RdfFormat::from_extension(alias).or_else(|| RdfFormat::from_media_type(&name))
}

fn unknown_format(name: &str, expected: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_ACCEPTABLE,
        format!("format \"{name}\" is not available for this answer: expected one of {expected}"),
    )
}

/// The offer the client prefers; no `Accept` header (or one that cannot be
/// parsed) accepts anything. With `for_queries`, an `Accept` that names
/// only formats of other kinds of query answers (results types for a
/// graph, Turtle or CSV for an ASK) gets the first offer: SPARQL clients
/// build `Accept` from the format they want, before they know the form of
/// the query.
fn negotiate<T: Copy>(
    headers: &HeaderMap,
    offers: &[Offer<T>],
    for_queries: bool,
) -> Result<T, ApiError> {
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
    if let Some(offer) =
        chosen.and_then(|media_type| offers.iter().find(|o| &o.media_type == media_type))
    {
        return Ok(offer.value);
    }
    if for_queries && accept.negotiate(ANSWERS.iter()).is_some() {
        return Ok(offers[0].value);
    }
    let available: Vec<_> = offers.iter().map(|o| o.media_type.to_string()).collect();
    Err(ApiError::new(
        StatusCode::NOT_ACCEPTABLE,
        format!(
            "none of the accepted media types is available: expected one of {}",
            available.join(", ")
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn none() -> RequestedFormats {
        RequestedFormats::default()
    }

    fn named(name: &str) -> RequestedFormats {
        RequestedFormats::named(name)
    }

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn harvesters_get_rdf_and_browsers_the_page() {
        let turtle = PageOrGraph::Graph(RdfFormat::Turtle);
        assert_eq!(graph_or_page(&HeaderMap::new(), &none()).unwrap(), turtle);
        assert_eq!(graph_or_page(&accept("*/*"), &none()).unwrap(), turtle);
        assert_eq!(
            graph_or_page(
                &accept("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
                &none()
            )
            .unwrap(),
            PageOrGraph::Html
        );
        assert_eq!(
            graph_or_page(&accept("application/rdf+xml"), &none()).unwrap(),
            PageOrGraph::Graph(RdfFormat::RdfXml)
        );
        assert_eq!(
            graph_or_page(&accept("*/*"), &named("html")).unwrap(),
            PageOrGraph::Html
        );
        // Resource pages keep HTML first for a client that takes anything.
        assert_eq!(
            page_or_graph(&accept("*/*"), &none()).unwrap(),
            PageOrGraph::Html
        );
    }

    #[test]
    fn results_follow_q_values_and_wildcards() {
        assert_eq!(
            results_format(&HeaderMap::new(), &none()).unwrap(),
            QueryResultsFormat::Json
        );
        assert_eq!(
            results_format(&accept("*/*"), &none()).unwrap(),
            QueryResultsFormat::Json
        );
        assert_eq!(
            results_format(
                &accept("application/sparql-results+json;q=0.5, application/sparql-results+xml"),
                &none()
            )
            .unwrap(),
            QueryResultsFormat::Xml
        );
        assert_eq!(
            results_format(&accept("text/*"), &none()).unwrap(),
            QueryResultsFormat::Csv
        );
        assert_eq!(
            results_format(&accept("text/csv;q=0, text/*;q=0.5"), &none()).unwrap(),
            QueryResultsFormat::Tsv
        );
        assert_eq!(
            results_format(&accept("image/png"), &none())
                .unwrap_err()
                .status,
            StatusCode::NOT_ACCEPTABLE
        );
    }

    #[test]
    fn graphs_follow_q_values_and_wildcards() {
        assert_eq!(
            graph_format(&accept("*/*"), &none()).unwrap(),
            RdfFormat::Turtle
        );
        assert_eq!(
            graph_format(&accept("application/rdf+xml, text/turtle;q=0.9"), &none()).unwrap(),
            RdfFormat::RdfXml
        );
        assert_eq!(
            graph_format(&accept("application/n-quads"), &none()).unwrap(),
            RdfFormat::NQuads
        );
        assert!(matches!(
            graph_format(&accept("application/ld+json"), &none()).unwrap(),
            RdfFormat::JsonLd { .. }
        ));
        assert_eq!(
            graph_format(&accept("image/png"), &none())
                .unwrap_err()
                .status,
            StatusCode::NOT_ACCEPTABLE
        );
    }

    #[test]
    fn the_format_parameter_overrides_accept() {
        let html = accept("text/html");
        assert_eq!(
            results_format(&html, &named("csv")).unwrap(),
            QueryResultsFormat::Csv
        );
        assert_eq!(
            results_format(&html, &named("application/sparql-results+xml")).unwrap(),
            QueryResultsFormat::Xml
        );
        assert_eq!(
            graph_format(&html, &named("ntriples")).unwrap(),
            RdfFormat::NTriples
        );
        assert_eq!(
            graph_format(&html, &named("xml")).unwrap(),
            RdfFormat::RdfXml
        );
        assert!(matches!(
            graph_format(&html, &named("json")).unwrap(),
            RdfFormat::JsonLd { .. }
        ));
        assert_eq!(
            results_format(&html, &named("yaml")).unwrap_err().status,
            StatusCode::NOT_ACCEPTABLE
        );
    }

    #[test]
    fn browsers_get_html_and_tools_get_rdf() {
        let browser = accept("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        assert_eq!(page_or_graph(&browser, &none()).unwrap(), PageOrGraph::Html);
        assert_eq!(
            page_or_graph(&accept("text/turtle"), &none()).unwrap(),
            PageOrGraph::Graph(RdfFormat::Turtle)
        );
    }

    #[test]
    fn an_accept_for_the_other_kind_of_answer_gets_the_default() {
        assert_eq!(
            graph_format(&accept("application/sparql-results+json"), &none()).unwrap(),
            RdfFormat::Turtle
        );
        assert_eq!(
            results_format(&accept("text/turtle, application/rdf+xml"), &none()).unwrap(),
            QueryResultsFormat::Json
        );
    }

    /// What SPARQLWrapper 2.0 sends for each of its return formats: the
    /// format under `format`, `output` and `results`, and for some of them
    /// its media types as a second value (empty when it accepts anything).
    #[test]
    fn the_spellings_of_sparqlwrapper_agree() {
        let sent = |values: &[&str]| {
            let mut requested = RequestedFormats::default();
            for _ in ["format", "output", "results"] {
                for value in values {
                    requested.add(value);
                }
            }
            requested
        };
        let html = accept("*/*");
        assert_eq!(
            graph_format(&html, &sent(&["rdf+xml", "application/rdf+xml"])).unwrap(),
            RdfFormat::RdfXml
        );
        assert!(matches!(
            graph_format(
                &html,
                &sent(&["json-ld", "application/ld+json,application/x-json+ld"])
            )
            .unwrap(),
            RdfFormat::JsonLd { .. }
        ));
        assert_eq!(
            results_format(&html, &sent(&["tsv", "text/tab-separated-values"])).unwrap(),
            QueryResultsFormat::Tsv
        );
        assert_eq!(
            graph_format(&html, &sent(&["n3"])).unwrap(),
            RdfFormat::Turtle
        );
        assert_eq!(
            graph_format(&html, &sent(&["rdf"])).unwrap(),
            RdfFormat::RdfXml
        );
        // A graph format asked for a SELECT, with an empty second value: Accept decides.
        assert_eq!(
            results_format(&accept("*/*"), &sent(&["rdf+xml", ""])).unwrap(),
            QueryResultsFormat::Json
        );
        assert_eq!(
            results_format(&accept("*/*"), &sent(&["turtle"])).unwrap(),
            QueryResultsFormat::Json
        );
        // Two formats of one kind that differ still conflict.
        let mut conflicting = RequestedFormats::default();
        conflicting.add("json");
        conflicting.add("xml");
        assert_eq!(
            results_format(&html, &conflicting).unwrap_err().status,
            StatusCode::BAD_REQUEST
        );
    }
}
