//! A dictionary of RDF terms: each distinct term kept once and numbered in
//! the order it came, so that triples and quads can be held as numbers.
//! The build's graphs ([`super::graph`]) and the endpoint's query index
//! ([`crate::sparql::index`]) number their terms with it.

use hashbrown::HashTable;
use oxigraph::model::{NamedNodeRef, NamedOrBlankNodeRef, Term, TermRef};
use rustc_hash::FxBuildHasher;
use std::hash::BuildHasher;

/// A term's number in a [`Dictionary`]: its position.
pub type TermId = u32;

/// The highest number a dictionary gives: [`TermId::MAX`] stays free for
/// whoever needs a number that is no term (the query index's default graph).
pub const MAX_TERM_ID: TermId = TermId::MAX - 1;

/// Distinct terms, each numbered once.
#[derive(Default, Clone)]
pub struct Dictionary {
    terms: Vec<Term>,
    numbers: HashTable<TermId>,
    hasher: FxBuildHasher,
}

impl std::fmt::Debug for Dictionary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dictionary")
            .field("terms", &self.terms.len())
            .finish()
    }
}

impl Dictionary {
    /// The number of `term`, given it (a copy of the term kept) if it has
    /// none yet; `None` past [`MAX_TERM_ID`] terms.
    pub fn number(&mut self, term: TermRef<'_>) -> Option<TermId> {
        let hash = self.hasher.hash_one(term);
        match self.lookup(hash, term) {
            Some(id) => Some(id),
            None => self.push(hash, term.into_owned()),
        }
    }

    /// The number of `term`, given it (the term itself kept) if it has none
    /// yet; `None` past [`MAX_TERM_ID`] terms.
    pub fn number_owned(&mut self, term: Term) -> Option<TermId> {
        let hash = self.hasher.hash_one(term.as_ref());
        match self.lookup(hash, term.as_ref()) {
            Some(id) => Some(id),
            None => self.push(hash, term),
        }
    }

    /// The number of `term`, whose hash is `hash`, if it has one.
    fn lookup(&self, hash: u64, term: TermRef<'_>) -> Option<TermId> {
        self.numbers
            .find(hash, |&id| self.terms[id as usize].as_ref() == term)
            .copied()
    }

    /// Numbers `term`, whose hash is `hash` and which has no number yet.
    fn push(&mut self, hash: u64, term: Term) -> Option<TermId> {
        let id = TermId::try_from(self.terms.len())
            .ok()
            .filter(|&id| id <= MAX_TERM_ID)?;
        let (terms, hasher) = (&self.terms, &self.hasher);
        self.numbers
            .insert_unique(hash, id, |&id| hasher.hash_one(terms[id as usize].as_ref()));
        self.terms.push(term);
        Some(id)
    }

    /// The number of `term`, if it has one.
    pub fn find(&self, term: TermRef<'_>) -> Option<TermId> {
        self.lookup(self.hasher.hash_one(term), term)
    }

    /// The term numbered `id`, if any.
    pub fn get(&self, id: TermId) -> Option<&Term> {
        self.terms.get(id as usize)
    }

    /// The term numbered `id` where a subject stands (panics if it is a
    /// literal: a subject's number is only taken from a subject).
    pub fn subject(&self, id: TermId) -> NamedOrBlankNodeRef<'_> {
        match self[id].as_ref() {
            TermRef::NamedNode(node) => node.into(),
            TermRef::BlankNode(node) => node.into(),
            _ => unreachable!("a subject is numbered from an IRI or a blank node"),
        }
    }

    /// The term numbered `id` where an IRI stands, a predicate (panics if it
    /// is not an IRI: such a number is only taken from an IRI).
    pub fn named_node(&self, id: TermId) -> NamedNodeRef<'_> {
        match self[id].as_ref() {
            TermRef::NamedNode(node) => node,
            _ => unreachable!("a predicate is numbered from an IRI"),
        }
    }

    /// The number of terms.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// Whether the dictionary holds no term.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Gives back the room reserved for terms to come.
    pub fn shrink_to_fit(&mut self) {
        self.terms.shrink_to_fit();
        let (terms, hasher) = (&self.terms, &self.hasher);
        self.numbers
            .shrink_to_fit(|&id| hasher.hash_one(terms[id as usize].as_ref()));
    }
}

impl std::ops::Index<TermId> for Dictionary {
    type Output = Term;

    /// The term numbered `id` (panics if there is none: a number is only
    /// read from the dictionary that gave it).
    fn index(&self, id: TermId) -> &Term {
        &self.terms[id as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{BlankNode, Literal, NamedNode};

    #[test]
    fn a_term_is_numbered_once_whether_given_borrowed_or_owned() {
        let mut terms = Dictionary::default();
        let iri = Term::from(NamedNode::new_unchecked("http://e.org/a"));
        let same_text = Term::from(Literal::new_simple_literal("http://e.org/a"));
        let french = Term::from(Literal::new_language_tagged_literal_unchecked("a", "fr"));
        let blank = Term::from(BlankNode::new_unchecked("a"));
        let a = terms.number(iri.as_ref()).unwrap();
        assert_eq!(terms.number_owned(iri.clone()), Some(a));
        let others = [&same_text, &french, &blank].map(|t| terms.number(t.as_ref()).unwrap());
        assert_eq!(others, [1, 2, 3]);
        assert_eq!(terms.len(), 4);
        assert_eq!(terms.find(french.as_ref()), Some(2));
        assert_eq!(terms[3], blank);
        assert_eq!(terms.get(4), None);
        let absent = Literal::new_language_tagged_literal_unchecked("a", "en");
        assert_eq!(terms.find(absent.as_ref().into()), None);
        terms.shrink_to_fit();
        assert_eq!(terms.find(iri.as_ref()), Some(a));
    }
}
