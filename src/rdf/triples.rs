//! A growing list of triples and the literals the project writes.

use oxigraph::model::vocab::xsd;
use oxigraph::model::{Literal, NamedNode, NamedNodeRef, Term, Triple};

/// Triples being made, in order.
#[derive(Debug, Default, Clone)]
pub struct Triples(pub Vec<Triple>);

impl Triples {
    /// Adds one triple.
    pub fn add(
        &mut self,
        subject: &NamedNode,
        predicate: NamedNodeRef<'_>,
        object: impl Into<Term>,
    ) {
        self.0
            .push(Triple::new(subject.clone(), predicate, object.into()));
    }
}

/// A French text.
pub fn fr(text: &str) -> Literal {
    Literal::new_language_tagged_literal_unchecked(text, "fr")
}

/// An English text.
pub fn en(text: &str) -> Literal {
    Literal::new_language_tagged_literal_unchecked(text, "en")
}

/// An `xsd:integer`.
pub fn integer(value: impl Into<u64>) -> Literal {
    Literal::new_typed_literal(value.into().to_string(), xsd::INTEGER)
}

/// An `xsd:gYear`.
pub fn gyear(year: i32) -> Literal {
    Literal::new_typed_literal(format!("{year:04}"), xsd::G_YEAR)
}

/// An `xsd:date` from its lexical form (`YYYY-MM-DD`).
pub fn date(value: &str) -> Literal {
    Literal::new_typed_literal(value, xsd::DATE)
}
