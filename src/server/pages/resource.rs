//! The page of one resource, written for a reader: its name, what it is,
//! its facts in French and what links to it; the RDF formats one link away.

use super::{TermView, reading, render};
use crate::describe::label;
use crate::rdf::vocab::{dcat, dct, org, owl, schema, skos, ti};
use crate::server::AppState;
use axum::http::StatusCode;
use axum::response::Response;
use oxigraph::model::vocab::rdf;
use oxigraph::model::{
    NamedNode, NamedNodeRef, NamedOrBlankNode, NamedOrBlankNodeRef, Term, TermRef, Triple,
};
use serde::Serialize;
use serde_json::json;

/// A field of a page: its name for a reader and its values.
#[derive(Serialize)]
struct Field {
    name: String,
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

/// The ontology's properties shown first, in this order: what a reader
/// looks for (an award's category, level, year, project and laureates; an
/// organisation's awards, kind, names, codes and place).
const FIRST: [&str; 19] = [
    "laureateOf",
    "category",
    "level",
    "edition",
    "year",
    "project",
    "laureate",
    "kind",
    "nameInSource",
    "siren",
    "inseeCode",
    "departement",
    "region",
    "population",
    "coversDepartement",
    "coversRegion",
    "overseas",
    "rank",
    "editionOf",
];

/// Standard properties shown last: where a fact comes from.
const LAST: [&str; 3] = [
    "http://purl.org/dc/terms/source",
    "http://www.w3.org/ns/prov#wasDerivedFrom",
    "http://www.w3.org/2000/01/rdf-schema#seeAlso",
];

/// Renders the page of `iri` from its description `triples`, written for
/// a reader: fields named in French, values as French readers write them,
/// each fact once (what the ontology's alignments entail, and a value
/// already shown under another field, are left to the RDF formats), types
/// as words.
pub fn resource(
    state: &AppState,
    iri: &NamedNode,
    triples: &[Triple],
    alternates: Vec<Alternate>,
) -> Response {
    let subject = NamedOrBlankNode::from(iri.clone());
    let entailed = |t: &Triple| {
        state
            .query_index
            .quads_for_pattern(
                Some(t.subject.as_ref().into()),
                Some(t.predicate.as_ref()),
                Some(t.object.as_ref()),
                Some(state.names.alignments_graph.as_ref().into()),
            )
            .next()
            .is_some()
    };
    let own: Vec<&Triple> = triples
        .iter()
        .filter(|t| t.subject == subject && !entailed(t))
        .collect();
    let types: Vec<NamedNode> = own
        .iter()
        .filter(|t| t.predicate == rdf::TYPE)
        .filter_map(|t| match &t.object {
            Term::NamedNode(n) => Some(n.clone()),
            _ => None,
        })
        .collect();
    let title = label(&state.names, &state.query_index, iri.as_ref())
        .map(|l| l.value().to_owned())
        .unwrap_or_else(|| iri.as_str().to_owned());
    let fields = fields(
        state,
        &title,
        own.iter()
            .filter(|t| t.predicate != rdf::TYPE)
            .map(|t| (&t.predicate, t.object.clone())),
    );
    // Links to this resource, but those its own fields already give (the
    // inverse of one of its properties, or a resource they already name).
    let target = Term::from(iri.clone());
    let inverse = |predicate: &NamedNode| inverse_of(state, predicate);
    let incoming: Vec<(String, &NamedNode, Term)> = triples
        .iter()
        .filter(|t| t.object == target && t.subject != subject && !entailed(t))
        .filter_map(|t| {
            let source = Term::from(t.subject.clone());
            if own.iter().any(|o| o.object == source) {
                return None;
            }
            match inverse(&t.predicate) {
                Some(inverse)
                    if own
                        .iter()
                        .any(|o| o.predicate == inverse && o.object == source) =>
                {
                    None
                }
                Some(inverse) => Some((field_name(state, &inverse), &t.predicate, source)),
                None => Some((
                    reading::ontology_inverse_name(ontology_term(state, &t.predicate))
                        .map(reading::capitalized)
                        .or_else(|| class_name(state, &source))
                        .unwrap_or_else(|| incoming_name(state, &t.predicate)),
                    &t.predicate,
                    source,
                )),
            }
        })
        .collect();
    // A laureate located here also covers here: it is listed once, where
    // it is.
    let covers = [
        ti::COVERS_COMMUNE,
        ti::COVERS_DEPARTEMENT,
        ti::COVERS_REGION,
    ]
    .map(|p| state.names.base.rebase_node(p.into_owned()));
    let incoming: Vec<_> = incoming
        .iter()
        .filter(|(_, predicate, source)| {
            !covers.contains(predicate)
                || !incoming
                    .iter()
                    .any(|(_, other, s)| s == source && !covers.contains(other))
        })
        .cloned()
        .collect();
    let incoming = incoming_fields(state, incoming);
    let description = own
        .iter()
        .find(|t| t.predicate == dct::DESCRIPTION)
        .and_then(|t| match &t.object {
            Term::Literal(l) => Some(l.value().to_owned()),
            _ => None,
        });
    let json_ld = schema_org(state, iri, &title, description.as_deref(), &types);
    let query = resource_query(iri, &title);
    let edition = state.names.base.rebase_node(ti::EDITION.into_owned());
    let map = types
        .contains(&edition)
        .then(|| super::map::map(state, Some(iri)));
    let places = [ti::COMMUNE_CLASS, ti::DEPARTEMENT_CLASS, ti::REGION_CLASS]
        .map(|class| state.names.base.rebase_node(class.into_owned()));
    let [commune, ..] = &places;
    let is_commune = types.contains(commune);
    let is_place = types.iter().any(|t| places.contains(t));
    // Laureates are located in départements and régions; a commune is
    // only covered (by itself or by its EPCI).
    let awards_here = (is_place && !is_commune).then(|| super::map::awards_in(state, iri));
    let awards_covering = is_place.then(|| super::map::awards_covering(state, iri));
    // Types as words: the ontology's classes, by their French names.
    let ontology = state.names.base.rebase_str(ti::NAMESPACE);
    let kinds: Vec<String> = types
        .iter()
        .filter(|t| t.as_str().starts_with(&ontology))
        .filter_map(|t| label(&state.names, &state.query_index, t.as_ref()))
        .map(|l| reading::capitalized(l.value()))
        .collect();
    render(
        "resource.html",
        minijinja::context! {
            iri => iri.as_str(),
            title => title,
            kinds => kinds,
            fields => fields,
            incoming => incoming,
            alternates => alternates,
            query => query,
            map => map,
            awards_here => awards_here,
            awards_covering => awards_covering,
            is_commune => is_commune,
            versions => crate::server::memento::version_links(state, iri.as_str()),
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

/// A property's name as a field: the ontology's French label, or the
/// French name of a standard term, with a capital.
fn field_name(state: &AppState, predicate: &NamedNode) -> String {
    let ontology = state.names.base.rebase_str(ti::NAMESPACE);
    let name = if predicate.as_str().starts_with(&ontology) {
        label(&state.names, &state.query_index, predicate.as_ref()).map(|l| l.value().to_owned())
    } else {
        reading::standard_name(predicate.as_str()).map(str::to_owned)
    };
    reading::capitalized(&name.unwrap_or_else(|| {
        // A term no table names: its local name, in words.
        let local = predicate
            .as_str()
            .rsplit(['#', '/'])
            .next()
            .unwrap_or(predicate.as_str());
        let mut words = String::new();
        for c in local.chars() {
            if c.is_uppercase() && !words.is_empty() {
                words.push(' ');
            }
            words.extend(c.to_lowercase());
        }
        words
    }))
}

/// What `resource` is, by the French name of its class in the ontology
/// (« Prix », « Lauréat »): the name of the links from resources of that
/// class.
fn class_name(state: &AppState, resource: &Term) -> Option<String> {
    let Term::NamedNode(resource) = resource else {
        return None;
    };
    let ontology = state.names.base.rebase_str(ti::NAMESPACE);
    state
        .query_index
        .quads_for_pattern(Some(resource.as_ref().into()), Some(rdf::TYPE), None, None)
        .filter_map(|q| match q.object {
            TermRef::NamedNode(class) if class.as_str().starts_with(&ontology) => Some(class),
            _ => None,
        })
        .find_map(|class| label(&state.names, &state.query_index, class))
        .map(|l| reading::capitalized(l.value()))
}

/// The name of a link to a resource by `predicate` (one without an
/// inverse in the ontology), on the resource's page: the standard term's
/// name backwards; a name that ends in « de » without it (« édition de »:
/// the label's page lists its « Édition »); else « … de ».
fn incoming_name(state: &AppState, predicate: &NamedNode) -> String {
    if let Some(name) = reading::inverse_name(predicate.as_str()) {
        return reading::capitalized(name);
    }
    let name = field_name(state, predicate);
    match name.strip_suffix(" de") {
        Some(stem) => stem.to_owned(),
        None => format!("{name} de"),
    }
}

/// The local name of `predicate` if it is a term of the ontology (under the
/// served base), else its IRI.
fn ontology_term<'a>(state: &AppState, predicate: &'a NamedNode) -> &'a str {
    let ontology = state.names.base.rebase_str(ti::NAMESPACE);
    predicate
        .as_str()
        .strip_prefix(ontology.as_str())
        .unwrap_or(predicate.as_str())
}

/// The property the ontology declares the inverse of `predicate`.
fn inverse_of(state: &AppState, predicate: &NamedNode) -> Option<NamedNode> {
    let index = &state.query_index;
    let named = |term: TermRef<'_>| match term {
        TermRef::NamedNode(n) => Some(n.into_owned()),
        _ => None,
    };
    index
        .quads_for_pattern(
            Some(predicate.as_ref().into()),
            Some(owl::INVERSE_OF),
            None,
            None,
        )
        .find_map(|q| named(q.object))
        .or_else(|| {
            index
                .quads_for_pattern(
                    None,
                    Some(owl::INVERSE_OF),
                    Some(predicate.as_ref().into()),
                    None,
                )
                .find_map(|q| match q.subject {
                    NamedOrBlankNodeRef::NamedNode(n) => Some(n.into_owned()),
                    _ => None,
                })
        })
}

/// The position of `predicate` among the fields.
fn rank(state: &AppState, predicate: &NamedNode) -> usize {
    let ontology = state.names.base.rebase_str(ti::NAMESPACE);
    let first = predicate
        .as_str()
        .strip_prefix(&ontology)
        .and_then(|local| FIRST.iter().position(|f| *f == local));
    let last = LAST.iter().position(|l| *l == predicate.as_str());
    match (first, last) {
        (Some(position), _) => position,
        (None, Some(position)) => FIRST.len() + 2 + position,
        (None, None) if predicate.as_str() == SKOS_PREF_LABEL => FIRST.len(),
        (None, None) => FIRST.len() + 1,
    }
}

const SKOS_PREF_LABEL: &str = "http://www.w3.org/2004/02/skos/core#prefLabel";

/// The fields of a resource from its (predicate, value) pairs: grouped by
/// name, in the order of [`rank`] then of the names; a value shown once
/// (the first field that has it keeps it), a name that repeats the title
/// left out.
fn fields<'a>(
    state: &AppState,
    title: &str,
    pairs: impl Iterator<Item = (&'a NamedNode, Term)>,
) -> Vec<Field> {
    let mut groups: Vec<(&NamedNode, Vec<Term>)> = Vec::new();
    for (predicate, value) in pairs {
        match groups.iter_mut().find(|(p, _)| *p == predicate) {
            Some((_, values)) => values.push(value),
            None => groups.push((predicate, vec![value])),
        }
    }
    let mut named: Vec<(usize, String, &NamedNode, Vec<Term>)> = groups
        .into_iter()
        .map(|(p, values)| (rank(state, p), field_name(state, p), p, values))
        .collect();
    named.sort_by_cached_key(|(rank, name, _, _)| (*rank, crate::search::fold(name)));
    let mut shown: Vec<Term> = Vec::new();
    let mut fields: Vec<Field> = Vec::new();
    for (_, name, predicate, values) in named {
        let mut views: Vec<(Order, TermView)> = Vec::new();
        for value in values {
            let repeats_title = matches!(&value, Term::Literal(l) if l.value() == title);
            if shown.contains(&value) || repeats_title {
                continue;
            }
            let view = reader_view(state, predicate, &value);
            views.push((value_order(state, &value, &view), view));
            shown.push(value);
        }
        if views.is_empty() {
            continue;
        }
        views.sort_by(|a, b| a.0.cmp(&b.0));
        let views: Vec<TermView> = views.into_iter().map(|(_, view)| view).collect();
        match fields.iter_mut().find(|f| f.name == name) {
            Some(field) => field.values.extend(views),
            None => fields.push(Field {
                name,
                values: views,
            }),
        }
    }
    fields
}

/// The links to a resource, grouped by their names.
fn incoming_fields(state: &AppState, links: Vec<(String, &NamedNode, Term)>) -> Vec<Field> {
    let mut groups: Vec<(String, Vec<(Order, TermView)>)> = Vec::new();
    for (name, predicate, source) in links {
        let view = reader_view(state, predicate, &source);
        let value = (value_order(state, &source, &view), view);
        match groups.iter_mut().find(|(n, _)| *n == name) {
            Some((_, values)) if values.iter().any(|(_, v)| v.href == value.1.href) => {}
            Some((_, values)) => values.push(value),
            None => groups.push((name, vec![value])),
        }
    }
    groups.sort_by_cached_key(|(name, _)| crate::search::fold(name));
    groups
        .into_iter()
        .map(|(name, mut values)| {
            values.sort_by(|a, b| a.0.cmp(&b.0));
            Field {
                name,
                values: values.into_iter().map(|(_, view)| view).collect(),
            }
        })
        .collect()
}

/// Where a value goes among the values of a field: awards and levels by
/// rank (Or, Argent, Bronze), categories in the order of the release, then
/// every value in French order (accents and case aside).
type Order = (u64, String);

fn value_order(state: &AppState, value: &Term, view: &TermView) -> Order {
    let base = &state.names.base;
    let index = &state.query_index;
    let level = base.rebase_node(ti::LEVEL_OF.into_owned());
    let orders = [ti::RANK, ti::POSITION].map(|p| base.rebase_node(p.into_owned()));
    let number = |subject: NamedNodeRef<'_>| {
        orders.iter().find_map(|order| {
            index
                .quads_for_pattern(Some(subject.into()), Some(order.as_ref()), None, None)
                .find_map(|q| match q.object {
                    TermRef::Literal(l) => l.value().parse::<u64>().ok(),
                    _ => None,
                })
        })
    };
    let position = match value {
        Term::NamedNode(node) => number(node.as_ref()).or_else(|| {
            index
                .quads_for_pattern(Some(node.as_ref().into()), Some(level.as_ref()), None, None)
                .find_map(|q| match q.object {
                    TermRef::NamedNode(level) => number(level),
                    _ => None,
                })
        }),
        _ => None,
    };
    (
        position.unwrap_or(u64::MAX),
        crate::search::fold(&view.text),
    )
}

/// A value as a reader sees it: a link by its label; a literal in French,
/// without its datatype; a laureate with where it is.
fn reader_view(state: &AppState, predicate: &NamedNode, value: &Term) -> TermView {
    let mut view = TermView::of(state, value);
    view.note = None;
    if let Term::Literal(literal) = value {
        view.text = reading::literal_in_french(literal);
    }
    let laureate = state.names.base.rebase_node(ti::LAUREATE.into_owned());
    if *predicate == laureate
        && let Term::NamedNode(organisation) = value
    {
        view.note = place_of(state, organisation);
    }
    view
}

/// Where an organisation is: its département and région, by name.
fn place_of(state: &AppState, organisation: &NamedNode) -> Option<String> {
    let base = &state.names.base;
    let names: Vec<String> = [ti::DEPARTEMENT, ti::REGION]
        .iter()
        .filter_map(|property| {
            let property = base.rebase_node(property.into_owned());
            state
                .query_index
                .quads_for_pattern(
                    Some(organisation.as_ref().into()),
                    Some(property.as_ref()),
                    None,
                    Some(state.names.data_graph.as_ref().into()),
                )
                .find_map(|q| match q.object {
                    TermRef::NamedNode(place) => label(&state.names, &state.query_index, place),
                    _ => None,
                })
                .map(|l| l.value().to_owned())
        })
        .collect();
    (!names.is_empty()).then(|| format!("({})", names.join(", ")))
}

/// The schema.org JSON-LD embedded in a resource page.
fn schema_org(
    state: &AppState,
    iri: &NamedNode,
    name: &str,
    description: Option<&str>,
    types: &[NamedNode],
) -> serde_json::Value {
    let base = &state.names.base;
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
