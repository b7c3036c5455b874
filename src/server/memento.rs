//! Memento (RFC 7089): every resource of the data set as it was at a date.
//! The versions the change feed logged are the mementos: each version IRI
//! (`/ldes/version/RELEASE/PATH`) answers with its `Memento-Datetime`.
//! Every resource IRI is its own TimeGate: with `Accept-Datetime` it
//! redirects (`302`) to the version current at that date; and each
//! resource has a TimeMap (`/timemap/PATH`, `application/link-format`)
//! listing its versions. A removed resource's last memento is its
//! tombstone (`as:Delete`), at the time it was removed.
//!
//! The published files are reachable the same way: `/dumps/NAME` with
//! `Accept-Datetime` redirects to `/dumps/releases/RELEASE/NAME`, the file
//! of the release current then — the one served, or one the release
//! directory keeps (`DIR/releases` beside `--history DIR/history`) — and
//! `/timemap/dumps/NAME` lists them.
//!
//! Dates are HTTP dates, to the second: a release at 17:02:11.322 is the
//! memento of 17:02:11, which `Accept-Datetime: …17:02:11 GMT` finds.

use super::AppState;
use super::error::ApiError;
use super::origin::origin;
use crate::change_feed::{LoggedRelease, Version};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The route of the TimeMaps.
pub const TIMEMAP_ROUTE: &str = "/timemap/{*path}";

/// One memento of a resource: a version the change feed logged.
#[derive(Clone, Copy)]
pub struct Memento<'a> {
    /// Its release.
    pub release: &'a LoggedRelease,
    /// The version.
    pub version: &'a Version,
    /// Its time, to the second.
    pub at: SystemTime,
}

/// Where each resource's versions are in the feed: resource IRI →
/// (release, version) positions, oldest first. Made at the first request
/// that needs it.
pub type Index = HashMap<String, Vec<(usize, usize)>>;

fn index(feed: &[std::sync::Arc<LoggedRelease>]) -> Index {
    let mut index: Index = HashMap::new();
    for (r, release) in feed.iter().enumerate() {
        for (v, version) in release.versions.iter().enumerate() {
            index
                .entry(version.resource.as_str().to_owned())
                .or_default()
                .push((r, v));
        }
    }
    index
}

/// Whether `resource` (an IRI) has a memento.
fn has_mementos(state: &AppState, resource: &str) -> bool {
    let index = state.mementos.get_or_init(|| index(state.feed()));
    index.get(resource).is_some_and(|found| !found.is_empty())
}

/// The mementos of `resource` (an IRI), oldest first.
pub fn mementos<'a>(state: &'a AppState, resource: &str) -> Vec<Memento<'a>> {
    let index = state.mementos.get_or_init(|| index(state.feed()));
    index
        .get(resource)
        .into_iter()
        .flatten()
        .filter_map(|&(r, v)| {
            let release = state.feed().get(r)?;
            Some(Memento {
                release,
                version: release.versions.get(v)?,
                at: to_the_second(release.at()?),
            })
        })
        .collect()
}

fn to_the_second(time: SystemTime) -> SystemTime {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    UNIX_EPOCH + Duration::from_secs(since.as_secs())
}

/// A URL on this server, as the client reached it, for an IRI of the
/// data set.
fn url(state: &AppState, headers: &HeaderMap, iri: &str) -> String {
    let path = super::pages::local_href(&state.names.base, iri).unwrap_or_default();
    format!("{}{path}", origin(headers))
}

fn timemap_url(state: &AppState, headers: &HeaderMap, resource: &str) -> String {
    let path = super::pages::local_href(&state.names.base, resource).unwrap_or_default();
    format!("{}/timemap{path}", origin(headers))
}

/// The `Link` of a memento in a TimeGate's or a TimeMap's list.
fn memento_link(state: &AppState, headers: &HeaderMap, memento: &Memento<'_>, rel: &str) -> String {
    format!(
        "<{}>; rel=\"{rel}\"; datetime=\"{}\"",
        url(state, headers, memento.version.iri.as_str()),
        httpdate::fmt_http_date(memento.at)
    )
}

/// The relation of the memento at `position` among `count`: first, last,
/// both, or none.
fn rank(position: usize, count: usize) -> &'static str {
    match (position == 0, position + 1 == count) {
        (true, true) => "first last memento",
        (true, false) => "first memento",
        (false, true) => "last memento",
        (false, false) => "memento",
    }
}

/// The TimeGate's answer for `resource` at the date `asked`
/// (`Accept-Datetime`): a `302` to the memento current then (the first if
/// the date is before it), with the original, the TimeMap, the first, last,
/// previous and next mementos in `Link`. `None` if the resource has no
/// memento (it is not in the data graph).
pub fn time_gate(
    state: &AppState,
    resource: &str,
    asked: &HeaderValue,
    headers: &HeaderMap,
) -> Option<Response> {
    let mementos = mementos(state, resource);
    if mementos.is_empty() {
        return None;
    }
    let Some(asked) = parse_date(asked) else {
        return Some(unreadable_date());
    };
    let chosen = mementos.iter().rposition(|m| m.at <= asked).unwrap_or(0);
    let memento = mementos[chosen];
    let mut links = vec![
        format!("<{}>; rel=\"original\"", url(state, headers, resource)),
        format!(
            "<{}>; rel=\"timemap\"; type=\"application/link-format\"",
            timemap_url(state, headers, resource)
        ),
    ];
    let last = mementos.len() - 1;
    let mut listed = vec![0, last, chosen];
    if chosen > 0 {
        listed.push(chosen - 1);
    }
    if chosen < last {
        listed.push(chosen + 1);
    }
    listed.sort_unstable();
    listed.dedup();
    for position in listed {
        let mut rel = rank(position, mementos.len()).to_owned();
        if position + 1 == chosen {
            rel = format!("prev {rel}");
        } else if position == chosen + 1 {
            rel = format!("next {rel}");
        }
        links.push(memento_link(state, headers, &mementos[position], &rel));
    }
    Some(redirect(
        url(state, headers, memento.version.iri.as_str()),
        &links,
    ))
}

/// A TimeGate's `302` to the memento at `location`, with `links`.
fn redirect(location: String, links: &[String]) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    let response_headers = response.headers_mut();
    for (name, value) in [
        (header::LOCATION, location),
        (header::LINK, links.join(", ")),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response_headers.insert(name, value);
        }
    }
    response_headers.insert(header::VARY, HeaderValue::from_static("accept-datetime"));
    response
}

/// The `Link` values an original resource's answer adds (it is its own
/// TimeGate, and has a TimeMap), if it has mementos.
pub fn original_links(state: &AppState, resource: &str, headers: &HeaderMap) -> Option<String> {
    if !has_mementos(state, resource) {
        return None;
    }
    Some(format!(
        "<{}>; rel=\"original timegate\", <{}>; rel=\"timemap\"; type=\"application/link-format\"",
        url(state, headers, resource),
        timemap_url(state, headers, resource)
    ))
}

/// The headers of memento `/ldes/version/KEY/PATH` (the version release
/// `key` logged of `BASE PATH`): its `Memento-Datetime`, and `Link` to its
/// original, its TimeGate and its TimeMap. Empty if it is no version of the
/// feed. Found among the resource's own mementos (see [`Index`]).
pub fn memento_headers(
    state: &AppState,
    (key, path): (&str, &str),
    headers: &HeaderMap,
) -> Vec<(header::HeaderName, HeaderValue)> {
    let resource = state.names.base.iri(path);
    let resource = resource.as_str();
    let Some(memento) = mementos(state, resource)
        .into_iter()
        .find(|m| m.release.key == key)
    else {
        return Vec::new();
    };
    let (at, version_iri) = (memento.at, memento.version.iri.as_str());
    let links = format!(
        "<{original}>; rel=\"original timegate\", <{timemap}>; rel=\"timemap\"; type=\"application/link-format\", <{this}>; rel=\"memento\"; datetime=\"{date}\"",
        original = url(state, headers, resource),
        timemap = timemap_url(state, headers, resource),
        this = url(state, headers, version_iri),
        date = httpdate::fmt_http_date(at),
    );
    [
        ("memento-datetime", httpdate::fmt_http_date(at)),
        ("link", links),
    ]
    .into_iter()
    .filter_map(|(name, value)| {
        Some((
            header::HeaderName::from_static(name),
            HeaderValue::from_str(&value).ok()?,
        ))
    })
    .collect()
}

/// `GET /timemap/PATH`: the TimeMap of `BASE PATH` (`application/link-format`,
/// RFC 6690): the original, its TimeGate, the map itself with the span of
/// its mementos, and every memento with its date.
pub async fn time_map(
    State(state): State<AppState>,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Some(name) = path.strip_prefix("dumps/")
        && let Some(response) = file_time_map(&state, name, &headers)
    {
        return response;
    }
    let resource = state.names.base.iri(&path);
    let mementos = mementos(&state, resource.as_str());
    let (Some(first), Some(last)) = (mementos.first(), mementos.last()) else {
        return ApiError::new(
            StatusCode::NOT_FOUND,
            format!(
                "no version of /{path} in the change feed: a TimeMap lists the versions of a resource of the data set, /timemap/PATH for the resource /PATH"
            ),
        )
        .into_response();
    };
    let mut lines = vec![
        format!(
            "<{}>; rel=\"original\"",
            url(&state, &headers, resource.as_str())
        ),
        format!(
            "<{}>; rel=\"timegate\"",
            url(&state, &headers, resource.as_str())
        ),
        format!(
            "<{}>; rel=\"self\"; type=\"application/link-format\"; from=\"{}\"; until=\"{}\"",
            timemap_url(&state, &headers, resource.as_str()),
            httpdate::fmt_http_date(first.at),
            httpdate::fmt_http_date(last.at)
        ),
    ];
    for (position, memento) in mementos.iter().enumerate() {
        lines.push(memento_link(
            &state,
            &headers,
            memento,
            rank(position, mementos.len()),
        ));
    }
    link_format(lines)
}

// ---------------------------------------------------------------------------
// The published files of past releases

/// The route of a published file of a given release (a memento of
/// `/dumps/NAME`).
pub const RELEASE_FILE_ROUTE: &str = "/dumps/releases/{release}/{name}";

/// A release whose file `NAME` is at hand: the one served, or one the
/// release directory keeps.
struct FileMemento<'a> {
    release: &'a LoggedRelease,
    at: SystemTime,
}

/// The folder of the releases `build` keeps, beside the change feed's log
/// (`DIR/releases` for `--history DIR/history`), if the server has one.
fn releases_dir(state: &AppState) -> Option<std::path::PathBuf> {
    let history = state.config.history.as_ref()?;
    Some(history.parent()?.join(crate::publish::RELEASES))
}

/// The releases of the change feed whose file `name` can be read: the one
/// served, and those whose folder the release directory keeps; oldest first.
fn file_mementos<'a>(state: &'a AppState, name: &str) -> Vec<FileMemento<'a>> {
    if !state.downloads.iter().any(|d| d.name == name) {
        return Vec::new();
    }
    let kept = releases_dir(state);
    state
        .feed()
        .iter()
        .filter(|r| {
            r.release == state.release
                || kept
                    .as_ref()
                    .is_some_and(|dir| dir.join(&r.release).join(name).is_file())
        })
        .filter_map(|release| {
            Some(FileMemento {
                release,
                at: to_the_second(release.at()?),
            })
        })
        .collect()
}

fn file_memento_url(headers: &HeaderMap, release: &str, name: &str) -> String {
    format!("{}/dumps/releases/{release}/{name}", origin(headers))
}

/// The TimeGate's answer for the published file `name` at the date
/// `asked`: a `302` to that file of the release current then (see
/// [`time_gate`]). `None` if no release of the feed has it at hand.
pub fn file_time_gate(
    state: &AppState,
    name: &str,
    asked: &HeaderValue,
    headers: &HeaderMap,
) -> Option<Response> {
    let mementos = file_mementos(state, name);
    if mementos.is_empty() {
        return None;
    }
    let Some(asked) = parse_date(asked) else {
        return Some(unreadable_date());
    };
    let chosen = mementos.iter().rposition(|m| m.at <= asked).unwrap_or(0);
    let original = format!("{}/dumps/{name}", origin(headers));
    let mut links = vec![
        format!("<{original}>; rel=\"original\""),
        format!(
            "<{}/timemap/dumps/{name}>; rel=\"timemap\"; type=\"application/link-format\"",
            origin(headers)
        ),
    ];
    for (position, memento) in mementos.iter().enumerate() {
        links.push(format!(
            "<{}>; rel=\"{}\"; datetime=\"{}\"",
            file_memento_url(headers, &memento.release.release, name),
            rank(position, mementos.len()),
            httpdate::fmt_http_date(memento.at)
        ));
    }
    let location = file_memento_url(headers, &mementos[chosen].release.release, name);
    Some(redirect(location, &links))
}

/// `GET /dumps/releases/RELEASE/NAME`: the published file `NAME` as release
/// `RELEASE` wrote it (a memento of `/dumps/NAME`, with its
/// `Memento-Datetime`): the served release's from memory, an older one's
/// from the release directory.
pub async fn release_file(
    State(state): State<AppState>,
    Path((release, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let Some(memento) = file_mementos(&state, &name)
        .into_iter()
        .find(|m| m.release.release == release)
    else {
        return ApiError::new(
            StatusCode::NOT_FOUND,
            format!(
                "no file {name} of release {release} at hand: the releases of a file are listed in /timemap/dumps/{name}"
            ),
        )
        .into_response();
    };
    let bytes = if release == state.release {
        state
            .downloads
            .iter()
            .find(|d| d.name == name)
            .map(|d| d.bytes.clone())
    } else {
        releases_dir(&state)
            .and_then(|dir| std::fs::read(dir.join(&release).join(&name)).ok())
            .map(axum::body::Bytes::from)
    };
    let Some(bytes) = bytes else {
        return ApiError::new(
            StatusCode::NOT_FOUND,
            format!("the file {name} of release {release} cannot be read"),
        )
        .into_response();
    };
    let mut response = bytes.into_response();
    let date = httpdate::fmt_http_date(memento.at);
    let links = format!(
        "<{origin}/dumps/{name}>; rel=\"original timegate\", <{origin}/timemap/dumps/{name}>; rel=\"timemap\"; type=\"application/link-format\", <{this}>; rel=\"memento\"; datetime=\"{date}\"",
        origin = origin(&headers),
        this = file_memento_url(&headers, &release, &name),
    );
    let response_headers = response.headers_mut();
    response_headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(crate::publish::FileFormat::of(&name).content_type()),
    );
    for (header_name, value) in [("memento-datetime", date), ("link", links)] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response_headers.insert(header::HeaderName::from_static(header_name), value);
        }
    }
    response_headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    response
}

/// The TimeMap of published file `name` (see [`time_map`]).
fn file_time_map(state: &AppState, name: &str, headers: &HeaderMap) -> Option<Response> {
    let mementos = file_mementos(state, name);
    let (first, last) = (mementos.first()?, mementos.last()?);
    let original = format!("{}/dumps/{name}", origin(headers));
    let mut lines = vec![
        format!("<{original}>; rel=\"original\""),
        format!("<{original}>; rel=\"timegate\""),
        format!(
            "<{}/timemap/dumps/{name}>; rel=\"self\"; type=\"application/link-format\"; from=\"{}\"; until=\"{}\"",
            origin(headers),
            httpdate::fmt_http_date(first.at),
            httpdate::fmt_http_date(last.at)
        ),
    ];
    for (position, memento) in mementos.iter().enumerate() {
        lines.push(format!(
            "<{}>; rel=\"{}\"; datetime=\"{}\"",
            file_memento_url(headers, &memento.release.release, name),
            rank(position, mementos.len()),
            httpdate::fmt_http_date(memento.at)
        ));
    }
    Some(link_format(lines))
}

/// A TimeMap's answer from its lines.
fn link_format(lines: Vec<String>) -> Response {
    let mut response = format!("{}\n", lines.join(",\n")).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/link-format"),
    );
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    response
}

fn parse_date(asked: &HeaderValue) -> Option<SystemTime> {
    asked
        .to_str()
        .ok()
        .and_then(|a| httpdate::parse_http_date(a.trim()).ok())
}

fn unreadable_date() -> Response {
    let mut response = ApiError::bad_request(
        "Accept-Datetime is not an HTTP date: expected e.g. Accept-Datetime: Tue, 01 Dec 2026 12:00:00 GMT",
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept-datetime"));
    response
}

/// A version of a resource, for its page: when, and where to read it.
#[derive(Debug, serde::Serialize)]
pub struct VersionLink {
    /// The release's time in French (« 29 novembre 2026 à 17:02:11 UTC »),
    /// as the change feed's pages write it.
    pub date: String,
    /// The version's page.
    pub href: String,
    /// Whether it is the resource's removal.
    pub removed: bool,
}

/// The versions of `resource` for its page, newest first.
pub fn version_links(state: &AppState, resource: &str) -> Vec<VersionLink> {
    let base = &state.names.base;
    let mut links: Vec<VersionLink> = mementos(state, resource)
        .into_iter()
        .map(|m| VersionLink {
            date: super::pages::reading::date_in_french(m.release.time.value()),
            href: super::pages::local_href(base, m.version.iri.as_str()).unwrap_or_default(),
            removed: m.version.deleted,
        })
        .collect();
    links.reverse();
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mementos_are_ranked_first_and_last() {
        assert_eq!(rank(0, 1), "first last memento");
        assert_eq!(rank(0, 3), "first memento");
        assert_eq!(rank(1, 3), "memento");
        assert_eq!(rank(2, 3), "last memento");
    }
}
