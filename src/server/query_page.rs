//! The query page for browsers: YASGUI (bundled from the npm package
//! `@zazuko/yasgui`, no CDN) pre-filled with the example queries.

use super::AppState;
use super::pages::render;
use axum::http::StatusCode;
use axum::response::Response;

/// Renders the query page, with the prefixes its editor declares as they
/// are typed (the ontology's, under the served base, and the standard
/// vocabularies'; nothing is fetched from elsewhere).
pub fn render_page(state: &AppState) -> Response {
    let endpoint = state.names.base.iri("sparql");
    let prefixes: serde_json::Map<String, serde_json::Value> =
        crate::sparql::explain::known_prefixes(endpoint.as_str())
            .into_iter()
            .map(|(prefix, namespace)| (prefix.to_owned(), namespace.into()))
            .collect();
    render(
        "query.html",
        minijinja::context! {
            examples => &state.examples,
            prefixes => prefixes,
            terms => terms(state),
            timeout_secs => state.config.query_timeout.as_secs_f64().to_string(),
            max_results => state.config.max_results,
            json_ld => (),
        },
        StatusCode::OK,
    )
}

/// The terms the editor completes, by full IRI: the properties and the
/// classes the data uses (its VoID partitions) and those the ontology
/// declares. YASQE would ask Linked Open Vocabularies for them; the page
/// completes from this list instead, fetching nothing.
#[derive(Debug, Default, serde::Serialize)]
struct Terms {
    properties: Vec<String>,
    classes: Vec<String>,
}

fn terms(state: &AppState) -> Terms {
    let rows = super::pages::select_rows(
        state,
        "PREFIX void: <http://rdfs.org/ns/void#>
         PREFIX owl: <http://www.w3.org/2002/07/owl#>
         SELECT DISTINCT ?term ?kind WHERE {
           { ?d void:propertyPartition/void:property ?term BIND(\"property\" AS ?kind) }
           UNION { ?d void:classPartition/void:class ?term BIND(\"class\" AS ?kind) }
           UNION { VALUES (?type ?kind) {
                     (owl:ObjectProperty \"property\") (owl:DatatypeProperty \"property\")
                     (owl:AnnotationProperty \"property\") (owl:Class \"class\") }
                   ?term a ?type }
           FILTER(isIRI(?term))
         } ORDER BY ?term",
    );
    let mut terms = Terms::default();
    for row in rows {
        match row.get(1).map(String::as_str) {
            Some("property") => terms.properties.push(row[0].clone()),
            Some("class") => terms.classes.push(row[0].clone()),
            _ => {}
        }
    }
    terms
}
