//! The tables for spreadsheets: the awards (`prix.csv`), the laureates, one
//! row per award and laureate (`laureats.csv`), and the laureate
//! organisations with their official codes (`organisations.csv`). CSV as
//! RFC 4180 writes it (comma, double quotes, CRLF), UTF-8 with a byte order
//! mark (without it, Excel reads the accents as Windows-1252), headers in
//! French. Two descriptions of the same tables beside them: W3C CSV on the
//! Web metadata (`csv-metadata.json`, the name a CSVW processor looks for
//! beside a CSV file) and a Frictionless data package (`datapackage.json`,
//! Table Schema, the convention of schema.data.gouv.fr).
//!
//! Every value is read from the data graph by one SPARQL query; rows are
//! sorted by year, level, category and project, so the same data always
//! gives the same bytes.

use super::catalog::Described;
use super::files::{Destination, FileSummary, write_file};
use crate::rdf::vocab::{dct, skos, ti};
use crate::search::fold;
use crate::store::DataSet;
use oxigraph::model::vocab::rdfs;
use oxigraph::model::{NamedNode, Term};
use oxigraph::sparql::QueryResults;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io;
use std::rc::Rc;

/// The name of the CSV on the Web metadata of the tables.
pub const CSVW_METADATA: &str = "csv-metadata.json";
/// The name of the Frictionless data package of the tables.
pub const DATA_PACKAGE: &str = "datapackage.json";

/// What a column holds, as CSVW and Table Schema type it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A year (`2023`).
    Year,
    /// A whole number.
    Integer,
    /// Text; codes too, which keep their leading zeros and letters (`2A`).
    Text,
    /// An address on the web.
    Url,
}

/// A column: its header (what a spreadsheet shows), its name for programs,
/// what it holds, whether every row has a value, and the variable of
/// [`ROWS_QUERY`] it reads (none for a figure the table computes).
#[derive(Debug)]
struct Column {
    title: &'static str,
    name: &'static str,
    kind: Kind,
    description: &'static str,
    required: bool,
    variable: Option<&'static str>,
}

const fn column(
    (title, name): (&'static str, &'static str),
    kind: Kind,
    required: bool,
    variable: Option<&'static str>,
    description: &'static str,
) -> Column {
    Column {
        title,
        name,
        kind,
        description,
        required,
        variable,
    }
}

/// A table: its file, title, columns, the column that identifies a row
/// and the columns that point at another table's.
#[derive(Debug)]
struct Table {
    file: &'static str,
    title: &'static str,
    description: &'static str,
    columns: &'static [Column],
    primary_key: &'static [&'static str],
    /// (column, table file, its column)
    foreign_keys: &'static [(&'static str, &'static str, &'static str)],
}

const YEAR: Column = column(
    ("Année", "annee"),
    Kind::Year,
    true,
    Some("year"),
    "L'année de l'édition du label.",
);
const CATEGORY: Column = column(
    ("Catégorie", "categorie"),
    Kind::Text,
    true,
    Some("category"),
    "La catégorie du prix.",
);
const LEVEL: Column = column(
    ("Niveau", "niveau"),
    Kind::Text,
    true,
    Some("level"),
    "Le niveau du label : Or, Argent ou Bronze.",
);
const RANK: Column = column(
    ("Rang du niveau", "rang_niveau"),
    Kind::Integer,
    true,
    Some("rank"),
    "Le rang du niveau, pour trier : 1 pour Or, 2 pour Argent, 3 pour Bronze.",
);
const PROJECT: Column = column(
    ("Projet", "projet"),
    Kind::Text,
    true,
    Some("project"),
    "Le titre du projet récompensé, tel que le communiqué l'imprime.",
);
const AWARD_URL: Column = column(
    ("Adresse du prix", "adresse_prix"),
    Kind::Url,
    true,
    Some("award"),
    "L'adresse (IRI) du prix dans les données liées : sa page, et ses données.",
);
const NAME_IN_SOURCE: Column = column(
    ("Nom dans le communiqué", "nom_communique"),
    Kind::Text,
    true,
    Some("name"),
    "Le nom du lauréat tel que le communiqué l'imprime.",
);
const OFFICIAL_NAME: Column = column(
    ("Nom officiel", "nom_officiel"),
    Kind::Text,
    true,
    Some("official"),
    "Le nom officiel de l'organisation (celui du Code officiel géographique ou du répertoire Sirene quand elle y figure).",
);
const KIND: Column = column(
    ("Nature", "nature"),
    Kind::Text,
    false,
    Some("kind"),
    "La nature juridique de l'organisation (commune, département, communauté d'agglomération…).",
);
const SIREN: Column = column(
    ("SIREN", "siren"),
    Kind::Text,
    false,
    Some("siren"),
    "Le numéro SIREN de l'organisation au répertoire Sirene de l'INSEE (neuf chiffres) ; vide quand la source de référence ne le donne pas.",
);
const INSEE_CODE: Column = column(
    ("Code INSEE", "code_insee"),
    Kind::Text,
    false,
    Some("insee"),
    "Le code du Code officiel géographique : code commune, code EPCI, code département ou code région.",
);
const DEPARTEMENT: Column = column(
    ("Département", "departement"),
    Kind::Text,
    false,
    Some("departement"),
    "Le département où l'organisation est située ; vide quand les données ne le disent pas.",
);
const DEPARTEMENT_CODE: Column = column(
    ("Code du département", "code_departement"),
    Kind::Text,
    false,
    Some("departementCode"),
    "Le code INSEE du département (deux ou trois caractères : 01, 2A, 971).",
);
const REGION: Column = column(
    ("Région", "region"),
    Kind::Text,
    false,
    Some("region"),
    "La région où l'organisation est située.",
);
const REGION_CODE: Column = column(
    ("Code de la région", "code_region"),
    Kind::Text,
    false,
    Some("regionCode"),
    "Le code INSEE de la région.",
);
const LAUREATE_URL: Column = column(
    ("Adresse du lauréat", "adresse_laureat"),
    Kind::Url,
    true,
    Some("laureate"),
    "L'adresse (IRI) de l'organisation lauréate dans les données liées.",
);

/// The awards.
const AWARDS: Table = Table {
    file: "prix.csv",
    title: "Prix du label « Territoire Innovant »",
    description: "Un prix par ligne : édition, catégorie, niveau, projet et lauréats.",
    columns: &[
        YEAR,
        CATEGORY,
        LEVEL,
        RANK,
        PROJECT,
        column(
            ("Lauréats", "laureats"),
            Kind::Text,
            false,
            None,
            "Les lauréats du prix, tels que le communiqué les nomme, séparés par « ; ».",
        ),
        column(
            ("Nombre de lauréats", "nombre_laureats"),
            Kind::Integer,
            true,
            None,
            "Le nombre d'organisations lauréates du prix.",
        ),
        AWARD_URL,
    ],
    primary_key: &["adresse_prix"],
    foreign_keys: &[],
};

/// One row per award and laureate.
const LAUREATES: Table = Table {
    file: "laureats.csv",
    title: "Lauréats du label « Territoire Innovant »",
    description: "Une ligne par prix et par lauréat (un prix partagé par trois organisations occupe trois lignes), avec les codes officiels de l'organisation et sa situation.",
    columns: &[
        YEAR,
        CATEGORY,
        LEVEL,
        RANK,
        PROJECT,
        NAME_IN_SOURCE,
        OFFICIAL_NAME,
        KIND,
        SIREN,
        INSEE_CODE,
        DEPARTEMENT,
        DEPARTEMENT_CODE,
        REGION,
        REGION_CODE,
        AWARD_URL,
        LAUREATE_URL,
    ],
    primary_key: &["adresse_prix", "adresse_laureat"],
    foreign_keys: &[
        ("adresse_prix", "prix.csv", "adresse_prix"),
        ("adresse_laureat", "organisations.csv", "adresse"),
    ],
};

/// The laureate organisations.
const ORGANISATIONS: Table = Table {
    file: "organisations.csv",
    title: "Organisations lauréates du label « Territoire Innovant »",
    description: "Une ligne par organisation lauréate : noms, codes officiels, situation et nombre de prix.",
    columns: &[
        OFFICIAL_NAME,
        NAME_IN_SOURCE,
        KIND,
        SIREN,
        INSEE_CODE,
        DEPARTEMENT,
        DEPARTEMENT_CODE,
        REGION,
        REGION_CODE,
        column(
            ("Nombre de prix", "nombre_prix"),
            Kind::Integer,
            true,
            None,
            "Le nombre de prix que l'organisation a reçus, toutes éditions confondues.",
        ),
        column(
            ("Adresse", "adresse"),
            Kind::Url,
            true,
            Some("laureate"),
            "L'adresse (IRI) de l'organisation dans les données liées.",
        ),
    ],
    primary_key: &["adresse"],
    foreign_keys: &[],
};

/// The tables, in the order the catalog lists them.
const TABLES: [&Table; 3] = [&AWARDS, &LAUREATES, &ORGANISATIONS];

/// The title of the CSV file named `name`, if it is one of the tables.
pub fn table_title(name: &str) -> Option<&'static str> {
    TABLES.iter().find(|t| t.file == name).map(|t| t.title)
}

/// Writes the three tables of `data_set`'s data graph and their two
/// descriptions to `destination`.
pub fn write_tables(
    data_set: &DataSet,
    destination: &impl Destination,
) -> io::Result<Vec<FileSummary>> {
    let rows = read_rows(data_set)?;
    let mut files = Vec::new();
    for (table, body) in [
        (&AWARDS, award_rows(&rows)),
        (&LAUREATES, laureate_rows(&rows)),
        (&ORGANISATIONS, organisation_rows(&rows)),
    ] {
        files.push(write_file(destination, table.file, &csv(table, &body))?);
    }
    let licence = licence(data_set);
    for (name, description) in [
        (CSVW_METADATA, csvw_metadata(&licence)),
        (DATA_PACKAGE, data_package(&licence)),
    ] {
        let mut bytes = serde_json::to_vec_pretty(&description).map_err(io::Error::other)?;
        bytes.push(b'\n');
        files.push(write_file(destination, name, &bytes)?);
    }
    Ok(files)
}

// ---------------------------------------------------------------------------
// Reading the data graph

/// The variables of [`ROWS_QUERY`] that the tables read, in the order a
/// [`Row`] keeps their values.
const VARIABLES: [&str; 17] = [
    "award",
    "year",
    "level",
    "rank",
    "category",
    "position",
    "project",
    "laureate",
    "name",
    "official",
    "kind",
    "siren",
    "insee",
    "departement",
    "departementCode",
    "region",
    "regionCode",
];

/// One award and one of its laureates (none for an award without one): the
/// values of each of [`VARIABLES`], sorted, several when the data has
/// several. Values are shared between rows (a level, a region, an award
/// with several laureates): at 10⁶ awards, rows of owned strings keyed by
/// variable name held 9 GB.
#[derive(Debug, Default)]
struct Row(Vec<Vec<Rc<str>>>);

impl Row {
    /// The values of `variable`, joined by « ; ».
    fn get(&self, variable: &str) -> String {
        VARIABLES
            .iter()
            .position(|v| *v == variable)
            .and_then(|at| self.0.get(at))
            .map(|values| values.join(" ; "))
            .unwrap_or_default()
    }

    /// Adds `value` to the values of the variable at `at`, once.
    fn add(&mut self, at: usize, value: Rc<str>) {
        if self.0.len() < VARIABLES.len() {
            self.0.resize_with(VARIABLES.len(), Vec::new);
        }
        let values = &mut self.0[at];
        if let Err(place) = values.binary_search(&value) {
            values.insert(place, value);
        }
    }
}

/// Every award with each of its laureates, in the data graph `{graph}`.
const ROWS_QUERY: &str = r#"SELECT {variables} WHERE { GRAPH <{graph}> {
  ?award a ti:Award ; ti:edition/ti:year ?year ; ti:level ?l ; ti:category ?c .
  ?l skos:prefLabel ?level ; ti:rank ?rank . FILTER(LANG(?level) = "fr")
  ?c skos:prefLabel ?category ; ti:position ?position . FILTER(LANG(?category) = "fr")
  OPTIONAL { ?award ti:project/dct:title ?project }
  OPTIONAL {
    ?award ti:laureate ?laureate .
    OPTIONAL { ?laureate ti:nameInSource ?name }
    OPTIONAL { ?laureate skos:prefLabel ?official }
    OPTIONAL { ?laureate ti:kind/skos:prefLabel ?kind FILTER(LANG(?kind) = "fr") }
    OPTIONAL { ?laureate ti:siren ?siren }
    OPTIONAL { ?laureate ti:inseeCode ?insee }
    OPTIONAL { ?laureate ti:departement ?d . ?d skos:prefLabel ?departement ; ti:inseeCode ?departementCode }
    OPTIONAL { ?laureate ti:region ?r . ?r skos:prefLabel ?region ; ti:inseeCode ?regionCode }
  }
} }"#;

/// The rows of [`ROWS_QUERY`] on `data_set`, one per award and laureate.
fn read_rows(data_set: &DataSet) -> io::Result<Vec<Row>> {
    let base = &data_set.base;
    let variables: Vec<String> = VARIABLES.iter().map(|v| format!("?{v}")).collect();
    let query = format!(
        "PREFIX ti: <{}>\nPREFIX skos: <{}>\nPREFIX dct: <{}>\n{}",
        base.rebase_str(ti::NAMESPACE),
        skos::NAMESPACE,
        dct::NAMESPACE,
        ROWS_QUERY
            .replace("{variables}", &variables.join(" "))
            .replace("{graph}", data_set.data_graph.as_str()),
    );
    let QueryResults::Solutions(solutions) =
        crate::sparql::run(&data_set.store, &query).map_err(io::Error::other)?
    else {
        return Err(io::Error::other("the tables' query is not a SELECT"));
    };
    // Each distinct value once, while the rows are read.
    let mut values: HashSet<Rc<str>> = HashSet::new();
    let mut shared = |term: &Term| -> Rc<str> {
        let text = text(term);
        match values.get(text.as_str()) {
            Some(value) => Rc::clone(value),
            None => {
                let value: Rc<str> = text.into();
                values.insert(Rc::clone(&value));
                value
            }
        }
    };
    let empty: Rc<str> = "".into();
    let at = |name: &str| VARIABLES.iter().position(|v| *v == name).unwrap_or(0);
    let (award, laureate) = (at("award"), at("laureate"));
    let mut rows: BTreeMap<(Rc<str>, Rc<str>), Row> = BTreeMap::new();
    for solution in solutions {
        let solution = solution.map_err(io::Error::other)?;
        let mut value = |at: usize| solution.get(VARIABLES[at]).map(&mut shared);
        let key = (
            value(award).unwrap_or_else(|| Rc::clone(&empty)),
            value(laureate).unwrap_or_else(|| Rc::clone(&empty)),
        );
        let row = rows.entry(key).or_default();
        for at in 0..VARIABLES.len() {
            if let Some(term) = value(at) {
                row.add(at, term);
            }
        }
    }
    Ok(rows.into_values().collect())
}

/// A term as a cell shows it: a literal's text, an IRI itself.
fn text(term: &Term) -> String {
    match term {
        Term::Literal(literal) => literal.value().to_owned(),
        Term::NamedNode(node) => node.as_str().to_owned(),
        other => other.to_string(),
    }
}

/// The order of awards: year, level, category (in the release's order),
/// project, then the IRI.
fn award_order(row: &Row) -> (String, u64, u64, String, String) {
    (
        row.get("year"),
        row.get("rank").parse().unwrap_or(u64::MAX),
        row.get("position").parse().unwrap_or(u64::MAX),
        fold(&row.get("project")),
        row.get("award"),
    )
}

// ---------------------------------------------------------------------------
// The three tables

/// The cells of `table` for `row`: each column's variable, or what
/// `computed` gives for a column the table computes.
fn cells(table: &Table, row: &Row, computed: impl Fn(&str) -> String) -> Vec<String> {
    table
        .columns
        .iter()
        .map(|c| match c.variable {
            Some(variable) => row.get(variable),
            None => computed(c.name),
        })
        .collect()
}

fn award_rows(rows: &[Row]) -> Vec<Vec<String>> {
    // The rows of one award are its laureates: the award's cells from its
    // first, the names (sorted as a reader sorts them) from all.
    let mut awards: BTreeMap<_, (&Row, BTreeSet<(String, String)>)> = BTreeMap::new();
    for row in rows {
        let (_, names) = awards
            .entry(award_order(row))
            .or_insert_with(|| (row, BTreeSet::new()));
        if !row.get("laureate").is_empty() {
            names.insert((fold(&row.get("name")), row.get("name")));
        }
    }
    awards
        .into_values()
        .map(|(row, names)| {
            let names: Vec<_> = names.into_iter().map(|(_, name)| name).collect();
            cells(&AWARDS, row, |column| match column {
                "nombre_laureats" => names.len().to_string(),
                _ => names.join(" ; "),
            })
        })
        .collect()
}

fn laureate_rows(rows: &[Row]) -> Vec<Vec<String>> {
    let mut sorted: Vec<_> = rows
        .iter()
        .filter(|row| !row.get("laureate").is_empty())
        .map(|row| ((award_order(row), fold(&row.get("name"))), row))
        .collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted
        .into_iter()
        .map(|(_, row)| cells(&LAUREATES, row, |_| String::new()))
        .collect()
}

fn organisation_rows(rows: &[Row]) -> Vec<Vec<String>> {
    let mut organisations: BTreeMap<String, (&Row, BTreeSet<String>)> = BTreeMap::new();
    for row in rows {
        let laureate = row.get("laureate");
        if laureate.is_empty() {
            continue;
        }
        organisations
            .entry(laureate)
            .or_insert_with(|| (row, BTreeSet::new()))
            .1
            .insert(row.get("award"));
    }
    let mut sorted: Vec<_> = organisations
        .into_values()
        .map(|(row, awards)| {
            let order = (fold(&row.get("official")), row.get("laureate"));
            (
                order,
                cells(&ORGANISATIONS, row, |_| awards.len().to_string()),
            )
        })
        .collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted.into_iter().map(|(_, cells)| cells).collect()
}

// ---------------------------------------------------------------------------
// Writing CSV

/// The CSV of `table` with `rows`: the byte order mark, the header, the rows.
fn csv(table: &Table, rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = String::from('\u{feff}');
    let header: Vec<_> = table.columns.iter().map(|c| c.title.to_owned()).collect();
    for line in std::iter::once(&header).chain(rows) {
        let cells: Vec<_> = line.iter().map(|cell| quoted(cell)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// `cell`, in double quotes if it holds a comma, a quote or a line break.
fn quoted(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", cell.replace('"', "\"\"")).into()
    } else {
        cell.into()
    }
}

// ---------------------------------------------------------------------------
// Describing the tables

/// The data set's licence: its IRI and title.
#[derive(Debug, Default)]
struct Licence {
    iri: Option<String>,
    title: Option<String>,
}

fn licence(data_set: &DataSet) -> Licence {
    let dataset = data_set.base.rebase_node(crate::rdf::base::mint::dataset());
    let iri = Described::new(data_set, dataset).iri(dct::LICENSE);
    let title = iri.as_ref().and_then(|iri| {
        Described::new(data_set, iri.clone())
            .literal(rdfs::LABEL)
            .map(|label| label.value().to_owned())
    });
    Licence {
        iri: iri.map(NamedNode::into_string),
        title,
    }
}

/// The W3C CSV on the Web metadata of the tables.
fn csvw_metadata(licence: &Licence) -> Value {
    let tables: Vec<Value> = TABLES
        .iter()
        .map(|table| {
            let columns: Vec<Value> = table
                .columns
                .iter()
                .map(|c| {
                    let datatype = match c.kind {
                        Kind::Year => json!({ "base": "gYear" }),
                        Kind::Integer => json!({ "base": "integer" }),
                        Kind::Text => json!({ "base": "string" }),
                        Kind::Url => json!({ "base": "anyURI" }),
                    };
                    json!({
                        "name": c.name,
                        "titles": c.title,
                        "dc:description": c.description,
                        "datatype": datatype,
                        "required": c.required,
                    })
                })
                .collect();
            let foreign_keys: Vec<Value> = table
                .foreign_keys
                .iter()
                .map(|(column, file, other)| {
                    json!({
                        "columnReference": column,
                        "reference": { "resource": file, "columnReference": other },
                    })
                })
                .collect();
            let mut schema = json!({
                "columns": columns,
                "primaryKey": table.primary_key,
            });
            if !foreign_keys.is_empty() {
                schema["foreignKeys"] = Value::Array(foreign_keys);
            }
            let mut description = json!({
                "url": table.file,
                "dc:title": table.title,
                "dc:description": table.description,
                "tableSchema": schema,
            });
            if let Some(iri) = &licence.iri {
                description["dc:license"] = json!({ "@id": iri });
            }
            description
        })
        .collect();
    json!({
        "@context": ["http://www.w3.org/ns/csvw", { "@language": "fr" }],
        "dc:title": "Tables du label « Territoire Innovant »",
        "dialect": { "encoding": "utf-8", "header": true, "lineTerminators": ["\r\n"] },
        "tables": tables,
    })
}

/// The Frictionless data package of the tables (Table Schema).
fn data_package(licence: &Licence) -> Value {
    let name_of = |table: &Table, name: &str| {
        table
            .columns
            .iter()
            .find(|c| c.name == name)
            .map_or(name, |c| c.title)
            .to_owned()
    };
    let table_of = |file: &str| TABLES.iter().find(|t| t.file == file).copied();
    let resources: Vec<Value> = TABLES
        .iter()
        .map(|table| {
            // A Table Schema field is named as its header.
            let fields: Vec<Value> = table
                .columns
                .iter()
                .map(|c| {
                    let (kind, format) = match c.kind {
                        Kind::Year => ("year", None),
                        Kind::Integer => ("integer", None),
                        Kind::Text => ("string", None),
                        Kind::Url => ("string", Some("uri")),
                    };
                    let mut field = json!({
                        "name": c.title,
                        "title": c.title,
                        "description": c.description,
                        "type": kind,
                    });
                    if let Some(format) = format {
                        field["format"] = json!(format);
                    }
                    if c.required {
                        field["constraints"] = json!({ "required": true });
                    }
                    field
                })
                .collect();
            let foreign_keys: Vec<Value> = table
                .foreign_keys
                .iter()
                .filter_map(|(column, file, other)| {
                    let target = table_of(file)?;
                    Some(json!({
                        "fields": name_of(table, column),
                        "reference": {
                            "resource": resource_name(target),
                            "fields": name_of(target, other),
                        },
                    }))
                })
                .collect();
            let primary_key: Vec<String> = table
                .primary_key
                .iter()
                .map(|k| name_of(table, k))
                .collect();
            let mut schema = json!({ "fields": fields, "primaryKey": primary_key });
            if !foreign_keys.is_empty() {
                schema["foreignKeys"] = Value::Array(foreign_keys);
            }
            json!({
                "name": resource_name(table),
                "path": table.file,
                "title": table.title,
                "description": table.description,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": { "delimiter": ",", "quoteChar": "\"", "header": true },
                "schema": schema,
            })
        })
        .collect();
    let mut package = json!({
        "profile": "tabular-data-package",
        "name": "territoire-innovant",
        "title": "Tables du label « Territoire Innovant »",
        "resources": resources,
    });
    if let Some(iri) = &licence.iri {
        let mut entry = json!({ "path": iri });
        if let Some(title) = &licence.title {
            entry["title"] = json!(title);
        }
        package["licenses"] = json!([entry]);
    }
    package
}

/// A data package resource's name: its file's stem.
fn resource_name(table: &Table) -> &'static str {
    table.file.trim_end_matches(".csv")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_only_when_they_must_be() {
        assert_eq!(quoted("Ville de Paris"), "Ville de Paris");
        assert_eq!(quoted("Lyon, Rhône"), "\"Lyon, Rhône\"");
        assert_eq!(
            quoted("CC \"Sources de lumière\""),
            "\"CC \"\"Sources de lumière\"\"\""
        );
    }

    #[test]
    fn a_table_starts_with_the_byte_order_mark_and_its_french_header() {
        let bytes = csv(&AWARDS, &[]);
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with("\u{feff}Année,Catégorie,Niveau,"));
        assert!(text.ends_with("Adresse du prix\r\n"));
    }

    #[test]
    fn every_key_names_a_column_of_its_table() {
        for table in TABLES {
            let names: Vec<_> = table.columns.iter().map(|c| c.name).collect();
            for key in table.primary_key {
                assert!(names.contains(key), "{}: {key}", table.file);
            }
            for (column, file, other) in table.foreign_keys {
                assert!(names.contains(column), "{}: {column}", table.file);
                let target = TABLES.iter().find(|t| t.file == *file).unwrap();
                assert!(target.columns.iter().any(|c| c.name == *other));
            }
        }
    }
}
