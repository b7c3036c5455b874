//! The map of the laureates: France's départements, overseas ones as insets,
//! drawn on the server as SVG (no script), each département that holds
//! laureates shaded by its number of awards and linked to its page, with
//! the same figures in a table. The outlines are the committed extract
//! `data/reference/carte-departements.json` (svg-maps, CC BY 4.0; see
//! `scripts/map-extract`).

use super::escape_xml;
use super::{local_href, select_rows};
use crate::server::AppState;
use oxigraph::model::NamedNode;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::sync::LazyLock;

#[derive(Deserialize)]
struct Outlines {
    sources: Vec<Source>,
    #[serde(rename = "viewBox")]
    view_box: [f64; 4],
    departements: Vec<Outline>,
}

#[derive(Deserialize)]
struct Source {
    package: String,
    version: String,
    licence: String,
    author: String,
}

#[derive(Deserialize)]
struct Outline {
    code: String,
    name: String,
    path: String,
    transform: Option<String>,
    inset: Option<[f64; 4]>,
}

static OUTLINES: LazyLock<Outlines> = LazyLock::new(|| {
    serde_json::from_str(include_str!(
        "../../../data/reference/carte-departements.json"
    ))
    .expect("the committed outlines read")
});

/// The awards of a département's laureates.
#[derive(Debug, Clone, Serialize)]
pub struct Departement {
    /// Its INSEE code (`24`, `2A`, `971`).
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its page.
    pub href: String,
    /// The awards its laureates received (an award shared by laureates of
    /// two départements counts in each).
    pub awards: usize,
}

/// The map: its drawing, its figures and where the outlines come from.
#[derive(Debug, Serialize)]
pub struct Map {
    /// The SVG drawing.
    pub svg: String,
    /// The départements with awards, by code.
    pub departements: Vec<Departement>,
    /// The shades of the legend: (text, colour).
    pub legend: Vec<(String, &'static str)>,
    /// The credit the outlines' licence asks for.
    pub credit: String,
    /// The awards that no département of the map holds (none of their
    /// laureates has a published département), with the data's reason.
    pub unplaced: Vec<Unplaced>,
    /// The sum of the départements' counts (an award shared between two
    /// départements counts in each).
    pub counted: usize,
}

/// An award on no département of the map.
#[derive(Debug, Serialize)]
pub struct Unplaced {
    /// The award's page.
    pub href: String,
    /// The award's label.
    pub label: String,
    /// Its laureates: (name, page, why its département is not published).
    pub laureates: Vec<(String, String, String)>,
}

/// Shades by number of awards: 1, 2, 3 or more.
const SHADES: [&str; 3] = ["#9dbbe3", "#4f7fc0", "#1d4f91"];
const NO_AWARD: &str = "#e6e6e6";

fn shade(awards: usize) -> &'static str {
    SHADES[awards.clamp(1, SHADES.len()) - 1]
}

/// The map of the awards of `edition` (an edition's IRI), or of every
/// edition.
pub fn map(state: &AppState, edition: Option<&NamedNode>) -> Map {
    let departements = awards_by_departement(state, edition);
    Map {
        svg: svg(&departements),
        legend: (1..=SHADES.len())
            .map(|n| {
                let text = match n {
                    1 => "1 prix".to_owned(),
                    n if n == SHADES.len() => format!("{n} prix ou plus"),
                    n => format!("{n} prix"),
                };
                (text, shade(n))
            })
            .collect(),
        credit: OUTLINES
            .sources
            .iter()
            .map(|s| format!("{} {} ({}, {})", s.package, s.version, s.author, s.licence))
            .collect::<Vec<_>>()
            .join(" ; "),
        counted: departements.iter().map(|d| d.awards).sum(),
        unplaced: unplaced_awards(state, edition),
        departements,
    }
}

/// The awards none of whose laureates has a département the map shows.
fn unplaced_awards(state: &AppState, edition: Option<&NamedNode>) -> Vec<Unplaced> {
    let base = &state.data_set.base;
    let of_edition = edition
        .map(|e| format!("?award ti:edition <{}> .", e.as_str()))
        .unwrap_or_default();
    let query = format!(
        "SELECT ?award ?label ?laureate ?name ?note WHERE {{\n\
           ?award a ti:Award ; ti:laureate ?laureate ; rdfs:label ?label . {of_edition}\n\
           FILTER(lang(?label) = \"fr\")\n\
           FILTER NOT EXISTS {{ ?award ti:laureate/ti:departement/ti:inseeCode ?code }}\n\
           ?laureate skos:prefLabel ?name .\n\
           OPTIONAL {{ ?laureate skos:editorialNote ?note FILTER(lang(?note) = \"fr\") }}\n\
         }} ORDER BY ?label ?name"
    );
    let href = |iri: &str| local_href(base, iri).unwrap_or_else(|| iri.to_owned());
    let mut awards: Vec<Unplaced> = Vec::new();
    for row in select_rows(state, &query) {
        let [award, label, laureate, name, note] =
            <[String; 5]>::try_from(row).expect("five variables");
        let laureate = (name, href(&laureate), note);
        match awards.last_mut() {
            Some(last) if last.href == href(&award) => {
                if !last.laureates.contains(&laureate) {
                    last.laureates.push(laureate);
                }
            }
            _ => awards.push(Unplaced {
                href: href(&award),
                label,
                laureates: vec![laureate],
            }),
        }
    }
    awards
}

/// The départements whose laureates received awards, with their count.
fn awards_by_departement(state: &AppState, edition: Option<&NamedNode>) -> Vec<Departement> {
    let base = &state.data_set.base;
    let of_edition = edition
        .map(|e| format!("?award ti:edition <{}> .", e.as_str()))
        .unwrap_or_default();
    let query = format!(
        "SELECT ?departement ?code ?name (COUNT(DISTINCT ?award) AS ?awards) WHERE {{\n\
           ?award ti:laureate/ti:departement ?departement . {of_edition}\n\
           ?departement ti:inseeCode ?code ; skos:prefLabel ?name .\n\
         }} GROUP BY ?departement ?code ?name ORDER BY ?code"
    );
    select_rows(state, &query)
        .into_iter()
        .map(|row| {
            let [iri, code, name, awards] = <[String; 4]>::try_from(row).expect("four variables");
            Departement {
                code,
                name,
                href: local_href(base, &iri).unwrap_or(iri),
                awards: awards.parse().unwrap_or(0),
            }
        })
        .collect()
}

/// An award of laureates of a place, with those laureates.
#[derive(Debug, Serialize)]
pub struct AwardHere {
    /// The award's page.
    pub href: String,
    /// The award's label.
    pub label: String,
    /// The laureates of the place who received it: (name, page).
    pub laureates: Vec<(String, String)>,
}

/// The awards of the laureates located in `place` (a département or a
/// région, by `ti:departement` or `ti:region`), by label.
pub fn awards_in(state: &AppState, place: &NamedNode) -> Vec<AwardHere> {
    let base = &state.data_set.base;
    let query = format!(
        "SELECT ?award ?label ?laureate ?name WHERE {{\n\
           ?laureate ti:departement|ti:region <{}> .\n\
           ?award ti:laureate ?laureate ; rdfs:label ?label .\n\
           ?laureate skos:prefLabel ?name .\n\
           FILTER(lang(?label) = \"fr\")\n\
         }} ORDER BY ?label ?name",
        place.as_str()
    );
    let href = |iri: String| local_href(base, &iri).unwrap_or(iri);
    let mut awards: Vec<AwardHere> = Vec::new();
    for row in select_rows(state, &query) {
        let [award, label, laureate, name] = <[String; 4]>::try_from(row).expect("four variables");
        let (award, laureate) = (href(award), (name, href(laureate)));
        match awards.iter_mut().find(|a| a.href == award) {
            Some(known) if !known.laureates.contains(&laureate) => known.laureates.push(laureate),
            Some(_) => {}
            None => awards.push(AwardHere {
                href: award,
                label,
                laureates: vec![laureate],
            }),
        }
    }
    awards
}

/// The drawing: every département, those with awards shaded and linked.
fn svg(departements: &[Departement]) -> String {
    let [x, y, width, height] = OUTLINES.view_box;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{x} {y} {width} {height}\" \
         role=\"group\" aria-labelledby=\"carte-titre carte-description\" class=\"map\">\
         <title id=\"carte-titre\">Carte des prix par département</title>\
         <desc id=\"carte-description\">Les départements de France, ceux d'outre-mer en encart à \
         gauche ; chaque département dont des lauréats ont reçu des prix est un lien vers sa page. \
         Les chiffres sont dans le tableau qui suit la carte.</desc>"
    );
    for outline in &OUTLINES.departements {
        if let Some([x, y, width, height]) = outline.inset {
            let _ = write!(
                svg,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{width}\" height=\"{height}\" fill=\"none\" \
                 stroke=\"#999\" aria-hidden=\"true\"/>"
            );
        }
        let transform = outline
            .transform
            .as_ref()
            .map(|t| format!(" transform=\"{t}\""))
            .unwrap_or_default();
        // Départements with awards are outlined dark, so that they stand
        // out from the others whatever their shade (WCAG 1.4.11).
        let path = |fill: &str, stroke: &str| {
            format!(
                "<path d=\"{}\"{transform} fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"0.8\" \
                 vector-effect=\"non-scaling-stroke\" data-code=\"{}\"",
                outline.path, outline.code
            )
        };
        match departements.iter().find(|d| d.code == outline.code) {
            Some(departement) => {
                let name = format!(
                    "{} : {} prix",
                    escape_xml(&departement.name),
                    departement.awards
                );
                let _ = write!(
                    svg,
                    "<a href=\"{}\" aria-label=\"{name}\">{} data-awards=\"{}\"><title>{name}</title></path></a>",
                    escape_xml(&departement.href),
                    path(shade(departement.awards), "#1b1b1b"),
                    departement.awards
                );
            }
            None => {
                let _ = write!(
                    svg,
                    "{} aria-hidden=\"true\"><title>{}</title></path>",
                    path(NO_AWARD, "#ffffff"),
                    escape_xml(&outline.name)
                );
            }
        }
        // An inset's name, drawn after its shape (so never under it), at
        // the frame's top, on a white halo.
        if let Some([x, y, _, _]) = outline.inset {
            let _ = write!(
                svg,
                "<text x=\"{}\" y=\"{}\" font-size=\"10\" paint-order=\"stroke\" stroke=\"#ffffff\" \
                 stroke-width=\"3\" aria-hidden=\"true\">{}</text>",
                x + 3.0,
                y + 11.0,
                escape_xml(&outline.name)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_departement_is_drawn_once_and_those_with_awards_are_links() {
        let codes: Vec<&str> = OUTLINES
            .departements
            .iter()
            .map(|d| d.code.as_str())
            .collect();
        assert_eq!(
            codes.len(),
            101,
            "96 in metropolitan France and Corsica, 5 overseas"
        );
        for code in ["01", "2A", "2B", "95", "971", "972", "973", "974", "976"] {
            assert_eq!(codes.iter().filter(|c| **c == code).count(), 1, "{code}");
        }
        let departements = [Departement {
            code: "971".into(),
            name: "Guadeloupe".into(),
            href: "/departement/971".into(),
            awards: 4,
        }];
        let drawn = svg(&departements);
        assert_eq!(drawn.matches("<path").count(), 101);
        assert_eq!(drawn.matches("<a href").count(), 1);
        assert!(drawn.contains("<a href=\"/departement/971\" aria-label=\"Guadeloupe : 4 prix\">"));
        assert!(
            drawn.contains(&format!("fill=\"{}\"", SHADES[2])),
            "4 awards: the darkest shade"
        );
        assert_eq!(drawn.matches("<rect").count(), 5, "a frame for each inset");
    }
}
