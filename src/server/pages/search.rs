//! `/recherche?q=`: the search page. Every page's header has its form; it
//! works without scripts.

use super::{TermView, render};
use crate::describe::label;
use crate::rdf::vocab::ti;
use crate::search::SearchIndex;
use crate::server::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use oxigraph::model::vocab::rdf;
use oxigraph::model::{NamedNode, Term, TermRef};
use serde::Serialize;

/// Where the search page is.
pub const SEARCH_PATH: &str = "/recherche";
/// The most results a search shows.
const MOST_RESULTS: usize = 100;

/// The search's parameters: `q`, the text searched.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Parameters {
    #[serde(default)]
    q: String,
}

#[derive(Serialize)]
struct Result {
    resource: TermView,
    kinds: Vec<TermView>,
    /// The text that matched, when it is not the resource's label.
    matched: Option<String>,
    property: TermView,
}

/// Answers a search.
pub async fn search(
    State(state): State<AppState>,
    Query(parameters): Query<Parameters>,
) -> Response {
    super::off_the_workers(move || search_page(state, parameters)).await
}

/// The search page for `parameters`, rendered.
fn search_page(state: AppState, parameters: Parameters) -> Response {
    let query = parameters.q.trim().to_owned();
    let index = state
        .search
        .get_or_init(|| SearchIndex::of(&state.names, &state.query_index));
    let hits = index.search(&query, MOST_RESULTS + 1);
    let more = hits.len() > MOST_RESULTS;
    let results: Vec<Result> = hits
        .into_iter()
        .take(MOST_RESULTS)
        .map(|hit| {
            let shown = label(&state.names, &state.query_index, hit.resource.as_ref())
                .map(|l| l.value().to_owned());
            Result {
                resource: TermView::of(&state, &Term::from(hit.resource.clone())),
                kinds: kinds(&state, &hit.resource),
                matched: (shown.as_deref() != Some(hit.text.as_str())).then_some(hit.text),
                property: TermView::iri(&state, hit.property.as_ref()),
            }
        })
        .collect();
    render(
        "search.html",
        minijinja::context! {
            query => query,
            results => results,
            more => more,
            most => MOST_RESULTS,
            json_ld => (),
        },
        StatusCode::OK,
    )
}

/// The classes of `resource` in this data set's ontology, as the data
/// graph states them.
fn kinds(state: &AppState, resource: &NamedNode) -> Vec<TermView> {
    let own = state.names.base.rebase_str(ti::NAMESPACE);
    state
        .query_index
        .quads_for_pattern(
            Some(resource.as_ref().into()),
            Some(rdf::TYPE),
            None,
            Some(state.names.data_graph.as_ref().into()),
        )
        .filter(|quad| matches!(quad.object, TermRef::NamedNode(class) if class.as_str().starts_with(&own)))
        .map(|quad| TermView::of(state, &quad.object.into_owned()))
        .collect()
}
