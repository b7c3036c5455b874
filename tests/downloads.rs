//! Downloads of the published files are answered before the router
//! (`server::downloads::direct`, for speed): over the wire, every kind of
//! download request gets exactly the answer the router gives — status,
//! every header but `Date`, and bytes — from `serve` as from the router alone;
//! refusals (406, 416) and other methods are left to the router.

mod common;

use axum::http::{Method, Request};
use common::{data_set, raw_client, repo};
use std::future::IntoFuture;
use territoire_innovant::server::downloads::direct;
use territoire_innovant::server::{AppState, Config, Site, router, serve};

/// The request headers of each case (the `ETag` case is filled in per file).
const CASES: [&[(&str, &str)]; 12] = [
    &[],
    &[("accept-encoding", "gzip")],
    &[("accept-encoding", "gzip;q=0, identity")],
    &[("accept-encoding", "identity;q=0")],
    &[("accept-encoding", "br, gzip;q=0.5")],
    &[("range", "bytes=0-99")],
    &[("range", "bytes=0-99"), ("accept-encoding", "gzip")],
    &[("range", "bytes=-10, 5-9")],
    &[("if-none-match", "*")],
    &[("if-modified-since", "Fri, 01 Jan 2100 00:00:00 GMT")],
    &[("if-modified-since", "Mon, 01 Jan 2001 00:00:00 GMT")],
    &[("origin", "https://example.org")],
];

async fn start_both() -> (AppState, String, String) {
    let examples = territoire_innovant::examples::load(&repo().join("queries")).unwrap();
    let state = AppState::new(data_set(), Config::default(), examples).unwrap();
    let served = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let routed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let urls = (
        format!("http://{}", served.local_addr().unwrap()),
        format!("http://{}", routed.local_addr().unwrap()),
    );
    tokio::spawn(serve(
        served,
        Site::new(state.clone()),
        std::future::pending(),
    ));
    tokio::spawn(axum::serve(routed, router(state.clone())).into_future());
    (state, urls.0, urls.1)
}

/// Status, headers but `Date` (sorted, repeated ones kept in order) and body.
async fn answer(
    method: &Method,
    url: &str,
    headers: &[(&str, &str)],
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut request = raw_client().request(method.clone(), url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let mut sent: Vec<(String, String)> = response
        .headers()
        .iter()
        .filter(|(name, _)| *name != "date")
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
        .collect();
    sent.sort_by(|a, b| a.0.cmp(&b.0));
    (status, sent, response.bytes().await.unwrap().to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_download_gets_the_routers_answer_from_the_direct_path() {
    let (state, served, routed) = start_both().await;
    let names: Vec<String> = state
        .publication
        .files
        .iter()
        .map(|f| f.name.clone())
        .collect();
    assert!(names.iter().any(|n| n.ends_with(".nt.gz")), "{names:?}");
    let mut statuses = std::collections::BTreeSet::new();
    for name in &names {
        let path = format!("/dumps/{name}");
        let etag = answer(&Method::GET, &format!("{routed}{path}"), &[])
            .await
            .1;
        let etag = etag.iter().find(|(n, _)| n == "etag").unwrap().1.clone();
        let with_etag = [("if-none-match", etag.as_str())];
        for method in [Method::GET, Method::HEAD] {
            for headers in CASES.iter().copied().chain([&with_etag[..]]) {
                let mut request = Request::builder().method(method.clone()).uri(&path);
                for (header, value) in headers {
                    request = request.header(*header, *value);
                }
                let request = request.body(()).unwrap();
                let from_serve = answer(&method, &format!("{served}{path}"), headers).await;
                let from_router = answer(&method, &format!("{routed}{path}"), headers).await;
                assert_eq!(from_serve, from_router, "{method} {path} {headers:?}");
                // Refusals are left to the router; the rest is answered directly.
                let refused = from_serve.0 >= 400;
                assert_eq!(
                    direct(&state, &request).is_none(),
                    refused,
                    "{method} {path} {headers:?}: {}",
                    from_serve.0
                );
                statuses.insert(from_serve.0);
            }
        }
    }
    // The cases cover whole files, ranges, 304 and a refusal.
    for status in [200, 206, 304, 406] {
        assert!(statuses.contains(&status), "{statuses:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_requests_under_dumps_go_to_the_router() {
    let (state, served, routed) = start_both().await;
    for (method, path) in [
        (Method::GET, "/dumps/nothing.nt"),
        (Method::POST, "/dumps/territoire-innovant.nt"),
        (Method::OPTIONS, "/dumps/territoire-innovant.nt"),
    ] {
        let request = Request::builder()
            .method(method.clone())
            .uri(path)
            .body(())
            .unwrap();
        assert!(direct(&state, &request).is_none(), "{method} {path}");
        let headers = [
            ("origin", "https://example.org"),
            ("access-control-request-method", "GET"),
        ];
        let from_serve = answer(&method, &format!("{served}{path}"), &headers).await;
        let from_router = answer(&method, &format!("{routed}{path}"), &headers).await;
        assert_eq!(from_serve, from_router, "{method} {path}");
    }
}
