//! Linked Open Data publisher for the laureates of the French label
//! « Territoire Innovant » (Les Interconnectés).
//!
//! The pipeline, one module a step:
//! [`source`] (the human-edited `data/`, checked) → [`rdf`] (conversion to
//! triples) → [`store`] (the embedded oxigraph store) → [`publish`] (dumps,
//! checksums) and [`sparql`] (querying); [`server`] answers HTTP.
//! [`change_feed`] logs each release as versions of its resources and lays
//! them out as an event stream. [`graph_store`] pushes a release to another
//! SPARQL store; [`static_site`] exports the Linked Data for any web server.
//! [`synthetic`] makes data of any size for the benchmarks; [`memory`] is the
//! allocator of every program of the crate.

pub mod change_feed;
pub mod describe;
pub mod examples;
pub mod fragments;
pub mod graph_store;
pub mod memory;
pub mod output;
pub mod publish;
pub mod rdf;
pub mod search;
pub mod server;
pub mod source;
pub mod sparql;
pub mod static_site;
pub mod store;
pub mod synthetic;
