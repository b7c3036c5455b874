//! `/sparql`: the SPARQL 1.1 Protocol for queries (GET, POST form, POST
//! direct), read-only. Without a query it answers the service description,
//! or the query page for browsers.

use super::AppState;
use super::error::ApiError;
use super::evaluate::{AnswerBody, AnswerFormat, Formats, QueryRequest, evaluate};
use super::fair_use::{Client, PeerAddress};
use super::negotiate::{self, PageOrGraph, RequestedFormats};
use super::streaming::Streamed;
use super::{QueryHash, query_page, service_description};
use crate::sparql::explain::Language;
use crate::sparql::{self, ProtocolDataset};
use axum::Extension;
use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use oxigraph::model::NamedNode;
use std::sync::Arc;
use std::time::Duration;

/// The parameters of a protocol request, from the URL or a form body.
#[derive(Debug, Default)]
pub struct ProtocolRequest {
    /// `query`, at most once.
    pub query: Option<String>,
    /// `update` (refused later: the endpoint is read-only), at most once.
    pub update: Option<String>,
    /// `default-graph-uri` and `named-graph-uri`, each an IRI.
    pub dataset: ProtocolDataset,
    /// `format`, `output` or `results` (several may be given if they agree).
    pub formats: RequestedFormats,
    /// `explain`: answer how the query was evaluated instead of its results.
    pub explain: bool,
}

impl ProtocolRequest {
    /// Reads `application/x-www-form-urlencoded` pairs (URL query or body);
    /// a malformed or contradictory request is a `400` with its reason.
    pub fn from_pairs(encoded: &[u8]) -> Result<Self, ApiError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(encoded)
            .map_err(|e| ApiError::bad_request(format!("malformed parameters: {e}")))?;
        let mut request = Self::default();
        for (name, value) in pairs {
            match name.as_str() {
                "query" => set_once(&mut request.query, "query", value)?,
                "update" => set_once(&mut request.update, "update", value)?,
                "default-graph-uri" => request
                    .dataset
                    .default_graphs
                    .push(graph_iri(&name, value)?),
                "named-graph-uri" => request.dataset.named_graphs.push(graph_iri(&name, value)?),
                "format" | "output" | "results" => request.formats.add(&value),
                "explain" => request.explain = explain_flag(&value)?,
                _ => {}
            }
        }
        Ok(request)
    }
}

/// The value of `explain`: `true`, `1`, `yes` or nothing to explain;
/// `false`, `0` or `no` not to.
fn explain_flag(value: &str) -> Result<bool, ApiError> {
    match value.to_ascii_lowercase().as_str() {
        "" | "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        other => Err(ApiError::bad_request(format!(
            "explain=\"{other}\" is not understood: expected explain=true (how the query was evaluated) or explain=false (its results)"
        ))),
    }
}

fn set_once(slot: &mut Option<String>, name: &str, value: String) -> Result<(), ApiError> {
    if slot.replace(value).is_some() {
        return Err(ApiError::bad_request(format!(
            "the parameter \"{name}\" is given more than once: expected exactly one"
        )));
    }
    Ok(())
}

fn graph_iri(name: &str, value: String) -> Result<NamedNode, ApiError> {
    NamedNode::new(value.clone())
        .map_err(|e| ApiError::bad_request(format!("{name} \"{value}\" is not an IRI: {e}")))
}

/// `GET /sparql` (and `HEAD`).
pub async fn get(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    peer: Option<Extension<PeerAddress>>,
    headers: HeaderMap,
) -> Response {
    let peer = peer.map(|Extension(PeerAddress(address))| address);
    let request = match ProtocolRequest::from_pairs(raw.unwrap_or_default().as_bytes()) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    if request.query.is_none() && request.update.is_none() {
        if !request.dataset.is_empty() {
            return missing_query().into_response();
        }
        return describe_service(&state, &headers, &request.formats);
    }
    answer(state, request, &headers, peer).await
}

/// `POST /sparql`: a form (`query=…`) or a query as the body
/// (`application/sparql-query`).
pub async fn post(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    peer: Option<Extension<PeerAddress>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let peer = peer.map(|Extension(PeerAddress(address))| address);
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let media_type = match body_media_type(content_type) {
        Ok(media_type) => media_type,
        Err(e) => return e.into_response(),
    };
    let request = match media_type.as_deref() {
        Some("application/x-www-form-urlencoded") => ProtocolRequest::from_pairs(&body),
        Some("application/sparql-query") => ProtocolRequest::from_pairs(
            raw.unwrap_or_default().as_bytes(),
        )
        .and_then(|mut request| {
            let query = String::from_utf8(body.to_vec())
                .map_err(|_| ApiError::bad_request("the query is not valid UTF-8"))?;
            set_once(&mut request.query, "query", query)?;
            Ok(request)
        }),
        Some("application/sparql-update") => Err(read_only()),
        other => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "unsupported Content-Type {}: expected application/x-www-form-urlencoded or application/sparql-query",
                other.unwrap_or("(none)")
            ),
        )),
    };
    match request {
        Ok(request) if request.query.is_none() && request.update.is_none() => {
            missing_query().into_response()
        }
        Ok(request) => answer(state, request, &headers, peer).await,
        Err(e) => e.into_response(),
    }
}

fn missing_query() -> ApiError {
    ApiError::bad_request(
        "missing query: expected a \"query\" parameter (or a query as the body of a POST with Content-Type application/sparql-query)",
    )
}

/// The media type of a request body (lower case, without parameters).
/// Query bodies are UTF-8 (SPARQL 1.1 Protocol, 2.1.3): another charset
/// is refused rather than misread.
fn body_media_type(content_type: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(content_type) = content_type else {
        return Ok(None);
    };
    let mut parts = content_type.split(';');
    let media_type = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let charset = parts
        .filter_map(|parameter| parameter.split_once('='))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("charset"))
        .map(|(_, value)| value.trim().trim_matches('"'));
    match charset {
        Some(charset) if !charset.eq_ignore_ascii_case("utf-8") => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("unsupported charset \"{charset}\": the body must be UTF-8"),
        )),
        _ => Ok(Some(media_type)),
    }
}

fn read_only() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "this endpoint is read-only: SPARQL Update is not accepted",
    )
}

/// Parses, negotiates and evaluates a query request.
async fn answer(
    state: AppState,
    request: ProtocolRequest,
    headers: &HeaderMap,
    peer: Option<std::net::IpAddr>,
) -> Response {
    if request.update.is_some() {
        return read_only().into_response();
    }
    let text = request.query.unwrap_or_default();
    let hash = QueryHash::of(&text);
    let mut response = match answer_query(
        &state,
        (&text, hash),
        request.dataset,
        &request.formats,
        request.explain,
        (headers, peer),
    )
    .await
    {
        Ok(response) => response,
        Err(e) => e.into_response(),
    };
    response.extensions_mut().insert(hash);
    response
}

async fn answer_query(
    state: &AppState,
    (text, hash): (&str, QueryHash),
    dataset: ProtocolDataset,
    formats: &RequestedFormats,
    explain: bool,
    (headers, peer): (&HeaderMap, Option<std::net::IpAddr>),
) -> Result<Response, ApiError> {
    if text.len() > state.config.max_query_bytes {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the query is {} bytes long: the limit of this endpoint is {} bytes",
                text.len(),
                state.config.max_query_bytes
            ),
        ));
    }
    let formats = Formats {
        results: negotiate::results_format(headers, formats).map(AnswerFormat::Results),
        boolean: negotiate::boolean_format(headers, formats).map(AnswerFormat::Results),
        graph: negotiate::graph_format(headers, formats).map(AnswerFormat::Graph),
    };
    let query = QueryRequest {
        text: text.to_owned(),
        hash,
        base_iri: state.names.base.iri("sparql").into_string(),
        dataset,
        explain,
        language: Language::preferred(
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        ),
    };
    // Fair use: the client spends the time its query takes.
    let client = Client::of(peer, headers, &state.config.trusted_proxies);
    if let Err(wait) = state.lasting.fair_use.admit(&client) {
        state.metrics().fair_use_refused();
        return Ok(too_much_query_time(wait, state.config.fair_use_budget));
    }
    let started = std::time::Instant::now();
    let answer = evaluate(
        Arc::clone(&state.query_index),
        query,
        formats,
        state.config.limits(),
        &state.lasting.evaluators,
    )
    .await;
    let elapsed = started.elapsed();
    state.lasting.fair_use.spend(&client, elapsed);
    state.metrics().query_took(elapsed);
    let answer = answer?;
    let mut response = match answer.body {
        AnswerBody::Whole(bytes) => bytes.into_response(),
        AnswerBody::Streamed(body) => {
            let mut response = Body::new(body).into_response();
            response.extensions_mut().insert(Streamed);
            response
        }
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&answer.content_type).expect("media types are valid header values"),
    );
    headers.insert(header::VARY, HeaderValue::from_static("Accept"));
    if explain {
        // Its durations are those of this evaluation.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(response)
}

/// The `429` of a client that has used its query time: when to come back
/// (`Retry-After`) and what to do meanwhile.
fn too_much_query_time(wait: Duration, budget: Duration) -> Response {
    let seconds = wait.as_secs().max(1);
    let mut response = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        format!(
            "this client has used its query time ({} s of evaluation per minute on this endpoint): retry in {seconds} s, make the queries lighter (a LIMIT, fewer solutions), or query a copy of the data from the dumps",
            budget.as_secs_f64()
        ),
    )
    .into_response();
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from_str(&seconds.to_string()).expect("digits are a header value"),
    );
    response
}

/// The service description, or the query page for browsers.
fn describe_service(state: &AppState, headers: &HeaderMap, formats: &RequestedFormats) -> Response {
    match negotiate::page_or_graph(headers, formats) {
        Ok(PageOrGraph::Html) => query_page::render_page(state),
        Ok(PageOrGraph::Graph(format)) => service_description::render(state, format),
        Err(e) => e.into_response(),
    }
}

/// `GET /sparql/hints?query=…`: what may explain why a query found nothing
/// (see [`sparql::hints`]), as `{"hints": ["…"]}`. The query page asks for
/// it when an answer is empty; the SPARQL answer itself stays standard.
pub async fn hints(
    State(state): State<AppState>,
    axum::extract::Query(parameters): axum::extract::Query<
        std::collections::HashMap<String, String>,
    >,
) -> Response {
    let Some(query) = parameters.get("query").cloned() else {
        return ApiError::bad_request("missing query: expected a \"query\" parameter")
            .into_response();
    };
    if query.len() > state.config.max_query_bytes {
        return ApiError::bad_request("query too long").into_response();
    }
    // Bounded like the server's other lookups of the whole index: they share
    // the fragments' slots (one per core, held until the lookups really
    // end), and stop at the query time limit or when the client leaves, as
    // an evaluation does.
    let Ok(slot) = Arc::clone(&state.fragment_slots).acquire_owned().await else {
        return ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping")
            .into_response();
    };
    let cancellation = oxigraph::sparql::CancellationToken::new();
    let _cancel = super::evaluate::CancelOnDrop(cancellation.clone());
    let index = Arc::clone(&state.query_index);
    let name_in_source = state
        .names
        .base
        .rebase_node(crate::rdf::vocab::ti::NAME_IN_SOURCE.into_owned());
    let lookups = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        sparql::with_large_stack(|| {
            sparql::hints::for_empty_answer(&index, &query, name_in_source.as_str(), &cancellation)
        })
    });
    let found = tokio::time::timeout(state.config.query_timeout, lookups)
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default();
    axum::Json(serde_json::json!({ "hints": found })).into_response()
}
