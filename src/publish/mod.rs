//! Publishing the built data set: dump files in several RDF formats, their
//! gzipped copies, the DCAT-AP catalog and the VoID description made from
//! them, the tables for spreadsheets (CSV), and checksums, published as one
//! release of an output directory.

mod build;
mod catalog;
mod dumps;
mod files;
pub mod fingerprint;
mod hdt_dump;
mod published;
mod release;
mod tables;
mod turtle;
mod void;

pub use build::{Build, build};
pub use catalog::{CatalogProfile, catalog_triples};
pub use dumps::{
    DUMP_FORMATS, DUMP_STEM, DumpFormat, FileFormat, ONTOLOGY_DUMP, serialize_sorted, write_dumps,
};
pub use files::{Destination, FileSummary, ToDirectory, ToMemory};
pub use hdt_dump::HDT_DUMP;
pub use published::{PublishedRelease, write_served_part};
pub use release::{CURRENT, RELEASES, Release, current_release, publish_release, release_id};
pub use tables::{CSVW_METADATA, DATA_PACKAGE, table_title};
pub use void::{Statistics, void_triples};

use crate::rdf::graph::Graph;
use crate::rdf::order::Sorted;
use crate::store::DataSet;
use files::write_file;
use fingerprint::Fingerprints;
use oxigraph::io::RdfFormat;
use oxigraph::model::Triple;
use sha2::{Digest, Sha256};

/// A file held in memory: its name and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// File name (no directory part).
    pub name: String,
    /// Contents, shared (the server answers downloads from them).
    pub bytes: bytes::Bytes,
    /// Hex SHA-256 of the contents, as the file was written.
    pub sha256: String,
}

/// The name of the checksum file.
pub const CHECKSUMS_FILE: &str = "SHA256SUMS";

/// The name of the catalog files (`catalog.ttl`, `catalog.rdf`).
pub const CATALOG_STEM: &str = "catalog";
/// The name of the VoID file.
pub const VOID_FILE: &str = "void.ttl";

/// What a build wrote: its files, and the catalog and VoID triples that
/// describe them.
#[derive(Debug, Clone)]
pub struct Written {
    /// The files, sorted by name, `SHA256SUMS` last.
    pub files: Vec<FileSummary>,
    /// The DCAT-AP catalog.
    pub catalog: Vec<Triple>,
    /// The VoID description.
    pub void: Vec<Triple>,
    /// The canonical fingerprints of the data.
    pub fingerprints: Fingerprints,
}

/// Writes every file of a publication of `data_set` to `destination`: the
/// dumps, then the catalog and VoID description made from their summaries,
/// and the checksums of them all. `data` is the data graph read from the
/// store (see [`DataSet::data_graph_triples`]) and sorted: the caller may
/// use it again (the server logs it in the change feed).
pub fn write_publication(
    data_set: &DataSet,
    (graph, data): (&Graph, &Sorted<'_>),
    destination: &impl Destination,
) -> std::io::Result<Written> {
    let ontology = data_set
        .ontology_graph_triples()
        .map_err(std::io::Error::other)?;
    let ontology_sorted = Sorted::new(&ontology);
    // The fingerprints sort the graphs in their own order: on their own
    // thread, as `build` does, while the dumps are written.
    let (fingerprints, dumps) = std::thread::scope(|scope| {
        let fingerprints = scope.spawn(|| {
            Fingerprints::of(
                (&data_set.data_graph, graph),
                (&data_set.ontology_graph, &ontology),
            )
        });
        let dumps = write_dumps(
            &data_set.base,
            (&data_set.data_graph, data),
            &ontology_sorted,
            destination,
            &DUMP_FORMATS,
        );
        (joined(fingerprints), dumps)
    });
    let statistics = Statistics::of(&data_set.base, data);
    describe_publication(data_set, &statistics, (dumps?, fingerprints), destination)
}

/// Writes the tables, then the catalog and VoID description of a
/// publication whose data graph is counted in `statistics`, whose dumps are
/// `dumps` and whose fingerprints are `fingerprints`, then the checksums of
/// every file, to `destination`.
fn describe_publication(
    data_set: &DataSet,
    statistics: &Statistics<'_>,
    (dumps, fingerprints): (Vec<FileSummary>, Fingerprints),
    destination: &impl Destination,
) -> std::io::Result<Written> {
    let mut files = dumps;
    files.extend(tables::write_tables(data_set, destination)?);
    let catalog = catalog_triples(data_set, &files, &fingerprints);
    let void = void_triples(&data_set.base, statistics, &files);
    for (name, format, triples) in [
        (format!("{CATALOG_STEM}.ttl"), RdfFormat::Turtle, &catalog),
        (format!("{CATALOG_STEM}.rdf"), RdfFormat::RdfXml, &catalog),
        (VOID_FILE.to_owned(), RdfFormat::Turtle, &void),
    ] {
        let bytes = serialize_sorted(&data_set.base, format, triples)?;
        files.push(write_file(destination, &name, &bytes)?);
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let checksums = checksums(&files);
    files.push(write_file(
        destination,
        CHECKSUMS_FILE,
        checksums.as_bytes(),
    )?);
    Ok(Written {
        files,
        catalog,
        void,
        fingerprints,
    })
}

/// Publishes `data_set` as a new release of `out` (see [`publish_release`]):
/// the files of [`write_publication`] and what a server reads besides them
/// ([`write_served_part`]: the query index and its description). `data` is
/// its data graph and the same sorted.
pub fn publish_data_set(
    data_set: &DataSet,
    data: (&Graph, &Sorted<'_>),
    out: &std::path::Path,
) -> std::io::Result<Release> {
    let (release, ()) = publish_release(out, |staging| {
        let written = write_publication(data_set, data, &ToDirectory(staging.to_owned()))?;
        write_served_part(data_set, &written, staging)
    })?;
    Ok(release)
}

/// Every file of a build, as the server serves them.
#[derive(Debug, Clone)]
pub struct Publication {
    /// The files, sorted by name, `SHA256SUMS` last.
    pub files: Vec<OutputFile>,
    /// The DCAT-AP catalog.
    pub catalog: Vec<Triple>,
    /// The VoID description.
    pub void: Vec<Triple>,
    /// The canonical fingerprints of the data.
    pub fingerprints: Fingerprints,
}

impl Publication {
    /// The file named `name`.
    pub fn file(&self, name: &str) -> Option<&OutputFile> {
        self.files.iter().find(|f| f.name == name)
    }
}

/// What the published file named `name` holds, in French (the catalog's
/// description of a distribution, the home page's of a download).
pub fn file_description(name: &str) -> String {
    let format = FileFormat::of(name);
    let stem = name.split('.').next().unwrap_or(name);
    let content = match name {
        CHECKSUMS_FILE => {
            return "Les sommes de contrôle SHA-256 de tous les fichiers (format de sha256sum)."
                .to_owned();
        }
        VOID_FILE => "La description VoID du jeu de données (statistiques, exemples)",
        CSVW_METADATA => {
            return "La description des trois tables CSV (CSV on the Web, W3C) : colonnes, types, clés.".to_owned();
        }
        DATA_PACKAGE => {
            return "Le schéma des trois tables CSV (Table Schema, Frictionless), la convention de schema.data.gouv.fr.".to_owned();
        }
        _ if stem == CATALOG_STEM => "Le catalogue DCAT-AP des données",
        _ if name == ONTOLOGY_DUMP => "L'ontologie du label",
        _ => match table_title(name) {
            Some(title) => {
                return format!(
                    "{title} : tableau pour les tableurs (CSV, UTF-8, séparateur virgule, en-têtes en français), décrit par {CSVW_METADATA} (CSV on the Web) et {DATA_PACKAGE} (Table Schema)."
                );
            }
            None => "Le jeu de données complet",
        },
    };
    let uncompressed = FileFormat {
        gzipped: false,
        ..format
    };
    let syntax = match uncompressed.media_type {
        "application/n-quads" => "N-Quads (graphe nommé des données)".to_owned(),
        _ => uncompressed.name(),
    };
    let compression = if format.gzipped {
        ", compressé avec gzip"
    } else {
        ""
    };
    format!("{content} en {syntax}{compression}.")
}

/// What `thread` returned; its panic, if it panicked.
fn joined<T>(thread: std::thread::ScopedJoinHandle<'_, T>) -> T {
    thread
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// The hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// The text of a `SHA256SUMS` file (the format of `sha256sum`) for `files`.
fn checksums(files: &[FileSummary]) -> String {
    files
        .iter()
        .map(|f| format!("{}  {}\n", f.sha256, f.name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_is_described_in_french() {
        assert_eq!(
            file_description("territoire-innovant.nt.gz"),
            "Le jeu de données complet en N-Triples, compressé avec gzip."
        );
        assert_eq!(
            file_description("catalog.rdf"),
            "Le catalogue DCAT-AP des données en RDF/XML."
        );
        assert!(file_description("prix.csv").starts_with("Prix du label"));
        assert!(file_description(CHECKSUMS_FILE).contains("SHA-256"));
    }

    #[test]
    fn checksums_use_the_sha256sum_format() {
        let file = FileSummary {
            name: "a.txt".into(),
            size: 3,
            sha256: sha256_hex(b"abc"),
        };
        assert_eq!(
            checksums(&[file]),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  a.txt\n"
        );
    }
}
