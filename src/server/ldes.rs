//! `/ldes`: the change feed ([`crate::change_feed`]) over HTTP — the event
//! stream, its root node and its pages, `GET` and `HEAD`, in every RDF
//! syntax of the Linked Data routes and in HTML.
//!
//! A release's pages never change: `Cache-Control: immutable` for a year,
//! with a strong `ETag`. The stream and its root node change with each
//! release: a minute. Pages are written a few at once; a client that finds
//! them all busy gets a `429` with `Retry-After`, which LDES clients retry.

use super::error::ApiError;
use super::negotiate::{self, PageOrGraph};
use super::pages::{PageLink, TermView, render_text};
use super::{AppState, origin};
use crate::change_feed::LogError;
use crate::change_feed::stream::{self, PAGE_SIZE, Stream};
use crate::publish::{serialize_sorted, sha256_hex};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::headers::{ETag, HeaderMapExt, IfNoneMatch};
use oxigraph::model::{Term, Triple};
use serde::Serialize;
use std::time::Duration;

/// How long a client waits for a turn before a `429`.
const WAIT_FOR_A_TURN: Duration = Duration::from_secs(1);

/// What a request asks for.
enum Node {
    /// The stream's description.
    Stream,
    /// The root node.
    View,
    /// Page `number` of release `key`.
    Page { key: String, number: usize },
    /// The version of release `key` whose IRI ends with `path`.
    Version { key: String, path: String },
}

/// `/ldes`: the event stream.
pub async fn stream(State(state): State<AppState>, headers: HeaderMap) -> Response {
    answer(state, &headers, Node::Stream).await
}

/// `/ldes/view`, `/ldes/KEY/NUMBER` and `/ldes/version/KEY/PATH`: the
/// root node, the pages and the versions.
pub async fn node(
    State(state): State<AppState>,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Response {
    let node = match path.split('/').collect::<Vec<_>>()[..] {
        ["view"] => Node::View,
        ["version", key, ref rest @ ..] if !rest.is_empty() => Node::Version {
            key: key.to_owned(),
            path: rest.join("/"),
        },
        [key, number] => match number.parse::<usize>() {
            Ok(number) => Node::Page {
                key: key.to_owned(),
                number,
            },
            Err(_) => return not_found(&path),
        },
        _ => return not_found(&path),
    };
    answer(state, &headers, node).await
}

fn not_found(path: &str) -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!(
            "no page /ldes/{path} in the change feed: the stream is /ldes, its root node /ldes/view, \
             a release's pages /ldes/RELEASE/1, /ldes/RELEASE/2… as the root node links them, \
             and each version at its IRI, /ldes/version/RELEASE/…"
        ),
    )
    .into_response()
}

async fn answer(state: AppState, headers: &HeaderMap, node: Node) -> Response {
    match respond(state, headers, node).await {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

async fn respond(state: AppState, headers: &HeaderMap, node: Node) -> Result<Response, ApiError> {
    let format = negotiate::page_or_graph(headers, &Default::default())?;
    let _permit = tokio::time::timeout(WAIT_FOR_A_TURN, state.feed_slots.clone().acquire_owned())
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "the change feed is busy: try again in a second",
            )
        })?
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("{e}")))?;
    let origin = origin::origin(headers);
    let immutable = matches!(node, Node::Page { .. } | Node::Version { .. });
    // A version is a memento (RFC 7089) of its resource.
    let memento_headers = match &node {
        Node::Version { key, path } => {
            super::memento::memento_headers(&state, (key, path), headers)
        }
        _ => Vec::new(),
    };
    let body = {
        let state = state.clone();
        tokio::task::spawn_blocking(move || write(&state, &origin, &node, format))
            .await
            .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("{e}")))??
    };
    let etag: ETag = format!("\"{}\"", &sha256_hex(&body)[..32])
        .parse()
        .expect("hex digits between quotes are an entity tag");
    let not_modified = headers
        .typed_get::<IfNoneMatch>()
        .is_some_and(|tags| !tags.precondition_passes(&etag));
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        match format {
            PageOrGraph::Html => {
                let mut response = body.into_response();
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                );
                response
            }
            PageOrGraph::Graph(format) => negotiate::rdf_document(body, format),
        }
    };
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("Accept"));
    headers.typed_insert(etag);
    headers.extend(memento_headers);
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if immutable {
            "public, max-age=31536000, immutable"
        } else {
            "public, max-age=60"
        }),
    );
    Ok(response)
}

fn cannot_read(e: LogError) -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("cannot read the change feed: {e}"),
    )
}

/// The body of version `BASE ldes/version/KEY/PATH` in `format`.
fn version(
    state: &AppState,
    stream: &Stream<'_>,
    key: &str,
    path: &str,
    format: PageOrGraph,
) -> Result<Vec<u8>, ApiError> {
    let found = stream
        .version(key, path)
        .map_err(cannot_read)?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                format!(
                    "the change feed has no version /ldes/version/{key}/{path}: the root node /ldes/view lists the releases, their pages the versions"
                ),
            )
        })?;
    let (release, position, triples) = (found.release, found.position, found.triples);
    write_graph_or_page(
        state,
        format,
        || Ok(triples.clone()),
        || {
            let version = &release.versions[position];
            let rows: Vec<PropertyRow> = version
                .description(&triples)
                .map(|t| PropertyRow {
                    predicate: TermView::iri(state, t.predicate),
                    object: TermView::of(state, &t.object.into_owned()),
                })
                .collect();
            let number = position / PAGE_SIZE + 1;
            let context = minijinja::context! {
                version => minijinja::context! {
                    iri => version.iri.as_str(),
                    resource => TermView::of(state, &Term::from(version.resource.clone())),
                    deleted => version.deleted,
                    time => release.time.value(),
                    shown => super::pages::reading::date_in_french(release.time.value()),
                    release => release.release,
                    page => stream::page_url("", &release.key, number),
                    properties => rows,
                },
                json_ld => (),
            };
            render_text("change_feed.html", context).map(String::into_bytes)
        },
    )
}

/// The body of `node` in `format`.
fn write(
    state: &AppState,
    origin: &str,
    node: &Node,
    format: PageOrGraph,
) -> Result<Vec<u8>, ApiError> {
    let stream = Stream {
        releases: state.feed(),
        base: &state.names.base,
        origin,
    };
    let page = || html(state, origin, node);
    match node {
        Node::Version { key, path } => version(state, &stream, key, path, format),
        Node::Stream => write_graph_or_page(state, format, || Ok(stream.description()), page),
        Node::View => write_graph_or_page(state, format, || Ok(stream.view()), page),
        Node::Page { key, number } => write_graph_or_page(
            state,
            format,
            || {
                stream
                    .page(key, *number)
                    .map_err(cannot_read)?
                    .ok_or_else(|| no_page(key, *number))
            },
            page,
        ),
    }
}

/// The 404 of a page the change feed does not have.
fn no_page(key: &str, number: usize) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!(
            "the change feed has no page {number} of a release {key}: the root node /ldes/view lists the releases"
        ),
    )
}

/// The `triples` in an RDF `format`, or the HTML page `page` writes: only
/// the one asked is made (a release page's versions are read from disk).
fn write_graph_or_page(
    state: &AppState,
    format: PageOrGraph,
    triples: impl FnOnce() -> Result<Vec<Triple>, ApiError>,
    page: impl FnOnce() -> Result<Vec<u8>, ApiError>,
) -> Result<Vec<u8>, ApiError> {
    match format {
        PageOrGraph::Html => page(),
        PageOrGraph::Graph(format) => serialize_sorted(&state.names.base, format, &triples()?)
            .map_err(|e| {
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("cannot write the change feed: {e}"),
                )
            }),
    }
}

#[derive(Serialize)]
struct ReleaseRow {
    time: String,
    shown: String,
    release: String,
    versions: usize,
    href: String,
}

#[derive(Serialize)]
struct VersionRow {
    resource: TermView,
    href: String,
    deleted: bool,
    triples: usize,
}

#[derive(Serialize)]
struct PropertyRow {
    predicate: TermView,
    object: TermView,
}

/// The HTML page of a node: the releases, or a page's versions.
fn html(state: &AppState, origin: &str, node: &Node) -> Result<Vec<u8>, ApiError> {
    let releases: Vec<ReleaseRow> = state
        .feed()
        .iter()
        .rev()
        .map(|r| ReleaseRow {
            time: r.time.value().to_owned(),
            shown: super::pages::reading::date_in_french(r.time.value()),
            release: r.release.clone(),
            versions: r.size,
            href: stream::page_url("", &r.key, 1),
        })
        .collect();
    let mut context = minijinja::context! {
        origin => origin,
        releases => releases,
        page_size => PAGE_SIZE,
        json_ld => (),
    };
    if let Node::Page { key, number } = node {
        let release = state
            .feed()
            .iter()
            .find(|r| r.key == *key)
            .filter(|r| (1..=stream::pages(r)).contains(number))
            .ok_or_else(|| no_page(key, *number))?;
        let on_page = stream::page_range(release, *number);
        let triples = release.version_triples(on_page.clone()).map_err(|e| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("cannot read the change feed: {e}"),
            )
        })?;
        let versions: Vec<VersionRow> = release.versions[on_page]
            .iter()
            .zip(&triples)
            .map(|(v, triples)| VersionRow {
                resource: TermView::of(state, &Term::from(v.resource.clone())),
                href: v
                    .iri
                    .as_str()
                    .strip_prefix(state.names.base.as_str())
                    .map_or_else(|| v.iri.as_str().to_owned(), |path| format!("/{path}")),
                deleted: v.deleted,
                triples: v.description(triples).count(),
            })
            .collect();
        let pages = stream::pages(release);
        let mut links = Vec::new();
        if *number > 1 {
            links.push(PageLink {
                href: stream::page_url("", key, number - 1),
                text: "Page précédente",
            });
        }
        if *number < pages {
            links.push(PageLink {
                href: stream::page_url("", key, number + 1),
                text: "Page suivante",
            });
        }
        context = minijinja::context! {
            ..context,
            ..minijinja::context! {
                page => minijinja::context! {
                    time => release.time.value(),
                    shown => super::pages::reading::date_in_french(release.time.value()),
                    release => release.release,
                    number => number,
                    pages => pages,
                    versions => versions,
                    links => links,
                },
            }
        };
    }
    render_text("change_feed.html", context).map(String::into_bytes)
}
