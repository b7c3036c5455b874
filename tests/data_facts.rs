//! The data is exactly the press release: every fact asserted from SPARQL
//! queries over the built store, never from the source structs.

mod common;

use common::{data_set, one_line, press_release, select, select_one};

#[test]
fn there_are_25_awards_8_gold_8_silver_9_bronze() {
    let data = data_set();
    assert_eq!(
        select_one(&data, "SELECT (COUNT(?a) AS ?n) WHERE { ?a a ti:Award }"),
        "25"
    );
    let rows = select(
        &data,
        "SELECT ?rank (COUNT(?a) AS ?n) WHERE { ?a ti:level/ti:rank ?rank } GROUP BY ?rank ORDER BY ?rank",
    );
    assert_eq!(rows, [["1", "8"], ["2", "8"], ["3", "9"]]);
    let labels = select(
        &data,
        "SELECT ?l WHERE { ?level a ti:Level ; ti:rank ?r ; skos:prefLabel ?l FILTER(lang(?l) = 'fr') } ORDER BY ?r",
    );
    assert_eq!(labels, [["Or"], ["Argent"], ["Bronze"]]);
}

#[test]
fn every_award_has_one_category_level_project_and_at_least_one_laureate() {
    let data = data_set();
    let bad = select(
        &data,
        "SELECT ?a WHERE { ?a a ti:Award .
           { SELECT ?a (COUNT(DISTINCT ?c) AS ?nc) (COUNT(DISTINCT ?l) AS ?nl) (COUNT(DISTINCT ?p) AS ?np) (COUNT(DISTINCT ?o) AS ?no)
             WHERE { ?a a ti:Award OPTIONAL { ?a ti:category ?c } OPTIONAL { ?a ti:level ?l } OPTIONAL { ?a ti:project ?p } OPTIONAL { ?a ti:laureate ?o } }
             GROUP BY ?a }
           FILTER(?nc != 1 || ?nl != 1 || ?np != 1 || ?no < 1) }",
    );
    assert!(bad.is_empty(), "{bad:?}");
}

#[test]
fn there_are_7_categories_used_by_the_awards() {
    let data = data_set();
    let rows = select(
        &data,
        "SELECT ?label (COUNT(?a) AS ?n) WHERE { ?c a ti:Category ; skos:prefLabel ?label FILTER(lang(?label) = 'fr') OPTIONAL { ?a ti:category ?c } } GROUP BY ?label ORDER BY ?label",
    );
    assert_eq!(rows.len(), 7, "{rows:?}");
    let counts: Vec<_> = rows.iter().map(|r| r[1].as_str()).collect();
    // Aménagement, Cybersécurité, E-santé, Moderniser, Numérique, inclusif, intelligent
    assert_eq!(counts, ["3", "2", "2", "5", "4", "4", "5"]);
    let release = press_release().to_uppercase();
    for alt in select(
        &data,
        "SELECT ?alt WHERE { ?c a ti:Category ; skos:altLabel ?alt }",
    ) {
        assert!(
            release.contains(&alt[0]),
            "category heading {:?} is not in the release",
            alt[0]
        );
    }
}

#[test]
fn there_are_31_laureate_organisations_each_named_once_as_in_the_release() {
    let data = data_set();
    let names = select(
        &data,
        "SELECT ?name (COUNT(DISTINCT ?o) AS ?n) WHERE { ?a ti:laureate ?o . ?o ti:nameInSource ?name } GROUP BY ?name",
    );
    assert_eq!(names.len(), 31, "{names:?}");
    let release = press_release();
    for row in &names {
        assert_eq!(row[1], "1", "{} is more than one entity", row[0]);
        assert!(
            release.contains(&row[0]),
            "{:?} is not worded as in the release",
            row[0]
        );
    }
    let all = select(
        &data,
        "SELECT ?name WHERE { ?o a org:Organization ; skos:prefLabel ?name }",
    );
    let mut distinct: Vec<_> = all.iter().map(|r| r[0].clone()).collect();
    distinct.sort();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        all.len(),
        "an organisation name is used by two entities"
    );
}

/// The class of laureates answers "how many laureates?" without a trap:
/// exactly the objects of `ti:laureate`, not the jury bodies or the
/// organiser that are organisations too.
#[test]
fn laureates_are_a_class_of_their_own() {
    let data = data_set();
    let count = |query: &str| select_one(&data, query);
    assert_eq!(
        count("SELECT (COUNT(?o) AS ?n) WHERE { ?o a ti:Laureate }"),
        "31"
    );
    assert_eq!(
        count(
            "SELECT (COUNT(?o) AS ?n) WHERE { ?o a ti:Laureate FILTER NOT EXISTS { ?a ti:laureate ?o } }"
        ),
        "0"
    );
    assert_eq!(
        count(
            "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?a ti:laureate ?o FILTER NOT EXISTS { ?o a ti:Laureate } }"
        ),
        "0"
    );
    let organisations: usize = count("SELECT (COUNT(?o) AS ?n) WHERE { ?o a org:Organization }")
        .parse()
        .unwrap();
    assert!(
        organisations > 31,
        "jury bodies and the organiser are organisations too"
    );
    for not_laureate in [
        "organisation/les-interconnectes",
        "organisation/orange",
        "jury/2023",
    ] {
        assert_eq!(
            count(&format!(
                "SELECT (COUNT(*) AS ?n) WHERE {{ <https://w3id.org/territoire-innovant/{not_laureate}> a ti:Laureate }}"
            )),
            "0",
            "{not_laureate}"
        );
    }
}

#[test]
fn there_are_25_projects_titled_as_in_the_release() {
    let data = data_set();
    let titles = select(&data, "SELECT ?t WHERE { ?p a ti:Project ; dct:title ?t }");
    assert_eq!(titles.len(), 25);
    let release = press_release();
    for t in &titles {
        assert!(release.contains(&t[0]), "{:?} is not in the release", t[0]);
    }
    let subtitles = select(
        &data,
        "SELECT ?t ?s WHERE { ?p ti:subtitle ?s ; dct:title ?t } ORDER BY ?t",
    );
    // A subtitle is the second printed line, right under the title.
    for row in &subtitles {
        assert!(
            release.contains(&format!("{}\n{}\n", row[0], row[1])),
            "{row:?}: the subtitle is not the line under the title in the release"
        );
    }
    assert_eq!(
        subtitles.len(),
        1,
        "only Brest's project has a second line (Lab 3I's title is one line): {subtitles:?}"
    );
    // Every title is a whole printed line.
    for t in &titles {
        assert!(
            release.lines().any(|line| line == t[0]),
            "{:?} is not a whole line of the release",
            t[0]
        );
    }
}

#[test]
fn shared_awards_have_all_their_laureates() {
    let data = data_set();
    let rows = select(
        &data,
        "SELECT ?t (COUNT(?o) AS ?n) WHERE { ?a ti:project/dct:title ?t ; ti:laureate ?o } GROUP BY ?t HAVING (COUNT(?o) > 1) ORDER BY DESC(?n) ?t",
    );
    let summary: Vec<_> = rows
        .iter()
        .map(|r| (r[0].split(' ').next().unwrap().to_owned(), r[1].clone()))
        .collect();
    assert_eq!(
        summary,
        [
            ("Lab".to_owned(), "3".to_owned()),
            ("Expérimentation".to_owned(), "2".to_owned()),
            ("Implantation".to_owned(), "2".to_owned()),
            ("LeBonTag,".to_owned(), "2".to_owned()),
            ("Pilotage".to_owned(), "2".to_owned()),
        ]
    );
    assert_eq!(
        select_one(
            &data,
            "SELECT (COUNT(?a) AS ?n) WHERE { ?a ti:project/dct:title ?t FILTER(STRSTARTS(?t, 'MedNumRemix')) }"
        ),
        "1",
        "Brest's two lines are one award"
    );
}

#[test]
fn the_edition_figures_are_typed_integers() {
    let data = data_set();
    let rows = select(
        &data,
        "SELECT ?presented ?auditioned ?selected ?dt WHERE { ?e a ti:Edition ; ti:year ?y ;
            ti:projectsPresented ?presented ; ti:projectsAuditioned ?auditioned ; ti:territoriesSelected ?selected
            BIND(datatype(?presented) AS ?dt)
            FILTER(datatype(?auditioned) = xsd:integer && datatype(?selected) = xsd:integer && ?y = '2023'^^xsd:gYear) }",
    );
    assert_eq!(
        rows,
        [["58", "38", "25", "http://www.w3.org/2001/XMLSchema#integer"]]
    );
}

#[test]
fn the_edition_has_its_forum_six_criteria_and_a_jury_of_eight_bodies() {
    let data = data_set();
    assert_eq!(
        select(
            &data,
            "SELECT ?city WHERE { ?e ti:forum/schema:location/schema:name ?city }"
        ),
        [["Toulouse"]]
    );
    let release = press_release();
    let criteria = select(
        &data,
        "SELECT ?l WHERE { ?e ti:criterion ?c . ?c skos:prefLabel ?l FILTER(lang(?l) = 'fr') }",
    );
    assert_eq!(criteria.len(), 6);
    for c in &criteria {
        assert!(
            release.contains(&format!("- {}\n", c[0])) || release.ends_with(&c[0]),
            "{c:?}"
        );
    }
    let jury = select(
        &data,
        // As the release names them (the preferred name may be the official one).
        "SELECT ?name WHERE { ?e ti:jury/org:hasMember ?m . ?m ti:nameInSource ?name }",
    );
    assert_eq!(jury.len(), 8);
    for m in &jury {
        assert!(release.contains(&m[0]), "{m:?}");
    }
    assert_eq!(
        select_one(
            &data,
            "SELECT ?n WHERE { ?e ti:jury/ti:auditionSessions ?n }"
        ),
        "5"
    );
}

#[test]
fn the_organiser_was_founded_in_2009_by_two_jury_bodies() {
    let data = data_set();
    let rows = select(
        &data,
        "SELECT ?founded ?founder WHERE { ?label ti:organiser ?o . ?o schema:foundingDate ?founded ; schema:founder/skos:prefLabel ?founder } ORDER BY ?founder",
    );
    assert_eq!(
        rows,
        [
            ["2009", "France urbaine"],
            ["2009", "Intercommunalités de France"]
        ]
    );
}

#[test]
fn the_data_set_states_its_licence_and_provenance() {
    let data = data_set();
    let rows = select(
        &data,
        "SELECT ?licence ?title ?publisher WHERE { ?d a <http://www.w3.org/ns/dcat#Dataset> ; dct:license ?licence ;
           prov:wasDerivedFrom ?src . ?src dct:title ?title ; dct:publisher/skos:prefLabel ?publisher }",
    );
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0][0],
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    );
    assert!(
        one_line(&press_release()).contains(&rows[0][1]),
        "{:?}",
        rows[0][1]
    );
    assert_eq!(rows[0][2], "Les Interconnectés");
}

#[test]
fn every_award_project_and_laureate_cites_the_release() {
    let data = data_set();
    let release = "https://w3id.org/territoire-innovant/source/communique-2023";
    for (class, property) in [
        ("ti:Award", "prov:wasDerivedFrom"),
        ("ti:Award", "dct:source"),
        ("ti:Project", "prov:wasDerivedFrom"),
        ("ti:Project", "dct:source"),
        ("ti:Laureate", "dct:source"),
    ] {
        let uncited = select(
            &data,
            &format!(
                "SELECT ?x WHERE {{ ?x a {class} FILTER NOT EXISTS {{ ?x {property} <{release}> }} }}"
            ),
        );
        assert!(
            uncited.is_empty(),
            "{class} without {property} the release: {uncited:?}"
        );
    }
    assert_eq!(
        select_one(
            &data,
            "SELECT (COUNT(?x) AS ?n) WHERE { ?x a ti:Award ; prov:wasDerivedFrom ?s }"
        ),
        "25"
    );
}

#[test]
fn the_publisher_of_the_data_set_is_the_publication_not_the_organiser() {
    let data = data_set();
    let rows = select(
        &data,
        "SELECT ?p ?name WHERE { ?d a <http://www.w3.org/ns/dcat#Dataset> ; dct:publisher ?p . ?p skos:prefLabel ?name }",
    );
    assert_eq!(
        rows,
        [[
            "https://w3id.org/territoire-innovant/publisher".to_owned(),
            "Publication « Territoire Innovant » en données ouvertes liées".to_owned()
        ]]
    );
    // The organiser publishes the release, not this data set.
    assert_eq!(
        select_one(
            &data,
            "SELECT (COUNT(*) AS ?n) WHERE { ?d a <http://www.w3.org/ns/dcat#Dataset> ; dct:publisher <https://w3id.org/territoire-innovant/organisation/les-interconnectes> }"
        ),
        "0"
    );
}

#[test]
fn english_labels_find_levels_categories_and_kinds() {
    let data = data_set();
    assert_eq!(
        select_one(
            &data,
            "SELECT ?l WHERE { ?l a ti:Level ; rdfs:label \"Gold\"@en }"
        ),
        "https://w3id.org/territoire-innovant/level/or"
    );
    // Every concept and scheme named in English by skos:prefLabel is also
    // named so by rdfs:label.
    let missing = select(
        &data,
        "SELECT ?c WHERE { ?c skos:prefLabel ?en FILTER(lang(?en) = 'en') FILTER NOT EXISTS { ?c rdfs:label ?en } }",
    );
    assert!(missing.is_empty(), "{missing:?}");
}

#[test]
fn an_organisation_reaches_its_awards_from_its_side() {
    let data = data_set();
    let one_sided = select(
        &data,
        "SELECT ?o ?a WHERE {
           { ?a ti:laureate ?o FILTER NOT EXISTS { ?o ti:laureateOf ?a } }
           UNION { ?o ti:laureateOf ?a FILTER NOT EXISTS { ?a ti:laureate ?o } } }",
    );
    assert!(one_sided.is_empty(), "{one_sided:?}");
    let both = |property: &str| {
        select_one(
            &data,
            &format!("SELECT (COUNT(*) AS ?n) WHERE {{ ?x ti:{property} ?y }}"),
        )
    };
    assert_eq!(both("laureate"), both("laureateOf"));
    // The award Montpellier shares with Clermont is read from Montpellier.
    let montpellier = select(
        &data,
        "SELECT ?a WHERE { <https://w3id.org/territoire-innovant/organisation/montpellier-mediterranee-metropole> ti:laureateOf ?a }",
    );
    assert!(
        montpellier
            .iter()
            .any(|row| row[0].ends_with("/award/2023/lebontag")),
        "{montpellier:?}"
    );
}

#[test]
fn every_award_appears_in_the_naive_breakdowns_by_kind_region_and_departement() {
    let data = data_set();
    for property in ["ti:kind", "ti:region", "ti:departement"] {
        let awards = select_one(
            &data,
            &format!(
                "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?a ti:laureate ?o . ?o {property}/skos:prefLabel ?value }}"
            ),
        );
        assert_eq!(awards, "25", "{property}");
    }
    // The « non publié » values stand where no cited source gives the fact,
    // and only there: La Fibre64 (no legal form, no place), the
    // département of Aix-Marseille-Provence (its communes are in three),
    // and the legal form of the jury bodies the release names without one.
    let unknown = select(
        &data,
        "SELECT ?o ?p WHERE { ?o a org:Organization ; ?p ?v . VALUES ?v {
           <https://w3id.org/territoire-innovant/kind/non-publiee>
           <https://w3id.org/territoire-innovant/departement/non-publie>
           <https://w3id.org/territoire-innovant/region/non-publiee> } } ORDER BY ?o ?p",
    );
    let organisation = |id: &str| format!("https://w3id.org/territoire-innovant/organisation/{id}");
    let ontology = |term: &str| format!("https://w3id.org/territoire-innovant/ontology#{term}");
    // ti:kind's alignment with dct:type is entailed in graph/alignments.
    let kind_unknown = |id: &str| {
        [
            [
                organisation(id),
                "http://purl.org/dc/terms/type".to_string(),
            ],
            [organisation(id), ontology("kind")],
        ]
    };
    let mut expected = vec![
        [organisation("la-fibre64"), ontology("departement")],
        [organisation("la-fibre64"), ontology("region")],
        [
            organisation("metropole-aix-marseille-provence"),
            ontology("departement"),
        ],
    ];
    for id in [
        "banque-des-territoires",
        "france-urbaine",
        "intercommunalites-de-france",
        "la-fibre64",
        "microsoft",
        "orange",
    ] {
        expected.extend(kind_unknown(id));
    }
    expected.sort();
    assert_eq!(unknown, expected);
    // They are not places: counting départements does not count them.
    assert_eq!(
        select_one(
            &data,
            "SELECT (COUNT(*) AS ?n) WHERE { <https://w3id.org/territoire-innovant/departement/non-publie> a ti:Departement }"
        ),
        "0"
    );
}

#[test]
fn kinds_form_a_hierarchy_that_finds_local_authorities_and_groupings() {
    let data = data_set();
    let laureates_under = |top: &str| {
        select_one(
            &data,
            &format!(
                "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ ?o a ti:Laureate ; ti:kind/skos:broader* <https://w3id.org/territoire-innovant/kind/{top}> }}"
            ),
        )
    };
    // 6 communes, 3 départements and the Métropole de Lyon; 8 métropoles,
    // 6 communautés d'agglomération and 5 communautés de communes.
    assert_eq!(laureates_under("collectivite-territoriale"), "10");
    assert_eq!(laureates_under("epci-a-fiscalite-propre"), "19");
    // The other two: the State service and La Fibre64 (kind not published).
    let others = select(
        &data,
        "SELECT ?k WHERE { ?o a ti:Laureate ; ti:kind ?k FILTER NOT EXISTS { ?k skos:broader ?b } } ORDER BY ?k",
    );
    assert_eq!(
        others,
        [
            ["https://w3id.org/territoire-innovant/kind/non-publiee"],
            ["https://w3id.org/territoire-innovant/kind/service-de-l-etat"]
        ]
    );
    // Each broader kind cites the text that says what it groups.
    let uncited = select(
        &data,
        "SELECT ?k WHERE { ?n skos:broader ?k FILTER NOT EXISTS { ?k dct:source ?s } }",
    );
    assert!(uncited.is_empty(), "{uncited:?}");
}

#[test]
fn no_personal_contact_detail_is_published() {
    let data = data_set();
    let rows = select(
        &data,
        "SELECT ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o) || isIRI(?o)) FILTER(CONTAINS(LCASE(STR(?o)), 'colucci') || CONTAINS(STR(?o), '@interconnectes') || CONTAINS(STR(?o), '86 23') || STRSTARTS(STR(?o), 'mailto:') || STRSTARTS(STR(?o), 'tel:')) }",
    );
    assert!(rows.is_empty(), "{rows:?}");
}

#[test]
fn every_class_and_property_is_defined_in_the_ontology_or_standard() {
    let data = data_set();
    let standard = [
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "http://www.w3.org/2000/01/rdf-schema#",
        "http://www.w3.org/2004/02/skos/core#",
        "http://purl.org/dc/terms/",
        "http://www.w3.org/ns/org#",
        "http://schema.org/",
        "http://xmlns.com/foaf/0.1/",
        "http://www.w3.org/ns/prov#",
        "http://www.w3.org/ns/dcat#",
        "http://rdfs.org/ns/void#",
        "http://www.w3.org/2002/07/owl#",
    ];
    let graph = "<https://w3id.org/territoire-innovant/graph/data>";
    let terms = select(
        &data,
        &format!(
            "SELECT DISTINCT ?t WHERE {{ GRAPH {graph} {{ {{ ?s ?t ?o }} UNION {{ ?s a ?t }} }} }}"
        ),
    );
    let defined = select(
        &data,
        "SELECT ?t WHERE { GRAPH <https://w3id.org/territoire-innovant/graph/ontology> {
            ?t rdfs:label ?lf , ?le ; rdfs:comment ?cf , ?ce .
            FILTER(lang(?lf) = 'fr' && lang(?le) = 'en' && lang(?cf) = 'fr' && lang(?ce) = 'en') } }",
    );
    for t in terms {
        let t = &t[0];
        let ok = standard.iter().any(|ns| t.starts_with(ns)) || defined.iter().any(|d| &d[0] == t);
        assert!(
            ok,
            "{t} is neither standard nor defined with fr+en label and comment"
        );
    }
}

#[test]
fn the_alignments_are_entailed_in_their_own_graph_and_stay_out_of_documents() {
    let data = data_set();
    let in_graph = |graph: &str, pattern: &str| {
        select_one(
            &data,
            &format!(
                "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <https://w3id.org/territoire-innovant/graph/{graph}> {{ {pattern} }} }}"
            ),
        )
    };
    // Every award's category is its dct:subject, entailed, not stated.
    assert_eq!(in_graph("alignments", "?a dct:subject ?c"), "25");
    assert_eq!(in_graph("data", "?a dct:subject ?c"), "0");
    // The deprecated ti:label is entailed from ti:editionOf, never stated.
    assert_eq!(in_graph("alignments", "?e ti:label ?l"), "1");
    assert_eq!(in_graph("data", "?e ti:label ?l"), "0");
    // Nothing entailed is also stated in the data graph.
    assert_eq!(
        select_one(
            &data,
            "SELECT (COUNT(*) AS ?n) WHERE {
               GRAPH <https://w3id.org/territoire-innovant/graph/alignments> { ?s ?p ?o }
               GRAPH <https://w3id.org/territoire-innovant/graph/data> { ?s ?p ?o } }"
        ),
        "0"
    );
    // A resource's document says what the sources state.
    let award =
        oxigraph::model::NamedNode::new("https://w3id.org/territoire-innovant/award/2023/lebontag")
            .unwrap();
    let index = std::sync::Arc::new(
        territoire_innovant::sparql::index::QueryIndex::of_store(&data.store).unwrap(),
    );
    let document = territoire_innovant::describe::describe(&data.names(), &index, &award).unwrap();
    assert!(
        document
            .iter()
            .any(|t| t.predicate.as_str().ends_with("#category"))
    );
    assert!(
        !document
            .iter()
            .any(|t| t.predicate.as_str() == "http://purl.org/dc/terms/subject"),
        "{document:?}"
    );
}

#[test]
fn the_forum_city_is_the_commune_of_toulouse_by_its_insee_code() {
    let data = data_set();
    let rows = select(
        &data,
        "SELECT ?city ?code ?source WHERE { ?e ti:forum/schema:location ?place .
           ?place schema:name ?city ; ti:inseeCode ?code ; dct:source ?source } ORDER BY ?source",
    );
    // The name from the release, the code from the reference extract.
    let row = |source: &str| {
        [
            "Toulouse".to_string(),
            "31555".to_string(),
            format!("https://w3id.org/territoire-innovant/source/{source}"),
        ]
    };
    assert_eq!(
        rows,
        [row("communique-2023"), row("decoupage-administratif")]
    );
}

/// Issue 14: no data statement lacks a source. Every resource the data graph
/// describes cites the source of what it says (`dct:source`,
/// `prov:wasDerivedFrom`) or, for this publication's own classification
/// (organisation kinds, « non publié » values), who made it
/// (`dct:creator`); only the sources themselves, the licence and the
/// publisher are described without one.
#[test]
fn every_resource_of_the_data_cites_its_source_or_its_maker() {
    let data = data_set();
    let unsourced: Vec<String> = select(
        &data,
        "SELECT DISTINCT ?s WHERE { GRAPH <https://w3id.org/territoire-innovant/graph/data> {
           ?s ?p ?o
           FILTER NOT EXISTS { ?s dct:source|prov:wasDerivedFrom|dct:creator ?origin }
           FILTER NOT EXISTS { ?cites dct:source|prov:wasDerivedFrom ?s }
           FILTER NOT EXISTS { ?s a dct:LicenseDocument }
         } } ORDER BY ?s",
    )
    .into_iter()
    .map(|row| row[0].clone())
    .collect();
    assert_eq!(
        unsourced,
        ["https://w3id.org/territoire-innovant/publisher"]
    );
    // What the release describes cites it: the jury, its bodies, the forum,
    // the categories, levels and criteria, and their schemes.
    let release = "https://w3id.org/territoire-innovant/source/communique-2023";
    for resource in [
        "jury/2023",
        "organisation/orange",
        "organisation/anct",
        "forum/2023",
        "place/toulouse",
        "category/e-sante",
        "level/or",
        "criterion/innovation",
        "scheme/levels",
    ] {
        assert_eq!(
            select_one(
                &data,
                &format!(
                    "SELECT (COUNT(*) AS ?n) WHERE {{ <https://w3id.org/territoire-innovant/{resource}> dct:source <{release}> }}"
                )
            ),
            "1",
            "{resource}"
        );
    }
}
