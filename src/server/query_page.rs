//! The query page for browsers: YASGUI (bundled from the npm package
//! `@zazuko/yasgui`, no CDN) pre-filled with the example queries.

use super::AppState;
use super::error::ApiError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use minijinja::{Environment, context};
use std::sync::LazyLock;

static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.add_template("query.html", include_str!("../../templates/query.html"))
        .expect("the query page template parses");
    env
});

/// Renders the query page.
pub fn render(state: &AppState) -> Response {
    let page = TEMPLATES.get_template("query.html").and_then(|t| {
        t.render(context! {
            title => "Label « Territoire Innovant » — données ouvertes liées",
            examples => &state.examples,
            timeout_secs => state.config.query_timeout.as_secs_f64().to_string(),
            max_results => state.config.max_results,
        })
    });
    match page {
        Ok(html) => {
            let mut response = Html(html).into_response();
            response
                .headers_mut()
                .insert(header::VARY, HeaderValue::from_static("Accept"));
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot render the query page");
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "cannot render the page")
                .into_response()
        }
    }
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
