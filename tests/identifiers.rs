//! Official identifiers and geography of the organisations: SIRENs valid and
//! as in the reference source, INSEE codes in the extract, the extract the
//! same as the package it comes from, answers per région complete.

mod common;

use common::{copy_dir, data_set, repo, select, select_one};
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use territoire_innovant::source::reference::is_valid_siren;

fn extract() -> toml::Table {
    let text = std::fs::read_to_string(repo().join("data/reference/decoupage-administratif.toml"))
        .unwrap();
    toml::from_str(&text).unwrap()
}

/// (table, code) → SIREN of the extract, read independently of the loader.
fn extract_codes() -> (BTreeSet<String>, BTreeMap<String, String>) {
    let extract = extract();
    let mut codes = BTreeSet::new();
    let mut sirens = BTreeMap::new();
    for table in ["commune", "epci", "departement", "region"] {
        for entry in extract
            .get(table)
            .and_then(|t| t.as_array())
            .into_iter()
            .flatten()
        {
            let code = entry["code"].as_str().unwrap().to_owned();
            codes.insert(code.clone());
            let siren = entry
                .get("siren")
                .and_then(|s| s.as_str())
                .map(str::to_owned);
            if let Some(siren) = siren.or_else(|| (table == "epci").then(|| code.clone())) {
                sirens.insert(code, siren);
            }
        }
    }
    (codes, sirens)
}

#[test]
fn every_siren_passes_luhn_and_matches_the_reference() {
    let data = data_set();
    let rows = select(
        &data,
        "SELECT ?o ?siren ?code WHERE { ?o ti:siren ?siren ; ti:inseeCode ?code }",
    );
    assert!(rows.len() >= 25, "{}", rows.len());
    let (_, sirens) = extract_codes();
    for row in rows {
        assert!(
            is_valid_siren(&row[1]),
            "{}: {} fails the Luhn check",
            row[0],
            row[1]
        );
        assert_eq!(
            sirens.get(&row[2]),
            Some(&row[1]),
            "{}: SIREN not the reference's",
            row[0]
        );
    }
}

#[test]
fn every_insee_code_is_in_the_reference_extract() {
    let data = data_set();
    let (codes, _) = extract_codes();
    let rows = select(&data, "SELECT ?s ?code WHERE { ?s ti:inseeCode ?code }");
    assert!(rows.len() > 40);
    for row in rows {
        assert!(
            codes.contains(&row[1]),
            "{}: {} is not in the extract",
            row[0],
            row[1]
        );
    }
}

#[test]
fn the_extract_is_the_package_it_comes_from() {
    let package = repo().join("tests/clients/node_modules/@etalab/decoupage-administratif");
    assert!(
        package.exists(),
        "install the test tools: scripts/install-test-tools"
    );
    let output = Command::new(repo().join("scripts/reference-extract"))
        .arg("--check")
        .arg(&package)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_provenance_of_the_extract_is_in_the_data_set_description() {
    let data = data_set();
    let rows = select(
        &data,
        "SELECT ?title ?version ?created WHERE { ?d a <http://www.w3.org/ns/dcat#Dataset> ; prov:wasDerivedFrom ?s .
           ?s dct:title ?title ; <http://www.w3.org/2002/07/owl#versionInfo> ?version ; dct:created ?created }",
    );
    let extract = extract();
    let source = extract["source"].as_table().unwrap();
    assert_eq!(
        rows,
        [[
            format!(
                "{} {}",
                source["package"].as_str().unwrap(),
                source["version"].as_str().unwrap()
            ),
            source["version"].as_str().unwrap().to_owned(),
            source["extracted"].to_string(),
        ]]
    );
}

#[test]
fn awards_per_region_count_each_award_once_per_region_of_its_laureates() {
    let data = data_set();
    let pairs = select(
        &data,
        "SELECT ?award ?region WHERE { ?award ti:laureate/ti:region/ti:inseeCode ?region }",
    );
    let mut expected: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for row in pairs {
        expected
            .entry(row[1].clone())
            .or_default()
            .insert(row[0].clone());
    }
    let query = std::fs::read_to_string(repo().join("queries/awards-per-region.rq")).unwrap();
    let rows = select(&data, &query);
    // Awards whose laureates' région no cited source gives count under
    // « Région non publiée », which has no code: La Fibre64's.
    let unknown: Vec<_> = rows.iter().filter(|r| r[1].is_empty()).collect();
    assert_eq!(unknown.len(), 1);
    assert_eq!(
        (unknown[0][0].as_str(), unknown[0][2].as_str()),
        ("Région non publiée", "1")
    );
    let answered: BTreeMap<String, String> = rows
        .iter()
        .filter(|r| !r[1].is_empty())
        .map(|r| (r[1].clone(), r[2].clone()))
        .collect();
    assert_eq!(answered.len(), expected.len());
    for (region, awards) in &expected {
        assert_eq!(
            answered[region],
            awards.len().to_string(),
            "région {region}"
        );
    }
    // LeBonTag's co-laureates are in Occitanie (76) and Auvergne-Rhône-Alpes (84): it counts in both.
    let lebontag = select(
        &data,
        "SELECT ?code WHERE { ?a ti:project/dct:title ?t FILTER(STRSTARTS(?t, 'LeBonTag')) ?a ti:laureate/ti:region/ti:inseeCode ?code } ORDER BY ?code",
    );
    assert_eq!(lebontag, [["76"], ["84"]]);
    // Every laureate with a département has the région of that département.
    assert_eq!(
        select_one(
            &data,
            "SELECT (COUNT(*) AS ?n) WHERE { ?o ti:departement/ti:region ?r1 ; ti:region ?r2 FILTER(?r1 != ?r2) }"
        ),
        "0"
    );
}

#[test]
fn kinds_cover_every_laureate_the_reference_or_a_cited_text_classifies() {
    let data = data_set();
    let without_kind = select(
        &data,
        "SELECT DISTINCT ?name WHERE { ?a ti:laureate ?o . ?o ti:nameInSource ?name ; ti:kind <https://w3id.org/territoire-innovant/kind/non-publiee> }",
    );
    assert_eq!(
        without_kind,
        [["La Fibre64"]],
        "only La Fibre64 has no cited kind"
    );
    assert_eq!(
        select_one(
            &data,
            "SELECT (COUNT(*) AS ?n) WHERE { ?a ti:laureate ?o FILTER NOT EXISTS { ?o ti:kind ?k } }"
        ),
        "0",
        "every laureate has a kind, « non publiée » where no source gives one"
    );
    let note = select_one(
        &data,
        "SELECT ?note WHERE { ?o ti:nameInSource 'La Fibre64'@fr ; skos:editorialNote ?note }",
    );
    assert!(note.contains("ne sont pas publiés"), "{note}");
    assert_eq!(
        select(
            &data,
            "SELECT ?name WHERE { ?o ti:departement/ti:overseas true ; ti:nameInSource ?name }"
        ),
        [["Communauté d'agglomération du Nord Grande Terre"]]
    );
}

fn build_with(edit: impl FnOnce(&std::path::Path)) -> String {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    copy_dir(&repo().join("data"), &data);
    edit(&data);
    let output = Command::new(env!("CARGO_BIN_EXE_territoire-innovant"))
        .current_dir(repo())
        .arg("--data")
        .arg(&data)
        .arg("validate")
        .output()
        .unwrap();
    assert!(!output.status.success(), "the broken data was accepted");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn replace(path: &std::path::Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn bad_references_are_refused_with_file_line_and_field() {
    let stderr = build_with(|data| {
        replace(
            &data.join("registry/organisations.toml"),
            "reference = \"epci:243100633\"",
            "reference = \"epci:243100634\"",
        )
    });
    assert!(
        stderr.contains("registry/organisations.toml:")
            && stderr.contains(".reference")
            && stderr.contains("is not in reference/decoupage-administratif.toml"),
        "{stderr}"
    );
    let stderr = build_with(|data| {
        replace(
            &data.join("registry/organisations.toml"),
            "kind = \"communaute-d-agglomeration\"\nreference = \"epci:243100633\"",
            "kind = \"metropole\"\nreference = \"epci:243100633\"",
        )
    });
    assert!(
        stderr.contains("expected kind \"communaute-d-agglomeration\""),
        "{stderr}"
    );
    let stderr = build_with(|data| {
        replace(
            &data.join("reference/decoupage-administratif.toml"),
            "siren = \"212402465\"",
            "siren = \"212402466\"",
        )
    });
    assert!(
        stderr.contains("decoupage-administratif.toml:") && stderr.contains("not a valid SIREN"),
        "{stderr}"
    );
    let stderr = build_with(|data| {
        replace(
            &data.join("registry/organisations.toml"),
            "reference = \"commune:64545\"",
            "reference = \"mairie:64545\"",
        )
    });
    assert!(
        stderr.contains("is not a reference: expected commune:CODE"),
        "{stderr}"
    );
}
