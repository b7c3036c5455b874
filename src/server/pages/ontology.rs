//! The documentation page of the ontology: a diagram of the model, its
//! classes (each with a worked example from the data) and properties, the
//! standard terms the data uses with how it uses them, and the concept
//! schemes, with French and English labels and comments.

use super::diagram::{self, Class, Link, LinkKind};
use super::{TermView, compact, local_href, render};
use crate::describe::label;
use crate::rdf::vocab::{PREFIXES, owl, skos, ti};
use crate::server::AppState;
use axum::http::StatusCode;
use axum::response::Response;
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::vocab::{rdf, rdfs, xsd};
use oxigraph::model::{
    GraphNameRef, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, NamedOrBlankNodeRef, QuadRef,
    Term, Triple,
};
use serde::Serialize;

const OWL_CLASS: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://www.w3.org/2002/07/owl#Class");
const OWL_OBJECT_PROPERTY: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://www.w3.org/2002/07/owl#ObjectProperty");
const OWL_DATATYPE_PROPERTY: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://www.w3.org/2002/07/owl#DatatypeProperty");
const OWL_DEPRECATED_PROPERTY: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://www.w3.org/2002/07/owl#DeprecatedProperty");
const VANN_USAGE_NOTE: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://purl.org/vocab/vann/usageNote");
const SCHEMA_DOMAIN_INCLUDES: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://schema.org/domainIncludes");

#[derive(Serialize)]
struct Fact {
    name: &'static str,
    values: Vec<TermView>,
}

#[derive(Serialize)]
struct TermDoc {
    local: String,
    iri: String,
    label_fr: String,
    label_en: String,
    comment_fr: String,
    comment_en: String,
    deprecated: bool,
    facts: Vec<Fact>,
    example: Option<Example>,
}

/// An instance of a class, as the data describes it.
#[derive(Serialize)]
struct Example {
    href: String,
    name: String,
    instances: usize,
    turtle: String,
}

/// A term of another vocabulary that the data uses.
#[derive(Serialize)]
struct StandardTermDoc {
    anchor: String,
    prefixed: String,
    iri: String,
    note_fr: String,
    note_en: String,
    entailed_from: Vec<TermView>,
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

/// The value of the first literal in `lang` among the objects of `quads`
/// (empty if none).
fn in_language(quads: Vec<oxigraph::model::Quad>, lang: &str) -> String {
    quads
        .into_iter()
        .find_map(|q| match q.object {
            Term::Literal(l) if l.language() == Some(lang) => Some(l.value().to_owned()),
            _ => None,
        })
        .unwrap_or_default()
}

/// Renders the ontology page.
pub fn ontology(state: &AppState) -> Response {
    let names = &state.names;
    let base = &names.base;
    let namespace = base.rebase_str(ti::NAMESPACE);
    let in_graph = |graph: &NamedNode,
                    s: Option<NamedNodeRef<'_>>,
                    p: NamedNodeRef<'_>,
                    o: Option<NamedNodeRef<'_>>| {
        state
            .query_index
            .quads_for_pattern(
                s.map(Into::into),
                Some(p),
                o.map(Into::into),
                Some(GraphNameRef::NamedNode(graph.as_ref())),
            )
            .map(QuadRef::into_owned)
            .collect::<Vec<_>>()
    };
    let ontology_graph = &names.ontology_graph;
    let data_graph = &names.data_graph;
    let text = |s: NamedNodeRef<'_>, p: NamedNodeRef<'_>, lang: &str| {
        in_language(in_graph(ontology_graph, Some(s), p, None), lang)
    };
    let objects = |s: NamedNodeRef<'_>, p: NamedNodeRef<'_>| -> Vec<NamedNode> {
        in_graph(ontology_graph, Some(s), p, None)
            .into_iter()
            .filter_map(|q| match q.object {
                Term::NamedNode(n) => Some(n),
                _ => None,
            })
            .collect()
    };
    let own_terms = |class: NamedNodeRef<'_>| {
        let mut terms: Vec<NamedNode> = in_graph(ontology_graph, None, rdf::TYPE, Some(class))
            .into_iter()
            .filter_map(|q| match q.subject {
                NamedOrBlankNode::NamedNode(n) if n.as_str().starts_with(&namespace) => Some(n),
                _ => None,
            })
            .collect();
        terms.sort();
        terms.dedup();
        terms
    };
    let documented = |terms: &[NamedNode]| {
        terms
            .iter()
            .map(|term| {
                let facts = [
                    ("sous-classe de", rdfs::SUB_CLASS_OF),
                    ("sous-propriété de", rdfs::SUB_PROPERTY_OF),
                    ("équivalente à", owl::EQUIVALENT_PROPERTY),
                    ("inverse de", owl::INVERSE_OF),
                    ("domaine", rdfs::DOMAIN),
                    ("employée sur", SCHEMA_DOMAIN_INCLUDES),
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
                let deprecated =
                    in_graph(ontology_graph, Some(term.as_ref()), owl::DEPRECATED, None)
                        .iter()
                        .any(|q| q.object == Literal::from(true).into());
                TermDoc {
                    local: term.as_str()[namespace.len()..].to_owned(),
                    iri: term.as_str().to_owned(),
                    label_fr: text(term.as_ref(), rdfs::LABEL, "fr"),
                    label_en: text(term.as_ref(), rdfs::LABEL, "en"),
                    comment_fr: text(term.as_ref(), rdfs::COMMENT, "fr"),
                    comment_en: text(term.as_ref(), rdfs::COMMENT, "en"),
                    deprecated,
                    facts,
                    example: None,
                }
            })
            .collect::<Vec<_>>()
    };
    let class_terms = own_terms(OWL_CLASS);
    let mut classes = documented(&class_terms);
    for (doc, class) in classes.iter_mut().zip(&class_terms) {
        doc.example = example(state, class.as_ref());
    }
    let mut property_terms = own_terms(OWL_OBJECT_PROPERTY);
    property_terms.extend(own_terms(OWL_DATATYPE_PROPERTY));
    property_terms.sort();
    property_terms.dedup();
    let properties = documented(&property_terms);

    // The standard terms the data uses, each with the ontology's usage note
    // and the terms of its own that entail it.
    let mut standard: Vec<StandardTermDoc> = in_graph(ontology_graph, None, VANN_USAGE_NOTE, None)
        .into_iter()
        .filter_map(|q| match q.subject {
            NamedOrBlankNode::NamedNode(n) => Some(n),
            _ => None,
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|term| {
            let prefixed = compact(base, term.as_str());
            let note = |lang: &str| text(term.as_ref(), VANN_USAGE_NOTE, lang);
            let mut entailed_from: Vec<NamedNode> = [rdfs::SUB_CLASS_OF, rdfs::SUB_PROPERTY_OF]
                .into_iter()
                .flat_map(|p| in_graph(ontology_graph, None, p, Some(term.as_ref())))
                .filter_map(|q| match q.subject {
                    NamedOrBlankNode::NamedNode(n) if n.as_str().starts_with(&namespace) => Some(n),
                    _ => None,
                })
                .collect();
            entailed_from.sort();
            StandardTermDoc {
                anchor: prefixed.replace(':', "-"),
                iri: term.as_str().to_owned(),
                note_fr: note("fr"),
                note_en: note("en"),
                entailed_from: entailed_from
                    .iter()
                    .map(|n| TermView::iri(state, n.as_ref()))
                    .collect(),
                prefixed,
            }
        })
        .collect();
    standard.sort_by(|a, b| a.prefixed.cmp(&b.prefixed));

    let mut schemes: Vec<SchemeDoc> =
        in_graph(data_graph, None, rdf::TYPE, Some(skos::CONCEPT_SCHEME))
            .into_iter()
            .filter_map(|q| match q.subject {
                NamedOrBlankNode::NamedNode(scheme) => Some(scheme),
                _ => None,
            })
            .map(|scheme| {
                let concept_label = |c: NamedNodeRef<'_>, lang: &str| {
                    in_language(in_graph(data_graph, Some(c), skos::PREF_LABEL, None), lang)
                };
                let mut concepts: Vec<ConceptDoc> =
                    in_graph(data_graph, None, skos::IN_SCHEME, Some(scheme.as_ref()))
                        .into_iter()
                        .filter_map(|q| match q.subject {
                            NamedOrBlankNode::NamedNode(c) => Some(c),
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
                    label: label(names, &state.query_index, scheme.as_ref())
                        .map(|l| l.value().to_owned())
                        .unwrap_or_default(),
                    concepts,
                }
            })
            .collect();
    schemes.sort_by(|a, b| a.id.cmp(&b.id));

    let (nodes, links) = model(state, &class_terms, &property_terms, &objects);
    let diagram = diagram::draw(
        &nodes,
        &links,
        "Diagramme du modèle",
        &format!(
            "{} classes, {} flèches : chaque flèche pleine est une propriété, de son domaine vers sa portée ; une flèche en tirets va d'une sous-classe vers sa classe. Chaque classe est décrite en texte ci-dessous.",
            nodes.len(),
            links.len()
        ),
    );

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
            diagram => minijinja::Value::from_safe_string(diagram),
            classes => classes,
            properties => properties,
            standard => standard,
            schemes => schemes,
            json_ld => json_ld,
        },
        StatusCode::OK,
    )
}

/// The classes and arrows of the diagram: the ontology's classes and the
/// classes its object properties start from or point at; one arrow per
/// object property (not for a deprecated one nor for an inverse, drawn
/// already), one per `rdfs:subClassOf` between drawn classes; each class
/// lists the literal properties used on it.
fn model(
    state: &AppState,
    classes: &[NamedNode],
    properties: &[NamedNode],
    objects: &dyn Fn(NamedNodeRef<'_>, NamedNodeRef<'_>) -> Vec<NamedNode>,
) -> (Vec<Class>, Vec<Link>) {
    let base = &state.names.base;
    let mut drawn: Vec<NamedNode> = classes.to_vec();
    let starts = |property: &NamedNode| {
        let mut domains = objects(property.as_ref(), rdfs::DOMAIN);
        domains.extend(objects(property.as_ref(), SCHEMA_DOMAIN_INCLUDES));
        domains
    };
    let is = |property: &NamedNode, kind: NamedNodeRef<'_>| {
        objects(property.as_ref(), rdf::TYPE)
            .iter()
            .any(|t| t.as_ref() == kind)
    };
    let shown = |property: &NamedNode| {
        objects(property.as_ref(), owl::INVERSE_OF).is_empty()
            && !is(property, OWL_DEPRECATED_PROPERTY)
    };
    let arrows: Vec<(NamedNode, NamedNode, NamedNode)> = properties
        .iter()
        .filter(|p| is(p, OWL_OBJECT_PROPERTY) && shown(p))
        .flat_map(|p| {
            let ranges = objects(p.as_ref(), rdfs::RANGE);
            starts(p)
                .into_iter()
                .flat_map(move |d| ranges.clone().into_iter().map(move |r| (d.clone(), r)))
                .map(move |(d, r)| (d, r, p.clone()))
        })
        .collect();
    for (domain, range, _) in &arrows {
        for class in [domain, range] {
            if !drawn.contains(class) {
                drawn.push(class.clone());
            }
        }
    }
    let index = |class: &NamedNode| drawn.iter().position(|c| c == class);
    let mut links: Vec<Link> = arrows
        .iter()
        .filter_map(|(domain, range, property)| {
            Some(Link {
                from: index(domain)?,
                to: index(range)?,
                name: compact(base, property.as_str()),
                kind: LinkKind::Property,
            })
        })
        .collect();
    for class in &drawn {
        for parent in objects(class.as_ref(), rdfs::SUB_CLASS_OF) {
            if let (Some(from), Some(to)) = (index(class), index(&parent)) {
                links.push(Link {
                    from,
                    to,
                    name: String::new(),
                    kind: LinkKind::SubClass,
                });
            }
        }
    }
    let nodes = drawn
        .iter()
        .map(|class| {
            let attributes = properties
                .iter()
                .filter(|p| is(p, OWL_DATATYPE_PROPERTY) && starts(p).contains(class))
                .map(|p| {
                    let range = objects(p.as_ref(), rdfs::RANGE)
                        .first()
                        .map(|r| compact(base, r.as_str()))
                        .unwrap_or_else(|| "littéral".into());
                    format!("{} : {range}", compact(base, p.as_str()))
                })
                .collect();
            let name = compact(base, class.as_str());
            let href = match name.strip_prefix("ti:") {
                Some(local) => format!("#{local}"),
                None => format!("#{}", name.replace(':', "-")),
            };
            Class {
                name,
                href,
                attributes,
            }
        })
        .collect();
    (nodes, links)
}

/// The first instance of `class` in the data graph (by IRI), as Turtle, and
/// how many instances the data graph has.
fn example(state: &AppState, class: NamedNodeRef<'_>) -> Option<Example> {
    let names = &state.names;
    let graph = GraphNameRef::NamedNode(names.data_graph.as_ref());
    let mut instances: Vec<NamedNode> = state
        .query_index
        .quads_for_pattern(None, Some(rdf::TYPE), Some(class.into()), Some(graph))
        .filter_map(|q| match q.subject {
            NamedOrBlankNodeRef::NamedNode(n) => Some(n.into_owned()),
            _ => None,
        })
        .collect();
    instances.sort();
    let instance = instances.first()?;
    let triples: Vec<Triple> = state
        .query_index
        .quads_for_pattern(Some(instance.as_ref().into()), None, None, Some(graph))
        .map(|q| Triple::from(q.into_owned()))
        .collect();
    let base = &names.base;
    let mut serializer = RdfSerializer::from_format(RdfFormat::Turtle);
    for (prefix, namespace) in PREFIXES {
        let namespace = base.rebase_str(namespace);
        let used = triples.iter().any(|t| {
            t.predicate.as_str().starts_with(&namespace)
                || matches!(&t.object, Term::NamedNode(n) if n.as_str().starts_with(&namespace))
                || matches!(&t.object, Term::Literal(l) if l.datatype().as_str().starts_with(&namespace) && l.datatype() != xsd::STRING)
        });
        if used {
            serializer = serializer.with_prefix(*prefix, namespace).ok()?;
        }
    }
    let mut writer = serializer.for_writer(Vec::new());
    for triple in &triples {
        writer.serialize_triple(triple).ok()?;
    }
    let turtle = String::from_utf8(writer.finish().ok()?).ok()?;
    Some(Example {
        href: local_href(base, instance.as_str()).unwrap_or_else(|| instance.as_str().to_owned()),
        name: label(names, &state.query_index, instance.as_ref())
            .map(|l| l.value().to_owned())
            .unwrap_or_else(|| compact(base, instance.as_str())),
        instances: instances.len(),
        turtle,
    })
}
