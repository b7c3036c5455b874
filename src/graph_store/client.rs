//! The HTTP side of a push: requests to a store's Graph Store Protocol,
//! query and update endpoints, with the credentials the store asks for
//! (HTTP Basic, Digest as Virtuoso asks, or a bearer token).

use md5::{Digest as _, Md5};
use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use reqwest::{Method, StatusCode, Url};
use std::sync::Mutex;
use std::time::Duration;

/// How long one request may take: a large chunk into a busy store is slow.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(600);

/// What went wrong talking to the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store could not be reached, or the connection broke.
    #[error("{method} {url}: {source}")]
    Transport {
        /// The request's method.
        method: Method,
        /// The request's URL, without credentials.
        url: String,
        /// What the HTTP client reported.
        source: reqwest::Error,
    },
    /// The store answered with an error status.
    #[error("{method} {url}: the store answered {status}: {body}")]
    Status {
        /// The request's method.
        method: Method,
        /// The request's URL, without credentials.
        url: String,
        /// The status.
        status: StatusCode,
        /// The start of the answer's body.
        body: String,
    },
    /// The store's answer is not what the protocol says.
    #[error("{url}: {message}")]
    Answer {
        /// The request's URL, without credentials.
        url: String,
        /// What was expected.
        message: String,
    },
}

/// Credentials for the store, from the environment, never printed.
#[derive(Clone, Default)]
pub enum Credentials {
    /// No credentials.
    #[default]
    None,
    /// A user name and password, sent as the store's challenge asks (Basic
    /// or Digest).
    Password {
        /// The user name.
        user: String,
        /// The password.
        password: String,
    },
    /// A bearer token.
    Token(String),
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Credentials::None => "no credentials",
            Credentials::Password { .. } => "user and password (hidden)",
            Credentials::Token(_) => "bearer token (hidden)",
        })
    }
}

impl Credentials {
    /// `TI_GRAPH_STORE_TOKEN`, else `TI_GRAPH_STORE_USER` with
    /// `TI_GRAPH_STORE_PASSWORD`, else none.
    pub fn from_env() -> Self {
        let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
        if let Some(token) = var("TI_GRAPH_STORE_TOKEN") {
            return Credentials::Token(token);
        }
        match var("TI_GRAPH_STORE_USER") {
            Some(user) => Credentials::Password {
                user,
                password: var("TI_GRAPH_STORE_PASSWORD").unwrap_or_default(),
            },
            None => Credentials::None,
        }
    }
}

/// The last Digest challenge of the store, and how many times its nonce
/// was used.
struct DigestChallenge {
    realm: String,
    nonce: String,
    opaque: Option<String>,
    qop_auth: bool,
    count: u32,
}

/// A client of one store.
pub struct StoreClient {
    http: Client,
    credentials: Credentials,
    digest: Mutex<Option<DigestChallenge>>,
    basic: Mutex<bool>,
}

/// An N-Triples document to send.
pub const N_TRIPLES: &str = "application/n-triples";
const RESULTS_JSON: &str = "application/sparql-results+json";

impl StoreClient {
    /// A client sending `credentials` when the store asks for them.
    pub fn new(credentials: Credentials) -> Result<Self, StoreError> {
        let http = Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("territoire-innovant/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|source| StoreError::Transport {
                method: Method::GET,
                url: String::new(),
                source,
            })?;
        Ok(Self {
            http,
            credentials,
            digest: Mutex::new(None),
            basic: Mutex::new(false),
        })
    }

    /// Sends a request, answering the store's authentication challenge once
    /// if it makes one; an error status is an error.
    pub fn send(
        &self,
        method: Method,
        url: &Url,
        content_type: Option<&str>,
        accept: Option<&str>,
        body: Vec<u8>,
    ) -> Result<Response, StoreError> {
        let build = |authorization: Option<String>| {
            let mut request: RequestBuilder = self.http.request(method.clone(), url.clone());
            if let Some(content_type) = content_type {
                request = request.header(CONTENT_TYPE, content_type);
            }
            if let Some(accept) = accept {
                request = request.header(reqwest::header::ACCEPT, accept);
            }
            if let Some(authorization) = authorization {
                request = request.header(AUTHORIZATION, authorization);
            }
            request.body(body.clone())
        };
        let transport = |source| StoreError::Transport {
            method: method.clone(),
            url: display(url),
            source,
        };
        let mut response = build(self.authorization(&method, url))
            .send()
            .map_err(transport)?;
        if response.status() == StatusCode::UNAUTHORIZED && self.learn(&response) {
            response = build(self.authorization(&method, url))
                .send()
                .map_err(transport)?;
        }
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status();
        let text = response.text().unwrap_or_default();
        Err(StoreError::Status {
            method,
            url: display(url),
            status,
            body: text.chars().take(500).collect::<String>().trim().to_owned(),
        })
    }

    /// Runs a SELECT query and returns its rows, each binding as its
    /// lexical value.
    pub fn select(
        &self,
        endpoint: &Url,
        query: &str,
    ) -> Result<Vec<std::collections::HashMap<String, String>>, StoreError> {
        let body = form(&[("query", query)]);
        let response = self.send(
            Method::POST,
            endpoint,
            Some("application/x-www-form-urlencoded"),
            Some(RESULTS_JSON),
            body,
        )?;
        let answer = |message: String| StoreError::Answer {
            url: display(endpoint),
            message,
        };
        let json: serde_json::Value = response
            .json()
            .map_err(|e| answer(format!("the results are not SPARQL JSON: {e}")))?;
        let bindings = json["results"]["bindings"]
            .as_array()
            .ok_or_else(|| answer("the results have no results.bindings".into()))?;
        Ok(bindings
            .iter()
            .map(|row| {
                row.as_object()
                    .into_iter()
                    .flatten()
                    .filter_map(|(name, term)| {
                        Some((name.clone(), term["value"].as_str()?.to_owned()))
                    })
                    .collect()
            })
            .collect())
    }

    /// Runs a SPARQL update.
    pub fn update(&self, endpoint: &Url, update: &str) -> Result<(), StoreError> {
        self.send(
            Method::POST,
            endpoint,
            Some("application/x-www-form-urlencoded"),
            None,
            form(&[("update", update)]),
        )
        .map(drop)
    }

    /// The header to send before any challenge, or for the one learnt.
    fn authorization(&self, method: &Method, url: &Url) -> Option<String> {
        match &self.credentials {
            Credentials::None => None,
            Credentials::Token(token) => Some(format!("Bearer {token}")),
            Credentials::Password { user, password } => {
                if *self.basic.lock().unwrap() {
                    return Some(basic(user, password));
                }
                let mut digest = self.digest.lock().unwrap();
                let challenge = digest.as_mut()?;
                challenge.count += 1;
                let cnonce = md5_hex(&format!(
                    "{}:{}:{}",
                    std::process::id(),
                    challenge.count,
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .unwrap_or_default()
                        .as_nanos()
                ));
                Some(digest_authorization(
                    challenge,
                    (user, password),
                    method,
                    url,
                    &cnonce[..16],
                ))
            }
        }
    }

    /// Reads the challenge of a 401: whether to try again with credentials.
    fn learn(&self, response: &Response) -> bool {
        if !matches!(self.credentials, Credentials::Password { .. }) {
            return false;
        }
        for value in response.headers().get_all(WWW_AUTHENTICATE) {
            let Ok(value) = value.to_str() else { continue };
            let (scheme, parameters) = value.split_once(' ').unwrap_or((value, ""));
            if scheme.eq_ignore_ascii_case("digest") {
                let parameters = challenge_parameters(parameters);
                let get = |name: &str| parameters.iter().find(|(k, _)| k == name).map(|(_, v)| v);
                let (Some(realm), Some(nonce)) = (get("realm"), get("nonce")) else {
                    continue;
                };
                *self.digest.lock().unwrap() = Some(DigestChallenge {
                    realm: realm.clone(),
                    nonce: nonce.clone(),
                    opaque: get("opaque").cloned(),
                    qop_auth: get("qop").is_some_and(|q| q.split(',').any(|q| q.trim() == "auth")),
                    count: 0,
                });
                return true;
            }
            if scheme.eq_ignore_ascii_case("basic") {
                let mut basic = self.basic.lock().unwrap();
                let first = !*basic;
                *basic = true;
                return first;
            }
        }
        false
    }
}

/// A URL as it may be printed: without user name or password.
pub fn display(url: &Url) -> String {
    let mut url = url.clone();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.to_string()
}

fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        serializer.append_pair(name, value);
    }
    serializer.finish().into_bytes()
}

fn basic(user: &str, password: &str) -> String {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {encoded}")
}

fn md5_hex(text: &str) -> String {
    Md5::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The `Authorization` header of RFC 7616 (MD5, `qop=auth` when offered).
fn digest_authorization(
    challenge: &DigestChallenge,
    (user, password): (&str, &str),
    method: &Method,
    url: &Url,
    cnonce: &str,
) -> String {
    let uri = match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    };
    let ha1 = md5_hex(&format!("{user}:{}:{password}", challenge.realm));
    let ha2 = md5_hex(&format!("{method}:{uri}"));
    let nc = format!("{:08x}", challenge.count);
    let quote = |v: &str| v.replace('\\', "\\\\").replace('"', "\\\"");
    let mut header = format!(
        "Digest username=\"{}\", realm=\"{}\", nonce=\"{}\", uri=\"{}\", algorithm=MD5",
        quote(user),
        quote(&challenge.realm),
        quote(&challenge.nonce),
        quote(&uri)
    );
    if challenge.qop_auth {
        let response = md5_hex(&format!(
            "{ha1}:{}:{nc}:{cnonce}:auth:{ha2}",
            challenge.nonce
        ));
        header.push_str(&format!(
            ", qop=auth, nc={nc}, cnonce=\"{cnonce}\", response=\"{response}\""
        ));
    } else {
        let response = md5_hex(&format!("{ha1}:{}:{ha2}", challenge.nonce));
        header.push_str(&format!(", response=\"{response}\""));
    }
    if let Some(opaque) = &challenge.opaque {
        header.push_str(&format!(", opaque=\"{}\"", quote(opaque)));
    }
    header
}

/// The `name=value` pairs of a challenge, values unquoted.
fn challenge_parameters(text: &str) -> Vec<(String, String)> {
    let mut parameters = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let Some((name, after)) = rest.split_once('=') else {
            break;
        };
        let name = name
            .trim()
            .trim_start_matches(',')
            .trim()
            .to_ascii_lowercase();
        let after = after.trim_start();
        let (value, remaining) = if let Some(quoted) = after.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, escaped)) = chars.next() {
                            value.push(escaped);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    c => value.push(c),
                }
            }
            (value, &quoted[end..])
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (after[..end].trim().to_owned(), &after[end..])
        };
        parameters.push((name, value));
        rest = remaining.trim_start().trim_start_matches(',').trim_start();
    }
    parameters
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_are_read_with_quoted_and_bare_values() {
        let parameters = challenge_parameters(
            r#"realm="SPARQL", domain="/sparql-auth", nonce="ab\"c", stale=false, qop="auth,auth-int", algorithm=MD5"#,
        );
        let get = |n: &str| {
            parameters
                .iter()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("realm"), Some("SPARQL"));
        assert_eq!(get("nonce"), Some("ab\"c"));
        assert_eq!(get("stale"), Some("false"));
        assert_eq!(get("qop"), Some("auth,auth-int"));
        assert_eq!(get("algorithm"), Some("MD5"));
    }

    /// The example of RFC 2617, section 3.5.
    #[test]
    fn digest_answers_as_rfc_2617_computes() {
        let challenge = DigestChallenge {
            realm: "testrealm@host.com".into(),
            nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093".into(),
            opaque: Some("5ccc069c403ebaf9f0171e9517f40e41".into()),
            qop_auth: true,
            count: 1,
        };
        let header = digest_authorization(
            &challenge,
            ("Mufasa", "Circle Of Life"),
            &Method::GET,
            &Url::parse("http://www.nowhere.org/dir/index.html").unwrap(),
            "0a4f113b",
        );
        assert!(
            header.contains("response=\"6629fae49393a05397450978507c4ef1\""),
            "{header}"
        );
        assert!(header.starts_with("Digest username=\"Mufasa\""), "{header}");
        assert!(header.contains("uri=\"/dir/index.html\""), "{header}");
        assert!(header.contains("nc=00000001"), "{header}");
        assert!(header.contains("opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""));
        assert!(!header.contains("Circle"), "{header}");
    }

    #[test]
    fn urls_are_printed_without_credentials() {
        let url = Url::parse("http://dba:secret@store.example/sparql-graph-crud-auth").unwrap();
        assert_eq!(display(&url), "http://store.example/sparql-graph-crud-auth");
    }
}
