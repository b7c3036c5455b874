//! The dump files: the data graph as Turtle, N-Triples and N-Quads (each
//! also gzipped) and the ontology as Turtle. Triples are sorted, so the same
//! store always gives the same bytes.

use super::OutputFile;
use crate::rdf::vocab::PREFIXES;
use crate::store::DataSet;
use flate2::Compression;
use flate2::write::GzEncoder;
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::vocab::rdf;
use oxigraph::model::{GraphNameRef, NamedNode, Quad};
use std::io::{self, Write};

/// The stem of the data dump file names (`territoire-innovant.ttl`, …).
pub const DUMP_STEM: &str = "territoire-innovant";

/// The data dumps and the ontology file, ungzipped and gzipped.
pub fn dump_files(data_set: &DataSet) -> io::Result<Vec<OutputFile>> {
    let data = sorted_quads(data_set, &data_set.data_graph)?;
    let ontology = sorted_quads(data_set, &data_set.ontology_graph)?;
    let mut files = Vec::new();
    for (format, extension) in [
        (RdfFormat::Turtle, "ttl"),
        (RdfFormat::NTriples, "nt"),
        (RdfFormat::NQuads, "nq"),
    ] {
        let bytes = serialize(data_set, format, &data)?;
        files.push(OutputFile {
            name: format!("{DUMP_STEM}.{extension}.gz"),
            bytes: gzip(&bytes)?,
        });
        files.push(OutputFile {
            name: format!("{DUMP_STEM}.{extension}"),
            bytes,
        });
    }
    files.push(OutputFile {
        name: "ontology.ttl".to_owned(),
        bytes: serialize(data_set, RdfFormat::Turtle, &ontology)?,
    });
    Ok(files)
}

/// The quads of `graph`, sorted by subject, then `rdf:type` first, then
/// predicate and object.
fn sorted_quads(data_set: &DataSet, graph: &NamedNode) -> io::Result<Vec<Quad>> {
    let mut quads = data_set
        .store
        .quads_for_pattern(
            None,
            None,
            None,
            Some(GraphNameRef::NamedNode(graph.as_ref())),
        )
        .collect::<Result<Vec<_>, _>>()
        .map_err(io::Error::other)?;
    quads.sort_by_cached_key(|q| {
        (
            q.subject.to_string(),
            q.predicate != rdf::TYPE,
            q.predicate.to_string(),
            q.object.to_string(),
        )
    });
    Ok(quads)
}

/// Serializes sorted quads: graph formats get the triples, with prefixes and
/// the base for Turtle.
fn serialize(data_set: &DataSet, format: RdfFormat, quads: &[Quad]) -> io::Result<Vec<u8>> {
    let mut serializer = RdfSerializer::from_format(format);
    if format == RdfFormat::Turtle {
        for (prefix, namespace) in PREFIXES {
            serializer = serializer
                .with_prefix(*prefix, data_set.base.rebase_str(namespace))
                .map_err(io::Error::other)?;
        }
        serializer = serializer
            .with_base_iri(data_set.base.as_str())
            .map_err(io::Error::other)?;
    }
    let mut writer = serializer.for_writer(Vec::new());
    for quad in quads {
        if format.supports_datasets() {
            writer.serialize_quad(quad)?;
        } else {
            writer.serialize_triple(quad.as_ref())?;
        }
    }
    writer.finish()
}

/// Gzips `bytes` with a fixed header (no file name, no time stamp), so the
/// same input always gives the same output.
fn gzip(bytes: &[u8]) -> io::Result<Vec<u8>> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes)?;
    encoder.finish()
}
