//! Bad source data stops the build with a message naming the file, the line
//! and the field, and leaves the previously published files untouched.

mod common;

use common::{copy_dir, repo};
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_territoire-innovant");

/// A published build, and a copy of `data/` to break.
struct Fixture {
    _dir: tempfile::TempDir,
    data: std::path::PathBuf,
    out: std::path::PathBuf,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let out = dir.path().join("out");
        copy_dir(&repo().join("data"), &data);
        let fixture = Self {
            _dir: dir,
            data,
            out,
        };
        let (ok, stderr) = fixture.build();
        assert!(ok, "the unbroken copy builds: {stderr}");
        fixture
    }

    fn build(&self) -> (bool, String) {
        let output = Command::new(BIN)
            .current_dir(repo())
            .arg("--data")
            .arg(&self.data)
            .arg("build")
            .arg("--out")
            .arg(&self.out)
            .output()
            .unwrap();
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// Replaces the first `from` of `file` by `to`; returns the 1-based line of the change.
    fn edit(&self, file: &str, from: &str, to: &str) -> usize {
        let path = self.data.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let at = text
            .find(from)
            .unwrap_or_else(|| panic!("{from:?} not in {file}"));
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        text[..at].matches('\n').count() + 1
    }

    /// Every file of the current release, its query index's included.
    fn snapshot(&self) -> Vec<(String, Vec<u8>)> {
        fn files(dir: &Path, prefix: &str, into: &mut Vec<(String, Vec<u8>)>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let entry = entry.unwrap();
                let name = format!("{prefix}{}", entry.file_name().into_string().unwrap());
                if entry.file_type().unwrap().is_dir() {
                    files(&entry.path(), &format!("{name}/"), into);
                } else {
                    into.push((name, std::fs::read(entry.path()).unwrap()));
                }
            }
        }
        let mut snapshot = Vec::new();
        files(&self.out.join("current"), "", &mut snapshot);
        snapshot.sort();
        assert!(
            snapshot
                .iter()
                .any(|(name, _)| name == "index/manifest.json")
        );
        snapshot
    }

    /// Builds the broken copy: it must fail with every `expected` text in
    /// its message, and leave the previous output as it was.
    fn assert_rejected(&self, expected: &[&str]) -> String {
        let before = self.snapshot();
        let (ok, stderr) = self.build();
        assert!(!ok, "the broken data was accepted");
        for text in expected {
            assert!(
                stderr.contains(text),
                "{text:?} not in the message:\n{stderr}"
            );
        }
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(self.snapshot() == before, "the previous output changed");
        stderr
    }
}

fn at(file: &str, line: usize) -> String {
    format!("{}:{line}:", Path::new("data").join(file).display())
}

#[test]
fn unknown_category() {
    let f = Fixture::new();
    let line = f.edit(
        "editions/2023.toml",
        "category = \"cybersecurite\"",
        "category = \"cyber\"",
    );
    f.assert_rejected(&[
        &at("editions/2023.toml", line),
        "award[18].category",
        "unknown category \"cyber\"",
        "registry/categories.toml",
    ]);
}

#[test]
fn unknown_level() {
    let f = Fixture::new();
    let line = f.edit(
        "editions/2023.toml",
        "level = \"argent\"",
        "level = \"platine\"",
    );
    f.assert_rejected(&[
        &at("editions/2023.toml", line),
        "award[2].level",
        "unknown level \"platine\"",
        "expected one of argent, bronze, or",
    ]);
}

#[test]
fn a_year_that_is_not_a_number() {
    let f = Fixture::new();
    let line = f.edit("editions/2023.toml", "year = 2023", "year = \"deux mille\"");
    let message = f.assert_rejected(&[
        &at("editions/2023.toml", line),
        "expected a whole number, such as a year: 2024",
    ]);
    assert!(!message.contains("i32"), "{message}");
}

#[test]
fn duplicate_identifier() {
    let f = Fixture::new();
    let line = f.edit(
        "registry/organisations.toml",
        "id = \"lunas\"",
        "id = \"urrugne\"",
    );
    f.assert_rejected(&[
        &at("registry/organisations.toml", line),
        "organisation[38].id",
        "duplicate organisation id \"urrugne\"",
    ]);
}

#[test]
fn duplicate_award_identifier() {
    let f = Fixture::new();
    let line = f.edit(
        "editions/2023.toml",
        "id = \"pastorando\"",
        "id = \"parc-heller\"",
    );
    f.assert_rejected(&[
        &at("editions/2023.toml", line),
        "award[21].id",
        "duplicate award id",
    ]);
}

#[test]
fn award_without_laureate() {
    let f = Fixture::new();
    let line = f.edit(
        "editions/2023.toml",
        "laureates = [\"rennes-metropole\"]",
        "laureates = []",
    );
    f.assert_rejected(&[
        &at("editions/2023.toml", line),
        "award[14].laureates",
        "has no laureate",
    ]);
}

#[test]
fn reference_to_an_undefined_organisation() {
    let f = Fixture::new();
    let line = f.edit(
        "editions/2023.toml",
        "laureates = [\"urrugne\"]",
        "laureates = [\"mairie-d-urrugne\"]",
    );
    f.assert_rejected(&[
        &at("editions/2023.toml", line),
        "award[13].laureates[0]",
        "unknown organisation \"mairie-d-urrugne\"",
    ]);
}

#[test]
fn malformed_file() {
    let f = Fixture::new();
    let line = f.edit("editions/2023.toml", "title = \"Rudi\"", "title = \"Rudi");
    f.assert_rejected(&[&at("editions/2023.toml", line)]);
}

#[test]
fn missing_field() {
    let f = Fixture::new();
    f.edit("editions/2023.toml", "level = \"bronze\"\n", "");
    f.assert_rejected(&["editions/2023.toml:", "missing field `level`"]);
}

#[test]
fn unknown_field() {
    let f = Fixture::new();
    let line = f.edit("registry/levels.toml", "rank = 1", "rang = 1");
    f.assert_rejected(&[&at("registry/levels.toml", line), "unknown field `rang`"]);
}

#[test]
fn missing_registry_file() {
    let f = Fixture::new();
    std::fs::remove_file(f.data.join("registry/levels.toml")).unwrap();
    f.assert_rejected(&["registry/levels.toml", "cannot read the file"]);
}

#[test]
fn edition_file_named_after_another_year() {
    let f = Fixture::new();
    let line = f.edit("editions/2023.toml", "year = 2023", "year = 2024");
    f.assert_rejected(&[
        &at("editions/2023.toml", line),
        "edition.year",
        "must be named 2024.toml",
    ]);
}

#[test]
fn every_problem_is_reported_at_once() {
    let f = Fixture::new();
    f.edit(
        "editions/2023.toml",
        "level = \"argent\"",
        "level = \"platine\"",
    );
    f.edit(
        "editions/2023.toml",
        "category = \"e-sante\"",
        "category = \"sante\"",
    );
    let stderr = f.assert_rejected(&["2 problems", "platine", "sante"]);
    assert_eq!(
        stderr.matches("data/editions/2023.toml:").count(),
        2,
        "{stderr}"
    );
}

#[test]
fn a_publisher_is_an_organisation_or_a_name_not_both() {
    let f = Fixture::new();
    let line = f.edit(
        "label.toml",
        "[publisher]\n",
        "[publisher]\norganisation = \"les-interconnectes\"\n",
    );
    f.assert_rejected(&[
        &at("label.toml", line),
        "publisher",
        "expected either `organisation`",
    ]);
}

#[test]
fn a_publisher_organisation_must_be_in_the_registry_and_one_that_is_becomes_the_publisher() {
    let f = Fixture::new();
    let name = "name = \"Publication « Territoire Innovant » en données ouvertes liées\"";
    let line = f.edit("label.toml", name, "organisation = \"les-interconnectés\"");
    f.assert_rejected(&[
        &at("label.toml", line),
        "publisher.organisation",
        "unknown organisation \"les-interconnectés\"",
    ]);
    f.edit(
        "label.toml",
        "organisation = \"les-interconnectés\"",
        "organisation = \"les-interconnectes\"",
    );
    let (ok, stderr) = f.build();
    assert!(ok, "{stderr}");
    let catalog = std::fs::read_to_string(f.out.join("current/catalog.ttl")).unwrap();
    assert!(
        catalog.contains("dct:publisher organisation:les-interconnectes")
            && !catalog.contains("dct:publisher <https://w3id.org/territoire-innovant/publisher>"),
        "{catalog}"
    );
}

#[test]
fn a_kind_cannot_be_broader_than_itself() {
    let f = Fixture::new();
    let line = f.edit(
        "registry/kinds.toml",
        "source = \"constitution-article-72\"\n",
        "source = \"constitution-article-72\"\nbroader = \"commune\"\n",
    ) + 1;
    f.assert_rejected(&[
        &at("registry/kinds.toml", line),
        "kind[0].broader",
        "broader than itself",
    ]);
}

#[test]
fn an_official_name_needs_its_source() {
    let f = Fixture::new();
    f.edit(
        "registry/organisations.toml",
        "official_name_source = \"loi-2019-753\"\n",
        "",
    );
    let line = f.edit(
        "registry/organisations.toml",
        "official_name = \"Agence",
        "official_name = \"Agence",
    );
    f.assert_rejected(&[
        &at("registry/organisations.toml", line),
        "official_name",
        "needs the source that gives it",
    ]);
}

#[test]
fn the_forum_city_must_be_the_commune_it_references() {
    let f = Fixture::new();
    let line = f.edit(
        "editions/2023.toml",
        "forum_city_reference = \"commune:31555\"",
        "forum_city_reference = \"commune:75056\"",
    );
    f.assert_rejected(&[
        &at("editions/2023.toml", line),
        "edition.forum_city_reference",
        "\"commune:75056\" is the commune of Paris in the reference extract: expected forum_city = \"Paris\"",
    ]);
    let line = f.edit(
        "editions/2023.toml",
        "forum_city_reference = \"commune:75056\"",
        "forum_city_reference = \"epci:200039915\"",
    );
    f.assert_rejected(&[
        &at("editions/2023.toml", line),
        "edition.forum_city_reference",
        "is not a commune: expected commune:CODE",
    ]);
}
