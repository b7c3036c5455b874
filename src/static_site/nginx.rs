//! The nginx configuration of a static export: the content negotiation,
//! `Vary`, `Link` and `Content-Location` of `serve`, for nginx to include in
//! its `http { }`.

use super::DOCUMENT_FORMATS;
use super::UDATA_SUFFIX;
use crate::publish::{CSVW_METADATA, CatalogProfile, FileFormat};
use crate::server::{AppState, STATIC_FILES};
use std::collections::BTreeMap;
use std::path::Path;

/// How the export is served.
#[derive(Debug, Clone)]
pub struct NginxOptions {
    /// nginx's `listen` (e.g. `8080`, `127.0.0.1:8080`).
    pub listen: String,
    /// A running `serve` (`http://host:port`) that answers what files
    /// cannot (`/sparql`, `/recherche`, `/fragments`, `/ldes`, `/health`);
    /// without one these answer `404`.
    pub upstream: Option<String>,
}

impl Default for NginxOptions {
    fn default() -> Self {
        Self {
            listen: "8080".into(),
            upstream: None,
        }
    }
}

/// The routes of `serve` that only a running server answers.
const DYNAMIC_ROUTES: &str = "sparql|recherche|fragments|ldes|health";

/// The configuration text: two `map`s (the format an `Accept` asks for, and
/// the error page) and one `server { }` whose `root` is `root`.
pub fn configuration(state: &AppState, root: &Path, options: &NginxOptions) -> String {
    let base = state.names.base.as_str().trim_end_matches('/');
    let mut types: BTreeMap<String, String> = BTreeMap::new();
    let mut add = |extension: &str, content_type: &str| {
        let media_type = content_type.split(';').next().unwrap_or_default().trim();
        types
            .entry(media_type.to_owned())
            .or_default()
            .push_str(&format!(" {extension}"));
    };
    for (extension, media_type) in DOCUMENT_FORMATS {
        add(extension, media_type);
    }
    // The CSVW metadata shares its extension with the data package: its
    // media type is set by a location of its own.
    for file in &state.publication.files {
        if file.name == CSVW_METADATA {
            continue;
        }
        if let Some((_, extension)) = file.name.rsplit_once('.') {
            add(extension, FileFormat::of(&file.name).content_type());
        }
    }
    for (name, content_type, _) in STATIC_FILES {
        add(name.rsplit('.').next().unwrap_or_default(), content_type);
    }
    add("xml", "application/xml");
    add("txt", "text/plain");
    let types: String = types
        .iter()
        .map(|(media_type, extensions)| {
            let mut extensions: Vec<&str> = extensions.split_whitespace().collect();
            extensions.sort_unstable();
            extensions.dedup();
            format!("        {media_type} {};\n", extensions.join(" "))
        })
        .collect();
    let formats: Vec<&str> = DOCUMENT_FORMATS.iter().map(|(e, _)| *e).collect();
    let formats = formats.join("|");
    let alternates = |resource: &str| {
        let mut links: Vec<String> = DOCUMENT_FORMATS
            .iter()
            .map(|(extension, media_type)| {
                format!(
                    "<{resource}.{extension}>; rel=\\\"alternate\\\"; type=\\\"{media_type}\\\""
                )
            })
            .collect();
        links.push(format!("<{base}{resource}>; rel=\\\"canonical\\\""));
        links.join(", ")
    };
    let common = |indent: &str| {
        format!(
            "{indent}add_header X-Content-Type-Options nosniff always;\n\
             {indent}add_header Access-Control-Allow-Origin \"*\" always;\n"
        )
    };
    let server_headers = common("    ");
    let common = common("        ");
    let upstream = match &options.upstream {
        Some(upstream) => format!(
            "    # What only a running server answers: queries, search, fragments, change feed.\n    \
             location ~ ^/({DYNAMIC_ROUTES})(/|$) {{\n        \
             proxy_pass {upstream};\n        \
             proxy_set_header Host $host;\n        \
             proxy_set_header X-Forwarded-Proto $scheme;\n        \
             # The client's address, for the upstream's fair use (--trusted-proxy).\n        \
             proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n    }}\n\n"
        ),
        None => String::new(),
    };
    let negotiated_links = alternates("$ti_resource");
    let root = root.display();
    let listen = &options.listen;
    let csvw_type = FileFormat::of(CSVW_METADATA).content_type();
    let udata_iri = CatalogProfile::Udata.iri(&state.names.base);
    let udata_path = CatalogProfile::UDATA_PATH;
    format!(
        "# Written by `territoire-innovant build --site`: the static export of the
# Linked Data of {base}/, served as `serve` serves it. Include this file in
# the http {{ }} block of nginx.conf.
#
# The format a resource URL answers in is read from the first media type of
# Accept that the server knows, or else any it names (q-values are not
# weighed); Turtle when none.
map $http_accept $ti_format {{
    default ttl;
    \"~*^\\s*(text/html|application/xhtml\\+xml)\" html;
    \"~*^\\s*application/n-triples\" nt;
    \"~*^\\s*application/ld\\+json\" jsonld;
    \"~*^\\s*application/rdf\\+xml\" rdf;
    \"~*^\\s*text/turtle\" ttl;
    \"~*(text/html|application/xhtml\\+xml)\" html;
    \"~*application/n-triples\" nt;
    \"~*application/ld\\+json\" jsonld;
    \"~*application/rdf\\+xml\" rdf;
}}

# The catalog's profile, as `serve` chooses it: udata's (data.gouv.fr's
# harvester, known by its User-Agent, or asked by Accept-Profile or
# ?_profile=udata), else DCAT-AP 3.
map \"$http_user_agent|$http_accept_profile|$arg__profile\" $ti_catalog_profile {{
    default \"\";
    \"~^uData/\" {UDATA_SUFFIX};
    \"~^[^|]*\\|[^|]*{udata_path}\" {UDATA_SUFFIX};
    \"~\\|udata$\" {UDATA_SUFFIX};
}}

map $ti_catalog_profile $ti_content_profile {{
    default \"<http://data.europa.eu/r5r/>\";
    {UDATA_SUFFIX} \"<{udata_iri}>\";
}}

map $http_accept $ti_not_found {{
    default /404.txt;
    \"~*text/html\" /404.html;
}}

server {{
    listen {listen};
    root {root};
    server_tokens off;
    charset utf-8;
    charset_types text/turtle text/csv text/css text/javascript text/plain application/xml;
    default_type application/octet-stream;
    types {{
{types}    }}
{server_headers}
    error_page 404 $ti_not_found;
    error_page 400 =404 $ti_not_found;
    location = /404.html {{ internal; }}
    location = /404.txt {{ internal; }}

{upstream}    location = / {{
        try_files /index.$ti_format =404;
        add_header Vary Accept;
        add_header Content-Location /index.$ti_format;
        add_header Cache-Control \"public, max-age=300\";
{common}    }}

    location = /statistiques {{
        try_files /statistiques.html =404;
        add_header Cache-Control \"public, max-age=300\";
{common}    }}

    location ~ ^/(robots\\.txt|sitemap\\.xml)$ {{
{common}    }}

    location ^~ /static/ {{
        add_header Cache-Control \"public, max-age=86400\";
{common}    }}

    # The dumps, and their gzipped twins for clients that accept gzip.
    location ^~ /dumps/ {{
        gzip_static on;
        default_type \"text/plain\";
        add_header Vary Accept-Encoding;
        add_header Cache-Control \"public, max-age=300\";
{common}        location = /dumps/{CSVW_METADATA} {{
            types {{ }}
            default_type {csvw_type};
        }}
    }}

    # The catalog in the profile asked for (a page has one profile).
    location = /catalog {{
        set $ti_resource /catalog;
        try_files /catalog$ti_catalog_profile.$ti_format /catalog.$ti_format =404;
        add_header Vary \"Accept, Accept-Profile, User-Agent\";
        add_header Content-Profile $ti_content_profile;
        add_header Content-Location /catalog.$ti_format;
        add_header Link \"{negotiated_links}\";
        add_header Cache-Control \"public, max-age=300\";
{common}    }}
    location ~ ^/catalog\\.(?<ti_catalog_format>ttl|nt|jsonld|rdf)$ {{
        set $ti_resource /catalog;
        try_files /catalog$ti_catalog_profile.$ti_catalog_format =404;
        add_header Vary \"Accept-Profile, User-Agent\";
        add_header Content-Profile $ti_content_profile;
        add_header Link \"{negotiated_links}\";
        add_header Cache-Control \"public, max-age=300\";
{common}    }}

    # A document URL: the resource in one format.
    location ~ \"^(?<ti_resource>/.+)\\.({formats})$\" {{
        try_files $uri $uri.$ti_format =404;
        add_header Link \"{negotiated_links}\";
        add_header Cache-Control \"public, max-age=300\";
{common}    }}

    # A resource URL: the document of the format Accept asks for.
    location / {{
        set $ti_resource $uri;
        try_files $uri.$ti_format =404;
        add_header Vary Accept;
        add_header Content-Location $ti_resource.$ti_format;
        add_header Link \"{negotiated_links}\";
        add_header Cache-Control \"public, max-age=300\";
{common}    }}
}}
"
    )
}
