//! The page of one resource: its label, types, properties and incoming links.

use super::{TermView, render};
use crate::describe::label;
use crate::rdf::vocab::{dcat, dct, org, schema, skos, ti};
use crate::server::AppState;
use axum::http::StatusCode;
use axum::response::Response;
use oxigraph::model::vocab::rdf;
use oxigraph::model::{NamedNode, NamedNodeRef, NamedOrBlankNode, Term, Triple};
use serde::Serialize;
use serde_json::json;

/// A property and its values.
#[derive(Serialize)]
struct PropertyView {
    predicate: TermView,
    values: Vec<TermView>,
}

/// A link to another representation of the same description.
#[derive(Serialize)]
pub struct Alternate {
    /// Name of the format.
    pub label: &'static str,
    /// Media type.
    pub media_type: &'static str,
    /// Its URL on this server.
    pub href: String,
}

/// Renders the page of `iri` from its description `triples`.
pub fn resource(
    state: &AppState,
    iri: &NamedNode,
    triples: &[Triple],
    alternates: Vec<Alternate>,
) -> Response {
    let subject = NamedOrBlankNode::from(iri.clone());
    let own: Vec<&Triple> = triples.iter().filter(|t| t.subject == subject).collect();
    let types: Vec<NamedNode> = own
        .iter()
        .filter(|t| t.predicate == rdf::TYPE)
        .filter_map(|t| match &t.object {
            Term::NamedNode(n) => Some(n.clone()),
            _ => None,
        })
        .collect();
    let properties = group(
        state,
        own.iter()
            .filter(|t| t.predicate != rdf::TYPE)
            .map(|t| (&t.predicate, t.object.clone())),
    );
    let target = Term::from(iri.clone());
    let incoming = group(
        state,
        triples
            .iter()
            .filter(|t| t.object == target && t.subject != subject)
            .map(|t| (&t.predicate, Term::from(t.subject.clone()))),
    );
    let title = label(&state.data_set, &state.query_index, iri.as_ref())
        .map(|l| l.value().to_owned())
        .unwrap_or_else(|| iri.as_str().to_owned());
    let description = own
        .iter()
        .find(|t| t.predicate == dct::DESCRIPTION)
        .and_then(|t| match &t.object {
            Term::Literal(l) => Some(l.value().to_owned()),
            _ => None,
        });
    let json_ld = schema_org(state, iri, &title, description.as_deref(), &types);
    let query = resource_query(iri, &title);
    let edition = state.data_set.base.rebase_node(ti::EDITION.into_owned());
    let map = types
        .contains(&edition)
        .then(|| super::map::map(state, Some(iri)));
    let places = [ti::DEPARTEMENT_CLASS, ti::REGION_CLASS]
        .map(|class| state.data_set.base.rebase_node(class.into_owned()));
    let awards_here = types
        .iter()
        .any(|t| places.contains(t))
        .then(|| super::map::awards_in(state, iri));
    render(
        "resource.html",
        minijinja::context! {
            iri => iri.as_str(),
            title => title,
            types => types.iter().map(|t| TermView::iri(state, t.as_ref())).collect::<Vec<_>>(),
            properties => properties,
            incoming => incoming,
            alternates => alternates,
            query => query,
            map => map,
            awards_here => awards_here,
            json_ld => json_ld,
        },
        StatusCode::OK,
    )
}

/// The query the page offers to run on the query page: what the data says
/// of the resource, and what points to it.
fn resource_query(iri: &NamedNode, title: &str) -> String {
    let title = title.replace(['\n', '\r'], " ");
    format!(
        "# Ce que les données disent de « {title} », et ce qui la désigne\n\
         SELECT ?sens ?propriete ?valeur WHERE {{\n\
         \x20 {{ <{iri}> ?propriete ?valeur BIND(\"sortant\" AS ?sens) }}\n\
         \x20 UNION\n\
         \x20 {{ ?valeur ?propriete <{iri}> BIND(\"entrant\" AS ?sens) }}\n\
         }}\n\
         ORDER BY DESC(?sens) ?propriete ?valeur\n",
        iri = iri.as_str()
    )
}

/// Groups (predicate, value) pairs by predicate, in the order of the
/// predicates' labels, values in their order of display.
fn group<'a>(
    state: &AppState,
    pairs: impl Iterator<Item = (&'a NamedNode, Term)>,
) -> Vec<PropertyView> {
    let mut groups: Vec<(NamedNode, Vec<Term>)> = Vec::new();
    for (predicate, value) in pairs {
        match groups.iter_mut().find(|(p, _)| p == predicate) {
            Some((_, values)) => values.push(value),
            None => groups.push((predicate.clone(), vec![value])),
        }
    }
    let mut views: Vec<PropertyView> = groups
        .into_iter()
        .map(|(predicate, values)| {
            let mut values: Vec<TermView> = values.iter().map(|v| TermView::of(state, v)).collect();
            values.sort_by(|a, b| a.text.cmp(&b.text));
            PropertyView {
                predicate: TermView::iri(state, predicate.as_ref()),
                values,
            }
        })
        .collect();
    views.sort_by(|a, b| {
        a.predicate
            .text
            .to_lowercase()
            .cmp(&b.predicate.text.to_lowercase())
    });
    views
}

/// The schema.org JSON-LD embedded in a resource page.
fn schema_org(
    state: &AppState,
    iri: &NamedNode,
    name: &str,
    description: Option<&str>,
    types: &[NamedNode],
) -> serde_json::Value {
    let base = &state.data_set.base;
    let is = |class: NamedNodeRef<'_>| {
        let class = base.rebase_node(class.into_owned());
        types.contains(&class)
    };
    let schema_type = if is(org::ORGANIZATION) || is(schema::ORGANIZATION) {
        "Organization"
    } else if is(ti::PROJECT) {
        "CreativeWork"
    } else if is(schema::EVENT) {
        "Event"
    } else if is(schema::PLACE) {
        "Place"
    } else if is(skos::CONCEPT) {
        "DefinedTerm"
    } else if is(dcat::DATASET) {
        "Dataset"
    } else {
        "Thing"
    };
    let mut value = json!({
        "@context": "https://schema.org",
        "@type": schema_type,
        "@id": iri.as_str(),
        "name": name,
        "url": iri.as_str(),
    });
    if let Some(description) = description {
        value["description"] = json!(description);
    }
    value
}
