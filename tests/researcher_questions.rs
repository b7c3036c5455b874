//! A researcher's first hour (issue 14): ordinary questions about the 2023
//! edition, in French or English, each answered by the most naive
//! reasonable SPARQL query — the vocabulary of `/ontology`, no `OPTIONAL`,
//! no `COALESCE` — and checked against the answer counted by hand from the
//! press release (`data/sources/communique-2023.txt`).

mod common;

use common::{data_set, repo, select};
use std::collections::{BTreeMap, BTreeSet};

const BASE: &str = "https://w3id.org/territoire-innovant/";

/// A question, its naive query, and the answer: the rows, each row's
/// values joined by " | ", sorted.
struct Question {
    asked: &'static str,
    query: &'static str,
    answer: &'static [&'static str],
}

const QUESTIONS: &[Question] = &[
    Question {
        asked: "Combien de prix ont été décernés en 2023 ?",
        query: "SELECT (COUNT(?a) AS ?n) WHERE { ?a a ti:Award ; ti:edition/ti:year \"2023\"^^xsd:gYear }",
        answer: &["25"],
    },
    Question {
        asked: "How many gold awards were there?",
        query: "SELECT (COUNT(?a) AS ?n) WHERE { ?a ti:level/rdfs:label \"Gold\"@en }",
        answer: &["8"],
    },
    Question {
        asked: "Combien de prix Or, Argent et Bronze ?",
        query: "SELECT ?niveau (COUNT(?a) AS ?n) WHERE { ?a ti:level/skos:prefLabel ?niveau FILTER(lang(?niveau) = 'fr') } GROUP BY ?niveau",
        answer: &["Argent | 8", "Bronze | 9", "Or | 8"],
    },
    Question {
        asked: "Combien d'organisations lauréates ?",
        query: "SELECT (COUNT(?o) AS ?n) WHERE { ?o a ti:Laureate }",
        answer: &["31"],
    },
    Question {
        asked: "Combien de prix par catégorie ?",
        query: "SELECT ?c (COUNT(?a) AS ?n) WHERE { ?a ti:category/skos:prefLabel ?c FILTER(lang(?c) = 'fr') } GROUP BY ?c",
        answer: &[
            "Aménagement & attractivité du territoire | 3",
            "Cybersécurité | 2",
            "E-santé | 2",
            "Moderniser le service public | 5",
            "Numérique et environnement | 4",
            "Territoire inclusif | 4",
            "Territoire intelligent et responsable | 5",
        ],
    },
    Question {
        asked: "What are the award criteria?",
        query: "SELECT ?c WHERE { ?e ti:criterion/skos:prefLabel ?c FILTER(lang(?c) = 'en') }",
        answer: &[
            "Digital sobriety",
            "Efficiency",
            "Innovation",
            "Partnership",
            "Pooling / interoperability",
            "Taking users into account",
        ],
    },
    Question {
        asked: "Combien de projets présentés, auditionnés, et de territoires sélectionnés ?",
        query: "SELECT ?p ?a ?s WHERE { ?e ti:projectsPresented ?p ; ti:projectsAuditioned ?a ; ti:territoriesSelected ?s }",
        answer: &["58 | 38 | 25"],
    },
    Question {
        asked: "Qui composait le jury ?",
        query: "SELECT (COUNT(?m) AS ?n) WHERE { ?e ti:jury/<http://www.w3.org/ns/org#hasMember> ?m }",
        answer: &["8"],
    },
    Question {
        asked: "En combien de sessions le jury a-t-il auditionné ?",
        query: "SELECT ?n WHERE { ?j ti:auditionSessions ?n }",
        answer: &["5"],
    },
    Question {
        asked: "Dans quelle ville s'est tenu le forum ?",
        query: "SELECT ?ville WHERE { ?e ti:forum/schema:location/rdfs:label ?ville }",
        answer: &["Toulouse"],
    },
    Question {
        asked: "Quels prix ont été partagés entre plusieurs lauréats ?",
        query: "SELECT ?titre (COUNT(?o) AS ?n) WHERE { ?a ti:laureate ?o ; ti:project/dct:title ?titre } GROUP BY ?titre HAVING (COUNT(?o) > 1)",
        answer: &[
            "Expérimentation citoyenne d'application de mobilité | 2",
            "Implantation d'un relais de télémedecine RTM en zone rurale | 2",
            "Lab 3I - Laboratoire Territorial Alpin 3I - Illettrisme, Illectronisme, Itinérance - Une coopération territoriale alpine pour explorer autrement l'accompagnement de proximité | 3",
            "LeBonTag, validateur de données OpenStreetMap | 2",
            "Pilotage de la qualité d'air et du confort dans les bâtiments accueillant des enfants | 2",
        ],
    },
    Question {
        asked: "Qu'a gagné la « Ville de Paris » (nom du communiqué) ?",
        query: "SELECT ?niveau ?titre WHERE { ?o skos:altLabel \"Ville de Paris\"@fr ; ti:laureateOf ?a . ?a ti:level/skos:prefLabel ?niveau ; ti:project/dct:title ?titre FILTER(lang(?niveau) = 'fr') }",
        answer: &[
            "Or | Programme «Démat'URBA» Dématérialisation de bout en bout des démarches d'urbanisme",
        ],
    },
    Question {
        asked: "Qui sont les lauréats en cybersécurité ?",
        query: "SELECT ?nom WHERE { ?a ti:category/skos:prefLabel \"Cybersécurité\"@fr ; ti:laureate/skos:prefLabel ?nom }",
        answer: &["Département de la Loire", "La Fibre64"],
    },
    Question {
        asked: "Combien de prix en e-santé ?",
        query: "SELECT (COUNT(?a) AS ?n) WHERE { ?a ti:category/rdfs:label \"E-santé\"@fr }",
        answer: &["2"],
    },
    Question {
        asked: "Trouver « Mairie de LUNAS », le nom du communiqué",
        query: "SELECT ?nom WHERE { ?o ti:nameInSource \"Mairie de LUNAS\"@fr ; skos:prefLabel ?nom }",
        answer: &["Lunas"],
    },
    Question {
        asked: "Combien de communes lauréates ?",
        query: "SELECT (COUNT(?o) AS ?n) WHERE { ?o a ti:Laureate ; ti:kind/rdfs:label \"Municipality\"@en }",
        answer: &["6"],
    },
    Question {
        asked: "Combien de collectivités territoriales lauréates ?",
        query: "SELECT (COUNT(?o) AS ?n) WHERE { ?o a ti:Laureate ; ti:kind/skos:broader/skos:prefLabel \"Collectivité territoriale\"@fr }",
        answer: &["10"],
    },
    Question {
        asked: "Quand et par qui Les Interconnectés ont-ils été créés ?",
        query: "SELECT ?annee ?fondateur WHERE { ?o skos:prefLabel \"Les Interconnectés\"@fr ; schema:foundingDate ?annee ; schema:founder/skos:prefLabel ?fondateur }",
        answer: &[
            "2009 | France urbaine",
            "2009 | Intercommunalités de France",
        ],
    },
    Question {
        asked: "How many awards per region (every award counted)?",
        query: "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a ti:laureate/ti:region/skos:prefLabel ?region }",
        answer: &["25"],
    },
    Question {
        asked: "How many awards per département (every award counted)?",
        query: "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a ti:laureate/ti:departement/skos:prefLabel ?d }",
        answer: &["25"],
    },
    Question {
        asked: "How many awards per kind of laureate (every award counted)?",
        query: "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a ti:laureate/ti:kind/skos:prefLabel ?k }",
        answer: &["25"],
    },
    Question {
        asked: "Quels lauréats en Corse ?",
        query: "SELECT ?nom WHERE { ?o ti:region/skos:prefLabel \"Corse\"@fr ; a ti:Laureate ; skos:prefLabel ?nom }",
        answer: &["Ajaccio", "CA du Pays Ajaccien"],
    },
    Question {
        asked: "Quels lauréats d'outre-mer ?",
        query: "SELECT ?nom WHERE { ?o a ti:Laureate ; ti:region/ti:overseas true ; skos:prefLabel ?nom }",
        answer: &["CA du Nord Grande Terre"],
    },
    Question {
        asked: "Quels prix de la Métropole de Lyon ?",
        query: "SELECT ?titre WHERE { ?o ti:nameInSource \"Métropole de Lyon\"@fr ; ti:laureateOf/ti:project/dct:title ?titre }",
        answer: &["Calque de plantabilité"],
    },
    Question {
        asked: "Combien de prix Bronze en aménagement et attractivité ?",
        query: "SELECT (COUNT(?a) AS ?n) WHERE { ?a ti:level/skos:prefLabel \"Bronze\"@fr ; ti:category/skos:prefLabel \"Aménagement & attractivité du territoire\"@fr }",
        answer: &["3"],
    },
    Question {
        asked: "Que signifie ANCT, membre du jury ?",
        query: "SELECT ?nom ?loi WHERE { ?o skos:altLabel \"ANCT\"@fr ; skos:prefLabel ?nom ; dct:source/dct:title ?loi }",
        // The release names it « ANCT »; the law gives its name.
        answer: &[
            "Agence nationale de la cohésion des territoires | Forum des Interconnectés 2023 : Annonce des lauréats du Label « Territoire Innovant » 2023",
            "Agence nationale de la cohésion des territoires | Loi n° 2019-753 du 22 juillet 2019 portant création d'une Agence nationale de la cohésion des territoires",
        ],
    },
    Question {
        asked: "Which source states each award?",
        query: "SELECT ?titre (COUNT(?a) AS ?n) WHERE { ?a a ti:Award ; prov:wasDerivedFrom/dct:title ?titre } GROUP BY ?titre",
        answer: &[
            "Forum des Interconnectés 2023 : Annonce des lauréats du Label « Territoire Innovant » 2023 | 25",
        ],
    },
    // Item 5: the vocabularies the ontology aligns with answer too
    // (graph/alignments), and so does the deprecated ti:label.
    Question {
        asked: "How many projects, asked in FOAF?",
        query: "SELECT (COUNT(?p) AS ?n) WHERE { ?p a <http://xmlns.com/foaf/0.1/Project> }",
        answer: &["25"],
    },
    Question {
        asked: "Combien d'awards font partie (dct:isPartOf) de l'édition 2023 ?",
        query: "SELECT (COUNT(?a) AS ?n) WHERE { ?a a ti:Award ; dct:isPartOf ?e . ?e ti:year \"2023\"^^xsd:gYear }",
        answer: &["25"],
    },
    Question {
        asked: "How many subjects (dct:subject) do the awards have?",
        query: "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?a a ti:Award ; dct:subject ?s }",
        answer: &["7"],
    },
    Question {
        asked: "Quels identifiants (dct:identifier) pour la lauréate Paris ?",
        query: "SELECT ?id WHERE { ?o a ti:Laureate ; skos:prefLabel \"Paris\"@fr ; dct:identifier ?id }",
        answer: &["217500016", "75056"],
    },
    Question {
        asked: "Of which label is 2023 an edition, asked with the deprecated ti:label?",
        query: "SELECT ?nom WHERE { ?e ti:year \"2023\"^^xsd:gYear ; ti:label/rdfs:label ?nom }",
        answer: &["Label « Territoire Innovant »"],
    },
];

#[test]
fn twenty_five_researcher_questions_get_the_release_s_answers_from_naive_queries() {
    assert!(QUESTIONS.len() >= 25, "{} questions", QUESTIONS.len());
    let data = data_set();
    let mut wrong = Vec::new();
    for question in QUESTIONS {
        let mut rows: Vec<String> = select(&data, question.query)
            .into_iter()
            .map(|row| row.join(" | "))
            .collect();
        rows.sort();
        if rows != question.answer {
            wrong.push(format!(
                "{}\n  {}\n  got {rows:?}\n  expected {:?}",
                question.asked, question.query, question.answer
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The territories the laureates cover, counted from the official lists
/// as committed (`data/reference/decoupage-administratif.toml`, checked
/// against the package by `scripts/reference-extract --check`): for each
/// laureate with a reference, what it covers.
fn covered_by_laureates() -> Vec<Covered> {
    let read = |path: &str| -> toml::Table {
        toml::from_str(&std::fs::read_to_string(repo().join(path)).unwrap()).unwrap()
    };
    let extract = read("data/reference/decoupage-administratif.toml");
    let table = |name: &str| extract[name].as_array().unwrap().clone();
    let text = |v: &toml::Value, key: &str| v[key].as_str().unwrap().to_owned();
    let commune_departement: BTreeMap<String, String> = table("commune")
        .iter()
        .map(|c| (text(c, "code"), text(c, "departement")))
        .collect();
    let edition = read("data/editions/2023.toml");
    let laureates: BTreeSet<String> = edition["award"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["laureates"].as_array().unwrap().iter())
        .map(|l| l.as_str().unwrap().to_owned())
        .collect();
    let organisations = read("data/registry/organisations.toml");
    let mut covered = Vec::new();
    for organisation in organisations["organisation"].as_array().unwrap() {
        let name = text(organisation, "id");
        let Some(reference) = organisation.get("reference").and_then(|r| r.as_str()) else {
            continue;
        };
        if !laureates.contains(&name) {
            continue;
        }
        let (kind, code) = reference.split_once(':').unwrap();
        let entry = table(kind)
            .into_iter()
            .find(|e| e["code"].as_str() == Some(code))
            .unwrap();
        let communes: BTreeSet<String> = match kind {
            "commune" => [code.to_owned()].into(),
            "epci" => entry["members"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m.as_str().unwrap().to_owned())
                .collect(),
            _ => BTreeSet::new(),
        };
        let mut departements: BTreeSet<String> = communes
            .iter()
            .map(|c| commune_departement[c].clone())
            .collect();
        match kind {
            "departement" => drop(departements.insert(code.to_owned())),
            "region" => departements.extend(
                table("departement")
                    .iter()
                    .filter(|d| d["region"].as_str() == Some(code))
                    .map(|d| text(d, "code")),
            ),
            _ => {}
        }
        let population = entry.get("population").and_then(|p| p.as_integer());
        covered.push(Covered {
            id: name,
            communes,
            departements,
            population,
        });
    }
    covered
}

/// What a laureate covers, by the official lists.
struct Covered {
    /// Its id in the registry.
    id: String,
    /// The INSEE codes of its communes.
    communes: BTreeSet<String>,
    /// The codes of the départements it covers.
    departements: BTreeSet<String>,
    /// Its population, where the package gives one.
    population: Option<i64>,
}

#[test]
fn questions_on_the_territories_the_laureates_cover_get_the_official_lists_answers() {
    let data = data_set();
    let covered = covered_by_laureates();
    let one = |query: &str| -> String {
        let rows = select(&data, query);
        assert_eq!(rows.len(), 1, "{query}: {rows:?}");
        rows[0][0].clone()
    };
    // « Combien de communes les lauréats couvrent-ils ? »
    let communes: BTreeSet<&String> = covered.iter().flat_map(|c| &c.communes).collect();
    assert!(communes.len() > 600, "{}", communes.len());
    assert_eq!(
        one("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?o a ti:Laureate ; ti:coversCommune ?c }"),
        communes.len().to_string()
    );
    // « Quels lauréats couvrent le Var (83) ? » — the Métropole
    // d'Aix-Marseille-Provence among them, though no département is
    // published for it.
    let in_var: BTreeSet<String> = covered
        .iter()
        .filter(|c| c.departements.contains("83"))
        .map(|c| format!("{}organisation/{}", BASE, c.id))
        .collect();
    assert!(in_var.contains(&format!(
        "{BASE}organisation/metropole-aix-marseille-provence"
    )));
    let answer: BTreeSet<String> = select(
        &data,
        "SELECT ?o WHERE { ?o a ti:Laureate ; ti:coversDepartement/ti:inseeCode \"83\" }",
    )
    .into_iter()
    .map(|row| row[0].clone())
    .collect();
    assert_eq!(answer, in_var);
    // « Combien de départements les lauréats couvrent-ils ? »
    let departements: BTreeSet<&String> = covered.iter().flat_map(|c| &c.departements).collect();
    assert_eq!(
        one(
            "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?o a ti:Laureate ; ti:coversDepartement ?d }"
        ),
        departements.len().to_string()
    );
    // « Quelle population réunissent les lauréats (communes et
    // intercommunalités) ? », and that of one of them.
    let total: i64 = covered.iter().filter_map(|c| c.population).sum();
    assert!(total > 5_000_000, "{total}");
    assert_eq!(
        one("SELECT (SUM(?p) AS ?n) WHERE { ?o a ti:Laureate ; ti:population ?p }"),
        total.to_string()
    );
    let aix = covered
        .iter()
        .find(|c| c.id == "metropole-aix-marseille-provence")
        .and_then(|c| c.population)
        .unwrap();
    assert_eq!(
        one(
            "SELECT ?p WHERE { ?o skos:prefLabel \"Métropole d'Aix-Marseille-Provence\"@fr ; ti:population ?p }"
        ),
        aix.to_string()
    );
}
