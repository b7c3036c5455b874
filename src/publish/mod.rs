//! Publishing the built data set: dump files in several RDF formats, their
//! gzipped copies, the DCAT-AP catalog and the VoID description made from
//! them, and checksums, published as one release of an output directory.

mod catalog;
mod dumps;
mod release;
mod void;

pub use catalog::catalog_triples;
pub use dumps::{DUMP_STEM, FileFormat, ONTOLOGY_DUMP, dump_files, serialize_sorted};
pub use release::{CURRENT, RELEASES, Release, current_release, publish_release, release_id};
pub use void::void_triples;

use crate::store::{DataSet, Inputs};
use oxigraph::io::RdfFormat;
use oxigraph::model::{GraphName, Triple};
use sha2::{Digest, Sha256};

/// A file to publish: its name in the output directory and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// File name (no directory part).
    pub name: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// The name of the checksum file.
pub const CHECKSUMS_FILE: &str = "SHA256SUMS";

/// The name of the catalog files (`catalog.ttl`, `catalog.rdf`).
pub const CATALOG_STEM: &str = "catalog";
/// The name of the VoID file.
pub const VOID_FILE: &str = "void.ttl";

/// Everything a build publishes: the files, and the catalog and VoID
/// triples that describe them (also loaded in the store's catalog graph).
#[derive(Debug, Clone)]
pub struct Publication {
    /// The files, sorted by name, `SHA256SUMS` last.
    pub files: Vec<OutputFile>,
    /// The DCAT-AP catalog.
    pub catalog: Vec<Triple>,
    /// The VoID description.
    pub void: Vec<Triple>,
}

impl Publication {
    /// Makes every file of a build from `data_set`.
    pub fn prepare(data_set: &DataSet) -> std::io::Result<Self> {
        let mut files = dump_files(data_set)?;
        let catalog = catalog_triples(data_set, &files);
        let void = void_triples(data_set, &files);
        let as_quads = |triples: &[Triple]| -> Vec<_> {
            triples
                .iter()
                .cloned()
                .map(|t| t.in_graph(GraphName::DefaultGraph))
                .collect()
        };
        for (name, format, triples) in [
            (format!("{CATALOG_STEM}.ttl"), RdfFormat::Turtle, &catalog),
            (format!("{CATALOG_STEM}.rdf"), RdfFormat::RdfXml, &catalog),
            (VOID_FILE.to_owned(), RdfFormat::Turtle, &void),
        ] {
            let bytes = serialize_sorted(&data_set.base, format, as_quads(triples))?;
            files.push(OutputFile { name, bytes });
        }
        files.sort_by(|a, b| a.name.cmp(&b.name));
        let checksums = checksums(&files);
        files.push(checksums);
        Ok(Self {
            files,
            catalog,
            void,
        })
    }

    /// The file named `name`.
    pub fn file(&self, name: &str) -> Option<&OutputFile> {
        self.files.iter().find(|f| f.name == name)
    }
}

/// A build published as a release, and how long its steps took.
pub struct Build {
    /// The files, catalog and VoID description.
    pub publication: Publication,
    /// Where they were published.
    pub release: Release,
    /// Triples in the store (data and ontology).
    pub triples: usize,
    /// Loading, checking and converting the source data into the store.
    pub load: std::time::Duration,
    /// Serializing the dumps, catalog, VoID and checksums.
    pub serialize: std::time::Duration,
    /// Writing, flushing and switching the release.
    pub write: std::time::Duration,
}

impl std::fmt::Display for Build {
    /// The one-line summary `build` prints: triples and step durations.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} triples in the store; load, check, convert and store {:.3} s, \
             serialize {:.3} s, write {:.3} s",
            self.triples,
            self.load.as_secs_f64(),
            self.serialize.as_secs_f64(),
            self.write.as_secs_f64()
        )
    }
}

/// Builds the data set from `inputs` and publishes it as a new release of
/// `out` (see [`publish_release`]).
pub fn build(inputs: &Inputs, out: &std::path::Path) -> anyhow::Result<Build> {
    use anyhow::Context;
    let started = std::time::Instant::now();
    let data_set = DataSet::build(inputs)?;
    let load = started.elapsed();
    let publication =
        Publication::prepare(&data_set).context("cannot serialize the publication")?;
    let serialize = started.elapsed() - load;
    let release = publish_release(out, &publication.files)
        .with_context(|| format!("cannot publish to {}", out.display()))?;
    Ok(Build {
        triples: data_set.store.len()?,
        publication,
        release,
        load,
        serialize,
        write: started.elapsed() - load - serialize,
    })
}

/// The hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// A `SHA256SUMS` file (the format of `sha256sum`) for `files`.
fn checksums(files: &[OutputFile]) -> OutputFile {
    let text: String = files
        .iter()
        .map(|f| format!("{}  {}\n", sha256_hex(&f.bytes), f.name))
        .collect();
    OutputFile {
        name: CHECKSUMS_FILE.to_owned(),
        bytes: text.into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_use_the_sha256sum_format() {
        let file = OutputFile {
            name: "a.txt".into(),
            bytes: b"abc".to_vec(),
        };
        let sums = checksums(&[file]);
        assert_eq!(
            String::from_utf8(sums.bytes).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  a.txt\n"
        );
    }
}
