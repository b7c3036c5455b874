//! Source data → RDF triples: every triple of the data graph is made here.
//!
//! IRIs are minted against the default base (see [`super::base`]); the store
//! moves them to the configured base.

use super::base::mint;
use super::triples::{date, en, fr, gyear, integer};
use super::vocab::{dcat, dct, foaf, org, prov, schema, skos, ti, void};
use crate::source::SourceData;
use crate::source::model::{Award, EditionFile, Jury, Organisation};
use crate::source::reference::Entity;
use oxigraph::model::vocab::{rdf, rdfs};
use oxigraph::model::{Literal, NamedNode, NamedNodeRef};

/// The id of the reference extract as a source (`BASE source/…`).
const REFERENCE_SOURCE: &str = "decoupage-administratif";

/// `owl:versionInfo`.
const OWL_VERSION_INFO: NamedNodeRef<'static> =
    NamedNodeRef::new_unchecked("http://www.w3.org/2002/07/owl#versionInfo");

/// Converts checked source data to the triples of the data graph.
pub fn data_triples(source: &SourceData) -> super::graph::Graph {
    let mut graph = Graph::default();
    let label_file = &source.label.content;
    let label = mint::label(label_file.label.id.get_ref());

    graph.dataset(source);
    for s in &label_file.source {
        let iri = mint::source(s.id.get_ref());
        graph.0.add(&iri, rdf::TYPE, foaf::DOCUMENT);
        graph.0.add(&iri, rdf::TYPE, prov::ENTITY);
        graph.0.add(&iri, dct::TITLE, fr(s.title.get_ref()));
        graph.0.add(&iri, rdfs::LABEL, fr(s.title.get_ref()));
        if let Some(publisher) = &s.publisher {
            graph.0.add(
                &iri,
                dct::PUBLISHER,
                mint::organisation(publisher.get_ref()),
            );
        }
    }

    graph.0.add(&label, rdf::TYPE, ti::LABEL);
    graph
        .0
        .add(&label, rdfs::LABEL, fr(label_file.label.name.get_ref()));
    graph.0.add(
        &label,
        ti::ORGANISER,
        mint::organisation(label_file.label.organiser.get_ref()),
    );
    graph.0.add(
        &label,
        dct::SOURCE,
        mint::source(label_file.label.source.get_ref()),
    );
    if let Some(description) = &label_file.label.description {
        graph.0.add(&label, dct::DESCRIPTION, fr(description));
    }

    let laureates: std::collections::HashSet<&str> = source
        .editions
        .iter()
        .flat_map(|edition| &edition.content.award)
        .flat_map(|award| award.get_ref().laureates.get_ref())
        .map(|id| id.get_ref().as_str())
        .collect();
    for organisation in &source.organisations.content.organisation {
        let laureate = laureates.contains(organisation.id.get_ref().as_str());
        graph.organisation(source, organisation, laureate);
    }
    graph.geography(source);
    // The release describes the categories, levels and criteria; the kinds
    // of organisation are this publication's classification.
    let release = Provenance::Source(mint::source(label_file.label.source.get_ref()));
    let made_here = Provenance::MadeBy(publisher_of(source));
    graph.concepts(
        "kinds",
        ("Natures d'organisation", "Kinds of organisation"),
        (ti::ORGANISATION_KIND, &made_here),
        source.kinds.content.kind.iter().map(|k| Concept {
            iri: mint::kind(k.id.get_ref()),
            label_fr: k.label_fr.get_ref(),
            label_en: k.label_en.get_ref(),
            alt_label: None,
            broader: k.broader.as_ref().map(|b| mint::kind(b.get_ref())),
            source: k.source.as_ref().map(|id| mint::source(id.get_ref())),
        }),
    );
    graph.concepts(
        "categories",
        (
            "Catégories du label « Territoire Innovant »",
            "Categories of the label « Territoire Innovant »",
        ),
        (ti::CATEGORY, &release),
        source.categories.content.category.iter().map(|c| Concept {
            iri: mint::category(c.id.get_ref()),
            label_fr: c.label_fr.get_ref(),
            label_en: c.label_en.get_ref(),
            alt_label: c.release_label.as_deref(),
            broader: None,
            source: None,
        }),
    );
    graph.concepts(
        "levels",
        (
            "Niveaux du label « Territoire Innovant »",
            "Levels of the label « Territoire Innovant »",
        ),
        (ti::LEVEL, &release),
        source.levels.content.level.iter().map(|l| Concept {
            iri: mint::level(l.id.get_ref()),
            label_fr: l.label_fr.get_ref(),
            label_en: l.label_en.get_ref(),
            alt_label: l.release_label.as_deref(),
            broader: None,
            source: None,
        }),
    );
    // The release's order of its headings, which the registry keeps.
    for (position, category) in (1u32..).zip(&source.categories.content.category) {
        graph.0.add(
            &mint::category(category.id.get_ref()),
            ti::POSITION,
            integer(position),
        );
    }
    for level in &source.levels.content.level {
        graph.0.add(
            &mint::level(level.id.get_ref()),
            ti::RANK,
            integer(*level.rank.get_ref()),
        );
    }
    graph.concepts(
        "criteria",
        (
            "Critères du label « Territoire Innovant »",
            "Criteria of the label « Territoire Innovant »",
        ),
        (ti::CRITERION, &release),
        source.criteria.content.criterion.iter().map(|c| Concept {
            iri: mint::criterion(c.id.get_ref()),
            label_fr: c.label_fr.get_ref(),
            label_en: c.label_en.get_ref(),
            alt_label: None,
            broader: None,
            source: None,
        }),
    );

    for edition in &source.editions {
        graph.edition(source, &edition.content);
    }
    let mut graph = graph.0;
    graph.shrink_to_fit();
    graph
}

/// Whoever runs the publication (`[publisher]` of `data/label.toml`): an
/// organisation of the registry, or the publication itself as an agent.
fn publisher_of(source: &SourceData) -> NamedNode {
    match &source.label.content.publisher.get_ref().organisation {
        Some(id) => mint::organisation(id.get_ref()),
        None => mint::publisher(),
    }
}

/// Where the statements about a concept scheme and its concepts come from.
enum Provenance {
    /// A source states them (`dct:source`).
    Source(NamedNode),
    /// The publication made them: its own classification (`dct:creator`).
    MadeBy(NamedNode),
}

impl Provenance {
    fn describe(&self, graph: &mut super::graph::Graph, iri: &NamedNode) {
        match self {
            Self::Source(source) => graph.add(iri, dct::SOURCE, source.clone()),
            Self::MadeBy(agent) => graph.add(iri, dct::CREATOR, agent.clone()),
        }
    }
}

/// A SKOS concept as the registries describe it.
struct Concept<'a> {
    iri: NamedNode,
    label_fr: &'a str,
    label_en: &'a str,
    alt_label: Option<&'a str>,
    /// The wider concept, if any (else it is a top concept of its scheme).
    broader: Option<NamedNode>,
    /// The source that says what it groups.
    source: Option<NamedNode>,
}

/// The « non publié » values of a laureate's département and région, where
/// no cited source gives one: IRI path, French and English labels, what it
/// means. Concepts, not places: counting départements does not count them.
const NOT_PUBLISHED: [NotPublished; 2] = [
    NotPublished {
        path: "departement/non-publie",
        label_fr: "Département non publié",
        label_en: "Department not published",
    },
    NotPublished {
        path: "region/non-publiee",
        label_fr: "Région non publiée",
        label_en: "Region not published",
    },
];

/// A value that stands for a fact no cited source gives.
struct NotPublished {
    path: &'static str,
    label_fr: &'static str,
    label_en: &'static str,
}

/// The data graph being made.
#[derive(Default)]
struct Graph(super::graph::Graph);

impl Graph {
    /// The description of the published data set: licence and provenance.
    fn dataset(&mut self, source: &SourceData) {
        let info = &source.label.content.dataset;
        let dataset = mint::dataset();
        self.0.add(&dataset, rdf::TYPE, dcat::DATASET);
        self.0.add(&dataset, rdf::TYPE, void::DATASET);
        self.0.add(&dataset, dct::TITLE, fr(&info.title_fr));
        self.0.add(&dataset, dct::TITLE, en(&info.title_en));
        self.0.add(&dataset, rdfs::LABEL, fr(&info.title_fr));
        self.0
            .add(&dataset, dct::DESCRIPTION, fr(&info.description_fr));
        self.0
            .add(&dataset, dct::DESCRIPTION, en(&info.description_en));
        self.0
            .add(&dataset, dct::ISSUED, date(&info.issued.to_string()));
        self.0
            .add(&dataset, dct::MODIFIED, date(&info.modified.to_string()));
        let publisher = source.label.content.publisher.get_ref();
        let publisher_iri = match (&publisher.organisation, &publisher.name) {
            (Some(_), _) => publisher_of(source),
            (None, name) => {
                // Nothing is known of whoever runs it but what label.toml says.
                let iri = publisher_of(source);
                self.0.add(&iri, rdf::TYPE, foaf::AGENT);
                if let Some(name) = name {
                    self.0.add(&iri, skos::PREF_LABEL, fr(name.get_ref()));
                    self.0.add(&iri, rdfs::LABEL, fr(name.get_ref()));
                }
                if let Some(homepage) = &publisher.homepage {
                    self.0.add(
                        &iri,
                        foaf::HOMEPAGE,
                        NamedNode::new_unchecked(homepage.get_ref()),
                    );
                }
                iri
            }
        };
        self.0.add(&dataset, dct::PUBLISHER, publisher_iri);
        for keyword in &info.keywords {
            self.0.add(&dataset, dcat::KEYWORD, fr(keyword));
        }
        let license = NamedNode::new_unchecked(info.license.get_ref());
        self.0.add(&dataset, dct::LICENSE, license.clone());
        self.0.add(&license, rdf::TYPE, dct::LICENSE_DOCUMENT);
        self.0.add(&license, rdfs::LABEL, fr(&info.license_name));
        for s in &source.label.content.source {
            self.0.add(
                &dataset,
                prov::WAS_DERIVED_FROM,
                mint::source(s.id.get_ref()),
            );
            self.0
                .add(&dataset, dct::SOURCE, mint::source(s.id.get_ref()));
        }
    }

    /// An organisation of the registry; a `laureate` without a département
    /// or a région that a cited source gives points to the « non publié »
    /// value instead (see [`NOT_PUBLISHED`]), so that its awards appear in
    /// every breakdown.
    fn organisation(&mut self, source: &SourceData, organisation: &Organisation, laureate: bool) {
        let iri = mint::organisation(organisation.id.get_ref());
        let in_source = organisation.name.get_ref();
        let entity = organisation
            .reference
            .as_ref()
            .and_then(|r| source.resolve(r.get_ref()).ok());
        let name = entity
            .and_then(Entity::official_name)
            .or(organisation
                .official_name
                .as_ref()
                .map(|n| n.get_ref().as_str()))
            .unwrap_or(in_source);
        if let Some(id) = &organisation.official_name_source {
            self.0.add(&iri, dct::SOURCE, mint::source(id.get_ref()));
        }
        self.0.add(&iri, rdf::TYPE, org::ORGANIZATION);
        self.0.add(&iri, rdf::TYPE, schema::ORGANIZATION);
        self.0.add(&iri, skos::PREF_LABEL, fr(name));
        self.0.add(&iri, rdfs::LABEL, fr(name));
        self.0.add(&iri, ti::NAME_IN_SOURCE, fr(in_source));
        if name != in_source {
            self.0.add(&iri, skos::ALT_LABEL, fr(in_source));
        }
        if let Some(kind) = &organisation.kind {
            self.0.add(&iri, ti::KIND, mint::kind(kind.get_ref()));
        }
        if let Some(entity) = entity {
            self.coverage(source, &iri, entity);
            self.0.add(
                &iri,
                ti::INSEE_CODE,
                Literal::new_simple_literal(entity.insee_code()),
            );
            if let Some(siren) = entity.siren() {
                self.0
                    .add(&iri, ti::SIREN, Literal::new_simple_literal(siren));
                let register =
                    format!("https://annuaire-entreprises.data.gouv.fr/entreprise/{siren}");
                self.0
                    .add(&iri, rdfs::SEE_ALSO, NamedNode::new_unchecked(register));
            }
            self.0
                .add(&iri, dct::SOURCE, mint::source(REFERENCE_SOURCE));
        }
        let territory = organisation
            .territory
            .as_ref()
            .and_then(|t| source.resolve(t.get_ref()).ok())
            .or(entity);
        let departement = territory
            .and_then(Entity::departement_code)
            .and_then(|code| source.departement(code));
        let region = match territory {
            Some(Entity::Region(region)) => Some(region),
            Some(Entity::Epci(epci)) => {
                let regions: std::collections::BTreeSet<&str> = epci
                    .member_departements
                    .iter()
                    .filter_map(|d| source.departement(d.get_ref()))
                    .map(|d| d.region.get_ref().as_str())
                    .collect();
                match regions.into_iter().collect::<Vec<_>>().as_slice() {
                    [only] => source.region(only),
                    _ => None,
                }
            }
            _ => departement.and_then(|d| source.region(d.region.get_ref())),
        };
        let [departement_not_published, region_not_published] = NOT_PUBLISHED;
        match departement {
            Some(departement) => self.0.add(
                &iri,
                ti::DEPARTEMENT,
                mint::departement(departement.code.get_ref()),
            ),
            None if laureate => {
                let value = self.not_published(&departement_not_published, &publisher_of(source));
                self.0.add(&iri, ti::DEPARTEMENT, value);
            }
            None => {}
        }
        match region {
            Some(region) => self
                .0
                .add(&iri, ti::REGION, mint::region(region.code.get_ref())),
            None if laureate => {
                let value = self.not_published(&region_not_published, &publisher_of(source));
                self.0.add(&iri, ti::REGION, value);
            }
            None => {}
        }
        if let Some(note) = &organisation.note {
            self.0.add(&iri, skos::EDITORIAL_NOTE, fr(note));
        }
        if let Some(year) = &organisation.founded {
            self.0
                .add(&iri, schema::FOUNDING_DATE, gyear(*year.get_ref()));
        }
        for founder in &organisation.founders {
            self.0
                .add(&iri, schema::FOUNDER, mint::organisation(founder.get_ref()));
        }
        if let Some(website) = &organisation.website {
            self.0.add(
                &iri,
                foaf::HOMEPAGE,
                NamedNode::new_unchecked(website.get_ref()),
            );
        }
        for page in &organisation.same_as {
            self.0.add(
                &iri,
                schema::SAME_AS,
                NamedNode::new_unchecked(page.get_ref()),
            );
        }
        if let Some(description) = &organisation.description {
            self.0.add(&iri, dct::DESCRIPTION, fr(description));
        }
        if let Some(id) = &organisation.source {
            self.0.add(&iri, dct::SOURCE, mint::source(id.get_ref()));
        }
    }

    /// What the organisation `iri` covers, as its reference `entity` gives
    /// it ([`SourceData::covered`]), and its population.
    fn coverage(&mut self, source: &SourceData, iri: &NamedNode, entity: Entity<'_>) {
        let covered = source.covered(entity);
        for commune in covered.communes {
            self.0.add(
                iri,
                ti::COVERS_COMMUNE,
                mint::commune(commune.code.get_ref()),
            );
        }
        for departement in covered.departements {
            self.0.add(
                iri,
                ti::COVERS_DEPARTEMENT,
                mint::departement(departement.code.get_ref()),
            );
        }
        for region in covered.regions {
            self.0
                .add(iri, ti::COVERS_REGION, mint::region(region.code.get_ref()));
        }
        if let Some(population) = entity.population() {
            self.0.add(iri, ti::POPULATION, integer(population));
        }
    }

    /// The communes, départements and régions of the reference extract, and
    /// the extract itself as a source.
    fn geography(&mut self, source: &SourceData) {
        let extract = &source.reference.content;
        let origin = mint::source(REFERENCE_SOURCE);
        self.0.add(&origin, rdf::TYPE, prov::ENTITY);
        let title = format!("{} {}", extract.source.package, extract.source.version);
        self.0
            .add(&origin, dct::TITLE, Literal::new_simple_literal(&title));
        self.0
            .add(&origin, rdfs::LABEL, Literal::new_simple_literal(&title));
        self.0.add(
            &origin,
            OWL_VERSION_INFO,
            Literal::new_simple_literal(&extract.source.version),
        );
        self.0.add(
            &origin,
            dct::CREATED,
            date(&extract.source.extracted.to_string()),
        );
        self.0.add(
            &origin,
            dct::DESCRIPTION,
            fr(&format!(
                "Extrait du paquet npm {} (Code officiel géographique de l'INSEE et liste officielle des EPCI avec leur SIREN, leurs communes membres et leur population), licence {}, fait le {} : data/reference/decoupage-administratif.toml.",
                extract.source.package, extract.source.licence, extract.source.extracted
            )),
        );
        self.0
            .add(&mint::dataset(), prov::WAS_DERIVED_FROM, origin.clone());
        let overseas = |zone: &str| Literal::from(zone != "metro");
        for region in &extract.region {
            let iri = mint::region(region.code.get_ref());
            self.0.add(&iri, rdf::TYPE, ti::REGION_CLASS);
            self.0.add(&iri, rdf::TYPE, schema::ADMINISTRATIVE_AREA);
            self.0.add(&iri, rdfs::LABEL, fr(&region.name));
            self.0.add(&iri, skos::PREF_LABEL, fr(&region.name));
            self.0.add(
                &iri,
                ti::INSEE_CODE,
                Literal::new_simple_literal(region.code.get_ref()),
            );
            self.0.add(&iri, ti::OVERSEAS, overseas(&region.zone));
            self.0.add(&iri, dct::SOURCE, origin.clone());
        }
        for commune in &extract.commune {
            let iri = mint::commune(commune.code.get_ref());
            self.0.add(&iri, rdf::TYPE, ti::COMMUNE_CLASS);
            self.0.add(&iri, rdf::TYPE, schema::ADMINISTRATIVE_AREA);
            self.0.add(&iri, rdfs::LABEL, fr(&commune.name));
            self.0.add(&iri, skos::PREF_LABEL, fr(&commune.name));
            self.0.add(
                &iri,
                ti::INSEE_CODE,
                Literal::new_simple_literal(commune.code.get_ref()),
            );
            self.0.add(
                &iri,
                ti::DEPARTEMENT,
                mint::departement(commune.departement.get_ref()),
            );
            if let Some(population) = commune.population {
                self.0.add(&iri, ti::POPULATION, integer(population));
            }
            self.0.add(&iri, dct::SOURCE, origin.clone());
        }
        for departement in &extract.departement {
            let iri = mint::departement(departement.code.get_ref());
            self.0.add(&iri, rdf::TYPE, ti::DEPARTEMENT_CLASS);
            self.0.add(&iri, rdf::TYPE, schema::ADMINISTRATIVE_AREA);
            self.0.add(&iri, rdfs::LABEL, fr(&departement.name));
            self.0.add(&iri, skos::PREF_LABEL, fr(&departement.name));
            self.0.add(
                &iri,
                ti::INSEE_CODE,
                Literal::new_simple_literal(departement.code.get_ref()),
            );
            self.0
                .add(&iri, ti::REGION, mint::region(departement.region.get_ref()));
            self.0.add(&iri, ti::OVERSEAS, overseas(&departement.zone));
            self.0.add(&iri, dct::SOURCE, origin.clone());
        }
    }

    /// A SKOS concept scheme `name` whose concepts are all top concepts of class `class`.
    /// The IRI of a « non publié » value, described with it.
    fn not_published(&mut self, value: &NotPublished, publisher: &NamedNode) -> NamedNode {
        let iri = mint::not_published(value.path);
        self.0.add(&iri, rdf::TYPE, skos::CONCEPT);
        self.0.add(&iri, dct::CREATOR, publisher.clone());
        // Named in French like the places it stands in for (one name per
        // place in a breakdown), in English too by rdfs:label.
        self.0.add(&iri, skos::PREF_LABEL, fr(value.label_fr));
        self.0.add(&iri, rdfs::LABEL, fr(value.label_fr));
        self.0.add(&iri, rdfs::LABEL, en(value.label_en));
        self.0.add(&iri, rdfs::COMMENT, fr("Aucune source citée ne donne cette valeur pour ce lauréat : sa note dit pourquoi. Elle est publiée pour que chaque prix figure dans chaque décompte."));
        self.0.add(&iri, rdfs::COMMENT, en("No cited source gives this value for this laureate: its note says why. It is published so that every award appears in every breakdown."));
        iri
    }

    fn concepts<'a>(
        &mut self,
        name: &str,
        (label_fr, label_en): (&str, &str),
        (class, provenance): (NamedNodeRef<'_>, &Provenance),
        concepts: impl Iterator<Item = Concept<'a>>,
    ) {
        let scheme = mint::scheme(name);
        self.0.add(&scheme, rdf::TYPE, skos::CONCEPT_SCHEME);
        provenance.describe(&mut self.0, &scheme);
        self.0.add(&scheme, skos::PREF_LABEL, fr(label_fr));
        self.0.add(&scheme, skos::PREF_LABEL, en(label_en));
        self.0.add(&scheme, rdfs::LABEL, fr(label_fr));
        self.0.add(&scheme, rdfs::LABEL, en(label_en));
        self.0.add(&scheme, dct::TITLE, fr(label_fr));
        self.0.add(&scheme, dct::TITLE, en(label_en));
        for concept in concepts {
            let iri = &concept.iri;
            self.0.add(iri, rdf::TYPE, skos::CONCEPT);
            self.0.add(iri, rdf::TYPE, class);
            provenance.describe(&mut self.0, iri);
            self.0.add(iri, skos::PREF_LABEL, fr(concept.label_fr));
            self.0.add(iri, skos::PREF_LABEL, en(concept.label_en));
            self.0.add(iri, rdfs::LABEL, fr(concept.label_fr));
            self.0.add(iri, rdfs::LABEL, en(concept.label_en));
            if let Some(alt) = concept.alt_label {
                self.0.add(iri, skos::ALT_LABEL, fr(alt));
            }
            self.0.add(iri, skos::IN_SCHEME, scheme.clone());
            match &concept.broader {
                Some(broader) => {
                    self.0.add(iri, skos::BROADER, broader.clone());
                    self.0.add(broader, skos::NARROWER, iri.clone());
                }
                None => {
                    self.0.add(iri, skos::TOP_CONCEPT_OF, scheme.clone());
                    self.0.add(&scheme, skos::HAS_TOP_CONCEPT, iri.clone());
                }
            }
            if let Some(source) = &concept.source {
                self.0.add(iri, dct::SOURCE, source.clone());
            }
        }
    }

    fn edition(&mut self, source: &SourceData, file: &EditionFile) {
        let info = &file.edition;
        let year = *info.year.get_ref();
        let edition = mint::edition(year);
        let label = &source.label.content.label;
        self.0.add(&edition, rdf::TYPE, ti::EDITION);
        self.0.add(
            &edition,
            rdfs::LABEL,
            fr(&format!("{} {year}", label.name.get_ref())),
        );
        self.0.add(&edition, ti::YEAR, gyear(year));
        self.0.add(
            &edition,
            ti::EDITION_OF_LABEL,
            mint::label(info.label.get_ref()),
        );
        self.0
            .add(&edition, dct::SOURCE, mint::source(info.source.get_ref()));
        let release = mint::source(info.source.get_ref());
        if let Some(forum) = &info.forum {
            let event = mint::forum(year);
            self.0.add(&edition, ti::FORUM, event.clone());
            self.0.add(&event, rdf::TYPE, schema::EVENT);
            self.0.add(&event, dct::SOURCE, release.clone());
            self.0.add(&event, rdfs::LABEL, fr(forum));
            self.0.add(&event, schema::NAME, fr(forum));
            self.0.add(
                &event,
                schema::ORGANIZER,
                mint::organisation(label.organiser.get_ref()),
            );
            if let Some(city) = &info.forum_city {
                let place = mint::place(city);
                self.0.add(&event, schema::LOCATION, place.clone());
                self.0.add(&place, rdf::TYPE, schema::PLACE);
                self.0.add(&place, rdfs::LABEL, fr(city));
                self.0.add(&place, schema::NAME, fr(city));
                self.0.add(&place, dct::SOURCE, release.clone());
                if let Some(Ok(Entity::Commune(commune))) = info
                    .forum_city_reference
                    .as_ref()
                    .map(|r| source.resolve(r.get_ref()))
                {
                    self.0.add(
                        &place,
                        ti::INSEE_CODE,
                        Literal::new_simple_literal(commune.code.get_ref()),
                    );
                    self.0
                        .add(&place, dct::SOURCE, mint::source(REFERENCE_SOURCE));
                }
            }
        }
        for (property, value) in [
            (ti::PROJECTS_PRESENTED, info.projects_presented),
            (ti::PROJECTS_AUDITIONED, info.projects_auditioned),
            (ti::TERRITORIES_SELECTED, info.territories_selected),
        ] {
            if let Some(count) = value {
                self.0.add(&edition, property, integer(count));
            }
        }
        for criterion in &info.criteria {
            self.0.add(
                &edition,
                ti::CRITERION_OF,
                mint::criterion(criterion.get_ref()),
            );
        }
        if let Some(jury) = &file.jury {
            self.jury((&edition, &release), year, label.name.get_ref(), jury);
        }
        for award in &file.award {
            self.award(
                &edition,
                year,
                source,
                award.get_ref(),
                &mint::source(info.source.get_ref()),
            );
        }
    }

    /// The jury of an edition and its member bodies, as `release` (the
    /// edition's source) names them.
    fn jury(
        &mut self,
        (edition, release): (&NamedNode, &NamedNode),
        year: i32,
        label_name: &str,
        jury: &Jury,
    ) {
        let iri = mint::jury(year);
        self.0.add(edition, ti::JURY_OF, iri.clone());
        self.0.add(&iri, dct::SOURCE, release.clone());
        self.0.add(&iri, rdf::TYPE, ti::JURY);
        self.0.add(&iri, rdf::TYPE, org::ORGANIZATION);
        let name = fr(&format!("Jury du {label_name} {year}"));
        self.0.add(&iri, skos::PREF_LABEL, name.clone());
        self.0.add(&iri, rdfs::LABEL, name);
        for member in &jury.members {
            let member = mint::organisation(member.get_ref());
            self.0.add(&iri, org::HAS_MEMBER, member.clone());
            self.0.add(&member, dct::SOURCE, release.clone());
        }
        if let Some(sessions) = jury.audition_sessions {
            self.0.add(&iri, ti::AUDITION_SESSIONS, integer(sessions));
        }
        if let Some(mode) = &jury.audition_mode {
            self.0.add(&iri, ti::AUDITION_MODE, fr(mode));
        }
    }

    /// An award, its project and its laureates, as `release` (the edition's
    /// source) states them.
    fn award(
        &mut self,
        edition: &NamedNode,
        year: i32,
        source: &SourceData,
        award: &Award,
        release: &NamedNode,
    ) {
        let id = award.id.get_ref();
        let iri = mint::award(year, id);
        let project = mint::project(year, id);
        let level_label = source
            .levels
            .content
            .level
            .iter()
            .find(|l| l.id.get_ref() == award.level.get_ref())
            .map_or(award.level.get_ref().as_str(), |l| l.label_fr.get_ref());
        let category_label = source
            .categories
            .content
            .category
            .iter()
            .find(|c| c.id.get_ref() == award.category.get_ref())
            .map_or(award.category.get_ref().as_str(), |c| c.label_fr.get_ref());
        self.0.add(&iri, rdf::TYPE, ti::AWARD);
        self.0.add(
            &iri,
            rdfs::LABEL,
            fr(&format!(
                "Label {level_label} {year}, {category_label} : {}",
                award.title.get_ref()
            )),
        );
        self.0.add(&iri, ti::EDITION_OF, edition.clone());
        self.0.add(
            &iri,
            ti::CATEGORY_OF,
            mint::category(award.category.get_ref()),
        );
        self.0
            .add(&iri, ti::LEVEL_OF, mint::level(award.level.get_ref()));
        self.0.add(&iri, ti::PROJECT_OF, project.clone());
        for laureate in award.laureates.get_ref() {
            let laureate = mint::organisation(laureate.get_ref());
            self.0.add(&iri, ti::LAUREATE, laureate.clone());
            self.0.add(&laureate, ti::LAUREATE_OF, iri.clone());
            self.0.add(&laureate, rdf::TYPE, ti::LAUREATE_CLASS);
            self.0.add(&laureate, dct::SOURCE, release.clone());
        }
        // Every statement about the award and its project is from the release.
        for described in [&iri, &project] {
            self.0
                .add(described, prov::WAS_DERIVED_FROM, release.clone());
            self.0.add(described, dct::SOURCE, release.clone());
        }
        self.0.add(&project, rdf::TYPE, ti::PROJECT);
        self.0.add(&project, dct::TITLE, fr(award.title.get_ref()));
        self.0.add(&project, rdfs::LABEL, fr(award.title.get_ref()));
        if let Some(subtitle) = &award.subtitle {
            self.0.add(&project, ti::SUBTITLE, fr(subtitle.get_ref()));
        }
    }
}
