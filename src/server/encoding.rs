//! `Accept-Encoding` for files that have a gzipped twin (RFC 9110,
//! 12.5.3): whether to send the twin with `Content-Encoding: gzip`, as
//! nginx's `gzip_static` does. No maintained crate parses it with q-values
//! and `*` correctly, and only two codings matter here: gzip and identity.

use axum::http::{HeaderMap, header};

/// How a file with a gzipped twin is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    /// The gzipped twin, with `Content-Encoding: gzip`.
    Gzip,
    /// The file as it is.
    Identity,
    /// Neither is acceptable (`identity;q=0` without gzip): `406`.
    Unacceptable,
}

/// The coding the request's `Accept-Encoding` prefers among gzip and
/// identity. Without the header, identity. A coding's weight is its own
/// entry's `q`, else that of `*`; identity is acceptable unless excluded
/// (`identity;q=0`, or `*;q=0` without an identity entry), but when no
/// entry weighs it, any acceptable gzip comes first. Gzip wins ties: it is
/// what the client asked for, in far fewer bytes. An entry whose `q` is
/// not a number between 0 and 1 is ignored.
pub fn preferred(headers: &HeaderMap) -> Coding {
    let mut gzip = None;
    let mut identity = None;
    let mut any = None;
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for entry in value.split(',') {
            let mut parts = entry.split(';');
            let coding = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let Some(q) = weight(parts) else { continue };
            let slot = match coding.as_str() {
                "gzip" | "x-gzip" => &mut gzip,
                "identity" => &mut identity,
                "*" => &mut any,
                _ => continue,
            };
            *slot = Some(q);
        }
    }
    let gzip = gzip.or(any).unwrap_or(0.0);
    let identity = identity.or(any);
    if gzip > 0.0 && identity.is_none_or(|identity| gzip >= identity) {
        Coding::Gzip
    } else if identity.is_none_or(|identity| identity > 0.0) {
        Coding::Identity
    } else {
        Coding::Unacceptable
    }
}

/// The `q` parameter among an entry's parameters (1 when absent), or `None`
/// when it is not a number between 0 and 1.
fn weight<'a>(parameters: impl Iterator<Item = &'a str>) -> Option<f32> {
    for parameter in parameters {
        if let Some((name, value)) = parameter.split_once('=')
            && name.trim().eq_ignore_ascii_case("q")
        {
            return value
                .trim()
                .parse::<f32>()
                .ok()
                .filter(|q| (0.0..=1.0).contains(q));
        }
    }
    Some(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn coding(accept_encoding: Option<&str>) -> Coding {
        let mut headers = HeaderMap::new();
        if let Some(value) = accept_encoding {
            headers.insert(
                header::ACCEPT_ENCODING,
                HeaderValue::from_str(value).unwrap(),
            );
        }
        preferred(&headers)
    }

    #[test]
    fn every_q_value_case() {
        use Coding::*;
        for (accept_encoding, expected) in [
            (None, Identity),
            (Some(""), Identity),
            (Some("gzip"), Gzip),
            (Some("GZIP"), Gzip),
            (Some("x-gzip"), Gzip),
            (Some("gzip, deflate, br"), Gzip),
            (Some("br, deflate"), Identity),
            (Some("gzip;q=0"), Identity),
            (Some("gzip; q=0.0"), Identity),
            (Some("gzip;q=0.001"), Gzip),
            (Some("*"), Gzip),
            (Some("*;q=0"), Unacceptable),
            (Some("*;q=0, identity"), Identity),
            (Some("*;q=0, gzip"), Gzip),
            (Some("*, gzip;q=0"), Identity),
            (Some("identity;q=0"), Unacceptable),
            (Some("identity;q=0, gzip"), Gzip),
            (Some("identity;q=0, *"), Gzip),
            (Some("gzip;q=0.5, identity"), Identity),
            (Some("gzip;q=0.5, identity;q=0.5"), Gzip),
            (Some("gzip;q=1, identity;q=0.5"), Gzip),
            (Some("gzip;q=abc"), Identity),
            (Some("gzip;q=2"), Identity),
            (Some("deflate;q=0.5, gzip;level=9"), Gzip),
        ] {
            assert_eq!(coding(accept_encoding), expected, "{accept_encoding:?}");
        }
    }

    #[test]
    fn several_headers_are_one_list() {
        let mut headers = HeaderMap::new();
        headers.append(header::ACCEPT_ENCODING, HeaderValue::from_static("br"));
        headers.append(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
        assert_eq!(preferred(&headers), Coding::Gzip);
    }
}
