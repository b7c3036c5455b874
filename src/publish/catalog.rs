//! The DCAT-AP 3 catalog of the publication: the data set, each
//! distribution (every dump file, with its media type, size and SHA-256) and
//! the SPARQL endpoint as a data service. Titles, dates, licence and
//! publisher are read from the data graph; sizes and checksums from the
//! files. The external terms it uses (EU authority tables, IANA media types)
//! are typed, so that the catalog validates on its own.

use super::FileSummary;
use super::dumps::FileFormat;
use super::fingerprint::Fingerprints;
use crate::rdf::base::mint;
use crate::rdf::triples::{Triples, date, en, fr};
use crate::rdf::vocab::{dcat, dct, foaf, skos, spdx, ti, vcard};
use crate::store::DataSet;
use oxigraph::model::vocab::{rdf, rdfs, xsd};
use oxigraph::model::{
    BlankNode, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Term, Triple,
};

const EU_AUTHORITY: &str = "http://publications.europa.eu/resource/authority/";
/// The namespace of IANA media types.
pub(super) const IANA: &str = "http://www.iana.org/assignments/media-types/";

/// Reads the description the data graph gives of a resource.
pub(super) struct Described<'a> {
    data_set: &'a DataSet,
    subject: NamedNode,
}

impl<'a> Described<'a> {
    pub(super) fn new(data_set: &'a DataSet, subject: NamedNode) -> Self {
        Self { data_set, subject }
    }

    /// Every value of `predicate`, sorted.
    pub(super) fn all(&self, predicate: NamedNodeRef<'_>) -> Vec<Term> {
        let mut values: Vec<Term> = self
            .data_set
            .store
            .quads_for_pattern(
                Some(self.subject.as_ref().into()),
                Some(predicate),
                None,
                Some(self.data_set.data_graph.as_ref().into()),
            )
            .filter_map(Result::ok)
            .map(|q| q.object)
            .collect();
        values.sort_by_cached_key(Term::to_string);
        values
    }

    /// The first value of `predicate` that is an IRI.
    pub(super) fn iri(&self, predicate: NamedNodeRef<'_>) -> Option<NamedNode> {
        self.all(predicate).into_iter().find_map(|t| match t {
            Term::NamedNode(n) => Some(n),
            _ => None,
        })
    }

    /// The first value of `predicate` that is a literal.
    pub(super) fn literal(&self, predicate: NamedNodeRef<'_>) -> Option<Literal> {
        self.all(predicate).into_iter().find_map(|t| match t {
            Term::Literal(l) => Some(l),
            _ => None,
        })
    }
}

/// The W3C Recommendation the fingerprints follow (RDF Dataset
/// Canonicalization, RDFC-1.0).
const RDF_CANONICALIZATION: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("https://www.w3.org/TR/rdf-canon/");

/// The catalog triples for a publication whose files are `files`.
pub fn catalog_triples(
    data_set: &DataSet,
    files: &[FileSummary],
    fingerprints: &Fingerprints,
) -> Vec<Triple> {
    let base = &data_set.base;
    let catalog = base.iri("catalog");
    let dataset_iri = base.rebase_node(mint::dataset());
    let dataset = Described::new(data_set, dataset_iri.clone());
    let service = base.iri("sparql#service");
    let fragments = base.iri("fragments#service");
    let change_feed = base.iri("ldes#service");
    let contact = base.iri("catalog#contact-point");
    let landing_page = base.iri("");
    let ontology = base.rebase_node(ti::ONTOLOGY.into_owned());
    let mut t = Triples::default();

    let titles = dataset.all(dct::TITLE);
    let descriptions = dataset.all(dct::DESCRIPTION);
    let issued = dataset.literal(dct::ISSUED);
    let modified = dataset.literal(dct::MODIFIED);
    let license = dataset.iri(dct::LICENSE);
    let publisher = dataset.iri(dct::PUBLISHER);

    // The catalog.
    t.add(&catalog, rdf::TYPE, dcat::CATALOG);
    identify(&mut t, &catalog);
    t.add(
        &catalog,
        dct::TITLE,
        fr("Catalogue des données du label « Territoire Innovant »"),
    );
    t.add(
        &catalog,
        dct::TITLE,
        en("Catalogue of the data of the label « Territoire Innovant »"),
    );
    t.add(&catalog, dct::DESCRIPTION, fr("Les données ouvertes liées des lauréats du label « Territoire Innovant » : jeu de données, fichiers à télécharger et point d'accès SPARQL."));
    t.add(&catalog, dct::DESCRIPTION, en("The Linked Open Data of the laureates of the label « Territoire Innovant »: data set, downloadable files and SPARQL endpoint."));
    t.add(&catalog, foaf::HOMEPAGE, landing_page.clone());
    t.add(&catalog, dcat::DATASET_OF, dataset_iri.clone());
    t.add(&catalog, dcat::SERVICE, service.clone());
    t.add(&catalog, dcat::SERVICE, fragments.clone());
    t.add(&catalog, dcat::SERVICE, change_feed.clone());
    let french = authority(
        &mut t,
        "language/FRA",
        dct::LINGUISTIC_SYSTEM,
        "français",
        "French",
    );
    t.add(&catalog, dct::LANGUAGE, french.clone());
    let themes = data_theme_scheme(&mut t);
    t.add(&catalog, dcat::THEME_TAXONOMY, themes.clone());

    // The data set.
    t.add(&dataset_iri, rdf::TYPE, dcat::DATASET);
    identify(&mut t, &dataset_iri);
    for title in &titles {
        t.add(&dataset_iri, dct::TITLE, title.clone());
    }
    for description in &descriptions {
        t.add(&dataset_iri, dct::DESCRIPTION, description.clone());
    }
    for keyword in dataset.all(dcat::KEYWORD) {
        t.add(&dataset_iri, dcat::KEYWORD, keyword);
    }
    t.add(&dataset_iri, dcat::LANDING_PAGE, landing_page.clone());
    t.add(&landing_page, rdf::TYPE, foaf::DOCUMENT);
    t.add(&dataset_iri, dcat::CONTACT_POINT, contact.clone());
    t.add(&dataset_iri, dct::CONFORMS_TO, ontology.clone());
    t.add(&ontology, rdf::TYPE, dct::STANDARD);
    t.add(
        &ontology,
        dct::TITLE,
        fr("Ontologie du label « Territoire Innovant »"),
    );
    for (code, label_fr, label_en) in [
        (
            "GOVE",
            "Gouvernement et secteur public",
            "Government and public sector",
        ),
        ("REGI", "Régions et villes", "Regions and cities"),
    ] {
        let theme = authority(
            &mut t,
            &format!("data-theme/{code}"),
            skos::CONCEPT,
            label_fr,
            label_en,
        );
        t.add(&theme, skos::IN_SCHEME, themes.clone());
        t.add(&dataset_iri, dcat::THEME, theme);
    }
    let france = authority(&mut t, "country/FRA", dct::LOCATION, "France", "France");
    t.add(&dataset_iri, dct::SPATIAL, france.clone());
    t.add(&catalog, dct::SPATIAL, france);
    if let Some(extent) = territories_extent(&mut t, data_set) {
        t.add(&dataset_iri, dct::SPATIAL, extent);
    }
    let stable = authority(
        &mut t,
        "planned-availability/STABLE",
        skos::CONCEPT,
        "stable",
        "stable",
    );
    t.add(&dataset_iri, dct::LANGUAGE, french);
    let frequency = authority(
        &mut t,
        "frequency/ANNUAL",
        dct::FREQUENCY,
        "annuel",
        "annual",
    );
    t.add(&dataset_iri, dct::ACCRUAL_PERIODICITY, frequency);
    let access = authority(
        &mut t,
        "access-right/PUBLIC",
        dct::RIGHTS_STATEMENT,
        "public",
        "public",
    );
    t.add(&dataset_iri, dct::ACCESS_RIGHTS, access);
    if let Some((first, last)) = edition_years(data_set) {
        let period = base.iri("catalog#temporal-coverage");
        t.add(&dataset_iri, dct::TEMPORAL, period.clone());
        t.add(&period, rdf::TYPE, dct::PERIOD_OF_TIME);
        t.add(
            &period,
            dcat::START_DATE,
            date(&format!("{first:04}-01-01")),
        );
        t.add(&period, dcat::END_DATE, date(&format!("{last:04}-12-31")));
    }

    // Who answers for it: the publisher (`[publisher]` of data/label.toml), also
    // the contact point.
    if let Some(publisher) = &publisher {
        let org = Described::new(data_set, publisher.clone());
        let publisher_name = org.literal(skos::PREF_LABEL);
        t.add(&catalog, dct::PUBLISHER, publisher.clone());
        t.add(&dataset_iri, dct::PUBLISHER, publisher.clone());
        t.add(&service, dct::PUBLISHER, publisher.clone());
        t.add(&fragments, dct::PUBLISHER, publisher.clone());
        t.add(&change_feed, dct::PUBLISHER, publisher.clone());
        t.add(publisher, rdf::TYPE, foaf::AGENT);
        if let Some(name) = &publisher_name {
            t.add(publisher, foaf::NAME, name.clone());
        }
        t.add(&contact, rdf::TYPE, vcard::KIND);
        t.add(&contact, rdf::TYPE, vcard::ORGANIZATION);
        if let Some(name) = &publisher_name {
            t.add(
                &contact,
                vcard::FN,
                Literal::new_simple_literal(name.value()),
            );
        }
        // Without a web site of its own, the publication's page is where
        // to reach whoever runs it.
        let page = org.iri(foaf::HOMEPAGE).unwrap_or(landing_page.clone());
        t.add(&contact, vcard::HAS_URL, page);
    }
    for (subject, literal) in [(&catalog, &issued), (&dataset_iri, &issued)] {
        if let Some(value) = literal {
            t.add(subject, dct::ISSUED, value.clone());
        }
    }
    for subject in [&catalog, &dataset_iri] {
        if let Some(value) = &modified {
            t.add(subject, dct::MODIFIED, value.clone());
        }
    }
    if let Some(license) = &license {
        for subject in [&catalog, &dataset_iri, &service, &fragments, &change_feed] {
            t.add(subject, dct::LICENSE, license.clone());
        }
        t.add(license, rdf::TYPE, dct::LICENSE_DOCUMENT);
        let described = Described::new(data_set, license.clone());
        for label in described.all(rdfs::LABEL) {
            t.add(license, rdfs::LABEL, label);
        }
    }
    let rights = rights_statement(&mut t, base, license.is_some());
    t.add(&dataset_iri, dct::RIGHTS, rights.clone());

    // One distribution per published file.
    for file in files {
        let format = FileFormat::of(&file.name);
        let Some(file_type) = format.eu_file_type else {
            continue;
        };
        let distribution = base.iri(&format!("distribution/{}", file.name));
        let url = base.iri(&format!("dumps/{}", file.name));
        t.add(&dataset_iri, dcat::DISTRIBUTION_OF, distribution.clone());
        t.add(&distribution, rdf::TYPE, dcat::DISTRIBUTION);
        identify(&mut t, &distribution);
        t.add(
            &distribution,
            dct::TITLE,
            Literal::new_simple_literal(&file.name),
        );
        t.add(
            &distribution,
            dct::DESCRIPTION,
            fr(&super::file_description(&file.name)),
        );
        t.add(&distribution, AVAILABILITY, stable.clone());
        t.add(&distribution, dcat::DOWNLOAD_URL, url.clone());
        t.add(&distribution, dcat::ACCESS_URL, url);
        describe_format(
            &mut t,
            &distribution,
            format.media_type,
            file_type,
            file_type,
        );
        if format.gzipped {
            let gzip = media_type(&mut t, "application/gzip");
            t.add(&distribution, dcat::COMPRESS_FORMAT, gzip);
        }
        t.add(
            &distribution,
            dcat::BYTE_SIZE,
            Literal::new_typed_literal(file.size.to_string(), xsd::DECIMAL),
        );
        let checksum = base.iri(&format!("distribution/{}#sha256", file.name));
        t.add(&distribution, spdx::CHECKSUM, checksum.clone());
        t.add(&checksum, rdf::TYPE, spdx::CHECKSUM_CLASS);
        t.add(&checksum, spdx::ALGORITHM, spdx::SHA256);
        t.add(
            &checksum,
            spdx::CHECKSUM_VALUE,
            Literal::new_typed_literal(&file.sha256, xsd::HEX_BINARY),
        );
        if format.media_type == "text/csv" {
            // A table conforms to its two descriptions (DCAT-AP: a
            // distribution's schema is a `dct:Standard` it conforms to).
            for (name, title) in [
                (
                    super::CSVW_METADATA,
                    "Métadonnées CSV on the Web (W3C) des tables",
                ),
                (
                    super::DATA_PACKAGE,
                    "Schéma des tables (Table Schema, Frictionless)",
                ),
            ] {
                let schema = base.iri(&format!("dumps/{name}"));
                t.add(&distribution, dct::CONFORMS_TO, schema.clone());
                t.add(&schema, rdf::TYPE, dct::STANDARD);
                t.add(&schema, dct::TITLE, fr(title));
            }
        } else {
            t.add(&distribution, dct::CONFORMS_TO, ontology.clone());
        }
        describe_terms(
            &mut t,
            &distribution,
            (&license, &rights),
            (&issued, &modified),
        );
    }

    // The canonical fingerprints: what the data is, whatever the file.
    let graph_name = |graph: &oxigraph::model::NamedNode| format!("<{}>", graph.as_str());
    for (id, value, graphs_fr, graphs_en) in [
        (
            "data",
            &fingerprints.data,
            format!("du graphe des données {}", graph_name(&data_set.data_graph)),
            format!("of the data graph {}", graph_name(&data_set.data_graph)),
        ),
        (
            "publication",
            &fingerprints.publication,
            format!(
                "du jeu publié : le graphe des données {} et celui de l'ontologie {}",
                graph_name(&data_set.data_graph),
                graph_name(&data_set.ontology_graph)
            ),
            format!(
                "of the published data set: the data graph {} and the ontology graph {}",
                graph_name(&data_set.data_graph),
                graph_name(&data_set.ontology_graph)
            ),
        ),
    ] {
        let checksum = base.iri(&format!("dataset#fingerprint-{id}"));
        t.add(&dataset_iri, spdx::CHECKSUM, checksum.clone());
        t.add(&checksum, rdf::TYPE, spdx::CHECKSUM_CLASS);
        t.add(&checksum, spdx::ALGORITHM, spdx::SHA256);
        t.add(
            &checksum,
            spdx::CHECKSUM_VALUE,
            Literal::new_typed_literal(value, xsd::HEX_BINARY),
        );
        t.add(&checksum, dct::CONFORMS_TO, RDF_CANONICALIZATION);
        t.add(&checksum, dct::DESCRIPTION, fr(&format!(
            "Empreinte des données : SHA-256 des N-Quads canoniques (RDFC-1.0, recommandation du W3C) {graphs_fr}. Elle ne dépend ni de la syntaxe ni de l'ordre d'un fichier : elle ne change que si les données changent."
        )));
        t.add(&checksum, dct::DESCRIPTION, en(&format!(
            "Fingerprint of the data: SHA-256 of the canonical N-Quads (RDFC-1.0, W3C Recommendation) {graphs_en}. It depends on neither the syntax nor the order of a file: it changes only when the data does."
        )));
    }

    // The SPARQL endpoint: a data service, and a distribution accessed through it.
    let endpoint = base.iri("sparql");
    t.add(&service, rdf::TYPE, dcat::DATA_SERVICE);
    identify(&mut t, &service);
    t.add(
        &service,
        dct::TITLE,
        fr("Point d'accès SPARQL du label « Territoire Innovant »"),
    );
    t.add(
        &service,
        dct::TITLE,
        en("SPARQL endpoint of the label « Territoire Innovant »"),
    );
    t.add(&service, dct::DESCRIPTION, fr("Le point d'accès du protocole SPARQL 1.1 : toute requête SPARQL en lecture sur les données et l'ontologie, réponses en JSON, XML, CSV, TSV ou RDF. La page de requête et des exemples sont à la même adresse."));
    t.add(&service, dct::DESCRIPTION, en("The SPARQL 1.1 Protocol endpoint: any read-only SPARQL query over the data and the ontology, answered in JSON, XML, CSV, TSV or RDF. The query page and examples are at the same address."));
    t.add(&service, dcat::ENDPOINT_URL, endpoint.clone());
    t.add(&service, dcat::ENDPOINT_DESCRIPTION, endpoint.clone());
    t.add(&service, dcat::SERVES_DATASET, dataset_iri.clone());
    for keyword in dataset.all(dcat::KEYWORD) {
        t.add(&service, dcat::KEYWORD, keyword);
    }
    t.add(&service, dcat::CONTACT_POINT, contact.clone());
    let protocol = NamedNode::new_unchecked("https://www.w3.org/TR/sparql11-protocol/");
    t.add(&service, dct::CONFORMS_TO, protocol.clone());
    t.add(&protocol, rdf::TYPE, dct::STANDARD);
    t.add(&protocol, dct::TITLE, en("SPARQL 1.1 Protocol"));
    // The Triple Pattern Fragments interface: a data service whose pages
    // describe themselves (Hydra controls).
    let interface = base.iri("fragments");
    t.add(&fragments, rdf::TYPE, dcat::DATA_SERVICE);
    identify(&mut t, &fragments);
    t.add(
        &fragments,
        dct::TITLE,
        fr("Fragments de triplets (Triple Pattern Fragments) du label « Territoire Innovant »"),
    );
    t.add(
        &fragments,
        dct::TITLE,
        en("Triple Pattern Fragments of the label « Territoire Innovant »"),
    );
    t.add(&fragments, dct::DESCRIPTION, fr("Les triplets qui correspondent à un motif (sujet, prédicat, objet), par pages de 100 avec leur nombre et des contrôles Hydra : un client comme Comunica y répond lui-même aux requêtes SPARQL."));
    t.add(&fragments, dct::DESCRIPTION, en("The triples matching a pattern (subject, predicate, object), in pages of 100 with their count and Hydra controls: a client such as Comunica answers SPARQL queries from them itself."));
    t.add(&fragments, dcat::ENDPOINT_URL, interface.clone());
    t.add(&fragments, dcat::ENDPOINT_DESCRIPTION, interface);
    t.add(&fragments, dcat::SERVES_DATASET, dataset_iri.clone());
    for keyword in dataset.all(dcat::KEYWORD) {
        t.add(&fragments, dcat::KEYWORD, keyword);
    }
    t.add(&fragments, dcat::CONTACT_POINT, contact.clone());
    let tpf =
        NamedNode::new_unchecked("https://www.hydra-cg.com/spec/latest/triple-pattern-fragments/");
    t.add(&fragments, dct::CONFORMS_TO, tpf.clone());
    t.add(&tpf, rdf::TYPE, dct::STANDARD);
    t.add(&tpf, dct::TITLE, en("Triple Pattern Fragments"));

    // The change feed: a Linked Data Event Stream of every release.
    let stream = crate::change_feed::stream::stream_iri(base);
    t.add(&change_feed, rdf::TYPE, dcat::DATA_SERVICE);
    identify(&mut t, &change_feed);
    t.add(
        &change_feed,
        dct::TITLE,
        fr("Fil des changements (Linked Data Event Stream) du label « Territoire Innovant »"),
    );
    t.add(
        &change_feed,
        dct::TITLE,
        en("Change feed (Linked Data Event Stream) of the label « Territoire Innovant »"),
    );
    t.add(&change_feed, dct::DESCRIPTION, fr("Chaque publication des données, sous forme de versions immuables des ressources nouvelles, modifiées ou retirées : un moissonneur lit le fil une fois, puis seulement ce qui s'y ajoute. Tout l'historique est conservé."));
    t.add(&change_feed, dct::DESCRIPTION, en("Every release of the data, as immutable versions of the resources created, changed or removed: a harvester reads the stream once, then only what is added to it. The whole history is kept."));
    t.add(&change_feed, dcat::ENDPOINT_URL, stream.clone());
    t.add(&change_feed, dcat::ENDPOINT_DESCRIPTION, stream);
    t.add(&change_feed, dcat::SERVES_DATASET, dataset_iri.clone());
    for keyword in dataset.all(dcat::KEYWORD) {
        t.add(&change_feed, dcat::KEYWORD, keyword);
    }
    t.add(&change_feed, dcat::CONTACT_POINT, contact.clone());
    for (specification, title) in [
        (
            "https://w3id.org/ldes/specification",
            "Linked Data Event Streams",
        ),
        (
            "https://w3id.org/tree/specification",
            "The TREE hypermedia specification",
        ),
    ] {
        let specification = NamedNode::new_unchecked(specification);
        t.add(&change_feed, dct::CONFORMS_TO, specification.clone());
        t.add(&specification, rdf::TYPE, dct::STANDARD);
        t.add(&specification, dct::TITLE, en(title));
    }

    let sparql_distribution = base.iri("distribution/sparql");
    t.add(
        &dataset_iri,
        dcat::DISTRIBUTION_OF,
        sparql_distribution.clone(),
    );
    t.add(&sparql_distribution, rdf::TYPE, dcat::DISTRIBUTION);
    identify(&mut t, &sparql_distribution);
    t.add(&sparql_distribution, dct::TITLE, fr("Point d'accès SPARQL"));
    t.add(&sparql_distribution, dct::DESCRIPTION, fr("Les données interrogeables en SPARQL 1.1 (protocole SPARQL, résultats JSON, XML, CSV, TSV ou RDF)."));
    t.add(&sparql_distribution, AVAILABILITY, stable);
    t.add(&sparql_distribution, dcat::ACCESS_URL, endpoint);
    t.add(&sparql_distribution, dcat::ACCESS_SERVICE, service);
    // Its format: queries (EU file type SPARQLQ, media type of a query body),
    // so that harvesters show the endpoint with a format like the files.
    describe_format(
        &mut t,
        &sparql_distribution,
        "application/sparql-query",
        "SPARQLQ",
        "SPARQL",
    );
    describe_terms(
        &mut t,
        &sparql_distribution,
        (&license, &rights),
        (&issued, &modified),
    );
    t.0
}

/// `dct:identifier`: the IRI itself, which harvesters (udata) key their
/// records on.
fn identify(t: &mut Triples, subject: &NamedNode) {
    t.add(
        subject,
        dct::IDENTIFIER,
        Literal::new_simple_literal(subject.as_str()),
    );
}

/// The terms of use a distribution shares with the data set: its licence,
/// the rights statement, and the dates of the data set.
fn describe_terms(
    t: &mut Triples,
    distribution: &NamedNode,
    (license, rights): (&Option<NamedNode>, &NamedNode),
    (issued, modified): (&Option<Literal>, &Option<Literal>),
) {
    if let Some(license) = license {
        t.add(distribution, dct::LICENSE, license.clone());
    }
    t.add(distribution, dct::RIGHTS, rights.clone());
    for (property, value) in [(dct::ISSUED, issued), (dct::MODIFIED, modified)] {
        if let Some(value) = value {
            t.add(distribution, property, value.clone());
        }
    }
}

/// The rights statement (`dct:rights`): what the licence lets a reuser do,
/// in its own terms (free reuse, with the source and date named).
fn rights_statement(t: &mut Triples, base: &crate::rdf::Base, licensed: bool) -> NamedNode {
    let rights = base.iri("catalog#rights");
    t.add(&rights, rdf::TYPE, dct::RIGHTS_STATEMENT);
    let (text_fr, text_en) = if licensed {
        (
            "Réutilisation libre et gratuite, y compris commerciale, selon la licence indiquée, en mentionnant la source des données et la date de leur dernière mise à jour.",
            "Free reuse, commercial included, under the licence given, naming the source of the data and the date of its last update.",
        )
    } else {
        ("Aucune licence n'est indiquée.", "No licence is given.")
    };
    t.add(&rights, rdfs::LABEL, fr(text_fr));
    t.add(&rights, rdfs::LABEL, en(text_en));
    rights
}

/// The areas where the legal French projections apply, as published by
/// Etalab (npm `@etalab/project-legal` 0.6.0, `projections.json`, MIT
/// licence: the EPSG areas of use, west, south, east, north in degrees),
/// with the départements they hold.
const LEGAL_AREAS: [LegalArea; 5] = [
    LegalArea {
        name: "France métropolitaine",
        holds: |code| !code.starts_with("97"),
        bounds: [-9.86, 41.15, 10.38, 51.56],
    },
    LegalArea {
        name: "Antilles françaises",
        holds: |code| matches!(code, "971" | "972" | "977" | "978"),
        bounds: [-63.66, 14.08, -57.52, 18.54],
    },
    LegalArea {
        name: "Guyane",
        holds: |code| code == "973",
        bounds: [-54.6, 2.11, -49.46, 8.88],
    },
    LegalArea {
        name: "Réunion",
        holds: |code| code == "974",
        bounds: [51.83, -24.72, 58.24, -18.28],
    },
    LegalArea {
        name: "Mayotte",
        holds: |code| code == "976",
        bounds: [43.68, -14.49, 46.7, -11.33],
    },
];

/// An area of [`LEGAL_AREAS`].
struct LegalArea {
    name: &'static str,
    /// Whether the département of this code is in the area.
    holds: fn(&str) -> bool,
    /// West, south, east, north, in degrees.
    bounds: [f64; 4],
}

/// Where the organisations of the data set are: a `dct:Location` whose
/// `dcat:bbox` is the areas of [`LEGAL_AREAS`] that hold one of their
/// départements, as a GeoJSON multipolygon (what DCAT-AP and udata read
/// as a geometry). `None` if no organisation has a département.
fn territories_extent(t: &mut Triples, data_set: &DataSet) -> Option<NamedNode> {
    let departement_prefix = crate::rdf::base::mint::departement("");
    let departement_prefix = data_set.base.rebase_node(departement_prefix);
    let codes: std::collections::BTreeSet<String> = objects_in_data(data_set, ti::DEPARTEMENT)
        .filter_map(|object| match object {
            Term::NamedNode(n) => n
                .as_str()
                .strip_prefix(departement_prefix.as_str())
                .filter(|code| !code.is_empty() && code.chars().all(|c| c.is_ascii_alphanumeric()))
                .map(str::to_owned),
            _ => None,
        })
        .collect();
    let areas: Vec<_> = LEGAL_AREAS
        .iter()
        .filter(|area| codes.iter().any(|code| (area.holds)(code)))
        .collect();
    if areas.is_empty() {
        return None;
    }
    let polygons: Vec<String> = areas
        .iter()
        .map(|area| {
            let [west, south, east, north] = area.bounds;
            format!(
                "[[[{west},{south}],[{east},{south}],[{east},{north}],[{west},{north}],[{west},{south}]]]"
            )
        })
        .collect();
    let names: Vec<&str> = areas.iter().map(|area| area.name).collect();
    let extent = data_set.base.iri("catalog#spatial-coverage");
    t.add(&extent, rdf::TYPE, dct::LOCATION);
    t.add(
        &extent,
        rdfs::LABEL,
        fr(&format!(
            "Territoires des organisations : {}",
            names.join(", ")
        )),
    );
    t.add(
        &extent,
        dcat::BBOX,
        Literal::new_typed_literal(
            format!(
                "{{\"type\":\"MultiPolygon\",\"coordinates\":[{}]}}",
                polygons.join(",")
            ),
            GEOJSON_LITERAL,
        ),
    );
    t.add(
        &extent,
        dct::SOURCE,
        fr("Emprises des projections légales françaises (EPSG), publiées par Etalab : paquet npm @etalab/project-legal 0.6.0, fichier projections.json (licence MIT)."),
    );
    Some(extent)
}

/// GeoSPARQL's GeoJSON literal, a datatype of `dcat:bbox` in DCAT-AP. WKT,
/// the other, is rewritten by Virtuoso into a geometry of its own, which no
/// longer reads back as the release's literal.
const GEOJSON_LITERAL: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://www.opengis.net/ont/geosparql#geoJSONLiteral");

/// A profile the catalog is published in (W3C Content Negotiation by
/// Profile): DCAT-AP 3 by default, and the catalog as data.gouv.fr's
/// harvester (udata) reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CatalogProfile {
    /// DCAT-AP 3, as its official shapes check it.
    DcatAp3,
    /// DCAT-AP 3 but for three things udata cannot read: checksums as plain
    /// strings (rdflib turns an `xsd:hexBinary` into bytes, which udata's
    /// checksum field refuses); no `dcat:accessService` from the SPARQL
    /// distribution (udata skips a service that is one, instead of
    /// harvesting it as an API); periods of time as blank nodes (udata
    /// dereferences a period's IRI instead of reading the catalog).
    Udata,
}

impl CatalogProfile {
    /// Every profile, the default first.
    pub const ALL: [Self; 2] = [Self::DcatAp3, Self::Udata];

    /// The profile's token, for `?_profile=` (the query-string form of the
    /// W3C recommendation).
    pub const fn token(self) -> &'static str {
        match self {
            Self::DcatAp3 => "dcat-ap-3",
            Self::Udata => "udata",
        }
    }

    /// Where the udata profile's IRI is under the base.
    pub const UDATA_PATH: &'static str = "catalog#profile-udata";

    /// The profile's IRI, for `Accept-Profile` and `Content-Profile`.
    pub fn iri(self, base: &crate::rdf::Base) -> String {
        match self {
            Self::DcatAp3 => "http://data.europa.eu/r5r/".to_owned(),
            Self::Udata => base.iri(Self::UDATA_PATH).as_str().to_owned(),
        }
    }

    /// The catalog's triples in this profile.
    pub fn apply(self, catalog: Vec<Triple>) -> Vec<Triple> {
        match self {
            Self::DcatAp3 => catalog,
            Self::Udata => {
                let periods: Vec<NamedOrBlankNode> = catalog
                    .iter()
                    .filter(|t| t.predicate == rdf::TYPE && t.object == dct::PERIOD_OF_TIME.into())
                    .map(|t| t.subject.clone())
                    .collect();
                let blank = |node: &NamedOrBlankNode| -> Option<BlankNode> {
                    let NamedOrBlankNode::NamedNode(iri) = node else {
                        return None;
                    };
                    periods.contains(node).then(|| {
                        let label = iri.as_str().rsplit(['#', '/']).next().unwrap_or("period");
                        BlankNode::new(label).unwrap_or_default()
                    })
                };
                catalog
                    .iter()
                    .filter(|t| t.predicate != dcat::ACCESS_SERVICE)
                    .map(|t| {
                        let subject = blank(&t.subject).map_or(t.subject.clone(), Into::into);
                        let object = match &t.object {
                            Term::Literal(value)
                                if t.predicate == spdx::CHECKSUM_VALUE
                                    && value.datatype() == xsd::HEX_BINARY =>
                            {
                                Literal::new_simple_literal(value.value()).into()
                            }
                            Term::NamedNode(iri) => {
                                blank(&iri.clone().into()).map_or(t.object.clone(), Into::into)
                            }
                            other => other.clone(),
                        };
                        Triple::new(subject, t.predicate.clone(), object)
                    })
                    .collect()
            }
        }
    }
}

/// `dcatap:availability`.
const AVAILABILITY: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://data.europa.eu/r5r/availability");

/// An IANA media type, typed `dct:MediaType`.
/// Labelled with its name, which harvesters (udata) show rather than the IRI.
fn media_type(t: &mut Triples, name: &str) -> NamedNode {
    let iri = NamedNode::new_unchecked(format!("{IANA}{name}"));
    t.add(&iri, rdf::TYPE, dct::MEDIA_TYPE);
    t.add(&iri, rdfs::LABEL, Literal::new_simple_literal(name));
    iri
}

/// A distribution's IANA media type (`dcat:mediaType`) and its EU file
/// type (`dct:format`, labelled `label`).
fn describe_format(
    t: &mut Triples,
    distribution: &NamedNode,
    media: &str,
    file_type: &str,
    label: &str,
) {
    let media = media_type(t, media);
    t.add(distribution, dcat::MEDIA_TYPE, media);
    let format = authority(
        t,
        &format!("file-type/{file_type}"),
        dct::MEDIA_TYPE_OR_EXTENT,
        label,
        label,
    );
    t.add(distribution, dct::FORMAT, format);
}

/// An IRI of an EU authority table, typed and labelled.
fn authority(
    t: &mut Triples,
    path: &str,
    class: NamedNodeRef<'_>,
    label_fr: &str,
    label_en: &str,
) -> NamedNode {
    let iri = NamedNode::new_unchecked(format!("{EU_AUTHORITY}{path}"));
    let table = path.split('/').next().unwrap_or(path);
    t.add(&iri, rdf::TYPE, class);
    t.add(
        &iri,
        skos::IN_SCHEME,
        NamedNode::new_unchecked(format!("{EU_AUTHORITY}{table}")),
    );
    t.add(&iri, skos::PREF_LABEL, fr(label_fr));
    t.add(&iri, skos::PREF_LABEL, en(label_en));
    iri
}

/// The EU data themes scheme.
fn data_theme_scheme(t: &mut Triples) -> NamedNode {
    let scheme = NamedNode::new_unchecked(format!("{EU_AUTHORITY}data-theme"));
    t.add(&scheme, rdf::TYPE, skos::CONCEPT_SCHEME);
    t.add(&scheme, dct::TITLE, en("Data theme"));
    scheme
}

/// Every value of `predicate` in the data graph, whatever the subject.
fn objects_in_data<'a>(
    data_set: &'a DataSet,
    predicate: NamedNodeRef<'a>,
) -> impl Iterator<Item = Term> + 'a {
    data_set
        .store
        .quads_for_pattern(
            None,
            Some(predicate),
            None,
            Some(data_set.data_graph.as_ref().into()),
        )
        .filter_map(Result::ok)
        .map(|q| q.object)
}

/// The first and last years of the editions.
fn edition_years(data_set: &DataSet) -> Option<(i32, i32)> {
    let years: Vec<i32> = objects_in_data(data_set, ti::YEAR)
        .filter_map(|object| match object {
            Term::Literal(l) => l.value().parse().ok(),
            _ => None,
        })
        .collect();
    Some((*years.iter().min()?, *years.iter().max()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checksum(datatype: NamedNodeRef<'_>) -> Triple {
        Triple::new(
            NamedNode::new_unchecked("https://example.org/d#sha256"),
            spdx::CHECKSUM_VALUE,
            Literal::new_typed_literal("ab01", datatype),
        )
    }

    #[test]
    fn the_udata_profile_drops_only_what_udata_cannot_read() {
        let access = Triple::new(
            NamedNode::new_unchecked("https://example.org/d"),
            dcat::ACCESS_SERVICE,
            NamedNode::new_unchecked("https://example.org/s"),
        );
        let title = Triple::new(
            NamedNode::new_unchecked("https://example.org/d"),
            dct::TITLE,
            fr("Titre"),
        );
        let period = NamedNode::new_unchecked("https://example.org/c#temporal-coverage");
        let temporal = Triple::new(
            NamedNode::new_unchecked("https://example.org/d"),
            dct::TEMPORAL,
            period.clone(),
        );
        let typed = Triple::new(period, rdf::TYPE, dct::PERIOD_OF_TIME);
        let catalog = vec![
            checksum(xsd::HEX_BINARY),
            access,
            title.clone(),
            temporal,
            typed,
        ];
        assert_eq!(CatalogProfile::DcatAp3.apply(catalog.clone()), catalog);
        let blank = BlankNode::new_unchecked("temporal-coverage");
        assert_eq!(
            CatalogProfile::Udata.apply(catalog),
            vec![
                checksum(xsd::STRING),
                title,
                Triple::new(
                    NamedNode::new_unchecked("https://example.org/d"),
                    dct::TEMPORAL,
                    blank.clone(),
                ),
                Triple::new(blank, rdf::TYPE, dct::PERIOD_OF_TIME),
            ]
        );
    }

    #[test]
    fn every_overseas_departement_is_in_one_legal_area() {
        for code in ["01", "2A", "75", "95", "971", "972", "973", "974", "976"] {
            let areas = LEGAL_AREAS.iter().filter(|a| (a.holds)(code)).count();
            assert_eq!(areas, 1, "{code}");
        }
    }
}
