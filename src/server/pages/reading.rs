//! Facts written for a reader: the French names of the standard terms the
//! data uses, and values as French readers write them (Oui/Non, numbers
//! with a decimal comma, dates with the month's name, sizes in Ko/Mo).
//! The technical pages (ontology, query page, fragments) keep the terms.

use oxigraph::model::Literal;
use oxigraph::model::vocab::xsd;

/// The French name of each standard term the data set, its catalog and
/// its VoID description use, as a field of a page (the ontology's own terms
/// are named by their French labels). Sorted by IRI.
const STANDARD_NAMES: [(&str, &str); 90] = [
    ("http://data.europa.eu/r5r/availability", "disponibilité"),
    ("http://purl.org/dc/terms/accessRights", "droits d'accès"),
    (
        "http://purl.org/dc/terms/accrualPeriodicity",
        "fréquence de mise à jour",
    ),
    ("http://purl.org/dc/terms/alternative", "autre titre"),
    ("http://purl.org/dc/terms/conformsTo", "conforme à"),
    ("http://purl.org/dc/terms/created", "créé le"),
    ("http://purl.org/dc/terms/creator", "auteur"),
    ("http://purl.org/dc/terms/description", "description"),
    ("http://purl.org/dc/terms/format", "format"),
    ("http://purl.org/dc/terms/hasFormat", "autre format"),
    ("http://purl.org/dc/terms/identifier", "identifiant"),
    ("http://purl.org/dc/terms/isPartOf", "fait partie de"),
    ("http://purl.org/dc/terms/issued", "publié le"),
    ("http://purl.org/dc/terms/language", "langue"),
    ("http://purl.org/dc/terms/license", "licence"),
    ("http://purl.org/dc/terms/modified", "modifié le"),
    ("http://purl.org/dc/terms/publisher", "éditeur"),
    ("http://purl.org/dc/terms/rights", "droits"),
    ("http://purl.org/dc/terms/source", "source"),
    (
        "http://purl.org/dc/terms/spatial",
        "couverture géographique",
    ),
    ("http://purl.org/dc/terms/subject", "sujet"),
    ("http://purl.org/dc/terms/temporal", "couverture temporelle"),
    ("http://purl.org/dc/terms/title", "titre"),
    ("http://purl.org/dc/terms/type", "type"),
    ("http://rdfs.org/ns/void#class", "classe"),
    (
        "http://rdfs.org/ns/void#classPartition",
        "partie par classe",
    ),
    ("http://rdfs.org/ns/void#classes", "nombre de classes"),
    ("http://rdfs.org/ns/void#dataDump", "fichier à télécharger"),
    (
        "http://rdfs.org/ns/void#distinctObjects",
        "nombre d'objets distincts",
    ),
    (
        "http://rdfs.org/ns/void#distinctSubjects",
        "nombre de sujets distincts",
    ),
    ("http://rdfs.org/ns/void#entities", "nombre d'entités"),
    ("http://rdfs.org/ns/void#exampleResource", "exemple"),
    ("http://rdfs.org/ns/void#feature", "syntaxe"),
    ("http://rdfs.org/ns/void#properties", "nombre de propriétés"),
    ("http://rdfs.org/ns/void#property", "propriété"),
    (
        "http://rdfs.org/ns/void#propertyPartition",
        "partie par propriété",
    ),
    (
        "http://rdfs.org/ns/void#sparqlEndpoint",
        "point d'accès SPARQL",
    ),
    ("http://rdfs.org/ns/void#triples", "nombre de triplets"),
    (
        "http://rdfs.org/ns/void#uriLookupEndpoint",
        "recherche d'adresses",
    ),
    ("http://rdfs.org/ns/void#uriSpace", "espace d'adresses"),
    ("http://rdfs.org/ns/void#vocabulary", "vocabulaire"),
    ("http://schema.org/founder", "fondateur"),
    ("http://schema.org/foundingDate", "date de création"),
    ("http://schema.org/location", "lieu"),
    ("http://schema.org/name", "nom"),
    ("http://schema.org/organizer", "organisateur"),
    ("http://schema.org/sameAs", "la même ressource ailleurs"),
    ("http://spdx.org/rdf/terms#algorithm", "algorithme"),
    ("http://spdx.org/rdf/terms#checksum", "somme de contrôle"),
    ("http://spdx.org/rdf/terms#checksumValue", "valeur"),
    (
        "http://www.w3.org/2000/01/rdf-schema#comment",
        "commentaire",
    ),
    ("http://www.w3.org/2000/01/rdf-schema#label", "nom"),
    ("http://www.w3.org/2000/01/rdf-schema#seeAlso", "voir aussi"),
    ("http://www.w3.org/2002/07/owl#versionInfo", "version"),
    ("http://www.w3.org/2004/02/skos/core#altLabel", "autre nom"),
    ("http://www.w3.org/2004/02/skos/core#broader", "relève de"),
    ("http://www.w3.org/2004/02/skos/core#editorialNote", "note"),
    (
        "http://www.w3.org/2004/02/skos/core#hasTopConcept",
        "comprend",
    ),
    ("http://www.w3.org/2004/02/skos/core#inScheme", "liste"),
    ("http://www.w3.org/2004/02/skos/core#narrower", "comprend"),
    ("http://www.w3.org/2004/02/skos/core#prefLabel", "nom"),
    ("http://www.w3.org/2004/02/skos/core#topConceptOf", "liste"),
    ("http://www.w3.org/2006/vcard/ns#fn", "nom"),
    ("http://www.w3.org/2006/vcard/ns#hasURL", "adresse web"),
    ("http://www.w3.org/ns/dcat#accessService", "service d'accès"),
    ("http://www.w3.org/ns/dcat#accessURL", "adresse d'accès"),
    ("http://www.w3.org/ns/dcat#bbox", "emprise (GeoJSON)"),
    ("http://www.w3.org/ns/dcat#byteSize", "taille en octets"),
    ("http://www.w3.org/ns/dcat#compressFormat", "compression"),
    ("http://www.w3.org/ns/dcat#contactPoint", "contact"),
    ("http://www.w3.org/ns/dcat#dataset", "jeu de données"),
    ("http://www.w3.org/ns/dcat#distribution", "distribution"),
    (
        "http://www.w3.org/ns/dcat#downloadURL",
        "adresse de téléchargement",
    ),
    ("http://www.w3.org/ns/dcat#endDate", "fin"),
    (
        "http://www.w3.org/ns/dcat#endpointDescription",
        "description du service",
    ),
    (
        "http://www.w3.org/ns/dcat#endpointURL",
        "adresse du service",
    ),
    ("http://www.w3.org/ns/dcat#keyword", "mot-clé"),
    ("http://www.w3.org/ns/dcat#landingPage", "page d'accueil"),
    ("http://www.w3.org/ns/dcat#mediaType", "type de média"),
    (
        "http://www.w3.org/ns/dcat#servesDataset",
        "sert le jeu de données",
    ),
    ("http://www.w3.org/ns/dcat#service", "service"),
    ("http://www.w3.org/ns/dcat#startDate", "début"),
    ("http://www.w3.org/ns/dcat#theme", "thème"),
    (
        "http://www.w3.org/ns/dcat#themeTaxonomy",
        "liste des thèmes",
    ),
    ("http://www.w3.org/ns/org#hasMember", "membre"),
    ("http://www.w3.org/ns/prov#wasAttributedTo", "attribué à"),
    ("http://www.w3.org/ns/prov#wasDerivedFrom", "tiré de"),
    ("http://xmlns.com/foaf/0.1/homepage", "site web"),
    ("http://xmlns.com/foaf/0.1/name", "nom"),
    ("http://xmlns.com/foaf/0.1/primaryTopic", "sujet principal"),
];

/// What the standard terms whose names end in « de » (or say a direction)
/// are called when read backwards, on the page of their object: a
/// narrower concept, a part, what a source was used for.
const INVERSE_NAMES: [(&str, &str); 5] = [
    ("http://purl.org/dc/terms/isPartOf", "comprend"),
    ("http://www.w3.org/2004/02/skos/core#broader", "comprend"),
    ("http://www.w3.org/2004/02/skos/core#narrower", "relève de"),
    ("http://www.w3.org/ns/dcat#servesDataset", "servi par"),
    ("http://www.w3.org/ns/prov#wasDerivedFrom", "source de"),
];

/// What the ontology's properties that link an organisation to the places
/// it covers are called on the place's page (by local name).
const ONTOLOGY_INVERSE_NAMES: [(&str, &str); 3] = [
    ("coversCommune", "sur le territoire de"),
    ("coversDepartement", "couvert par"),
    ("coversRegion", "couverte par"),
];

/// The name of the ontology's property `local_name` read backwards, where
/// neither its label nor a class says it (see [`ONTOLOGY_INVERSE_NAMES`]).
pub fn ontology_inverse_name(local_name: &str) -> Option<&'static str> {
    ONTOLOGY_INVERSE_NAMES
        .iter()
        .find(|(term, _)| *term == local_name)
        .map(|(_, name)| *name)
}

/// The name of the standard term `iri` read backwards (see
/// [`INVERSE_NAMES`]).
pub fn inverse_name(iri: &str) -> Option<&'static str> {
    INVERSE_NAMES
        .iter()
        .find(|(term, _)| *term == iri)
        .map(|(_, name)| *name)
}

/// The French name of the standard term `iri`, if the data set uses it.
pub fn standard_name(iri: &str) -> Option<&'static str> {
    STANDARD_NAMES
        .iter()
        .find(|(term, _)| *term == iri)
        .map(|(_, name)| *name)
}

/// `text` with its first letter in capitals (« code INSEE » → « Code INSEE »).
pub fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A literal as a French reader writes it: booleans as Oui/Non, numbers
/// with a decimal comma and thin spaces between thousands, dates with the
/// month's name; any other value as it is.
pub fn literal_in_french(literal: &Literal) -> String {
    let value = literal.value();
    let datatype = literal.datatype();
    if datatype == xsd::BOOLEAN {
        match value {
            "true" | "1" => "Oui".to_owned(),
            "false" | "0" => "Non".to_owned(),
            other => other.to_owned(),
        }
    } else if datatype == xsd::INTEGER
        || datatype == xsd::DECIMAL
        || datatype == xsd::INT
        || datatype == xsd::NON_NEGATIVE_INTEGER
        || datatype == xsd::POSITIVE_INTEGER
    {
        number_in_french(value)
    } else if datatype == xsd::DATE || datatype == xsd::DATE_TIME {
        date_in_french(value)
    } else {
        value.to_owned()
    }
}

/// A number as French readers write it: « 12 345,5 ».
pub fn number_in_french(number: &str) -> String {
    let (sign, digits) = match number.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", number.strip_prefix('+').unwrap_or(number)),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (digits, None),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return number.to_owned();
    }
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 && whole.len() > 4 {
            grouped.push('\u{202f}');
        }
        grouped.push(digit);
    }
    match fraction {
        Some(fraction) => format!("{sign}{grouped},{fraction}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A date (`2026-11-28`) or time (`2026-11-28T10:00:00Z`) as French
/// readers write it: « 28 novembre 2026 », « 28 novembre 2026 à 10:00:00 UTC ».
pub fn date_in_french(time: &str) -> String {
    const MONTHS: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    let (year, month, day) = (
        time.get(0..4),
        time.get(5..7).and_then(|m| m.parse::<usize>().ok()),
        time.get(8..10).and_then(|d| d.parse::<u32>().ok()),
    );
    let (Some(year), Some(month @ 1..=12), Some(day)) = (year, month, day) else {
        return time.to_owned();
    };
    let date = format!("{day} {} {year}", MONTHS[month - 1]);
    match time.get(11..19) {
        Some(clock) if time.as_bytes().get(10) == Some(&b'T') => format!("{date} à {clock} UTC"),
        _ => date,
    }
}

/// A file size as a French reader reads it: « 850 octets », « 11,9 Ko »,
/// « 1,4 Mo » (decimal units, a decimal comma, a no-break space).
pub fn size_in_french(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1_000_000_000, "Go"), (1_000_000, "Mo"), (1_000, "Ko")];
    for (size, unit) in UNITS {
        if bytes >= size {
            let tenths = (bytes * 10 + size / 2) / size;
            let (whole, tenth) = (tenths / 10, tenths % 10);
            return if tenth == 0 || whole >= 100 {
                format!("{}\u{a0}{unit}", (bytes + size / 2) / size)
            } else {
                format!("{whole},{tenth}\u{a0}{unit}")
            };
        }
    }
    format!("{bytes}\u{a0}octets")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_in_french() {
        let typed = |value: &str, datatype| Literal::new_typed_literal(value, datatype);
        assert_eq!(literal_in_french(&typed("true", xsd::BOOLEAN)), "Oui");
        assert_eq!(literal_in_french(&typed("false", xsd::BOOLEAN)), "Non");
        assert_eq!(literal_in_french(&typed("38", xsd::INTEGER)), "38");
        assert_eq!(literal_in_french(&typed("2023", xsd::G_YEAR)), "2023");
        assert_eq!(
            literal_in_french(&typed("2026-11-28", xsd::DATE)),
            "28 novembre 2026"
        );
        assert_eq!(number_in_french("1268716"), "1\u{202f}268\u{202f}716");
        assert_eq!(number_in_french("2354"), "2354");
        assert_eq!(number_in_french("12345.5"), "12\u{202f}345,5");
        assert_eq!(
            date_in_french("2026-12-07T11:00:03Z"),
            "7 décembre 2026 à 11:00:03 UTC"
        );
        assert_eq!(
            date_in_french("2027-01-05T00:00:00.000Z"),
            "5 janvier 2027 à 00:00:00 UTC"
        );
        assert_eq!(date_in_french("soon"), "soon");
    }

    #[test]
    fn every_standard_term_has_one_name() {
        let mut terms: Vec<&str> = STANDARD_NAMES.iter().map(|(t, _)| *t).collect();
        let sorted = terms.clone();
        terms.sort_unstable();
        terms.dedup();
        assert_eq!(terms, sorted, "sorted, each once");
        assert_eq!(
            standard_name("http://purl.org/dc/terms/source"),
            Some("source")
        );
        assert_eq!(capitalized("code INSEE"), "Code INSEE");
    }

    #[test]
    fn sizes_read_in_french() {
        assert_eq!(size_in_french(850), "850\u{a0}octets");
        assert_eq!(size_in_french(11_857), "11,9\u{a0}Ko");
        assert_eq!(size_in_french(75_547), "75,5\u{a0}Ko");
        assert_eq!(size_in_french(214_000), "214\u{a0}Ko");
        assert_eq!(size_in_french(2_000_000), "2\u{a0}Mo");
        assert_eq!(size_in_french(1_450_000), "1,5\u{a0}Mo");
    }
}
