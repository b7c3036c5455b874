//! `/statistiques`: the awards in figures, as bar charts drawn on the
//! server (SVG, no script) from SPARQL queries over the store. Each chart
//! has its figures in a table beside it, and a link that opens its query on
//! the query page, so that a reader can check it and rerun it.

use super::escape_xml;
use super::render;
use crate::rdf::vocab::{dct, skos, ti};
use crate::server::AppState;
use crate::sparql;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use oxigraph::model::Term;
use oxigraph::sparql::QueryResults;
use serde::Serialize;
use std::fmt::Write as _;

/// Where the page is.
pub const STATISTICS_PATH: &str = "/statistiques";

/// A chart: its query, and which of the query's variables it draws.
struct Chart {
    id: &'static str,
    title: &'static str,
    description: &'static str,
    /// The query, without its prefixes.
    query: &'static str,
    /// The variable whose values name the bars.
    label: &'static str,
    /// The variable whose values name the parts of a bar (stacked bars),
    /// if any, and the variable that orders them.
    series: Option<(&'static str, &'static str)>,
    /// The variables drawn, each with what it counts: one bar per variable
    /// and label when there are several.
    values: &'static [(&'static str, &'static str)],
    /// The heading of the table's first column: what its rows are.
    heading: &'static str,
    /// The heading of its last column: what the totals count.
    counted: &'static str,
}

const CHARTS: &[Chart] = &[
    Chart {
        id: "categories",
        title: "Prix par catégorie et par niveau",
        description: "Le nombre de prix de chaque catégorie (dans l'ordre du communiqué), par niveau (Or, Argent, Bronze), toutes éditions confondues.",
        query: "SELECT ?category ?level ?rank (COUNT(?award) AS ?awards)
WHERE {
  ?award a ti:Award ;
         ti:category ?c ;
         ti:level ?l .
  ?c skos:prefLabel ?category ; ti:position ?position .
  ?l skos:prefLabel ?level ; ti:rank ?rank .
  FILTER(lang(?category) = \"fr\" && lang(?level) = \"fr\")
}
GROUP BY ?position ?category ?level ?rank
ORDER BY ?position ?rank
",
        label: "category",
        series: Some(("level", "rank")),
        values: &[("awards", "prix")],
        heading: "Catégorie",
        counted: "Prix (total)",
    },
    Chart {
        id: "types",
        title: "Prix par type d'organisation",
        description: "Le nombre de prix reçus par les lauréats de chaque type (un prix partagé entre deux types compte dans chacun).",
        query: "SELECT ?kind (COUNT(DISTINCT ?award) AS ?awards)
WHERE {
  ?award ti:laureate/ti:kind/skos:prefLabel ?kind .
  FILTER(lang(?kind) = \"fr\")
}
GROUP BY ?kind
ORDER BY DESC(?awards) ?kind
",
        label: "kind",
        series: None,
        values: &[("awards", "prix")],
        heading: "Type d'organisation des lauréats",
        counted: "Prix",
    },
    Chart {
        id: "regions",
        title: "Prix par région",
        description: "Le nombre de prix reçus par les lauréats de chaque région (un prix partagé entre deux régions compte dans chacune).",
        query: "SELECT ?region (COUNT(DISTINCT ?award) AS ?awards)
WHERE {
  ?award ti:laureate/ti:region/skos:prefLabel ?region .
  FILTER(lang(?region) = \"fr\")
}
GROUP BY ?region
ORDER BY DESC(?awards) ?region
",
        label: "region",
        series: None,
        values: &[("awards", "prix")],
        heading: "Région des lauréats",
        counted: "Prix",
    },
    Chart {
        id: "selection",
        title: "De la candidature au label",
        description: "À chaque édition : les projets présentés, ceux que le jury a auditionnés, et les territoires sélectionnés.",
        query: "SELECT ?year ?presented ?auditioned ?selected
WHERE {
  ?edition ti:year ?year ;
           ti:projectsPresented ?presented ;
           ti:projectsAuditioned ?auditioned ;
           ti:territoriesSelected ?selected .
}
ORDER BY ?year
",
        label: "year",
        series: None,
        values: &[
            ("presented", "projets présentés"),
            ("auditioned", "projets auditionnés"),
            ("selected", "territoires sélectionnés"),
        ],
        heading: "Édition et étape",
        counted: "Nombre",
    },
    Chart {
        id: "partages",
        title: "Prix partagés",
        description: "Le nombre de prix selon le nombre d'organisations qui le reçoivent ensemble.",
        query: "SELECT ?laureates (COUNT(?award) AS ?awards)
WHERE {
  {
    SELECT ?award (COUNT(?laureate) AS ?laureates)
    WHERE { ?award ti:laureate ?laureate }
    GROUP BY ?award
  }
}
GROUP BY ?laureates
ORDER BY ?laureates
",
        label: "laureates",
        series: None,
        values: &[("awards", "prix")],
        heading: "Lauréats par prix",
        counted: "Prix",
    },
];

/// One bar: its name, and its parts.
#[derive(Debug, Serialize)]
struct Bar {
    label: String,
    parts: Vec<Part>,
    total: f64,
    /// The total as written.
    shown: String,
}

/// A part of a bar (the whole bar when there are no series).
#[derive(Debug, Serialize)]
struct Part {
    series: String,
    /// Where its series comes among the others.
    order: f64,
    value: f64,
    /// The value as written.
    shown: String,
}

#[derive(Serialize)]
struct ChartView {
    id: &'static str,
    heading: &'static str,
    counted: &'static str,
    title: &'static str,
    description: &'static str,
    query: String,
    series: Vec<String>,
    bars: Vec<Bar>,
    svg: String,
    error: Option<String>,
}

/// The page of charts.
pub async fn statistics(State(state): State<AppState>) -> Response {
    super::off_the_workers(move || statistics_page(state)).await
}

/// The statistics page, rendered.
fn statistics_page(state: AppState) -> Response {
    let prefixes = format!(
        "PREFIX ti: <{}>\nPREFIX skos: <{}>\nPREFIX dct: <{}>\n",
        state.names.base.rebase_str(ti::NAMESPACE),
        skos::NAMESPACE,
        dct::NAMESPACE
    );
    let charts: Vec<ChartView> = CHARTS
        .iter()
        .map(|chart| {
            let query = format!(
                "# {}\n# {}\n{prefixes}\n{}",
                chart.title, chart.description, chart.query
            );
            let (bars, error) = match bars(&state, chart, &query) {
                Ok(bars) => (bars, None),
                Err(e) => (Vec::new(), Some(e)),
            };
            let series = series_of(&bars);
            let svg = svg(chart, &bars, &series);
            ChartView {
                id: chart.id,
                heading: chart.heading,
                counted: chart.counted,
                title: chart.title,
                description: chart.description,
                query,
                series,
                bars,
                svg,
                error,
            }
        })
        .collect();
    render(
        "statistics.html",
        minijinja::context! { charts => charts, json_ld => () },
        StatusCode::OK,
    )
}

/// The bars of `chart`, from its query's answer.
fn bars(state: &AppState, chart: &Chart, query: &str) -> Result<Vec<Bar>, String> {
    let answer = sparql::run_indexed(&state.query_index, query).map_err(|e| e.to_string())?;
    let QueryResults::Solutions(solutions) = answer else {
        return Err("the chart's query is not a SELECT".to_owned());
    };
    let text = |term: Option<&Term>| match term {
        Some(Term::Literal(l)) => l.value().to_owned(),
        Some(Term::NamedNode(n)) => n.as_str().to_owned(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let mut bars: Vec<Bar> = Vec::new();
    for solution in solutions {
        let solution = solution.map_err(|e| e.to_string())?;
        let label = text(solution.get(chart.label));
        for (variable, counted) in chart.values {
            let value: f64 = text(solution.get(*variable)).parse().unwrap_or(0.0);
            let (label, series, order) = match chart.series {
                Some((series, order)) => (
                    label.clone(),
                    text(solution.get(series)),
                    text(solution.get(order)).parse().unwrap_or(0.0),
                ),
                None if chart.values.len() > 1 => {
                    (format!("{label} : {counted}"), String::new(), 0.0)
                }
                None => (label.clone(), String::new(), 0.0),
            };
            let part = Part {
                series,
                order,
                value,
                shown: number(value),
            };
            match bars.iter_mut().find(|b| b.label == label) {
                Some(bar) => {
                    bar.total += value;
                    bar.parts.push(part);
                }
                None => bars.push(Bar {
                    label,
                    parts: vec![part],
                    total: value,
                    shown: String::new(),
                }),
            }
        }
    }
    for bar in &mut bars {
        bar.parts.sort_by(|a, b| a.order.total_cmp(&b.order));
        bar.shown = number(bar.total);
    }
    Ok(bars)
}

/// The names of the parts of the bars, in their order.
fn series_of(bars: &[Bar]) -> Vec<String> {
    let mut series: Vec<(f64, String)> = Vec::new();
    for part in bars.iter().flat_map(|b| &b.parts) {
        if !part.series.is_empty() && !series.iter().any(|(_, s)| *s == part.series) {
            series.push((part.order, part.series.clone()));
        }
    }
    series.sort_by(|a, b| a.0.total_cmp(&b.0));
    series.into_iter().map(|(_, name)| name).collect()
}

/// Fill colours of the parts, contrasted at least 3:1 against white (WCAG
/// 1.4.11); the legend and the table name them too.
const COLOURS: [&str; 4] = ["#8a6d00", "#555555", "#8c4a1c", "#1d4f91"];

/// Width of the drawing, and of the longest bar: narrow, so that its text
/// stays readable on a phone, where the drawing is scaled down.
const WIDTH: f64 = 420.0;
const BAR_WIDTH: f64 = 360.0;
const ROW: f64 = 44.0;

/// The chart as SVG: a bar a row, its name above it, its total after it.
fn svg(chart: &Chart, bars: &[Bar], series: &[String]) -> String {
    let most = bars.iter().map(|b| b.total).fold(0.0, f64::max).max(1.0);
    let legend = if series.is_empty() { 0.0 } else { 28.0 };
    let height = legend + ROW * bars.len() as f64 + 8.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" \
         aria-labelledby=\"{id}-title {id}-desc\" class=\"chart\">\
         <title id=\"{id}-title\">{title}</title><desc id=\"{id}-desc\">{desc}</desc>",
        id = chart.id,
        title = escape_xml(chart.title),
        desc = escape_xml(&summary(bars)),
    );
    for (index, name) in series.iter().enumerate() {
        let x = index as f64 * 130.0;
        let _ = write!(
            svg,
            "<rect x=\"{x}\" y=\"4\" width=\"14\" height=\"14\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"16\" font-size=\"14\">{}</text>",
            COLOURS[index % COLOURS.len()],
            x + 20.0,
            escape_xml(name)
        );
    }
    for (row, bar) in bars.iter().enumerate() {
        let y = legend + row as f64 * ROW;
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\" font-size=\"14\">{}</text>",
            y + 16.0,
            escape_xml(&bar.label)
        );
        let mut x = 0.0;
        for part in &bar.parts {
            let width = part.value / most * BAR_WIDTH;
            let colour = series
                .iter()
                .position(|s| *s == part.series)
                .map_or(COLOURS[3], |i| COLOURS[i % COLOURS.len()]);
            let name = if part.series.is_empty() {
                format!("{} : {}", bar.label, number(part.value))
            } else {
                format!("{}, {} : {}", bar.label, part.series, number(part.value))
            };
            let _ = write!(
                svg,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{width:.1}\" height=\"16\" fill=\"{colour}\" \
                 data-label=\"{}\" data-series=\"{}\" data-value=\"{}\"><title>{}</title></rect>",
                y + 22.0,
                escape_xml(&bar.label),
                escape_xml(&part.series),
                number(part.value),
                escape_xml(&name)
            );
            x += width;
        }
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"14\">{}</text>",
            x + 6.0,
            y + 35.0,
            number(bar.total)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// What a chart shows, in a sentence: its largest bar and its total.
fn summary(bars: &[Bar]) -> String {
    match bars.iter().max_by(|a, b| a.total.total_cmp(&b.total)) {
        Some(largest) => format!(
            "{} barres ; la plus longue : {} ({}). Les chiffres sont dans le tableau qui suit.",
            bars.len(),
            largest.label,
            number(largest.total)
        ),
        None => "Aucune donnée.".to_owned(),
    }
}

/// A figure as written: integers without decimals.
fn number(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, parts: &[(&str, f64)]) -> Bar {
        let total = parts.iter().map(|(_, v)| v).sum();
        Bar {
            label: label.to_owned(),
            parts: parts
                .iter()
                .map(|(series, value)| Part {
                    series: (*series).to_owned(),
                    order: if *series == "Or" { 1.0 } else { 2.0 },
                    value: *value,
                    shown: number(*value),
                })
                .collect(),
            total,
            shown: number(total),
        }
    }

    #[test]
    fn bars_are_as_long_as_their_figures_and_named() {
        let bars = [
            bar("C", &[("Argent", 1.0)]),
            bar("A & B", &[("Or", 2.0), ("Argent", 1.0)]),
        ];
        let series = series_of(&bars);
        assert_eq!(series, ["Or", "Argent"], "in their order, not as first met");
        let drawn = svg(&CHARTS[0], &bars, &series);
        assert!(
            drawn.contains("width=\"240.0\"") && drawn.contains("width=\"120.0\""),
            "{drawn}"
        );
        assert!(
            drawn.contains("<text x=\"0\" y=\"88\" font-size=\"14\">A &amp; B</text>"),
            "{drawn}"
        );
        assert!(
            drawn.contains("data-value=\"1\"") && drawn.contains(">3</text>"),
            "{drawn}"
        );
        assert!(drawn.contains("la plus longue : A &amp; B (3)"));
    }
}
