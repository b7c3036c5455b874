//! What the handlers share: the server's settings ([`Config`]) and the
//! state of the release it serves ([`AppState`]), prepared once below the
//! HTTP layer — its publication, catalog, change feed and query index —
//! with what lasts across reloads (the evaluators, the version log, the
//! metrics and the fair-use budgets). Handlers read it; they never hold
//! one another.

use super::service_description;
use super::{cache, downloads, evaluate, fair_use, health, memento, metrics, pages};
use crate::change_feed::{self, Keep, LoggedRelease, VersionLog};
use crate::examples::ExampleQuery;
use crate::memory::ceiling::{self, Ceiling, Plan};
use crate::publish::{Publication, PublishedRelease};
use crate::rdf::order::Sorted;
use crate::sparql::index::QueryIndex;
use crate::store::{DataSet, GraphNames};
use oxigraph::model::Triple;
use std::sync::Arc;
use std::time::Duration;

/// Limits and settings of the server.
#[derive(Debug, Clone)]
pub struct Config {
    /// Time after which a query is cancelled.
    pub query_timeout: Duration,
    /// Largest number of solutions or triples in an answer.
    pub max_results: usize,
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
    /// Longest query text, in bytes.
    pub max_query_bytes: usize,
    /// Long queries evaluated at once (those past the quick lane's
    /// budget); others wait in line.
    pub max_concurrent_queries: usize,
    /// Queries evaluated at once in the quick lane, where every query
    /// starts.
    pub quick_queries: usize,
    /// How long a query may run in the quick lane before it moves to the
    /// long lane (zero: no quick lane).
    pub quick_query_time: Duration,
    /// How long a query may run in place, on the thread that read its
    /// request, before it goes to the lanes (zero: every query goes to the
    /// lanes).
    pub in_place_time: Duration,
    /// How long a query waits for its turn before a `503`.
    pub queue_timeout: Duration,
    /// How long a client may take to send its request headers: slow
    /// clients cannot hold connections open (the body is bounded by the
    /// request timeout).
    pub header_read_timeout: Duration,
    /// Memory for answers kept for repeated requests, in bytes (0: none).
    pub cache_bytes: usize,
    /// Memory one query evaluation may hold before it is cancelled, in
    /// bytes (0: no budget).
    pub query_memory_bytes: usize,
    /// The most memory the server may take: at start, what it may hold
    /// (data at rest, every evaluation's budget, the answer cache…) must
    /// fit, or it does not start. None: not checked.
    pub memory_limit: Option<Ceiling>,
    /// The change feed's version log (shared with `build --out DIR` as
    /// `DIR/history`); `None`: a log in memory, begun when the server
    /// starts.
    pub history: Option<std::path::PathBuf>,
    /// Query evaluation time each client may spend per minute (fair use;
    /// zero: no limit).
    pub fair_use_budget: Duration,
    /// The proxies whose `X-Forwarded-For` names the client (fair use).
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            query_timeout: Duration::from_secs(10),
            max_results: 100_000,
            max_body_bytes: 1 << 20,
            max_query_bytes: 32 * 1024,
            max_concurrent_queries: 4,
            quick_queries: 4,
            quick_query_time: Duration::from_millis(250),
            in_place_time: Duration::from_millis(1),
            queue_timeout: Duration::from_secs(2),
            header_read_timeout: Duration::from_secs(10),
            cache_bytes: 32 << 20,
            query_memory_bytes: 32 << 20,
            memory_limit: None,
            history: None,
            fair_use_budget: Duration::from_secs(60),
            trusted_proxies: Vec::new(),
        }
    }
}

impl Config {
    pub(super) fn limits(&self) -> evaluate::Limits {
        evaluate::Limits {
            timeout: self.query_timeout,
            quick_time: self.quick_query_time,
            max_results: self.max_results,
            queue_timeout: self.queue_timeout,
            query_memory: self.query_memory_bytes,
            in_place_time: self.in_place_time,
        }
    }

    /// The longest a whole request may take: reading its body, waiting for
    /// a turn, evaluating and writing the answer.
    pub(super) fn request_timeout(&self) -> Duration {
        self.quick_query_time + 2 * self.queue_timeout + self.query_timeout + Duration::from_secs(5)
    }
}

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The content of [`AppState`].
pub struct Shared {
    /// The base and graph names of the data set served.
    pub names: GraphNames,
    /// The release's quads as SPARQL queries read them (see
    /// [`crate::sparql::index`]), mapped from the files `build` wrote.
    pub query_index: Arc<QueryIndex>,
    /// Server settings.
    pub config: Config,
    /// Example queries shown on the query page.
    pub examples: Vec<ExampleQuery>,
    /// The published files, catalog and VoID description.
    pub publication: Publication,
    /// When the release was written (the `Last-Modified` of its files).
    pub started: std::time::SystemTime,
    /// The release of the publication (see [`crate::publish::release_id`]).
    pub release: String,
    /// What the store holds: the triples of each graph (data, ontology,
    /// alignments, catalog), their sum, and the distinct triples of the union.
    pub triples: crate::sparql::index::TripleCounts,
    /// The directory of a release the server prepared itself (from a data
    /// set rather than `build`), removed with the state.
    _prepared: Option<tempfile::TempDir>,
    pub(super) downloads: Vec<downloads::Download>,
    pub(super) service_description: Vec<Triple>,
    pub(super) cache: cache::AnswerCache,
    /// The counts of the large fragments served, for their next pages.
    pub(super) fragment_counts: crate::fragments::Counts,
    /// Fragment pages and empty-answer hints (lookups over the whole index)
    /// read at once: one per core.
    pub(super) fragment_slots: Arc<tokio::sync::Semaphore>,
    /// What the server keeps across reloads.
    pub(super) lasting: Lasting,
    /// What the server may hold in memory, as planned at start.
    pub(super) memory_plan: Plan,
    /// The releases of the change feed (see [`AppState::feed`]).
    feed: Feed,
    /// Where each resource's versions are in the feed (Memento), made at
    /// the first request that needs it.
    pub(super) mementos: std::sync::OnceLock<memento::Index>,
    /// Change feed pages written at once: one per core.
    pub(super) feed_slots: Arc<tokio::sync::Semaphore>,
    /// The names and titles searched by `/recherche`, indexed at the first
    /// search.
    pub(super) search: std::sync::OnceLock<crate::search::SearchIndex>,
    /// The home page's facets and map.
    pub(super) home_parts: pages::HomeParts,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// What a server keeps across reloads: the evaluation slots and threads
/// (so that the concurrency bound holds), the change feed's version log
/// (which the next reload appends to), its counters and its clients'
/// budgets.
#[derive(Clone)]
pub(super) struct Lasting {
    pub(super) evaluators: Arc<evaluate::Evaluators>,
    pub(super) version_log: Arc<std::sync::Mutex<VersionLog>>,
    pub(super) metrics: Arc<metrics::Metrics>,
    pub(super) fair_use: Arc<fair_use::FairUse>,
}

/// The releases of the change feed: logged by the server itself, or read
/// from the log `build` wrote at the first request that needs them (the log
/// of 10⁵ awards takes a second and 100 MB to read: a server that is not
/// asked for its history does not pay for it).
struct Feed {
    releases: std::sync::OnceLock<Vec<Arc<LoggedRelease>>>,
    /// The log to read them from; `None` when they are set.
    log: Option<std::path::PathBuf>,
}

impl Feed {
    /// Releases the server logged.
    fn logged(releases: Vec<Arc<LoggedRelease>>) -> Self {
        Self {
            releases: std::sync::OnceLock::from(releases),
            log: None,
        }
    }

    /// The releases of the log in `dir` (none without one), read when first
    /// asked for.
    fn read_from(dir: Option<std::path::PathBuf>) -> Self {
        Self {
            releases: std::sync::OnceLock::new(),
            log: dir,
        }
    }

    fn releases(&self) -> &[Arc<LoggedRelease>] {
        self.releases.get_or_init(|| {
            let Some(dir) = &self.log else {
                return Vec::new();
            };
            match VersionLog::open(dir, Keep::Versions) {
                Ok(log) => log.releases().to_vec(),
                Err(e) => {
                    tracing::error!("{e}: the change feed is served empty");
                    Vec::new()
                }
            }
        })
    }
}

impl Lasting {
    /// The evaluators, counters and budgets of a new server, with
    /// `version_log`.
    fn new(config: &Config, version_log: VersionLog) -> std::io::Result<Self> {
        let evaluators = Arc::new(evaluate::Evaluators::new(
            config.quick_queries,
            config.max_concurrent_queries,
        )?);
        Ok(Self {
            evaluators,
            version_log: Arc::new(std::sync::Mutex::new(version_log)),
            metrics: Arc::default(),
            fair_use: Arc::new(fair_use::FairUse::new(config.fair_use_budget)),
        })
    }
}

/// The version log kept in `dir`, read whole; one in memory if `dir`
/// cannot be written (with a warning).
fn open_log(dir: &std::path::Path) -> std::io::Result<VersionLog> {
    match VersionLog::open(dir, Keep::Versions) {
        Ok(log) => Ok(log),
        Err(e) if e.is_unwritable() => Ok(in_memory_log(&e)),
        Err(e) => Err(std::io::Error::other(e)),
    }
}

impl AppState {
    /// The releases of the change feed, oldest first.
    pub(super) fn feed(&self) -> &[Arc<LoggedRelease>] {
        self.feed.releases()
    }

    /// The counters `/metrics` exposes.
    pub(super) fn metrics(&self) -> &metrics::Metrics {
        &self.lasting.metrics
    }

    /// Prepares the state of a server over `data_set`: publishes it as
    /// `build` does (the same files, query index and description) in a
    /// release directory of its own, logs the release in the change feed's
    /// version log ([`Config::history`], or one in memory), then serves
    /// that release as [`AppState::open`] does. With a
    /// [`Config::memory_limit`], fails if what the server may hold does not
    /// fit (see [`Plan::fits`]).
    pub fn new(
        data_set: DataSet,
        config: Config,
        examples: Vec<ExampleQuery>,
    ) -> std::io::Result<Self> {
        let version_log = match &config.history {
            Some(dir) => open_log(dir)?,
            None => VersionLog::in_memory(),
        };
        let lasting = Lasting::new(&config, version_log)?;
        let state = Self::prepared(data_set, config, examples, lasting, Plan::default())?;
        state.planned()
    }

    /// The state of a server over the release `build --out DIR` published
    /// in `out` (`out/current`), opened as it was written: nothing is
    /// recomputed, the index and files are mapped. The change feed is the
    /// log of [`Config::history`] (`DIR/history` by default, as `build`
    /// writes it), read (at the first request that needs it), not written.
    pub fn open(
        out: &std::path::Path,
        config: Config,
        examples: Vec<ExampleQuery>,
    ) -> std::io::Result<Self> {
        let lasting = Lasting::new(&config, VersionLog::in_memory())?;
        Self::published_in(out, config, examples, lasting, Plan::default())?.planned()
    }

    /// The state with its memory plan, checked against
    /// [`Config::memory_limit`].
    fn planned(mut self) -> std::io::Result<Self> {
        let at_rest = ceiling::resident_bytes().unwrap_or(0);
        let plan = health::memory_plan(&self.config, at_rest);
        if let Some(limit) = self.config.memory_limit {
            plan.fits(limit).map_err(std::io::Error::other)?;
        }
        Arc::get_mut(&mut self.0)
            .expect("a new state is not shared yet")
            .memory_plan = plan;
        Ok(self)
    }

    /// The state of the same server over a rebuilt data set: same settings,
    /// and what lasts across reloads ([`Lasting`]: the same evaluation
    /// slots and threads, log, counters and budgets).
    pub fn reloaded(
        &self,
        data_set: DataSet,
        examples: Vec<ExampleQuery>,
    ) -> std::io::Result<Self> {
        Self::prepared(
            data_set,
            self.config.clone(),
            examples,
            self.lasting.clone(),
            self.memory_plan.clone(),
        )
    }

    /// The state of the same server over the release `out/current` points
    /// to now (see [`AppState::open`]), its version log read again (a build
    /// appended to it) when first needed.
    pub fn reopened(
        &self,
        out: &std::path::Path,
        examples: Vec<ExampleQuery>,
    ) -> std::io::Result<Self> {
        Self::published_in(
            out,
            self.config.clone(),
            examples,
            self.lasting.clone(),
            self.memory_plan.clone(),
        )
    }

    /// Opens the release `out/current` points to, its change feed read
    /// from [`Config::history`] when first needed.
    fn published_in(
        out: &std::path::Path,
        config: Config,
        examples: Vec<ExampleQuery>,
        lasting: Lasting,
        memory_plan: Plan,
    ) -> std::io::Result<Self> {
        let release = PublishedRelease::open(&out.join(crate::publish::CURRENT))?;
        let feed = Feed::read_from(config.history.clone());
        Ok(Self::opened(
            release,
            None,
            feed,
            config,
            examples,
            lasting,
            memory_plan,
        ))
    }

    /// Publishes `data_set` in a release directory of the server's own,
    /// logs it in the version log, and opens it.
    fn prepared(
        data_set: DataSet,
        config: Config,
        examples: Vec<ExampleQuery>,
        lasting: Lasting,
        memory_plan: Plan,
    ) -> std::io::Result<Self> {
        let started = std::time::Instant::now();
        let step = |name: &str| {
            tracing::debug!(
                ms = started.elapsed().as_millis() as u64,
                "{name}: done (since the data set was loaded)"
            )
        };
        let out = tempfile::Builder::new()
            .prefix("territoire-innovant-release-")
            .tempdir()?;
        // The data graph read from the store once, sorted once, for the
        // files and for the change feed.
        let data = data_set
            .data_graph_triples()
            .map_err(std::io::Error::other)?;
        let sorted = Sorted::new(&data);
        let release = crate::publish::publish_data_set(&data_set, (&data, &sorted), out.path())?;
        step("the release's files and index");
        let feed = Feed::logged(log_release(
            &data_set.base,
            &sorted,
            &release.id,
            &lasting.version_log,
        )?);
        step("the change feed");
        // The server reads the release from now on, not the store.
        drop(sorted);
        drop(data);
        drop(data_set);
        let release = PublishedRelease::open(&release.current)?;
        Ok(Self::opened(
            release,
            Some(out),
            feed,
            config,
            examples,
            lasting,
            memory_plan,
        ))
    }

    /// The state over an opened release.
    fn opened(
        release: PublishedRelease,
        prepared: Option<tempfile::TempDir>,
        feed: Feed,
        config: Config,
        examples: Vec<ExampleQuery>,
        lasting: Lasting,
        memory_plan: Plan,
    ) -> Self {
        let PublishedRelease {
            id,
            names,
            index,
            publication,
            published,
        } = release;
        let downloads = publication
            .files
            .iter()
            .map(downloads::Download::new)
            .collect();
        let triples = index.counts().clone();
        let service_description = service_description::triples(&names, &triples);
        let cache = cache::AnswerCache::new(config.cache_bytes);
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Self(Arc::new(Shared {
            cache,
            fragment_counts: Default::default(),
            fragment_slots: Arc::new(tokio::sync::Semaphore::new(cores)),
            release: id,
            _prepared: prepared,
            triples,
            lasting,
            query_index: index,
            names,
            config,
            examples,
            publication,
            started: published,
            downloads,
            service_description,
            memory_plan,
            feed,
            mementos: Default::default(),
            feed_slots: Arc::new(tokio::sync::Semaphore::new(cores)),
            search: std::sync::OnceLock::new(),
            home_parts: Default::default(),
        }))
    }
}

/// Logs `data`, the data graph (under `base`) of release `release` sorted,
/// in the change feed, and returns the releases logged. A log whose directory cannot be
/// written is replaced by one in memory (with a warning), so the server
/// still starts.
fn log_release(
    base: &crate::rdf::Base,
    data: &Sorted<'_>,
    release: &str,
    version_log: &std::sync::Mutex<VersionLog>,
) -> std::io::Result<Vec<Arc<LoggedRelease>>> {
    let mut log = version_log.lock().unwrap_or_else(|e| e.into_inner());
    let now = std::time::SystemTime::now();
    match log.record_sorted(base, data, release, now) {
        Err(e) if e.is_unwritable() => {
            *log = in_memory_log(&e);
            log.record_sorted(base, data, release, now)
        }
        recorded => recorded,
    }
    .map_err(std::io::Error::other)?;
    Ok(log.releases().to_vec())
}

/// A log in memory, in place of one on disk that cannot be written.
fn in_memory_log(error: &change_feed::LogError) -> VersionLog {
    tracing::warn!(
        "{error}: the change feed is kept in memory instead, and lost when the server stops"
    );
    VersionLog::in_memory()
}
