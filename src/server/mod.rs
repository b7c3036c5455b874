//! The HTTP server (axum on tokio): the SPARQL endpoint, its query page and
//! service description, health, static files; CORS, compression, body
//! limits, one log line per request, graceful shutdown.

mod cache;
pub mod downloads;
mod encoding;
pub mod endpoint;
pub mod error;
mod evaluate;
mod fair_use;
mod fragments;
mod health;
mod ldes;
mod linked_data;
mod memento;
mod metrics;
pub mod negotiate;
mod origin;
mod pages;
mod query_page;
mod reload;
mod service_description;
mod solutions_writer;
mod streaming;

pub use linked_data::unknown_address;
pub use query_page::STATIC_FILES;
pub use reload::{Site, reload_on_hangup};

use crate::change_feed::{self, Keep, LoggedRelease, VersionLog};
use crate::examples::ExampleQuery;
use crate::memory::ceiling::{self, Ceiling, Plan};
use crate::publish::Publication;
use crate::rdf::order::Sorted;
use crate::sparql::index::QueryIndex;
use crate::store::DataSet;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use error::ApiError;
use oxigraph::model::Triple;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::cors::{Any, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

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
    fn limits(&self) -> evaluate::Limits {
        evaluate::Limits {
            timeout: self.query_timeout,
            quick_time: self.quick_query_time,
            max_results: self.max_results,
            queue_timeout: self.queue_timeout,
            query_memory: self.query_memory_bytes,
        }
    }

    /// The longest a whole request may take: reading its body, waiting for
    /// a turn, evaluating and writing the answer.
    fn request_timeout(&self) -> Duration {
        self.quick_query_time + 2 * self.queue_timeout + self.query_timeout + Duration::from_secs(5)
    }
}

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// The content of [`AppState`].
pub struct Shared {
    /// The built data set.
    pub data_set: DataSet,
    /// The store's quads as SPARQL queries read them (see
    /// [`crate::sparql::index`]); made once the catalog is in the store.
    pub query_index: Arc<QueryIndex>,
    /// Server settings.
    pub config: Config,
    /// Example queries shown on the query page.
    pub examples: Vec<ExampleQuery>,
    /// The published files, catalog and VoID description.
    pub publication: Publication,
    /// When the publication was built (the `Last-Modified` of its files).
    pub started: std::time::SystemTime,
    /// The release of the publication (see [`crate::publish::release_id`]).
    pub release: String,
    /// What the store holds: the triples of each graph (data, ontology,
    /// alignments, catalog), their sum, and the distinct triples of the union.
    pub triples: crate::sparql::index::TripleCounts,
    downloads: Vec<downloads::Download>,
    service_description: Vec<Triple>,
    cache: cache::AnswerCache,
    /// The counts of the large fragments served, for their next pages.
    fragment_counts: crate::fragments::Counts,
    /// Fragment pages and empty-answer hints (lookups over the whole index)
    /// read at once: one per core.
    fragment_slots: Arc<tokio::sync::Semaphore>,
    /// What the server keeps across reloads.
    lasting: Lasting,
    /// What the server may hold in memory, as planned at start.
    memory_plan: Plan,
    /// The releases of the change feed, as logged when this data set was
    /// loaded.
    feed: Vec<Arc<LoggedRelease>>,
    /// Where each resource's versions are in the feed (Memento), made at
    /// the first request that needs it.
    mementos: std::sync::OnceLock<memento::Index>,
    /// Change feed pages written at once: one per core.
    feed_slots: Arc<tokio::sync::Semaphore>,
    /// The names and titles searched by `/recherche`, indexed at the first
    /// search.
    search: std::sync::OnceLock<crate::search::SearchIndex>,
    /// The home page's facets and map.
    home_parts: pages::HomeParts,
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
struct Lasting {
    evaluators: Arc<evaluate::Evaluators>,
    version_log: Arc<std::sync::Mutex<VersionLog>>,
    metrics: Arc<metrics::Metrics>,
    fair_use: Arc<fair_use::FairUse>,
}

impl AppState {
    /// The counters `/metrics` exposes.
    fn metrics(&self) -> &metrics::Metrics {
        &self.lasting.metrics
    }

    /// Prepares the state of a server over `data_set`: builds its
    /// publication (the same files as `build` writes) and loads its catalog
    /// in the store. With a [`Config::memory_limit`], fails if what the
    /// server may hold does not fit (see [`Plan::fits`]).
    pub fn new(
        data_set: DataSet,
        config: Config,
        examples: Vec<ExampleQuery>,
    ) -> std::io::Result<Self> {
        let evaluators = Arc::new(evaluate::Evaluators::new(
            config.quick_queries,
            config.max_concurrent_queries,
        )?);
        let version_log = match &config.history {
            Some(dir) => match VersionLog::open(dir, Keep::Versions) {
                Ok(log) => log,
                Err(e) if e.is_unwritable() => in_memory_log(&e),
                Err(e) => return Err(std::io::Error::other(e)),
            },
            None => VersionLog::in_memory(),
        };
        let lasting = Lasting {
            evaluators,
            version_log: Arc::new(std::sync::Mutex::new(version_log)),
            metrics: Arc::default(),
            fair_use: Arc::new(fair_use::FairUse::new(config.fair_use_budget)),
        };
        let mut state = Self::with_lasting(data_set, config, examples, lasting, Plan::default())?;
        let at_rest = ceiling::resident_bytes().unwrap_or(0);
        let plan = health::memory_plan(&state.config, at_rest);
        if let Some(limit) = state.config.memory_limit {
            plan.fits(limit).map_err(std::io::Error::other)?;
        }
        Arc::get_mut(&mut state.0)
            .expect("a new state is not shared yet")
            .memory_plan = plan;
        Ok(state)
    }

    /// The state of the same server over a rebuilt data set: same settings,
    /// and what lasts across reloads ([`Lasting`]: the same evaluation
    /// slots and threads, log, counters and budgets).
    pub fn reloaded(
        &self,
        data_set: DataSet,
        examples: Vec<ExampleQuery>,
    ) -> std::io::Result<Self> {
        Self::with_lasting(
            data_set,
            self.config.clone(),
            examples,
            self.lasting.clone(),
            self.memory_plan.clone(),
        )
    }

    /// The state over `data_set`, whose release is logged in the change
    /// feed's version log.
    fn with_lasting(
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
        // The data graph read from the store once, sorted once, for the
        // files and for the change feed.
        let data = data_set
            .data_graph_triples()
            .map_err(std::io::Error::other)?;
        let sorted = Sorted::new(&data);
        let publication = Publication::prepare(&data_set, (&data, &sorted))?;
        step("the publication's files");
        let described: Vec<Triple> = publication
            .catalog
            .iter()
            .chain(&publication.void)
            .cloned()
            .collect();
        data_set
            .add_catalog(&described)
            .map_err(std::io::Error::other)?;
        let downloads = publication
            .files
            .iter()
            .map(downloads::Download::new)
            .collect();
        let service_description = service_description::triples(&data_set);
        let release = crate::publish::release_id(
            publication
                .file(crate::publish::CHECKSUMS_FILE)
                .map_or(&[][..], |f| &f.bytes[..]),
        );
        let feed = log_release(&data_set, &sorted, &release, &lasting.version_log)?;
        step("the change feed");
        // Freed before the index takes its room.
        drop(sorted);
        drop(data);
        let query_index =
            Arc::new(QueryIndex::of_store(&data_set.store).map_err(std::io::Error::other)?);
        step("the query index");
        // The index holds the store's quads, each once: counting the store
        // would read it all again.
        let triples = query_index.counts();
        let cache = cache::AnswerCache::new(config.cache_bytes);
        Ok(Self(Arc::new(Shared {
            cache,
            fragment_counts: Default::default(),
            fragment_slots: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, usize::from),
            )),
            release,
            triples,
            lasting,
            query_index,
            data_set,
            config,
            examples,
            publication,
            started: std::time::SystemTime::now(),
            downloads,
            service_description,
            memory_plan,
            feed,
            mementos: Default::default(),
            feed_slots: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, usize::from),
            )),
            search: std::sync::OnceLock::new(),
            home_parts: Default::default(),
        })))
    }
}

/// Logs `data`, the data graph of `data_set` (release `release`) sorted,
/// in the change feed, and returns the releases logged. A log whose directory cannot be
/// written is replaced by one in memory (with a warning), so the server
/// still starts.
fn log_release(
    data_set: &DataSet,
    data: &Sorted<'_>,
    release: &str,
    version_log: &std::sync::Mutex<VersionLog>,
) -> std::io::Result<Vec<Arc<LoggedRelease>>> {
    let mut log = version_log.lock().unwrap_or_else(|e| e.into_inner());
    let now = std::time::SystemTime::now();
    match log.record_sorted(&data_set.base, data, release, now) {
        Err(e) if e.is_unwritable() => {
            *log = in_memory_log(&e);
            log.record_sorted(&data_set.base, data, release, now)
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

/// A short hash of the query a request ran, logged with the request.
#[derive(Debug, Clone, Copy)]
pub struct QueryHash(u64);

impl QueryHash {
    /// The hash of `query`.
    pub fn of(query: &str) -> Self {
        let digest = Sha256::digest(query.as_bytes());
        Self(u64::from_be_bytes(digest[..8].try_into().expect("8 bytes")))
    }
}

impl std::fmt::Display for QueryHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// The routes and layers of the server.
pub fn router(state: AppState) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::HEAD, Method::POST, Method::OPTIONS])
        .allow_headers(Any)
        .max_age(Duration::from_secs(86_400));
    let trace = TraceLayer::new_for_http()
        .make_span_with(request_span)
        .on_request(())
        .on_response(
            |response: &Response, latency: Duration, _span: &tracing::Span| {
                log_answer(response, latency)
            },
        );
    Router::new()
        .route("/", get(home))
        .route("/sparql", get(endpoint::get).post(endpoint::post))
        .route("/sparql/hints", get(endpoint::hints))
        .route("/health", get(health::health))
        .route("/metrics", get(metrics::metrics))
        .route(fragments::FRAGMENTS_PATH, get(fragments::fragment))
        .route(change_feed::stream::STREAM_PATH, get(ldes::stream))
        .route("/ldes/{*path}", get(ldes::node))
        .route(memento::TIMEMAP_ROUTE, get(memento::time_map))
        .route(pages::SEARCH_PATH, get(pages::search))
        .route(pages::STATISTICS_PATH, get(pages::statistics))
        .route("/static/{*path}", get(static_file))
        .route(downloads::ROUTE, get(downloads::download))
        .route("/robots.txt", get(robots))
        .route("/sitemap.xml", get(sitemap))
        .fallback(linked_data::dereference)
        .layer(axum::middleware::from_fn_with_state(
            state.cache.clone(),
            cache::middleware,
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            state.config.request_timeout(),
        ))
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::record,
        ))
        .with_state(state)
        .layer(CompressionLayer::new().compress_when(DefaultPredicate::new().and(not_ranged)))
        .layer(cors)
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            content_security_policy,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONNECTION,
            close_after_refused_body,
        ))
        .layer(trace)
}

/// The span of one request: its method and path.
fn request_span<B>(request: &Request<B>) -> tracing::Span {
    tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
}

/// The log line of an answer, in its request's span.
fn log_answer(response: &Response, latency: Duration) {
    let query = response
        .extensions()
        .get::<QueryHash>()
        .map(|h| h.to_string());
    tracing::info!(
        status = response.status().as_u16(),
        duration_ms = %format_args!("{:.3}", latency.as_secs_f64() * 1000.0),
        query_hash = query.as_deref().unwrap_or("-"),
        "answered"
    );
}

/// A body refused for its size may be left unread, and the connection is
/// then closed: `Connection: close` tells the client not to reuse it (a
/// client that did would see its next request reset).
fn close_after_refused_body(response: &Response) -> Option<HeaderValue> {
    (response.status() == StatusCode::PAYLOAD_TOO_LARGE).then(|| HeaderValue::from_static("close"))
}

/// The Content-Security-Policy of HTML pages: scripts and styles from this
/// server only (YASGUI sets inline styles), nothing framed, no plugin.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     frame-ancestors 'none'; form-action 'self'";

fn content_security_policy(response: &Response) -> Option<HeaderValue> {
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    html.then(|| HeaderValue::from_static(CONTENT_SECURITY_POLICY))
}

/// Files served with byte ranges (the dumps) are sent as stored: compressing
/// them would break `Range`, `Content-Length` and the catalog's checksums.
fn not_ranged(
    _: StatusCode,
    _: axum::http::Version,
    headers: &HeaderMap,
    _: &axum::http::Extensions,
) -> bool {
    !headers.contains_key(header::ACCEPT_RANGES)
}

async fn home(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Response {
    match negotiate::page_or_graph(&headers, &Default::default()) {
        Ok(negotiate::PageOrGraph::Html) => {
            // The facets chosen; a malformed query string chooses none.
            let parameters =
                serde_urlencoded::from_str(query.as_deref().unwrap_or("")).unwrap_or_default();
            pages::home(&state, &parameters)
        }
        Ok(negotiate::PageOrGraph::Graph(_)) => linked_data::answer(
            &state,
            linked_data::catalog_document(&state),
            &headers,
            None,
        ),
        Err(e) => e.into_response(),
    }
}

/// `/robots.txt`: everything may be crawled but query URLs; the sitemap.
async fn robots(State(state): State<AppState>) -> Response {
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /sparql?\nSitemap: {}sitemap.xml\n",
        state.data_set.base
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// `/sitemap.xml`: the home page and every resource page of the data set
/// (not the published files, which the catalog describes as subjects too).
async fn sitemap(State(state): State<AppState>) -> Response {
    let base = state.data_set.base.as_str();
    let files = format!("{base}dumps/");
    let mut urls: Vec<String> = state
        .data_set
        .store
        .quads_for_pattern(None, None, None, None)
        .filter_map(Result::ok)
        .filter_map(|q| match q.subject {
            oxigraph::model::NamedOrBlankNode::NamedNode(n)
                if n.as_str().starts_with(base) && !n.as_str().starts_with(&files) =>
            {
                Some(n.as_str().split('#').next().unwrap_or_default().to_owned())
            }
            _ => None,
        })
        .collect();
    urls.push(base.to_owned());
    urls.sort();
    urls.dedup();
    match pages::render_text("sitemap.xml", minijinja::context! { urls => urls }) {
        Ok(xml) => (
            [(header::CONTENT_TYPE, "application/xml; charset=utf-8")],
            xml,
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

async fn static_file(Path(path): Path<String>) -> Response {
    match query_page::STATIC_FILES
        .iter()
        .find(|(name, _, _)| *name == path)
    {
        Some((_, media_type, bytes)) => {
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            );
            response
        }
        None => {
            ApiError::new(StatusCode::NOT_FOUND, format!("no static file {path:?}")).into_response()
        }
    }
}

/// Serves `site` on `listener` until `shutdown` completes, then lets the
/// running requests finish. Each request is answered by the site current
/// when it arrives (see [`Site::replace`]). Each connection must send its
/// request headers within [`Config::header_read_timeout`]. Downloads of the
/// published files are answered before the router (see
/// [`downloads::direct`]).
pub async fn serve(
    listener: tokio::net::TcpListener,
    site: Site,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::service::TowerToHyperService;
    use tower::ServiceExt;

    let header_read_timeout = site.state().config.header_read_timeout;
    let app = move |peer: std::net::IpAddr| {
        let site = site.clone();
        tower::service_fn(move |mut request: Request<hyper::body::Incoming>| {
            let site = site.clone();
            request.extensions_mut().insert(fair_use::PeerAddress(peer));
            async move {
                if downloads::is_download(&request) {
                    let state = site.state();
                    if let Some(response) = downloads::direct(&state, &request) {
                        state
                            .metrics()
                            .answered(downloads::ROUTE, response.status().as_u16());
                        return Ok(response);
                    }
                }
                site.router().oneshot(request).await
            }
        })
    };
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => (stream, peer.ip()),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = stream;
        let service = TowerToHyperService::new(app(peer));
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Completes on ctrl-c or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the running requests");
}
