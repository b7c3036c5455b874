//! The change feed: every release of the data as immutable versions of its
//! resources, published as a Linked Data Event Stream (SEMIC's LDES, on the
//! W3C TREE hypermedia specification).
//!
//! [`VersionLog`] keeps the history: each release logs a version of each
//! resource whose description (its own triples) changed, and a tombstone
//! for each resource gone. [`stream`] lays the log out as the pages a
//! harvester follows: a root node with one branch per release, each branch
//! a chain of pages that never change.

mod log;
pub mod stream;

pub use log::{
    HISTORY_DIR, Keep, LogError, ReleaseText, VersionLog, description_digest, version_iri,
};

use oxigraph::model::{Literal, NamedNode};

/// A release as the log holds it: the versions it logged.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedRelease {
    /// Its time in the form `YYYYMMDDTHHMMSSmmmZ`: it names the release's
    /// file, its pages and its versions, and sorts as the releases do.
    pub key: String,
    /// Its time, an `xsd:dateTime`: every version's `prov:generatedAtTime`.
    pub time: Literal,
    /// The release of the published files (the name `build` gives it).
    pub release: String,
    /// Its versions, in the order of the dumps, tombstones last (empty
    /// when the log keeps only digests, see [`Keep`]); their triples are
    /// read from [`LoggedRelease::text`] by
    /// [`LoggedRelease::version_triples`].
    pub versions: Vec<Version>,
    /// How many versions it logged.
    pub size: usize,
    /// Where its versions' N-Triples are: its file in the log, or memory.
    pub text: ReleaseText,
}

impl LoggedRelease {
    /// Its time, from its key (`None` for a key not of the form
    /// `YYYYMMDDTHHMMSSmmmZ`).
    pub fn at(&self) -> Option<std::time::SystemTime> {
        log::time_of_key(&self.key)
    }
}

/// One immutable version of a resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    /// The version's IRI (see [`version_iri`]).
    pub iri: NamedNode,
    /// The resource it is a version of.
    pub resource: NamedNode,
    /// Whether it is a tombstone: the resource was removed.
    pub deleted: bool,
    /// Where its lines are in its release's text. They are its triples,
    /// all about [`Version::iri`]: `dct:isVersionOf`,
    /// `prov:generatedAtTime`, `dcat:version` (the release), `a as:Delete`
    /// for a tombstone, and the resource's own triples.
    pub span: std::ops::Range<usize>,
}
