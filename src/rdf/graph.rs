//! The build's graphs held compactly: each distinct term once, in a
//! [`Dictionary`], and each triple the three numbers of its terms.
//!
//! A `Vec<Triple>` keeps three owned strings per triple: at 10⁶ synthetic
//! awards the data graph took more memory than the store loaded from it. A
//! resource's IRI is written in every triple about it and in every triple
//! that points to it, a label or a year in many: numbered, each is kept once
//! and a triple takes 12 bytes.

use super::Base;
use super::terms::{Dictionary, TermId};
use oxigraph::model::{NamedNode, NamedNodeRef, Term, TermRef, Triple, TripleRef};
use std::ops::Range;

/// Triples read by their position, wherever they lie: a list of triples
/// or a [`Graph`].
#[derive(Debug, Clone, Copy)]
pub enum GraphRef<'a> {
    /// Triples in a list.
    List(&'a [Triple]),
    /// Triples numbered in a [`Graph`].
    Numbered(&'a Graph),
}

impl<'a> GraphRef<'a> {
    /// The number of triples (repeated triples counted each time).
    pub fn len(self) -> usize {
        match self {
            Self::List(triples) => triples.len(),
            Self::Numbered(graph) => graph.len(),
        }
    }

    /// Whether there is no triple.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The triple at `position` (panics past [`GraphRef::len`]).
    pub fn triple(self, position: usize) -> TripleRef<'a> {
        match self {
            Self::List(triples) => triples[position].as_ref(),
            Self::Numbered(graph) => graph.triple(position),
        }
    }

    /// Whether the triples at positions `a` and `b` are the same (for a
    /// [`Graph`], their numbers: each term is numbered once).
    pub fn same(self, a: usize, b: usize) -> bool {
        match self {
            Self::List(triples) => triples[a] == triples[b],
            Self::Numbered(graph) => graph.triples[a] == graph.triples[b],
        }
    }

    /// The triples, in their order.
    pub fn iter(self) -> impl ExactSizeIterator<Item = TripleRef<'a>> {
        (0..self.len()).map(move |position| self.triple(position))
    }

    /// The positions of the triples cut into runs of one subject, in their
    /// order (the conversion writes an entity's triples together, so there
    /// are about as many runs as subjects).
    pub fn subject_runs(self) -> Vec<Range<usize>> {
        let same_subject = |a: usize, b: usize| match self {
            Self::List(triples) => triples[a].subject == triples[b].subject,
            Self::Numbered(graph) => graph.triples[a][0] == graph.triples[b][0],
        };
        let mut runs = Vec::new();
        let mut start = 0;
        for end in 1..=self.len() {
            if end == self.len() || !same_subject(start, end) {
                runs.push(start..end);
                start = end;
            }
        }
        runs
    }
}

impl<'a> From<&'a [Triple]> for GraphRef<'a> {
    fn from(triples: &'a [Triple]) -> Self {
        Self::List(triples)
    }
}

impl<'a> From<&'a Vec<Triple>> for GraphRef<'a> {
    fn from(triples: &'a Vec<Triple>) -> Self {
        Self::List(triples)
    }
}

impl<'a, const N: usize> From<&'a [Triple; N]> for GraphRef<'a> {
    fn from(triples: &'a [Triple; N]) -> Self {
        Self::List(triples)
    }
}

impl<'a> From<&'a Graph> for GraphRef<'a> {
    fn from(graph: &'a Graph) -> Self {
        Self::Numbered(graph)
    }
}

/// A list of triples, its terms numbered (see the module documentation).
#[derive(Debug, Default, Clone)]
pub struct Graph {
    terms: Dictionary,
    triples: Vec<[TermId; 3]>,
}

impl Graph {
    /// Adds one triple, as [`super::triples::Triples::add`] does.
    pub fn add(
        &mut self,
        subject: &NamedNode,
        predicate: NamedNodeRef<'_>,
        object: impl Into<Term>,
    ) {
        let triple = [
            self.number(subject.as_ref().into()),
            self.number(predicate.into()),
            self.number_owned(object.into()),
        ];
        self.triples.push(triple);
    }

    /// Adds one triple.
    pub fn insert(&mut self, triple: TripleRef<'_>) {
        let triple = [
            self.number(triple.subject.into()),
            self.number(triple.predicate.into()),
            self.number(triple.object),
        ];
        self.triples.push(triple);
    }

    fn number(&mut self, term: TermRef<'_>) -> TermId {
        self.terms.number(term).expect(TOO_MANY_TERMS)
    }

    fn number_owned(&mut self, term: Term) -> TermId {
        self.terms.number_owned(term).expect(TOO_MANY_TERMS)
    }

    /// The number of triples (repeated triples counted each time).
    pub fn len(&self) -> usize {
        self.triples.len()
    }

    /// Whether there is no triple.
    pub fn is_empty(&self) -> bool {
        self.triples.is_empty()
    }

    /// The triple at `position` (panics past [`Graph::len`]).
    pub fn triple(&self, position: usize) -> TripleRef<'_> {
        let [subject, predicate, object] = self.triples[position];
        TripleRef {
            subject: self.terms.subject(subject),
            predicate: self.terms.named_node(predicate),
            object: self.terms[object].as_ref(),
        }
    }

    /// The triples, in the order they were added.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = TripleRef<'_>> + '_ {
        GraphRef::Numbered(self).iter()
    }

    /// The number of distinct terms.
    pub fn term_count(&self) -> usize {
        self.terms.len()
    }

    /// The same triples, every IRI written against the default base moved
    /// to `base` (see [`Base::rebase_term`]). Each distinct term is rebased
    /// once.
    pub fn rebased(self, base: &Base) -> Self {
        if base.is_default() {
            return self;
        }
        let mut rebased = Self::default();
        let mut moved = Vec::with_capacity(self.terms.len());
        for id in 0..self.terms.len() as TermId {
            let term = base.rebase_term(self.terms[id].clone());
            moved.push(rebased.number_owned(term));
        }
        rebased.triples = self
            .triples
            .iter()
            .map(|ids| ids.map(|id| moved[id as usize]))
            .collect();
        rebased
    }

    /// Gives back the room reserved for triples and terms to come.
    pub fn shrink_to_fit(&mut self) {
        self.terms.shrink_to_fit();
        self.triples.shrink_to_fit();
    }
}

/// Why a graph cannot grow: more distinct terms than numbers, which no
/// memory of today holds (4 × 10⁹ terms).
const TOO_MANY_TERMS: &str = "more than 4 × 10⁹ distinct terms in one graph";

impl<'a> FromIterator<TripleRef<'a>> for Graph {
    fn from_iter<I: IntoIterator<Item = TripleRef<'a>>>(triples: I) -> Self {
        let mut graph = Self::default();
        graph.extend(triples);
        graph
    }
}

impl<'a> Extend<TripleRef<'a>> for Graph {
    fn extend<I: IntoIterator<Item = TripleRef<'a>>>(&mut self, triples: I) {
        for triple in triples {
            self.insert(triple);
        }
    }
}

impl FromIterator<Triple> for Graph {
    fn from_iter<I: IntoIterator<Item = Triple>>(triples: I) -> Self {
        let mut graph = Self::default();
        for triple in triples {
            graph.insert(triple.as_ref());
        }
        graph
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{BlankNode, Literal};

    fn triples() -> Vec<Triple> {
        let node = |name: &str| {
            NamedNode::new_unchecked(format!("{}{name}", crate::rdf::vocab::DEFAULT_BASE))
        };
        let other = NamedNode::new_unchecked("http://other.example/x");
        vec![
            Triple::new(node("a"), node("p"), node("b")),
            Triple::new(
                node("a"),
                node("p"),
                Literal::new_language_tagged_literal_unchecked("b", "fr"),
            ),
            Triple::new(BlankNode::new_unchecked("c"), other.clone(), node("a")),
            Triple::new(node("a"), node("p"), node("b")),
            Triple::new(other.clone(), node("p"), other),
        ]
    }

    #[test]
    fn a_graph_gives_back_the_triples_added_in_their_order() {
        let triples = triples();
        let graph: Graph = triples.iter().cloned().collect();
        assert_eq!(graph.len(), 5);
        let back: Vec<Triple> = graph.iter().map(TripleRef::into_owned).collect();
        assert_eq!(back, triples);
        assert!(GraphRef::from(&graph).same(0, 3));
        assert!(!GraphRef::from(&graph).same(0, 1));
        assert!(GraphRef::from(&triples).same(0, 3));
        let runs = [0..2, 2..3, 3..4, 4..5];
        assert_eq!(GraphRef::from(&graph).subject_runs(), runs);
        assert_eq!(GraphRef::from(&triples).subject_runs(), runs);
        // a, p, b, "b"@fr, _:c, the other IRI.
        assert_eq!(graph.term_count(), 6);
        let mut added = Graph::default();
        added.add(
            &NamedNode::new_unchecked(triples[0].subject.to_string().trim_matches(['<', '>'])),
            triples[0].predicate.as_ref(),
            triples[0].object.clone(),
        );
        assert_eq!(added.triple(0), triples[0].as_ref());
    }

    #[test]
    fn rebasing_moves_every_iri_under_the_default_base_and_no_other() {
        let base: Base = "https://data.example.org/ti/".parse().unwrap();
        let triples = triples();
        let graph: Graph = triples.iter().cloned().collect();
        let rebased: Vec<Triple> = graph
            .rebased(&base)
            .iter()
            .map(TripleRef::into_owned)
            .collect();
        let expected: Vec<Triple> = triples.into_iter().map(|t| base.rebase(t)).collect();
        assert_eq!(rebased, expected);
        assert!(rebased[4].to_string().contains("http://other.example/x"));
        assert!(
            rebased[0]
                .to_string()
                .contains("https://data.example.org/ti/a")
        );
    }
}
