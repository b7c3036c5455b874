//! The documentation page of the ontology: classes, properties and concept
//! schemes, with their French and English labels and comments.

use super::{TermView, local_href, render};
use crate::describe::label;
use crate::rdf::vocab::{skos, ti};
use crate::server::AppState;
use axum::http::StatusCode;
use axum::response::Response;
use oxigraph::model::vocab::{rdf, rdfs};
use oxigraph::model::{GraphNameRef, NamedNode, NamedNodeRef, Term};
use serde::Serialize;

const OWL_CLASS: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://www.w3.org/2002/07/owl#Class");
const OWL_OBJECT_PROPERTY: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://www.w3.org/2002/07/owl#ObjectProperty");
const OWL_DATATYPE_PROPERTY: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://www.w3.org/2002/07/owl#DatatypeProperty");

#[derive(Serialize)]
struct Fact {
    name: &'static str,
    values: Vec<TermView>,
}

#[derive(Serialize)]
struct TermDoc {
    local: String,
    label_fr: String,
    label_en: String,
    comment_fr: String,
    comment_en: String,
    facts: Vec<Fact>,
}

#[derive(Serialize)]
struct ConceptDoc {
    id: String,
    href: String,
    label_fr: String,
    label_en: String,
}

#[derive(Serialize)]
struct SchemeDoc {
    id: String,
    href: String,
    label: String,
    concepts: Vec<ConceptDoc>,
}

/// Renders the ontology page.
pub fn ontology(state: &AppState) -> Response {
    let data_set = &state.data_set;
    let base = &data_set.base;
    let namespace = base.rebase_str(ti::NAMESPACE);
    let in_graph = |graph: &NamedNode,
                    s: Option<NamedNodeRef<'_>>,
                    p: NamedNodeRef<'_>,
                    o: Option<NamedNodeRef<'_>>| {
        data_set
            .store
            .quads_for_pattern(
                s.map(Into::into),
                Some(p),
                o.map(Into::into),
                Some(GraphNameRef::NamedNode(graph.as_ref())),
            )
            .filter_map(Result::ok)
            .collect::<Vec<_>>()
    };
    let ontology_graph = &data_set.ontology_graph;
    let text = |s: NamedNodeRef<'_>, p: NamedNodeRef<'_>, lang: &str| {
        in_graph(ontology_graph, Some(s), p, None)
            .into_iter()
            .find_map(|q| match q.object {
                Term::Literal(l) if l.language() == Some(lang) => Some(l.value().to_owned()),
                _ => None,
            })
            .unwrap_or_default()
    };
    let documented = |class: NamedNodeRef<'_>| {
        let mut terms: Vec<NamedNode> = in_graph(ontology_graph, None, rdf::TYPE, Some(class))
            .into_iter()
            .filter_map(|q| match q.subject {
                oxigraph::model::NamedOrBlankNode::NamedNode(n)
                    if n.as_str().starts_with(&namespace) =>
                {
                    Some(n)
                }
                _ => None,
            })
            .collect();
        terms.sort();
        terms.dedup();
        terms
            .into_iter()
            .map(|term| {
                let facts = [
                    ("sous-classe de", rdfs::SUB_CLASS_OF),
                    ("sous-propriété de", rdfs::SUB_PROPERTY_OF),
                    ("domaine", rdfs::DOMAIN),
                    ("portée", rdfs::RANGE),
                ]
                .into_iter()
                .filter_map(|(name, property)| {
                    let values: Vec<TermView> =
                        in_graph(ontology_graph, Some(term.as_ref()), property, None)
                            .iter()
                            .map(|q| TermView::of(state, &q.object))
                            .collect();
                    (!values.is_empty()).then_some(Fact { name, values })
                })
                .collect();
                TermDoc {
                    local: term.as_str()[namespace.len()..].to_owned(),
                    label_fr: text(term.as_ref(), rdfs::LABEL, "fr"),
                    label_en: text(term.as_ref(), rdfs::LABEL, "en"),
                    comment_fr: text(term.as_ref(), rdfs::COMMENT, "fr"),
                    comment_en: text(term.as_ref(), rdfs::COMMENT, "en"),
                    facts,
                }
            })
            .collect::<Vec<_>>()
    };
    let classes = documented(OWL_CLASS);
    let mut properties = documented(OWL_OBJECT_PROPERTY);
    properties.extend(documented(OWL_DATATYPE_PROPERTY));
    properties.sort_by(|a, b| a.local.cmp(&b.local));

    let data_graph = &data_set.data_graph;
    let mut schemes: Vec<SchemeDoc> =
        in_graph(data_graph, None, rdf::TYPE, Some(skos::CONCEPT_SCHEME))
            .into_iter()
            .filter_map(|q| match q.subject {
                oxigraph::model::NamedOrBlankNode::NamedNode(scheme) => Some(scheme),
                _ => None,
            })
            .map(|scheme| {
                let concept_label = |c: NamedNodeRef<'_>, lang: &str| {
                    in_graph(data_graph, Some(c), skos::PREF_LABEL, None)
                        .into_iter()
                        .find_map(|q| match q.object {
                            Term::Literal(l) if l.language() == Some(lang) => {
                                Some(l.value().to_owned())
                            }
                            _ => None,
                        })
                        .unwrap_or_default()
                };
                let mut concepts: Vec<ConceptDoc> =
                    in_graph(data_graph, None, skos::IN_SCHEME, Some(scheme.as_ref()))
                        .into_iter()
                        .filter_map(|q| match q.subject {
                            oxigraph::model::NamedOrBlankNode::NamedNode(c) => Some(c),
                            _ => None,
                        })
                        .map(|c| ConceptDoc {
                            id: c.as_str().rsplit('/').next().unwrap_or_default().to_owned(),
                            href: local_href(base, c.as_str())
                                .unwrap_or_else(|| c.as_str().to_owned()),
                            label_fr: concept_label(c.as_ref(), "fr"),
                            label_en: concept_label(c.as_ref(), "en"),
                        })
                        .collect();
                concepts.sort_by(|a, b| a.label_fr.cmp(&b.label_fr));
                SchemeDoc {
                    id: scheme
                        .as_str()
                        .rsplit('/')
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                    href: local_href(base, scheme.as_str())
                        .unwrap_or_else(|| scheme.as_str().to_owned()),
                    label: label(data_set, scheme.as_ref())
                        .map(|l| l.value().to_owned())
                        .unwrap_or_default(),
                    concepts,
                }
            })
            .collect();
    schemes.sort_by(|a, b| a.id.cmp(&b.id));

    let ontology = base.rebase_node(ti::ONTOLOGY.into_owned());
    let title = text(ontology.as_ref(), rdfs::LABEL, "fr");
    let json_ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "DefinedTermSet",
        "@id": ontology.as_str(),
        "name": title,
        "url": ontology.as_str(),
    });
    render(
        "ontology.html",
        minijinja::context! {
            title => title,
            comment => text(ontology.as_ref(), rdfs::COMMENT, "fr"),
            namespace => namespace,
            classes => classes,
            properties => properties,
            schemes => schemes,
            json_ld => json_ld,
        },
        StatusCode::OK,
    )
}
