//! Dereferenceable IRIs: every IRI of the data set's namespace answers on
//! this server, mapped from the base IRI to the server's own paths.
//!
//! `GET /award/2023/rudi` answers `200` with the negotiated representation
//! (HTML for browsers, Turtle by default, N-Triples, JSON-LD, RDF/XML) and a
//! `Content-Location` naming the format-specific document
//! (`/award/2023/rudi.ttl`), which can also be asked for directly. Every
//! answer lists the alternates in a `Link` header and varies on `Accept`.

use super::AppState;
use super::error::ApiError;
use super::negotiate::{self, PageOrGraph};
use super::pages::{self, Alternate};
use crate::describe::describe;
use crate::publish::serialize_sorted;
use crate::rdf::vocab::ti;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use oxigraph::io::RdfFormat;
use oxigraph::model::{NamedNode, Triple};

/// The document formats a resource has, by file extension.
const EXTENSIONS: [(&str, &str, &str); 5] = [
    ("html", "HTML", "text/html"),
    ("ttl", "Turtle", "text/turtle"),
    ("nt", "N-Triples", "application/n-triples"),
    ("jsonld", "JSON-LD", "application/ld+json"),
    ("rdf", "RDF/XML", "application/rdf+xml"),
];

fn media_type_of(format: PageOrGraph) -> &'static str {
    match format {
        PageOrGraph::Html => "text/html",
        PageOrGraph::Graph(format) => format.media_type(),
    }
}

/// The format of a document URL's extension, from [`EXTENSIONS`].
fn format_of_extension(extension: &str) -> Option<PageOrGraph> {
    let (_, _, media_type) = EXTENSIONS.iter().find(|(e, _, _)| *e == extension)?;
    match *media_type {
        "text/html" => Some(PageOrGraph::Html),
        other => RdfFormat::from_media_type(other).map(PageOrGraph::Graph),
    }
}

/// The extension of the document URL of `format`, if it has one.
fn extension_of(format: PageOrGraph) -> Option<&'static str> {
    let media_type = media_type_of(format);
    EXTENSIONS
        .iter()
        .find(|(_, _, m)| *m == media_type)
        .map(|(extension, _, _)| *extension)
}

/// A document to answer: the IRI it is about and its triples.
pub struct Document {
    /// The resource described.
    pub iri: NamedNode,
    /// The path of the resource on this server, without extension.
    pub path: String,
    /// The description.
    pub triples: Vec<Triple>,
}

/// The fallback route: any path is looked up as an IRI of the data set.
pub async fn dereference(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path();
    let lookup = |path: &str| document(&state, path);
    if let Some(document) = lookup(path) {
        return answer(&state, document, &headers, None);
    }
    if let Some((stem, extension)) = path.rsplit_once('.')
        && let (Some(format), Some(document)) = (format_of_extension(extension), lookup(stem))
    {
        return answer(&state, document, &headers, Some(format));
    }
    not_found(&state, path, &headers)
}

/// The document at `path`: the catalog and the VoID description are whole
/// documents; any other path describes the IRI it maps to.
fn document(state: &AppState, path: &str) -> Option<Document> {
    let base = &state.data_set.base;
    let iri = base.iri(path.trim_start_matches('/'));
    let triples = match path {
        CATALOG_PATH => state.publication.catalog.clone(),
        VOID_PATH => state.publication.void.clone(),
        _ => describe(&state.data_set, &state.query_index, &iri)?,
    };
    Some(Document {
        iri,
        path: path.to_owned(),
        triples,
    })
}

/// Where the DCAT-AP catalog is.
pub const CATALOG_PATH: &str = "/catalog";
/// Where the VoID description is.
pub const VOID_PATH: &str = "/.well-known/void";

/// The catalog document.
pub fn catalog_document(state: &AppState) -> Document {
    document(state, CATALOG_PATH).expect("the catalog is always published")
}

/// Answers `document` in the negotiated format, or in `fixed` for the
/// format-specific URLs.
pub fn answer(
    state: &AppState,
    document: Document,
    headers: &HeaderMap,
    fixed: Option<PageOrGraph>,
) -> Response {
    let format = match fixed {
        Some(format) => format,
        None => match negotiate::page_or_graph(headers, &Default::default()) {
            Ok(format) => format,
            Err(e) => return e.into_response(),
        },
    };
    let alternates: Vec<Alternate> = EXTENSIONS
        .iter()
        .map(|(extension, label, media_type)| Alternate {
            label,
            media_type,
            href: format!("{}.{extension}", document.path),
        })
        .collect();
    let mut response = match format {
        PageOrGraph::Html => render_page(state, &document, alternates_for_page(&alternates)),
        PageOrGraph::Graph(rdf_format) => match graph_document(state, &document, rdf_format) {
            Ok(response) => response,
            Err(e) => e.into_response(),
        },
    };
    let headers = response.headers_mut();
    let links: Vec<String> = alternates
        .iter()
        .map(|a| format!("<{}>; rel=\"alternate\"; type=\"{}\"", a.href, a.media_type))
        .chain(std::iter::once(format!(
            "<{}>; rel=\"canonical\"",
            document.iri.as_str()
        )))
        .collect();
    if let Ok(value) = HeaderValue::from_str(&links.join(", ")) {
        headers.insert(header::LINK, value);
    }
    if fixed.is_none() {
        headers.insert(header::VARY, HeaderValue::from_static("Accept"));
        let location = extension_of(format).and_then(|extension| {
            HeaderValue::from_str(&format!("{}.{extension}", document.path)).ok()
        });
        if let Some(location) = location {
            headers.insert(header::CONTENT_LOCATION, location);
        }
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    response
}

fn alternates_for_page(alternates: &[Alternate]) -> Vec<Alternate> {
    alternates
        .iter()
        .filter(|a| a.media_type != "text/html")
        .map(|a| Alternate {
            label: a.label,
            media_type: a.media_type,
            href: a.href.clone(),
        })
        .collect()
}

fn render_page(state: &AppState, document: &Document, alternates: Vec<Alternate>) -> Response {
    if document.iri == state.data_set.base.rebase_node(ti::ONTOLOGY.into_owned()) {
        return pages::ontology(state);
    }
    pages::resource(state, &document.iri, &document.triples, alternates)
}

fn graph_document(
    state: &AppState,
    document: &Document,
    format: RdfFormat,
) -> Result<Response, ApiError> {
    let body = serialize_sorted(&state.data_set.base, format, &document.triples).map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot write the document: {e}"),
        )
    })?;
    Ok(negotiate::rdf_document(body, format))
}

/// A 404 that helps: the HTML page for browsers, plain text otherwise.
pub fn not_found(state: &AppState, path: &str, headers: &HeaderMap) -> Response {
    let iri = state.data_set.base.iri(path.trim_start_matches('/'));
    unknown_address(Some(iri.as_str()), headers)
}

/// The `404` of an address that names nothing, `iri` if known: a page for
/// browsers, a short text otherwise. The static export keeps the one
/// without IRI as its error pages.
pub fn unknown_address(iri: Option<&str>, headers: &HeaderMap) -> Response {
    match negotiate::page_or_graph(headers, &Default::default()) {
        Ok(PageOrGraph::Html) => pages::not_found(iri),
        _ => ApiError::new(
            StatusCode::NOT_FOUND,
            format!(
                "{}: resources are at /edition/YEAR, /award/YEAR/ID, /organisation/ID…; \
                 the SPARQL endpoint is /sparql, the catalog /catalog, the home page /",
                match iri {
                    Some(iri) => format!("the data set says nothing about <{iri}>"),
                    None => "this address names nothing of the data set".to_owned(),
                }
            ),
        )
        .into_response(),
    }
}
