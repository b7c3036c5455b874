//! Safe republishing: a `build` killed with `SIGKILL` at any moment leaves
//! `out/current` pointing to a complete release, the previous one or the new
//! one, whose every file matches its `SHA256SUMS`.

mod common;

use common::{DataCopy, repo, set_modified};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime};
use territoire_innovant::change_feed::{HISTORY_DIR, Keep, VersionLog};
use territoire_innovant::publish::sha256_hex;

const BIN: &str = env!("CARGO_BIN_EXE_territoire-innovant");

/// A copy of `data/` whose `modified` date switches between two values,
/// which makes two different releases.
struct Source(DataCopy);

impl Source {
    fn new() -> Self {
        Self(DataCopy::new())
    }

    fn data(&self) -> PathBuf {
        self.0.data()
    }

    fn out(&self) -> PathBuf {
        self.0.out()
    }

    fn set_modified(&self, day: u32) {
        set_modified(&self.data(), day);
    }

    fn build_command(&self) -> Command {
        let mut command = Command::new(BIN);
        command
            .current_dir(repo())
            .arg("--data")
            .arg(self.data())
            .arg("build")
            .arg("--out")
            .arg(self.out())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        command
    }

    /// Builds to the end; returns the published `SHA256SUMS`.
    fn build(&self) -> String {
        let output = self.build_command().output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        verified_release(&self.out())
    }
}

/// Checks that `out/current` is a complete release: the files listed in its
/// `SHA256SUMS` and no other, each with its checksum, and the query index a
/// server reads beside them, whole (it opens). Returns the sums.
fn verified_release(out: &Path) -> String {
    let current = out.join("current");
    let sums = std::fs::read_to_string(current.join("SHA256SUMS"))
        .unwrap_or_else(|e| panic!("no SHA256SUMS in {}: {e}", current.display()));
    let mut listed = vec!["SHA256SUMS".to_owned()];
    for line in sums.lines() {
        let (hash, name) = line.split_once("  ").expect("sha256sum format");
        let bytes = std::fs::read(current.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(sha256_hex(&bytes), hash, "{name} does not match SHA256SUMS");
        listed.push(name.to_owned());
    }
    let mut present: Vec<_> = std::fs::read_dir(&current)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name != "index")
        .collect();
    listed.sort();
    present.sort();
    assert_eq!(present, listed, "files of the release");
    let opened = territoire_innovant::publish::PublishedRelease::open(&current)
        .unwrap_or_else(|e| panic!("the release opens as a server reads it: {e}"));
    assert!(opened.index.len() > 1000, "{} quads", opened.index.len());
    sums
}

/// Checks the change feed's log in `out`: every release's file reads whole,
/// no version repeats the one before it of its resource, and the latest
/// versions are the data graph built from `data`. Returns the releases.
fn verified_history(out: &Path, data: &Path) -> usize {
    let log = VersionLog::open(&out.join(HISTORY_DIR), Keep::Versions)
        .unwrap_or_else(|e| panic!("the version log reads whole: {e}"));
    let mut latest: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for release in log.releases() {
        let triples = release
            .version_triples(0..release.versions.len())
            .unwrap_or_else(|e| panic!("the versions read: {e}"));
        for (version, triples) in release.versions.iter().zip(&triples) {
            let description: Vec<String> = version
                .description(triples)
                .map(|t| t.to_string())
                .collect();
            let resource = version.resource.as_str().to_owned();
            if version.deleted {
                assert!(
                    latest.remove(&resource).is_some(),
                    "{resource} deleted twice"
                );
            } else {
                assert_ne!(
                    latest.insert(resource.clone(), description.clone()),
                    Some(description),
                    "{resource}: a version repeats the one before it"
                );
            }
        }
    }
    let data_set = territoire_innovant::store::DataSet::build(&common::inputs(
        data,
        territoire_innovant::rdf::Base::default(),
    ))
    .unwrap();
    let mut expected: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let data = data_set.data_graph_triples().unwrap();
    for triple in territoire_innovant::rdf::order::Sorted::new(&data).iter() {
        let oxigraph::model::NamedOrBlankNodeRef::NamedNode(subject) = triple.subject else {
            panic!("no blank node in the data graph");
        };
        expected
            .entry(subject.as_str().to_owned())
            .or_default()
            .push(triple.to_string());
    }
    assert_eq!(latest, expected, "the latest versions are the data graph");
    let leftovers: Vec<_> = std::fs::read_dir(out.join(HISTORY_DIR))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    log.releases().len()
}

/// A small pseudo-random generator (xorshift), seeded from the clock; the
/// seed is printed so that a failure can be replayed.
struct Random(u64);

impl Random {
    fn new() -> Self {
        let seed = std::env::var("REPUBLISH_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                SystemTime::now()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .unwrap()
                    .subsec_nanos() as u64
                    | 1
            });
        println!("REPUBLISH_SEED={seed}");
        Self(seed)
    }

    /// A number in `0.0..1.0`.
    fn fraction(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % 10_000) as f64 / 10_000.0
    }
}

#[test]
fn a_build_killed_at_any_moment_leaves_a_complete_release() {
    let source = Source::new();
    source.set_modified(27);
    let old = source.build();
    source.set_modified(28);
    let started = Instant::now();
    let new = source.build();
    let duration = started.elapsed();
    assert_ne!(old, new, "the two dates make two releases");

    let mut random = Random::new();
    let mut outcomes = [0; 2];
    for round in 0..24 {
        let (from, to, day) = if round % 2 == 0 {
            (&new, &old, 27)
        } else {
            (&old, &new, 28)
        };
        // Bring `current` to `from` (a complete build), then kill the build to `to`.
        if verified_release(&source.out()) != *from {
            source.set_modified(if day == 27 { 28 } else { 27 });
            assert_eq!(source.build(), *from);
        }
        source.set_modified(day);
        // Half of the kills anywhere, half near the end, where files are written.
        let window = if round % 4 < 2 {
            (0.0, 1.2)
        } else {
            (0.7, 1.1)
        };
        let delay = duration.mul_f64(window.0 + (window.1 - window.0) * random.fraction());
        let mut build = source.build_command().spawn().unwrap();
        std::thread::sleep(delay);
        build.kill().unwrap();
        let status = build.wait().unwrap();

        let published = verified_release(&source.out());
        assert!(
            published == *from || published == *to,
            "round {round}: killed after {delay:?} ({status}): an unknown release"
        );
        if published == *from {
            outcomes[0] += 1;
        } else {
            outcomes[1] += 1;
        }
    }
    println!(
        "build takes {duration:?}; killed builds: {} left the previous release, {} had published",
        outcomes[0], outcomes[1]
    );
    assert!(
        outcomes[0] > 0,
        "no build was killed before publishing: the test did not test"
    );

    // The next complete build cleans what the killed ones left, and logs
    // the release if a killed build had published it without logging it.
    source.set_modified(28);
    assert_eq!(source.build(), new);
    let logged = verified_history(&source.out(), &source.data());
    println!("the change feed logged {logged} releases");
    assert!(logged >= 2);
    let releases: Vec<_> = std::fs::read_dir(source.out().join("releases"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(releases.len() <= 2, "{releases:?}");
    assert!(
        releases.iter().all(|r| !r.starts_with('.')),
        "staging leftovers: {releases:?}"
    );
}

#[test]
fn a_failed_build_leaves_the_published_release() {
    let source = Source::new();
    let published = source.build();
    std::fs::write(source.data().join("label.toml"), "not = [toml").unwrap();
    let output = source.build_command().output().unwrap();
    assert!(!output.status.success());
    assert_eq!(verified_release(&source.out()), published);
}
