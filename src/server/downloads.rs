//! `/dumps/NAME`: the files of the publication, served from memory with
//! their media type, a strong `ETag` (their SHA-256), `Last-Modified`,
//! conditional requests (`304`), byte ranges (`206`) and `HEAD`. Files are
//! built once at start-up: a download never mixes two builds.
//!
//! A file that has a gzipped twin (`NAME.gz`) is sent as that twin, with
//! `Content-Encoding: gzip`, to clients that accept gzip (like nginx's
//! `gzip_static`): the twin's bytes, `ETag` and byte ranges, and
//! `Vary: Accept-Encoding` on both. `NAME.gz` itself is a file of its own
//! (`application/gzip`, no content coding), as the catalog lists it.

use super::AppState;
use super::encoding::{self, Coding};
use crate::publish::FileFormat;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::TypedHeader;
use axum_extra::headers::{ETag, HeaderMapExt, IfModifiedSince, IfNoneMatch, LastModified, Range};
use axum_range::{KnownSize, Ranged};
use std::io::Cursor;

/// A published file ready to serve.
#[derive(Clone)]
pub struct Download {
    /// File name.
    pub name: String,
    /// Contents.
    pub bytes: axum::body::Bytes,
    /// Strong entity tag: the quoted SHA-256.
    pub etag: ETag,
}

impl Download {
    /// Prepares `file`, its contents shared.
    pub fn new(file: &crate::publish::OutputFile) -> Self {
        Self {
            name: file.name.clone(),
            etag: format!("\"{}\"", file.sha256)
                .parse()
                .expect("a quoted hex digest is an ETag"),
            bytes: file.bytes.clone(),
        }
    }
}

/// `GET /dumps/{name}`.
pub async fn download(
    State(state): State<AppState>,
    Path(name): Path<String>,
    range: Option<TypedHeader<Range>>,
    headers: HeaderMap,
) -> Response {
    // The file as a past release wrote it (Memento).
    if let Some(asked) = headers.get("accept-datetime")
        && let Some(response) = super::memento::file_time_gate(&state, &name, asked, &headers)
    {
        return response;
    }
    let Some(file) = state.downloads.iter().find(|d| d.name == name) else {
        return super::error::ApiError::new(
            StatusCode::NOT_FOUND,
            format!(
                "no file {name:?}: the published files are listed in /catalog and on the home page"
            ),
        )
        .into_response();
    };
    answer(
        &state,
        file,
        range.map(|TypedHeader(range)| range),
        &headers,
    )
}

/// The route of the downloads (also the label of those answered before
/// the router, in `/metrics`).
pub const ROUTE: &str = "/dumps/{name}";

/// Whether `request` is a `GET` or `HEAD` of a path under `/dumps/`.
pub fn is_download<B>(request: &Request<B>) -> bool {
    (request.method() == Method::GET || request.method() == Method::HEAD)
        && request.uri().path().starts_with(DUMPS_PREFIX)
}

const DUMPS_PREFIX: &str = "/dumps/";

/// The answer to a `GET` or `HEAD` of a published file, made without the
/// router: its layers (tracing, timeout, cache, compression, CORS, headers)
/// took about 40 % of the time of a small download (BENCHMARKS.md, « Dumps
/// gzipped on the wire, against nginx »). The answer carries what those layers add to a
/// download — the CORS headers of a simple request, `nosniff` — and is
/// logged as they log it; `tests/downloads.rs` checks that it is the router's
/// answer, header for header, for every kind of download request. `None`
/// for anything else (another method, an unknown file, a refusal): the
/// router answers.
pub fn direct<B>(state: &AppState, request: &Request<B>) -> Option<Response> {
    let started = std::time::Instant::now();
    let name = request.uri().path().strip_prefix(DUMPS_PREFIX)?;
    let file = state.downloads.iter().find(|d| d.name == name)?;
    // A date asked is the TimeGate's (the router's route).
    if !is_download(request) || request.headers().contains_key("accept-datetime") {
        return None;
    }
    let headers = request.headers();
    let mut response = answer(state, file, headers.typed_get(), headers);
    if !matches!(response.status().as_u16(), 200 | 206 | 304) {
        // Refusals (406, 416) take the router's way, which may compress
        // their text.
        return None;
    }
    if request.method() == Method::HEAD && !response.headers().contains_key(header::CONTENT_LENGTH)
    {
        // As axum answers `HEAD`: the length of the body a `GET` would get.
        let length = http_body::Body::size_hint(response.body()).exact();
        if let Some(length) = length {
            response
                .headers_mut()
                .insert(header::CONTENT_LENGTH, length.into());
        }
    }
    let sent = response.headers_mut();
    sent.append(header::VARY, HeaderValue::from_static(CORS_VARY));
    sent.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    sent.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    let _request = super::router::request_span(request).entered();
    super::router::log_answer(&response, started.elapsed());
    Some(response)
}

/// The `Vary` that the router's CORS layer adds to every answer.
const CORS_VARY: &str = "origin, access-control-request-method, access-control-request-headers";

/// The answer to a download of `file`.
fn answer(
    state: &AppState,
    file: &Download,
    range: Option<Range>,
    headers: &HeaderMap,
) -> Response {
    let name = &file.name;
    let twin_name = format!("{name}.gz");
    let twin = state.downloads.iter().find(|d| d.name == twin_name);
    let (sent, coding) = match twin.map(|twin| (twin, encoding::preferred(headers))) {
        None | Some((_, Coding::Identity)) => (file, Coding::Identity),
        Some((twin, Coding::Gzip)) => (twin, Coding::Gzip),
        Some((_, Coding::Unacceptable)) => {
            return super::error::ApiError::new(
                StatusCode::NOT_ACCEPTABLE,
                format!("{name} is available as it is (identity) or gzipped, and Accept-Encoding excludes both"),
            )
            .into_response();
        }
    };
    let last_modified = LastModified::from(state.started);
    let not_modified = match headers.typed_get::<IfNoneMatch>() {
        Some(if_none_match) => !if_none_match.precondition_passes(&sent.etag),
        None => headers
            .typed_get::<IfModifiedSince>()
            .is_some_and(|since| !since.is_modified(state.started)),
    };
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = match range {
            // The whole file: its shared bytes as they are, never copied.
            None => sent.bytes.clone().into_response(),
            Some(range) => {
                let size = sent.bytes.len() as u64;
                let body = KnownSize::sized(Cursor::new(sent.bytes.clone()), size);
                Ranged::new(Some(range), body).into_response()
            }
        };
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(FileFormat::of(&file.name).content_type()),
        );
        response
    };
    let headers = response.headers_mut();
    headers.typed_insert(sent.etag.clone());
    if coding == Coding::Gzip {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    if twin.is_some() {
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    }
    headers.typed_insert(last_modified);
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    response
}
