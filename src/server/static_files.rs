//! The scripts and styles of the pages, built into the binary (no CDN).

use super::error::ApiError;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The static files the pages use, built into the binary: (path, media type, bytes).
pub const STATIC_FILES: &[(&str, &str, &[u8])] = &[
    (
        "yasgui/yasgui.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/yasgui/yasgui.min.js"),
    ),
    (
        "yasgui/yasgui.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../../static/yasgui/yasgui.min.css"),
    ),
    (
        "query-page.css",
        "text/css; charset=utf-8",
        include_bytes!("../../static/query-page.css"),
    ),
    (
        "query-page.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/query-page.js"),
    ),
    (
        "site.css",
        "text/css; charset=utf-8",
        include_bytes!("../../static/site.css"),
    ),
];

/// `/static/{path}`: a file of [`STATIC_FILES`], cached a day.
pub async fn static_file(Path(path): Path<String>) -> Response {
    match STATIC_FILES.iter().find(|(name, _, _)| *name == path) {
        Some((_, media_type, bytes)) => {
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            );
            response
        }
        None => {
            ApiError::new(StatusCode::NOT_FOUND, format!("no static file {path:?}")).into_response()
        }
    }
}
