//! The order of triples in every file and document the project writes:
//! by subject, then `rdf:type` first, then by predicate and object. The same
//! triples always come out in the same order, and Turtle writes each subject
//! once.

use super::graph::GraphRef;
use oxigraph::model::vocab::rdf;
use oxigraph::model::{TermRef, TripleRef};
use std::cmp::Ordering;
use std::ops::Range;

/// Triples read in the order of the dumps, without duplicates, where they
/// lie: only their positions are sorted, so the triples stay free to be read
/// meanwhile (the build loads the store from them while it sorts).
#[derive(Debug)]
pub struct Sorted<'a> {
    triples: GraphRef<'a>,
    order: Vec<usize>,
}

impl<'a> Sorted<'a> {
    /// Sorts the positions of `triples` (a list of triples or a
    /// [`super::graph::Graph`]) and drops those of duplicates.
    ///
    /// Most of the cost of sorting millions of triples is comparing IRIs
    /// that lie anywhere in memory. The conversion writes the triples of an
    /// entity together, so the triples are first cut into runs of one
    /// subject — about as many as there are subjects, several times fewer
    /// than triples — and the runs are sorted by subject; only the triples
    /// of one subject are then sorted among themselves. Any order of
    /// `triples` gives the same result.
    pub fn new(triples: impl Into<GraphRef<'a>>) -> Self {
        let triples = triples.into();
        let mut runs = triples.subject_runs();
        let subject = |run: &Range<usize>| TermRef::from(triples.triple(run.start).subject);
        runs.sort_unstable_by(|a, b| term_order(subject(a), subject(b)));
        let mut order = Vec::with_capacity(triples.len());
        for same_subject in runs.chunk_by(|a, b| subject(a) == subject(b)) {
            let first = order.len();
            order.extend(same_subject.iter().flat_map(Range::clone));
            order[first..].sort_unstable_by(|&a, &b| {
                if triples.same(a, b) {
                    return Ordering::Equal;
                }
                triple_order(triples.triple(a), triples.triple(b))
            });
        }
        order.dedup_by(|a, b| triples.same(*a, *b));
        Self { triples, order }
    }

    /// The number of distinct triples.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether there is no triple.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The triples, in order.
    pub fn iter(&self) -> impl Iterator<Item = TripleRef<'a>> + '_ {
        self.order
            .iter()
            .map(|&position| self.triples.triple(position))
    }

    /// The `n`th triple in order (panics past [`Sorted::len`]).
    pub fn get(&self, n: usize) -> TripleRef<'a> {
        self.triples.triple(self.order[n])
    }

    /// The ranges of the triples of each subject, in order: each subject's
    /// triples are together.
    pub fn descriptions(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        let mut start = 0;
        std::iter::from_fn(move || {
            let subject = (start < self.len()).then(|| self.get(start).subject)?;
            let end = (start + 1..self.len())
                .find(|&n| self.get(n).subject != subject)
                .unwrap_or(self.len());
            Some(std::mem::replace(&mut start, end)..end)
        })
    }
}

/// The order of two triples (see the module documentation).
pub fn triple_order(a: TripleRef<'_>, b: TripleRef<'_>) -> Ordering {
    term_order(a.subject.into(), b.subject.into())
        .then_with(|| (a.predicate != rdf::TYPE).cmp(&(b.predicate != rdf::TYPE)))
        .then_with(|| a.predicate.as_str().cmp(b.predicate.as_str()))
        .then_with(|| term_order(a.object, b.object))
}

/// The order of terms: IRIs, then blank nodes, then literals, each by its
/// text (literals then by datatype and language). Terms are compared in
/// place, never written out.
fn term_order(a: TermRef<'_>, b: TermRef<'_>) -> Ordering {
    fn key(term: TermRef<'_>) -> (u8, &str, &str, &str) {
        match term {
            TermRef::NamedNode(n) => (0, n.as_str(), "", ""),
            TermRef::BlankNode(n) => (1, n.as_str(), "", ""),
            TermRef::Literal(l) => (
                2,
                l.value(),
                l.datatype().as_str(),
                l.language().unwrap_or(""),
            ),
        }
    }
    key(a).cmp(&key(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{BlankNode, Literal, NamedNode, Triple};

    fn triple(s: &str, p: &str, o: impl Into<oxigraph::model::Term>) -> Triple {
        Triple::new(NamedNode::new_unchecked(s), NamedNode::new_unchecked(p), o)
    }

    #[test]
    fn subjects_then_types_first_then_predicates_and_objects_without_duplicates() {
        let a_type = triple(
            "http://x/a",
            rdf::TYPE.as_str(),
            NamedNode::new_unchecked("http://x/C"),
        );
        let a_label = triple(
            "http://x/a",
            "http://x/label",
            Literal::new_simple_literal("z"),
        );
        let a_iri = triple(
            "http://x/a",
            "http://x/label",
            NamedNode::new_unchecked("http://x/z"),
        );
        let a_blank = triple(
            "http://x/a",
            "http://x/label",
            BlankNode::new_unchecked("b"),
        );
        let a_name = triple(
            "http://x/a",
            "http://x/name",
            Literal::new_simple_literal("a"),
        );
        let b_any = triple("http://x/b", "http://x/a", Literal::new_simple_literal("a"));
        let triples = [
            b_any.clone(),
            a_name.clone(),
            a_label.clone(),
            a_blank.clone(),
            a_type.clone(),
            a_iri.clone(),
            a_name.clone(),
        ];
        let expected = [&a_type, &a_iri, &a_blank, &a_label, &a_name, &b_any].map(Triple::as_ref);
        let sorted: Vec<_> = Sorted::new(&triples).iter().collect();
        assert_eq!(sorted, expected);
        let graph: super::super::graph::Graph = triples.iter().cloned().collect();
        let sorted: Vec<_> = Sorted::new(&graph).iter().collect();
        assert_eq!(sorted, expected, "the same order from numbered triples");
        let sorted = Sorted::new(&graph);
        assert_eq!(sorted.descriptions().collect::<Vec<_>>(), [0..5, 5..6]);
        assert_eq!(sorted.get(5), b_any.as_ref());
    }

    #[test]
    fn scattered_subjects_sort_as_a_whole_sort_does() {
        // Runs of one subject interleaved, in reverse: the result must be the
        // order of a plain comparison sort.
        let mut triples = Vec::new();
        for round in 0..3 {
            for subject in (0..20).rev() {
                for predicate in (0..3).rev() {
                    triples.push(triple(
                        &format!("http://x/s{subject}"),
                        &format!("http://x/p{predicate}"),
                        Literal::new_simple_literal(format!("{}", (round * 7 + subject) % 5)),
                    ));
                }
            }
        }
        let mut expected = triples.clone();
        expected.sort_by(|a, b| triple_order(a.as_ref(), b.as_ref()));
        expected.dedup();
        let sorted = Sorted::new(&triples);
        assert_eq!(sorted.len(), expected.len());
        assert!(sorted.iter().eq(expected.iter().map(Triple::as_ref)));
    }

    #[test]
    fn literals_of_the_same_text_are_told_apart_by_datatype_and_language() {
        let fr = triple(
            "http://x/a",
            "http://x/p",
            Literal::new_language_tagged_literal_unchecked("x", "fr"),
        );
        let en = triple(
            "http://x/a",
            "http://x/p",
            Literal::new_language_tagged_literal_unchecked("x", "en"),
        );
        let plain = triple("http://x/a", "http://x/p", Literal::new_simple_literal("x"));
        let triples = [fr.clone(), plain.clone(), en.clone(), fr.clone()];
        assert_eq!(
            Sorted::new(&triples).len(),
            3,
            "only the exact duplicate goes"
        );
        assert_eq!(triple_order(en.as_ref(), fr.as_ref()), Ordering::Less);
    }
}
