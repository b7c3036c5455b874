//! The properties the fuzz targets check, shared with the regression test
//! `tests/fuzz_regressions.rs` (which replays every committed input). Each
//! check panics when a property does not hold; the code under test must
//! never panic by itself.

use axum::http::{HeaderMap, HeaderValue, header};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use territoire_innovant::rdf::convert::data_triples;
use territoire_innovant::server::endpoint::ProtocolRequest;
use territoire_innovant::server::negotiate;
use territoire_innovant::source::{InMemory, SourceData};

/// Every source file of the data directory `data` (the TOML files the
/// loader reads; not the documents of `data/sources/`), by name.
pub fn source_files(data: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut directories = vec![PathBuf::new()];
    while let Some(relative) = directories.pop() {
        for entry in std::fs::read_dir(data.join(&relative)).expect("the data directory") {
            let entry = entry.expect("a directory entry");
            let name = relative.join(entry.file_name());
            if entry.file_type().expect("a file type").is_dir() {
                directories.push(name);
            } else if name.extension().is_some_and(|e| e == "toml") {
                let bytes = std::fs::read(entry.path()).expect("a source file");
                files.insert(name.to_string_lossy().replace('\\', "/"), bytes);
            }
        }
    }
    files
}

/// Applies `input` to a copy of the real source files and loads them.
///
/// `input` is a splice: byte 0 picks the file, bytes 1–2 the place (scaled
/// to the file's length), byte 3 how many bytes to remove there, and the
/// rest is inserted. Small inputs keep most of the real data valid, so the
/// semantic checks are reached, not only the TOML parser.
///
/// Properties: the loader never panics; every error names a source file, a
/// line within it (or none, for whole-file errors) and a message; valid
/// data converts to triples.
pub fn source_loader(real: &BTreeMap<String, Vec<u8>>, input: &[u8]) {
    let [pick, at_high, at_low, remove, insert @ ..] = input else {
        return;
    };
    let mut files = real.clone();
    let name = files
        .keys()
        .nth(usize::from(*pick) % real.len())
        .expect("a file")
        .clone();
    let text = files.get_mut(&name).expect("the picked file");
    let at = usize::from(u16::from_be_bytes([*at_high, *at_low])) * text.len() / 65_536;
    let end = (at + usize::from(*remove)).min(text.len());
    text.splice(at..end, insert.iter().copied());

    let root = PathBuf::from("data");
    let source = InMemory {
        root: root.clone(),
        files,
    };
    match SourceData::load_from(&source) {
        Ok(data) => assert!(!data_triples(&data).is_empty(), "valid data makes triples"),
        Err(errors) => {
            assert!(!errors.0.is_empty(), "a failure reports at least one error");
            for error in &errors.0 {
                let name = error
                    .file
                    .strip_prefix(&root)
                    .unwrap_or_else(|_| panic!("{error}: not a source file"))
                    .to_string_lossy()
                    .replace('\\', "/");
                let shown = error.to_string();
                assert!(
                    shown.starts_with(&error.file.display().to_string()),
                    "{shown}: the message starts with the file"
                );
                assert!(!error.message.trim().is_empty(), "{shown}: no message");
                if let Some(text) = source.files.get(&name) {
                    let lines = text.split(|b| *b == b'\n').count();
                    assert!(error.line <= lines, "{shown}: line past the end ({lines})");
                } else {
                    assert!(
                        name == "editions" || !real.contains_key(&name),
                        "{shown}: an error about a file that was not read"
                    );
                }
            }
        }
    }
}

/// Parses `input` as a SPARQL protocol request: the bytes before the first
/// `\n` are an `Accept` header, the rest the URL-encoded parameters.
///
/// Properties: parsing and content negotiation never panic, and every
/// refusal is a client error (4xx) with a message.
pub fn query_parameters(input: &[u8]) {
    let (accept, parameters) = match input.iter().position(|b| *b == b'\n') {
        Some(at) => (&input[..at], &input[at + 1..]),
        None => (&[][..], input),
    };
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_bytes(accept) {
        headers.insert(header::ACCEPT, value);
    }
    let refused = |error: territoire_innovant::server::error::ApiError| {
        assert!(
            error.status.is_client_error(),
            "{}: {}",
            error.status,
            error.message
        );
        assert!(!error.message.is_empty());
    };
    match ProtocolRequest::from_pairs(parameters) {
        Ok(request) => {
            let formats = &request.formats;
            let _ = negotiate::results_format(&headers, formats).map_err(refused);
            let _ = negotiate::boolean_format(&headers, formats).map_err(refused);
            let _ = negotiate::graph_format(&headers, formats).map_err(refused);
            let _ = negotiate::page_or_graph(&headers, formats).map_err(refused);
        }
        Err(error) => refused(error),
    }
}
