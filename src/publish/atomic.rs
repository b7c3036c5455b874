//! Atomic output: every file is written to a temporary file in the output
//! directory, flushed to disk, and only then renamed into place, so a reader
//! never sees a half-written file and a failed build changes nothing.

use super::OutputFile;
use std::io::Write;
use std::path::Path;
use tempfile::NamedTempFile;

/// Writes `files` into `dir` (created if missing). All files are staged
/// before the first one is renamed into place: an error while writing leaves
/// every previous file untouched.
pub fn write_all_atomically(dir: &Path, files: &[OutputFile]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut staged = Vec::with_capacity(files.len());
    for file in files {
        let mut temp = tempfile::Builder::new()
            .prefix(&format!(".{}.", file.name))
            .suffix(".tmp")
            .tempfile_in(dir)?;
        temp.write_all(&file.bytes)?;
        temp.as_file().sync_all()?;
        staged.push((temp, dir.join(&file.name)));
    }
    for (temp, target) in staged {
        NamedTempFile::persist(temp, &target).map_err(|e| e.error)?;
    }
    sync_dir(dir)
}

/// Flushes the directory entry changes (the renames) to disk.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_replace_previous_ones_and_leave_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.ttl"), "old").unwrap();
        let files = [
            OutputFile {
                name: "a.ttl".into(),
                bytes: b"new".to_vec(),
            },
            OutputFile {
                name: "b.nt".into(),
                bytes: b"b".to_vec(),
            },
        ];
        write_all_atomically(dir.path(), &files).unwrap();
        assert_eq!(std::fs::read(dir.path().join("a.ttl")).unwrap(), b"new");
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["a.ttl", "b.nt"]);
    }

    #[test]
    fn a_failed_rename_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.ttl"), "old").unwrap();
        // A directory in the way of the second file makes its rename fail
        // only after the first file is staged.
        std::fs::create_dir(dir.path().join("b.nt")).unwrap();
        std::fs::write(dir.path().join("b.nt/keep"), "x").unwrap();
        let files = [
            OutputFile {
                name: "a.ttl".into(),
                bytes: b"new".to_vec(),
            },
            OutputFile {
                name: "b.nt".into(),
                bytes: b"b".to_vec(),
            },
        ];
        assert!(write_all_atomically(dir.path(), &files).is_err());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}
