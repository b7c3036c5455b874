//! The static export (`build --site`) served by nginx (Debian) with the
//! configuration it writes: the same bytes and media types as `serve`, the
//! queries handed to a running server, and an export that replaces the
//! previous one only once complete. (The Linked Data tests of
//! `tests/linked_data.rs` also run against it, unchanged.)

mod common;

use common::{Origin, StaticSite, TestServer, data_set, repo};
use reqwest::header::{ACCEPT, ACCEPT_ENCODING, CONTENT_TYPE};
use territoire_innovant::server::{AppState, Config};
use territoire_innovant::static_site::{self, NGINX_CONF, NginxOptions, ROOT};

/// The export of a server over the repository's data, its change feed
/// logged in `history` (the same log as the server it is compared with:
/// pages name their resource's versions).
fn export(
    dir: &std::path::Path,
    upstream: Option<String>,
    history: &std::path::Path,
) -> static_site::Exported {
    let examples = territoire_innovant::examples::load(&repo().join("queries")).unwrap();
    let config = Config {
        history: Some(history.to_owned()),
        ..Config::default()
    };
    let state = AppState::new(data_set(), config, examples).unwrap();
    static_site::export(
        state,
        dir,
        &NginxOptions {
            listen: "127.0.0.1:8080".into(),
            upstream,
        },
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nginx_sends_the_bytes_serve_sends_and_hands_it_the_queries() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history");
    let server = TestServer::start(Config {
        history: Some(history.clone()),
        ..Config::default()
    })
    .await;
    let site_dir = dir.path().join("site");
    let (to, upstream) = (site_dir.clone(), server.url.clone());
    let exported = tokio::task::spawn_blocking(move || export(&to, Some(upstream), &history))
        .await
        .unwrap();
    assert!(exported.resources > 100, "{exported}");
    let site = StaticSite::serving(&site_dir);
    let client = reqwest::Client::builder().no_gzip().build().unwrap();
    let mut compared = 0;
    for (path, accept) in [
        ("/", "text/html"),
        ("/", "text/turtle"),
        ("/award/2023/rudi", "text/html"),
        ("/award/2023/rudi", "text/turtle"),
        ("/award/2023/rudi", "application/n-triples"),
        ("/award/2023/rudi", "application/ld+json"),
        ("/award/2023/rudi", "application/rdf+xml"),
        (
            "/award/2023/rudi",
            "text/html,application/xhtml+xml,*/*;q=0.8",
        ),
        ("/organisation/brest-metropole.jsonld", "*/*"),
        ("/ontology", "text/html"),
        ("/.well-known/void", "text/turtle"),
        ("/statistiques", "text/html"),
        ("/static/site.css", "*/*"),
        ("/dumps/territoire-innovant.ttl", "*/*"),
        ("/dumps/territoire-innovant.nq.gz", "*/*"),
        ("/dumps/SHA256SUMS", "*/*"),
        ("/dumps/laureats.csv", "*/*"),
        ("/dumps/csv-metadata.json", "*/*"),
        ("/dumps/datapackage.json", "*/*"),
        ("/robots.txt", "*/*"),
        ("/sitemap.xml", "*/*"),
    ] {
        let mut answers = Vec::new();
        for origin in [&server as &dyn Origin, &site as &dyn Origin] {
            let response = client
                .get(origin.at(path))
                .header(ACCEPT, accept)
                .send()
                .await
                .unwrap();
            assert_eq!(
                response.status(),
                200,
                "{} {path} as {accept}",
                origin.url()
            );
            let content_type = response.headers()[CONTENT_TYPE]
                .to_str()
                .unwrap()
                .to_owned();
            answers.push((content_type, response.bytes().await.unwrap()));
        }
        assert_eq!(answers[0].0, answers[1].0, "{path} as {accept}: media type");
        assert!(
            answers[0].1 == answers[1].1,
            "{path} as {accept}: not the same bytes"
        );
        compared += 1;
    }
    assert_eq!(compared, 21);

    // The catalog in udata's profile, for data.gouv.fr's harvester however
    // it asks, as serve answers it.
    for (path, user_agent, accept_profile) in [
        ("/catalog", "uData/17.18.0", None),
        ("/catalog.ttl", "uData/17.18.0", None),
        ("/catalog?_profile=udata", "curl/8", None),
        (
            "/catalog",
            "curl/8",
            Some("<https://w3id.org/territoire-innovant/catalog#profile-udata>"),
        ),
        ("/catalog", "curl/8", None),
    ] {
        let mut answers = Vec::new();
        for origin in [&server as &dyn Origin, &site as &dyn Origin] {
            let mut request = client
                .get(origin.at(path))
                .header(ACCEPT, "*/*")
                .header("user-agent", user_agent);
            if let Some(profile) = accept_profile {
                request = request.header("accept-profile", profile);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200, "{} {path}", origin.url());
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .map(|v| v.to_str().unwrap().to_owned())
            };
            let headers = (header("content-type"), header("content-profile"));
            answers.push((headers, response.bytes().await.unwrap()));
        }
        assert_eq!(answers[0].0, answers[1].0, "{path} by {user_agent}");
        assert!(
            answers[0].1 == answers[1].1,
            "{path} by {user_agent}: not the same catalog"
        );
        let udata =
            user_agent.starts_with("uData") || path.contains("udata") || accept_profile.is_some();
        assert_eq!(
            answers[0].0.1.as_deref().unwrap().contains("profile-udata"),
            udata,
            "{path} by {user_agent}"
        );
    }

    // The gzipped twin of a dump, as serve sends it.
    let gzipped = client
        .get(site.at("/dumps/territoire-innovant.nt"))
        .header(ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gzipped.headers()["content-encoding"], "gzip");
    assert_eq!(gzipped.headers()["vary"], "Accept-Encoding");
    let twin = std::fs::read(site_dir.join(ROOT).join("dumps/territoire-innovant.nt.gz")).unwrap();
    assert!(gzipped.bytes().await.unwrap() == twin);

    // What files cannot answer goes to the running server.
    let answer = client
        .get(site.at("/sparql"))
        .query(&[("query", "ASK { ?s a ?type }")])
        .header(ACCEPT, "application/sparql-results+json")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert!(answer.text().await.unwrap().contains("\"boolean\":true"));
    let search = client
        .get(site.at("/recherche"))
        .query(&[("q", "Brest")])
        .header(ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(search.status(), 200);
    assert!(search.text().await.unwrap().contains("Brest"));
}

#[test]
fn an_export_replaces_the_previous_one_once_complete() {
    let dir = tempfile::tempdir().unwrap();
    let site_dir = dir.path().join("site");
    std::fs::create_dir_all(site_dir.join(ROOT)).unwrap();
    std::fs::write(site_dir.join(ROOT).join("stale.html"), "old").unwrap();
    let history = tempfile::tempdir().unwrap();
    export(&site_dir, None, history.path());
    assert!(!site_dir.join(ROOT).join("stale.html").exists());
    assert!(site_dir.join(ROOT).join("award/2023/rudi.ttl").is_file());
    let conf = std::fs::read_to_string(site_dir.join(NGINX_CONF)).unwrap();
    assert!(!conf.contains("proxy_pass"), "no upstream, no proxy");
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["site"], "nothing left beside the export");
}

#[test]
fn nginx_accepts_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let site_dir = dir.path().join("site");
    let history = tempfile::tempdir().unwrap();
    export(
        &site_dir,
        Some("http://127.0.0.1:7878".into()),
        history.path(),
    );
    let wrapper = dir.path().join("nginx.conf");
    std::fs::write(
        &wrapper,
        format!(
            "pid {0}/nginx.pid;\nerror_log {0}/error.log;\nevents {{}}\nhttp {{ include {1}; }}\n",
            dir.path().display(),
            site_dir.join(NGINX_CONF).display()
        ),
    )
    .unwrap();
    let output = std::process::Command::new("/usr/sbin/nginx")
        .arg("-t")
        .arg("-c")
        .arg(&wrapper)
        .arg("-p")
        .arg(dir.path())
        .output()
        .expect("Debian's nginx (scripts/install-test-tools)");
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{report}");
    assert!(!report.contains("[warn]"), "{report}");
}
