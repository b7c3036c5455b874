//! The triples that the ontology's alignments entail: a query written with
//! the standard vocabularies the ontology aligns with (`dct:subject` for
//! `ti:category`, `foaf:Project` for `ti:Project`…) or with a deprecated
//! term (`ti:label` for `ti:editionOf`) answers as one written with the
//! ontology's own terms.
//!
//! Only the ontology's own axioms are applied — `rdfs:subPropertyOf`,
//! `rdfs:subClassOf`, `owl:equivalentProperty`, `owl:equivalentClass`
//! (both ways) and `owl:inverseOf` — transitively; the hierarchies inside
//! the standard vocabularies are theirs to entail. The entailed triples go
//! to their own named graph, so that the data graph stays what the sources
//! say.

use super::graph::GraphRef;
use oxigraph::model::vocab::{rdf, rdfs};
use oxigraph::model::{NamedNode, NamedOrBlankNodeRef, TermRef, Triple, TripleRef};
use std::collections::{BTreeMap, BTreeSet};

use super::vocab::owl;

/// The ontology's alignments: for each of its properties and classes (by
/// IRI), every property or class it entails.
#[derive(Debug, Default)]
pub struct Alignments {
    properties: BTreeMap<String, BTreeSet<NamedNode>>,
    inverses: BTreeMap<String, BTreeSet<NamedNode>>,
    classes: BTreeMap<String, BTreeSet<NamedNode>>,
}

impl Alignments {
    /// Reads the alignments stated by the `ontology` triples.
    pub fn from_ontology<'a>(ontology: impl Into<GraphRef<'a>>) -> Self {
        let mut properties: BTreeMap<NamedNode, BTreeSet<NamedNode>> = BTreeMap::new();
        let mut classes: BTreeMap<NamedNode, BTreeSet<NamedNode>> = BTreeMap::new();
        let mut inverses: BTreeMap<NamedNode, BTreeSet<NamedNode>> = BTreeMap::new();
        for triple in ontology.into().iter() {
            let (NamedOrBlankNodeRef::NamedNode(term), TermRef::NamedNode(other)) =
                (triple.subject, triple.object)
            else {
                continue;
            };
            let (term, other) = (term.into_owned(), other.into_owned());
            let predicate = triple.predicate;
            if predicate == rdfs::SUB_PROPERTY_OF {
                properties.entry(term).or_default().insert(other);
            } else if predicate == owl::EQUIVALENT_PROPERTY {
                properties
                    .entry(other.clone())
                    .or_default()
                    .insert(term.clone());
                properties.entry(term).or_default().insert(other);
            } else if predicate == rdfs::SUB_CLASS_OF {
                classes.entry(term).or_default().insert(other);
            } else if predicate == owl::EQUIVALENT_CLASS {
                classes
                    .entry(other.clone())
                    .or_default()
                    .insert(term.clone());
                classes.entry(term).or_default().insert(other);
            } else if predicate == owl::INVERSE_OF {
                inverses
                    .entry(other.clone())
                    .or_default()
                    .insert(term.clone());
                inverses.entry(term).or_default().insert(other);
            }
        }
        Self {
            properties: by_iri(closure(properties)),
            inverses: by_iri(inverses),
            classes: by_iri(closure(classes)),
        }
    }

    /// Whether the ontology states no alignment at all.
    pub fn is_empty(&self) -> bool {
        self.properties.is_empty() && self.classes.is_empty() && self.inverses.is_empty()
    }

    /// The triples `triple` entails, other than itself (some may be stated
    /// in the data too: the caller keeps those out).
    pub fn entailed(&self, triple: TripleRef<'_>) -> Vec<Triple> {
        let mut entailed = Vec::new();
        let predicate = triple.predicate;
        if predicate == rdf::TYPE {
            if let TermRef::NamedNode(class) = triple.object {
                for super_class in self.classes.get(class.as_str()).into_iter().flatten() {
                    entailed.push(Triple::new(triple.subject, predicate, super_class.clone()));
                }
            }
            return entailed;
        }
        let supers = self
            .properties
            .get(predicate.as_str())
            .into_iter()
            .flatten();
        for property in std::iter::once(predicate).chain(supers.map(NamedNode::as_ref)) {
            if property != predicate {
                entailed.push(Triple::new(triple.subject, property, triple.object));
            }
            let Some(inverses) = self.inverses.get(property.as_str()) else {
                continue;
            };
            let object = match triple.object {
                TermRef::NamedNode(node) => NamedOrBlankNodeRef::from(node),
                TermRef::BlankNode(node) => NamedOrBlankNodeRef::from(node),
                _ => continue,
            };
            for inverse in inverses {
                let supers = self.properties.get(inverse.as_str()).into_iter().flatten();
                for property in std::iter::once(inverse).chain(supers) {
                    entailed.push(Triple::new(object, property.as_ref(), triple.subject));
                }
            }
        }
        entailed
    }
}

/// `alignments` keyed by their terms' IRIs, so that a term is looked up
/// without a copy.
fn by_iri(
    alignments: BTreeMap<NamedNode, BTreeSet<NamedNode>>,
) -> BTreeMap<String, BTreeSet<NamedNode>> {
    alignments
        .into_iter()
        .map(|(term, entailed)| (term.into_string(), entailed))
        .collect()
}

/// The transitive closure of `direct`, each term without itself.
fn closure(
    direct: BTreeMap<NamedNode, BTreeSet<NamedNode>>,
) -> BTreeMap<NamedNode, BTreeSet<NamedNode>> {
    direct
        .keys()
        .map(|term| {
            let mut reached = BTreeSet::new();
            let mut next: Vec<&NamedNode> = direct[term].iter().collect();
            while let Some(other) = next.pop() {
                if other != term && reached.insert(other.clone()) {
                    next.extend(direct.get(other).into_iter().flatten());
                }
            }
            (term.clone(), reached)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::parse_turtle;
    use std::path::Path;

    fn triples(turtle: &str) -> Vec<Triple> {
        let prefixes = "PREFIX ex: <http://example.org/> \
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> \
            PREFIX owl: <http://www.w3.org/2002/07/owl#> ";
        parse_turtle(Path::new("test.ttl"), &format!("{prefixes}{turtle}"))
            .unwrap()
            .into_iter()
            .map(Triple::from)
            .collect()
    }

    fn entailed(ontology: &str, data: &str) -> BTreeSet<String> {
        let alignments = Alignments::from_ontology(&triples(ontology));
        triples(data)
            .iter()
            .flat_map(|t| alignments.entailed(t.as_ref()))
            .map(|t| t.to_string())
            .collect()
    }

    #[test]
    fn sub_properties_are_entailed_transitively() {
        let got = entailed(
            "ex:a rdfs:subPropertyOf ex:b . ex:b rdfs:subPropertyOf ex:c .",
            "ex:s ex:a ex:o .",
        );
        assert_eq!(
            got,
            BTreeSet::from([
                "<http://example.org/s> <http://example.org/b> <http://example.org/o>".into(),
                "<http://example.org/s> <http://example.org/c> <http://example.org/o>".into(),
            ])
        );
    }

    #[test]
    fn classes_are_entailed_through_sub_and_equivalent_classes() {
        let got = entailed(
            "ex:A rdfs:subClassOf ex:B . ex:B owl:equivalentClass ex:C .",
            "ex:s a ex:A . ex:t a ex:C .",
        );
        let rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>";
        assert_eq!(
            got,
            BTreeSet::from([
                format!("<http://example.org/s> {rdf_type} <http://example.org/B>"),
                format!("<http://example.org/s> {rdf_type} <http://example.org/C>"),
                format!("<http://example.org/t> {rdf_type} <http://example.org/B>"),
            ])
        );
    }

    #[test]
    fn an_equivalent_deprecated_property_keeps_answering() {
        let got = entailed(
            "ex:old owl:equivalentProperty ex:new . ex:new rdfs:subPropertyOf ex:part .",
            "ex:s ex:new ex:o .",
        );
        assert_eq!(
            got,
            BTreeSet::from([
                "<http://example.org/s> <http://example.org/old> <http://example.org/o>".into(),
                "<http://example.org/s> <http://example.org/part> <http://example.org/o>".into(),
            ])
        );
    }

    #[test]
    fn inverses_are_entailed_for_resources_only() {
        let got = entailed(
            "ex:has owl:inverseOf ex:of .",
            "ex:s ex:has ex:o . ex:s ex:has \"literal\" . ex:o ex:of ex:s .",
        );
        assert_eq!(
            got,
            BTreeSet::from([
                "<http://example.org/o> <http://example.org/of> <http://example.org/s>".into(),
                "<http://example.org/s> <http://example.org/has> <http://example.org/o>".into(),
            ])
        );
    }

    #[test]
    fn a_cycle_of_sub_properties_ends() {
        let got = entailed(
            "ex:a rdfs:subPropertyOf ex:b . ex:b rdfs:subPropertyOf ex:a .",
            "ex:s ex:a ex:o .",
        );
        assert_eq!(
            got,
            BTreeSet::from([
                "<http://example.org/s> <http://example.org/b> <http://example.org/o>".into()
            ])
        );
    }
}
