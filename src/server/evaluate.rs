//! Query evaluation for the endpoint: on a query thread, cancelled at the
//! timeout (or when the client goes away), its results bounded in number and
//! serialized with oxigraph's writers before the status is chosen, so that
//! every failure is a proper error status.

use super::error::ApiError;
use super::negotiate::content_type;
use crate::sparql::{self, ProtocolDataset, QueryThreads, ServiceRefused};
use axum::http::StatusCode;
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{CancellationToken, QueryEvaluationError, QueryResults};
use oxigraph::store::Store;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Bounds of one evaluation.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Wall-clock time after which the query is cancelled.
    pub timeout: Duration,
    /// Largest number of solutions or triples answered.
    pub max_results: usize,
    /// How long a query waits for an evaluation slot.
    pub queue_timeout: Duration,
}

/// What evaluates queries: a bounded number of slots, and the threads
/// that run them. Shared by the states of a server across reloads, so that
/// the bound holds.
pub struct Evaluators {
    slots: Arc<Semaphore>,
    threads: QueryThreads,
}

impl Evaluators {
    /// `count` slots and as many threads.
    pub fn new(count: usize) -> std::io::Result<Self> {
        let count = count.max(1);
        Ok(Self {
            slots: Arc::new(Semaphore::new(count)),
            threads: QueryThreads::new(count)?,
        })
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
pub struct Formats {
    /// For SELECT and ASK.
    pub results: Result<AnswerFormat, ApiError>,
    /// For CONSTRUCT and DESCRIBE.
    pub graph: Result<AnswerFormat, ApiError>,
}

/// A serialized answer.
pub struct Answer {
    /// The Content-Type header value.
    pub content_type: String,
    /// The serialized results.
    pub body: Vec<u8>,
}

/// Cancels the evaluation when dropped: on completion, on timeout, and when
/// the request future is dropped because the client disconnected.
struct CancelOnDrop(CancellationToken);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// Parses and evaluates `text` against `store` within `limits`, once one of
/// the evaluation slots is free, on one of the query threads (large stacks:
/// the parser and the evaluator recurse once per nesting level). The slot is
/// held until the evaluation really ends, cancelled or not, so that
/// cancelled work still counts.
pub async fn evaluate(
    store: Store,
    text: String,
    dataset: ProtocolDataset,
    formats: Formats,
    limits: Limits,
    evaluators: &Evaluators,
) -> Result<Answer, ApiError> {
    let slot = match tokio::time::timeout(
        limits.queue_timeout,
        Arc::clone(&evaluators.slots).acquire_owned(),
    )
    .await
    {
        Ok(Ok(slot)) => slot,
        _ => {
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "too many queries are running: retry in a few seconds",
            ));
        }
    };
    let token = CancellationToken::new();
    let _cancel = CancelOnDrop(token.clone());
    let thread_token = token.clone();
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let spawned = evaluators.threads.run(move || {
        let _slot = slot;
        let started = std::time::Instant::now();
        let answer = parse_and_run(store, &text, dataset, formats, limits, thread_token);
        let _ = sender.send(answer);
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
    match tokio::time::timeout(limits.timeout, receiver).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(_)) => {
            tracing::error!("a query thread ended without an answer");
            Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the query evaluation failed",
            ))
        }
        Err(_) => {
            token.cancel();
            Err(timed_out(limits.timeout))
        }
    }
}

/// Evaluations at least this long may have allocated much (a cancelled
/// cartesian product materializes hundreds of MB in a second).
const LONG_EVALUATION: Duration = Duration::from_millis(250);

/// The work of one query thread: parse, pick the format, evaluate, serialize.
fn parse_and_run(
    store: Store,
    text: &str,
    dataset: ProtocolDataset,
    formats: Formats,
    limits: Limits,
    token: CancellationToken,
) -> Result<Answer, ApiError> {
    let query = sparql::parse(text).map_err(|e| super::endpoint::parse_error(text, &e))?;
    let format = if query.form().returns_graph() {
        formats.graph
    } else {
        formats.results
    }?;
    let (prepared, guard) = query.prepare(&dataset, Some(token));
    let results = prepared
        .on_store(&store)
        .execute()
        .map_err(evaluation_error);
    let answer = results.and_then(|r| serialize(r, format, limits.max_results));
    match guard.attempted() {
        Some(service) => Err(ApiError::bad_request(ServiceRefused(service).to_string())),
        None => answer,
    }
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

/// Serializes results, failing past `max_results` solutions or triples.
fn serialize(
    results: QueryResults<'_>,
    format: AnswerFormat,
    max_results: usize,
) -> Result<Answer, ApiError> {
    match (results, format) {
        (QueryResults::Boolean(value), AnswerFormat::Results(f)) => {
            let body = QueryResultsSerializer::from_format(f)
                .serialize_boolean_to_writer(Vec::new(), value)
                .map_err(write_error)?;
            Ok(Answer {
                content_type: content_type(f.media_type()),
                body,
            })
        }
        (QueryResults::Solutions(solutions), AnswerFormat::Results(f)) => {
            let mut writer = QueryResultsSerializer::from_format(f)
                .serialize_solutions_to_writer(Vec::new(), solutions.variables().to_vec())
                .map_err(write_error)?;
            for (count, solution) in solutions.enumerate() {
                if count == max_results {
                    return Err(too_many(max_results));
                }
                writer
                    .serialize(&solution.map_err(evaluation_error)?)
                    .map_err(write_error)?;
            }
            let body = writer.finish().map_err(write_error)?;
            Ok(Answer {
                content_type: content_type(f.media_type()),
                body,
            })
        }
        (QueryResults::Graph(triples), AnswerFormat::Graph(f)) => {
            let mut writer = RdfSerializer::from_format(f).for_writer(Vec::new());
            for (count, triple) in triples.enumerate() {
                if count == max_results {
                    return Err(too_many(max_results));
                }
                writer
                    .serialize_triple(&triple.map_err(evaluation_error)?)
                    .map_err(write_error)?;
            }
            let body = writer.finish().map_err(write_error)?;
            Ok(Answer {
                content_type: content_type(f.media_type()),
                body,
            })
        }
        _ => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the negotiated format does not fit the query form",
        )),
    }
}
