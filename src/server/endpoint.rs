//! `/sparql`: the SPARQL 1.1 Protocol for queries (GET, POST form, POST
//! direct), read-only. Without a query it answers the service description,
//! or the query page for browsers.

use super::AppState;
use super::error::ApiError;
use super::evaluate::{AnswerFormat, Formats, evaluate};
use super::negotiate::{self, PageOrGraph};
use super::{QueryHash, query_page, service_description};
use crate::sparql::{self, ProtocolDataset};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use oxigraph::model::NamedNode;

/// The parameters of a protocol request, from the URL or a form body.
#[derive(Debug, Default)]
pub struct ProtocolRequest {
    /// `query`, at most once.
    pub query: Option<String>,
    /// `update` (refused later: the endpoint is read-only), at most once.
    pub update: Option<String>,
    /// `default-graph-uri` and `named-graph-uri`, each an IRI.
    pub dataset: ProtocolDataset,
    /// `format` or `output` (both may be given if they agree).
    pub format: Option<String>,
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
                "format" | "output" => set_agreeing(&mut request.format, value)?,
                _ => {}
            }
        }
        Ok(request)
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

/// `format` and `output` may both be given (SPARQLWrapper sends both), as
/// long as they agree.
fn set_agreeing(slot: &mut Option<String>, value: String) -> Result<(), ApiError> {
    match slot {
        Some(previous) if *previous != value => Err(ApiError::bad_request(format!(
            "conflicting formats \"{previous}\" and \"{value}\" in the format/output parameters"
        ))),
        _ => {
            *slot = Some(value);
            Ok(())
        }
    }
}

fn graph_iri(name: &str, value: String) -> Result<NamedNode, ApiError> {
    NamedNode::new(value.clone())
        .map_err(|e| ApiError::bad_request(format!("{name} \"{value}\" is not an IRI: {e}")))
}

/// `GET /sparql` (and `HEAD`).
pub async fn get(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let request = match ProtocolRequest::from_pairs(raw.unwrap_or_default().as_bytes()) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    if request.query.is_none() && request.update.is_none() {
        return describe_service(&state, &headers, request.format.as_deref());
    }
    answer(state, request, &headers).await
}

/// `POST /sparql`: a form (`query=…`) or a query as the body
/// (`application/sparql-query`).
pub async fn post(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let media_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
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
            ApiError::bad_request("missing query: expected a \"query\" parameter").into_response()
        }
        Ok(request) => answer(state, request, &headers).await,
        Err(e) => e.into_response(),
    }
}

/// The answer to a query that is an update, or a syntax error.
pub(super) fn parse_error(text: &str, error: &oxigraph::sparql::SparqlSyntaxError) -> ApiError {
    if sparql::is_update(text) {
        read_only()
    } else {
        ApiError::bad_request(format!("malformed query: {error}"))
    }
}

fn read_only() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "this endpoint is read-only: SPARQL Update is not accepted",
    )
}

/// Parses, negotiates and evaluates a query request.
async fn answer(state: AppState, request: ProtocolRequest, headers: &HeaderMap) -> Response {
    if request.update.is_some() {
        return read_only().into_response();
    }
    let text = request.query.unwrap_or_default();
    let hash = QueryHash::of(&text);
    let mut response = match answer_query(
        &state,
        &text,
        request.dataset,
        request.format.as_deref(),
        headers,
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
    text: &str,
    dataset: ProtocolDataset,
    format: Option<&str>,
    headers: &HeaderMap,
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
        results: negotiate::results_format(headers, format).map(AnswerFormat::Results),
        graph: negotiate::graph_format(headers, format).map(AnswerFormat::Graph),
    };
    let answer = evaluate(
        state.data_set.store.clone(),
        text.to_owned(),
        dataset,
        formats,
        state.config.limits(),
        &state.evaluators,
    )
    .await?;
    let mut response = answer.body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&answer.content_type).expect("media types are valid header values"),
    );
    headers.insert(header::VARY, HeaderValue::from_static("Accept"));
    Ok(response)
}

/// The service description, or the query page for browsers.
fn describe_service(state: &AppState, headers: &HeaderMap, format: Option<&str>) -> Response {
    match negotiate::page_or_graph(headers, format) {
        Ok(PageOrGraph::Html) => query_page::render_page(state),
        Ok(PageOrGraph::Graph(format)) => service_description::render(state, format),
        Err(e) => e.into_response(),
    }
}
