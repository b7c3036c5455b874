//! A release as `serve` reads it: what a build wrote in `releases/<id>/`,
//! opened without recomputing anything — the files listed in its
//! `SHA256SUMS` (memory-mapped, read when they are asked for), its query
//! index ([`crate::sparql::index`], mapped too), and the description
//! written beside the index (`index/release.json`: the base and the
//! fingerprints; `index/catalog.nt`, `index/void.nt`: the catalog and VoID
//! triples, blank nodes as written).
//!
//! [`write_served_part`] writes that part, after the files: `build` and a
//! server preparing a release from a loaded data set both call it.

use super::fingerprint::Fingerprints;
use super::{CHECKSUMS_FILE, OutputFile, Publication, Written};
use crate::rdf::Base;
use crate::sparql::index::{INDEX_DIR, QueryIndex};
use crate::store::{DataSet, GraphNames};
use oxigraph::io::{RdfFormat, RdfParser, RdfSerializer};
use oxigraph::model::Triple;
use std::io;
use std::path::Path;
use std::sync::Arc;

const DESCRIPTION: &str = "release.json";
const CATALOG_TRIPLES: &str = "catalog.nt";
const VOID_TRIPLES: &str = "void.nt";

/// What `index/release.json` holds.
#[derive(serde::Serialize, serde::Deserialize)]
struct Description {
    base: String,
    fingerprints: Fingerprints,
}

/// Loads the catalog and VoID description of `written` in the store of
/// `data_set`, then writes its query index and description in
/// `release/index/`: what [`PublishedRelease::open`] reads besides the
/// files.
pub fn write_served_part(data_set: &DataSet, written: &Written, release: &Path) -> io::Result<()> {
    let described: Vec<Triple> = written
        .catalog
        .iter()
        .chain(&written.void)
        .cloned()
        .collect();
    data_set.add_catalog(&described).map_err(io::Error::other)?;
    let dir = release.join(INDEX_DIR);
    QueryIndex::of_store(&data_set.store)
        .map_err(io::Error::other)?
        .write(&dir)?;
    for (name, triples) in [
        (CATALOG_TRIPLES, &written.catalog),
        (VOID_TRIPLES, &written.void),
    ] {
        let mut writer = RdfSerializer::from_format(RdfFormat::NTriples).for_writer(Vec::new());
        for triple in triples {
            writer.serialize_triple(triple)?;
        }
        write_synced(&dir.join(name), &writer.finish()?)?;
    }
    let description = Description {
        base: data_set.base.as_str().to_owned(),
        fingerprints: written.fingerprints.clone(),
    };
    let text = serde_json::to_vec_pretty(&description).map_err(io::Error::other)?;
    write_synced(&dir.join(DESCRIPTION), &text)
}

/// Writes `bytes` to `path`, flushed to disk.
fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = std::fs::File::create(path)?;
    io::Write::write_all(&mut file, bytes)?;
    file.sync_all()
}

/// A published release, opened.
pub struct PublishedRelease {
    /// Its name (see [`super::release_id`]).
    pub id: String,
    /// The base and graph names it was built with.
    pub names: GraphNames,
    /// Its quads as SPARQL queries read them.
    pub index: Arc<QueryIndex>,
    /// Its files, catalog, VoID description and fingerprints.
    pub publication: Publication,
    /// When it was written: the modification time of its `SHA256SUMS`.
    pub published: std::time::SystemTime,
}

impl PublishedRelease {
    /// Opens the release in `dir` (a `releases/<id>` or the `current` link
    /// to one): its index and files are mapped, not read. Fails, naming the
    /// file, if one is missing or damaged.
    pub fn open(dir: &Path) -> io::Result<Self> {
        let dir = dir.canonicalize().map_err(|e| named(dir, e))?;
        let id = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let index_dir = dir.join(INDEX_DIR);
        let description_path = index_dir.join(DESCRIPTION);
        let description: Description = serde_json::from_slice(
            &std::fs::read(&description_path).map_err(|e| named(&description_path, e))?,
        )
        .map_err(|e| named(&description_path, io::Error::other(e)))?;
        let base: Base = description
            .base
            .parse()
            .map_err(|e| named(&description_path, io::Error::other(e)))?;
        let index = Arc::new(QueryIndex::open(&index_dir)?);
        let checksums_path = dir.join(CHECKSUMS_FILE);
        let checksums =
            std::fs::read_to_string(&checksums_path).map_err(|e| named(&checksums_path, e))?;
        let mut files = Vec::new();
        for (number, line) in checksums.lines().enumerate() {
            let Some((sha256, name)) = line.split_once("  ") else {
                return Err(named(
                    &checksums_path,
                    io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!(
                            "line {}: not « SHA-256, two spaces, file name »",
                            number + 1
                        ),
                    ),
                ));
            };
            files.push(OutputFile {
                name: name.to_owned(),
                bytes: mapped(&dir.join(name))?,
                sha256: sha256.to_owned(),
            });
        }
        files.push(OutputFile {
            name: CHECKSUMS_FILE.to_owned(),
            sha256: super::sha256_hex(checksums.as_bytes()),
            bytes: checksums.into_bytes().into(),
        });
        let triples = |name: &str| -> io::Result<Vec<Triple>> {
            let path = index_dir.join(name);
            let text = std::fs::read(&path).map_err(|e| named(&path, e))?;
            RdfParser::from_format(RdfFormat::NTriples)
                .for_slice(&text)
                .map(|quad| {
                    quad.map(Triple::from)
                        .map_err(|e| named(&path, io::Error::other(e)))
                })
                .collect()
        };
        let publication = Publication {
            files,
            catalog: triples(CATALOG_TRIPLES)?,
            void: triples(VOID_TRIPLES)?,
            fingerprints: description.fingerprints,
        };
        let published = std::fs::metadata(&checksums_path)
            .and_then(|m| m.modified())
            .map_err(|e| named(&checksums_path, e))?;
        Ok(Self {
            id,
            names: GraphNames::under(&base),
            index,
            publication,
            published,
        })
    }
}

/// The contents of the file at `path`, mapped (read when they are read).
fn mapped(path: &Path) -> io::Result<bytes::Bytes> {
    let file = std::fs::File::open(path).map_err(|e| named(path, e))?;
    if file.metadata()?.len() == 0 {
        return Ok(bytes::Bytes::new());
    }
    // SAFETY: a release's files are written once in a staging directory
    // and never changed after it is renamed (see `super::release`).
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| named(path, e))?;
    Ok(bytes::Bytes::from_owner(map))
}

/// `error`, with the path it is about.
fn named(path: &Path, error: io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("{}: {error}", path.display()))
}
