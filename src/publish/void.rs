//! The VoID description of the data set: counts, class and property
//! partitions, vocabularies, dumps, endpoint, example resources. Every
//! figure is computed from the data graph.

use super::FileSummary;
use super::dumps::{DUMP_STEM, FileFormat};
use crate::rdf::Base;
use crate::rdf::base::mint;
use crate::rdf::order::Sorted;
use crate::rdf::triples::{Triples, en, fr, integer};
use crate::rdf::vocab::{PREFIXES, dct, foaf, ldes, ti, void};
use oxigraph::model::vocab::{rdf, rdfs};
use oxigraph::model::{Literal, NamedNode, NamedNodeRef, NamedOrBlankNodeRef, TermRef, Triple};
use rustc_hash::FxHashSet;
use std::collections::{BTreeMap, BTreeSet};

/// The figures of a data graph that its VoID description gives.
#[derive(Debug)]
pub struct Statistics<'a> {
    triples: u64,
    subjects: u64,
    entities: u64,
    objects: u64,
    /// The members (IRIs) of each class.
    classes: BTreeMap<NamedNodeRef<'a>, BTreeSet<&'a str>>,
    /// The number of triples of each property.
    properties: BTreeMap<NamedNodeRef<'a>, u64>,
}

impl<'a> Statistics<'a> {
    /// Counts the triples of the data graph `data` whose resources are
    /// under `base`.
    pub fn of(base: &Base, data: &Sorted<'a>) -> Self {
        let mut statistics = Self {
            triples: data.len() as u64,
            subjects: 0,
            entities: 0,
            objects: 0,
            classes: BTreeMap::new(),
            properties: BTreeMap::new(),
        };
        // A fast hash: at 10⁶ awards the objects are counted among 12 million.
        let mut objects = FxHashSet::default();
        let mut previous_subject = None;
        for triple in data.iter() {
            // The triples of a subject are together: a new subject starts here.
            if previous_subject != Some(triple.subject) {
                previous_subject = Some(triple.subject);
                statistics.subjects += 1;
                if matches!(triple.subject, NamedOrBlankNodeRef::NamedNode(n) if n.as_str().starts_with(base.as_str()))
                {
                    statistics.entities += 1;
                }
            }
            if triple.predicate == rdf::TYPE
                && let (TermRef::NamedNode(class), NamedOrBlankNodeRef::NamedNode(member)) =
                    (triple.object, triple.subject)
            {
                statistics
                    .classes
                    .entry(class)
                    .or_default()
                    .insert(member.as_str());
            }
            objects.insert(triple.object);
            *statistics.properties.entry(triple.predicate).or_default() += 1;
        }
        statistics.objects = objects.len() as u64;
        statistics
    }
}

/// The VoID triples of a data graph with resources under `base`, counted in
/// `statistics`, whose dumps are `files`.
pub fn void_triples(
    base: &Base,
    statistics: &Statistics<'_>,
    files: &[FileSummary],
) -> Vec<Triple> {
    let Statistics {
        classes,
        properties,
        ..
    } = statistics;
    let dataset = base.rebase_node(mint::dataset());
    let document = base.iri(".well-known/void");
    let mut t = Triples::default();

    t.add(&document, rdf::TYPE, void::DATASET_DESCRIPTION);
    t.add(
        &document,
        dct::TITLE,
        fr("Description VoID du jeu de données « Territoire Innovant »"),
    );
    t.add(
        &document,
        dct::TITLE,
        en("VoID description of the « Territoire Innovant » data set"),
    );
    t.add(&document, foaf::PRIMARY_TOPIC, dataset.clone());

    t.add(&dataset, rdf::TYPE, void::DATASET);
    t.add(&dataset, void::SPARQL_ENDPOINT, base.iri("sparql"));
    // The Triple Pattern Fragments interface, as the LDF server announces it.
    t.add(
        &dataset,
        void::URI_LOOKUP_ENDPOINT,
        Literal::new_simple_literal(format!(
            "{}{{?subject,predicate,object}}",
            base.iri("fragments").as_str()
        )),
    );
    // The change feed of its releases.
    let stream = crate::change_feed::stream::stream_iri(base);
    t.add(&dataset, rdfs::SEE_ALSO, stream.clone());
    t.add(&stream, rdf::TYPE, ldes::EVENT_STREAM);
    t.add(
        &stream,
        dct::TITLE,
        fr("Fil des changements : chaque publication des données"),
    );
    t.add(
        &dataset,
        void::URI_SPACE,
        Literal::new_simple_literal(base.as_str()),
    );
    t.add(&dataset, void::TRIPLES, integer(statistics.triples));
    t.add(&dataset, void::ENTITIES, integer(statistics.entities));
    t.add(
        &dataset,
        void::DISTINCT_SUBJECTS,
        integer(statistics.subjects),
    );
    t.add(
        &dataset,
        void::DISTINCT_OBJECTS,
        integer(statistics.objects),
    );
    t.add(&dataset, void::CLASSES, integer(classes.len() as u64));
    t.add(&dataset, void::PROPERTIES, integer(properties.len() as u64));
    for file in files.iter().filter(|f| f.name.starts_with(DUMP_STEM)) {
        t.add(
            &dataset,
            void::DATA_DUMP,
            base.iri(&format!("dumps/{}", file.name)),
        );
        let format = FileFormat::of(&file.name);
        if !format.gzipped
            && let Some(iri) = w3c_format(format.media_type)
        {
            t.add(&dataset, void::FEATURE, NamedNode::new_unchecked(iri));
        }
    }
    // The tables for spreadsheets: the same data in another format.
    for (file, title) in files
        .iter()
        .filter_map(|f| Some((f, super::table_title(&f.name)?)))
    {
        let table = base.iri(&format!("dumps/{}", file.name));
        t.add(&dataset, dct::HAS_FORMAT, table.clone());
        t.add(&table, dct::TITLE, fr(title));
        t.add(
            &table,
            dct::FORMAT,
            NamedNode::new_unchecked(format!(
                "{}{}",
                super::catalog::IANA,
                FileFormat::of(&file.name).media_type
            )),
        );
    }
    let vocabularies: BTreeSet<String> = classes
        .keys()
        .chain(properties.keys())
        .filter_map(|iri| namespace(iri.as_str()))
        .collect();
    for vocabulary in vocabularies {
        t.add(
            &dataset,
            void::VOCABULARY,
            NamedNode::new_unchecked(vocabulary),
        );
    }
    for class in [ti::AWARD, ti::EDITION] {
        let class = base.rebase_node(class.into_owned());
        let first = classes
            .get(&class.as_ref())
            .and_then(|members| members.iter().next());
        if let Some(example) = first {
            t.add(
                &dataset,
                void::EXAMPLE_RESOURCE,
                NamedNode::new_unchecked(*example),
            );
        }
    }
    for (class, members) in classes {
        let partition = base.iri(&format!(
            ".well-known/void#class-{}",
            local_id(class.as_str())
        ));
        t.add(&dataset, void::CLASS_PARTITION, partition.clone());
        t.add(&partition, void::CLASS, *class);
        t.add(&partition, void::ENTITIES, integer(members.len() as u64));
    }
    for (property, count) in properties {
        let partition = base.iri(&format!(
            ".well-known/void#property-{}",
            local_id(property.as_str())
        ));
        t.add(&dataset, void::PROPERTY_PARTITION, partition.clone());
        t.add(&partition, void::PROPERTY, *property);
        t.add(&partition, void::TRIPLES, integer(*count));
    }
    t.0
}

/// The namespace of an IRI: up to its last `#` or `/`.
fn namespace(iri: &str) -> Option<String> {
    let end = iri.rfind(['#', '/'])?;
    Some(iri[..=end].to_owned())
}

/// A readable fragment for a term: `prefix-local` for known prefixes.
fn local_id(iri: &str) -> String {
    PREFIXES
        .iter()
        .find_map(|(prefix, ns)| {
            iri.strip_prefix(ns)
                .map(|local| format!("{prefix}-{local}"))
        })
        .unwrap_or_else(|| crate::rdf::base::slugify(iri))
}

/// The W3C format IRI of a media type.
fn w3c_format(media_type: &str) -> Option<&'static str> {
    match media_type {
        "text/turtle" => Some("http://www.w3.org/ns/formats/Turtle"),
        "application/n-triples" => Some("http://www.w3.org/ns/formats/N-Triples"),
        "application/n-quads" => Some("http://www.w3.org/ns/formats/N-Quads"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::BlankNode;

    #[test]
    fn statistics_count_subjects_entities_objects_classes_and_properties() {
        let base = Base::default();
        let iri = |path: &str| base.iri(path);
        let class = iri("ontology#C");
        let p = iri("ontology#p");
        let x = || Literal::new_simple_literal("x");
        let data = vec![
            Triple::new(iri("b"), p.clone(), x()),
            Triple::new(iri("a"), rdf::TYPE, class.clone()),
            Triple::new(
                NamedNode::new_unchecked("http://other.example/c"),
                p.clone(),
                iri("a"),
            ),
            Triple::new(iri("a"), p.clone(), x()),
            Triple::new(
                BlankNode::new_unchecked("n"),
                p.clone(),
                Literal::new_simple_literal("y"),
            ),
            Triple::new(iri("b"), rdf::TYPE, class.clone()),
        ];
        let statistics = Statistics::of(&base, &Sorted::new(&data));
        assert_eq!(statistics.triples, 6);
        assert_eq!(
            statistics.subjects, 4,
            "a, b, the other IRI, the blank node"
        );
        assert_eq!(statistics.entities, 2, "a and b are under the base");
        assert_eq!(statistics.objects, 4, "the class, \"x\", a, \"y\"");
        assert_eq!(
            statistics.classes[&class.as_ref()]
                .iter()
                .copied()
                .collect::<Vec<_>>(),
            [iri("a").as_str(), iri("b").as_str()]
        );
        assert_eq!(statistics.properties[&p.as_ref()], 4);
        assert_eq!(statistics.properties[&rdf::TYPE], 2);
    }
}
