//! Answers computed once per data set. The data set is read-only between
//! reloads, so a query answer, a Linked Data document or a page depends only
//! on the request: method, URL, `Accept` (and the catalog's profile), and for a `POST` its content type
//! and body. Successful answers are kept in memory, bounded in bytes, with a
//! strong `ETag` (`If-None-Match` gets a `304`); the cache belongs to the
//! state and is dropped with it on reload.
//!
//! Dumps (already in memory, with byte ranges), static files, `/health`,
//! streamed answers and answers marked `no-store` do not go through it.

use super::error::ApiError;
use super::metrics::CacheOutcome;
use super::streaming::Streamed;
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::Extensions;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::headers::{ETag, HeaderMapExt, IfNoneMatch};
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use std::sync::Arc;

/// Answers larger than this are not kept (a whole-graph `CONSTRUCT` is a
/// few hundred KB on the real data).
const LARGEST_ENTRY: usize = 4 << 20;

/// What makes two requests the same.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    uri: String,
    /// The host and scheme the client asked (`Host`, `X-Forwarded-Host`,
    /// `X-Forwarded-Proto`): fragments name this server by them.
    origin: [Option<HeaderValue>; 3],
    accept: Option<HeaderValue>,
    /// The catalog's profile asked by header (`Accept-Profile`, udata's
    /// `User-Agent`): see [`super::linked_data::profile_from_headers`].
    profile: Option<crate::publish::CatalogProfile>,
    content_type: Option<HeaderValue>,
    body: Bytes,
}

/// A kept answer.
#[derive(Clone)]
struct Entry {
    headers: HeaderMap,
    extensions: Extensions,
    body: Bytes,
    etag: ETag,
}

#[derive(Clone)]
struct ByBytes;

impl Weighter<Key, Entry> for ByBytes {
    fn weight(&self, key: &Key, entry: &Entry) -> u64 {
        (key.uri.len() + key.body.len() + entry.body.len() + 256) as u64
    }
}

/// The answers of one data set.
#[derive(Clone)]
pub struct AnswerCache(Option<Arc<Cache<Key, Entry, ByBytes>>>);

impl AnswerCache {
    /// A cache of at most `bytes` (none if 0).
    pub fn new(bytes: usize) -> Self {
        Self((bytes > 0).then(|| {
            let estimated_items = (bytes / 16_384).max(16);
            Arc::new(Cache::with_weighter(estimated_items, bytes as u64, ByBytes))
        }))
    }
}

/// Whether the answers of `path` may be kept.
fn cacheable_path(path: &str) -> bool {
    !(path == "/health"
        || path == "/metrics"
        || path.starts_with("/dumps/")
        || path.starts_with("/static/"))
}

/// The middleware: answers from the cache, or asks the routes and keeps
/// their successful answer.
pub async fn middleware(
    State(cache): State<AnswerCache>,
    request: Request,
    next: Next,
) -> Response {
    let Some(cache) = cache.0 else {
        return next.run(request).await;
    };
    let method = request.method().clone();
    // A TimeGate's answer depends on the date asked (Memento).
    if !(method == Method::GET || method == Method::HEAD || method == Method::POST)
        || !cacheable_path(request.uri().path())
        || request.headers().contains_key("accept-datetime")
    {
        return next.run(request).await;
    }
    let if_none_match = request.headers().typed_get::<IfNoneMatch>();
    let (parts, body) = request.into_parts();
    // A POST body is part of the key: it is read here, up to
    // LARGEST_ENTRY (past that, a 413), and the routes' own limit
    // (`--max-body-bytes`) applies after.
    let body = if method == Method::POST {
        match to_bytes(body, LARGEST_ENTRY).await {
            Ok(bytes) => bytes,
            Err(_) => {
                return ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("the request body is over {LARGEST_ENTRY} bytes"),
                )
                .into_response();
            }
        }
    } else {
        Bytes::new()
    };
    let key = Key {
        uri: format!(
            "{} {}",
            if method == Method::POST {
                "POST"
            } else {
                "GET"
            },
            parts.uri
        ),
        origin: [
            header::HOST.as_str(),
            "x-forwarded-host",
            "x-forwarded-proto",
        ]
        .map(|name| parts.headers.get(name).cloned()),
        accept: parts.headers.get(header::ACCEPT).cloned(),
        profile: super::linked_data::profile_from_headers(&parts.headers),
        content_type: (method == Method::POST)
            .then(|| parts.headers.get(header::CONTENT_TYPE).cloned())
            .flatten(),
        body: body.clone(),
    };
    if let Some(entry) = cache.get(&key) {
        let mut response = respond(entry, if_none_match.as_ref());
        response.extensions_mut().insert(CacheOutcome::Hit);
        return response;
    }
    let response = next.run(Request::from_parts(parts, Body::from(body))).await;
    if response.status() != StatusCode::OK
        || no_store(response.headers())
        || response.extensions().get::<Streamed>().is_some()
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(body) = to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let etag = match parts.headers.typed_get::<ETag>() {
        Some(etag) => etag,
        None => {
            let etag: ETag = format!("\"{}\"", &crate::publish::sha256_hex(&body)[..32])
                .parse()
                .expect("a quoted hex digest is an ETag");
            parts.headers.typed_insert(etag.clone());
            etag
        }
    };
    let entry = Entry {
        headers: parts.headers,
        extensions: parts.extensions,
        body,
        etag,
    };
    if entry.body.len() <= LARGEST_ENTRY {
        cache.insert(key, entry.clone());
    }
    let mut response = respond(entry, if_none_match.as_ref());
    response.extensions_mut().insert(CacheOutcome::Miss);
    response
}

fn no_store(headers: &HeaderMap) -> bool {
    headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("no-store"))
}

/// A kept answer, or `304` if the client has it (`If-None-Match`).
fn respond(entry: Entry, if_none_match: Option<&IfNoneMatch>) -> Response {
    let client_has_it = if_none_match.is_some_and(|tags| !tags.precondition_passes(&entry.etag));
    let (status, body) = if client_has_it {
        (StatusCode::NOT_MODIFIED, Body::empty())
    } else {
        (StatusCode::OK, Body::from(entry.body))
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    *response.headers_mut() = entry.headers;
    *response.extensions_mut() = entry.extensions;
    if client_has_it {
        response.headers_mut().remove(header::CONTENT_LENGTH);
    }
    response
}
