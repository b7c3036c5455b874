//! The server as the client reached it: links a client follows (fragment
//! controls, change feed pages) name it, not the data set's base.

use axum::http::HeaderMap;

/// `scheme://host` of the request as the client sent it.
pub fn origin(headers: &HeaderMap) -> String {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let host = ["x-forwarded-host", "host"]
        .into_iter()
        .filter_map(text)
        .find(|h| !h.is_empty() && !h.contains(['/', ' ', '<', '>', '"', '{', '}']))
        .unwrap_or("localhost");
    let scheme = match text("x-forwarded-proto") {
        Some("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{host}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderValue, header};

    #[test]
    fn the_origin_is_the_host_the_client_asked() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::HOST,
            HeaderValue::from_static("data.example.org:8080"),
        );
        assert_eq!(origin(&headers), "http://data.example.org:8080");
        headers.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        headers.insert(
            "x-forwarded-host",
            HeaderValue::from_static("data.example.org"),
        );
        assert_eq!(origin(&headers), "https://data.example.org");
        headers.insert("x-forwarded-host", HeaderValue::from_static("evil.org/<x>"));
        assert_eq!(origin(&headers), "https://data.example.org:8080");
    }
}
