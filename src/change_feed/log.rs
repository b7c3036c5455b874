//! The version log: an append-only directory of releases, one N-Triples
//! file each, named by the release's time so that their names sort in the
//! order they were logged:
//!
//! ```text
//! history/
//!   20261129T170000123Z.nt    the versions logged by one release
//!   .20261129T180000456Z.tmp  a release being written (or killed midway)
//!   latest.digests            each resource's latest digest, after the last release
//!   .lock                     held while a release is logged
//! ```
//!
//! A release's file is written aside, flushed, and renamed into place: it
//! is there whole or not at all. A release logs only the resources whose
//! description differs from their latest logged version, compared in a
//! canonical form (see [`description_digest`]); a build killed after its
//! file landed logs nothing new the next time, so no version is ever
//! logged twice.
//!
//! `latest.digests` spares a build reading the whole log: it holds what
//! the log's files add up to after the release it names, and is written
//! aside and renamed after each release. It is only a summary: when it
//! names another release than the last (a build killed between the two
//! renames) or does not read, the files are read instead.

use super::{LoggedRelease, Version};
use crate::rdf::Base;
use crate::rdf::graph::GraphRef;
use crate::rdf::order::{Sorted, triple_order};
use crate::rdf::vocab::{activity, dcat, dct, prov};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{
    Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, NamedOrBlankNodeRef, Term, TermRef, Triple,
    TripleRef,
};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::io::{BufRead, Read, Seek};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The directory of the version log in a build's output directory.
pub const HISTORY_DIR: &str = "history";
const LOCK_FILE: &str = ".lock";
const DIGESTS_FILE: &str = "latest.digests";
const DIGESTS_HEADER: &str = "# the latest digest of each resource after release ";
const EXTENSION: &str = "nt";

/// What a log keeps in memory of the versions it reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Every version with its triples, to serve them.
    Versions,
    /// Only each resource's latest digest, to log the next release.
    Digests,
}

/// Why the log cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// The log's directory or a file in it cannot be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What failed.
        source: io::Error,
    },
    /// A release's file is not what the log writes.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, and where.
        message: String,
    },
    /// The data cannot be logged as versions of resources.
    #[error("the change feed cannot log the data: {0}")]
    Data(String),
}

impl LogError {
    /// Whether the log's directory cannot be written at all (a read-only
    /// file system, no permission), as opposed to a log that is damaged.
    pub fn is_unwritable(&self) -> bool {
        matches!(self, LogError::Io { source, .. }
            if matches!(source.kind(), io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem))
    }
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> LogError + '_ {
    move |source| LogError::Io {
        path: path.to_owned(),
        source,
    }
}

/// The SHA-256 of a resource's description in canonical form.
type Digest256 = [u8; 32];

/// The version log of a data set: its releases in order, and the digest of
/// each resource's latest description.
#[derive(Debug)]
pub struct VersionLog {
    dir: Option<PathBuf>,
    keep: Keep,
    /// The key of every release logged, in order.
    keys: Vec<String>,
    /// The releases, when the log keeps versions.
    releases: Vec<Arc<LoggedRelease>>,
    latest: HashMap<String, Digest256>,
    /// Whether `latest.digests` is behind the log's files.
    digests_behind: bool,
}

impl VersionLog {
    /// A log kept in memory only: it starts empty and ends with the process.
    pub fn in_memory() -> Self {
        Self {
            dir: None,
            keep: Keep::Versions,
            keys: Vec::new(),
            releases: Vec::new(),
            latest: HashMap::new(),
            digests_behind: false,
        }
    }

    /// The log in `dir` (created when the first release is logged), read
    /// whole.
    pub fn open(dir: &Path, keep: Keep) -> Result<Self, LogError> {
        let mut log = Self {
            dir: Some(dir.to_owned()),
            keep,
            keys: Vec::new(),
            releases: Vec::new(),
            latest: HashMap::new(),
            digests_behind: false,
        };
        log.catch_up()?;
        Ok(log)
    }

    /// The directory of the log, if it is kept on disk.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The releases logged, oldest first (none when the log keeps only
    /// digests: see [`VersionLog::len`]).
    pub fn releases(&self) -> &[Arc<LoggedRelease>] {
        &self.releases
    }

    /// How many releases are logged.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether no release is logged.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Logs the data graph `data` of release `release` at `now`: a version
    /// of each resource (each subject of `data`) whose description is new
    /// or differs from its latest version, and a tombstone for each resource
    /// of the latest versions that `data` no longer describes. Returns the
    /// release logged, or `None` when nothing changed (nothing is written).
    ///
    /// Two processes logging to one directory take turns; each compares
    /// with what the other logged.
    pub fn record<'a>(
        &mut self,
        base: &Base,
        data: impl Into<GraphRef<'a>>,
        release: &str,
        now: SystemTime,
    ) -> Result<Option<Arc<LoggedRelease>>, LogError> {
        self.record_sorted(base, &Sorted::new(data), release, now)
    }

    /// [`VersionLog::record`] of data already sorted (a build sorts it for
    /// the dumps).
    pub fn record_sorted(
        &mut self,
        base: &Base,
        data: &Sorted<'_>,
        release: &str,
        now: SystemTime,
    ) -> Result<Option<Arc<LoggedRelease>>, LogError> {
        let _lock = self.lock()?;
        self.catch_up()?;
        if let Some(triple) = data
            .iter()
            .find(|t| t.subject.is_blank_node() || t.object.is_blank_node())
        {
            return Err(LogError::Data(format!(
                "resources are compared by IRI, and the data graph has a blank node: {triple}"
            )));
        }
        let mut changed = Vec::new();
        let mut described = std::collections::HashSet::new();
        for description in data.descriptions() {
            let resource = subject_iri(data.get(description.start));
            described.insert(resource.as_str());
            let digest = description_digest(
                description
                    .clone()
                    .map(|n| data.get(n))
                    .map(|t| (t.predicate, t.object)),
            );
            if self.latest.get(resource.as_str()) != Some(&digest) {
                changed.push((resource, digest, description));
            }
        }
        let mut deleted: Vec<&String> = self
            .latest
            .keys()
            .filter(|iri| !described.contains(iri.as_str()))
            .collect();
        deleted.sort();
        if changed.is_empty() && deleted.is_empty() {
            if self.digests_behind {
                self.write_digests()?;
            }
            return Ok(None);
        }

        let time = self.next_time(now);
        let key = file_key(time);
        let time = Literal::new_typed_literal(date_time(time), xsd::DATE_TIME);
        let release_literal = Literal::new_simple_literal(release);
        let mut logged = LoggedRelease {
            key,
            time: time.clone(),
            release: release.to_owned(),
            versions: Vec::new(),
            size: changed.len() + deleted.len(),
            text: ReleaseText::Memory(Arc::from(&[][..])),
        };
        let mut sink = match self.release_writer(&logged.key)? {
            Some((temporary, writer)) => Sink::File(temporary, writer),
            None => Sink::Memory(Vec::new()),
        };
        let (mut written, mut line) = (0, Vec::new());
        let mut latest = Vec::with_capacity(logged.size);
        let deleted: Vec<NamedNode> = deleted
            .into_iter()
            .map(|iri| NamedNode::new_unchecked(iri.as_str()))
            .collect();
        let versions = changed
            .iter()
            .map(|(resource, digest, description)| {
                (*resource, Some((*digest, description.clone())))
            })
            .chain(deleted.iter().map(|resource| (resource.as_ref(), None)));
        for (resource, description) in versions {
            let iri = version_iri(base, &logged.key, resource);
            let metadata = [
                (dct::IS_VERSION_OF, Term::from(resource.into_owned())),
                (prov::GENERATED_AT_TIME, time.clone().into()),
                (dcat::VERSION, release_literal.clone().into()),
            ];
            let mut triples: Vec<Triple> = description
                .is_none()
                .then(|| Triple::new(iri.clone(), rdf::TYPE, activity::DELETE))
                .into_iter()
                .chain(
                    metadata
                        .into_iter()
                        .map(|(p, o)| Triple::new(iri.clone(), p, o)),
                )
                .collect();
            if let Some((_, description)) = &description {
                triples.extend(description.clone().map(|n| {
                    let t = data.get(n);
                    Triple::new(iri.clone(), t.predicate, t.object)
                }));
            }
            triples.sort_by(|a, b| triple_order(a.as_ref(), b.as_ref()));
            line.clear();
            for triple in &triples {
                writeln!(line, "{triple} .").expect("writing to memory does not fail");
            }
            sink.write(&line)?;
            let span = written..written + line.len();
            written = span.end;
            latest.push((
                resource.as_str().to_owned(),
                description.as_ref().map(|(d, _)| *d),
            ));
            if self.keep == Keep::Versions {
                logged.versions.push(Version {
                    iri,
                    resource: resource.into_owned(),
                    deleted: description.is_none(),
                    span,
                });
            }
        }
        logged.text = match sink {
            Sink::File(temporary, writer) => {
                ReleaseText::File(self.land(&logged.key, &temporary, writer)?)
            }
            Sink::Memory(bytes) => ReleaseText::Memory(bytes.into()),
        };
        for (resource, digest) in latest {
            match digest {
                Some(digest) => self.latest.insert(resource, digest),
                None => self.latest.remove(&resource),
            };
        }
        self.keys.push(logged.key.clone());
        self.digests_behind = true;
        self.write_digests()?;
        let logged = Arc::new(logged);
        if self.keep == Keep::Versions {
            self.releases.push(Arc::clone(&logged));
        }
        Ok(Some(logged))
    }

    /// The time of a new release: now, or just after the latest release
    /// if the clock is behind it (times only grow along the log).
    fn next_time(&self, now: SystemTime) -> Duration {
        let now = now.duration_since(UNIX_EPOCH).unwrap_or_default();
        let now = Duration::from_millis(now.as_millis() as u64);
        match self.keys.last().and_then(|key| parse_file_key(key)) {
            Some(last) if last >= now => last + Duration::from_millis(1),
            _ => now,
        }
    }

    /// Takes the log's lock (on disk), waiting for another process's turn,
    /// and removes the files left by writers that were stopped midway.
    fn lock(&self) -> Result<Option<File>, LogError> {
        let Some(dir) = &self.dir else {
            return Ok(None);
        };
        fs::create_dir_all(dir).map_err(io_error(dir))?;
        let path = dir.join(LOCK_FILE);
        let lock = File::create(&path).map_err(io_error(&path))?;
        lock.lock().map_err(io_error(&path))?;
        for entry in fs::read_dir(dir).map_err(io_error(dir))? {
            let path = entry.map_err(io_error(dir))?.path();
            if path.extension().is_some_and(|e| e == "tmp") {
                fs::remove_file(&path).map_err(io_error(&path))?;
            }
        }
        Ok(Some(lock))
    }

    /// A writer of release `key`'s file beside the log, if it is on disk.
    fn release_writer(&self, key: &str) -> Result<Option<(PathBuf, BufWriter<File>)>, LogError> {
        let Some(dir) = &self.dir else {
            return Ok(None);
        };
        let temporary = dir.join(format!(".{key}.tmp"));
        let file = File::create(&temporary).map_err(io_error(&temporary))?;
        Ok(Some((temporary, BufWriter::new(file))))
    }

    /// Flushes a release's file to disk and renames it into the log.
    fn land(
        &self,
        key: &str,
        temporary: &Path,
        writer: BufWriter<File>,
    ) -> Result<PathBuf, LogError> {
        let dir = self
            .dir
            .as_deref()
            .expect("only a log on disk writes files");
        let path = dir.join(format!("{key}.{EXTENSION}"));
        self.land_file(temporary, &path, writer)?;
        Ok(path)
    }

    /// Flushes a file written aside to disk and renames it to `path`.
    fn land_file(
        &self,
        temporary: &Path,
        path: &Path,
        writer: BufWriter<File>,
    ) -> Result<(), LogError> {
        let dir = self
            .dir
            .as_deref()
            .expect("only a log on disk writes files");
        let file = writer
            .into_inner()
            .map_err(|e| io_error(temporary)(e.into_error()))?;
        file.sync_all().map_err(io_error(temporary))?;
        fs::rename(temporary, path).map_err(io_error(path))?;
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(io_error(dir))
    }

    /// Reads the releases logged (by this process or another) since the
    /// last one read.
    fn catch_up(&mut self) -> Result<(), LogError> {
        let Some(dir) = self.dir.clone() else {
            return Ok(());
        };
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io_error(&dir)(e)),
        };
        let mut keys = Vec::new();
        for entry in entries {
            let name = entry.map_err(io_error(&dir))?.file_name();
            let name = name.to_string_lossy();
            if let Some(key) = name.strip_suffix(&format!(".{EXTENSION}"))
                && !name.starts_with('.')
            {
                if parse_file_key(key).is_none() {
                    return Err(LogError::Invalid {
                        path: dir.join(&*name),
                        message: "not a release of the log: expected a name such as 20261129T170000123Z.nt"
                            .to_owned(),
                    });
                }
                keys.push(key.to_owned());
            }
        }
        keys.sort();
        let last = self.keys.last().cloned();
        let new: Vec<String> = keys
            .into_iter()
            .filter(|k| Some(k) > last.as_ref())
            .collect();
        let summary = match new.last() {
            Some(newest) if self.keys.is_empty() => read_digests(&dir, newest),
            _ => None,
        };
        let summarized = summary.is_some();
        if let Some(latest) = summary {
            self.latest = latest;
            if self.keep == Keep::Digests {
                self.keys = new;
                return Ok(());
            }
        }
        for key in new {
            let path = dir.join(format!("{key}.{EXTENSION}"));
            let release = self.read_release(&path, key.clone(), summarized)?;
            self.keys.push(key);
            self.digests_behind |= !summarized;
            if self.keep == Keep::Versions {
                self.releases.push(Arc::new(release));
            }
        }
        Ok(())
    }

    /// Writes `latest.digests` aside and renames it into the log.
    fn write_digests(&mut self) -> Result<(), LogError> {
        let (Some(dir), Some(last)) = (&self.dir, self.keys.last()) else {
            return Ok(());
        };
        let temporary = dir.join(format!(".{DIGESTS_FILE}.tmp"));
        let mut writer = BufWriter::new(File::create(&temporary).map_err(io_error(&temporary))?);
        let mut lines: Vec<(&String, &Digest256)> = self.latest.iter().collect();
        lines.sort_unstable();
        let write = |writer: &mut BufWriter<File>| -> io::Result<()> {
            writeln!(writer, "{DIGESTS_HEADER}{last}")?;
            for (resource, digest) in lines {
                for byte in digest {
                    write!(writer, "{byte:02x}")?;
                }
                writeln!(writer, " {resource}")?;
            }
            Ok(())
        };
        write(&mut writer).map_err(io_error(&temporary))?;
        self.land_file(&temporary, &dir.join(DIGESTS_FILE), writer)?;
        self.digests_behind = false;
        Ok(())
    }

    /// Reads one release's file and moves each resource's latest digest.
    /// Each version's lines are read and parsed on their own: the file's
    /// text stays on disk, where its pages are read from. When the digests
    /// come from `latest.digests` (`summarized`), only the first version is
    /// parsed (for the release's time and name); the others are indexed
    /// from their lines, as the log writes them.
    fn read_release(
        &mut self,
        path: &Path,
        key: String,
        summarized: bool,
    ) -> Result<LoggedRelease, LogError> {
        let invalid = |message: String| LogError::Invalid {
            path: path.to_owned(),
            message,
        };
        let file = File::open(path).map_err(io_error(path))?;
        let mut reader = io::BufReader::with_capacity(1 << 20, file);
        let mut release = LoggedRelease {
            key,
            time: Literal::new_simple_literal(""),
            release: String::new(),
            versions: Vec::new(),
            size: 0,
            text: ReleaseText::File(path.to_owned()),
        };
        let (mut lines, mut offset, mut line_number) = (Vec::new(), 0, 0);
        let mut first_line = 1;
        loop {
            let at = lines.len();
            let read = reader
                .read_until(b'\n', &mut lines)
                .map_err(io_error(path))?;
            line_number += usize::from(read > 0);
            let same_version = read > 0 && {
                let (previous, this) = lines.split_at(at);
                at == 0 || subject_of(this) == subject_of(previous)
            };
            if same_version {
                continue;
            }
            let version_end = if read > 0 { at } else { lines.len() };
            if version_end > 0 {
                let text = &lines[..version_end];
                let span = offset..offset + text.len();
                if summarized && release.size > 0 {
                    let version = index_version(text, span).ok_or_else(|| {
                        invalid(format!(
                            "the version starting on line {first_line} is not as the log writes it"
                        ))
                    })?;
                    release.size += 1;
                    release.versions.push(version);
                } else {
                    let triples = parse_version(text).map_err(|e| {
                        invalid(format!("the version starting on line {first_line}: {e}"))
                    })?;
                    self.read_version(&mut release, triples, span, !summarized)
                        .map_err(|e| invalid(format!("line {first_line}: {e}")))?;
                }
                offset += version_end;
                first_line = line_number;
            }
            if read == 0 {
                break;
            }
            lines.drain(..version_end);
        }
        if release.size == 0 {
            return Err(invalid(
                "a release logs at least one version: the file is empty".to_owned(),
            ));
        }
        Ok(release)
    }

    /// Takes one version read from a release's file into the log (and its
    /// digest, if `digest`).
    fn read_version(
        &mut self,
        release: &mut LoggedRelease,
        triples: Vec<Triple>,
        span: Range<usize>,
        digest: bool,
    ) -> Result<(), String> {
        let version = Version::read(&triples, span)?;
        let time = metadata(&triples, prov::GENERATED_AT_TIME);
        let name = metadata(&triples, dcat::VERSION);
        match (time, name) {
            (Some(Term::Literal(time)), Some(Term::Literal(name))) => {
                if release.size == 0 {
                    release.time = time.clone();
                    release.release = name.value().to_owned();
                } else if *time != release.time {
                    return Err(format!(
                        "version <{}> was generated at {time}, its release at {}",
                        version.iri.as_str(),
                        release.time
                    ));
                }
            }
            _ => {
                return Err(format!(
                    "version <{}> lacks its prov:generatedAtTime or dcat:version",
                    version.iri.as_str()
                ));
            }
        }
        release.size += 1;
        if digest && version.deleted {
            self.latest.remove(version.resource.as_str());
        } else if digest {
            let digest = description_digest(
                version
                    .description(&triples)
                    .map(|t| (t.predicate, t.object)),
            );
            self.latest
                .insert(version.resource.as_str().to_owned(), digest);
        }
        if self.keep == Keep::Versions {
            release.versions.push(version);
        }
        Ok(())
    }
}

/// Where a release's file is being written: on disk beside the log, or in
/// memory for a log kept there.
enum Sink {
    File(PathBuf, BufWriter<File>),
    Memory(Vec<u8>),
}

impl Sink {
    fn write(&mut self, bytes: &[u8]) -> Result<(), LogError> {
        match self {
            Sink::File(path, writer) => writer.write_all(bytes).map_err(io_error(path)),
            Sink::Memory(memory) => {
                memory.extend_from_slice(bytes);
                Ok(())
            }
        }
    }
}

/// Where the text of a release's versions is.
#[derive(Debug, Clone, PartialEq)]
pub enum ReleaseText {
    /// In its file in the log.
    File(PathBuf),
    /// In memory, for a log kept there.
    Memory(Arc<[u8]>),
}

impl LoggedRelease {
    /// The triples of the versions `range` of [`LoggedRelease::versions`],
    /// version by version (read from the log's file).
    pub fn version_triples(&self, range: Range<usize>) -> Result<Vec<Vec<Triple>>, LogError> {
        let versions = &self.versions[range];
        let (Some(first), Some(last)) = (versions.first(), versions.last()) else {
            return Ok(Vec::new());
        };
        let bytes = match &self.text {
            ReleaseText::Memory(bytes) => bytes[first.span.start..last.span.end].to_vec(),
            ReleaseText::File(path) => {
                let mut file = File::open(path).map_err(io_error(path))?;
                file.seek(io::SeekFrom::Start(first.span.start as u64))
                    .map_err(io_error(path))?;
                let mut bytes = vec![0; last.span.end - first.span.start];
                file.read_exact(&mut bytes).map_err(io_error(path))?;
                bytes
            }
        };
        versions
            .iter()
            .map(|v| {
                let text = &bytes[v.span.start - first.span.start..v.span.end - first.span.start];
                parse_version(text).map_err(|message| LogError::Invalid {
                    path: match &self.text {
                        ReleaseText::File(path) => path.clone(),
                        ReleaseText::Memory(_) => PathBuf::from("(memory)"),
                    },
                    message,
                })
            })
            .collect()
    }
}

/// A version indexed from its lines as the log writes them (one triple a
/// line, IRIs between `<>`), without parsing them: its IRI, the resource it
/// is a version of, whether it is a tombstone. `None` if a line is not so.
fn index_version(text: &[u8], span: Range<usize>) -> Option<Version> {
    let iri = |token: &[u8]| -> Option<NamedNode> {
        let inner = token.strip_prefix(b"<")?.strip_suffix(b">")?;
        Some(NamedNode::new_unchecked(std::str::from_utf8(inner).ok()?))
    };
    let is_version_of = format!("<{}>", dct::IS_VERSION_OF.as_str());
    let tombstone = format!("<{}> <{}> .", rdf::TYPE.as_str(), activity::DELETE.as_str());
    let mut version = None;
    let (mut resource, mut deleted) = (None, false);
    for line in text.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let subject = subject_of(line);
        version.get_or_insert(iri(subject)?);
        let rest = line.get(subject.len() + 1..)?;
        if let Some(object) = rest.strip_prefix(is_version_of.as_bytes()) {
            resource = iri(object.trim_ascii().strip_suffix(b".")?.trim_ascii());
        } else if rest == tombstone.as_bytes() {
            deleted = true;
        }
    }
    Some(Version {
        iri: version?,
        resource: resource?,
        deleted,
        span,
    })
}

/// The subject of an N-Triples line: its text up to the first `>`.
fn subject_of(line: &[u8]) -> &[u8] {
    let end = line
        .iter()
        .position(|&b| b == b'>')
        .map_or(line.len(), |i| i + 1);
    &line[..end]
}

/// The triples of one version's lines.
fn parse_version(text: &[u8]) -> Result<Vec<Triple>, String> {
    RdfParser::from_format(RdfFormat::NTriples)
        .for_slice(text)
        .map(|quad| quad.map(Triple::from).map_err(|e| e.to_string()))
        .collect()
}

/// The object of a version's metadata triple with `predicate`.
fn metadata<'a>(triples: &'a [Triple], predicate: NamedNodeRef<'_>) -> Option<&'a Term> {
    triples
        .iter()
        .find(|t| t.predicate == predicate)
        .map(|t| &t.object)
}

impl Version {
    /// The version whose triples (all of one subject) are `triples`, at
    /// `span` in its release's text.
    fn read(triples: &[Triple], span: Range<usize>) -> Result<Self, String> {
        let NamedOrBlankNode::NamedNode(iri) = &triples[0].subject else {
            return Err(format!(
                "a version is named by an IRI, not {}",
                triples[0].subject
            ));
        };
        let resource = triples
            .iter()
            .find(|t| t.predicate == dct::IS_VERSION_OF)
            .and_then(|t| match &t.object {
                Term::NamedNode(n) => Some(n.clone()),
                _ => None,
            })
            .ok_or_else(|| format!("version <{}> lacks its dct:isVersionOf", iri.as_str()))?;
        let deleted = triples
            .iter()
            .any(|t| t.predicate == rdf::TYPE && t.object == activity::DELETE.into());
        Ok(Self {
            iri: iri.clone(),
            resource,
            deleted,
            span,
        })
    }

    /// The resource's own triples in this version (its description), in
    /// the order of the dumps, from the version's `triples` (see
    /// [`LoggedRelease::version_triples`]): all but its metadata.
    pub fn description<'a>(
        &'a self,
        triples: &'a [Triple],
    ) -> impl Iterator<Item = TripleRef<'a>> + 'a {
        let (time, name) = (
            metadata(triples, prov::GENERATED_AT_TIME).cloned(),
            metadata(triples, dcat::VERSION).cloned(),
        );
        let resource: Term = self.resource.clone().into();
        let deleted = self.deleted;
        triples
            .iter()
            .filter(move |t| {
                let is = |p: NamedNodeRef<'_>, o: &Option<Term>| {
                    t.predicate == p && o.as_ref() == Some(&t.object)
                };
                !(is(dct::IS_VERSION_OF, &Some(resource.clone()))
                    || is(prov::GENERATED_AT_TIME, &time)
                    || is(dcat::VERSION, &name)
                    || (deleted && t.predicate == rdf::TYPE && t.object == activity::DELETE.into()))
            })
            .map(|t| {
                TripleRef::new(
                    self.resource.as_ref(),
                    t.predicate.as_ref(),
                    t.object.as_ref(),
                )
            })
    }
}

/// The digests of `latest.digests` in `dir` if it is there, reads whole and
/// names release `newest`; `None` otherwise (the files are read instead).
fn read_digests(dir: &Path, newest: &str) -> Option<HashMap<String, Digest256>> {
    let text = fs::read_to_string(dir.join(DIGESTS_FILE)).ok()?;
    let mut lines = text.lines();
    if lines.next()?.strip_prefix(DIGESTS_HEADER)? != newest {
        return None;
    }
    let mut latest = HashMap::new();
    for line in lines {
        let (hex, resource) = line.split_once(' ')?;
        if hex.len() != 64 {
            return None;
        }
        let mut digest = [0; 32];
        for (byte, pair) in digest.iter_mut().zip(hex.as_bytes().chunks(2)) {
            *byte = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
        }
        latest.insert(resource.to_owned(), digest);
    }
    Some(latest)
}

/// The subject of a triple of the data graph, which has no blank node.
fn subject_iri(triple: TripleRef<'_>) -> NamedNodeRef<'_> {
    match triple.subject {
        NamedOrBlankNodeRef::NamedNode(n) => n,
        NamedOrBlankNodeRef::BlankNode(_) => unreachable!("blank nodes are refused before"),
    }
}

/// The canonical digest of a resource's description: the SHA-256 of its
/// predicate–object pairs in N-Triples, one a line, in the order of the
/// dumps (`description` must be in that order, without duplicates). The
/// data graph has no blank node, so this form is canonical.
pub fn description_digest<'a>(
    description: impl Iterator<Item = (NamedNodeRef<'a>, TermRef<'a>)>,
) -> Digest256 {
    /// Text written straight into the hash.
    struct Hashing(Sha256);
    impl std::fmt::Write for Hashing {
        fn write_str(&mut self, text: &str) -> std::fmt::Result {
            self.0.update(text.as_bytes());
            Ok(())
        }
    }
    let mut hashing = Hashing(Sha256::new());
    for (predicate, object) in description {
        use std::fmt::Write as _;
        writeln!(hashing, "{predicate} {object}").expect("hashing does not fail");
    }
    hashing.0.finalize().into()
}

/// The IRI of the version of `resource` logged by release `key`:
/// `BASE ldes/version/KEY/PATH`, where PATH is the resource's path under
/// the base (or `-/` and a digest of its IRI for a resource elsewhere).
pub fn version_iri(base: &Base, key: &str, resource: NamedNodeRef<'_>) -> NamedNode {
    let path = match resource.as_str().strip_prefix(base.as_str()) {
        Some(path) => path.to_owned(),
        None => format!(
            "-/{}",
            &format!("{:x}", Sha256::digest(resource.as_str().as_bytes()))[..16]
        ),
    };
    base.iri(&format!("ldes/version/{key}/{path}"))
}

/// The name of a release's file: its time, `YYYYMMDDTHHMMSSmmmZ`.
fn file_key(since_epoch: Duration) -> String {
    date_time(since_epoch)
        .chars()
        .filter(|c| !matches!(c, '-' | ':' | '.'))
        .collect()
}

/// The time a file name stands for.
/// The time a release key (`YYYYMMDDTHHMMSSmmmZ`) names.
pub(super) fn time_of_key(key: &str) -> Option<SystemTime> {
    parse_file_key(key).map(|since| UNIX_EPOCH + since)
}

fn parse_file_key(key: &str) -> Option<Duration> {
    let digits = |range: std::ops::Range<usize>| -> Option<u64> {
        let text = key.get(range)?;
        text.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| text.parse().ok())?
    };
    if key.len() != 19 || &key[8..9] != "T" || &key[18..] != "Z" {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(4..6)?, digits(6..8)?);
    let (hour, minute, second, milli) = (
        digits(9..11)?,
        digits(11..13)?,
        digits(13..15)?,
        digits(15..18)?,
    );
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let days = days_from_civil(year as i64, month as i64, day as i64);
    let seconds = u64::try_from(days).ok()? * 86_400 + hour * 3600 + minute * 60 + second;
    Some(Duration::from_secs(seconds) + Duration::from_millis(milli))
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` (an `xsd:dateTime` in UTC) of a time since
/// the Unix epoch.
fn date_time(since_epoch: Duration) -> String {
    let seconds = since_epoch.as_secs();
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let (year, month, day) = civil_from_days(days as i64);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60,
        since_epoch.subsec_millis()
    )
}

/// The date of a day counted from 1970-01-01 (proleptic Gregorian).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    (year_of_era + era * 400 + i64::from(month <= 2), month, day)
}

/// The day counted from 1970-01-01 of a date (proleptic Gregorian).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_index = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Base {
        Base::default()
    }

    fn triple(s: &str, p: &str, o: &str) -> Triple {
        let base = base();
        Triple::new(
            base.iri(s),
            NamedNode::new_unchecked(format!("http://example.org/{p}")),
            Literal::new_simple_literal(o),
        )
    }

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_780_000_000 + seconds)
    }

    fn resources(release: &LoggedRelease) -> Vec<(String, bool)> {
        release
            .versions
            .iter()
            .map(|v| {
                (
                    v.resource.as_str().rsplit('/').next().unwrap().to_owned(),
                    v.deleted,
                )
            })
            .collect()
    }

    #[test]
    fn times_are_written_and_read_back() {
        let time = Duration::from_millis(1_780_000_123_456);
        assert_eq!(date_time(time), "2026-05-28T20:28:43.456Z");
        assert_eq!(file_key(time), "20260528T202843456Z");
        assert_eq!(parse_file_key(&file_key(time)), Some(time));
        assert_eq!(date_time(Duration::ZERO), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            date_time(Duration::from_secs(951_782_400)),
            "2000-02-29T00:00:00.000Z"
        );
        for bad in [
            "20260528T202843456",
            "2026052XT202843456Z",
            "20261328T202843456Z",
            "",
        ] {
            assert_eq!(parse_file_key(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_release_logs_new_changed_and_deleted_resources_only() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = VersionLog::open(dir.path(), Keep::Versions).unwrap();
        let first = [
            triple("a", "p", "1"),
            triple("b", "p", "1"),
            triple("c", "p", "1"),
        ];
        let logged = log.record(&base(), &first, "r1", at(0)).unwrap().unwrap();
        assert_eq!(
            resources(&logged),
            [
                ("a".into(), false),
                ("b".into(), false),
                ("c".into(), false)
            ]
        );

        assert!(
            log.record(&base(), &first, "r1", at(5)).unwrap().is_none(),
            "nothing changed"
        );
        let reordered = [
            triple("c", "p", "1"),
            triple("b", "p", "1"),
            triple("a", "p", "1"),
            triple("a", "p", "1"),
        ];
        assert!(
            log.record(&base(), &reordered, "r1", at(6))
                .unwrap()
                .is_none(),
            "same triples in another order"
        );

        let second = [
            triple("a", "p", "1"),
            triple("b", "p", "2"),
            triple("d", "p", "1"),
        ];
        let logged = log.record(&base(), &second, "r2", at(10)).unwrap().unwrap();
        assert_eq!(
            resources(&logged),
            [("b".into(), false), ("d".into(), false), ("c".into(), true)]
        );
        let b = &logged.versions[0];
        let triples = logged.version_triples(0..1).unwrap();
        let description: Vec<String> = b.description(&triples[0]).map(|t| t.to_string()).collect();
        assert_eq!(description, [triple("b", "p", "2").to_string()]);
        assert!(
            b.iri
                .as_str()
                .ends_with(&format!("ldes/version/{}/b", logged.key))
        );

        let reopened = VersionLog::open(dir.path(), Keep::Versions).unwrap();
        assert_eq!(reopened.releases().len(), 2);
        assert_eq!(reopened.releases()[1].versions, logged.versions);
        fs::remove_file(dir.path().join(DIGESTS_FILE)).unwrap();
        let parsed = VersionLog::open(dir.path(), Keep::Versions).unwrap();
        assert_eq!(parsed.releases(), reopened.releases(), "indexed as parsed");
        assert_eq!(parsed.latest, reopened.latest);
        let read = reopened.releases()[1].version_triples(0..3).unwrap();
        assert_eq!(read, logged.version_triples(0..3).unwrap());
        let mut in_memory = VersionLog::in_memory();
        in_memory.record(&base(), &first, "r1", at(0)).unwrap();
        let kept = in_memory
            .record(&base(), &second, "r2", at(10))
            .unwrap()
            .unwrap();
        assert_eq!(
            kept.version_triples(0..3).unwrap(),
            read,
            "kept in memory as on disk"
        );
        assert_eq!(read[2].len(), 4, "a tombstone: its type and metadata");
        assert_eq!(reopened.latest, log.latest);
        let mut by_digests = VersionLog::open(dir.path(), Keep::Digests).unwrap();
        assert!(by_digests.releases().is_empty());
        assert_eq!(by_digests.len(), 2);
        assert_eq!(by_digests.latest, log.latest, "read from latest.digests");
        assert!(
            by_digests
                .record(&base(), &second, "r2", at(20))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn a_summary_behind_the_log_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = VersionLog::open(dir.path(), Keep::Digests).unwrap();
        log.record(&base(), &[triple("a", "p", "1")], "r1", at(0))
            .unwrap();
        let summary = dir.path().join(DIGESTS_FILE);
        let after_first = fs::read_to_string(&summary).unwrap();
        log.record(&base(), &[triple("a", "p", "2")], "r2", at(1))
            .unwrap();
        // As if the build had been killed between the release and its summary.
        fs::write(&summary, &after_first).unwrap();
        let mut reopened = VersionLog::open(dir.path(), Keep::Digests).unwrap();
        assert_eq!(reopened.latest, log.latest, "the files are read instead");
        assert!(
            reopened
                .record(&base(), &[triple("a", "p", "2")], "r3", at(2))
                .unwrap()
                .is_none()
        );
        let rewritten = fs::read_to_string(&summary).unwrap();
        assert!(
            rewritten.starts_with(&format!("{DIGESTS_HEADER}{}", log.keys[1])),
            "{rewritten}"
        );
        fs::write(&summary, "garbage").unwrap();
        assert_eq!(
            VersionLog::open(dir.path(), Keep::Digests).unwrap().latest,
            log.latest
        );
    }

    #[test]
    fn times_only_grow_along_the_log() {
        let mut log = VersionLog::in_memory();
        let first = log
            .record(&base(), &[triple("a", "p", "1")], "r1", at(10))
            .unwrap()
            .unwrap();
        let second = log
            .record(&base(), &[triple("a", "p", "2")], "r2", at(0))
            .unwrap()
            .unwrap();
        assert!(second.key > first.key, "{} after {}", second.key, first.key);
        assert_eq!(
            parse_file_key(&second.key).unwrap() - parse_file_key(&first.key).unwrap(),
            Duration::from_millis(1)
        );
    }

    #[test]
    fn two_logs_on_one_directory_see_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let mut one = VersionLog::open(dir.path(), Keep::Digests).unwrap();
        let mut other = VersionLog::open(dir.path(), Keep::Versions).unwrap();
        one.record(&base(), &[triple("a", "p", "1")], "r1", at(0))
            .unwrap()
            .unwrap();
        assert!(
            other
                .record(&base(), &[triple("a", "p", "1")], "r1", at(1))
                .unwrap()
                .is_none()
        );
        assert_eq!(other.releases().len(), 1);
        one.record(&base(), &[triple("a", "p", "2")], "r2", at(2))
            .unwrap()
            .unwrap();
        assert!(
            other
                .record(&base(), &[triple("a", "p", "2")], "r2", at(3))
                .unwrap()
                .is_none()
        );
        assert_eq!((one.len(), other.len()), (2, 2));
    }

    #[test]
    fn a_release_half_written_is_ignored_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = VersionLog::open(dir.path(), Keep::Versions).unwrap();
        log.record(&base(), &[triple("a", "p", "1")], "r1", at(0))
            .unwrap();
        fs::write(dir.path().join(".20990101T000000000Z.tmp"), "<half").unwrap();
        let mut log = VersionLog::open(dir.path(), Keep::Versions).unwrap();
        assert_eq!(log.releases().len(), 1);
        log.record(&base(), &[triple("a", "p", "2")], "r2", at(1))
            .unwrap()
            .unwrap();
        assert!(!dir.path().join(".20990101T000000000Z.tmp").exists());
    }

    #[test]
    fn a_damaged_release_is_an_error_naming_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = VersionLog::open(dir.path(), Keep::Versions).unwrap();
        let logged = log
            .record(&base(), &[triple("a", "p", "1")], "r1", at(0))
            .unwrap()
            .unwrap();
        let path = dir.path().join(format!("{}.nt", logged.key));
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, text.replace("isVersionOf", "isVersion")).unwrap();
        let error = VersionLog::open(dir.path(), Keep::Versions)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains(&path.display().to_string()) && error.contains("dct:isVersionOf"),
            "{error}"
        );
        fs::write(&path, "<a> <b> \"unterminated .\n").unwrap();
        let error = VersionLog::open(dir.path(), Keep::Versions)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains(&path.display().to_string()) && error.contains("line 1"),
            "{error}"
        );
    }

    #[test]
    fn blank_nodes_are_refused() {
        let mut log = VersionLog::in_memory();
        let blank = Triple::new(
            base().iri("a"),
            NamedNode::new_unchecked("http://example.org/p"),
            oxigraph::model::BlankNode::default(),
        );
        let error = log
            .record(&base(), &[blank], "r", at(0))
            .unwrap_err()
            .to_string();
        assert!(error.contains("blank node"), "{error}");
    }
}
