//! Where the files of a publication are written — in memory for the server,
//! in a release's staging directory for `build` — and the size and SHA-256
//! of each, computed while it is written so that no file is read twice nor
//! held whole in memory on its way to disk.

use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A written file as the catalog and the checksums describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSummary {
    /// File name (no directory part).
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// Hex SHA-256 of the contents.
    pub sha256: String,
}

/// A place files are written to, several at a time from several threads.
pub trait Destination: Sync {
    /// A file being written.
    type Writer: Write + Send;
    /// Starts the file `name`.
    fn create(&self, name: &str) -> io::Result<Self::Writer>;
    /// Completes the file `name` once everything is written to `writer`.
    fn close(&self, name: &str, writer: Self::Writer) -> io::Result<()>;
}

/// Files kept in memory, for the server.
#[derive(Debug, Default)]
pub struct ToMemory(Mutex<Vec<(String, Vec<u8>)>>);

impl ToMemory {
    /// The files written, name and contents, in the order they were closed.
    pub fn into_contents(self) -> Vec<(String, Vec<u8>)> {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Destination for ToMemory {
    type Writer = Vec<u8>;

    fn create(&self, _name: &str) -> io::Result<Vec<u8>> {
        Ok(Vec::new())
    }

    fn close(&self, name: &str, bytes: Vec<u8>) -> io::Result<()> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((name.to_owned(), bytes));
        Ok(())
    }
}

/// Files written in a directory and flushed to disk when closed.
#[derive(Debug)]
pub struct ToDirectory(pub PathBuf);

impl ToDirectory {
    /// The path of the file `name`.
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Destination for ToDirectory {
    type Writer = File;

    fn create(&self, name: &str) -> io::Result<File> {
        let path = self.path(name);
        File::create(&path).map_err(|e| in_file(&path, e))
    }

    fn close(&self, name: &str, file: File) -> io::Result<()> {
        file.sync_all().map_err(|e| in_file(&self.path(name), e))
    }
}

/// `error`, saying which file it happened to.
fn in_file(path: &Path, error: io::Error) -> io::Error {
    io::Error::new(error.kind(), format!("{}: {error}", path.display()))
}

/// A writer that counts and hashes what goes through it.
pub struct Summarizing<W> {
    inner: W,
    size: u64,
    hash: Sha256,
}

impl<W: Write> Summarizing<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            size: 0,
            hash: Sha256::new(),
        }
    }

    /// The inner writer, flushed, and the summary of what it was given.
    pub fn finish(mut self, name: &str) -> io::Result<(W, FileSummary)> {
        self.inner.flush()?;
        let summary = FileSummary {
            name: name.to_owned(),
            size: self.size,
            sha256: format!("{:x}", self.hash.finalize()),
        };
        Ok((self.inner, summary))
    }
}

impl<W: Write> Write for Summarizing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.size += written as u64;
        self.hash.update(&buf[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A writer that writes everything to two writers.
pub struct Tee<A, B>(pub A, pub B);

impl<A: Write, B: Write> Write for Tee<A, B> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write_all(buf)?;
        self.1.write_all(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()?;
        self.1.flush()
    }
}

/// Writes the file `name` with `bytes` to `destination`.
pub fn write_file(
    destination: &impl Destination,
    name: &str,
    bytes: &[u8],
) -> io::Result<FileSummary> {
    let mut writer = Summarizing::new(destination.create(name)?);
    writer.write_all(bytes)?;
    let (inner, summary) = writer.finish(name)?;
    destination.close(name, inner)?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_match_the_bytes_written_in_memory_and_on_disk() {
        let memory = ToMemory::default();
        let in_memory = write_file(&memory, "a.txt", b"abc").unwrap();
        assert_eq!(in_memory.size, 3);
        assert_eq!(
            in_memory.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            memory.into_contents(),
            [("a.txt".to_owned(), b"abc".to_vec())]
        );

        let dir = tempfile::tempdir().unwrap();
        let on_disk = write_file(&ToDirectory(dir.path().into()), "a.txt", b"abc").unwrap();
        assert_eq!(on_disk, in_memory);
        assert_eq!(std::fs::read(dir.path().join("a.txt")).unwrap(), b"abc");
    }

    #[test]
    fn a_file_that_cannot_be_created_is_named_in_the_error() {
        let dir = tempfile::tempdir().unwrap();
        let error = write_file(&ToDirectory(dir.path().join("missing")), "a.txt", b"x")
            .unwrap_err()
            .to_string();
        assert!(error.contains("missing/a.txt"), "{error}");
    }

    #[test]
    fn a_tee_writes_both_sides_in_full() {
        let mut tee = Tee(Vec::new(), Summarizing::new(Vec::new()));
        tee.write_all(b"hello ").unwrap();
        tee.write_all(b"world").unwrap();
        let Tee(left, right) = tee;
        let (right, summary) = right.finish("x").unwrap();
        assert_eq!(left, b"hello world");
        assert_eq!(right, b"hello world");
        assert_eq!(summary.size, 11);
    }
}
