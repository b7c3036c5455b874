//! What crawlers read: `/robots.txt` and `/sitemap.xml`.

use super::{AppState, pages};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// `/robots.txt`: everything may be crawled but query URLs; the sitemap.
pub async fn robots(State(state): State<AppState>) -> Response {
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /sparql?\nSitemap: {}sitemap.xml\n",
        state.names.base
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// `/sitemap.xml`: the home page and every resource page of the data set
/// (not the published files, which the catalog describes as subjects too).
pub async fn sitemap(State(state): State<AppState>) -> Response {
    let base = state.names.base.as_str();
    let files = format!("{base}dumps/");
    let mut urls: Vec<String> = state
        .query_index
        .quads_for_pattern(None, None, None, None)
        .filter_map(|q| match q.subject {
            oxigraph::model::NamedOrBlankNodeRef::NamedNode(n)
                if n.as_str().starts_with(base) && !n.as_str().starts_with(&files) =>
            {
                Some(n.as_str().split('#').next().unwrap_or_default().to_owned())
            }
            _ => None,
        })
        .collect();
    urls.push(base.to_owned());
    urls.sort();
    urls.dedup();
    match pages::render_text("sitemap.xml", minijinja::context! { urls => urls }) {
        Ok(xml) => (
            [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
            xml,
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}
