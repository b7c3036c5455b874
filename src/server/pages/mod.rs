//! The HTML pages: templates (minijinja, auto-escaped), the view models of
//! the home, resource and ontology pages, and how terms are shown.

mod diagram;
mod facets;
mod home;
mod map;
mod ontology;
pub mod reading;
mod resource;
mod search;
mod statistics;

pub use home::home;
pub use ontology::ontology;
pub use resource::{Alternate, resource};
pub use search::{SEARCH_PATH, search};
pub use statistics::{STATISTICS_PATH, statistics};

use super::AppState;
use super::error::ApiError;
use crate::describe::label;
use crate::rdf::Base;
use crate::rdf::vocab::PREFIXES;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use minijinja::Environment;
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{NamedNodeRef, Term};
use serde::Serialize;
use std::sync::LazyLock;

static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    for (name, source) in [
        (
            "layout.html",
            include_str!("../../../templates/layout.html"),
        ),
        ("home.html", include_str!("../../../templates/home.html")),
        (
            "resource.html",
            include_str!("../../../templates/resource.html"),
        ),
        ("term.html", include_str!("../../../templates/term.html")),
        (
            "ontology.html",
            include_str!("../../../templates/ontology.html"),
        ),
        (
            "ontology_term.html",
            include_str!("../../../templates/ontology_term.html"),
        ),
        (
            "not_found.html",
            include_str!("../../../templates/not_found.html"),
        ),
        ("query.html", include_str!("../../../templates/query.html")),
        (
            "fragments.html",
            include_str!("../../../templates/fragments.html"),
        ),
        (
            "search.html",
            include_str!("../../../templates/search.html"),
        ),
        ("map.html", include_str!("../../../templates/map.html")),
        (
            "statistics.html",
            include_str!("../../../templates/statistics.html"),
        ),
        (
            "change_feed.html",
            include_str!("../../../templates/change_feed.html"),
        ),
        (
            "sitemap.xml",
            include_str!("../../../templates/sitemap.xml"),
        ),
    ] {
        env.add_template(name, source).expect("the templates parse");
    }
    env.add_filter("xml", xml_text);
    env
});

/// The `xml` filter: text escaped for XML content (`&`, `<`, `>`, quotes)
/// and nothing else. minijinja's automatic escaping of `.xml` templates is
/// HTML's, which also writes `/` as `&#x2f;`: valid, but a sitemap of
/// `https:&#x2f;&#x2f;…` defeats readers that do not decode entities.
fn xml_text(text: String) -> minijinja::Value {
    minijinja::Value::from_safe_string(escape_xml(&text))
}

/// Text escaped for XML content and attributes (the SVG drawn on the
/// server, the sitemap): `&`, `<`, `>` and quotes.
pub fn escape_xml(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// Runs `render` (a page, a document: reads of the whole index and
/// templates, seconds on a large data set) on a blocking thread, so that the
/// async workers stay free for the other requests (`/health` among them).
pub async fn off_the_workers(render: impl FnOnce() -> Response + Send + 'static) -> Response {
    match tokio::task::spawn_blocking(render).await {
        Ok(response) => response,
        Err(e) => {
            tracing::error!(error = %e, "a page could not be rendered");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Renders `template` with `context` as a page answered with `status`.
pub fn render(template: &str, context: impl Serialize, status: StatusCode) -> Response {
    match TEMPLATES
        .get_template(template)
        .and_then(|t| t.render(context))
    {
        Ok(html) => {
            let mut response = (status, Html(html)).into_response();
            response
                .headers_mut()
                .insert(header::VARY, HeaderValue::from_static("Accept"));
            response
        }
        Err(e) => {
            tracing::error!(error = %e, template, "cannot render a page");
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "cannot render the page")
                .into_response()
        }
    }
}

/// Renders a non-HTML template (the sitemap).
pub fn render_text(template: &str, context: impl Serialize) -> Result<String, ApiError> {
    TEMPLATES
        .get_template(template)
        .and_then(|t| t.render(context))
        .map_err(|e| {
            tracing::error!(error = %e, template, "cannot render");
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "cannot render the document",
            )
        })
}

/// The page of an IRI the data set says nothing about (`None`: of an
/// address that names nothing).
pub fn not_found(iri: Option<&str>) -> Response {
    render(
        "not_found.html",
        minijinja::context! { iri => iri, json_ld => () },
        StatusCode::NOT_FOUND,
    )
}

/// The path on this server of an IRI of the data set, `None` for others.
pub fn local_href(base: &Base, iri: &str) -> Option<String> {
    iri.strip_prefix(base.as_str())
        .map(|rest| format!("/{rest}"))
}

/// An IRI written short: `prefix:local` for the known vocabularies.
pub fn compact(base: &Base, iri: &str) -> String {
    PREFIXES
        .iter()
        .find_map(|(prefix, namespace)| {
            let namespace = base.rebase_str(namespace);
            iri.strip_prefix(namespace.as_str())
                .filter(|local| !local.is_empty() && !local.contains(['/', '#']))
                .map(|local| format!("{prefix}:{local}"))
        })
        .unwrap_or_else(|| iri.to_owned())
}

/// A link between pages (previous, next).
#[derive(Debug, Clone, Serialize)]
pub struct PageLink {
    /// Where it goes.
    pub href: String,
    /// What it says.
    pub text: &'static str,
}

/// What the home page shows of the whole data set, computed at its first
/// request and kept with the data set: the facets' options and the map
/// (at 10⁵ awards, their aggregates take seconds).
#[derive(Default)]
pub struct HomeParts(std::sync::OnceLock<(Vec<facets::Facet>, map::Map)>);

/// The rows of a SELECT over the store (with the prefixes `ti:`, `skos:`,
/// `dct:` and `rdfs:`), each value as text: an IRI, a literal's value, or
/// empty when unbound. A query that fails gives no row, and is logged as
/// an error: the pages' queries are the server's own, a failure is a bug.
pub fn select_rows(state: &AppState, query: &str) -> Vec<Vec<String>> {
    let prefixes = format!(
        "PREFIX ti: <{}>\nPREFIX skos: <{}>\nPREFIX dct: <{}>\n\
         PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n",
        state
            .names
            .base
            .rebase_str(crate::rdf::vocab::ti::NAMESPACE),
        crate::rdf::vocab::skos::NAMESPACE,
        crate::rdf::vocab::dct::NAMESPACE
    );
    let solutions =
        match crate::sparql::run_indexed(&state.query_index, &format!("{prefixes}{query}")) {
            Ok(oxigraph::sparql::QueryResults::Solutions(solutions)) => solutions,
            Ok(_) => return Vec::new(),
            Err(error) => {
                tracing::error!(%error, query, "a page's query failed");
                return Vec::new();
            }
        };
    let variables = solutions.variables().to_vec();
    solutions
        .filter_map(Result::ok)
        .map(|s| {
            variables
                .iter()
                .map(|v| match s.get(v) {
                    Some(Term::NamedNode(n)) => n.as_str().to_owned(),
                    Some(Term::Literal(l)) => l.value().to_owned(),
                    Some(other) => other.to_string(),
                    None => String::new(),
                })
                .collect()
        })
        .collect()
}

/// A term as a page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct TermView {
    /// The text shown: a label, a short IRI or a literal value.
    pub text: String,
    /// Where it links to, for IRIs: a path of this server or the IRI.
    pub href: Option<String>,
    /// Whether the link leaves the data set.
    pub external: bool,
    /// The language of a literal.
    pub lang: Option<String>,
    /// A note: the datatype of a typed literal.
    pub note: Option<String>,
}

impl TermView {
    /// How `term` is shown.
    pub fn of(state: &AppState, term: &Term) -> Self {
        let base = &state.names.base;
        match term {
            Term::NamedNode(node) => Self::iri(state, node.as_ref()),
            Term::Literal(literal) => {
                let datatype = literal.datatype();
                let note = (literal.language().is_none()
                    && datatype != xsd::STRING
                    && datatype != rdf::LANG_STRING)
                    .then(|| compact(base, datatype.as_str()));
                Self {
                    text: literal.value().to_owned(),
                    href: None,
                    external: false,
                    lang: literal.language().map(str::to_owned),
                    note,
                }
            }
            other => Self {
                text: other.to_string(),
                href: None,
                external: false,
                lang: None,
                note: None,
            },
        }
    }

    /// How an IRI is shown: its label, or its short form.
    pub fn iri(state: &AppState, iri: NamedNodeRef<'_>) -> Self {
        let base = &state.names.base;
        let local = local_href(base, iri.as_str());
        Self {
            text: label(&state.names, &state.query_index, iri)
                .map(|l| l.value().to_owned())
                .unwrap_or_else(|| compact(base, iri.as_str())),
            external: local.is_none(),
            href: Some(local.unwrap_or_else(|| iri.as_str().to_owned())),
            lang: None,
            note: None,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn xml_text_escapes_xml_specials_only() {
        assert_eq!(
            super::xml_text("https://x.org/a?b=1&c='<d>\"".to_owned()).to_string(),
            "https://x.org/a?b=1&amp;c=&apos;&lt;d&gt;&quot;"
        );
    }
}
