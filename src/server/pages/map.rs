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
    let base = &state.names.base;
    let of_edition = edition
        .map(|e| format!("?award ti:edition <{}> .", e.as_str()))
        .unwrap_or_default();
    let query = format!(
        "SELECT ?award ?label ?laureate ?name ?note WHERE {{\n\
           ?award a ti:Award ; ti:laureate ?laureate ; rdfs:label ?label . {of_edition}\n\
           FILTER(lang(?label) = \"fr\")\n\
           MINUS {{ ?award ti:laureate/ti:departement/ti:inseeCode ?code }}\n\
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
    let base = &state.names.base;
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
    awards_of(
        state,
        &format!("?laureate ti:departement|ti:region <{}> .", place.as_str()),
    )
}

/// The awards of the laureates whose territory covers `place` (a commune,
/// a département or a région, by `ti:coversCommune`, `ti:coversDepartement`
/// or `ti:coversRegion`) without being located there, by label.
pub fn awards_covering(state: &AppState, place: &NamedNode) -> Vec<AwardHere> {
    awards_of(
        state,
        &format!(
            "?laureate ti:coversCommune|ti:coversDepartement|ti:coversRegion <{place}> .\n\
             FILTER NOT EXISTS {{ ?laureate ti:departement|ti:region <{place}> }}",
            place = place.as_str()
        ),
    )
}

/// The awards of the laureates that `pattern` finds (`?laureate`), with
/// those laureates, by label.
fn awards_of(state: &AppState, pattern: &str) -> Vec<AwardHere> {
    let base = &state.names.base;
    let query = format!(
        "SELECT ?award ?label ?laureate ?name WHERE {{\n\
           {pattern}\n\
           ?award ti:laureate ?laureate ; rdfs:label ?label .\n\
           ?laureate skos:prefLabel ?name .\n\
           FILTER(lang(?label) = \"fr\")\n\
         }} ORDER BY ?label ?name"
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
         gauche, Paris et la petite couronne agrandis en haut à droite ; chaque département dont des lauréats ont reçu des prix est un lien vers sa page. \
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
        shape(
            &mut svg,
            outline,
            departements,
            outline.transform.clone(),
            false,
        );
        if let Some([x, y, _, _]) = outline.inset {
            inset_name(&mut svg, x, y, &outline.name, 10);
        }
    }
    paris_inset(&mut svg, departements);
    svg.push_str("</svg>");
    svg
}

/// One département's shape: shaded and linked if its laureates received
/// awards. A copy in an inset (`copy`) is hidden from assistive technology
/// and out of the tab order: the original is the one they read.
fn shape(
    svg: &mut String,
    outline: &Outline,
    departements: &[Departement],
    transform: Option<String>,
    copy: bool,
) {
    let transform = transform
        .map(|t| format!(" transform=\"{t}\""))
        .unwrap_or_default();
    let copied = if copy { " data-inset=\"paris\"" } else { "" };
    // Départements with awards are outlined dark, so that they stand out
    // from the others whatever their shade (WCAG 1.4.11).
    let path = |fill: &str, stroke: &str| {
        format!(
            "<path d=\"{}\"{transform} fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"0.8\" \
             vector-effect=\"non-scaling-stroke\" data-code=\"{}\"{copied}",
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
            let link = if copy {
                " tabindex=\"-1\" aria-hidden=\"true\"".to_owned()
            } else {
                format!(" aria-label=\"{name}\"")
            };
            let _ = write!(
                svg,
                "<a href=\"{}\"{link}>{} data-awards=\"{}\"><title>{name}</title></path></a>",
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
}

/// An inset's name, drawn after its shapes (so never under them), at the
/// frame's top, on a white halo.
fn inset_name(svg: &mut String, x: f64, y: f64, name: &str, size: u8) {
    let _ = write!(
        svg,
        "<text x=\"{}\" y=\"{}\" font-size=\"{size}\" paint-order=\"stroke\" stroke=\"#ffffff\" \
         stroke-width=\"3\" aria-hidden=\"true\">{}</text>",
        x + 3.0,
        y + 11.0,
        escape_xml(name)
    );
}

/// Paris and the petite couronne, specks on the whole map, drawn again
/// enlarged in a frame at the top right.
const PARIS_AND_NEIGHBOURS: [&str; 4] = ["75", "92", "93", "94"];
/// The frame of that inset: x, y, width, height in the map's units.
const PARIS_FRAME: [f64; 4] = [486.0, 8.0, 124.0, 100.0];

/// The transform that fits Paris and its neighbours into [`PARIS_FRAME`],
/// computed once from their outlines' bounds.
static PARIS_TRANSFORM: LazyLock<Option<String>> = LazyLock::new(|| {
    let [left, top, right, bottom] = OUTLINES
        .departements
        .iter()
        .filter(|o| PARIS_AND_NEIGHBOURS.contains(&o.code.as_str()))
        .filter_map(|o| bounds(&o.path))
        .reduce(|a, b| {
            [
                a[0].min(b[0]),
                a[1].min(b[1]),
                a[2].max(b[2]),
                a[3].max(b[3]),
            ]
        })?;
    let [x, y, width, height] = PARIS_FRAME;
    // Room for the name at the top, a margin around.
    let (room_x, room_y) = (width - 8.0, height - 20.0);
    let scale = (room_x / (right - left)).min(room_y / (bottom - top));
    let (drawn_x, drawn_y) = ((right - left) * scale, (bottom - top) * scale);
    let translate_x = x + (width - drawn_x) / 2.0 - left * scale;
    let translate_y = y + 14.0 + (room_y - drawn_y) / 2.0 - top * scale;
    Some(format!(
        "translate({translate_x:.2} {translate_y:.2}) scale({scale:.4})"
    ))
});

fn paris_inset(svg: &mut String, departements: &[Departement]) {
    let Some(transform) = PARIS_TRANSFORM.as_ref() else {
        return;
    };
    let [x, y, width, height] = PARIS_FRAME;
    let _ = write!(
        svg,
        "<rect x=\"{x}\" y=\"{y}\" width=\"{width}\" height=\"{height}\" fill=\"none\" \
         stroke=\"#999\" aria-hidden=\"true\"/>"
    );
    for outline in OUTLINES
        .departements
        .iter()
        .filter(|o| PARIS_AND_NEIGHBOURS.contains(&o.code.as_str()))
    {
        shape(svg, outline, departements, Some(transform.clone()), true);
    }
    inset_name(svg, x, y, "Paris et petite couronne", 9);
}

/// The bounding box `[left, top, right, bottom]` of an outline's path
/// (relative `m` moves and lines, `z` back to the subpath's start).
fn bounds(path: &str) -> Option<[f64; 4]> {
    let (mut current, mut start) = ((0.0_f64, 0.0_f64), (0.0_f64, 0.0_f64));
    let mut moving = false;
    let mut bounds: Option<[f64; 4]> = None;
    for token in path.split_whitespace() {
        match token {
            "m" => moving = true,
            "z" | "Z" => current = start,
            pair => {
                let (dx, dy) = pair.split_once(',')?;
                let (dx, dy): (f64, f64) = (dx.parse().ok()?, dy.parse().ok()?);
                current = (current.0 + dx, current.1 + dy);
                if moving {
                    start = current;
                    moving = false;
                }
                let [l, t, r, b] =
                    bounds.get_or_insert([current.0, current.1, current.0, current.1]);
                *l = l.min(current.0);
                *t = t.min(current.1);
                *r = r.max(current.0);
                *b = b.max(current.1);
            }
        }
    }
    bounds
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
        assert_eq!(drawn.matches("<path").count(), 101 + 4, "and Paris's inset");
        assert_eq!(drawn.matches("<a href").count(), 1);
        assert!(drawn.contains("<a href=\"/departement/971\" aria-label=\"Guadeloupe : 4 prix\">"));
        assert!(
            drawn.contains(&format!("fill=\"{}\"", SHADES[2])),
            "4 awards: the darkest shade"
        );
        assert_eq!(drawn.matches("<rect").count(), 6, "a frame for each inset");
    }

    #[test]
    fn an_outline_is_bounded_by_its_points() {
        // A square from (10, 20), 5 wide, then a second subpath from its
        // start moved by (-2, -3).
        assert_eq!(
            bounds("m 10,20 5,0 0,5 -5,0 z m -2,-3 1,1 z"),
            Some([8.0, 17.0, 15.0, 25.0])
        );
        assert_eq!(bounds("m x,y"), None);
    }
}
