//! The home page's facets: the awards narrowed by category, level, kind of
//! laureate and région, from a form that works without scripts
//! (`/?categorie=…&niveau=…&type=…&region=…`). A value is the last segment
//! of a concept's IRI, and only values the data has are used: nothing the
//! client sends reaches a query.

use super::select_rows;
use crate::server::AppState;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// A facet: its parameter, the property from an award to its values, and
/// its options.
#[derive(Debug, Clone, Serialize)]
pub struct Facet {
    /// The parameter of the form.
    pub name: &'static str,
    /// What it narrows, for people.
    pub label: &'static str,
    /// Its values.
    pub options: Vec<FacetOption>,
    /// The value chosen, if any.
    pub chosen: Option<String>,
}

/// A value of a facet, with the number of awards that have it.
#[derive(Debug, Clone, Serialize)]
pub struct FacetOption {
    /// The parameter's value: the last segment of the concept's IRI.
    pub value: String,
    /// Its label.
    pub label: String,
    /// Awards with it.
    pub awards: usize,
    #[serde(skip)]
    iri: String,
}

/// (parameter, label, path from an award to the value, ordering).
const FACETS: [(&str, &str, &str, &str); 4] = [
    ("categorie", "Catégorie", "ti:category", "?rank"),
    ("niveau", "Niveau", "ti:level", "?rank"),
    ("type", "Type de lauréat", "ti:laureate/ti:kind", "?label"),
    (
        "region",
        "Région des lauréats",
        "ti:laureate/ti:region",
        "?label",
    ),
];

/// The facets and their options, none chosen (they depend on the data set
/// only: the home page computes them once).
pub fn facets(state: &AppState) -> Vec<Facet> {
    FACETS
        .iter()
        .map(|(name, label, path, order)| {
            let rows = select_rows(state,
                &format!(
                    "SELECT ?value ?label (COUNT(DISTINCT ?award) AS ?awards) (SAMPLE(?r) AS ?rank) WHERE {{
                       ?award a ti:Award ; {path} ?value .
                       ?value skos:prefLabel ?label . FILTER(lang(?label) = 'fr')
                       OPTIONAL {{ ?value ti:rank|ti:position ?r }}
                     }} GROUP BY ?value ?label ORDER BY {order} ?label"
                ),
            );
            let mut options: Vec<FacetOption> = rows
                .into_iter()
                .map(|row| FacetOption {
                    value: row[0].rsplit('/').next().unwrap_or_default().to_owned(),
                    label: row[1].clone(),
                    awards: row[2].parse().unwrap_or(0),
                    iri: row[0].clone(),
                })
                .collect();
            // Names in French order (« Île-de-France » among the I, not
            // after the Z as code points sort it); levels stay by rank, categories
            // in the order of the release.
            if *order == "?label" {
                options.sort_by_cached_key(|o| (crate::search::fold(&o.label), o.iri.clone()));
            }
            Facet {
                name,
                label,
                options,
                chosen: None,
            }
        })
        .collect()
}

/// `facets` with the values chosen in `parameters` (unknown values are
/// ignored).
pub fn choose(facets: &[Facet], parameters: &BTreeMap<String, String>) -> Vec<Facet> {
    facets
        .iter()
        .map(|facet| Facet {
            chosen: parameters
                .get(facet.name)
                .filter(|value| facet.options.iter().any(|o| o.value == **value))
                .cloned(),
            ..facet.clone()
        })
        .collect()
}

/// The awards (IRIs) that have every value chosen; `None` if none is.
pub fn chosen_awards(state: &AppState, facets: &[Facet]) -> Option<HashSet<String>> {
    let mut patterns = String::new();
    for ((_, _, path, _), facet) in FACETS.iter().zip(facets) {
        let Some(chosen) = &facet.chosen else {
            continue;
        };
        let option = facet.options.iter().find(|o| o.value == *chosen)?;
        patterns.push_str(&format!("?award {path} <{}> .\n", option.iri));
    }
    if patterns.is_empty() {
        return None;
    }
    let rows = select_rows(
        state,
        &format!("SELECT DISTINCT ?award WHERE {{ ?award a ti:Award .\n{patterns}}}"),
    );
    Some(rows.into_iter().map(|mut row| row.swap_remove(0)).collect())
}
