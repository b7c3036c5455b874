//! `/fragments`: the Triple Pattern Fragments interface ([`crate::fragments`])
//! over HTTP — `GET` and `HEAD`, `?subject=&predicate=&object=&page=`, every
//! RDF syntax of the Linked Data routes plus HTML. In N-Quads and TriG the
//! controls are in their own graph, `<PAGE#metadata>`, which names the page
//! as its `foaf:primaryTopic` (the LDF server's convention, which Comunica
//! reads); in a triple syntax they are beside the data.
//!
//! The controls name this server as the request reached it (`Host`, and
//! `X-Forwarded-Proto` behind a proxy): a client follows them here.

use super::error::ApiError;
use super::negotiate::{self, PageOrGraph};
use super::pages::{PageLink, TermView, render};
use super::{AppState, origin};
use crate::fragments::{self, PAGE_SIZE, Page, Pattern};
use crate::publish::serialize_sorted;
use crate::rdf::vocab::foaf;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{GraphNameRef, NamedNode, Triple};
use serde::Serialize;

/// Where the interface is.
pub const FRAGMENTS_PATH: &str = "/fragments";

#[derive(Debug, Default, serde::Deserialize)]
struct Parameters {
    subject: Option<String>,
    predicate: Option<String>,
    object: Option<String>,
    page: Option<String>,
}

/// Answers a fragment page.
pub async fn fragment(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    match answer(state, &headers, query.as_deref().unwrap_or("")).await {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

async fn answer(state: AppState, headers: &HeaderMap, query: &str) -> Result<Response, ApiError> {
    let bad = |message: String| ApiError::new(StatusCode::BAD_REQUEST, message);
    let parameters: Parameters = serde_urlencoded::from_str(query).map_err(|e| {
        bad(format!(
            "cannot read the parameters: {e}: expected subject, predicate, object and page"
        ))
    })?;
    let pattern = Pattern::parse(
        parameters.subject.as_deref(),
        parameters.predicate.as_deref(),
        parameters.object.as_deref(),
    )
    .map_err(|e| bad(format!("{e}")))?;
    let number = match parameters.page.as_deref() {
        None | Some("") => 1,
        Some(text) => text
            .parse::<u64>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| {
                bad(format!(
                    "page: \"{text}\" is not a page number: expected 1, 2, 3…"
                ))
            })?,
    };
    let format = negotiate::page_or_graph(headers, &Default::default())?;
    let interface = format!("{}{FRAGMENTS_PATH}", origin::origin(headers));
    let fragment_url = fragment_url(&interface, &pattern);
    // A few pages are read at once (a deep page of a large fragment reads
    // the pages before it); the others wait their turn, up to the queue
    // time limit of queries.
    let _permit = tokio::time::timeout(
        state.config.queue_timeout,
        state.fragment_slots.clone().acquire_owned(),
    )
    .await
    .map_err(|_| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "the fragments interface is busy: try again in a few seconds",
        )
    })?
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("{e}")))?;
    let page = {
        let (state, pattern) = (state.clone(), pattern.clone());
        tokio::task::spawn_blocking(move || {
            fragments::page(
                (&state.names, &state.query_index),
                &pattern,
                number,
                &state.fragment_counts,
            )
        })
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("{e}")))?
    };
    let controls = fragments::controls(&interface, &fragment_url, &pattern, &page);
    let mut response = match format {
        PageOrGraph::Html => html(&state, &pattern, &page),
        PageOrGraph::Graph(format) => {
            let this = fragments::this_page_url(&fragment_url, page.number);
            let body = graph(&state, format, &this, &page.triples, controls).map_err(|e| {
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("cannot write the fragment: {e}"),
                )
            })?;
            negotiate::rdf_document(body, format)
        }
    };
    let headers = response.headers_mut();
    headers.insert(header::VARY, HeaderValue::from_static("Accept"));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    Ok(response)
}

/// The URL of a pattern's fragment: its bound positions as parameters.
fn fragment_url(interface: &str, pattern: &Pattern) -> String {
    let bound: Vec<(&str, String)> = pattern
        .parameters()
        .into_iter()
        .filter(|(_, value)| !value.is_empty())
        .collect();
    if bound.is_empty() {
        interface.to_owned()
    } else {
        format!(
            "{interface}?{}",
            serde_urlencoded::to_string(&bound).expect("strings encode")
        )
    }
}

/// The data triples and the controls in `format`.
fn graph(
    state: &AppState,
    format: RdfFormat,
    this: &str,
    data: &[Triple],
    controls: Vec<Triple>,
) -> std::io::Result<Vec<u8>> {
    if !format.supports_datasets() {
        let mut all = data.to_vec();
        all.extend(controls);
        return serialize_sorted(&state.names.base, format, &all);
    }
    let metadata = NamedNode::new_unchecked(format!("{this}#metadata"));
    let mut writer = RdfSerializer::from_format(format).for_writer(Vec::new());
    for triple in data {
        writer.serialize_quad(triple.as_ref().in_graph(GraphNameRef::DefaultGraph))?;
    }
    let topic = Triple::new(
        metadata.clone(),
        foaf::PRIMARY_TOPIC,
        NamedNode::new_unchecked(this),
    );
    for triple in std::iter::once(&topic).chain(&controls) {
        writer.serialize_quad(triple.as_ref().in_graph(metadata.as_ref()))?;
    }
    writer.finish()
}

#[derive(Serialize)]
struct Row {
    subject: TermView,
    predicate: TermView,
    object: TermView,
}

/// The HTML page: the form, the triples, the count and the pages.
fn html(state: &AppState, pattern: &Pattern, page: &Page) -> Response {
    let [subject, predicate, object] = pattern.parameters();
    let relative = fragment_url(FRAGMENTS_PATH, pattern);
    let mut links = Vec::new();
    if page.number > 1 {
        links.push(PageLink {
            href: fragments::this_page_url(&relative, page.number - 1),
            text: "Page précédente",
        });
    }
    if page.has_next {
        links.push(PageLink {
            href: fragments::page_url(&relative, page.number + 1),
            text: "Page suivante",
        });
    }
    let rows: Vec<Row> = page
        .triples
        .iter()
        .map(|t| Row {
            subject: TermView::of(state, &t.subject.clone().into()),
            predicate: TermView::iri(state, t.predicate.as_ref()),
            object: TermView::of(state, &t.object),
        })
        .collect();
    let first = (page.number - 1) * PAGE_SIZE as u64 + 1;
    render(
        "fragments.html",
        minijinja::context! {
            subject => subject.1,
            predicate => predicate.1,
            object => object.1,
            pattern => fragments::as_sparql(pattern),
            rows => rows,
            total => page.total,
            exact => page.exact,
            number => page.number,
            first => first,
            last => first + page.triples.len() as u64 - 1,
            links => links,
            page_size => PAGE_SIZE,
            json_ld => (),
        },
        StatusCode::OK,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fragment_url_holds_its_bound_positions_encoded() {
        let pattern = Pattern::parse(None, Some("http://e.org/p#q"), Some("\"a b\"@fr")).unwrap();
        assert_eq!(
            fragment_url("http://h/fragments", &pattern),
            "http://h/fragments?predicate=http%3A%2F%2Fe.org%2Fp%23q&object=%22a+b%22%40fr"
        );
        assert_eq!(
            fragment_url("http://h/fragments", &Pattern::default()),
            "http://h/fragments"
        );
        assert_eq!(
            fragments::page_url("http://h/fragments", 2),
            "http://h/fragments?page=2"
        );
    }
}
