//! Command line of the « Territoire Innovant » Linked Open Data publisher.
//! It only parses arguments and calls the library.

use anyhow::Context;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use territoire_innovant::memory::ceiling::{Bytes, Ceiling};
use territoire_innovant::output::{OutputFormat, write_results};
use territoire_innovant::rdf::Base;
use territoire_innovant::server::{self, AppState, Config, Site};
use territoire_innovant::store::{DataSet, Inputs};
use territoire_innovant::{
    change_feed, examples, graph_store, memory, publish, sparql, static_site, synthetic,
};
use tracing_subscriber::EnvFilter;

/// Publishes the laureates of the label « Territoire Innovant » as Linked Open Data.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Source data directory.
    #[arg(long, global = true, env = "TI_DATA", default_value = "data")]
    data: PathBuf,
    /// Ontology directory.
    #[arg(long, global = true, env = "TI_ONTOLOGY", default_value = "ontology")]
    ontology: PathBuf,
    /// Base of every IRI of the data set (ends with '/').
    #[arg(long, global = true, env = "TI_BASE", default_value_t = Base::default())]
    base: Base,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Builds the data set and writes the dumps and checksums to a directory.
    Build {
        /// Output directory (created if missing): the files are in `DIR/current`,
        /// a link switched in one step to each new complete release.
        #[arg(long, env = "TI_OUT", default_value = "dist")]
        out: PathBuf,
        /// Also export the Linked Data as static files for any web server or
        /// CDN to this directory, with the nginx configuration that serves
        /// them as `serve` does (`DIR/nginx-site.conf`).
        #[arg(long, env = "TI_SITE")]
        site: Option<PathBuf>,
        /// The `listen` of the generated nginx configuration.
        #[arg(long, default_value = "8080", requires = "site")]
        site_listen: String,
        /// A running `serve` (http://host:port) that nginx sends what files
        /// cannot answer to (/sparql, /recherche, /fragments, /ldes, /health).
        #[arg(long, requires = "site")]
        site_upstream: Option<String>,
    },
    /// Checks the source data and builds the store without writing anything.
    Validate,
    /// Pushes the current release of `--out` to another SPARQL store through
    /// the SPARQL 1.1 Graph Store HTTP Protocol (Virtuoso, Oxigraph server…):
    /// each graph to a release-named graph, then all switched in at once.
    /// Credentials: TI_GRAPH_STORE_USER and TI_GRAPH_STORE_PASSWORD (Basic or
    /// Digest, as the store asks) or TI_GRAPH_STORE_TOKEN (bearer).
    Publish {
        /// The release directory made by `build --out`.
        #[arg(long, env = "TI_OUT", default_value = "dist")]
        out: PathBuf,
        /// The store's Graph Store Protocol endpoint (e.g.
        /// http://localhost:7878/store, http://localhost:8890/sparql-graph-crud-auth).
        #[arg(long, env = "TI_GRAPH_STORE")]
        graph_store: String,
        /// The store's SPARQL query endpoint (default: known for Oxigraph and Virtuoso).
        #[arg(long, env = "TI_GRAPH_STORE_QUERY")]
        query_endpoint: Option<String>,
        /// The store's SPARQL update endpoint (default: known for Oxigraph and Virtuoso).
        #[arg(long, env = "TI_GRAPH_STORE_UPDATE")]
        update_endpoint: Option<String>,
        /// Triples sent in one request.
        #[arg(long, default_value_t = graph_store::DEFAULT_TRIPLES_PER_REQUEST)]
        triples_per_request: usize,
        /// How the stable graphs switch to the release once it is staged:
        /// `copy` (one update, atomic where the store makes it one
        /// transaction) or `resend` (no large transaction; readers see
        /// graphs partly sent meanwhile).
        #[arg(long, value_enum, default_value_t = graph_store::Switch::Copy)]
        switch: graph_store::Switch,
        /// The release to push, a name of DIR/releases/ (to go back to the
        /// previous one); default: the current release.
        #[arg(long)]
        release: Option<String>,
    },
    /// Writes synthetic source data of any size (for benchmarks), from the
    /// registries of `--data`.
    Generate {
        /// Number of awards.
        #[arg(long)]
        awards: usize,
        /// Seed of the pseudo-random choices.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// New directory to write the data to.
        #[arg(long)]
        out: PathBuf,
    },
    /// Runs a SPARQL query against the built store and prints the results.
    Query {
        /// The SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE).
        query: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
        format: OutputFormat,
    },
    /// Serves the data over HTTP. With --release DIR, serves the release
    /// `build --out DIR` published, as it was written (nothing rebuilt), and
    /// follows DIR/current; otherwise builds the source data first, and
    /// rebuilds it on SIGHUP (a failed rebuild keeps the running data).
    Serve {
        /// The output directory of `build --out DIR`: serve its current
        /// release and switch to the next one when a build publishes it (or
        /// on SIGHUP), without a failed request. The change feed is read from
        /// DIR/history unless --history says otherwise.
        #[arg(long, env = "TI_RELEASE")]
        release: Option<PathBuf>,
        /// Address to listen on.
        #[arg(long, env = "TI_LISTEN", default_value = "127.0.0.1:7878", value_parser = listen_address)]
        listen: std::net::SocketAddr,
        /// Time limit of a query, in seconds.
        #[arg(long, env = "TI_QUERY_TIMEOUT", default_value_t = 10.0)]
        query_timeout: f64,
        /// Largest number of solutions or triples in a query answer.
        #[arg(long, env = "TI_MAX_RESULTS", default_value_t = Config::default().max_results)]
        max_results: usize,
        /// Largest request body, in bytes.
        #[arg(long, env = "TI_MAX_BODY_BYTES", default_value_t = Config::default().max_body_bytes)]
        max_body_bytes: usize,
        /// Longest query text, in bytes.
        #[arg(long, env = "TI_MAX_QUERY_BYTES", default_value_t = Config::default().max_query_bytes)]
        max_query_bytes: usize,
        /// Long queries evaluated at once (past the quick lane's time); others wait in line.
        #[arg(long, env = "TI_MAX_CONCURRENT_QUERIES", default_value_t = Config::default().max_concurrent_queries)]
        max_concurrent_queries: usize,
        /// Queries evaluated at once in the quick lane, where every query starts (0: no quick lane).
        #[arg(long, env = "TI_QUICK_QUERIES", default_value_t = Config::default().quick_queries)]
        quick_queries: usize,
        /// Seconds a query may run in the quick lane before it moves to the
        /// long lane (0: no quick lane).
        #[arg(long, env = "TI_QUICK_QUERY_TIME", default_value_t = Config::default().quick_query_time.as_secs_f64())]
        quick_query_time: f64,
        /// Seconds a query may run in place, on the thread that read its
        /// request, before it goes to the lanes (0: every query goes to the lanes).
        #[arg(long, env = "TI_IN_PLACE_TIME", default_value_t = Config::default().in_place_time.as_secs_f64())]
        in_place_time: f64,
        /// Seconds a query waits for its turn before a 503.
        #[arg(long, env = "TI_QUEUE_TIMEOUT", default_value_t = 2.0)]
        queue_timeout: f64,
        /// Seconds a client may take to send its request headers.
        #[arg(long, env = "TI_HEADER_READ_TIMEOUT", default_value_t = 10.0)]
        header_read_timeout: f64,
        /// Memory for answers kept for repeated requests, in bytes (0: none).
        #[arg(long, env = "TI_CACHE_BYTES", default_value_t = Config::default().cache_bytes)]
        cache_bytes: usize,
        /// Memory one query may hold before it is stopped (a number of bytes, or e.g. 64MiB; 0: no budget).
        #[arg(long, env = "TI_QUERY_MEMORY_BYTES", default_value_t = Bytes(Config::default().query_memory_bytes as u64))]
        query_memory_bytes: Bytes,
        /// The most memory the server may take (e.g. 512MiB): it does not start if its
        /// settings may need more. Default: the container's limit, if any; 0: not checked.
        #[arg(long, env = "TI_MEMORY_LIMIT")]
        memory_limit: Option<Bytes>,
        /// Directory of the example queries shown on the query page. Default: those of
        /// the repository's queries/ as the program was built.
        #[arg(long, env = "TI_QUERIES")]
        queries: Option<PathBuf>,
        /// Directory of the change feed's version log, kept across restarts and
        /// shared with `build --out DIR` as `DIR/history` (e.g. dist/history).
        /// Default: a log in memory, begun when the server starts.
        #[arg(long, env = "TI_HISTORY")]
        history: Option<PathBuf>,
        /// Seconds of query evaluation each client may spend per minute, past which
        /// it gets 429 with Retry-After (fair use; 0: no limit). A client is its
        /// address (behind a trusted proxy, the address it forwards) with its User-Agent.
        #[arg(long, env = "TI_FAIR_USE_SECONDS", default_value_t = Config::default().fair_use_budget.as_secs_f64())]
        fair_use_seconds: f64,
        /// The address of a proxy whose X-Forwarded-For names the client, for fair use
        /// (repeat it for several; the environment variable takes a comma-separated list).
        #[arg(
            long = "trusted-proxy",
            env = "TI_TRUSTED_PROXIES",
            value_delimiter = ','
        )]
        trusted_proxies: Vec<std::net::IpAddr>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let inputs = Inputs {
        data_dir: cli.data,
        ontology_dir: cli.ontology,
        base: cli.base,
    };
    let reads_a_release = matches!(
        cli.command,
        Command::Publish { .. }
            | Command::Serve {
                release: Some(_),
                ..
            }
    );
    if !reads_a_release {
        check_data_folder(&inputs)?;
    }
    match cli.command {
        Command::Build {
            out,
            site,
            site_listen,
            site_upstream,
        } => {
            let previous = publish::fingerprint::published_in(&out);
            let build = publish::build(&inputs, &out)?;
            eprintln!("{build}");
            let fingerprint = &build.fingerprints.data;
            match previous {
                Some(previous) if previous == *fingerprint => eprintln!(
                    "no change in the data: its fingerprint (RDFC-1.0, SHA-256) {fingerprint} is the previous release's"
                ),
                Some(previous) => eprintln!(
                    "the data changed: fingerprint (RDFC-1.0, SHA-256) {fingerprint}, was {previous}"
                ),
                None => eprintln!("data fingerprint (RDFC-1.0, SHA-256) {fingerprint}"),
            }
            match &build.logged {
                Some(logged) => eprintln!(
                    "change feed: {} versions logged at {} in {}",
                    logged.size,
                    logged.time.value(),
                    out.join(change_feed::HISTORY_DIR).display()
                ),
                None => eprintln!("change feed: no resource changed, nothing logged"),
            }
            let current = &build.release.current;
            for file in &build.files {
                println!(
                    "{}  {} bytes",
                    current.join(&file.name).display(),
                    file.size
                );
            }
            println!(
                "published release {} at {}",
                build.release.id,
                current.display()
            );
            let publish::Build {
                data_set, graphs, ..
            } = build;
            // The process ends soon: the OS takes the store and the graphs
            // back at once, where freeing them item by item takes about 20 s
            // at 10⁶ awards.
            std::mem::forget((data_set, graphs));
            if let Some(site) = site {
                let options = static_site::NginxOptions {
                    listen: site_listen,
                    upstream: site_upstream,
                };
                let exported = static_site::export_release(&out, &site, &options)
                    .with_context(|| format!("cannot export the site to {}", site.display()))?;
                println!("{exported}");
            }
        }
        Command::Publish {
            out,
            graph_store: store,
            query_endpoint,
            update_endpoint,
            triples_per_request,
            switch,
            release,
        } => {
            let endpoints = graph_store::Endpoints::new(
                &store,
                query_endpoint.as_deref(),
                update_endpoint.as_deref(),
            )?;
            let release = graph_store::ReleaseGraphs::read(&out, &inputs.base, release.as_deref())?;
            let client = graph_store::StoreClient::new(graph_store::Credentials::from_env())?;
            let options = graph_store::PushOptions {
                triples_per_request,
                switch,
            };
            let pushed = graph_store::push(&release, &endpoints, &client, options)?;
            println!("{pushed}");
        }
        Command::Generate { awards, seed, out } => {
            synthetic::generate(&inputs.data_dir, &out, synthetic::Scale { awards, seed })?;
            println!("{}: {awards} awards", out.display());
        }
        Command::Validate => {
            let data_set = DataSet::build(&inputs)?;
            let sizes = data_set.sizes()?;
            println!(
                "{}: valid: {sizes} ({} in the store)",
                inputs.data_dir.display(),
                sizes.total()
            );
        }
        Command::Query { query, format } => {
            // A query that cannot be read is explained before any data is loaded.
            if let Err(error) = sparql::parse(&query, None) {
                let endpoint = inputs.base.iri("sparql");
                anyhow::bail!(
                    "{}",
                    sparql::explain::not_a_query_message(
                        &query,
                        &error,
                        endpoint.as_str(),
                        sparql::explain::Language::English
                    )
                );
            }
            let data_set = DataSet::build(&inputs)?;
            let store = &data_set.store;
            sparql::with_large_stack(|| -> anyhow::Result<()> {
                let results = sparql::run(store, &query)?;
                let stdout = std::io::stdout();
                write_results(results, format, &mut stdout.lock())?;
                Ok(())
            })?;
        }
        Command::Serve {
            release,
            listen,
            query_timeout,
            max_results,
            max_body_bytes,
            max_query_bytes,
            max_concurrent_queries,
            quick_queries,
            quick_query_time,
            in_place_time,
            queue_timeout,
            header_read_timeout,
            cache_bytes,
            query_memory_bytes,
            memory_limit,
            queries,
            history,
            fair_use_seconds,
            trusted_proxies,
        } => {
            let history = match (&release, history) {
                (Some(out), None) => Some(out.join(change_feed::HISTORY_DIR)),
                (_, history) => history,
            };
            check_history(&history)?;
            memory::release_memory_promptly();
            tracing_subscriber::fmt()
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
                .with_env_filter(
                    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
                )
                .init();
            let config = Config {
                query_timeout: positive_seconds(query_timeout, "--query-timeout")?,
                max_results,
                max_body_bytes,
                max_query_bytes,
                max_concurrent_queries,
                quick_queries,
                quick_query_time: Duration::try_from_secs_f64(quick_query_time)
                    .context("--quick-query-time must be a number of seconds, 0 or more")?,
                in_place_time: Duration::try_from_secs_f64(in_place_time)
                    .context("--in-place-time must be a number of seconds, 0 or more")?,
                queue_timeout: positive_seconds(queue_timeout, "--queue-timeout")?,
                header_read_timeout: positive_seconds(
                    header_read_timeout,
                    "--header-read-timeout",
                )?,
                cache_bytes,
                query_memory_bytes: usize::try_from(query_memory_bytes.0)
                    .context("--query-memory-bytes is too large")?,
                memory_limit: match memory_limit {
                    Some(Bytes(0)) => None,
                    setting => Ceiling::from_setting_or_container(setting),
                },
                history,
                fair_use_budget: Duration::try_from_secs_f64(fair_use_seconds)
                    .context("--fair-use-seconds must be a number of seconds, 0 or more")?,
                trusted_proxies,
            };
            let read_examples = move || match &queries {
                Some(dir) => examples::load(dir).with_context(|| {
                    format!("cannot read the example queries in {}", dir.display())
                }),
                None => Ok(examples::embedded()),
            };
            let (state, follow): (AppState, Box<dyn FnOnce(Site) -> _>) = match release {
                Some(out) => {
                    let state =
                        AppState::open(&out, config, read_examples()?).with_context(|| {
                            format!("cannot serve the release published in {}", out.display())
                        })?;
                    let follow = move |site: Site| {
                        let reopened = out.clone();
                        tokio::spawn(server::follow_release(site, out, move |current| {
                            current
                                .reopened(&reopened, read_examples()?)
                                .with_context(|| {
                                    format!(
                                        "cannot open the release published in {}",
                                        reopened.display()
                                    )
                                })
                        }))
                    };
                    (state, Box::new(follow))
                }
                None => {
                    let load = move || -> anyhow::Result<_> {
                        Ok((DataSet::build(&inputs)?, read_examples()?))
                    };
                    let (data_set, examples) = load()?;
                    let state = AppState::new(data_set, config, examples)
                        .context("cannot prepare the publication")?;
                    let follow = move |site: Site| {
                        tokio::spawn(server::reload_on_hangup(site, move |current| {
                            let (data_set, examples) = load()?;
                            current
                                .reloaded(data_set, examples)
                                .context("cannot prepare the publication")
                        }))
                    };
                    (state, Box::new(follow))
                }
            };
            let site = Site::new(state);
            // The server's threads may evaluate a query in place: they get
            // the stack of a query thread (reserved, used by deep queries only).
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .thread_stack_size(sparql::QUERY_STACK_BYTES)
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let listener = tokio::net::TcpListener::bind(listen)
                    .await
                    .with_context(|| format!("cannot listen on {listen}"))?;
                tracing::info!("serving on http://{}/", listener.local_addr()?);
                follow(site.clone());
                server::serve(listener, site, server::shutdown_signal()).await?;
                anyhow::Ok(())
            })?;
        }
    }
    Ok(())
}

/// The address `--listen` names: an IP address and port (`127.0.0.1:7878`,
/// `[::1]:7878`) or a host name and port (`localhost:7878`), resolved.
fn listen_address(text: &str) -> Result<std::net::SocketAddr, String> {
    use std::net::ToSocketAddrs;
    if let Ok(address) = text.parse() {
        return Ok(address);
    }
    let expected = "expected HOST:PORT, such as 127.0.0.1:7878, localhost:7878 or [::1]:7878";
    match text.to_socket_addrs() {
        Ok(mut addresses) => addresses
            .next()
            .ok_or_else(|| format!("{text} names no address: {expected}")),
        Err(_) if !text.contains(':') => Err(format!("no port in {text:?}: {expected}")),
        Err(e) => Err(format!("cannot resolve {text:?} ({e}): {expected}")),
    }
}

/// Whether `inputs` names a data folder; if not, what to do.
fn check_data_folder(inputs: &Inputs) -> anyhow::Result<()> {
    if inputs.data_dir.is_dir() {
        return Ok(());
    }
    anyhow::bail!(
        "no data folder at {}: run this from the repository (it has data/), or give the source data with --data DIR",
        inputs.data_dir.display()
    )
}

/// Whether the `--history` folder can be used: it exists, or its parent
/// does (a mistyped path is not created silently).
fn check_history(history: &Option<PathBuf>) -> anyhow::Result<()> {
    let Some(path) = history else {
        return Ok(());
    };
    if path.is_dir() {
        return Ok(());
    }
    if path.exists() {
        anyhow::bail!("--history {}: not a folder", path.display());
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    if parent.is_some_and(|p| !p.is_dir()) {
        anyhow::bail!(
            "--history {}: its parent folder {} does not exist; check the path (build --out DIR writes DIR/history)",
            path.display(),
            parent.map(|p| p.display().to_string()).unwrap_or_default()
        );
    }
    Ok(())
}

/// A duration given in seconds on the command line; it must be positive.
fn positive_seconds(seconds: f64, flag: &str) -> anyhow::Result<Duration> {
    Duration::try_from_secs_f64(seconds)
        .ok()
        .filter(|t| !t.is_zero())
        .with_context(|| format!("{flag} must be a positive number of seconds"))
}
