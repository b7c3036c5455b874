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
use super::memento;
use super::negotiate::{self, PageOrGraph};
use super::pages::{self, Alternate};
use crate::describe::describe;
use crate::publish::{CatalogProfile, serialize_sorted};
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

/// The fallback route: any path is looked up as an IRI of the data set
/// (on a blocking thread: see [`pages::off_the_workers`]).
pub async fn dereference(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    pages::off_the_workers(move || dereferenced(state, uri, headers)).await
}

/// The answer for a path of the data set.
fn dereferenced(state: AppState, uri: Uri, headers: HeaderMap) -> Response {
    let path = uri.path();
    // Every resource with versions in the change feed is its own TimeGate
    // (Memento), removed ones included.
    if let Some(asked) = headers.get(ACCEPT_DATETIME) {
        let resource = state.names.base.iri(path.trim_start_matches('/'));
        if let Some(response) = memento::time_gate(&state, resource.as_str(), asked, &headers) {
            return response;
        }
    }
    let lookup = |path: &str| document(&state, path);
    let (document, fixed) = match lookup(path) {
        Some(document) => (document, None),
        None => match path.rsplit_once('.').and_then(|(stem, extension)| {
            Some((lookup(stem)?, Some(format_of_extension(extension)?)))
        }) {
            Some(found) => found,
            None => return not_found(&state, path, &headers),
        },
    };
    if document.path == CATALOG_PATH {
        return answer_catalog(&state, document, &headers, uri.query(), fixed);
    }
    answer(&state, document, &headers, fixed)
}

/// Answers the catalog: RDF unless the client prefers HTML (harvesters
/// send `*/*` or nothing), in the profile asked for (see
/// [`CatalogProfile`]): `?_profile=TOKEN`, an `Accept-Profile` naming its
/// IRI, or udata's own `User-Agent` (`uData/…`), which data.gouv.fr's
/// harvester sends and which cannot ask otherwise.
fn answer_catalog(
    state: &AppState,
    mut document: Document,
    headers: &HeaderMap,
    query: Option<&str>,
    fixed: Option<PageOrGraph>,
) -> Response {
    let base = &state.names.base;
    let profile = match catalog_profile(headers, query) {
        Ok(profile) => profile,
        Err(e) => return e.into_response(),
    };
    document.triples = profile.apply(std::mem::take(&mut document.triples));
    let format = match fixed {
        Some(format) => format,
        None => match negotiate::graph_or_page(headers, &Default::default()) {
            Ok(format) => format,
            Err(e) => return e.into_response(),
        },
    };
    let mut response = respond(state, document, format, fixed.is_none());
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&format!("<{}>", profile.iri(base))) {
        headers.insert(CONTENT_PROFILE, value);
    }
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Accept, Accept-Profile, User-Agent"),
    );
    response
}

/// The profile of the catalog a request asks for (see [`answer_catalog`]).
fn catalog_profile(headers: &HeaderMap, query: Option<&str>) -> Result<CatalogProfile, ApiError> {
    let asked: Option<String> =
        serde_urlencoded::from_str::<Vec<(String, String)>>(query.unwrap_or(""))
            .unwrap_or_default()
            .into_iter()
            .find_map(|(name, value)| (name == "_profile").then_some(value));
    if let Some(token) = asked {
        return CatalogProfile::ALL
            .into_iter()
            .find(|p| p.token() == token)
            .ok_or_else(|| {
                let tokens: Vec<&str> = CatalogProfile::ALL.iter().map(|p| p.token()).collect();
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    format!(
                        "unknown profile \"{token}\": write ?_profile= with one of {}",
                        tokens.join(", ")
                    ),
                )
            });
    }
    Ok(profile_from_headers(headers).unwrap_or(CatalogProfile::DcatAp3))
}

/// The profile of the catalog the headers of a request ask for, if any: an
/// `Accept-Profile` naming the udata profile, or udata's `User-Agent`. The
/// answer cache keys on it too.
pub fn profile_from_headers(headers: &HeaderMap) -> Option<CatalogProfile> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    };
    (header(ACCEPT_PROFILE).contains(CatalogProfile::UDATA_PATH)
        || header(header::USER_AGENT.as_str()).starts_with("uData/"))
    .then_some(CatalogProfile::Udata)
}

/// The request header naming the profiles a client accepts.
const ACCEPT_PROFILE: &str = "accept-profile";
/// The response header naming the profile of the answer.
const CONTENT_PROFILE: &str = "content-profile";

/// The document at `path`: the catalog and the VoID description are whole
/// documents; any other path describes the IRI it maps to.
fn document(state: &AppState, path: &str) -> Option<Document> {
    let base = &state.names.base;
    let iri = base.iri(path.trim_start_matches('/'));
    let triples = match path {
        CATALOG_PATH => state.publication.catalog.clone(),
        VOID_PATH => state.publication.void.clone(),
        _ => describe(&state.names, &state.query_index, &iri)?,
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
    let resource = document.iri.as_str().to_owned();
    let mut response = respond(state, document, format, fixed.is_none());
    // Its own TimeGate, with a TimeMap (Memento), if it has versions.
    if fixed.is_none()
        && let Some(links) = memento::original_links(state, &resource, headers)
    {
        let response_headers = response.headers_mut();
        let links = match response_headers
            .get(header::LINK)
            .and_then(|l| l.to_str().ok())
        {
            Some(existing) => format!("{existing}, {links}"),
            None => links,
        };
        if let Ok(value) = HeaderValue::from_str(&links) {
            response_headers.insert(header::LINK, value);
        }
        response_headers.insert(
            header::VARY,
            HeaderValue::from_static("Accept, Accept-Datetime"),
        );
    }
    response
}

/// The Memento request header (RFC 7089).
const ACCEPT_DATETIME: &str = "accept-datetime";

/// Answers `document` in `format`; `negotiated` if `format` was chosen
/// from the request (the answer then varies on `Accept`).
fn respond(
    state: &AppState,
    document: Document,
    format: PageOrGraph,
    negotiated: bool,
) -> Response {
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
    if negotiated {
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
    if document.iri == state.names.base.rebase_node(ti::ONTOLOGY.into_owned()) {
        return pages::ontology(state);
    }
    pages::resource(state, &document.iri, &document.triples, alternates)
}

fn graph_document(
    state: &AppState,
    document: &Document,
    format: RdfFormat,
) -> Result<Response, ApiError> {
    let body = serialize_sorted(&state.names.base, format, &document.triples).map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot write the document: {e}"),
        )
    })?;
    Ok(negotiate::rdf_document(body, format))
}

/// A 404 that helps: the HTML page for browsers, plain text otherwise.
pub fn not_found(state: &AppState, path: &str, headers: &HeaderMap) -> Response {
    let iri = state.names.base.iri(path.trim_start_matches('/'));
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

/// `/`: the home page for browsers (with the facets its query string
/// chooses), the catalog for RDF clients.
pub async fn home(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Response {
    pages::off_the_workers(move || home_answer(state, headers, query)).await
}

/// The home page, or the catalog for Linked Data clients.
fn home_answer(state: AppState, headers: HeaderMap, query: Option<String>) -> Response {
    match negotiate::page_or_graph(&headers, &Default::default()) {
        Ok(negotiate::PageOrGraph::Html) => {
            // The facets chosen; a malformed query string chooses none.
            let parameters =
                serde_urlencoded::from_str(query.as_deref().unwrap_or("")).unwrap_or_default();
            pages::home(&state, &parameters)
        }
        Ok(negotiate::PageOrGraph::Graph(_)) => {
            answer(&state, catalog_document(&state), &headers, None)
        }
        Err(e) => e.into_response(),
    }
}
