//! IRIs of the vocabularies the data uses: this project's ontology (`ti:`)
//! and the standard ones it reuses. `rdf:`, `rdfs:` and `xsd:` come from
//! [`oxigraph::model::vocab`].

/// Declares `pub const NAME: NamedNodeRef` for each local name of a namespace.
macro_rules! namespace {
    ($prefix:literal, $iri:literal, { $($name:ident = $local:literal),* $(,)? }) => {
        /// The prefix this namespace is written with.
        pub const PREFIX: &str = $prefix;
        /// The namespace IRI.
        pub const NAMESPACE: &str = $iri;
        $(
            #[doc = concat!("`", $prefix, ":", $local, "`")]
            pub const $name: oxigraph::model::NamedNodeRef<'static> =
                oxigraph::model::NamedNodeRef::new_unchecked(concat!($iri, $local));
        )*
    };
}

/// The default base of every IRI this project mints.
pub const DEFAULT_BASE: &str = "https://w3id.org/territoire-innovant/";

/// This project's ontology (`ontology/territoire-innovant.ttl`).
pub mod ti {
    namespace!("ti", "https://w3id.org/territoire-innovant/ontology#", {
        LABEL = "Label", EDITION = "Edition", AWARD = "Award", PROJECT = "Project",
        JURY = "Jury", CATEGORY = "Category", LEVEL = "Level", CRITERION = "Criterion",
        ORGANISER = "organiser", EDITION_OF_LABEL = "editionOf", DEPRECATED_LABEL_OF = "label", FORUM = "forum", CRITERION_OF = "criterion",
        JURY_OF = "jury", EDITION_OF = "edition", CATEGORY_OF = "category", LEVEL_OF = "level",
        PROJECT_OF = "project", LAUREATE = "laureate", LAUREATE_OF = "laureateOf", YEAR = "year",
        PROJECTS_PRESENTED = "projectsPresented", PROJECTS_AUDITIONED = "projectsAuditioned",
        TERRITORIES_SELECTED = "territoriesSelected", AUDITION_SESSIONS = "auditionSessions",
        AUDITION_MODE = "auditionMode", SUBTITLE = "subtitle", RANK = "rank",
        ORGANISATION_KIND = "OrganisationKind", KIND = "kind", NAME_IN_SOURCE = "nameInSource",
        SIREN = "siren", INSEE_CODE = "inseeCode", DEPARTEMENT_CLASS = "Departement",
        REGION_CLASS = "Region", DEPARTEMENT = "departement", REGION = "region",
        OVERSEAS = "overseas", LAUREATE_CLASS = "Laureate", POSITION = "position",
        COMMUNE_CLASS = "Commune", COVERS_COMMUNE = "coversCommune",
        COVERS_DEPARTEMENT = "coversDepartement", COVERS_REGION = "coversRegion",
        POPULATION = "population",
    });
    /// IRI of the ontology document itself.
    pub const ONTOLOGY: oxigraph::model::NamedNodeRef<'static> =
        oxigraph::model::NamedNodeRef::new_unchecked(
            "https://w3id.org/territoire-innovant/ontology",
        );
}

/// SKOS.
pub mod skos {
    namespace!("skos", "http://www.w3.org/2004/02/skos/core#", {
        CONCEPT = "Concept", CONCEPT_SCHEME = "ConceptScheme", PREF_LABEL = "prefLabel",
        ALT_LABEL = "altLabel", IN_SCHEME = "inScheme", TOP_CONCEPT_OF = "topConceptOf",
        EDITORIAL_NOTE = "editorialNote",
        HAS_TOP_CONCEPT = "hasTopConcept", BROADER = "broader", NARROWER = "narrower",
    });
}

/// DCMI terms.
pub mod dct {
    namespace!("dct", "http://purl.org/dc/terms/", {
        TITLE = "title", DESCRIPTION = "description", SOURCE = "source", PUBLISHER = "publisher",
        LICENSE = "license", ISSUED = "issued", MODIFIED = "modified", LICENSE_DOCUMENT = "LicenseDocument", CREATOR = "creator",
        LOCATION = "Location", PERIOD_OF_TIME = "PeriodOfTime", MEDIA_TYPE = "MediaType",
        MEDIA_TYPE_OR_EXTENT = "MediaTypeOrExtent", STANDARD = "Standard",
        LINGUISTIC_SYSTEM = "LinguisticSystem", FORMAT = "format", SPATIAL = "spatial",
        TEMPORAL = "temporal", LANGUAGE = "language", CONFORMS_TO = "conformsTo",
        FREQUENCY = "Frequency", ACCRUAL_PERIODICITY = "accrualPeriodicity",
        RIGHTS_STATEMENT = "RightsStatement", ACCESS_RIGHTS = "accessRights", CREATED = "created",
        IS_VERSION_OF = "isVersionOf", IDENTIFIER = "identifier", RIGHTS = "rights",
        HAS_FORMAT = "hasFormat",
    });
}

/// W3C Organization ontology.
pub mod org {
    namespace!("org", "http://www.w3.org/ns/org#", {
        ORGANIZATION = "Organization", HAS_MEMBER = "hasMember",
    });
}

/// schema.org.
pub mod schema {
    namespace!("schema", "http://schema.org/", {
        ORGANIZATION = "Organization", EVENT = "Event", PLACE = "Place", NAME = "name",
        LOCATION = "location", ORGANIZER = "organizer", FOUNDER = "founder",
        FOUNDING_DATE = "foundingDate", SAME_AS = "sameAs",
        ADMINISTRATIVE_AREA = "AdministrativeArea",
    });
}

/// FOAF.
pub mod foaf {
    namespace!("foaf", "http://xmlns.com/foaf/0.1/", {
        DOCUMENT = "Document", HOMEPAGE = "homepage", AGENT = "Agent", NAME = "name",
        PRIMARY_TOPIC = "primaryTopic",
    });
}

/// W3C PROV-O.
pub mod prov {
    namespace!("prov", "http://www.w3.org/ns/prov#", {
        ENTITY = "Entity", WAS_DERIVED_FROM = "wasDerivedFrom", GENERATED_AT_TIME = "generatedAtTime",
    });
}

/// W3C DCAT.
pub mod dcat {
    namespace!("dcat", "http://www.w3.org/ns/dcat#", {
        CATALOG = "Catalog", DATASET = "Dataset", DISTRIBUTION = "Distribution",
        DATA_SERVICE = "DataService", DATASET_OF = "dataset", DISTRIBUTION_OF = "distribution",
        SERVICE = "service", DOWNLOAD_URL = "downloadURL", ACCESS_URL = "accessURL",
        MEDIA_TYPE = "mediaType", COMPRESS_FORMAT = "compressFormat", BYTE_SIZE = "byteSize",
        KEYWORD = "keyword", THEME = "theme", THEME_TAXONOMY = "themeTaxonomy",
        LANDING_PAGE = "landingPage", CONTACT_POINT = "contactPoint", ENDPOINT_URL = "endpointURL",
        ENDPOINT_DESCRIPTION = "endpointDescription", SERVES_DATASET = "servesDataset",
        ACCESS_SERVICE = "accessService", START_DATE = "startDate", END_DATE = "endDate",
        VERSION = "version", BBOX = "bbox",
    });
}

/// VoID.
pub mod void {
    namespace!("void", "http://rdfs.org/ns/void#", {
        DATASET = "Dataset", TRIPLES = "triples", ENTITIES = "entities", CLASSES = "classes",
        PROPERTIES = "properties", DISTINCT_SUBJECTS = "distinctSubjects",
        DISTINCT_OBJECTS = "distinctObjects", SPARQL_ENDPOINT = "sparqlEndpoint",
        DATA_DUMP = "dataDump", CLASS_PARTITION = "classPartition",
        PROPERTY_PARTITION = "propertyPartition", CLASS = "class", PROPERTY = "property",
        VOCABULARY = "vocabulary", EXAMPLE_RESOURCE = "exampleResource", URI_SPACE = "uriSpace",
        FEATURE = "feature", DATASET_DESCRIPTION = "DatasetDescription", SUBSET = "subset",
        URI_LOOKUP_ENDPOINT = "uriLookupEndpoint",
    });
}

/// SPDX (checksums).
pub mod spdx {
    namespace!("spdx", "http://spdx.org/rdf/terms#", {
        CHECKSUM_CLASS = "Checksum", CHECKSUM = "checksum", ALGORITHM = "algorithm",
        CHECKSUM_VALUE = "checksumValue", SHA256 = "checksumAlgorithm_sha256",
    });
}

/// vCard (contact points).
pub mod vcard {
    namespace!("vcard", "http://www.w3.org/2006/vcard/ns#", {
        KIND = "Kind", ORGANIZATION = "Organization", FN = "fn", HAS_URL = "hasURL",
    });
}

/// OWL: the equivalences, inverses and deprecations the ontology states.
pub mod owl {
    namespace!("owl", "http://www.w3.org/2002/07/owl#", {
        EQUIVALENT_CLASS = "equivalentClass", EQUIVALENT_PROPERTY = "equivalentProperty",
        INVERSE_OF = "inverseOf", DEPRECATED = "deprecated",
    });
}

/// Linked Data Event Streams (SEMIC): the change feed.
pub mod ldes {
    namespace!("ldes", "https://w3id.org/ldes#", {
        EVENT_STREAM = "EventStream", TIMESTAMP_PATH = "timestampPath",
        VERSION_OF_PATH = "versionOfPath", VERSION_DELETE_PATH = "versionDeletePath",
        VERSION_DELETE_OBJECT = "versionDeleteObject", RETENTION_POLICY = "retentionPolicy",
        STARTING_FROM = "startingFrom", IMMUTABLE = "immutable",
    });
}

/// The TREE hypermedia specification: the pages of the change feed.
pub mod tree {
    namespace!("tree", "https://w3id.org/tree#", {
        NODE = "Node", VIEW = "view", VIEW_DESCRIPTION = "viewDescription", MEMBER = "member",
        RELATION = "relation", NODE_OF = "node", PATH = "path", VALUE = "value",
        REMAINING_ITEMS = "remainingItems",
        GREATER_THAN_OR_EQUAL_TO_RELATION = "GreaterThanOrEqualToRelation",
        LESS_THAN_RELATION = "LessThanRelation",
    });
}

/// Activity Streams 2.0: the tombstone of a deleted resource.
pub mod activity {
    namespace!("as", "https://www.w3.org/ns/activitystreams#", {
        DELETE = "Delete",
    });
}

/// The prefixes written at the top of Turtle dumps, in order.
pub const PREFIXES: &[(&str, &str)] = &[
    (ti::PREFIX, ti::NAMESPACE),
    (activity::PREFIX, activity::NAMESPACE),
    ("dcat", dcat::NAMESPACE),
    (dct::PREFIX, dct::NAMESPACE),
    (foaf::PREFIX, foaf::NAMESPACE),
    (ldes::PREFIX, ldes::NAMESPACE),
    (org::PREFIX, org::NAMESPACE),
    (owl::PREFIX, owl::NAMESPACE),
    (spdx::PREFIX, spdx::NAMESPACE),
    (vcard::PREFIX, vcard::NAMESPACE),
    (prov::PREFIX, prov::NAMESPACE),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    (schema::PREFIX, schema::NAMESPACE),
    (skos::PREFIX, skos::NAMESPACE),
    (tree::PREFIX, tree::NAMESPACE),
    ("void", void::NAMESPACE),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
];
