//! Query evaluation for the endpoint: on a query thread, cancelled at the
//! timeout (or when the client goes away), its results bounded in number and
//! serialized with oxigraph's writers. An answer up to
//! [`STREAM_AFTER`](super::streaming::STREAM_AFTER) bytes is serialized
//! before the status is chosen, so that every failure is a proper error
//! status; a larger one streams (`super::streaming`).
//!
//! Two lanes keep light queries served while expensive ones run: every
//! query starts in the *quick lane*, with a short time budget; one still
//! running at the end of its budget moves to the *long lane*, whose slots
//! are few. It keeps running if a long slot is free at once; otherwise it is
//! cancelled and started again once a long slot frees up (or refused after
//! the queue timeout). Queries that will hit the time limit thus fill the
//! long lane only, and a light query never waits behind them.
//!
//! Before the lanes, a query is tried *in place*: on the thread that read
//! the request, for at most a millisecond ([`Limits::in_place_time`]). A
//! small lookup (`DESCRIBE <award>`) ends well within it, and is answered
//! without the two hand-offs between threads that the lanes cost (a quarter
//! of the CPU of such a query, measured). A query still running at the end of that
//! time, or whose answer passes [`STREAM_AFTER`], is cancelled (its token
//! has that deadline) and goes to the lanes, and the next requests of the
//! same text skip this step ([`SKIPS_AFTER_A_MOVE`]). Only threads with the stack a query may need
//! try ([`sparql::room_for_a_query`]: the server's threads are started
//! with it).

use super::QueryHash;
use super::error::ApiError;
use super::negotiate::content_type;
use super::solutions_writer::{SolutionsWriter, Syntax};
use super::streaming::{AnswerWriter, Outcome, Produced, StreamedBody};
use crate::memory::budget::Budget;
use crate::memory::ceiling::Bytes;
use crate::sparql::explain::Language;
use crate::sparql::index::QueryIndex;
use crate::sparql::{self, ProtocolDataset, QueryForm, QueryThreads, ServiceRefused};
use axum::http::StatusCode;
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{
    CancellationToken, PreparedSparqlQuery, QueryEvaluationError, QueryResults,
};
use std::io::Write;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};
use tokio::time::Instant;

/// Bounds of one evaluation.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Wall-clock time after which the query is cancelled.
    pub timeout: Duration,
    /// Time a query may run in the quick lane before it moves to the long
    /// lane (zero, or no quick slot: every query goes to the long lane).
    pub quick_time: Duration,
    /// Largest number of solutions or triples answered.
    pub max_results: usize,
    /// How long a query waits for an evaluation slot.
    pub queue_timeout: Duration,
    /// Memory one evaluation may hold, in bytes, before it is cancelled (0:
    /// no budget).
    pub query_memory: usize,
    /// Time a query may run in place, on the thread that read it, before it
    /// goes to the lanes (zero: every query goes to the lanes).
    pub in_place_time: Duration,
}

/// What evaluates queries: the slots of the two lanes, and the threads that
/// run them (one per slot). Shared by the states of a server across
/// reloads, so that the bounds hold.
pub struct Evaluators {
    /// The quick lane's slots; none without a quick lane.
    quick: Option<Arc<Semaphore>>,
    long: Arc<Semaphore>,
    /// How many slots each lane has.
    sizes: (usize, usize),
    threads: QueryThreads,
    /// Evaluations cancelled for going over their memory budget.
    over_budget: Arc<AtomicU64>,
    /// Queries waiting for a slot.
    waiting: AtomicUsize,
    /// What was answered in place, and what went on to the lanes.
    in_place: InPlace,
}

/// How a lane's slots are used, now.
#[derive(Debug, Clone, Copy)]
pub struct LaneOccupancy {
    /// `quick` or `long`.
    pub lane: &'static str,
    /// Its slots.
    pub slots: usize,
    /// Those held by a query.
    pub busy: usize,
}

impl Evaluators {
    /// `quick` slots in the quick lane, `long` (at least one) in the long
    /// lane, and as many threads as slots.
    pub fn new(quick: usize, long: usize) -> std::io::Result<Self> {
        let long = long.max(1);
        Ok(Self {
            quick: (quick > 0).then(|| Arc::new(Semaphore::new(quick))),
            long: Arc::new(Semaphore::new(long)),
            sizes: (quick, long),
            threads: QueryThreads::new(quick + long)?,
            over_budget: Arc::default(),
            waiting: AtomicUsize::new(0),
            in_place: InPlace::default(),
        })
    }

    /// How the slots of each lane are used now.
    pub fn occupancy(&self) -> [LaneOccupancy; 2] {
        let (quick, long) = self.sizes;
        let busy = |slots: usize, semaphore: Option<&Arc<Semaphore>>| {
            slots.saturating_sub(semaphore.map_or(slots, |s| s.available_permits()))
        };
        [
            LaneOccupancy {
                lane: "quick",
                slots: quick,
                busy: busy(quick, self.quick.as_ref()),
            },
            LaneOccupancy {
                lane: "long",
                slots: long,
                busy: busy(long, Some(&self.long)),
            },
        ]
    }

    /// Queries waiting for a slot now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }

    /// Evaluations cancelled so far for going over their memory budget.
    pub fn over_budget(&self) -> u64 {
        self.over_budget.load(Ordering::Relaxed)
    }

    /// Queries answered in place so far, and those that ran past the
    /// in-place time (or answered too much) and went to the lanes.
    pub fn in_place(&self) -> (u64, u64) {
        (
            self.in_place.answered.load(Ordering::Relaxed),
            self.in_place.moved.load(Ordering::Relaxed),
        )
    }
}

/// An in-place evaluation that took at least this long may have left deep
/// stack pages resident (a deeply nested query): they are given back after
/// it. A quicker one cannot have touched more than a few hundred new pages
/// (each costs a page fault), and checking after every query cost 3 % of the
/// CPU of an uncached `DESCRIBE` (`mincore`, measured).
const DEEP_STACK_TIME: Duration = Duration::from_micros(200);

/// Longest text tried in place. Only the evaluation is bounded by the
/// in-place time, not the parsing: a long text (up to `--max-query-bytes`)
/// is parsed on a query thread, so that it never holds the thread that
/// serves other requests; a lookup is a few hundred bytes.
const IN_PLACE_TEXT_BYTES: usize = 4 << 10;

/// Texts remembered as too long to answer in place.
const MOVED_REMEMBERED: usize = 1024;

/// Requests of a text that go straight to the lanes after it ran past the
/// in-place time; then it is tried in place again. A heavy query pays that
/// time once in this many requests; a light one that was cut only because
/// its thread was paused (or the index's pages were still on disk) is not
/// kept out of place for good.
const SKIPS_AFTER_A_MOVE: u64 = 64;

/// The record of queries tried in place: counts, and the texts lately found
/// too long for it (see [`SKIPS_AFTER_A_MOVE`]).
struct InPlace {
    answered: AtomicU64,
    moved: AtomicU64,
    /// One slot per `key % MOVED_REMEMBERED`: the key of a text that went on
    /// to the lanes in the high bits, the requests it still skips in the
    /// low byte (0: none).
    moved_texts: Box<[AtomicU64]>,
}

impl Default for InPlace {
    fn default() -> Self {
        Self {
            answered: AtomicU64::new(0),
            moved: AtomicU64::new(0),
            moved_texts: (0..MOVED_REMEMBERED).map(|_| AtomicU64::new(0)).collect(),
        }
    }
}

impl InPlace {
    /// The key a text is remembered by, from its hash (its low byte zero,
    /// never 0).
    fn key(hash: QueryHash) -> u64 {
        (hash.bits() & !0xFF).max(0x100)
    }

    fn slot(&self, key: u64) -> &AtomicU64 {
        &self.moved_texts[(key >> 8) as usize % MOVED_REMEMBERED]
    }

    /// Whether this request of the text goes straight to the lanes (then
    /// it counts as one of the skips).
    fn skips(&self, key: u64) -> bool {
        let slot = self.slot(key);
        let entry = slot.load(Ordering::Relaxed);
        let skips = entry & 0xFF;
        if entry & !0xFF != key || skips == 0 {
            return false;
        }
        // Two requests at once may both count: the text is tried sooner.
        slot.store(key | (skips - 1), Ordering::Relaxed);
        true
    }

    fn record_moved(&self, key: u64) {
        self.slot(key)
            .store(key | SKIPS_AFTER_A_MOVE, Ordering::Relaxed);
        self.moved.fetch_add(1, Ordering::Relaxed);
    }
}

/// The format an answer is serialized in.
#[derive(Debug, Clone, Copy)]
pub enum AnswerFormat {
    /// SELECT and ASK.
    Results(QueryResultsFormat),
    /// CONSTRUCT and DESCRIBE.
    Graph(RdfFormat),
}

/// The negotiated format for each kind of answer (the query form is known
/// only once the query is parsed).
#[derive(Debug, Clone)]
pub struct Formats {
    /// For SELECT.
    pub results: Result<AnswerFormat, ApiError>,
    /// For ASK.
    pub boolean: Result<AnswerFormat, ApiError>,
    /// For CONSTRUCT and DESCRIBE.
    pub graph: Result<AnswerFormat, ApiError>,
}

/// A query to evaluate: its text, the IRI its relative IRIs resolve
/// against, and the data set the protocol names.
#[derive(Debug, Clone)]
pub struct QueryRequest {
    /// The SPARQL text.
    pub text: String,
    /// Its hash (the one logged with the request).
    pub hash: QueryHash,
    /// The base IRI (the endpoint's public IRI).
    pub base_iri: String,
    /// `default-graph-uri` and `named-graph-uri`.
    pub dataset: ProtocolDataset,
    /// Whether to answer how the query was evaluated (see [`explained`])
    /// instead of its results.
    pub explain: bool,
    /// The language of the messages that say why a query cannot be read
    /// (from `Accept-Language`).
    pub language: Language,
}

/// A serialized answer.
pub struct Answer {
    /// The Content-Type header value.
    pub content_type: String,
    /// The serialized results.
    pub body: AnswerBody,
}

/// The body of an answer.
pub enum AnswerBody {
    /// Serialized whole before the status was chosen.
    Whole(Vec<u8>),
    /// Streamed while the evaluation goes on.
    Streamed(StreamedBody),
}

/// Cancels the evaluation when dropped: on completion, on timeout, and when
/// the request future is dropped because the client disconnected.
pub(super) struct CancelOnDrop(pub(super) CancellationToken);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// The slot an evaluation holds: the query thread keeps it until the
/// evaluation really ends, cancelled or not, so that cancelled work still
/// counts; a query that moves to the long lane swaps it.
type Slot = Arc<Mutex<OwnedSemaphorePermit>>;

/// An evaluation started on a query thread.
struct Running {
    receiver: oneshot::Receiver<Outcome>,
    slot: Slot,
    cancel: CancelOnDrop,
    /// When the time limit cancels it.
    deadline: Instant,
    /// The time limit, for messages.
    limit: Duration,
}

impl Running {
    /// The answer from what the query thread handed over: a streamed body
    /// keeps the evaluation (cancelled when the body is dropped) and its
    /// deadline.
    fn answer(
        self,
        outcome: Result<Outcome, oneshot::error::RecvError>,
    ) -> Result<Answer, ApiError> {
        let (content_type, produced) = received(outcome)?;
        let body = match produced {
            Produced::Whole(bytes) => AnswerBody::Whole(bytes),
            Produced::Streamed(chunks) => AnswerBody::Streamed(StreamedBody::new(
                chunks,
                self.deadline,
                self.limit,
                self.cancel,
            )),
        };
        Ok(Answer { content_type, body })
    }
}

/// Whether a query thread handed over a streaming answer.
fn streams(outcome: &Result<Outcome, oneshot::error::RecvError>) -> bool {
    matches!(outcome, Ok(Ok((_, Produced::Streamed(_)))))
}

/// Parses and evaluates `query` against `index` within `limits`: in place
/// if it ends there, else first in the quick lane, then, if it runs past its
/// budget there, in the long lane (see the module's documentation).
pub async fn evaluate(
    index: Arc<QueryIndex>,
    query: QueryRequest,
    formats: Formats,
    limits: Limits,
    evaluators: &Evaluators,
) -> Result<Answer, ApiError> {
    if let Some(answer) = in_place(&index, &query, &formats, limits, evaluators) {
        return answer;
    }
    let quick_lane = evaluators
        .quick
        .as_ref()
        .filter(|_| !limits.quick_time.is_zero());
    if let Some(quick_slots) = quick_lane {
        let slot = wait_for(evaluators, quick_slots, limits.queue_timeout).await?;
        let mut quick = start(
            evaluators,
            slot,
            Arc::clone(&index),
            query.clone(),
            formats.clone(),
            limits,
        )?;
        // A streaming answer goes on after it is handed over: like a slow
        // query, it leaves the quick lane.
        let outcome = match tokio::time::timeout(limits.quick_time, &mut quick.receiver).await {
            Ok(outcome) if !streams(&outcome) => return quick.answer(outcome),
            Ok(outcome) => Some(outcome),
            Err(_) => None,
        };
        if let Ok(long) = Arc::clone(&evaluators.long).try_acquire_owned() {
            // A long slot is free: the evaluation goes on there.
            if let Ok(mut slot) = quick.slot.lock() {
                *slot = long;
            }
            return match outcome {
                Some(outcome) => quick.answer(outcome),
                None => finish(quick).await,
            };
        }
    }
    let slot = wait_for(evaluators, &evaluators.long, limits.queue_timeout).await?;
    let long = start(evaluators, slot, index, query, formats, limits)?;
    finish(long).await
}

/// The answer to `query` computed on the calling thread, if it ends within
/// the in-place time with at most [`STREAM_AFTER`] bytes; `None` if it does
/// not (then it goes to the lanes), or is not tried: the in-place time is
/// zero, the query is to be explained, its text is longer than
/// [`IN_PLACE_TEXT_BYTES`], the text ran past that time lately
/// ([`SKIPS_AFTER_A_MOVE`]), or the thread lacks the stack a query may need.
fn in_place(
    index: &Arc<QueryIndex>,
    query: &QueryRequest,
    formats: &Formats,
    limits: Limits,
    evaluators: &Evaluators,
) -> Option<Result<Answer, ApiError>> {
    if limits.in_place_time.is_zero()
        || query.explain
        || query.text.len() > IN_PLACE_TEXT_BYTES
        || !sparql::room_for_a_query()
    {
        return None;
    }
    let key = InPlace::key(query.hash);
    if evaluators.in_place.skips(key) {
        return None;
    }
    let started = std::time::Instant::now();
    let token = CancellationToken::with_deadline(started + limits.in_place_time);
    let mut writer = AnswerWriter::whole_only();
    let over_budget = &evaluators.over_budget;
    let result = run_within_budget(
        index,
        query,
        formats.clone(),
        limits,
        token.clone(),
        &mut writer,
        over_budget,
    );
    if started.elapsed() >= DEEP_STACK_TIME {
        crate::memory::release_unused_stack();
    }
    // Stopped by the deadline; the memory budget's refusal (422, which also
    // cancels the token) would be the lanes' answer too.
    let cut = matches!(&result, Err(e) if e.status != StatusCode::UNPROCESSABLE_ENTITY)
        && token.is_cancelled();
    match writer.into_whole(result) {
        Some(answer) if !cut => {
            evaluators.in_place.answered.fetch_add(1, Ordering::Relaxed);
            Some(answer.map(|(content_type, bytes)| Answer {
                content_type,
                body: AnswerBody::Whole(bytes),
            }))
        }
        _ => {
            evaluators.in_place.record_moved(key);
            None
        }
    }
}

async fn wait_for(
    evaluators: &Evaluators,
    slots: &Arc<Semaphore>,
    queue_timeout: Duration,
) -> Result<OwnedSemaphorePermit, ApiError> {
    if let Ok(slot) = Arc::clone(slots).try_acquire_owned() {
        return Ok(slot);
    }
    // Counted while it waits, even if the request is dropped meanwhile.
    struct Waiting<'a>(&'a AtomicUsize);
    impl Drop for Waiting<'_> {
        fn drop(&mut self) {
            self.0.fetch_sub(1, Ordering::Relaxed);
        }
    }
    evaluators.waiting.fetch_add(1, Ordering::Relaxed);
    let waiting = Waiting(&evaluators.waiting);
    let waited = tokio::time::timeout(queue_timeout, Arc::clone(slots).acquire_owned()).await;
    drop(waiting);
    match waited {
        Ok(Ok(slot)) => Ok(slot),
        _ => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many queries are running: retry in a few seconds",
        )),
    }
}

/// Starts the evaluation on a query thread (large stacks: the parser and
/// the evaluator recurse once per nesting level).
fn start(
    evaluators: &Evaluators,
    slot: OwnedSemaphorePermit,
    index: Arc<QueryIndex>,
    query: QueryRequest,
    formats: Formats,
    limits: Limits,
) -> Result<Running, ApiError> {
    let token = CancellationToken::new();
    let thread_token = token.clone();
    let slot: Slot = Arc::new(Mutex::new(slot));
    let thread_slot = Arc::clone(&slot);
    let (sender, receiver) = oneshot::channel();
    let over_budget = Arc::clone(&evaluators.over_budget);
    let spawned = evaluators.threads.run(move || {
        let _slot = thread_slot;
        let started = std::time::Instant::now();
        let mut writer = AnswerWriter::new(sender);
        let result = run_within_budget(
            &index,
            &query,
            formats,
            limits,
            thread_token,
            &mut writer,
            &over_budget,
        );
        writer.finish(result);
        if started.elapsed() >= LONG_EVALUATION {
            crate::memory::release_free_memory();
        }
    });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot hand the query to a query thread");
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "cannot start the query: retry in a few seconds",
        ));
    }
    Ok(Running {
        receiver,
        slot,
        cancel: CancelOnDrop(token),
        deadline: Instant::now() + limits.timeout,
        limit: limits.timeout,
    })
}

/// Waits for the answer of a running evaluation until its deadline; it is
/// cancelled past that.
async fn finish(mut running: Running) -> Result<Answer, ApiError> {
    match tokio::time::timeout_at(running.deadline, &mut running.receiver).await {
        Ok(outcome) => running.answer(outcome),
        Err(_) => Err(timed_out(running.limit)),
    }
}

fn received(outcome: Result<Outcome, oneshot::error::RecvError>) -> Outcome {
    outcome.unwrap_or_else(|_| {
        tracing::error!("a query thread ended without an answer");
        Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the query evaluation failed",
        ))
    })
}

/// Evaluations at least this long may have allocated much (a cancelled
/// cartesian product materializes hundreds of MB in a second).
const LONG_EVALUATION: Duration = Duration::from_millis(250);

/// [`parse_and_run`] under the query's memory budget: past it, the error
/// says how much memory a query may use (and `over_budget` counts it).
fn run_within_budget(
    index: &Arc<QueryIndex>,
    query: &QueryRequest,
    formats: Formats,
    limits: Limits,
    token: CancellationToken,
    writer: &mut AnswerWriter,
    over_budget: &AtomicU64,
) -> Result<(), ApiError> {
    let budget =
        (limits.query_memory > 0).then(|| Budget::start(limits.query_memory, token.clone()));
    let result = parse_and_run(index, query, formats, limits, token, writer);
    match budget.filter(|b| b.exceeded() && result.is_err()) {
        Some(budget) => {
            over_budget.fetch_add(1, Ordering::Relaxed);
            tracing::info!(
                peak_bytes = budget.peak(),
                budget_bytes = limits.query_memory,
                "a query went over its memory budget"
            );
            Err(needs_more_memory(limits.query_memory))
        }
        None => result,
    }
}

/// The work of one query thread: parse, pick the format, evaluate, serialize
/// into `writer`.
fn parse_and_run(
    index: &Arc<QueryIndex>,
    request: &QueryRequest,
    formats: Formats,
    limits: Limits,
    token: CancellationToken,
    writer: &mut AnswerWriter,
) -> Result<(), ApiError> {
    let text = &request.text;
    let query = sparql::parse(text, Some(&request.base_iri))
        .map_err(|e| parse_error(text, &e, &request.base_iri, request.language))?;
    let form = query.form();
    if request.explain {
        let planned = query.is_planned();
        let (prepared, guard) = query.prepare(&request.dataset, Some(token));
        let answer = explained(index, prepared, form, planned, writer);
        return match guard.attempted() {
            Some(service) => Err(ApiError::bad_request(ServiceRefused(service).to_string())),
            None => answer,
        };
    }
    let format = match form {
        QueryForm::Select => formats.results,
        QueryForm::Ask => formats.boolean,
        QueryForm::Construct | QueryForm::Describe => formats.graph,
    }?;
    let (prepared, guard) = query.prepare(&request.dataset, Some(token));
    let results = prepared
        .on_queryable_dataset(index.view())
        .execute()
        .map_err(evaluation_error);
    let answer = results.and_then(|r| serialize(r, format, limits.max_results, writer));
    match guard.attempted() {
        Some(service) => Err(ApiError::bad_request(ServiceRefused(service).to_string())),
        None => answer,
    }
}

/// Evaluates `prepared` to its last result, within the same lanes, time
/// limit and memory budget as any query, and writes into `writer` how it
/// was evaluated, as JSON: the query form, whether the optimizer planned
/// it, how many results it has and how long it took, and the evaluator's
/// plan (`plan`: each operator's `name`, `number of results`, `duration in
/// seconds` and `children`, as spareval explains it).
fn explained(
    index: &Arc<QueryIndex>,
    prepared: PreparedSparqlQuery,
    form: QueryForm,
    planned: bool,
    writer: &mut AnswerWriter,
) -> Result<(), ApiError> {
    let started = std::time::Instant::now();
    let (results, explanation) = prepared
        .on_queryable_dataset(index.view())
        .compute_statistics()
        .explain();
    // Every result read, so that every operator's statistics are whole.
    fn read_all<T>(
        mut results: impl Iterator<Item = Result<T, QueryEvaluationError>>,
    ) -> Result<usize, ApiError> {
        results.try_fold(0, |count, result| {
            result.map(|_| count + 1).map_err(evaluation_error)
        })
    }
    let (count_name, count) = match results.map_err(evaluation_error)? {
        QueryResults::Boolean(_) => ("results", 1),
        QueryResults::Solutions(solutions) => ("solutions", read_all(solutions)?),
        QueryResults::Graph(triples) => ("triples", read_all(triples)?),
    };
    let duration = started.elapsed().as_secs_f64();
    let mut plan = Vec::new();
    explanation.write_in_json(&mut plan).map_err(write_error)?;
    let mut answer: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&plan).map_err(write_error)?;
    let form = match form {
        QueryForm::Select => "SELECT",
        QueryForm::Ask => "ASK",
        QueryForm::Construct => "CONSTRUCT",
        QueryForm::Describe => "DESCRIBE",
    };
    answer.insert("form".into(), form.into());
    answer.insert("planned".into(), planned.into());
    answer.insert(count_name.into(), count.into());
    answer.insert("duration in seconds".into(), duration.into());
    writer.set_content_type("application/json".into());
    serde_json::to_writer_pretty(&mut *writer, &answer).map_err(write_error)?;
    writer.write_all(b"\n").map_err(write_error)
}

/// The answer to a query operation whose text is not a query: a `400`
/// that says whether it is empty, an update, or malformed (with the
/// parser's position). Updates sent as updates are refused with `403`.
/// `endpoint` is the endpoint's IRI (`BASE sparql`), under which the
/// ontology's prefix is told.
fn parse_error(
    text: &str,
    error: &oxigraph::sparql::SparqlSyntaxError,
    endpoint: &str,
    language: Language,
) -> ApiError {
    ApiError::bad_request(sparql::explain::not_a_query_message(
        text, error, endpoint, language,
    ))
}

fn timed_out(timeout: Duration) -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        format!(
            "the query was stopped after the time limit of {} s: make it more selective or add a LIMIT",
            timeout.as_secs_f64()
        ),
    )
}

fn needs_more_memory(budget: usize) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        format!(
            "the query needs more than {}, the memory one query may use on this endpoint: make it more selective (fewer solutions to sort, group or deduplicate), add a LIMIT (an ORDER BY with a LIMIT keeps only that many solutions), or query a copy of the data from the dumps",
            Bytes(budget as u64)
        ),
    )
}

fn too_many(max_results: usize) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        format!(
            "the answer has more than {max_results} results, the limit of this endpoint: add a LIMIT (at most {max_results})"
        ),
    )
}

fn evaluation_error(error: QueryEvaluationError) -> ApiError {
    match error {
        QueryEvaluationError::Cancelled => {
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the query was cancelled")
        }
        QueryEvaluationError::Service(e) => ApiError::bad_request(e.to_string()),
        other => ApiError::bad_request(format!("the query cannot be evaluated: {other}")),
    }
}

fn write_error(error: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("cannot write the results: {error}"),
    )
}

/// Serializes results into `writer`, failing past `max_results` solutions
/// or triples.
fn serialize(
    results: QueryResults<'_>,
    format: AnswerFormat,
    max_results: usize,
    writer: &mut AnswerWriter,
) -> Result<(), ApiError> {
    match (results, format) {
        (QueryResults::Boolean(value), AnswerFormat::Results(f)) => {
            writer.set_content_type(content_type(f.media_type()));
            QueryResultsSerializer::from_format(f)
                .serialize_boolean_to_writer(writer, value)
                .map_err(write_error)?;
        }
        (QueryResults::Solutions(solutions), AnswerFormat::Results(f))
            if let Some(syntax) = Syntax::of(f) =>
        {
            writer.set_content_type(content_type(f.media_type()));
            let mut rows = SolutionsWriter::start(&mut *writer, syntax, solutions.variables())
                .map_err(write_error)?;
            for (count, solution) in solutions.enumerate() {
                if count == max_results {
                    return Err(too_many(max_results));
                }
                rows.write(&solution.map_err(evaluation_error)?)
                    .map_err(write_error)?;
            }
            rows.finish().map_err(write_error)?;
        }
        (QueryResults::Solutions(solutions), AnswerFormat::Results(f)) => {
            writer.set_content_type(content_type(f.media_type()));
            let mut serializer = QueryResultsSerializer::from_format(f)
                .serialize_solutions_to_writer(&mut *writer, solutions.variables().to_vec())
                .map_err(write_error)?;
            for (count, solution) in solutions.enumerate() {
                if count == max_results {
                    return Err(too_many(max_results));
                }
                serializer
                    .serialize(&solution.map_err(evaluation_error)?)
                    .map_err(write_error)?;
            }
            serializer.finish().map_err(write_error)?;
        }
        (QueryResults::Graph(triples), AnswerFormat::Graph(f)) => {
            writer.set_content_type(content_type(f.media_type()));
            let mut serializer = RdfSerializer::from_format(f).for_writer(&mut *writer);
            for (count, triple) in triples.enumerate() {
                if count == max_results {
                    return Err(too_many(max_results));
                }
                serializer
                    .serialize_triple(&triple.map_err(evaluation_error)?)
                    .map_err(write_error)?;
            }
            serializer
                .finish()
                .map_err(write_error)?
                .flush()
                .map_err(write_error)?;
        }
        _ => {
            return Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the negotiated format does not fit the query form",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::negotiate::RequestedFormats;
    use axum::http::HeaderMap;
    use oxigraph::model::{Literal, NamedNode, Quad};

    fn limits(quick_time: Duration, in_place_time: Duration) -> Limits {
        Limits {
            timeout: Duration::from_secs(30),
            quick_time,
            max_results: 1_000_000,
            queue_timeout: Duration::from_secs(1),
            query_memory: 64 << 20,
            in_place_time,
        }
    }

    /// Evaluates `text` over `index` with the formats a client without
    /// `Accept` gets.
    fn query(
        index: &Arc<QueryIndex>,
        text: &str,
        limits: Limits,
        evaluators: &Evaluators,
    ) -> impl Future<Output = Result<Answer, ApiError>> {
        let headers = HeaderMap::new();
        let requested = RequestedFormats::default();
        let format = |f: Result<QueryResultsFormat, ApiError>| f.map(AnswerFormat::Results);
        let formats = Formats {
            results: format(crate::server::negotiate::results_format(
                &headers, &requested,
            )),
            boolean: format(crate::server::negotiate::boolean_format(
                &headers, &requested,
            )),
            graph: Err(ApiError::bad_request("no graph here")),
        };
        let query = QueryRequest {
            text: text.to_owned(),
            hash: QueryHash::of(text),
            base_iri: "http://example.org/sparql".to_owned(),
            dataset: ProtocolDataset::default(),
            explain: false,
            language: Language::English,
        };
        evaluate(Arc::clone(index), query, formats, limits, evaluators)
    }

    fn whole(answer: Result<Answer, ApiError>) -> String {
        let answer = answer.expect("an answer");
        assert_eq!(answer.content_type, "application/sparql-results+json");
        let AnswerBody::Whole(body) = answer.body else {
            panic!("a small answer is whole");
        };
        String::from_utf8(body).unwrap()
    }

    /// `count` quads `<s{i}> <p> "{literal}"`.
    fn index_of(count: usize, literal: &str) -> Arc<QueryIndex> {
        let p = NamedNode::new_unchecked("http://example.org/p");
        let g = NamedNode::new_unchecked("http://example.org/g");
        let quads = (0..count).map(|i| {
            let s = NamedNode::new_unchecked(format!("http://example.org/s{i}"));
            Quad::new(
                s,
                p.clone(),
                Literal::from(format!("{literal}{i}")),
                g.clone(),
            )
        });
        Arc::new(QueryIndex::of_quads(quads).expect("an index"))
    }

    /// Runs `work` as the server does: in a runtime whose threads have the
    /// stack a query may need.
    fn on_server_threads<T: Send>(work: impl Future<Output = T> + Send) -> T {
        sparql::with_large_stack(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(work)
        })
    }

    #[tokio::test]
    async fn queries_are_answered_with_or_without_a_quick_lane() {
        let index = index_of(0, "");
        let lanes = [
            (Evaluators::new(1, 1).unwrap(), Duration::from_millis(250)),
            (Evaluators::new(0, 1).unwrap(), Duration::from_millis(250)),
            (Evaluators::new(1, 1).unwrap(), Duration::ZERO),
        ];
        for (evaluators, quick_time) in &lanes {
            let limits = limits(*quick_time, Duration::from_millis(1));
            let answer = query(&index, "ASK { <s> ?p ?o }", limits, evaluators).await;
            assert!(whole(answer).contains("false"));
            assert_eq!(evaluators.in_place(), (0, 0), "a test thread has no room");
        }
    }

    #[test]
    fn a_small_query_is_answered_in_place_and_a_long_one_goes_on_to_the_lanes() {
        let index = index_of(60, "");
        let evaluators = Evaluators::new(1, 1).unwrap();
        let limits = limits(Duration::from_millis(250), Duration::from_millis(1));
        // 216 000 combinations: far more than a millisecond.
        let product = "SELECT (COUNT(*) AS ?n) { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z }";
        on_server_threads(async {
            let small = query(
                &index,
                "ASK { <http://example.org/s1> ?p ?o }",
                limits,
                &evaluators,
            );
            assert!(whole(small.await).contains("true"));
            assert_eq!(evaluators.in_place(), (1, 0));
            let long = whole(query(&index, product, limits, &evaluators).await);
            assert!(long.contains("\"216000\""), "{long}");
            assert_eq!(
                evaluators.in_place(),
                (1, 1),
                "cut in place, answered by the lanes"
            );
            // The next requests skip the in-place step: the same answer,
            // nothing more counted.
            let again = whole(query(&index, product, limits, &evaluators).await);
            assert_eq!(again, long);
            assert_eq!(evaluators.in_place(), (1, 1));
            let off = self::limits(Duration::from_millis(250), Duration::ZERO);
            let small = query(&index, "ASK { ?s ?p ?o }", off, &evaluators);
            assert!(whole(small.await).contains("true"));
            assert_eq!(evaluators.in_place(), (1, 1), "no in-place time: the lanes");
            // A small query in a long text: parsed and answered by the lanes.
            let padded = format!("ASK {{ ?s ?p ?o }} #{}", "x".repeat(IN_PLACE_TEXT_BYTES));
            let small = query(&index, &padded, limits, &evaluators);
            assert!(whole(small.await).contains("true"));
            assert_eq!(evaluators.in_place(), (1, 1), "a long text: the lanes");
        });
    }

    #[test]
    fn a_text_that_went_to_the_lanes_skips_the_next_requests_then_is_tried_again() {
        let in_place = InPlace::default();
        let key = |text| InPlace::key(QueryHash::of(text));
        let (heavy, other) = (key("heavy"), key("other"));
        assert!(!in_place.skips(heavy), "nothing recorded yet");
        in_place.record_moved(heavy);
        for _ in 0..SKIPS_AFTER_A_MOVE {
            assert!(in_place.skips(heavy));
            assert!(!in_place.skips(other), "another text is tried");
        }
        assert!(!in_place.skips(heavy), "tried in place again");
        assert_eq!(in_place.moved.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn an_answer_too_large_to_keep_whole_streams_from_the_lanes() {
        // 300 literals of 5 000 bytes: past STREAM_AFTER.
        let index = index_of(300, &"x".repeat(5_000));
        let evaluators = Evaluators::new(1, 1).unwrap();
        let limits = limits(Duration::from_secs(10), Duration::from_secs(10));
        on_server_threads(async {
            let answer = query(&index, "SELECT ?o { ?s ?p ?o }", limits, &evaluators).await;
            let answer = answer.expect("an answer");
            assert!(matches!(answer.body, AnswerBody::Streamed(_)), "it streams");
            assert_eq!(evaluators.in_place(), (0, 1));
        });
    }
}
