//! What a Linked Data document says about a resource: its own triples, the
//! triples that point at it, and the labels of every resource they link, so
//! that a reader can navigate without another request.

use crate::rdf::vocab::{dct, skos, ti};
use crate::store::DataSet;
use oxigraph::model::vocab::rdfs;
use oxigraph::model::{
    GraphName, GraphNameRef, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term, Triple,
};
use std::collections::{BTreeSet, HashSet};

/// The properties that name a resource, in order of preference.
pub const LABEL_PROPERTIES: [NamedNodeRef<'static>; 3] =
    [skos::PREF_LABEL, rdfs::LABEL, dct::TITLE];

/// The description of a resource, or `None` when the data set says nothing
/// about it. The ontology IRI and graph names describe their whole graph.
pub fn describe(data_set: &DataSet, iri: &NamedNode) -> Option<Vec<Triple>> {
    let store = &data_set.store;
    let mut triples = HashSet::new();
    let whole_graph = if *iri == data_set.base.rebase_node(ti::ONTOLOGY.into_owned()) {
        Some(data_set.ontology_graph.clone())
    } else if [
        &data_set.data_graph,
        &data_set.ontology_graph,
        &data_set.alignments_graph,
        &data_set.catalog_graph,
    ]
    .contains(&iri)
    {
        Some(iri.clone())
    } else {
        None
    };
    if let Some(graph) = whole_graph {
        for quad in store
            .quads_for_pattern(
                None,
                None,
                None,
                Some(GraphNameRef::NamedNode(graph.as_ref())),
            )
            .filter_map(Result::ok)
        {
            triples.insert(Triple::from(quad));
        }
    }
    // What the sources and the ontology state; the entailed triples are the
    // alignments graph's document, not each resource's.
    let entailed = GraphName::NamedNode(data_set.alignments_graph.clone());
    let stated = |quad: &Quad| quad.graph_name != entailed;
    let own: Vec<Triple> = store
        .quads_for_pattern(Some(iri.as_ref().into()), None, None, None)
        .filter_map(Result::ok)
        .filter(stated)
        .map(Triple::from)
        .collect();
    let incoming: Vec<Triple> = store
        .quads_for_pattern(None, None, Some(iri.as_ref().into()), None)
        .filter_map(Result::ok)
        .filter(stated)
        .map(Triple::from)
        .collect();
    if own.is_empty() && incoming.is_empty() && triples.is_empty() {
        return None;
    }
    let mut linked = BTreeSet::new();
    for triple in &own {
        if let Term::NamedNode(object) = &triple.object {
            linked.insert(object.clone());
        }
        linked.insert(triple.predicate.clone());
    }
    for triple in &incoming {
        if let NamedOrBlankNode::NamedNode(subject) = &triple.subject {
            linked.insert(subject.clone());
        }
        linked.insert(triple.predicate.clone());
    }
    triples.extend(own);
    triples.extend(incoming);
    for node in linked {
        for property in LABEL_PROPERTIES {
            triples.extend(
                store
                    .quads_for_pattern(Some(node.as_ref().into()), Some(property), None, None)
                    .filter_map(Result::ok)
                    .filter(stated)
                    .map(Triple::from),
            );
        }
    }
    let mut triples: Vec<Triple> = triples.into_iter().collect();
    triples.sort_by_cached_key(|t| {
        (
            t.subject.to_string(),
            t.predicate.to_string(),
            t.object.to_string(),
        )
    });
    Some(triples)
}

/// The best label of `iri` for a French reader: a French label first, then
/// any label, by the order of [`LABEL_PROPERTIES`].
pub fn label(data_set: &DataSet, iri: NamedNodeRef<'_>) -> Option<Literal> {
    let mut best: Option<(u8, Literal)> = None;
    let entailed = GraphName::NamedNode(data_set.alignments_graph.clone());
    for (rank, property) in LABEL_PROPERTIES.iter().enumerate() {
        for quad in data_set
            .store
            .quads_for_pattern(Some(iri.into()), Some(*property), None, None)
            .filter_map(Result::ok)
            .filter(|quad| quad.graph_name != entailed)
        {
            if let Term::Literal(literal) = quad.object {
                let score = rank as u8 * 2 + u8::from(literal.language() != Some("fr"));
                if best.as_ref().is_none_or(|(s, _)| score < *s) {
                    best = Some((score, literal));
                }
            }
        }
    }
    best.map(|(_, literal)| literal)
}
