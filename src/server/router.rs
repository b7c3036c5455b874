//! The routes of the server and the layers every answer goes through:
//! the answer cache, time and body limits, metrics, compression, CORS,
//! security headers and one log line per request.

use super::{
    AppState, cache, crawl, downloads, endpoint, fragments, health, ldes, linked_data, memento,
    metrics, pages, static_files,
};
use crate::change_feed;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use sha2::{Digest, Sha256};
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::cors::{Any, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// The routes and layers of the server.
pub fn router(state: AppState) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::HEAD, Method::POST, Method::OPTIONS])
        .allow_headers(Any)
        .max_age(Duration::from_secs(86_400));
    let trace = TraceLayer::new_for_http()
        .make_span_with(request_span)
        .on_request(())
        .on_response(
            |response: &Response, latency: Duration, _span: &tracing::Span| {
                log_answer(response, latency)
            },
        );
    Router::new()
        .route("/", get(linked_data::home))
        .route("/sparql", get(endpoint::get).post(endpoint::post))
        .route("/sparql/hints", get(endpoint::hints))
        .route("/health", get(health::health))
        .route("/metrics", get(metrics::metrics))
        .route(fragments::FRAGMENTS_PATH, get(fragments::fragment))
        .route(change_feed::stream::STREAM_PATH, get(ldes::stream))
        .route("/ldes/{*path}", get(ldes::node))
        .route(memento::TIMEMAP_ROUTE, get(memento::time_map))
        .route(memento::RELEASE_FILE_ROUTE, get(memento::release_file))
        .route(pages::SEARCH_PATH, get(pages::search))
        .route(pages::STATISTICS_PATH, get(pages::statistics))
        .route("/static/{*path}", get(static_files::static_file))
        .route(downloads::ROUTE, get(downloads::download))
        .route("/robots.txt", get(crawl::robots))
        .route("/sitemap.xml", get(crawl::sitemap))
        .fallback(linked_data::dereference)
        .layer(axum::middleware::from_fn_with_state(
            state.cache.clone(),
            cache::middleware,
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            state.config.request_timeout(),
        ))
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::record,
        ))
        .with_state(state)
        .layer(CompressionLayer::new().compress_when(DefaultPredicate::new().and(not_ranged)))
        .layer(cors)
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            content_security_policy,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONNECTION,
            close_after_refused_body,
        ))
        .layer(trace)
}

/// The span of one request: its method and path.
pub(super) fn request_span<B>(request: &Request<B>) -> tracing::Span {
    tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
}

/// The log line of an answer, in its request's span.
pub(super) fn log_answer(response: &Response, latency: Duration) {
    let query = response
        .extensions()
        .get::<QueryHash>()
        .map(|h| h.to_string());
    tracing::info!(
        status = response.status().as_u16(),
        duration_ms = %format_args!("{:.3}", latency.as_secs_f64() * 1000.0),
        query_hash = query.as_deref().unwrap_or("-"),
        "answered"
    );
}

/// A body refused for its size may be left unread, and the connection is
/// then closed: `Connection: close` tells the client not to reuse it (a
/// client that did would see its next request reset).
fn close_after_refused_body(response: &Response) -> Option<HeaderValue> {
    (response.status() == StatusCode::PAYLOAD_TOO_LARGE).then(|| HeaderValue::from_static("close"))
}

/// The Content-Security-Policy of HTML pages: scripts and styles from this
/// server only (YASGUI sets inline styles), nothing framed, no plugin.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     frame-ancestors 'none'; form-action 'self'";

fn content_security_policy(response: &Response) -> Option<HeaderValue> {
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    html.then(|| HeaderValue::from_static(CONTENT_SECURITY_POLICY))
}

/// Files served with byte ranges (the dumps) are sent as stored: compressing
/// them would break `Range`, `Content-Length` and the catalog's checksums.
fn not_ranged(
    _: StatusCode,
    _: axum::http::Version,
    headers: &HeaderMap,
    _: &axum::http::Extensions,
) -> bool {
    !headers.contains_key(header::ACCEPT_RANGES)
}

/// A short hash of the query a request ran, logged with the request.
#[derive(Debug, Clone, Copy)]
pub struct QueryHash(u64);

impl QueryHash {
    /// The hash of `query`.
    pub fn of(query: &str) -> Self {
        let digest = Sha256::digest(query.as_bytes());
        Self(u64::from_be_bytes(digest[..8].try_into().expect("8 bytes")))
    }

    /// The hash as a number.
    pub fn bits(self) -> u64 {
        self.0
    }
}

impl std::fmt::Display for QueryHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}
