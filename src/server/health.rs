//! `/health`: what the server serves (triples, release) and its memory: the
//! resident memory now, the ceiling, and the plan of what it may hold that
//! was checked against the ceiling at start.

use super::{AppState, Config};
use crate::memory::ceiling::{self, Plan};
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// Memory the server takes beyond what the plan counts one by one:
/// connections, thread stacks, the allocator's free pages not yet returned.
/// Measured with the hostile queries and the soak (see RELIABILITY.md).
const HEADROOM: u64 = 64 << 20;

/// What a server with `config` may hold, its data and files taking
/// `at_rest` bytes.
pub fn memory_plan(config: &Config, at_rest: u64) -> Plan {
    let evaluations = config.quick_queries + config.max_concurrent_queries.max(1);
    let budget = config.query_memory_bytes as u64;
    let budgets = if budget == 0 {
        format!("query evaluations ({evaluations}, without a memory budget)")
    } else {
        format!(
            "query evaluations ({evaluations} × {})",
            ceiling::Bytes(budget)
        )
    };
    Plan::default()
        .with("data, files and pages at rest", at_rest, None)
        .with(
            budgets,
            evaluations as u64 * budget,
            Some("--query-memory-bytes, --quick-queries, --max-concurrent-queries"),
        )
        .with(
            "answers being sent",
            (evaluations * super::streaming::MOST_IN_FLIGHT) as u64,
            None,
        )
        .with(
            "answer cache",
            config.cache_bytes as u64,
            Some("--cache-bytes"),
        )
        .with("connections, stacks, allocator", HEADROOM, None)
}

/// `GET /health`.
pub async fn health(State(state): State<AppState>) -> Response {
    let plan: Vec<_> = state
        .memory_plan
        .parts
        .iter()
        .map(|part| {
            serde_json::json!({
                "what": part.what,
                "bytes": part.bytes.0,
                "setting": part.setting,
            })
        })
        .collect();
    let limit = state.config.memory_limit;
    let body = serde_json::json!({
        "status": "ok",
        // Each total says what it counts: the quads of every graph, the
        // distinct triples of their union (what `?s ?p ?o` and the open
        // fragment count), each graph's.
        "triples": state.triples.quads,
        "distinct_triples": state.triples.distinct_triples,
        "graphs": state
            .triples
            .graphs
            .iter()
            .map(|(graph, n)| (graph.clone(), serde_json::Value::from(*n)))
            .collect::<serde_json::Map<_, _>>(),
        "release": state.release,
        "fingerprint": {
            "algorithm": "SHA-256 of the RDFC-1.0 canonical N-Quads",
            "data": state.publication.fingerprints.data,
            "publication": state.publication.fingerprints.publication,
        },
        "memory": {
            "resident_bytes": ceiling::resident_bytes(),
            "ceiling_bytes": limit.map(|c| c.bytes.0),
            "ceiling_source": limit.map(|c| c.source.name()),
            "planned_bytes": state.memory_plan.total().0,
            "plan": plan,
            "query_budget_bytes": state.config.query_memory_bytes,
            "queries_over_budget": state.lasting.evaluators.over_budget(),
        },
    });
    let mut response = axum::Json(body).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
