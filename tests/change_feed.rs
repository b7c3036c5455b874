//! The change feed as harvesters read it: the LDES reference client (npm
//! `ldes-client`) replays `/ldes` and rebuilds the data graph from the
//! versions; after a release that changes a title, adds an award and
//! removes one, following the stream from where it stopped yields exactly
//! the versions of the resources whose description changed. And the
//! documents of the stream over HTTP: formats, caching, errors.

mod common;

use common::{ServeProcess, TestServer, copy_dir, inputs, repo};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{NamedOrBlankNode, Term, Triple};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use territoire_innovant::rdf::Base;
use territoire_innovant::store::DataSet;

const BASE: &str = "https://w3id.org/territoire-innovant/";
const IS_VERSION_OF: &str = "http://purl.org/dc/terms/isVersionOf";
const GENERATED_AT_TIME: &str = "http://www.w3.org/ns/prov#generatedAtTime";
const VERSION: &str = "http://www.w3.org/ns/dcat#version";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const DELETE: &str = "https://www.w3.org/ns/activitystreams#Delete";

/// Each resource's description: its predicate–object pairs in N-Triples.
type Descriptions = BTreeMap<String, BTreeSet<String>>;

/// A member as the client emitted it.
struct Member {
    id: String,
    resource: String,
    time: String,
    deleted: bool,
    /// The resource's own triples in this version, as predicate–object pairs.
    description: BTreeSet<String>,
}

fn iri(subject: &NamedOrBlankNode) -> String {
    match subject {
        NamedOrBlankNode::NamedNode(n) => n.as_str().to_owned(),
        other => panic!("a member's triples are about IRIs: {other}"),
    }
}

/// Reads the members printed by `tests/clients/ldes-replay.mjs`.
fn members(output: &str) -> Vec<Member> {
    output
        .lines()
        .map(|line| {
            let json: serde_json::Value = serde_json::from_str(line).unwrap();
            let id = json["id"].as_str().unwrap().to_owned();
            let triples: Vec<Triple> = RdfParser::from_format(RdfFormat::NQuads)
                .for_reader(json["quads"].as_str().unwrap().as_bytes())
                .map(|q| Triple::from(q.unwrap()))
                .collect();
            let object = |predicate: &str| {
                triples
                    .iter()
                    .find(|t| iri(&t.subject) == id && t.predicate.as_str() == predicate)
                    .map(|t| t.object.clone())
                    .unwrap_or_else(|| panic!("member <{id}> has no <{predicate}>"))
            };
            let Term::NamedNode(resource) = object(IS_VERSION_OF) else {
                panic!("member <{id}> is a version of an IRI");
            };
            let Term::Literal(time) = object(GENERATED_AT_TIME) else {
                panic!("member <{id}> has a time");
            };
            let deleted = triples.iter().any(|t| {
                t.predicate.as_str() == RDF_TYPE && t.object.to_string() == format!("<{DELETE}>")
            });
            let description = triples
                .iter()
                .filter(|t| iri(&t.subject) == id)
                .filter(|t| match t.predicate.as_str() {
                    IS_VERSION_OF | GENERATED_AT_TIME | VERSION => false,
                    RDF_TYPE => !deleted,
                    _ => true,
                })
                .map(|t| format!("{} {}", t.predicate, t.object))
                .collect();
            Member {
                id,
                resource: resource.as_str().to_owned(),
                time: time.value().to_owned(),
                deleted,
                description,
            }
        })
        .collect()
}

/// `state` with `members` applied in time order: each resource's latest
/// version, deleted resources removed.
fn apply(state: &mut Descriptions, members: &[Member]) {
    let mut members: Vec<&Member> = members.iter().collect();
    members.sort_by(|a, b| a.time.cmp(&b.time));
    for member in members {
        if member.deleted {
            state.remove(&member.resource);
        } else {
            state.insert(member.resource.clone(), member.description.clone());
        }
    }
}

/// The data graph built from `data`, resource by resource.
fn data_graph(data: &Path) -> Descriptions {
    let data_set = DataSet::build(&inputs(data, Base::default())).unwrap();
    let mut descriptions = Descriptions::new();
    for triple in data_set.data_graph_triples().unwrap().iter() {
        descriptions
            .entry(iri(&triple.subject.into_owned()))
            .or_default()
            .insert(format!("{} {}", triple.predicate, triple.object));
    }
    descriptions
}

/// Runs the reference client over the stream at `url`, with its state in
/// `state` (a second run follows from where the first stopped).
fn replay(url: &str, state: &Path) -> Vec<Member> {
    let output = Command::new("node")
        .arg(repo().join("tests/clients/ldes-replay.mjs"))
        .arg(url)
        .arg(state)
        .output()
        .expect("node runs (install the clients with scripts/install-test-tools)");
    assert!(
        output.status.success(),
        "ldes-client failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    members(&String::from_utf8(output.stdout).unwrap())
}

/// Edits the 2023 edition of `data`: a project's title changes, an award
/// is added and another removed.
fn edit_edition(data: &Path) {
    let path = data.join("editions/2023.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let renamed = text.replace(
        "title = \"SATURNE ou le badgeage par beacons\"",
        "title = \"SATURNE ou le badgeage par balises\"",
    );
    assert_ne!(renamed, text, "the title to change is in the edition");
    let start = renamed
        .find("[[award]]\nid = \"carte-ailfe\"")
        .expect("the award to remove");
    let end = start + 1 + renamed[start + 1..].find("[[award]]").unwrap();
    let text = format!(
        "{}{}\n[[award]]\nid = \"nouveau-service\"\ncategory = \"moderniser-le-service-public\"\n\
         level = \"bronze\"\nlaureates = [\"ville-de-paris\"]\ntitle = \"Un service ajouté pour l'essai\"\n",
        &renamed[..start],
        &renamed[end..]
    );
    std::fs::write(&path, text).unwrap();
}

fn hangup(server: &ServeProcess) {
    let status = Command::new("kill")
        .args(["-HUP", &server.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn release_of(url: &str) -> String {
    let body = reqwest::blocking::get(format!("{url}health"))
        .unwrap()
        .text()
        .unwrap();
    let health: serde_json::Value = serde_json::from_str(&body).unwrap();
    health["release"].as_str().unwrap().to_owned()
}

#[test]
fn a_harvester_replays_the_feed_then_follows_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(&repo().join("data"), &data);
    let history = dir.path().join("history");
    let client_state = dir.path().join("client-state");
    let server = ServeProcess::start(&[
        ("TI_DATA", data.to_str().unwrap()),
        ("TI_HISTORY", history.to_str().unwrap()),
    ]);
    let stream = format!("{}ldes", server.url);

    // The whole stream rebuilds the data graph.
    let first = replay(&stream, &client_state);
    let mut state = Descriptions::new();
    apply(&mut state, &first);
    let before = data_graph(&data);
    assert_eq!(
        state, before,
        "the versions replayed rebuild the data graph"
    );
    assert_eq!(first.len(), before.len(), "one version per resource");

    // Following it again, with nothing new, yields nothing.
    assert!(replay(&stream, &client_state).is_empty());

    // A release that changes one title, adds an award and removes one.
    edit_edition(&data);
    let after = data_graph(&data);
    let previous = release_of(&server.url);
    hangup(&server);
    let deadline = Instant::now() + Duration::from_secs(60);
    while release_of(&server.url) == previous {
        assert!(Instant::now() < deadline, "no reload after SIGHUP");
        std::thread::sleep(Duration::from_millis(50));
    }
    let changed: BTreeSet<&String> = before
        .keys()
        .chain(after.keys())
        .filter(|r| before.get(*r) != after.get(*r))
        .collect();
    let removed: BTreeSet<&String> = before.keys().filter(|r| !after.contains_key(*r)).collect();
    assert!(
        changed.iter().any(|r| r.ends_with("/project/2023/saturne"))
            && changed
                .iter()
                .any(|r| r.ends_with("/award/2023/nouveau-service"))
            && removed
                .iter()
                .any(|r| r.ends_with("/award/2023/carte-ailfe")),
        "the edit changes what it should: {changed:?}"
    );

    let second = replay(&stream, &client_state);
    let followed: BTreeSet<&String> = second.iter().map(|m| &m.resource).collect();
    assert_eq!(
        followed, changed,
        "the versions of exactly the resources that changed"
    );
    assert_eq!(second.len(), changed.len(), "one version each");
    let tombstones: BTreeSet<&String> = second
        .iter()
        .filter(|m| m.deleted)
        .map(|m| &m.resource)
        .collect();
    assert_eq!(tombstones, removed, "a tombstone for each resource removed");
    let first_ids: BTreeSet<&String> = first.iter().map(|m| &m.id).collect();
    assert!(second.iter().all(|m| !first_ids.contains(&m.id)));
    apply(&mut state, &second);
    assert_eq!(
        state, after,
        "the stream followed rebuilds the new data graph"
    );

    // A new harvester replays both releases to the same state.
    let mut fresh = Descriptions::new();
    apply(
        &mut fresh,
        &replay(&stream, &dir.path().join("fresh-state")),
    );
    assert_eq!(fresh, after);

    // The log survives the server: a restart serves the same stream.
    drop(server);
    let server = ServeProcess::start(&[
        ("TI_DATA", data.to_str().unwrap()),
        ("TI_HISTORY", history.to_str().unwrap()),
    ]);
    assert!(replay(&format!("{}ldes", server.url), &client_state).is_empty());
}

/// Turtle, N-Triples, N-Quads, TriG, JSON-LD and RDF/XML.
const RDF_MEDIA_TYPES: [&str; 6] = [
    "text/turtle",
    "application/n-triples",
    "application/n-quads",
    "application/trig",
    "application/ld+json",
    "application/rdf+xml",
];

fn parse(media_type: &str, body: &[u8]) -> Vec<Triple> {
    RdfParser::from_format(RdfFormat::from_media_type(media_type).unwrap())
        .for_reader(body)
        .map(|q| Triple::from(q.unwrap_or_else(|e| panic!("{media_type}: {e}"))))
        .collect()
}

#[tokio::test]
async fn the_stream_its_root_node_and_its_pages_in_every_format() {
    let server = TestServer::default().await;
    let resources = data_graph(&repo().join("data")).len();
    let client = reqwest::Client::new();
    let get =
        |path: &str, accept: &str| client.get(server.at(path)).header("accept", accept).send();
    let mut first_page = None;
    for media_type in RDF_MEDIA_TYPES {
        let stream = get("/ldes", media_type).await.unwrap();
        assert_eq!(stream.status(), 200);
        assert!(
            stream.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(media_type)
        );
        let triples = parse(media_type, &stream.bytes().await.unwrap());
        assert!(
            triples
                .iter()
                .any(|t| t.object.to_string() == "<https://w3id.org/ldes#EventStream>"),
            "{media_type}: an ldes:EventStream"
        );
        let view = get("/ldes/view", media_type).await.unwrap();
        assert_eq!(
            view.headers()["cache-control"],
            "public, max-age=60",
            "the root node gains a branch with each release"
        );
        let triples = parse(media_type, &view.bytes().await.unwrap());
        let pages: Vec<String> = triples
            .iter()
            .filter(|t| t.predicate.as_str() == "https://w3id.org/tree#node")
            .map(|t| match &t.object {
                Term::NamedNode(n) => n.as_str().to_owned(),
                other => panic!("{other}"),
            })
            .collect();
        assert_eq!(pages.len(), 1, "{media_type}: one release, one branch");
        assert!(
            pages[0].starts_with(&server.url),
            "{} names this server",
            pages[0]
        );
        first_page = Some(pages[0].clone());
    }

    let page = first_page.unwrap();
    let response = client
        .get(&page)
        .header("accept", "text/turtle")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"'), "a strong ETag: {etag}");
    let triples = parse("text/turtle", &response.bytes().await.unwrap());
    let members = triples
        .iter()
        .filter(|t| t.predicate.as_str() == "https://w3id.org/tree#member")
        .count();
    assert_eq!(
        members,
        resources.min(territoire_innovant::change_feed::stream::PAGE_SIZE)
    );
    let again = client
        .get(&page)
        .header("accept", "text/turtle")
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    // Each version's IRI answers on its own, as the page lists it.
    let member = triples
        .iter()
        .find(|t| t.predicate.as_str() == "https://w3id.org/tree#member")
        .map(|t| match &t.object {
            Term::NamedNode(n) => n.as_str().to_owned(),
            other => panic!("{other}"),
        })
        .unwrap();
    let path = member
        .strip_prefix(BASE)
        .expect("a version IRI under the base");
    let version = get(&format!("/{path}"), "application/n-triples")
        .await
        .unwrap();
    assert_eq!(version.status(), 200, "{member}");
    assert_eq!(
        version.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let triples = parse("application/n-triples", &version.bytes().await.unwrap());
    assert!(triples.iter().all(|t| iri(&t.subject) == member));
    assert!(
        triples
            .iter()
            .any(|t| t.predicate.as_str() == IS_VERSION_OF)
    );
    let html = get(&format!("/{path}"), "text/html").await.unwrap();
    assert_eq!(html.status(), 200);
    assert!(html.text().await.unwrap().contains("Version du"));
    let missing = get(&format!("/{path}-no"), "text/turtle").await.unwrap();
    assert_eq!(missing.status(), 404);

    let cors = client
        .get(server.at("/ldes"))
        .header("origin", "https://portal.example")
        .send()
        .await
        .unwrap();
    assert_eq!(cors.headers()["access-control-allow-origin"], "*");

    let html = get("/ldes", "text/html").await.unwrap();
    assert!(
        html.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let text = html.text().await.unwrap();
    assert!(
        text.contains("Fil des changements") && text.contains(&format!("<td>{resources}</td>")),
        "{text}"
    );
    let html = client
        .get(&page)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    let text = html.text().await.unwrap();
    assert!(
        text.contains("2023&#x2f;lebontag"),
        "a page lists its versions' resources"
    );

    for missing in [
        "/ldes/20000101T000000000Z/1",
        "/ldes/view/2",
        "/ldes/x/y",
        &format!("{}0", page.trim_end_matches('1')),
    ] {
        let path = missing.strip_prefix(&server.url).unwrap_or(missing);
        let response = get(path, "text/turtle").await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
        assert!(
            response.text().await.unwrap().contains("/ldes/view"),
            "{path}: the error says where to start"
        );
    }
}

/// Runs memento-client (PyPI, RFC 7089's official Python client) for the
/// resource at `url` at each of `dates` (HTTP dates): what it finds.
fn memento_client(url: &str, dates: &[String]) -> Vec<serde_json::Value> {
    let output = Command::new("python3")
        .arg(repo().join("tests/clients/memento.py"))
        .arg(url)
        .args(dates)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "memento-client (install it with scripts/install-test-tools): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Memento: a resource changed by a second release is found by
/// memento-client as it was before the change and as it is after it; a
/// removed one, as it was, then as its tombstone; each has a TimeMap of
/// its versions and its page lists them.
#[test]
fn memento_client_finds_each_resource_as_it_was_at_a_date() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(&repo().join("data"), &data);
    let server = ServeProcess::start(&[
        ("TI_DATA", data.to_str().unwrap()),
        ("TI_HISTORY", dir.path().join("history").to_str().unwrap()),
    ]);
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let header = |response: &reqwest::blocking::Response, name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let project = format!("{}project/2023/saturne", server.url);
    let removed = format!("{}award/2023/carte-ailfe", server.url);
    // The first release's date, as the resource's only memento says it.
    let first = client.get(&project).send().unwrap();
    assert!(
        header(&first, "vary")
            .to_lowercase()
            .contains("accept-datetime")
    );
    assert!(header(&first, "link").contains("rel=\"original timegate\""));
    let timemap = client
        .get(format!("{}timemap/project/2023/saturne", server.url))
        .send()
        .unwrap();
    assert_eq!(header(&timemap, "content-type"), "application/link-format");
    let before = timemap
        .text()
        .unwrap()
        .split("datetime=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    // HTTP dates are to the second: the second release comes a second later.
    std::thread::sleep(Duration::from_millis(1100));
    edit_edition(&data);
    let previous = release_of(&server.url);
    hangup(&server);
    let deadline = Instant::now() + Duration::from_secs(60);
    while release_of(&server.url) == previous {
        assert!(Instant::now() < deadline, "no reload after SIGHUP");
        std::thread::sleep(Duration::from_millis(50));
    }
    let after = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(1));
    // The changed project: its old title before, its new one after.
    let found = memento_client(&project, &[before.clone(), after.clone()]);
    let title_of = |memento: &serde_json::Value| -> String {
        let uri = memento["uri"]
            .as_str()
            .unwrap_or_else(|| panic!("no memento: {memento}"));
        let response = client
            .get(uri)
            .header("accept", "application/n-triples")
            .send()
            .unwrap();
        assert_eq!(response.status(), 200, "{uri}");
        assert!(!header(&response, "memento-datetime").is_empty(), "{uri}");
        response.text().unwrap()
    };
    assert_eq!(found[0]["datetime"], before.as_str(), "{found:?}");
    assert!(title_of(&found[0]).contains("SATURNE ou le badgeage par beacons"));
    assert_ne!(found[1]["uri"], found[0]["uri"], "{found:?}");
    assert!(title_of(&found[1]).contains("SATURNE ou le badgeage par balises"));
    assert_eq!(found[1]["timegate"], project.as_str(), "nothing else asked");
    // Its TimeMap lists both versions.
    let timemap = client
        .get(format!("{}timemap/project/2023/saturne", server.url))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(
        timemap.matches("memento\"; datetime=").count(),
        2,
        "{timemap}"
    );
    // The removed award: as it was, then its tombstone, at its time.
    let found = memento_client(&removed, &[before.clone(), after]);
    assert!(
        !title_of(&found[0]).contains("activitystreams#Delete"),
        "{found:?}"
    );
    let tombstone = title_of(&found[1]);
    assert!(
        tombstone.contains("<https://www.w3.org/ns/activitystreams#Delete>"),
        "{tombstone}"
    );
    assert_ne!(found[1]["datetime"], before.as_str());
    // An unreadable date is refused with the form expected.
    let refused = client
        .get(&project)
        .header("accept-datetime", "yesterday")
        .send()
        .unwrap();
    assert_eq!(refused.status(), 400);
    assert!(
        refused
            .text()
            .unwrap()
            .contains("Accept-Datetime: Tue, 01 Dec 2026")
    );
    // The project's page lists its versions, newest first.
    let page = client
        .get(&project)
        .header("accept", "text/html")
        .send()
        .unwrap()
        .text()
        .unwrap();
    let versions = page.split("<ul class=\"versions\">").nth(1).unwrap();
    let versions = versions.split("</ul>").next().unwrap();
    assert_eq!(versions.matches("<li>").count(), 2, "{versions}");
    assert!(versions.contains("Version du "), "{versions}");
}

/// Memento on the published files: with the release directory beside the
/// change feed's log (`serve --history DIR/history`), a dump asked at the
/// first release's date is that release's file as `build` kept it, and
/// asked now, the file served.
#[test]
fn the_dumps_of_a_past_release_are_found_by_date() {
    let copy = common::DataCopy::new();
    let build = |day: u32| {
        common::set_modified(&copy.data(), day);
        common::run_to_success(
            Command::new(env!("CARGO_BIN_EXE_territoire-innovant"))
                .current_dir(repo())
                .arg("--data")
                .arg(copy.data())
                .args(["build", "--out"])
                .arg(copy.out()),
        );
        let release = territoire_innovant::publish::current_release(&copy.out()).unwrap();
        let dump = std::fs::read(copy.out().join("current/territoire-innovant.ttl")).unwrap();
        (release, dump)
    };
    let (first, first_dump) = build(1);
    // HTTP dates are to the second: the second release comes a second later.
    std::thread::sleep(Duration::from_millis(1100));
    let (second, second_dump) = build(2);
    assert_ne!(first_dump, second_dump, "the releases differ");
    let server = ServeProcess::start(&[
        ("TI_DATA", copy.data().to_str().unwrap()),
        ("TI_HISTORY", copy.out().join("history").to_str().unwrap()),
    ]);
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let dump = format!("{}dumps/territoire-innovant.ttl", server.url);
    // Its TimeMap lists both releases; the first one's date.
    let timemap = client
        .get(format!(
            "{}timemap/dumps/territoire-innovant.ttl",
            server.url
        ))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(
        timemap.matches("memento\"; datetime=").count(),
        2,
        "{timemap}"
    );
    let date = timemap
        .split(&format!("/dumps/releases/{first}/territoire-innovant.ttl>"))
        .nth(1)
        .and_then(|rest| rest.split("datetime=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no memento of {first}: {timemap}"))
        .to_owned();
    let now = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(1));
    for (asked, release, expected) in [(&date, &first, &first_dump), (&now, &second, &second_dump)]
    {
        let gate = client
            .get(&dump)
            .header("accept-datetime", asked.as_str())
            .send()
            .unwrap();
        assert_eq!(gate.status(), 302, "{asked}");
        let location = gate.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            location.ends_with(&format!(
                "/dumps/releases/{release}/territoire-innovant.ttl"
            )),
            "{asked}: {location}"
        );
        let memento = client.get(&location).send().unwrap();
        assert_eq!(memento.status(), 200, "{location}");
        assert!(memento.headers().contains_key("memento-datetime"));
        assert_eq!(&memento.bytes().unwrap().to_vec(), expected, "{location}");
    }
    // Without a date, the file served is the second release's.
    let served = client.get(&dump).send().unwrap().bytes().unwrap().to_vec();
    assert_eq!(served, second_dump);
}
