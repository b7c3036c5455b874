//! What a Linked Data document says about a resource: its own triples, the
//! triples that point at it, and the labels of every resource they link, so
//! that a reader can navigate without another request.

use crate::rdf::order::triple_order;
use crate::rdf::vocab::{dct, skos, ti};
use crate::sparql::index::QueryIndex;
use crate::store::GraphNames;
use oxigraph::model::vocab::rdfs;
use oxigraph::model::{
    GraphNameRef, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, QuadRef, Term, TermRef,
    Triple, TripleRef,
};
use std::collections::BTreeSet;
use std::sync::Arc;

/// The properties that name a resource, in order of preference.
pub const LABEL_PROPERTIES: [NamedNodeRef<'static>; 3] =
    [skos::PREF_LABEL, rdfs::LABEL, dct::TITLE];

/// The description of a resource in `names`, read from its query index
/// `index`, each triple once in the order of the dumps
/// ([`crate::rdf::order`]), or `None` when the data set says nothing about
/// it. The ontology IRI and graph names describe their whole graph.
pub fn describe(
    names: &GraphNames,
    index: &Arc<QueryIndex>,
    iri: &NamedNode,
) -> Option<Vec<Triple>> {
    let mut triples = Vec::new();
    let whole_graph = if *iri == names.base.rebase_node(ti::ONTOLOGY.into_owned()) {
        Some(names.ontology_graph.clone())
    } else if [
        &names.data_graph,
        &names.ontology_graph,
        &names.alignments_graph,
        &names.catalog_graph,
    ]
    .contains(&iri)
    {
        Some(iri.clone())
    } else {
        None
    };
    if let Some(graph) = whole_graph {
        triples.extend(
            index
                .quads_for_pattern(None, None, None, Some(graph.as_ref().into()))
                .map(owned_triple),
        );
    }
    // What the sources and the ontology state; the entailed triples are the
    // alignments graph's document, not each resource's.
    let entailed = GraphNameRef::from(names.alignments_graph.as_ref());
    let stated = |quad: &QuadRef<'_>| quad.graph_name != entailed;
    let own: Vec<Triple> = index
        .quads_for_pattern(Some(iri.as_ref().into()), None, None, None)
        .filter(stated)
        .map(owned_triple)
        .collect();
    let incoming: Vec<Triple> = index
        .quads_for_pattern(None, None, Some(iri.as_ref().into()), None)
        .filter(stated)
        .map(owned_triple)
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
                index
                    .quads_for_pattern(Some(node.as_ref().into()), Some(property), None, None)
                    .filter(stated)
                    .map(owned_triple),
            );
        }
    }
    triples.sort_unstable_by(|a, b| triple_order(a.as_ref(), b.as_ref()));
    triples.dedup();
    Some(triples)
}

/// A quad's triple, owned.
fn owned_triple(quad: QuadRef<'_>) -> Triple {
    TripleRef::from(quad).into_owned()
}

/// The best label of `iri` in `names` (read from its query index `index`)
/// for a French reader: a French label first, then any label, by the order
/// of [`LABEL_PROPERTIES`].
pub fn label(
    names: &GraphNames,
    index: &Arc<QueryIndex>,
    iri: NamedNodeRef<'_>,
) -> Option<Literal> {
    let mut best = None;
    let entailed = GraphNameRef::from(names.alignments_graph.as_ref());
    for (rank, property) in LABEL_PROPERTIES.iter().enumerate() {
        for quad in index
            .quads_for_pattern(Some(iri.into()), Some(*property), None, None)
            .filter(|quad| quad.graph_name != entailed)
        {
            if let TermRef::Literal(literal) = quad.object {
                let score = rank as u8 * 2 + u8::from(literal.language() != Some("fr"));
                if best.is_none_or(|(s, _)| score < s) {
                    best = Some((score, literal));
                }
            }
        }
    }
    best.map(|(_, literal)| literal.into_owned())
}
