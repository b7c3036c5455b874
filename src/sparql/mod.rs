//! SPARQL evaluation over the store, shared by the command line and the
//! server: the default graph is the union of all graphs unless the query or
//! the protocol names a data set, `SERVICE` is refused, and evaluation can be
//! cancelled.

pub mod explain;
pub mod hints;
pub mod index;
mod planning;

use index::QueryIndex;
use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode};
use oxigraph::sparql::{
    CancellationToken, DefaultServiceHandler, PreparedSparqlQuery, QueryEvaluationError,
    QueryResults, QuerySolutionIter, SparqlEvaluator, SparqlSyntaxError,
};
use oxigraph::store::Store;
use spargebra::algebra::GraphPattern;
use spargebra::{Query, SparqlParser};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};

/// Stack size of the threads that parse and evaluate queries: the SPARQL
/// parser and evaluator recurse once per nesting level of a query (braces,
/// `UNION` chains, operators), and a hostile query nests as deep as its
/// length allows. The memory is reserved, and only used by such queries.
pub const QUERY_STACK_BYTES: usize = 512 << 20;

/// Whether the calling thread has the stack a query may need: about
/// [`QUERY_STACK_BYTES`] left below its frame (a query thread, or a server
/// thread started with that stack size).
pub fn room_for_a_query() -> bool {
    crate::memory::stack_left().is_some_and(|left| left >= QUERY_STACK_BYTES - (1 << 20))
}

/// A fixed set of long-lived threads with [`QUERY_STACK_BYTES`] stacks that
/// run queries in turn. Starting and ending a thread with such a stack for
/// every query cost more than a small query itself (the kernel maps, guards
/// and unmaps the stack each time).
pub struct QueryThreads {
    jobs: Sender<Job>,
}

type Job = Box<dyn FnOnce() + Send>;

impl QueryThreads {
    /// Starts `count` threads (at least one); they end when this is dropped.
    pub fn new(count: usize) -> std::io::Result<Self> {
        let (jobs, waiting) = std::sync::mpsc::channel::<Job>();
        let waiting = Arc::new(Mutex::new(waiting));
        for i in 0..count.max(1) {
            let waiting = Arc::clone(&waiting);
            std::thread::Builder::new()
                .name(format!("sparql-query-{i}"))
                .stack_size(QUERY_STACK_BYTES)
                .spawn(move || {
                    loop {
                        let next = match waiting.lock() {
                            Ok(waiting) => waiting.recv(),
                            Err(_) => return,
                        };
                        let Ok(job) = next else { return };
                        // A query that panics must not take its thread away;
                        // its caller sees its answer channel closed.
                        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                        crate::memory::release_unused_stack();
                    }
                })?;
        }
        Ok(Self { jobs })
    }

    /// Runs `work` on the next free thread.
    pub fn run(&self, work: impl FnOnce() + Send + 'static) -> std::io::Result<()> {
        self.jobs
            .send(Box::new(work))
            .map_err(|_| std::io::Error::other("the query threads have ended"))
    }
}

/// Runs `work` on a thread with a [`QUERY_STACK_BYTES`] stack and returns
/// its result (for callers without an async runtime, like the command line).
pub fn with_large_stack<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("sparql-query".to_owned())
            .stack_size(QUERY_STACK_BYTES)
            .spawn_scoped(scope, work)
            .expect("a thread can be started")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// The four query forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryForm {
    /// `SELECT`: solutions.
    Select,
    /// `ASK`: a boolean.
    Ask,
    /// `CONSTRUCT`: a graph.
    Construct,
    /// `DESCRIBE`: a graph.
    Describe,
}

impl QueryForm {
    /// Whether the query returns a graph (CONSTRUCT, DESCRIBE).
    pub fn returns_graph(self) -> bool {
        matches!(self, Self::Construct | Self::Describe)
    }
}

/// A parsed query.
#[derive(Debug, Clone)]
pub struct ParsedQuery {
    query: Query,
}

/// Parses a SPARQL query; its relative IRIs are resolved against
/// `base_iri` (the endpoint's IRI, for the server), unless the query
/// states its own `BASE`.
pub fn parse(query: &str, base_iri: Option<&str>) -> Result<ParsedQuery, SparqlSyntaxError> {
    let mut parser = SparqlParser::new();
    if let Some(base) = base_iri {
        parser = parser
            .with_base_iri(base)
            .expect("the base IRI of the data set is a valid IRI");
    }
    Ok(ParsedQuery {
        query: parser.parse_query(query)?,
    })
}

/// What a text that is not a valid query is, to explain a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotAQuery {
    /// Nothing but white space, comments or prologue: no query at all.
    Empty,
    /// A valid SPARQL Update request.
    Update,
    /// Neither: a syntax error.
    Malformed,
}

/// Tells why `text`, which does not parse as a query, is not one.
pub fn not_a_query(text: &str) -> NotAQuery {
    // Relative IRIs resolve against a placeholder base: an update is one
    // whatever its IRIs.
    let parser = SparqlParser::new()
        .with_base_iri("http://example.org/")
        .expect("a valid base IRI");
    match parser.parse_update(text) {
        Ok(update) if update.operations.is_empty() => NotAQuery::Empty,
        Ok(_) => NotAQuery::Update,
        Err(_) if starts_as_update(text) => NotAQuery::Update,
        Err(_) => NotAQuery::Malformed,
    }
}

/// Whether the first word of `text` after its prologue (`PREFIX`, `BASE`
/// and comments) is an update operation (`INSERT`, `DELETE`, …).
fn starts_as_update(text: &str) -> bool {
    let mut words = text
        .lines()
        .map(|line| line.split('#').next().unwrap_or_default())
        .flat_map(str::split_whitespace);
    while let Some(word) = words.next() {
        let upper = word.to_uppercase();
        if upper == "PREFIX" {
            words.next();
            words.next();
        } else if upper == "BASE" {
            words.next();
        } else {
            let keyword = upper.trim_end_matches(|c: char| !c.is_ascii_alphabetic());
            return explain::UPDATE_KEYWORDS.contains(&keyword);
        }
    }
    false
}

/// The data set a query runs on, from the SPARQL protocol's
/// `default-graph-uri` and `named-graph-uri` parameters.
#[derive(Debug, Clone, Default)]
pub struct ProtocolDataset {
    /// Graphs merged into the default graph.
    pub default_graphs: Vec<NamedNode>,
    /// Graphs available to `GRAPH`.
    pub named_graphs: Vec<NamedNode>,
}

impl ProtocolDataset {
    /// Whether the protocol named no graph.
    pub fn is_empty(&self) -> bool {
        self.default_graphs.is_empty() && self.named_graphs.is_empty()
    }
}

impl ParsedQuery {
    /// The form of the query.
    pub fn form(&self) -> QueryForm {
        match &self.query {
            Query::Select { .. } => QueryForm::Select,
            Query::Ask { .. } => QueryForm::Ask,
            Query::Construct { .. } => QueryForm::Construct,
            Query::Describe { .. } => QueryForm::Describe,
        }
    }

    /// Whether oxigraph's optimizer plans the query (it does unless the query
    /// is so large that planning would take longer than evaluating it as
    /// written; see `planning`).
    pub fn is_planned(&self) -> bool {
        planning::worth_planning(&self.query)
    }

    /// Prepares the query for evaluation. A data set given by the protocol
    /// replaces the query's own (`FROM`); without either, the default graph
    /// is the union of every graph of the store.
    pub fn prepare(
        self,
        dataset: &ProtocolDataset,
        cancellation: Option<CancellationToken>,
    ) -> (PreparedSparqlQuery, ServiceGuard) {
        let guard = ServiceGuard::default();
        let mut evaluator = SparqlEvaluator::new().with_default_service_handler(guard.clone());
        if !self.is_planned() {
            evaluator = evaluator.without_optimizations();
        }
        if let Some(token) = cancellation {
            evaluator = evaluator.with_cancellation_token(token);
        }
        let mut prepared = evaluator.for_query(self.query);
        let specification = prepared.dataset_mut();
        if !dataset.is_empty() {
            specification.set_default_graph(
                dataset
                    .default_graphs
                    .iter()
                    .cloned()
                    .map(GraphName::from)
                    .collect(),
            );
            specification.set_available_named_graphs(
                dataset
                    .named_graphs
                    .iter()
                    .cloned()
                    .map(NamedOrBlankNode::from)
                    .collect(),
            );
        } else if specification.is_default_dataset() {
            specification.set_default_graph_as_union();
        }
        (prepared, guard)
    }
}

/// Refuses every `SERVICE` call (the endpoint never makes outgoing
/// requests) and remembers the first one, so that even `SERVICE SILENT`
/// can be reported.
#[derive(Clone, Default)]
pub struct ServiceGuard {
    attempted: Arc<Mutex<Option<String>>>,
}

impl ServiceGuard {
    /// The IRI of the first `SERVICE` the query tried to call, if any.
    pub fn attempted(&self) -> Option<String> {
        self.attempted.lock().map(|a| a.clone()).unwrap_or_default()
    }
}

/// Why a `SERVICE` call was refused.
#[derive(Debug, thiserror::Error)]
#[error("SERVICE <{0}> is not allowed: this endpoint does not make federated queries")]
pub struct ServiceRefused(pub String);

impl DefaultServiceHandler for ServiceGuard {
    type Error = ServiceRefused;

    fn handle(
        &self,
        service_name: &NamedNode,
        _pattern: &GraphPattern,
        _base_iri: Option<&oxiri::Iri<String>>,
    ) -> Result<QuerySolutionIter<'static>, ServiceRefused> {
        if let Ok(mut attempted) = self.attempted.lock() {
            attempted.get_or_insert_with(|| service_name.as_str().to_owned());
        }
        Err(ServiceRefused(service_name.as_str().to_owned()))
    }
}

/// Parses and runs a query against `store` on its default data set (see
/// [`ParsedQuery::prepare`]).
pub fn run(store: &Store, query: &str) -> Result<QueryResults<'static>, QueryError> {
    run_prepared(query, |prepared| prepared.on_store(store).execute())
}

/// Parses and runs a query against a store's [`QueryIndex`], as the
/// endpoint does.
pub fn run_indexed(
    index: &Arc<QueryIndex>,
    query: &str,
) -> Result<QueryResults<'static>, QueryError> {
    run_prepared(query, |prepared| {
        prepared.on_queryable_dataset(index.view()).execute()
    })
}

/// [`run_indexed`], stopped when `cancellation` is cancelled (the server's
/// own lookups, bounded by the query time limit).
pub fn run_indexed_until(
    index: &Arc<QueryIndex>,
    query: &str,
    cancellation: CancellationToken,
) -> Result<QueryResults<'static>, QueryError> {
    run_cancellable(query, Some(cancellation), |prepared| {
        prepared.on_queryable_dataset(index.view()).execute()
    })
}

fn run_prepared(
    query: &str,
    execute: impl FnOnce(PreparedSparqlQuery) -> Result<QueryResults<'static>, QueryEvaluationError>,
) -> Result<QueryResults<'static>, QueryError> {
    run_cancellable(query, None, execute)
}

fn run_cancellable(
    query: &str,
    cancellation: Option<CancellationToken>,
    execute: impl FnOnce(PreparedSparqlQuery) -> Result<QueryResults<'static>, QueryEvaluationError>,
) -> Result<QueryResults<'static>, QueryError> {
    let (prepared, guard) = parse(query, None)?.prepare(&ProtocolDataset::default(), cancellation);
    let results = execute(prepared)?;
    match guard.attempted() {
        Some(service) => Err(QueryError::Service(ServiceRefused(service))),
        None => Ok(results),
    }
}

/// Why a query failed.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// The query is not valid SPARQL.
    #[error(transparent)]
    Syntax(#[from] SparqlSyntaxError),
    /// The evaluation failed.
    #[error(transparent)]
    Evaluation(#[from] QueryEvaluationError),
    /// The query called a `SERVICE`.
    #[error("{0}")]
    Service(ServiceRefused),
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{Literal, Quad};

    #[test]
    fn a_query_thread_survives_a_panicking_query_and_has_a_large_stack() {
        let threads = QueryThreads::new(1).unwrap();
        threads.run(|| panic!("a query that panics")).unwrap();
        let (sender, receiver) = std::sync::mpsc::channel();
        threads
            .run(move || {
                // 64 MiB on the stack: more than a default thread has.
                let big = [1u8; 64 << 20];
                sender.send(std::hint::black_box(&big).len()).unwrap();
            })
            .unwrap();
        let done = receiver.recv_timeout(std::time::Duration::from_secs(10));
        assert_eq!(done, Ok(64 << 20));
    }

    #[test]
    fn only_threads_with_a_query_stack_have_room_for_a_query() {
        let on = |stack: usize| {
            std::thread::Builder::new()
                .stack_size(stack)
                .spawn(room_for_a_query)
                .unwrap()
                .join()
                .unwrap()
        };
        assert!(!on(2 << 20), "a default thread has no room for a query");
        assert!(
            on(QUERY_STACK_BYTES),
            "a thread with a query stack has room"
        );
        assert!(with_large_stack(room_for_a_query));
    }

    #[test]
    fn a_token_with_a_deadline_cancels_itself_once_it_has_passed() {
        use std::time::{Duration, Instant};
        let later = CancellationToken::with_deadline(Instant::now() + Duration::from_secs(3600));
        assert!((0..1000).all(|_| !later.is_cancelled()));
        let soon = CancellationToken::with_deadline(Instant::now() + Duration::from_millis(20));
        assert!(!soon.is_cancelled());
        std::thread::sleep(Duration::from_millis(30));
        // The clock is read once per 32 checks: cancelled within as many.
        assert!((0..32).any(|_| soon.is_cancelled()));
        assert!(soon.is_cancelled(), "and it stays cancelled");
        let past = CancellationToken::with_deadline(Instant::now());
        let clone = past.clone();
        assert!(past.is_cancelled() && clone.is_cancelled());
    }

    fn store() -> Store {
        let store = Store::new().unwrap();
        let g = NamedNode::new_unchecked("http://example.org/g");
        let s = NamedNode::new_unchecked("http://example.org/s");
        store
            .insert(&Quad::new(s.clone(), s.clone(), Literal::from(1), g))
            .unwrap();
        store
    }

    fn count(results: QueryResults<'_>) -> usize {
        match results {
            QueryResults::Solutions(s) => s.count(),
            _ => panic!("not solutions"),
        }
    }

    #[test]
    fn the_default_graph_is_the_union_of_the_named_graphs() {
        assert_eq!(count(run(&store(), "SELECT * { ?s ?p ?o }").unwrap()), 1);
        assert_eq!(
            count(
                run(
                    &store(),
                    "SELECT * FROM <http://example.org/other> { ?s ?p ?o }"
                )
                .unwrap()
            ),
            0
        );
    }

    #[test]
    fn the_protocol_data_set_replaces_the_union() {
        let store = store();
        let dataset = ProtocolDataset {
            default_graphs: vec![NamedNode::new_unchecked("http://example.org/none")],
            named_graphs: vec![],
        };
        let (prepared, _) = parse("SELECT * { ?s ?p ?o }", None)
            .unwrap()
            .prepare(&dataset, None);
        assert_eq!(count(prepared.on_store(&store).execute().unwrap()), 0);
    }

    #[test]
    fn service_is_refused_even_when_silent() {
        for query in [
            "SELECT * { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
            "SELECT * { SERVICE SILENT <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
        ] {
            let error = run(&store(), query).err().map(|e| e.to_string());
            assert!(
                error.as_deref().is_some_and(
                    |e| e.contains("SERVICE <http://127.0.0.1:1/sparql> is not allowed")
                ),
                "{query}: {error:?}"
            );
        }
    }

    #[test]
    fn forms_and_updates_are_recognised() {
        assert_eq!(parse("ASK {}", None).unwrap().form(), QueryForm::Ask);
        assert!(
            parse("DESCRIBE <http://x>", None)
                .unwrap()
                .form()
                .returns_graph()
        );
        assert_eq!(
            not_a_query("INSERT DATA { <http://x> <http://x> <http://x> }"),
            NotAQuery::Update
        );
        // An update whatever its IRIs, even a malformed one.
        assert_eq!(
            not_a_query("INSERT DATA { <a> <b> <c> }"),
            NotAQuery::Update
        );
        assert_eq!(
            not_a_query("PREFIX x: <http://x/>\n# a comment\ndelete where { ?s ?p ?o"),
            NotAQuery::Update
        );
        assert_eq!(not_a_query("SELECT * {"), NotAQuery::Malformed);
        for empty in ["", "  \n", "# only a comment", "PREFIX x: <http://x/>"] {
            assert_eq!(not_a_query(empty), NotAQuery::Empty, "{empty:?}");
        }
    }

    #[test]
    fn relative_iris_resolve_against_the_base() {
        let store = Store::new().unwrap();
        let (prepared, _) = parse(
            "CONSTRUCT { <s> <p> 1 } WHERE {}",
            Some("https://example.org/data/sparql"),
        )
        .unwrap()
        .prepare(&ProtocolDataset::default(), None);
        let QueryResults::Graph(triples) = prepared.on_store(&store).execute().unwrap() else {
            panic!("not a graph");
        };
        let triples: Vec<_> = triples.map(Result::unwrap).collect();
        assert_eq!(triples.len(), 1);
        assert_eq!(
            triples[0].subject.to_string(),
            "<https://example.org/data/s>"
        );
        assert!(
            parse("ASK { <s> ?p ?o }", None).is_err(),
            "no base: no relative IRI"
        );
    }
}
