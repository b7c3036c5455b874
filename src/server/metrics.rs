//! `/metrics`: what an operator's Prometheus scrapes, in its text
//! exposition format (version 0.0.4) — requests by route and status, the
//! time queries take, the lanes and their queue, the refusals of the memory
//! budget and of fair use, the answer cache, resident memory and the
//! release served. The counters live as long as the process: a reload
//! keeps them.

use super::AppState;
use super::evaluate::LaneOccupancy;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The upper bounds of the query time histogram, in seconds.
const QUERY_BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The route label of what no route of the router matched: the Linked
/// Data documents (every IRI of the data set) and unknown paths.
const FALLBACK_ROUTE: &str = "/{resource}";

/// The counters of a server process.
#[derive(Default)]
pub struct Metrics {
    /// Answers by (route, status).
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    /// Query evaluations by upper bound of [`QUERY_BUCKETS`] (the last is
    /// `+Inf`), their total time in microseconds and their number.
    query_buckets: [AtomicU64; QUERY_BUCKETS.len() + 1],
    query_micros: AtomicU64,
    queries: AtomicU64,
    /// Queries refused because their client had used its query time.
    fair_use_refusals: AtomicU64,
    /// Answers served from the answer cache, and those computed for it.
    cache_hits: AtomicU64,
    cache_misses: AtomicU64,
}

/// Marks a response the answer cache served (hit) or computed (miss).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheOutcome {
    /// Served from the cache.
    Hit,
    /// Computed, and kept if it could be.
    Miss,
}

impl Metrics {
    /// Counts an answer of `route` with `status`.
    pub fn answered(&self, route: &str, status: u16) {
        if let Ok(mut requests) = self.requests.lock() {
            *requests.entry((route.to_owned(), status)).or_default() += 1;
        }
    }

    /// Counts a query evaluation that took `elapsed` (answered or not).
    pub fn query_took(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let bucket = QUERY_BUCKETS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(QUERY_BUCKETS.len());
        self.query_buckets[bucket].fetch_add(1, Ordering::Relaxed);
        self.query_micros.fetch_add(
            u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        self.queries.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a query refused by fair use.
    pub fn fair_use_refused(&self) {
        self.fair_use_refusals.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts what the answer cache did for a request.
    pub fn cache(&self, outcome: CacheOutcome) {
        match outcome {
            CacheOutcome::Hit => &self.cache_hits,
            CacheOutcome::Miss => &self.cache_misses,
        }
        .fetch_add(1, Ordering::Relaxed);
    }

    /// The exposition of every metric, with the gauges of `state` read now.
    pub fn render(&self, state: &AppState) -> String {
        let mut text = String::new();
        // Requests.
        header(
            &mut text,
            "ti_http_requests_total",
            "counter",
            "HTTP answers by route (the router's pattern) and status.",
        );
        let requests = self.requests.lock().map(|r| r.clone()).unwrap_or_default();
        for ((route, status), count) in &requests {
            let _ = writeln!(
                text,
                "ti_http_requests_total{{route=\"{}\",status=\"{status}\"}} {count}",
                escape(route)
            );
        }
        // Query time.
        header(
            &mut text,
            "ti_query_duration_seconds",
            "histogram",
            "Time of SPARQL query evaluations, from the request to the answer or the refusal.",
        );
        let mut cumulative = 0;
        for (i, bound) in QUERY_BUCKETS.iter().enumerate() {
            cumulative += self.query_buckets[i].load(Ordering::Relaxed);
            let _ = writeln!(
                text,
                "ti_query_duration_seconds_bucket{{le=\"{bound}\"}} {cumulative}"
            );
        }
        cumulative += self.query_buckets[QUERY_BUCKETS.len()].load(Ordering::Relaxed);
        let seconds = self.query_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(
            text,
            "ti_query_duration_seconds_bucket{{le=\"+Inf\"}} {cumulative}\n\
             ti_query_duration_seconds_sum {seconds}\n\
             ti_query_duration_seconds_count {cumulative}"
        );
        // Lanes and their queue.
        let lanes = state.lasting.evaluators.occupancy();
        let per_lane: [PerLane; 2] = [
            (
                "ti_query_slots",
                "Evaluation slots of each lane (quick: where every query starts; long: past its time there).",
                |lane| lane.slots,
            ),
            (
                "ti_query_slots_busy",
                "Evaluation slots of each lane held by a query now.",
                |lane| lane.busy,
            ),
        ];
        for (name, help, value) in per_lane {
            header(&mut text, name, "gauge", help);
            for lane in &lanes {
                let _ = writeln!(text, "{name}{{lane=\"{}\"}} {}", lane.lane, value(lane));
            }
        }
        // One value each.
        let values = [
            (
                "ti_query_queue_waiting",
                "gauge",
                "Queries waiting for an evaluation slot.",
                state.lasting.evaluators.waiting().to_string(),
            ),
            (
                "ti_query_memory_refusals_total",
                "counter",
                "Evaluations cancelled for going over their memory budget.",
                state.lasting.evaluators.over_budget().to_string(),
            ),
            (
                "ti_queries_answered_in_place_total",
                "counter",
                "Queries answered on the thread that read them, within the in-place time (no hand-off to a query thread).",
                state.lasting.evaluators.in_place().0.to_string(),
            ),
            (
                "ti_queries_moved_from_in_place_total",
                "counter",
                "Queries cut at the in-place time (or past the size of a whole answer) and evaluated again in the lanes.",
                state.lasting.evaluators.in_place().1.to_string(),
            ),
            (
                "ti_fair_use_refusals_total",
                "counter",
                "Queries refused (429) because their client had used its query time.",
                self.fair_use_refusals.load(Ordering::Relaxed).to_string(),
            ),
            (
                "ti_answer_cache_hits_total",
                "counter",
                "Answers served from the answer cache.",
                self.cache_hits.load(Ordering::Relaxed).to_string(),
            ),
            (
                "ti_answer_cache_misses_total",
                "counter",
                "Cacheable answers computed (and kept if they fit).",
                self.cache_misses.load(Ordering::Relaxed).to_string(),
            ),
            (
                "process_resident_memory_bytes",
                "gauge",
                "Resident memory of the server process.",
                crate::memory::ceiling::resident_bytes()
                    .unwrap_or(0)
                    .to_string(),
            ),
            (
                "ti_triples",
                "gauge",
                "Triples of the store's graphs, summed (what COUNT(*) over the default graph counts).",
                state.triples.quads.to_string(),
            ),
        ];
        for (name, kind, help, value) in values {
            header(&mut text, name, kind, help);
            let _ = writeln!(text, "{name} {value}");
        }
        header(
            &mut text,
            "ti_release_info",
            "gauge",
            "The release served (its id, as /health names it).",
        );
        let _ = writeln!(
            text,
            "ti_release_info{{release=\"{}\"}} 1",
            escape(&state.release)
        );
        text
    }
}

/// A gauge with a value per lane: its name, its help, its value.
type PerLane = (&'static str, &'static str, fn(&LaneOccupancy) -> usize);

/// The `HELP` and `TYPE` lines of a metric family.
fn header(text: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(text, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// A label value with its backslashes, quotes and line feeds escaped.
fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// `GET /metrics`.
pub async fn metrics(State(state): State<AppState>) -> Response {
    let mut response = state.metrics().render(&state).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

/// The middleware that counts every answer by its route and status, and
/// what the answer cache did.
pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(FALLBACK_ROUTE, MatchedPath::as_str)
        .to_owned();
    let response = next.run(request).await;
    let metrics = state.metrics();
    metrics.answered(&route, response.status().as_u16());
    if let Some(outcome) = response.extensions().get::<CacheOutcome>() {
        metrics.cache(*outcome);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_times_fall_in_cumulative_buckets() {
        let metrics = Metrics::default();
        metrics.query_took(Duration::from_millis(3));
        metrics.query_took(Duration::from_millis(300));
        metrics.query_took(Duration::from_secs(60));
        let count = |i: usize| metrics.query_buckets[i].load(Ordering::Relaxed);
        assert_eq!(count(0), 1, "3 ms ≤ 5 ms");
        assert_eq!(count(6), 1, "300 ms ≤ 500 ms");
        assert_eq!(count(QUERY_BUCKETS.len()), 1, "60 s: +Inf");
        assert_eq!(metrics.queries.load(Ordering::Relaxed), 3);
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
