//! The static export (`build --site DIR`): every Linked Data document of
//! the data set in every format, the pages, the catalog, VoID, the dumps,
//! and a web server configuration that negotiates as `serve` does, so that
//! any static host or CDN can serve the Linked Data.
//!
//! Every file is the answer of the server's own router to a request, so the
//! export holds the bytes `serve` sends. The resources are those the
//! sitemap lists. The export is written beside `DIR` and switched in when
//! complete.

mod nginx;

pub use nginx::NginxOptions;

use crate::publish::CatalogProfile;
use crate::server::{AppState, router, unknown_address};
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use std::io;
use std::path::{Path, PathBuf};
use tower::ServiceExt;

/// The folder of the export that the web server serves.
pub const ROOT: &str = "root";
/// The nginx configuration written beside it.
pub const NGINX_CONF: &str = "nginx-site.conf";

/// The document formats of a resource: extension and the `Accept` that
/// asks for it.
pub const DOCUMENT_FORMATS: [(&str, &str); 5] = [
    ("html", "text/html"),
    ("ttl", "text/turtle"),
    ("nt", "application/n-triples"),
    ("jsonld", "application/ld+json"),
    ("rdf", "application/rdf+xml"),
];

/// The path of the catalog.
const CATALOG_PATH: &str = "catalog";
/// What the files of the catalog in udata's profile add to its name
/// (`catalog.udata.ttl`).
pub const UDATA_SUFFIX: &str = ".udata";

/// Paths of pages that answer without a query (HTML only).
const PAGES: [&str; 1] = ["/statistiques"];

/// What an export wrote.
#[derive(Debug, Clone)]
pub struct Exported {
    /// The export's folder.
    pub dir: PathBuf,
    /// Resources exported, each in every document format.
    pub resources: usize,
    /// Files written.
    pub files: usize,
    /// Their total size.
    pub bytes: u64,
}

impl std::fmt::Display for Exported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "static site at {}: {} resources in {} formats, {} files, {} bytes; web server configuration {}",
            self.dir.display(),
            self.resources,
            DOCUMENT_FORMATS.len(),
            self.files,
            self.bytes,
            self.dir.join(NGINX_CONF).display()
        )
    }
}

/// Writes the export of a server (with the default settings) over the
/// release `build --out OUT` published, as `serve --release OUT` serves it
/// (its files, index and change feed `OUT/history` as written), to `dir`:
/// see [`export`].
pub fn export_release(out: &Path, dir: &Path, options: &NginxOptions) -> io::Result<Exported> {
    let config = crate::server::Config {
        history: Some(out.join(crate::change_feed::HISTORY_DIR)),
        ..Default::default()
    };
    let state = AppState::open(out, config, Vec::new())?;
    export(state, dir, options)
}

/// Writes the export of the server over `state` to `dir`, replacing what
/// was there once it is complete.
pub fn export(state: AppState, dir: &Path, options: &NginxOptions) -> io::Result<Exported> {
    let dir = std::path::absolute(dir)?;
    let parent = dir.parent().unwrap_or(Path::new("/"));
    std::fs::create_dir_all(parent)?;
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| io::Error::other(format!("{}: not a folder name", dir.display())))?;
    let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging)?;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut writer = Writer {
        root: staging.join(ROOT),
        files: 0,
        bytes: 0,
    };
    let resources = runtime.block_on(write_root(state.clone(), &mut writer));
    let resources = match resources {
        Ok(resources) => resources,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    let conf = nginx::configuration(&state, &dir.join(ROOT), options);
    writer.write_file(&staging.join(NGINX_CONF), conf.as_bytes())?;
    switch_in(&staging, &dir)?;
    Ok(Exported {
        dir,
        resources,
        files: writer.files,
        bytes: writer.bytes,
    })
}

/// Puts the complete export in place of the previous one.
fn switch_in(staging: &Path, dir: &Path) -> io::Result<()> {
    let previous = dir.with_extension(format!("previous-{}", std::process::id()));
    let had_previous = dir.exists();
    if had_previous {
        std::fs::rename(dir, &previous)?;
    }
    std::fs::rename(staging, dir)?;
    if had_previous {
        std::fs::remove_dir_all(&previous)?;
    }
    Ok(())
}

struct Writer {
    root: PathBuf,
    files: usize,
    bytes: u64,
}

impl Writer {
    fn write_file(&mut self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, bytes)?;
        self.files += 1;
        self.bytes += bytes.len() as u64;
        Ok(())
    }

    /// Writes the answer to `GET path` with `accept` as `file` (a path in
    /// the root, without its leading `/`).
    async fn write_answer(
        &mut self,
        routes: &Router,
        path: &str,
        accept: &str,
        file: &str,
    ) -> io::Result<()> {
        let body = get(routes, path, accept).await?;
        let target = self.root.join(file);
        self.write_file(&target, &body)
    }
}

/// `GET path` with `accept` through the server's router: the body of a
/// `200`, an error otherwise.
async fn get(routes: &Router, path: &str, accept: &str) -> io::Result<Vec<u8>> {
    let request = Request::get(path)
        .header(header::ACCEPT, accept)
        .body(Body::empty())
        .map_err(io::Error::other)?;
    let response = routes
        .clone()
        .oneshot(request)
        .await
        .map_err(io::Error::other)?;
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .map_err(io::Error::other)?;
    if status != StatusCode::OK {
        return Err(io::Error::other(format!(
            "the export asked the server for {path} as {accept}: it answered {status}: {}",
            String::from_utf8_lossy(&body[..body.len().min(300)])
        )));
    }
    Ok(body.to_vec())
}

/// Writes the root folder; returns the number of resources.
async fn write_root(state: AppState, writer: &mut Writer) -> io::Result<usize> {
    let base = state.names.base.as_str().to_owned();
    // One router for every request: building it is not free.
    let routes = router(state.clone());
    let sitemap = String::from_utf8(get(&routes, "/sitemap.xml", "application/xml").await?)
        .map_err(io::Error::other)?;
    let mut resources = 0;
    for location in sitemap.split("<loc>").skip(1) {
        let iri = location.split("</loc>").next().unwrap_or_default();
        let Some(path) = iri.strip_prefix(&base) else {
            continue;
        };
        let path = unescape_xml(path);
        if !safe_path(&path) {
            return Err(io::Error::other(format!(
                "the sitemap lists {iri}, whose path cannot be a file name"
            )));
        }
        let stem = if path.is_empty() { "index" } else { &path };
        for (extension, accept) in DOCUMENT_FORMATS {
            writer
                .write_answer(
                    &routes,
                    &format!("/{path}"),
                    accept,
                    &format!("{stem}.{extension}"),
                )
                .await?;
        }
        resources += 1;
    }
    for page in PAGES {
        let file = format!("{}.html", page.trim_start_matches('/'));
        writer
            .write_answer(&routes, page, "text/html", &file)
            .await?;
    }
    for (name, _, _) in crate::server::STATIC_FILES {
        let path = format!("/static/{name}");
        writer
            .write_answer(&routes, &path, "*/*", &path[1..])
            .await?;
    }
    // The catalog in udata's profile, in every RDF syntax, for
    // data.gouv.fr's harvester (the nginx configuration recognises it as
    // `serve` does).
    for (extension, accept) in DOCUMENT_FORMATS.iter().filter(|(e, _)| *e != "html") {
        let path = format!("/{CATALOG_PATH}?_profile={}", CatalogProfile::Udata.token());
        let file = format!("{CATALOG_PATH}{UDATA_SUFFIX}.{extension}");
        writer.write_answer(&routes, &path, accept, &file).await?;
    }
    for file in &state.publication.files {
        let path = format!("/dumps/{}", file.name);
        writer
            .write_answer(&routes, &path, "*/*", &path[1..])
            .await?;
    }
    for file in ["robots.txt", "sitemap.xml"] {
        writer
            .write_answer(&routes, &format!("/{file}"), "*/*", file)
            .await?;
    }
    for (accept, file) in [("text/html", "404.html"), ("text/plain", "404.txt")] {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static(accept));
        let response = unknown_address(None, &headers);
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .map_err(io::Error::other)?;
        let target = writer.root.join(file);
        writer.write_file(&target, &body)?;
    }
    Ok(resources)
}

/// A path of the data set that can be a file name: no empty, `.` or `..`
/// segment, no character a URL would escape.
fn safe_path(path: &str) -> bool {
    path.is_empty()
        || (path
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != "..")
            && path
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~/".contains(c)))
}

fn unescape_xml(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_paths_become_file_names() {
        for path in [
            "",
            "award/2023/rudi",
            ".well-known/void",
            "distribution/x.ttl.gz",
        ] {
            assert!(safe_path(path), "{path}");
        }
        for path in ["../etc", "a//b", "a/./b", "a%2fb", "a?b", "a/", "é"] {
            assert!(!safe_path(path), "{path}");
        }
    }
}
