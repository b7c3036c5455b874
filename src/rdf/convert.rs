//! Source data → RDF triples: every triple of the data graph is made here.
//!
//! IRIs are minted against the default base (see [`super::base`]); the store
//! moves them to the configured base.

use super::base::mint;
use super::vocab::{dcat, dct, foaf, org, prov, schema, skos, ti, void};
use crate::source::SourceData;
use crate::source::model::{Award, EditionFile, Jury, Organisation};
use oxigraph::model::vocab::{rdf, rdfs, xsd};
use oxigraph::model::{Literal, NamedNode, NamedNodeRef, Term, Triple};

/// Converts checked source data to the triples of the data graph.
pub fn data_triples(source: &SourceData) -> Vec<Triple> {
    let mut graph = Graph::default();
    let label_file = &source.label.content;
    let label = mint::label(label_file.label.id.get_ref());

    graph.dataset(source);
    for s in &label_file.source {
        let iri = mint::source(s.id.get_ref());
        graph.add(&iri, rdf::TYPE, foaf::DOCUMENT);
        graph.add(&iri, rdf::TYPE, prov::ENTITY);
        graph.add(&iri, dct::TITLE, fr(s.title.get_ref()));
        graph.add(&iri, rdfs::LABEL, fr(s.title.get_ref()));
        graph.add(
            &iri,
            dct::PUBLISHER,
            mint::organisation(s.publisher.get_ref()),
        );
    }

    graph.add(&label, rdf::TYPE, ti::LABEL);
    graph.add(&label, rdfs::LABEL, fr(label_file.label.name.get_ref()));
    graph.add(
        &label,
        ti::ORGANISER,
        mint::organisation(label_file.label.organiser.get_ref()),
    );
    graph.add(
        &label,
        dct::SOURCE,
        mint::source(label_file.label.source.get_ref()),
    );
    if let Some(description) = &label_file.label.description {
        graph.add(&label, dct::DESCRIPTION, fr(description));
    }

    for organisation in &source.organisations.content.organisation {
        graph.organisation(organisation);
    }
    graph.concepts(
        "categories",
        (
            "Catégories du label « Territoire Innovant »",
            "Categories of the label « Territoire Innovant »",
        ),
        ti::CATEGORY,
        source.categories.content.category.iter().map(|c| Concept {
            iri: mint::category(c.id.get_ref()),
            label_fr: c.label_fr.get_ref(),
            label_en: c.label_en.get_ref(),
            alt_label: c.release_label.as_deref(),
        }),
    );
    graph.concepts(
        "levels",
        (
            "Niveaux du label « Territoire Innovant »",
            "Levels of the label « Territoire Innovant »",
        ),
        ti::LEVEL,
        source.levels.content.level.iter().map(|l| Concept {
            iri: mint::level(l.id.get_ref()),
            label_fr: l.label_fr.get_ref(),
            label_en: l.label_en.get_ref(),
            alt_label: l.release_label.as_deref(),
        }),
    );
    for level in &source.levels.content.level {
        graph.add(
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
        ti::CRITERION,
        source.criteria.content.criterion.iter().map(|c| Concept {
            iri: mint::criterion(c.id.get_ref()),
            label_fr: c.label_fr.get_ref(),
            label_en: c.label_en.get_ref(),
            alt_label: None,
        }),
    );

    for edition in &source.editions {
        graph.edition(source, &edition.content);
    }
    graph.0
}

/// A SKOS concept as the registries describe it.
struct Concept<'a> {
    iri: NamedNode,
    label_fr: &'a str,
    label_en: &'a str,
    alt_label: Option<&'a str>,
}

#[derive(Default)]
struct Graph(Vec<Triple>);

impl Graph {
    fn add(&mut self, subject: &NamedNode, predicate: NamedNodeRef<'_>, object: impl Into<Term>) {
        self.0
            .push(Triple::new(subject.clone(), predicate, object.into()));
    }

    /// The description of the published data set: licence and provenance.
    fn dataset(&mut self, source: &SourceData) {
        let info = &source.label.content.dataset;
        let dataset = mint::dataset();
        self.add(&dataset, rdf::TYPE, dcat::DATASET);
        self.add(&dataset, rdf::TYPE, void::DATASET);
        self.add(&dataset, dct::TITLE, fr(&info.title_fr));
        self.add(&dataset, dct::TITLE, en(&info.title_en));
        self.add(&dataset, rdfs::LABEL, fr(&info.title_fr));
        self.add(&dataset, dct::DESCRIPTION, fr(&info.description_fr));
        self.add(&dataset, dct::DESCRIPTION, en(&info.description_en));
        self.add(
            &dataset,
            dct::ISSUED,
            Literal::new_typed_literal(info.issued.to_string(), xsd::DATE),
        );
        let license = NamedNode::new_unchecked(info.license.get_ref());
        self.add(&dataset, dct::LICENSE, license.clone());
        self.add(&license, rdf::TYPE, dct::LICENSE_DOCUMENT);
        self.add(&license, rdfs::LABEL, fr(&info.license_name));
        for s in &source.label.content.source {
            self.add(
                &dataset,
                prov::WAS_DERIVED_FROM,
                mint::source(s.id.get_ref()),
            );
            self.add(&dataset, dct::SOURCE, mint::source(s.id.get_ref()));
        }
    }

    fn organisation(&mut self, organisation: &Organisation) {
        let iri = mint::organisation(organisation.id.get_ref());
        let name = fr(organisation.name.get_ref());
        self.add(&iri, rdf::TYPE, org::ORGANIZATION);
        self.add(&iri, rdf::TYPE, schema::ORGANIZATION);
        self.add(&iri, skos::PREF_LABEL, name.clone());
        self.add(&iri, rdfs::LABEL, name);
        if let Some(year) = &organisation.founded {
            self.add(&iri, schema::FOUNDING_DATE, gyear(*year.get_ref()));
        }
        for founder in &organisation.founders {
            self.add(&iri, schema::FOUNDER, mint::organisation(founder.get_ref()));
        }
        if let Some(website) = &organisation.website {
            self.add(
                &iri,
                foaf::HOMEPAGE,
                NamedNode::new_unchecked(website.get_ref()),
            );
        }
        for page in &organisation.same_as {
            self.add(
                &iri,
                schema::SAME_AS,
                NamedNode::new_unchecked(page.get_ref()),
            );
        }
        if let Some(description) = &organisation.description {
            self.add(&iri, dct::DESCRIPTION, fr(description));
        }
        if let Some(id) = &organisation.source {
            self.add(&iri, dct::SOURCE, mint::source(id.get_ref()));
        }
    }

    /// A SKOS concept scheme `name` whose concepts are all top concepts of class `class`.
    fn concepts<'a>(
        &mut self,
        name: &str,
        (label_fr, label_en): (&str, &str),
        class: NamedNodeRef<'_>,
        concepts: impl Iterator<Item = Concept<'a>>,
    ) {
        let scheme = mint::scheme(name);
        self.add(&scheme, rdf::TYPE, skos::CONCEPT_SCHEME);
        self.add(&scheme, skos::PREF_LABEL, fr(label_fr));
        self.add(&scheme, skos::PREF_LABEL, en(label_en));
        self.add(&scheme, rdfs::LABEL, fr(label_fr));
        for concept in concepts {
            let iri = &concept.iri;
            self.add(iri, rdf::TYPE, skos::CONCEPT);
            self.add(iri, rdf::TYPE, class);
            self.add(iri, skos::PREF_LABEL, fr(concept.label_fr));
            self.add(iri, skos::PREF_LABEL, en(concept.label_en));
            self.add(iri, rdfs::LABEL, fr(concept.label_fr));
            if let Some(alt) = concept.alt_label {
                self.add(iri, skos::ALT_LABEL, fr(alt));
            }
            self.add(iri, skos::IN_SCHEME, scheme.clone());
            self.add(iri, skos::TOP_CONCEPT_OF, scheme.clone());
            self.add(&scheme, skos::HAS_TOP_CONCEPT, iri.clone());
        }
    }

    fn edition(&mut self, source: &SourceData, file: &EditionFile) {
        let info = &file.edition;
        let year = *info.year.get_ref();
        let edition = mint::edition(year);
        let label = &source.label.content.label;
        self.add(&edition, rdf::TYPE, ti::EDITION);
        self.add(
            &edition,
            rdfs::LABEL,
            fr(&format!("{} {year}", label.name.get_ref())),
        );
        self.add(&edition, ti::YEAR, gyear(year));
        self.add(&edition, ti::LABEL_OF, mint::label(info.label.get_ref()));
        self.add(&edition, dct::SOURCE, mint::source(info.source.get_ref()));
        if let Some(forum) = &info.forum {
            let event = mint::forum(year);
            self.add(&edition, ti::FORUM, event.clone());
            self.add(&event, rdf::TYPE, schema::EVENT);
            self.add(&event, rdfs::LABEL, fr(forum));
            self.add(&event, schema::NAME, fr(forum));
            self.add(
                &event,
                schema::ORGANIZER,
                mint::organisation(label.organiser.get_ref()),
            );
            if let Some(city) = &info.forum_city {
                let place = mint::place(city);
                self.add(&event, schema::LOCATION, place.clone());
                self.add(&place, rdf::TYPE, schema::PLACE);
                self.add(&place, rdfs::LABEL, fr(city));
                self.add(&place, schema::NAME, fr(city));
            }
        }
        for (property, value) in [
            (ti::PROJECTS_PRESENTED, info.projects_presented),
            (ti::PROJECTS_AUDITIONED, info.projects_auditioned),
            (ti::TERRITORIES_SELECTED, info.territories_selected),
        ] {
            if let Some(count) = value {
                self.add(&edition, property, integer(count));
            }
        }
        for criterion in &info.criteria {
            self.add(
                &edition,
                ti::CRITERION_OF,
                mint::criterion(criterion.get_ref()),
            );
        }
        if let Some(jury) = &file.jury {
            self.jury(&edition, year, label.name.get_ref(), jury);
        }
        for award in &file.award {
            self.award(&edition, year, source, award.get_ref());
        }
    }

    fn jury(&mut self, edition: &NamedNode, year: i32, label_name: &str, jury: &Jury) {
        let iri = mint::jury(year);
        self.add(edition, ti::JURY_OF, iri.clone());
        self.add(&iri, rdf::TYPE, ti::JURY);
        self.add(&iri, rdf::TYPE, org::ORGANIZATION);
        let name = fr(&format!("Jury du {label_name} {year}"));
        self.add(&iri, skos::PREF_LABEL, name.clone());
        self.add(&iri, rdfs::LABEL, name);
        for member in &jury.members {
            self.add(&iri, org::HAS_MEMBER, mint::organisation(member.get_ref()));
        }
        if let Some(sessions) = jury.audition_sessions {
            self.add(&iri, ti::AUDITION_SESSIONS, integer(sessions));
        }
        if let Some(mode) = &jury.audition_mode {
            self.add(&iri, ti::AUDITION_MODE, fr(mode));
        }
    }

    fn award(&mut self, edition: &NamedNode, year: i32, source: &SourceData, award: &Award) {
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
        self.add(&iri, rdf::TYPE, ti::AWARD);
        self.add(
            &iri,
            rdfs::LABEL,
            fr(&format!(
                "Label {level_label} {year}, {category_label} : {}",
                award.title.get_ref()
            )),
        );
        self.add(&iri, ti::EDITION_OF, edition.clone());
        self.add(
            &iri,
            ti::CATEGORY_OF,
            mint::category(award.category.get_ref()),
        );
        self.add(&iri, ti::LEVEL_OF, mint::level(award.level.get_ref()));
        self.add(&iri, ti::PROJECT_OF, project.clone());
        for laureate in award.laureates.get_ref() {
            self.add(&iri, ti::LAUREATE, mint::organisation(laureate.get_ref()));
        }
        self.add(&project, rdf::TYPE, ti::PROJECT);
        self.add(&project, dct::TITLE, fr(award.title.get_ref()));
        self.add(&project, rdfs::LABEL, fr(award.title.get_ref()));
        if let Some(subtitle) = &award.subtitle {
            self.add(&project, ti::SUBTITLE, fr(subtitle.get_ref()));
        }
    }
}

fn fr(text: &str) -> Literal {
    Literal::new_language_tagged_literal_unchecked(text, "fr")
}

fn en(text: &str) -> Literal {
    Literal::new_language_tagged_literal_unchecked(text, "en")
}

fn integer(value: u32) -> Literal {
    Literal::new_typed_literal(value.to_string(), xsd::INTEGER)
}

fn gyear(year: i32) -> Literal {
    Literal::new_typed_literal(format!("{year:04}"), xsd::G_YEAR)
}
