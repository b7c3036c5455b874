//! RDF: the vocabularies used, the IRIs minted, and the conversion of the
//! source data to triples.

pub mod base;
pub mod convert;
pub mod triples;
pub mod vocab;

pub use base::{Base, BaseError};
