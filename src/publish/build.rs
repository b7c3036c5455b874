//! `build`: the data set read from its sources and published as a release,
//! the store loaded while the dumps are written.

use super::fingerprint::Fingerprints;
use super::{
    DUMP_FORMATS, FileSummary, Release, Statistics, ToDirectory, describe_publication, joined,
    publish_release, write_dumps, write_served_part,
};
use crate::change_feed::{HISTORY_DIR, Keep, LoggedRelease, VersionLog};
use crate::rdf::order::Sorted;
use crate::store::{DataSet, GraphSizes, Graphs, Inputs};

/// A build published as a release, and how long its steps took.
pub struct Build {
    /// The data set built.
    pub data_set: DataSet,
    /// The graphs it was loaded from (kept, as the data set is, for the
    /// caller to decide when to free them: at 10⁶ awards freeing them takes
    /// seconds a command about to exit can spare).
    pub graphs: Graphs,
    /// The files published.
    pub files: Vec<FileSummary>,
    /// Where they were published.
    pub release: Release,
    /// The canonical fingerprints of the data.
    pub fingerprints: Fingerprints,
    /// The triples of each graph of the store.
    pub triples: GraphSizes,
    /// Reading, checking and converting the source data.
    pub read: std::time::Duration,
    /// Loading the store while sorting the triples and writing the files,
    /// and switching the release.
    pub publish: std::time::Duration,
    /// What the release added to the change feed's version log (in
    /// `out/history`): `None` if no resource changed.
    pub logged: Option<std::sync::Arc<LoggedRelease>>,
    /// Comparing the data with the log's latest versions and logging the
    /// changes.
    pub log: std::time::Duration,
}

impl std::fmt::Display for Build {
    /// The one-line summary `build` prints: triples and step durations.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}; read, check and convert {:.3} s; \
             load the store while sorting and writing the files, and publish {:.3} s; \
             compare with the change feed and log the changes {:.3} s",
            self.triples,
            self.read.as_secs_f64(),
            self.publish.as_secs_f64(),
            self.log.as_secs_f64(),
        )
    }
}

/// Builds the data set from `inputs` and publishes it as a new release of
/// `out` (see [`publish_release`]), writing each file straight to disk;
/// then logs the resources it changed in the change feed's version log,
/// `out/history` (see [`VersionLog`]).
///
/// The store is loaded from the converted graphs on one thread while the
/// others sort them, count the VoID figures and write the dumps; the
/// catalog and VoID description need all of them.
pub fn build(inputs: &Inputs, out: &std::path::Path) -> anyhow::Result<Build> {
    use anyhow::Context;
    let started = std::time::Instant::now();
    let graphs = Graphs::read(inputs)?;
    let read = started.elapsed();
    let (release, (data_set, written, triples, data)) = publish_release(out, |staging| {
        let destination = ToDirectory(staging.to_owned());
        let (data_graph, ontology_graph) = (graphs.data_graph(), graphs.ontology_graph());
        let (data_set, dumps, statistics, fingerprints, triples, data) =
            std::thread::scope(|scope| {
                let data_set = scope.spawn(|| DataSet::load(&graphs));
                let fingerprints = scope.spawn(|| {
                    Fingerprints::of(
                        (&data_graph, &graphs.data),
                        (&ontology_graph, &graphs.ontology),
                    )
                });
                let base = &graphs.base;
                let data = Sorted::new(&graphs.data);
                let ontology = Sorted::new(&graphs.ontology);
                let (dumps, statistics) = std::thread::scope(|scope| {
                    let statistics = scope.spawn(|| Statistics::of(base, &data));
                    let dumps = write_dumps(
                        base,
                        (&data_graph, &data),
                        &ontology,
                        &destination,
                        &DUMP_FORMATS,
                    );
                    (dumps, joined(statistics))
                });
                // The data and ontology as sorted, each triple once: counting
                // them in the store would take seconds at 10⁶ awards.
                let triples = (data.len(), ontology.len());
                let fingerprints = joined(fingerprints);
                (
                    joined(data_set),
                    dumps,
                    statistics,
                    fingerprints,
                    triples,
                    data,
                )
            });
        let data_set = data_set.map_err(std::io::Error::other)?;
        let triples = GraphSizes {
            data: triples.0,
            ontology: triples.1,
            entailed: data_set
                .graph_size(&data_set.alignments_graph)
                .map_err(std::io::Error::other)?,
        };
        let written =
            describe_publication(&data_set, &statistics, (dumps?, fingerprints), &destination)?;
        write_served_part(&data_set, &written, staging)?;
        // The data stays sorted for the change feed's comparison.
        Ok((data_set, written, triples, data))
    })
    .with_context(|| format!("cannot publish to {}", out.display()))?;
    let published = started.elapsed();
    let logged = VersionLog::open(&out.join(HISTORY_DIR), Keep::Digests)
        .and_then(|mut log| {
            log.record_sorted(
                &graphs.base,
                &data,
                &release.id,
                std::time::SystemTime::now(),
            )
        })
        .context("cannot log the release in the change feed")?;
    Ok(Build {
        logged,
        log: started.elapsed() - published,
        triples,
        data_set,
        graphs,
        files: written.files,
        fingerprints: written.fingerprints,
        release,
        read,
        publish: published - read,
    })
}
