//! The log as a Linked Data Event Stream: the documents a harvester reads.
//!
//! ```text
//! /ldes                 the ldes:EventStream, whose tree:view is the root node
//! /ldes/view            the root node: one branch per release, by time
//! /ldes/KEY/1, 2, …     a release's versions, PAGE_SIZE a page, chained
//! ```
//!
//! The stream is named by the data set's base (`BASE ldes`, as the catalog
//! announces it); its nodes by the server the client reached, which a
//! client checks against the URL it fetched. A root relation to a release
//! says its versions were generated at or after its time
//! (`tree:GreaterThanOrEqualToRelation`) and before the next release's
//! (`tree:LessThanRelation`); a release's pages link only to its next
//! page, so both hold for everything reachable through a relation. A
//! release's pages never change: a new release makes new pages.

use super::{LogError, LoggedRelease};
use crate::rdf::Base;
use crate::rdf::vocab::{activity, dct, ldes, prov, tree};
use oxigraph::model::vocab::{rdf, rdfs, xsd};
use oxigraph::model::{BlankNode, Literal, NamedNode, NamedOrBlankNode, Term, Triple};
use std::sync::Arc;

/// Versions a page holds.
pub const PAGE_SIZE: usize = 250;
/// Where the stream is, on the server and under the base.
pub const STREAM_PATH: &str = "/ldes";
/// Where the root node is.
pub const VIEW_PATH: &str = "/ldes/view";

/// The IRI of the stream: `BASE ldes`.
pub fn stream_iri(base: &Base) -> NamedNode {
    base.iri(STREAM_PATH.trim_start_matches('/'))
}

/// The URL of page `number` (from 1) of release `key`, on the server at
/// `origin` (`scheme://host`).
pub fn page_url(origin: &str, key: &str, number: usize) -> String {
    format!("{origin}{STREAM_PATH}/{key}/{number}")
}

/// The number of pages of a release.
pub fn pages(release: &LoggedRelease) -> usize {
    release.size.div_ceil(PAGE_SIZE)
}

/// The documents of a stream: its log, its base and the server it is read
/// from.
pub struct Stream<'a> {
    /// The releases logged, oldest first.
    pub releases: &'a [Arc<LoggedRelease>],
    /// The base of the data set.
    pub base: &'a Base,
    /// `scheme://host` of the server, as the client reached it.
    pub origin: &'a str,
}

impl Stream<'_> {
    /// `/ldes`: the stream's description, which names its root node.
    pub fn description(&self) -> Vec<Triple> {
        let stream = stream_iri(self.base);
        let mut triples = self.context();
        let add =
            |triples: &mut Vec<Triple>, p, o: Term| triples.push(Triple::new(stream.clone(), p, o));
        add(
            &mut triples,
            dct::TITLE,
            Literal::new_language_tagged_literal_unchecked(
                "Fil des changements du label « Territoire Innovant »",
                "fr",
            )
            .into(),
        );
        add(
            &mut triples,
            dct::TITLE,
            Literal::new_language_tagged_literal_unchecked(
                "Change feed of the « Territoire Innovant » label",
                "en",
            )
            .into(),
        );
        add(
            &mut triples,
            dct::DESCRIPTION,
            Literal::new_language_tagged_literal_unchecked(
                "Chaque publication des données, sous forme de versions immuables de leurs ressources : \
                 une version de chaque ressource nouvelle ou modifiée, une version de type as:Delete \
                 pour chaque ressource retirée. Tout l'historique est conservé.",
                "fr",
            )
            .into(),
        );
        add(
            &mut triples,
            dct::DESCRIPTION,
            Literal::new_language_tagged_literal_unchecked(
                "Every release of the data as immutable versions of its resources: a version of each \
                 new or changed resource, an as:Delete version for each resource removed. The whole \
                 history is kept.",
                "en",
            )
            .into(),
        );
        triples
    }

    /// What every document says of the stream: how to read its versions,
    /// and its root node.
    fn context(&self) -> Vec<Triple> {
        let stream = stream_iri(self.base);
        let view = self.view_iri();
        [
            (rdf::TYPE, Term::from(ldes::EVENT_STREAM)),
            (ldes::TIMESTAMP_PATH, prov::GENERATED_AT_TIME.into()),
            (ldes::VERSION_OF_PATH, dct::IS_VERSION_OF.into()),
            (ldes::VERSION_DELETE_PATH, rdf::TYPE.into()),
            (ldes::VERSION_DELETE_OBJECT, activity::DELETE.into()),
            (tree::VIEW, view.into()),
        ]
        .into_iter()
        .map(|(p, o)| Triple::new(stream.clone(), p, o))
        .collect()
    }

    fn view_iri(&self) -> NamedNode {
        NamedNode::new_unchecked(format!("{}{VIEW_PATH}", self.origin))
    }

    /// `/ldes/view`: the root node, with a branch per release and the
    /// retention policy (everything since the first release).
    pub fn view(&self) -> Vec<Triple> {
        let view = self.view_iri();
        let mut triples = self.context();
        triples.push(Triple::new(view.clone(), rdf::TYPE, tree::NODE));
        if let Some(first) = self.releases.first() {
            let policy = BlankNode::new_unchecked("retention");
            triples.push(Triple::new(
                view.clone(),
                ldes::RETENTION_POLICY,
                policy.clone(),
            ));
            triples.push(Triple::new(
                policy.clone(),
                ldes::STARTING_FROM,
                first.time.clone(),
            ));
            triples.push(Triple::new(
                policy,
                rdfs::COMMENT,
                Literal::new_language_tagged_literal_unchecked(
                    "Tout l'historique est conservé, depuis la première publication.",
                    "fr",
                ),
            ));
        }
        for (index, release) in self.releases.iter().enumerate() {
            let target = NamedNode::new_unchecked(page_url(self.origin, &release.key, 1));
            let after = (tree::GREATER_THAN_OR_EQUAL_TO_RELATION, &release.time);
            let before = self
                .releases
                .get(index + 1)
                .map(|next| (tree::LESS_THAN_RELATION, &next.time));
            for (kind, time) in std::iter::once(after).chain(before) {
                let name = if kind == tree::LESS_THAN_RELATION {
                    "lt"
                } else {
                    "ge"
                };
                let relation = BlankNode::new_unchecked(format!("r{}{name}", release.key));
                triples.extend(relation_triples(
                    &view,
                    relation,
                    kind.into_owned(),
                    &target,
                    time,
                    release.size,
                ));
            }
        }
        triples
    }

    /// `/ldes/KEY/NUMBER`: the versions on a page of a release, and the
    /// relation to its next page; `None` if there is no such page.
    pub fn page(&self, key: &str, number: usize) -> Result<Option<Vec<Triple>>, LogError> {
        let Some(release) = self.releases.iter().find(|r| r.key == key) else {
            return Ok(None);
        };
        if number == 0 || number > pages(release) {
            return Ok(None);
        }
        let page = NamedNode::new_unchecked(page_url(self.origin, key, number));
        let stream = stream_iri(self.base);
        let mut triples = self.context();
        triples.push(Triple::new(page.clone(), rdf::TYPE, tree::NODE));
        triples.push(Triple::new(
            page.clone(),
            ldes::IMMUTABLE,
            Literal::new_typed_literal("true", xsd::BOOLEAN),
        ));
        let on_page = page_range(release, number);
        let versions = &release.versions[on_page.clone()];
        for (version, its_triples) in versions.iter().zip(release.version_triples(on_page)?) {
            triples.push(Triple::new(
                stream.clone(),
                tree::MEMBER,
                version.iri.clone(),
            ));
            triples.extend(its_triples);
        }
        if number < pages(release) {
            let next = NamedNode::new_unchecked(page_url(self.origin, key, number + 1));
            let remaining = release.size - number * PAGE_SIZE;
            triples.extend(relation_triples(
                &page,
                BlankNode::new_unchecked("next"),
                tree::GREATER_THAN_OR_EQUAL_TO_RELATION.into_owned(),
                &next,
                &release.time,
                remaining,
            ));
        }
        Ok(Some(triples))
    }
}

/// A version found by its IRI.
pub struct FoundVersion<'a> {
    /// Its release.
    pub release: &'a LoggedRelease,
    /// Its place in the release's versions.
    pub position: usize,
    /// Its triples.
    pub triples: Vec<Triple>,
}

impl Stream<'_> {
    /// `/ldes/version/KEY/PATH`: the version `BASE ldes/version/KEY/PATH`
    /// on its own, with the release it belongs to; `None` if there is none.
    pub fn version(&self, key: &str, path: &str) -> Result<Option<FoundVersion<'_>>, LogError> {
        let Some(release) = self.releases.iter().find(|r| r.key == key) else {
            return Ok(None);
        };
        let iri = self.base.iri(&format!("ldes/version/{key}/{path}"));
        let Some(position) = release.versions.iter().position(|v| v.iri == iri) else {
            return Ok(None);
        };
        let triples = release
            .version_triples(position..position + 1)?
            .pop()
            .unwrap_or_default();
        Ok(Some(FoundVersion {
            release,
            position,
            triples,
        }))
    }
}

/// The positions in [`LoggedRelease::versions`] of page `number` (from 1).
pub fn page_range(release: &LoggedRelease, number: usize) -> std::ops::Range<usize> {
    let start = ((number.max(1) - 1) * PAGE_SIZE).min(release.versions.len());
    start..(start + PAGE_SIZE).min(release.versions.len())
}

/// A relation of `node` to `target`, on the versions' time.
fn relation_triples(
    node: &NamedNode,
    relation: BlankNode,
    kind: NamedNode,
    target: &NamedNode,
    time: &Literal,
    remaining: usize,
) -> Vec<Triple> {
    let subject = NamedOrBlankNode::from(relation.clone());
    vec![
        Triple::new(node.clone(), tree::RELATION, relation),
        Triple::new(subject.clone(), rdf::TYPE, kind),
        Triple::new(subject.clone(), tree::NODE_OF, target.clone()),
        Triple::new(subject.clone(), tree::PATH, prov::GENERATED_AT_TIME),
        Triple::new(subject.clone(), tree::VALUE, time.clone()),
        Triple::new(
            subject,
            tree::REMAINING_ITEMS,
            Literal::new_typed_literal(remaining.to_string(), xsd::INTEGER),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change_feed::VersionLog;
    use std::time::{Duration, UNIX_EPOCH};

    fn logged(counts: &[usize]) -> Vec<Arc<LoggedRelease>> {
        let base = Base::default();
        let mut log = VersionLog::in_memory();
        for (n, count) in counts.iter().enumerate() {
            let triples: Vec<Triple> = (0..*count)
                .map(|i| {
                    Triple::new(
                        base.iri(&format!("r{n}/{i}")),
                        rdfs::LABEL,
                        Literal::new_simple_literal("x"),
                    )
                })
                .collect();
            let at = UNIX_EPOCH + Duration::from_secs(1_780_000_000 + n as u64);
            log.record(&base, &triples, "r", at).unwrap();
        }
        log.releases().to_vec()
    }

    fn objects<'a>(
        triples: &'a [Triple],
        predicate: oxigraph::model::NamedNodeRef<'_>,
    ) -> Vec<&'a Term> {
        triples
            .iter()
            .filter(|t| t.predicate == predicate)
            .map(|t| &t.object)
            .collect()
    }

    #[test]
    fn the_root_node_branches_to_each_release_between_its_time_and_the_next() {
        let releases = logged(&[3, 2]);
        let base = Base::default();
        let stream = Stream {
            releases: &releases,
            base: &base,
            origin: "http://h",
        };
        let view = stream.view();
        let targets = objects(&view, tree::NODE_OF);
        assert_eq!(
            targets.len(),
            3,
            "two bounds for the first release, one for the last"
        );
        let values = objects(&view, tree::VALUE);
        assert_eq!(
            values
                .iter()
                .filter(|v| ***v == Term::from(releases[1].time.clone()))
                .count(),
            2
        );
        assert_eq!(objects(&view, tree::REMAINING_ITEMS).len(), 3);
        assert_eq!(
            objects(&view, ldes::STARTING_FROM),
            [&Term::from(releases[0].time.clone())]
        );
    }

    #[test]
    fn a_release_is_cut_into_chained_pages() {
        let releases = logged(&[PAGE_SIZE + 1]);
        let base = Base::default();
        let stream = Stream {
            releases: &releases,
            base: &base,
            origin: "http://h",
        };
        let key = &releases[0].key;
        let first = stream.page(key, 1).unwrap().unwrap();
        assert_eq!(objects(&first, tree::MEMBER).len(), PAGE_SIZE);
        assert_eq!(
            objects(&first, tree::NODE_OF),
            [&Term::from(NamedNode::new_unchecked(page_url(
                "http://h", key, 2
            )))]
        );
        assert_eq!(
            objects(&first, tree::REMAINING_ITEMS),
            [&Term::from(Literal::new_typed_literal("1", xsd::INTEGER))]
        );
        let last = stream.page(key, 2).unwrap().unwrap();
        assert_eq!(objects(&last, tree::MEMBER).len(), 1);
        assert!(objects(&last, tree::RELATION).is_empty());
        assert!(stream.page(key, 3).unwrap().is_none() && stream.page(key, 0).unwrap().is_none());
        assert!(stream.page("20000101T000000000Z", 1).unwrap().is_none());
        let found = stream.version(key, "r0/7").unwrap().unwrap();
        let version = &found.release.versions[found.position];
        assert_eq!(found.release.key, *key);
        assert!(version.iri.as_str().ends_with("/r0/7"));
        assert!(
            found
                .triples
                .iter()
                .all(|t| t.subject == version.iri.clone().into())
        );
        assert_eq!(found.triples.len(), 4, "the label and the three metadata");
        assert!(stream.version(key, "r0/x").unwrap().is_none());
    }
}
