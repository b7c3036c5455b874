//! RDF: the vocabularies used, the IRIs minted, the conversion of the
//! source data to triples, and the order they are written in.

pub mod alignments;
pub mod base;
pub mod convert;
pub mod graph;
pub mod order;
pub mod terms;
pub mod triples;
pub mod vocab;

pub use base::{Base, BaseError};
