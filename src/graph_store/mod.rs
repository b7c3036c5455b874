//! Publishing a built release to an existing SPARQL store (Virtuoso,
//! Oxigraph server, any store of the SPARQL 1.1 Graph Store HTTP Protocol).
//!
//! Each graph `G` the server queries (data, ontology, alignments, catalog)
//! is sent to the release-named graph `G/RELEASE` (N-Triples, in requests of
//! a bounded number of triples), checked by counting, and only then switched
//! in: one SPARQL update copies every `G/RELEASE` to `G`, drops the
//! release-named copies and records the release in the graph
//! `BASE graph/releases` (DCAT versions: the current one and the previous
//! one). Readers query the stable names `G`, or the store's default graph
//! when it is the union of its graphs (Oxigraph server's
//! `--union-default-graph`, Virtuoso's default): once a push is switched in,
//! each triple is in one graph only, and every query reads as on this
//! server. What readers see during a push is the previous release whole,
//! then the new one, as far as the store runs one update request as one
//! transaction (Oxigraph does; Virtuoso does within its transaction log's
//! limits: README) — except that a union default graph shows the staged
//! copies too until the switch. Graphs left by pushes stopped midway are
//! dropped by the next one. Going back to the previous release is pushing
//! it again from the release directory (`--release`), where `build` keeps
//! it.
//!
//! Release names are content hashes, so a push is idempotent (the same
//! release twice changes nothing) and resumable (a graph partly sent is
//! completed from where its count shows it stopped).

mod client;
mod progress;

pub use client::{Credentials, StoreClient, StoreError};

use crate::publish::{CATALOG_STEM, DUMP_STEM, ONTOLOGY_DUMP, VOID_FILE, current_release};
use crate::rdf::Base;
use crate::rdf::base::mint;
use crate::store::{DataSet, Graphs};
use anyhow::Context;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{NamedNode, Triple};
use progress::Progress;
use reqwest::{Method, Url};
use std::path::Path;

/// Triples sent in one request, unless told otherwise.
pub const DEFAULT_TRIPLES_PER_REQUEST: usize = 50_000;

/// The graphs of one built release, as the server holds them.
pub struct ReleaseGraphs {
    /// The release's name (`dist/releases/NAME`).
    pub id: String,
    /// Each graph: its stable name and its N-Triples lines, sorted.
    pub graphs: Vec<PublishedGraph>,
    /// The base of every IRI.
    pub base: Base,
}

/// One graph of a release.
pub struct PublishedGraph {
    /// Its stable name (`BASE graph/data`…).
    pub name: NamedNode,
    /// Its triples, one N-Triples line each (with the final ` .`), sorted.
    pub lines: Vec<String>,
    /// Whether it has blank nodes: then it is sent in one request, since a
    /// blank node is only the same node within one document.
    pub has_blank_nodes: bool,
}

impl PublishedGraph {
    /// Triples a request: all of them if the graph has blank nodes.
    fn per_request(&self, triples_per_request: usize) -> usize {
        if self.has_blank_nodes {
            self.lines.len().max(1)
        } else {
            triples_per_request
        }
    }
}

impl ReleaseGraphs {
    /// Reads a release of `out` (made by `build --out`): `release` (a name
    /// of `out/releases/`, to go back to it), or the current one. The data
    /// graph from its N-Triples dump, the ontology from its Turtle, the
    /// triples the alignments entail computed as the server does, and the
    /// catalog and VoID description.
    pub fn read(out: &Path, base: &Base, release: Option<&str>) -> anyhow::Result<Self> {
        let (id, dir) = match release {
            Some(id) => {
                let dir = out.join(crate::publish::RELEASES).join(id);
                if !dir.is_dir() {
                    let kept = std::fs::read_dir(out.join(crate::publish::RELEASES))
                        .map(|entries| {
                            let mut names: Vec<String> = entries
                                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                                .filter(|n| !n.starts_with('.'))
                                .collect();
                            names.sort();
                            names.join(", ")
                        })
                        .unwrap_or_default();
                    anyhow::bail!(
                        "{}: no release {id} there (the releases kept: {})",
                        out.display(),
                        if kept.is_empty() { "none" } else { &kept }
                    );
                }
                (id.to_owned(), dir)
            }
            None => {
                let id = current_release(out).with_context(|| {
                    format!(
                        "{}: no release there (run `build --out {}` first)",
                        out.display(),
                        out.display()
                    )
                })?;
                (id, out.join(crate::publish::CURRENT))
            }
        };
        let data = parse(&dir.join(format!("{DUMP_STEM}.nt")), RdfFormat::NTriples)?;
        let ontology = parse(&dir.join(ONTOLOGY_DUMP), RdfFormat::Turtle)?;
        let mut described = parse(&dir.join(format!("{CATALOG_STEM}.ttl")), RdfFormat::Turtle)?;
        described.extend(parse(&dir.join(VOID_FILE), RdfFormat::Turtle)?);
        let data_set = DataSet::load(&Graphs {
            base: base.clone(),
            data: data.into_iter().collect(),
            ontology: ontology.into_iter().collect(),
            ontology_source: String::new(),
        })?;
        data_set.add_catalog(&described)?;
        let mut graphs = Vec::new();
        for name in [
            &data_set.data_graph,
            &data_set.ontology_graph,
            &data_set.alignments_graph,
            &data_set.catalog_graph,
        ] {
            let mut has_blank_nodes = false;
            let mut lines = Vec::new();
            for quad in
                data_set
                    .store
                    .quads_for_pattern(None, None, None, Some(name.as_ref().into()))
            {
                let triple = Triple::from(quad?);
                has_blank_nodes |= triple.subject.is_blank_node() || triple.object.is_blank_node();
                lines.push(format!("{triple} ."));
            }
            lines.sort_unstable();
            graphs.push(PublishedGraph {
                name: name.clone(),
                lines,
                has_blank_nodes,
            });
        }
        Ok(Self {
            id,
            graphs,
            base: base.clone(),
        })
    }

    /// The number of triples of every graph.
    pub fn triples(&self) -> usize {
        self.graphs.iter().map(|g| g.lines.len()).sum()
    }
}

fn parse(path: &Path, format: RdfFormat) -> anyhow::Result<Vec<Triple>> {
    let file = std::fs::File::open(path).with_context(|| format!("{}", path.display()))?;
    RdfParser::from_format(format)
        .for_reader(std::io::BufReader::new(file))
        .map(|quad| quad.map(Triple::from))
        .collect::<Result<_, _>>()
        .with_context(|| format!("{}: not valid {format}", path.display()))
}

/// The name of `graph` in release `id`: `G/id`.
pub fn release_graph(graph: &NamedNode, id: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{}/{id}", graph.as_str()))
}

/// Where the store answers: its Graph Store Protocol, query and update
/// endpoints.
#[derive(Debug, Clone)]
pub struct Endpoints {
    /// The Graph Store Protocol endpoint (graphs named by `?graph=`).
    pub graph_store: Url,
    /// The SPARQL query endpoint.
    pub query: Url,
    /// The SPARQL update endpoint.
    pub update: Url,
}

impl Endpoints {
    /// The endpoints of a store whose Graph Store Protocol endpoint is
    /// `graph_store`; the query and update endpoints default to those of
    /// Oxigraph server (`/store` → `/query`, `/update`) and Virtuoso
    /// (`/sparql-graph-crud[-auth]` → `/sparql[-auth]`).
    pub fn new(
        graph_store: &str,
        query: Option<&str>,
        update: Option<&str>,
    ) -> anyhow::Result<Self> {
        let parse = |text: &str, what: &str| {
            Url::parse(text).with_context(|| format!("--{what} {text}: not a URL"))
        };
        let graph_store = parse(graph_store, "graph-store")?;
        let sibling = |path: &str| {
            let mut url = graph_store.clone();
            url.set_path(path);
            url.set_query(None);
            url
        };
        let path = graph_store.path().trim_end_matches('/');
        let known = if let Some(prefix) = path.strip_suffix("/store") {
            Some((
                sibling(&format!("{prefix}/query")),
                sibling(&format!("{prefix}/update")),
            ))
        } else if let Some(prefix) = path.strip_suffix("/sparql-graph-crud-auth") {
            let sparql = sibling(&format!("{prefix}/sparql-auth"));
            Some((sparql.clone(), sparql))
        } else if let Some(prefix) = path.strip_suffix("/sparql-graph-crud") {
            let sparql = sibling(&format!("{prefix}/sparql"));
            Some((sparql.clone(), sparql))
        } else {
            None
        };
        let pick = |given: Option<&str>, known: Option<Url>, what: &str| match given {
            Some(text) => parse(text, what),
            None => known.with_context(|| {
                format!(
                    "--{what}: not known for {}; give the store's SPARQL {} endpoint",
                    client::display(&graph_store),
                    what.trim_end_matches("-endpoint")
                )
            }),
        };
        let (known_query, known_update) = known.unzip();
        Ok(Self {
            query: pick(query, known_query, "query-endpoint")?,
            update: pick(update, known_update, "update-endpoint")?,
            graph_store,
        })
    }

    fn graph(&self, graph: &NamedNode) -> Url {
        let mut url = self.graph_store.clone();
        url.query_pairs_mut().append_pair("graph", graph.as_str());
        url
    }
}

/// What a push did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pushed {
    /// The release pushed.
    pub release: String,
    /// The release that was current before, if any.
    pub previous: Option<String>,
    /// Triples sent (0 when the store had the release already).
    pub triples_sent: usize,
    /// Whether the store was changed at all.
    pub changed: bool,
    /// Releases whose graphs were dropped.
    pub dropped: Vec<String>,
}

impl std::fmt::Display for Pushed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.changed {
            return write!(
                f,
                "release {} is already the store's current release: nothing changed",
                self.release
            );
        }
        write!(
            f,
            "release {} is the store's current release ({} triples sent",
            self.release, self.triples_sent
        )?;
        if let Some(previous) = &self.previous {
            write!(
                f,
                "; the previous one, {previous}, can be pushed again with --release {previous}"
            )?;
        }
        if !self.dropped.is_empty() {
            write!(f, "; dropped the graphs of {}", self.dropped.join(", "))?;
        }
        write!(f, ")")
    }
}

/// What the store's `BASE graph/releases` records.
#[derive(Debug, Default)]
struct Recorded {
    current: Option<String>,
    previous: Option<String>,
    all: Vec<String>,
}

/// How the stable graphs are switched to a release once it is staged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Switch {
    /// One SPARQL update copies every release-named graph to its stable
    /// name: readers see the previous release or the new one, as far as the
    /// store runs it as one transaction (Oxigraph does; Virtuoso refuses
    /// copies past its transaction limits: `SR325`, `SR171`).
    #[default]
    Copy,
    /// Each stable graph is sent again, a request at a time: no large
    /// transaction, but readers see a stable graph partly sent while it is.
    Resend,
}

/// How a push sends and switches.
#[derive(Debug, Clone, Copy)]
pub struct PushOptions {
    /// Triples sent in one request.
    pub triples_per_request: usize,
    /// How the stable graphs are switched.
    pub switch: Switch,
}

impl Default for PushOptions {
    fn default() -> Self {
        Self {
            triples_per_request: DEFAULT_TRIPLES_PER_REQUEST,
            switch: Switch::Copy,
        }
    }
}

/// Pushes `release` to the store at `endpoints` and switches it in.
pub fn push(
    release: &ReleaseGraphs,
    endpoints: &Endpoints,
    client: &StoreClient,
    options: PushOptions,
) -> anyhow::Result<Pushed> {
    let triples_per_request = options.triples_per_request.max(1);
    let releases_graph = release.base.rebase_node(mint::releases_graph());
    let recorded = recorded(client, endpoints, &releases_graph, &release.base)?;
    let counts = |name: &NamedNode| count(client, endpoints, name);
    if recorded.current.as_deref() == Some(&release.id) {
        let mut whole = true;
        for graph in &release.graphs {
            whole &= counts(&graph.name)? == graph.lines.len();
        }
        if whole {
            return Ok(Pushed {
                release: release.id.clone(),
                previous: recorded.previous,
                triples_sent: 0,
                changed: false,
                dropped: Vec::new(),
            });
        }
    }
    if !recorded.all.contains(&release.id) {
        client.update(
            &endpoints.update,
            &format!(
                "INSERT DATA {{ GRAPH {releases_graph} {{ {} <{DCAT}version> \"{}\" }} }}",
                release_node(&release.base, &release.id),
                release.id
            ),
        )?;
    }
    let mut progress = Progress::new(release.triples());
    let mut sent = 0;
    for graph in &release.graphs {
        let staged = release_graph(&graph.name, &release.id);
        sent += send_graph(
            client,
            endpoints,
            graph,
            &staged,
            triples_per_request,
            &mut progress,
        )?;
    }
    let previous = match &recorded.current {
        Some(current) if *current == release.id => recorded.previous.clone(),
        other => other.clone(),
    };
    let copy = options.switch == Switch::Copy;
    if !copy {
        sent += resend(release, client, endpoints, triples_per_request)?;
    }
    switch(release, client, endpoints, previous.as_deref(), copy)?;
    // The copies of releases never switched in (pushes stopped midway), or
    // kept by an earlier version of this command.
    let mut dropped = Vec::new();
    for old in &recorded.all {
        if *old != release.id {
            drop_release(release, client, endpoints, old)?;
            dropped.push(old.clone());
        }
    }
    Ok(Pushed {
        release: release.id.clone(),
        previous,
        triples_sent: sent,
        changed: true,
        dropped,
    })
}

const DCAT: &str = "http://www.w3.org/ns/dcat#";

/// Sends every stable graph again from the release's lines (`--switch
/// resend`); returns the triples sent.
fn resend(
    release: &ReleaseGraphs,
    client: &StoreClient,
    endpoints: &Endpoints,
    triples_per_request: usize,
) -> anyhow::Result<usize> {
    let mut progress = Progress::new(release.triples());
    let mut sent = 0;
    for graph in &release.graphs {
        let per_request = graph.per_request(triples_per_request);
        sent += send_lines(
            client,
            endpoints,
            graph,
            &graph.name,
            0,
            per_request,
            &mut progress,
        )?;
        ensure_whole(count(client, endpoints, &graph.name)?, graph, &graph.name)?;
    }
    Ok(sent)
}

/// Makes the staged `release` current in one update (see [`switch_update`]).
fn switch(
    release: &ReleaseGraphs,
    client: &StoreClient,
    endpoints: &Endpoints,
    previous: Option<&str>,
    copy: bool,
) -> anyhow::Result<()> {
    let releases_graph = release.base.rebase_node(mint::releases_graph());
    let update = switch_update(release, &releases_graph, previous, copy);
    let Err(e) = client.update(&endpoints.update, &update) else {
        return Ok(());
    };
    // Virtuoso: SR325 (the transaction log's limit), SR171 (a transaction
    // timed out).
    let message = e.to_string();
    let hint = if ["SR325", "SR171", "Transaction"]
        .iter()
        .any(|code| message.contains(code))
    {
        "; the store could not copy the release in one transaction: push again with \
         --switch resend"
    } else {
        ""
    };
    Err(anyhow::Error::new(e).context(format!(
        "release {} is staged but not switched in: readers still see the previous one{hint}",
        release.id
    )))
}

/// Drops the release-named graphs of release `old`.
fn drop_release(
    release: &ReleaseGraphs,
    client: &StoreClient,
    endpoints: &Endpoints,
    old: &str,
) -> anyhow::Result<()> {
    let drops: Vec<String> = release
        .graphs
        .iter()
        .map(|g| format!("DROP SILENT GRAPH {}", release_graph(&g.name, old)))
        .collect();
    client.update(&endpoints.update, &drops.join(" ;\n"))?;
    Ok(())
}

fn release_node(base: &Base, id: &str) -> NamedNode {
    base.rebase_node(mint::release(id))
}

/// Sends `graph` to `staged`, from where the store's count shows an earlier
/// push stopped; returns the triples sent.
fn send_graph(
    client: &StoreClient,
    endpoints: &Endpoints,
    graph: &PublishedGraph,
    staged: &NamedNode,
    triples_per_request: usize,
    progress: &mut Progress,
) -> anyhow::Result<usize> {
    let expected = graph.lines.len();
    let there = count(client, endpoints, staged)?;
    if there == expected {
        progress.advance(staged.as_str(), expected);
        return Ok(0);
    }
    let per_request = graph.per_request(triples_per_request);
    // Triples are sent in a fixed order, a request at a time, and a graph is
    // a set: the first `there` lines are those an interrupted push sent.
    let resume_at = if there < expected && !graph.has_blank_nodes {
        there
    } else {
        0
    };
    if resume_at > 0 {
        let name = staged.as_str();
        eprintln!("resuming {name} at triple {resume_at} of {expected}");
    }
    progress.advance(staged.as_str(), resume_at);
    let mut sent = send_lines(
        client,
        endpoints,
        graph,
        staged,
        resume_at,
        per_request,
        progress,
    )?;
    let mut loaded = count(client, endpoints, staged)?;
    if loaded != expected && resume_at > 0 {
        // A store that applied part of a request leaves no prefix: send all.
        eprintln!(
            "{staged}: {loaded} triples after resuming, {expected} expected: sending it whole"
        );
        sent += send_lines(client, endpoints, graph, staged, 0, per_request, progress)?;
        loaded = count(client, endpoints, staged)?;
    }
    ensure_whole(loaded, graph, staged)?;
    Ok(sent)
}

/// Fails unless `loaded`, the count of `name` in the store, is that of `graph`.
fn ensure_whole(loaded: usize, graph: &PublishedGraph, name: &NamedNode) -> anyhow::Result<()> {
    let expected = graph.lines.len();
    anyhow::ensure!(
        loaded == expected,
        "{}: the store holds {loaded} triples after the push, the release has {expected}",
        name.as_str()
    );
    Ok(())
}

/// Sends the lines of `graph` from `from` on, `per_request` at a time; a
/// push from the start replaces whatever the graph held.
fn send_lines(
    client: &StoreClient,
    endpoints: &Endpoints,
    graph: &PublishedGraph,
    staged: &NamedNode,
    from: usize,
    per_request: usize,
    progress: &mut Progress,
) -> anyhow::Result<usize> {
    let url = endpoints.graph(staged);
    let rest = &graph.lines[from..];
    let chunks: Vec<&[String]> = if rest.is_empty() {
        vec![&[]]
    } else {
        rest.chunks(per_request).collect()
    };
    let mut sent = 0;
    for (i, chunk) in chunks.into_iter().enumerate() {
        let mut body = String::with_capacity(chunk.iter().map(|l| l.len() + 1).sum());
        for line in chunk {
            body.push_str(line);
            body.push('\n');
        }
        let method = if i == 0 && from == 0 {
            Method::PUT
        } else {
            Method::POST
        };
        client.send(
            method,
            &url,
            Some(client::N_TRIPLES),
            None,
            body.into_bytes(),
        )?;
        sent += chunk.len();
        progress.advance(staged.as_str(), chunk.len());
    }
    Ok(sent)
}

/// The update that makes `release` current: every stable graph replaced by
/// its release-named copy (if `copy`), the copies dropped (each triple then
/// in one graph only: a union default graph reads right), and the record of
/// releases rewritten, in one request.
fn switch_update(
    release: &ReleaseGraphs,
    releases_graph: &NamedNode,
    previous: Option<&str>,
    copy: bool,
) -> String {
    let mut operations: Vec<String> = release
        .graphs
        .iter()
        .filter(|_| copy)
        .map(|g| format!("COPY {} TO {}", release_graph(&g.name, &release.id), g.name))
        .collect();
    operations.extend(
        release
            .graphs
            .iter()
            .map(|g| format!("DROP SILENT GRAPH {}", release_graph(&g.name, &release.id))),
    );
    let dataset = release.base.rebase_node(mint::dataset());
    let current = release_node(&release.base, &release.id);
    let mut record = format!(
        "{dataset} <{DCAT}hasCurrentVersion> {current} ; <{DCAT}hasVersion> {current} .\n\
         {current} <{DCAT}version> \"{}\" .\n",
        release.id
    );
    for graph in &release.graphs {
        record.push_str(&format!(
            "{current} <http://purl.org/dc/terms/hasPart> {} .\n",
            graph.name
        ));
    }
    if let Some(previous) = previous {
        let previous_node = release_node(&release.base, previous);
        record.push_str(&format!(
            "{dataset} <{DCAT}hasVersion> {previous_node} .\n\
             {current} <{DCAT}previousVersion> {previous_node} .\n\
             {previous_node} <{DCAT}version> \"{previous}\" .\n"
        ));
    }
    operations.push(format!("DROP SILENT GRAPH {releases_graph}"));
    operations.push(format!(
        "INSERT DATA {{ GRAPH {releases_graph} {{\n{record}}} }}"
    ));
    operations.join(" ;\n")
}

/// The number of triples in `graph`.
fn count(client: &StoreClient, endpoints: &Endpoints, graph: &NamedNode) -> anyhow::Result<usize> {
    let rows = client.select(
        &endpoints.query,
        &format!("SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"),
    )?;
    let value = rows
        .first()
        .and_then(|row| row.get("n"))
        .with_context(|| format!("{}: no count of {graph}", client::display(&endpoints.query)))?;
    value.parse().with_context(|| {
        format!(
            "{}: count of {graph} is {value:?}",
            client::display(&endpoints.query)
        )
    })
}

/// The releases the store records.
fn recorded(
    client: &StoreClient,
    endpoints: &Endpoints,
    releases_graph: &NamedNode,
    base: &Base,
) -> anyhow::Result<Recorded> {
    let dataset = base.rebase_node(mint::dataset());
    let versions = |pattern: &str| -> anyhow::Result<Vec<String>> {
        let rows = client.select(
            &endpoints.query,
            &format!(
                "SELECT ?version WHERE {{ GRAPH {releases_graph} {{ {pattern} ?release <{DCAT}version> ?version }} }}"
            ),
        )?;
        Ok(rows
            .into_iter()
            .filter_map(|mut row| row.remove("version"))
            .collect())
    };
    let mut all = versions("")?;
    all.sort();
    all.dedup();
    let current = versions(&format!("{dataset} <{DCAT}hasCurrentVersion> ?release ."))?;
    let previous = versions(&format!(
        "{dataset} <{DCAT}hasCurrentVersion> ?current . ?current <{DCAT}previousVersion> ?release ."
    ))?;
    let recorded = Recorded {
        current: current.into_iter().next(),
        previous: previous.into_iter().next(),
        all,
    };
    Ok(recorded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoints_of_oxigraph_and_virtuoso_are_known() {
        let oxigraph = Endpoints::new("http://localhost:7878/store", None, None).unwrap();
        assert_eq!(oxigraph.query.as_str(), "http://localhost:7878/query");
        assert_eq!(oxigraph.update.as_str(), "http://localhost:7878/update");
        let virtuoso =
            Endpoints::new("http://localhost:8890/sparql-graph-crud-auth", None, None).unwrap();
        assert_eq!(virtuoso.query.as_str(), "http://localhost:8890/sparql-auth");
        assert_eq!(virtuoso.update, virtuoso.query);
        let other = Endpoints::new("http://localhost/gsp", None, None).unwrap_err();
        assert!(other.to_string().contains("--query-endpoint"), "{other}");
        let given =
            Endpoints::new("http://localhost/gsp", Some("http://q/"), Some("http://u/")).unwrap();
        assert_eq!(
            (given.query.as_str(), given.update.as_str()),
            ("http://q/", "http://u/")
        );
        let graph = given.graph(&NamedNode::new_unchecked("https://w3id.org/x/graph/data/1"));
        assert_eq!(
            graph.as_str(),
            "http://localhost/gsp?graph=https%3A%2F%2Fw3id.org%2Fx%2Fgraph%2Fdata%2F1"
        );
    }

    #[test]
    fn the_switch_copies_every_graph_drops_the_copies_and_records_both_releases_in_one_request() {
        let base = Base::default();
        let release = ReleaseGraphs {
            id: "new".into(),
            graphs: vec![PublishedGraph {
                name: base.rebase_node(mint::data_graph()),
                lines: vec![],
                has_blank_nodes: false,
            }],
            base: base.clone(),
        };
        let releases = base.rebase_node(mint::releases_graph());
        let update = switch_update(&release, &releases, Some("old"), true);
        spargebra::SparqlParser::new()
            .parse_update(&update)
            .unwrap_or_else(|e| panic!("{e}: {update}"));
        assert_eq!(
            update.matches(" ;\n").count(),
            3,
            "four operations: {update}"
        );
        assert!(
            update.contains(
                "DROP SILENT GRAPH <https://w3id.org/territoire-innovant/graph/data/new>"
            ),
            "the copy dropped once copied: {update}"
        );
        assert!(update.starts_with(
            "COPY <https://w3id.org/territoire-innovant/graph/data/new> TO <https://w3id.org/territoire-innovant/graph/data>"
        ));
        assert!(
            update.contains("previousVersion> <https://w3id.org/territoire-innovant/release/old>")
        );
        let first = switch_update(&release, &releases, None, true);
        assert!(!first.contains("previousVersion"), "{first}");
        let resent = switch_update(&release, &releases, None, false);
        assert!(!resent.contains("COPY") && resent.starts_with("DROP SILENT GRAPH"));
    }
}
