//! The query page for browsers: YASGUI (bundled from the npm package
//! `@zazuko/yasgui`, no CDN) pre-filled with the example queries.

use super::AppState;
use super::pages::render;
use axum::http::StatusCode;
use axum::response::Response;

/// Renders the query page.
pub fn render_page(state: &AppState) -> Response {
    render(
        "query.html",
        minijinja::context! {
            examples => &state.examples,
            timeout_secs => state.config.query_timeout.as_secs_f64().to_string(),
            max_results => state.config.max_results,
            json_ld => (),
        },
        StatusCode::OK,
    )
}

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
