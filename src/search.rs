//! Search by name: the names and titles of the data graph (organisations'
//! names as the release prints them and as official registries write them,
//! projects' titles, awards' labels…), matched without regard to case or
//! accents: « telemedecine » finds « télémedecine », « ville de paris »
//! finds « Ville de Paris ».

use crate::rdf::Base;
use crate::rdf::vocab::{dct, schema, skos, ti};
use crate::sparql::index::QueryIndex;
use crate::store::GraphNames;
use oxigraph::model::vocab::rdfs;
use oxigraph::model::{NamedNode, NamedOrBlankNodeRef, TermRef};
use std::collections::HashMap;
use std::sync::Arc;

/// The properties whose values are searched, most telling first.
fn searched_properties(base: &Base) -> Vec<NamedNode> {
    let own =
        |name: &str| base.rebase_node(NamedNode::new_unchecked(format!("{}{name}", ti::NAMESPACE)));
    vec![
        skos::PREF_LABEL.into_owned(),
        own("nameInSource"),
        schema::NAME.into_owned(),
        skos::ALT_LABEL.into_owned(),
        dct::TITLE.into_owned(),
        own("subtitle"),
        rdfs::LABEL.into_owned(),
    ]
}

/// One searchable text.
#[derive(Debug)]
struct Entry {
    folded: String,
    text: String,
    resource: NamedNode,
    property: usize,
}

/// The searchable names and titles of a data set.
#[derive(Debug, Default)]
pub struct SearchIndex {
    entries: Vec<Entry>,
    properties: Vec<NamedNode>,
}

/// A resource found, with the text that matched best.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The resource.
    pub resource: NamedNode,
    /// The text that matched, as the data writes it.
    pub text: String,
    /// The property of that text.
    pub property: NamedNode,
}

impl SearchIndex {
    /// Indexes the names and titles of the data graph (of `names`) that
    /// `index` holds.
    pub fn of(names: &GraphNames, index: &Arc<QueryIndex>) -> Self {
        let properties = searched_properties(&names.base);
        let mut entries = Vec::new();
        for (position, property) in properties.iter().enumerate() {
            let quads = index.quads_for_pattern(
                None,
                Some(property.as_ref()),
                None,
                Some(names.data_graph.as_ref().into()),
            );
            for quad in quads {
                if let (NamedOrBlankNodeRef::NamedNode(resource), TermRef::Literal(literal)) =
                    (quad.subject, quad.object)
                {
                    entries.push(Entry {
                        folded: fold(literal.value()),
                        text: literal.value().to_owned(),
                        resource: resource.into_owned(),
                        property: position,
                    });
                }
            }
        }
        Self {
            entries,
            properties,
        }
    }

    /// The resources whose names or titles hold every word of `query`
    /// (case and accents aside), best first: a text equal to the query,
    /// then one that starts with it, then one that holds its words; among
    /// equals, the more telling property, then the shorter text. At most
    /// `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let query = fold(query);
        let words: Vec<&str> = query.split_whitespace().collect();
        if words.is_empty() {
            return Vec::new();
        }
        let phrase = words.join(" ");
        let mut best: HashMap<&NamedNode, (u8, usize, usize, &Entry)> = HashMap::new();
        for entry in &self.entries {
            if !words.iter().all(|w| entry.folded.contains(w)) {
                continue;
            }
            let kind = if entry.folded == phrase {
                0
            } else if entry.folded.starts_with(&phrase) {
                1
            } else if entry.folded.contains(&phrase) {
                2
            } else {
                3
            };
            let rank = (kind, entry.property, entry.text.len(), entry);
            let better = |kept: &(u8, usize, usize, &Entry)| {
                (rank.0, rank.1, rank.2) < (kept.0, kept.1, kept.2)
            };
            match best.get(&entry.resource) {
                Some(kept) if !better(kept) => {}
                _ => {
                    best.insert(&entry.resource, rank);
                }
            }
        }
        let mut hits: Vec<(u8, usize, usize, &Entry)> = best.into_values().collect();
        hits.sort_by(|a, b| {
            (a.0, a.1, a.2, &a.3.text, a.3.resource.as_str()).cmp(&(
                b.0,
                b.1,
                b.2,
                &b.3.text,
                b.3.resource.as_str(),
            ))
        });
        hits.into_iter()
            .take(limit)
            .map(|(_, _, _, entry)| Hit {
                resource: entry.resource.clone(),
                text: entry.text.clone(),
                property: self.properties[entry.property].clone(),
            })
            .collect()
    }
}

/// `text` as searched: lower case, without accents (the Latin letters of
/// French and its neighbours), ligatures spelt out, punctuation as spaces.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => folded.push('a'),
            'ç' => folded.push('c'),
            'é' | 'è' | 'ê' | 'ë' => folded.push('e'),
            'î' | 'ï' | 'í' | 'ì' => folded.push('i'),
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => folded.push('o'),
            'ù' | 'û' | 'ü' | 'ú' => folded.push('u'),
            'ÿ' | 'ý' => folded.push('y'),
            'ñ' => folded.push('n'),
            'œ' => folded.push_str("oe"),
            'æ' => folded.push_str("ae"),
            c if c.is_alphanumeric() => folded.push(c),
            _ => folded.push(' '),
        }
    }
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_accents_ligatures_and_punctuation_are_set_aside() {
        assert_eq!(fold("Télémédecine"), "telemedecine");
        assert_eq!(fold("  Mairie de LUNAS "), "mairie de lunas");
        assert_eq!(
            fold("Cœur d'Hérault — « Démat'URBA »"),
            "coeur d herault demat urba"
        );
        assert_eq!(fold("Île-de-France"), "ile de france");
    }

    fn index(texts: &[(&str, &str, usize)]) -> SearchIndex {
        let base = Base::default();
        SearchIndex {
            properties: searched_properties(&base),
            entries: texts
                .iter()
                .map(|(resource, text, property)| Entry {
                    folded: fold(text),
                    text: (*text).to_owned(),
                    resource: base.iri(resource),
                    property: *property,
                })
                .collect(),
        }
    }

    fn found(index: &SearchIndex, query: &str) -> Vec<String> {
        index
            .search(query, 10)
            .into_iter()
            .map(|h| h.resource.as_str().rsplit('/').next().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn exact_names_first_then_names_that_start_with_the_query_then_the_others() {
        let index = index(&[
            ("paris-agglo", "Agglomération de Paris Ville", 0),
            ("paris", "Ville de Paris", 0),
            ("paris-est", "Ville de Paris Est", 0),
            ("paris", "Paris", 3),
            ("lyon", "Ville de Lyon", 0),
        ]);
        assert_eq!(
            found(&index, "ville de paris"),
            ["paris", "paris-est", "paris-agglo"]
        );
        assert_eq!(
            found(&index, "PARIS"),
            ["paris", "paris-est", "paris-agglo"]
        );
        assert!(found(&index, "marseille").is_empty());
        assert!(found(&index, " ,; ").is_empty());
        let hit = &index.search("ville de paris", 1)[0];
        assert_eq!(
            hit.text, "Ville de Paris",
            "each resource once, with its best text"
        );
    }
}
