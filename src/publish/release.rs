//! Atomic publication of a whole build. An output directory holds complete
//! releases and a `current` link to one of them:
//!
//! ```text
//! out/
//!   current -> releases/<id>     the published release (a symbolic link)
//!   releases/<id>/               complete releases; <id> is derived from SHA256SUMS
//!   releases/.staging-XXXX/      a build being written (or killed midway)
//!   .lock                        held while a build publishes
//! ```
//!
//! A build writes every file of a new release in a staging directory,
//! flushes each file (see [`super::ToDirectory`]) and the directory to disk,
//! renames the directory to its release name, then switches `current` by renaming a new link over it.
//! Whenever the process stops (error, `kill -9`, power loss after the
//! flushes), `current` points to a complete release: the previous one or the
//! new one, never a mix. The previous release is kept, for readers in the
//! middle of a download; older ones, and staging directories left by killed
//! builds, are removed by the next build.

use super::{CHECKSUMS_FILE, sha256_hex};
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

/// The link to the published release, in the output directory.
pub const CURRENT: &str = "current";
/// The directory of the releases, in the output directory.
pub const RELEASES: &str = "releases";
const STAGING_PREFIX: &str = ".staging-";
const LOCK_FILE: &str = ".lock";

/// A published release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// Its name in `releases/`: the first 16 hex digits of the SHA-256 of
    /// its `SHA256SUMS`, so the same files always make the same release.
    pub id: String,
    /// The stable path of the published files: `out/current`.
    pub current: PathBuf,
}

/// The release name of a build whose `SHA256SUMS` file is `checksums`.
pub fn release_id(checksums: &[u8]) -> String {
    sha256_hex(checksums)[..16].to_owned()
}

/// Publishes a new release in `out` (created if missing): `write` writes
/// every file, `SHA256SUMS` included, in the staging directory it is given;
/// they are flushed to disk, the directory becomes a release, and
/// `out/current` switches to it. Fails, leaving the published release as it
/// was, if `write` fails or if another build is publishing to `out`.
pub fn publish_release<T>(
    out: &Path,
    write: impl FnOnce(&Path) -> io::Result<T>,
) -> io::Result<(Release, T)> {
    let releases = out.join(RELEASES);
    fs::create_dir_all(&releases)?;
    let lock = File::create(out.join(LOCK_FILE))?;
    lock.try_lock().map_err(|_| {
        io::Error::new(
            io::ErrorKind::WouldBlock,
            format!("another build is publishing to {}", out.display()),
        )
    })?;
    remove_staging_leftovers(&releases)?;

    let staging = tempfile::Builder::new()
        .prefix(STAGING_PREFIX)
        .tempdir_in(&releases)?;
    let written = write(staging.path())?;
    let checksums = staging.path().join(CHECKSUMS_FILE);
    let checksums = fs::read(&checksums)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", checksums.display())))?;
    let id = release_id(&checksums);
    let release = releases.join(&id);
    if !release.is_dir() {
        sync_dir(staging.path())?;
        fs::rename(staging.path(), &release)?;
        // The staging directory is now the release: nothing left to delete.
        let _ = staging.keep();
        sync_dir(&releases)?;
    }
    let previous = current_release(out);
    switch_current(out, &id)?;
    prune(&releases, &[Some(id.as_str()), previous.as_deref()])?;
    let release = Release {
        id,
        current: out.join(CURRENT),
    };
    Ok((release, written))
}

/// The release `out/current` points to, if any.
pub fn current_release(out: &Path) -> Option<String> {
    let target = fs::read_link(out.join(CURRENT)).ok()?;
    Some(target.file_name()?.to_str()?.to_owned())
}

/// Points `out/current` to `releases/<id>`: a new link is made beside it and
/// renamed over it, which replaces it in one step.
fn switch_current(out: &Path, id: &str) -> io::Result<()> {
    let target = Path::new(RELEASES).join(id);
    let temporary = out.join(format!(".{CURRENT}.{}", std::process::id()));
    match fs::remove_file(&temporary) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    std::os::unix::fs::symlink(&target, &temporary)?;
    fs::rename(&temporary, out.join(CURRENT))?;
    sync_dir(out)
}

/// Removes the staging directories of builds that did not finish.
fn remove_staging_leftovers(releases: &Path) -> io::Result<()> {
    for entry in fs::read_dir(releases)? {
        let entry = entry?;
        if entry
            .file_name()
            .to_string_lossy()
            .starts_with(STAGING_PREFIX)
        {
            fs::remove_dir_all(entry.path())?;
        }
    }
    Ok(())
}

/// Removes every release but those in `keep`.
fn prune(releases: &Path, keep: &[Option<&str>]) -> io::Result<()> {
    for entry in fs::read_dir(releases)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !keep.contains(&Some(&*name)) && !name.starts_with(STAGING_PREFIX) {
            fs::remove_dir_all(entry.path())?;
        }
    }
    Ok(())
}

/// Flushes the entries of a directory (creations, renames) to disk.
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Publishes a release of one data file holding `text`.
    fn publish(out: &Path, text: &str) -> io::Result<Release> {
        publish_release(out, |staging| {
            fs::write(staging.join("data.ttl"), text)?;
            let sums = format!("{}  data.ttl\n", sha256_hex(text.as_bytes()));
            fs::write(staging.join(CHECKSUMS_FILE), sums)
        })
        .map(|(release, ())| release)
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn current_switches_to_the_new_release_and_keeps_the_previous_one() {
        let out = tempfile::tempdir().unwrap();
        let first = publish(out.path(), "one").unwrap();
        let second = publish(out.path(), "two").unwrap();
        assert_ne!(first.id, second.id);
        assert_eq!(fs::read(second.current.join("data.ttl")).unwrap(), b"two");
        assert_eq!(current_release(out.path()), Some(second.id.clone()));
        let mut kept = vec![first.id.clone(), second.id.clone()];
        kept.sort();
        assert_eq!(names(&out.path().join(RELEASES)), kept);

        let third = publish(out.path(), "three").unwrap();
        let mut kept = vec![second.id, third.id];
        kept.sort();
        assert_eq!(
            names(&out.path().join(RELEASES)),
            kept,
            "the oldest is pruned"
        );
        assert_eq!(names(out.path()), [".lock", CURRENT, RELEASES]);
    }

    #[test]
    fn the_same_files_make_the_same_release() {
        let out = tempfile::tempdir().unwrap();
        let a = publish(out.path(), "same").unwrap();
        let b = publish(out.path(), "same").unwrap();
        assert_eq!(a, b);
        assert_eq!(names(&out.path().join(RELEASES)), [a.id]);
    }

    #[test]
    fn a_killed_build_leaves_a_staging_directory_that_the_next_build_removes() {
        let out = tempfile::tempdir().unwrap();
        let first = publish(out.path(), "one").unwrap();
        let leftover = out.path().join(RELEASES).join(".staging-killed");
        fs::create_dir(&leftover).unwrap();
        fs::write(leftover.join("data.ttl"), "half").unwrap();
        assert_eq!(current_release(out.path()), Some(first.id));
        publish(out.path(), "two").unwrap();
        assert!(!leftover.exists());
    }

    #[test]
    fn a_build_without_checksums_is_refused() {
        let out = tempfile::tempdir().unwrap();
        let first = publish(out.path(), "one").unwrap();
        let error = publish_release(out.path(), |staging| {
            fs::write(staging.join("data.ttl"), "x")
        })
        .unwrap_err();
        assert!(error.to_string().contains(CHECKSUMS_FILE), "{error}");
        assert_eq!(current_release(out.path()), Some(first.id.clone()));
        assert_eq!(names(&out.path().join(RELEASES)), [first.id]);
    }

    #[test]
    fn a_second_build_at_the_same_time_is_refused() {
        let out = tempfile::tempdir().unwrap();
        let first = publish(out.path(), "one").unwrap();
        let lock = File::create(out.path().join(LOCK_FILE)).unwrap();
        lock.lock().unwrap();
        let error = publish(out.path(), "two").unwrap_err();
        assert!(error.to_string().contains("another build"), "{error}");
        assert_eq!(current_release(out.path()), Some(first.id));
    }

    #[test]
    fn a_failed_write_leaves_the_published_release_as_it_was() {
        let out = tempfile::tempdir().unwrap();
        let first = publish(out.path(), "one").unwrap();
        let failed = publish_release(out.path(), |staging| {
            fs::write(staging.join("data.ttl"), "half")?;
            fs::write(staging.join("no/such/dir.ttl"), "x")
        });
        assert!(failed.is_err());
        assert_eq!(current_release(out.path()), Some(first.id.clone()));
        assert_eq!(
            fs::read(out.path().join(CURRENT).join("data.ttl")).unwrap(),
            b"one"
        );
        assert_eq!(names(&out.path().join(RELEASES)), [first.id]);
    }
}
