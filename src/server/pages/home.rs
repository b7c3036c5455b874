//! The home page: what the data set is, its editions, the awards by
//! category, the downloads; with the schema.org `Dataset` description that
//! Google Dataset Search reads.

use super::{local_href, render, select_rows};
use crate::describe::label;
use crate::publish::FileFormat;
use crate::rdf::base::mint;
use crate::rdf::vocab::dct;
use crate::server::AppState;
use axum::http::StatusCode;
use axum::response::Response;
use oxigraph::model::{NamedNodeRef, TermRef};
use serde::Serialize;
use serde_json::json;

#[derive(Serialize)]
struct Link {
    name: String,
    href: String,
}

#[derive(Serialize)]
struct AwardView {
    href: String,
    title: String,
    level: String,
    rank: String,
    year: String,
    laureates: Vec<Link>,
}

#[derive(Serialize)]
struct CategoryView {
    href: String,
    label: String,
    awards: Vec<AwardView>,
}

fn href(state: &AppState, iri: &str) -> String {
    local_href(&state.names.base, iri).unwrap_or_else(|| iri.to_owned())
}

/// Renders the home page, its awards narrowed by the facets chosen in
/// `parameters` (see [`super::facets`]).
pub fn home(state: &AppState, parameters: &std::collections::BTreeMap<String, String>) -> Response {
    let (options, map) = state
        .home_parts
        .0
        .get_or_init(|| (super::facets::facets(state), super::map::map(state, None)));
    let facets = super::facets::choose(options, parameters);
    let chosen = super::facets::chosen_awards(state, &facets);
    let mut shown = std::collections::HashSet::new();
    let base = &state.names.base;
    let dataset = base.rebase_node(mint::dataset());
    let text = |predicate: NamedNodeRef<'_>, lang: &str| {
        state
            .query_index
            .quads_for_pattern(Some(dataset.as_ref().into()), Some(predicate), None, None)
            .find_map(|q| match q.object {
                TermRef::Literal(l) if l.language() == Some(lang) => Some(String::from(l.value())),
                _ => None,
            })
            .unwrap_or_default()
    };
    let title = text(dct::TITLE, "fr");
    let description = text(dct::DESCRIPTION, "fr");

    let editions: Vec<_> = select_rows(state,
        "SELECT ?e ?label (COUNT(?a) AS ?awards) (SAMPLE(?p) AS ?presented) (SAMPLE(?au) AS ?auditioned) (SAMPLE(?s) AS ?selected)
         WHERE { ?e a ti:Edition ; <http://www.w3.org/2000/01/rdf-schema#label> ?label ; ti:year ?year .
                 OPTIONAL { ?a ti:edition ?e } OPTIONAL { ?e ti:projectsPresented ?p }
                 OPTIONAL { ?e ti:projectsAuditioned ?au } OPTIONAL { ?e ti:territoriesSelected ?s } }
         GROUP BY ?e ?label ?year ORDER BY DESC(?year)",
    )
    .into_iter()
    .map(|r| {
        json!({
            "href": href(state, &r[0]), "label": r[1], "awards": r[2],
            "presented": r[3], "auditioned": r[4], "selected": r[5],
        })
    })
    .collect();

    let mut categories: Vec<CategoryView> = Vec::new();
    for r in select_rows(state,
        "SELECT ?category ?categoryLabel ?award ?title ?level ?rank ?year ?laureate
         WHERE { ?award a ti:Award ; ti:category ?category ; ti:level ?l ; ti:project/dct:title ?title ;
                        ti:edition/ti:year ?year ; ti:laureate ?laureate .
                 ?category skos:prefLabel ?categoryLabel ; ti:position ?position .
                 ?l skos:prefLabel ?level ; ti:rank ?rank .
                 FILTER(lang(?categoryLabel) = 'fr' && lang(?level) = 'fr') }
         ORDER BY ?position DESC(?year) ?rank ?title ?award ?laureate",
    ) {
        let [category, category_label, award, title, level, rank, year, laureate] =
            <[String; 8]>::try_from(r).expect("eight variables");
        if chosen.as_ref().is_some_and(|chosen| !chosen.contains(&award)) {
            continue;
        }
        shown.insert(award.clone());
        if categories.last().is_none_or(|c| c.label != category_label) {
            categories.push(CategoryView {
                href: href(state, &category),
                label: category_label,
                awards: Vec::new(),
            });
        }
        let awards = &mut categories.last_mut().expect("pushed above").awards;
        let award_href = href(state, &award);
        if awards.last().is_none_or(|a| a.href != award_href) {
            awards.push(AwardView {
                href: award_href,
                title,
                level,
                rank,
                year,
                laureates: Vec::new(),
            });
        }
        let name = oxigraph::model::NamedNode::new(laureate.clone())
            .ok()
            .and_then(|n| label(&state.names, &state.query_index, n.as_ref()))
            .map_or(laureate.clone(), |l| l.value().to_owned());
        awards
            .last_mut()
            .expect("pushed above")
            .laureates
            .push(Link { name, href: href(state, &laureate) });
    }

    let downloads = downloads(state);
    let json_ld = dataset_json_ld(state, &title, &description);
    render(
        "home.html",
        minijinja::context! {
            title => title, description => description, editions => editions,
            categories => categories, downloads => downloads, json_ld => json_ld,
            map => map,
            facets => facets,
            filtered => chosen.is_some(),
            shown => shown.len(),
        },
        StatusCode::OK,
    )
}

/// The downloads, in three groups: the tables for spreadsheets, the data
/// for Linked Data tools, the descriptions of the publication. Each file
/// with what it holds, its format by name and its size as a reader reads it.
fn downloads(state: &AppState) -> Vec<serde_json::Value> {
    use crate::publish::{CATALOG_STEM, CHECKSUMS_FILE, DATA_PACKAGE, VOID_FILE};
    let group_of = |name: &str| {
        let format = FileFormat::of(name);
        if matches!(format.media_type, "text/csv" | "application/csvm+json") || name == DATA_PACKAGE
        {
            0
        } else if name.split('.').next() == Some(CATALOG_STEM)
            || [VOID_FILE, CHECKSUMS_FILE].contains(&name)
        {
            2
        } else {
            1
        }
    };
    let groups = [
        ("tableurs", "Pour les tableurs"),
        ("donnees-liees", "Données liées (RDF)"),
        ("descriptions", "Descriptions de la publication"),
    ];
    groups
        .iter()
        .enumerate()
        .map(|(index, (id, title))| {
            // The tables before their descriptions.
            let mut files: Vec<_> = state
                .publication
                .files
                .iter()
                .filter(|f| group_of(&f.name) == index)
                .collect();
            files.sort_by_key(|f| (!f.name.ends_with(".csv"), &f.name));
            let files: Vec<_> = files
                .into_iter()
                .map(|f| {
                    json!({
                        "name": f.name, "href": format!("/dumps/{}", f.name),
                        "description": crate::publish::file_description(&f.name),
                        "format": FileFormat::of(&f.name).name(),
                        "size": super::reading::size_in_french(f.bytes.len() as u64),
                        "sha256": f.sha256,
                    })
                })
                .collect();
            json!({ "id": id, "title": title, "files": files })
        })
        .collect()
}

/// The schema.org `Dataset` of the home page.
fn dataset_json_ld(state: &AppState, title: &str, description: &str) -> serde_json::Value {
    let base = &state.names.base;
    let years: Vec<String> = select_rows(state, "SELECT ?y WHERE { ?e ti:year ?y } ORDER BY ?y")
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    let publisher = select_rows(
        state,
        &format!(
            "SELECT ?name ?homepage ?organisation WHERE {{ <{}> dct:publisher ?p . ?p skos:prefLabel ?name OPTIONAL {{ ?p <http://xmlns.com/foaf/0.1/homepage> ?homepage }} BIND(EXISTS {{ ?p a <http://www.w3.org/ns/org#Organization> }} AS ?organisation) }} LIMIT 1",
            base.rebase_node(mint::dataset()).as_str()
        ),
    );
    let license = select_rows(
        state,
        &format!(
            "SELECT ?l WHERE {{ <{}> dct:license ?l }} LIMIT 1",
            base.rebase_node(mint::dataset()).as_str()
        ),
    );
    let keywords: Vec<String> = select_rows(
        state,
        &format!(
            "SELECT ?k WHERE {{ <{}> <http://www.w3.org/ns/dcat#keyword> ?k }} ORDER BY ?k",
            base.rebase_node(mint::dataset()).as_str()
        ),
    )
    .into_iter()
    .map(|r| r[0].clone())
    .collect();
    let distributions: Vec<_> = state
        .publication
        .files
        .iter()
        .filter(|f| FileFormat::of(&f.name).eu_file_type.is_some())
        .map(|f| {
            json!({
                "@type": "DataDownload",
                "encodingFormat": FileFormat::of(&f.name).content_type(),
                "contentUrl": format!("{base}dumps/{}", f.name),
                "contentSize": format!("{} B", f.bytes.len()),
            })
        })
        .collect();
    let mut value = json!({
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": base.rebase_node(mint::dataset()).as_str(),
        "name": title,
        "description": description,
        "url": base.as_str(),
        "inLanguage": "fr",
        "isAccessibleForFree": true,
        "keywords": keywords,
        "spatialCoverage": { "@type": "Place", "name": "France" },
        "distribution": distributions,
    });
    if let (Some(first), Some(last)) = (years.first(), years.last()) {
        value["temporalCoverage"] = json!(format!("{first}/{last}"));
    }
    // schema.org wants an organisation (or a person) here: the publication
    // itself, the default publisher, is neither, and is left out.
    if let Some(row) = publisher
        .first()
        .filter(|row| row[2] == "true" || !row[1].is_empty())
    {
        let mut organisation = json!({ "@type": "Organization", "name": row[0] });
        if !row[1].is_empty() {
            organisation["url"] = json!(row[1]);
        }
        value["creator"] = organisation.clone();
        value["publisher"] = organisation;
    }
    if let Some(row) = license.first() {
        value["license"] = json!(row[0]);
    }
    value
}
