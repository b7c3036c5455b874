//! The query index as `build` writes it in a release (`index/`), and as
//! `serve` opens it: each array in its own file, byte for byte as it is in
//! memory, mapped at open without being read, and a small manifest that
//! tells their sizes and what the index holds.
//!
//! ```text
//! index/
//!   manifest.json    format, byte order, sizes, graphs, counts (written last)
//!   terms            the packed terms, sorted
//!   term-offsets     where each term starts (little-endian u64, one more than terms)
//!   term-slots       a hash table of the terms' numbers (u32; FNV-1a, linear probing)
//!   spog posg ospg   the quads in three orders (four little-endian u32 each)
//! ```

use super::packed::{PackedTerms, Region};
use super::{QueryIndex, TermId, TripleCounts};
use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

/// The directory of the query index in a release.
pub const INDEX_DIR: &str = "index";
/// The version of the files' layout; another is refused at open.
const FORMAT: u32 = 1;
const MANIFEST: &str = "manifest.json";
const TERMS: &str = "terms";
const OFFSETS: &str = "term-offsets";
const SLOTS: &str = "term-slots";
const ORDERS: [&str; 3] = ["spog", "posg", "ospg"];

/// What the index's files hold.
#[derive(serde::Serialize, serde::Deserialize)]
struct Manifest {
    format: u32,
    byte_order: String,
    terms: usize,
    quads: usize,
    graphs: Vec<TermId>,
    counts: TripleCounts,
}

/// The byte order of this machine, as the manifest names it.
fn byte_order() -> &'static str {
    if cfg!(target_endian = "little") {
        "little-endian"
    } else {
        "big-endian"
    }
}

fn invalid(path: &Path, message: impl std::fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{}: {message}", path.display()),
    )
}

impl QueryIndex {
    /// Writes the index in `dir` (created), each file flushed to disk, the
    /// manifest last.
    pub fn write(&self, dir: &Path) -> io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let write = |name: &str, bytes: &[u8]| -> io::Result<()> {
            let path = dir.join(name);
            let mut file = File::create(&path)?;
            file.write_all(bytes)?;
            file.sync_all()
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))
        };
        write(TERMS, self.terms.bytes.as_bytes())?;
        write(OFFSETS, self.terms.offsets.as_bytes())?;
        write(SLOTS, self.terms.slots.as_bytes())?;
        for (name, rows) in ORDERS.into_iter().zip([&self.spog, &self.posg, &self.ospg]) {
            write(name, rows.as_bytes())?;
        }
        let manifest = Manifest {
            format: FORMAT,
            byte_order: byte_order().to_owned(),
            terms: self.terms.len(),
            quads: self.len(),
            graphs: self.graphs.clone(),
            counts: self.counts.clone(),
        };
        let text = serde_json::to_vec_pretty(&manifest).map_err(io::Error::other)?;
        write(MANIFEST, &text)
    }

    /// Opens the index `build` wrote in `dir`, its arrays mapped from their
    /// files (nothing read but the manifest): fails, naming the file, if a
    /// file is missing, of another format or of the wrong size.
    pub fn open(dir: &Path) -> io::Result<Self> {
        let path = dir.join(MANIFEST);
        let text = std::fs::read(&path).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!(
                    "{}: {e} (a release built before its query index was written, or not a release: run `build` again)",
                    path.display()
                ),
            )
        })?;
        let manifest: Manifest = serde_json::from_slice(&text)
            .map_err(|e| invalid(&path, format!("not an index manifest: {e}")))?;
        if manifest.format != FORMAT {
            return Err(invalid(
                &path,
                format!(
                    "index format {}, this program reads format {FORMAT}: run `build` again",
                    manifest.format
                ),
            ));
        }
        if manifest.byte_order != byte_order() {
            return Err(invalid(
                &path,
                format!(
                    "written on a {} machine, read on a {} one: run `build` on this machine",
                    manifest.byte_order,
                    byte_order()
                ),
            ));
        }
        let map = |name: &str| {
            let path = dir.join(name);
            let file = File::open(&path)
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
            Ok::<_, io::Error>((path.clone(), file))
        };
        let (terms_path, terms) = map(TERMS)?;
        let (offsets_path, offsets) = map(OFFSETS)?;
        let (slots_path, slots) = map(SLOTS)?;
        let terms = PackedTerms {
            bytes: Region::mapped(&terms, &terms_path)?,
            offsets: Region::mapped(&offsets, &offsets_path)?,
            slots: Region::mapped(&slots, &slots_path)?,
        };
        let table = terms.slots.as_slice().len();
        if table < 2 * manifest.terms || !table.is_power_of_two() {
            return Err(invalid(
                &slots_path,
                format!(
                    "{table} slots for {} terms: the index is damaged; run `build` again",
                    manifest.terms
                ),
            ));
        }
        let entries = terms.offsets.as_slice().len();
        if entries != manifest.terms + 1 {
            return Err(invalid(
                &offsets_path,
                format!(
                    "{entries} offsets for {} terms: the index is damaged; run `build` again",
                    manifest.terms
                ),
            ));
        }
        let last = terms.offsets.as_slice().last().copied().unwrap_or(0);
        if last != terms.bytes.as_slice().len() as u64 {
            return Err(invalid(
                &terms_path,
                format!(
                    "{} bytes where the offsets end at {last}: the index is damaged; run `build` again",
                    terms.bytes.as_slice().len()
                ),
            ));
        }
        let mut orders = Vec::with_capacity(3);
        for name in ORDERS {
            let (path, file) = map(name)?;
            let rows: Region<[TermId; 4]> = Region::mapped(&file, &path)?;
            if rows.as_slice().len() != manifest.quads {
                return Err(invalid(
                    &path,
                    format!(
                        "{} quads where the manifest says {}: the index is damaged; run `build` again",
                        rows.as_slice().len(),
                        manifest.quads
                    ),
                ));
            }
            orders.push(rows);
        }
        let [spog, posg, ospg]: [Region<[TermId; 4]>; 3] = orders
            .try_into()
            .unwrap_or_else(|_| unreachable!("three orders were mapped"));
        Ok(Self {
            terms,
            spog,
            posg,
            ospg,
            graphs: manifest.graphs,
            counts: manifest.counts,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{GraphName, Literal, NamedNode, Quad};
    use std::sync::Arc;

    fn sample() -> QueryIndex {
        let iri = |n: &str| NamedNode::new_unchecked(format!("http://e.org/{n}"));
        let quads = (0..20).map(|i| {
            Quad::new(
                iri(&format!("s{}", i % 7)),
                iri("p"),
                Literal::new_language_tagged_literal_unchecked(format!("v{i}"), "fr"),
                if i % 2 == 0 {
                    GraphName::from(iri("g"))
                } else {
                    GraphName::DefaultGraph
                },
            )
        });
        QueryIndex::of_quads(quads).unwrap()
    }

    fn all(index: &Arc<QueryIndex>) -> Vec<String> {
        index
            .quads_for_pattern(None, None, None, None)
            .map(|q| q.to_string())
            .collect()
    }

    #[test]
    fn an_index_opened_from_its_files_is_the_index_written() {
        let dir = tempfile::tempdir().unwrap();
        let made = Arc::new(sample());
        made.write(dir.path()).unwrap();
        let opened = Arc::new(QueryIndex::open(dir.path()).unwrap());
        assert!(matches!(opened.spog, Region::Mapped(_)));
        assert_eq!(all(&opened), all(&made));
        assert_eq!(opened.counts(), made.counts());
        assert_eq!(opened.graphs, made.graphs);
        let p = NamedNode::new_unchecked("http://e.org/p");
        assert_eq!(
            opened
                .quads_for_pattern(None, Some(p.as_ref()), None, None)
                .count(),
            20
        );
    }

    #[test]
    fn a_damaged_or_missing_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        sample().write(dir.path()).unwrap();
        let posg = dir.path().join("posg");
        let bytes = std::fs::read(&posg).unwrap();
        std::fs::write(&posg, &bytes[..bytes.len() - 16]).unwrap();
        let error = QueryIndex::open(dir.path()).err().unwrap().to_string();
        assert!(
            error.contains("posg") && error.contains("damaged"),
            "{error}"
        );
        std::fs::write(&posg, &bytes[..bytes.len() - 3]).unwrap();
        let error = QueryIndex::open(dir.path()).err().unwrap().to_string();
        assert!(error.contains("whole number"), "{error}");
        std::fs::remove_file(dir.path().join(MANIFEST)).unwrap();
        let error = QueryIndex::open(dir.path()).err().unwrap().to_string();
        assert!(
            error.contains("manifest.json") && error.contains("build"),
            "{error}"
        );
    }
}
