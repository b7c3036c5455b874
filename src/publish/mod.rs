//! Publishing the built data set: dump files in several RDF formats, their
//! gzipped copies and checksums, written atomically to an output directory.

mod atomic;
mod dumps;

pub use atomic::write_all_atomically;
pub use dumps::{DUMP_STEM, dump_files};

use crate::store::DataSet;
use sha2::{Digest, Sha256};
use std::path::Path;

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

/// Every file of a build, checksums last, in a deterministic order.
pub fn build_outputs(data_set: &DataSet) -> std::io::Result<Vec<OutputFile>> {
    let mut files = dump_files(data_set)?;
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let checksums = checksums(&files);
    files.push(checksums);
    Ok(files)
}

/// Writes every file of a build to `out` atomically; returns the files written.
pub fn publish(data_set: &DataSet, out: &Path) -> std::io::Result<Vec<OutputFile>> {
    let files = build_outputs(data_set)?;
    write_all_atomically(out, &files)?;
    Ok(files)
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
