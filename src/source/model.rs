//! The serde model of the files in `data/`.
//!
//! Fields that other entries refer to, or that a check may reject, are
//! [`Spanned`] so that an error can name the line they are on.

use serde::Deserialize;
use toml::Spanned;

/// A slug or a reference to one, with its place in the file.
pub type Id = Spanned<String>;

/// `data/label.toml`: the label, its sources and the published data set.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelFile {
    /// The label itself.
    pub label: Label,
    /// The documents the data is transcribed from.
    #[serde(default)]
    pub source: Vec<Source>,
    /// Metadata of the published data set.
    pub dataset: DatasetInfo,
    /// Who runs the publication.
    pub publisher: Spanned<Publisher>,
}

/// Who runs the publication: the publisher and contact point that the
/// catalogs name. Either an organisation of the registry, or a name (and
/// optionally a web site) — by default, the publication itself.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publisher {
    /// An organisation of `registry/organisations.toml` that runs it.
    pub organisation: Option<Id>,
    /// Otherwise, the name of whoever runs it.
    pub name: Option<Spanned<String>>,
    /// Its web site, with a `name`.
    pub homepage: Option<Spanned<String>>,
}

/// The award programme, e.g. « Territoire Innovant ».
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Label {
    /// Stable slug of the label.
    pub id: Id,
    /// Name as printed by its organiser.
    pub name: Spanned<String>,
    /// Organisation that awards the label.
    pub organiser: Id,
    /// Source the description is quoted from.
    pub source: Id,
    /// Description quoted from the source.
    pub description: Option<String>,
}

/// A document the data is transcribed from.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Stable slug of the source.
    pub id: Id,
    /// Title of the document (for a legal text, its citation).
    pub title: Spanned<String>,
    /// Organisation that published it, if one of the registry.
    pub publisher: Option<Id>,
}

/// Metadata of our own publication of the data.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetInfo {
    /// Title in French.
    pub title_fr: String,
    /// Title in English.
    pub title_en: String,
    /// Description in French.
    pub description_fr: String,
    /// Description in English.
    pub description_en: String,
    /// Date of first publication.
    pub issued: toml::value::Date,
    /// Date of the last change.
    pub modified: toml::value::Date,
    /// Keywords for the catalogs.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// IRI of the licence.
    pub license: Spanned<String>,
    /// Name of the licence.
    pub license_name: String,
}

/// `data/registry/organisations.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationsFile {
    /// Every organisation any other file refers to.
    pub organisation: Vec<Organisation>,
}

/// An organisation: laureate, jury body or organiser.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// Stable slug of the organisation.
    pub id: Id,
    /// Name as printed by the source.
    pub name: Spanned<String>,
    /// Year of foundation, where a source states it.
    pub founded: Option<Spanned<i32>>,
    /// Organisations that founded it.
    #[serde(default)]
    pub founders: Vec<Id>,
    /// Home page.
    pub website: Option<Spanned<String>>,
    /// Other pages about the same organisation (its public accounts).
    #[serde(default)]
    pub same_as: Vec<Spanned<String>>,
    /// Description quoted from a source.
    pub description: Option<String>,
    /// Source of the founding facts and the description.
    pub source: Option<Id>,
    /// Kind of organisation (an id of `registry/kinds.toml`).
    pub kind: Option<Id>,
    /// The entity of the reference extract this organisation is:
    /// `commune:CODE`, `epci:SIREN`, `departement:CODE` or `region:CODE`.
    pub reference: Option<Spanned<String>>,
    /// The département of a body that is not in the reference (`departement:CODE`).
    pub territory: Option<Spanned<String>>,
    /// What could not be confirmed, and why.
    pub note: Option<String>,
    /// Its official name, for a body that is not in the reference extract,
    /// with the source that gives it (`official_name_source`).
    pub official_name: Option<Spanned<String>>,
    /// The source (of `label.toml`) of `official_name`.
    pub official_name_source: Option<Id>,
}

/// `data/registry/kinds.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindsFile {
    /// The kinds of organisation.
    pub kind: Vec<Kind>,
}

/// A kind of organisation (commune, métropole…).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kind {
    /// Stable slug.
    pub id: Id,
    /// French label.
    pub label_fr: Spanned<String>,
    /// English label.
    pub label_en: Spanned<String>,
    /// The EPCI type code of the reference source for this kind.
    pub epci_type: Option<String>,
    /// The wider kind it belongs to (`skos:broader`).
    pub broader: Option<Id>,
    /// The source (of `label.toml`) that says what this kind groups.
    pub source: Option<Id>,
}

/// `data/reference/decoupage-administratif.toml`: the committed extract of
/// the reference source of official names and codes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferenceFile {
    /// Which package, which version, when.
    pub source: ReferenceSource,
    /// Communes.
    #[serde(default)]
    pub commune: Vec<ReferenceCommune>,
    /// EPCIs (intercommunal bodies with their own taxation).
    #[serde(default)]
    pub epci: Vec<ReferenceEpci>,
    /// Départements.
    #[serde(default)]
    pub departement: Vec<ReferenceDepartement>,
    /// Régions.
    #[serde(default)]
    pub region: Vec<ReferenceRegion>,
}

/// The provenance of the reference extract.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferenceSource {
    /// Package name.
    pub package: String,
    /// Package version.
    pub version: String,
    /// Licence of the package.
    pub licence: String,
    /// Date of the extract.
    pub extracted: toml::value::Date,
}

/// A commune of the reference.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferenceCommune {
    /// INSEE code.
    pub code: Spanned<String>,
    /// Official name.
    pub name: String,
    /// SIREN.
    pub siren: Spanned<String>,
    /// Code of its département.
    pub departement: Spanned<String>,
    /// Its population, as the package's commune file gives it.
    pub population: Option<u64>,
}

/// An EPCI of the reference.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferenceEpci {
    /// EPCI code, which is its SIREN.
    pub code: Spanned<String>,
    /// Official name.
    pub name: String,
    /// Type code (CC, CA, CU, METRO, MET69).
    #[serde(rename = "type")]
    pub epci_type: String,
    /// Départements of its member communes.
    pub member_departements: Vec<Spanned<String>>,
    /// INSEE codes of its member communes (the official member list).
    #[serde(default)]
    pub members: Vec<Spanned<String>>,
    /// Its population (municipale), as the package's EPCI file gives it.
    pub population: Option<u64>,
}

/// A département of the reference.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferenceDepartement {
    /// INSEE code.
    pub code: Spanned<String>,
    /// Name.
    pub name: String,
    /// Code of its région.
    pub region: Spanned<String>,
    /// `metro`, `drom` (overseas) or `com`.
    pub zone: String,
}

/// A région of the reference.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferenceRegion {
    /// INSEE code.
    pub code: Spanned<String>,
    /// Name.
    pub name: String,
    /// `metro` or `drom` (overseas).
    pub zone: String,
}

/// `data/registry/categories.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoriesFile {
    /// The categories of the label.
    pub category: Vec<Category>,
}

/// A thematic category of the label.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// Stable slug.
    pub id: Id,
    /// French label.
    pub label_fr: Spanned<String>,
    /// English label.
    pub label_en: Spanned<String>,
    /// The heading exactly as the press release prints it.
    pub release_label: Option<String>,
}

/// `data/registry/levels.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelsFile {
    /// The levels of the label.
    pub level: Vec<Level>,
}

/// A level of the label (Or, Argent, Bronze).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    /// Stable slug.
    pub id: Id,
    /// Order: 1 is the highest.
    pub rank: Spanned<u32>,
    /// French label.
    pub label_fr: Spanned<String>,
    /// English label.
    pub label_en: Spanned<String>,
    /// The heading exactly as the press release prints it.
    pub release_label: Option<String>,
}

/// `data/registry/criteria.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriteriaFile {
    /// The award criteria.
    pub criterion: Vec<Criterion>,
}

/// An award criterion.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// Stable slug.
    pub id: Id,
    /// French label, as the source words it.
    pub label_fr: Spanned<String>,
    /// English label.
    pub label_en: Spanned<String>,
}

/// `data/editions/YEAR.toml`: one edition of the label.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditionFile {
    /// Facts about the edition.
    pub edition: Edition,
    /// Its jury, where the source describes it.
    pub jury: Option<Jury>,
    /// The awards, in the order of the source.
    pub award: Vec<Spanned<Award>>,
}

/// Facts about one edition.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edition {
    /// Year of the edition.
    pub year: Spanned<i32>,
    /// The label it is an edition of.
    pub label: Id,
    /// The source it is transcribed from.
    pub source: Id,
    /// Name of the forum where the awards were presented.
    pub forum: Option<String>,
    /// City of the forum.
    pub forum_city: Option<String>,
    /// The forum's commune in the reference extract (`commune:CODE`), whose
    /// name must be `forum_city`.
    pub forum_city_reference: Option<Spanned<String>>,
    /// Number of projects presented.
    pub projects_presented: Option<u32>,
    /// Number of projects auditioned.
    pub projects_auditioned: Option<u32>,
    /// Number of territories selected.
    pub territories_selected: Option<u32>,
    /// The award criteria of the edition.
    #[serde(default)]
    pub criteria: Vec<Id>,
}

/// The jury of an edition.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Jury {
    /// Bodies represented in the jury.
    pub members: Vec<Id>,
    /// Number of audition sessions.
    pub audition_sessions: Option<u32>,
    /// How the auditions were held.
    pub audition_mode: Option<String>,
}

/// One award: a level in a category, for a project, to its laureates.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Award {
    /// Stable slug, unique within the edition; also names the project.
    pub id: Id,
    /// Category id.
    pub category: Id,
    /// Level id.
    pub level: Id,
    /// Laureate organisation ids (one or more).
    pub laureates: Spanned<Vec<Id>>,
    /// Title of the project.
    pub title: Spanned<String>,
    /// Second line of the title, where the source prints one.
    pub subtitle: Option<Spanned<String>>,
}
