//! The human-edited source data in `data/`: its model, loading with line
//! numbers, and the semantic checks that must pass before anything is built.
//!
//! Layout of a data directory:
//!
//! ```text
//! data/label.toml                    the label, its sources, the data set
//! data/registry/organisations.toml   every organisation referred to
//! data/registry/categories.toml      the categories
//! data/registry/levels.toml          the levels, ranked
//! data/registry/criteria.toml        the award criteria
//! data/registry/kinds.toml           the kinds of organisation
//! data/reference/decoupage-administratif.toml   official names and codes (extract)
//! data/editions/YEAR.toml            one file per edition
//! ```

mod check;
mod error;
pub mod model;
pub mod reference;

pub use error::{LineIndex, SourceError, SourceErrors};

use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A parsed source file, with what is needed to place an error in it.
#[derive(Debug)]
pub struct SourceFile<T> {
    /// Path of the file, as given to the loader.
    pub path: PathBuf,
    /// Line index of the file's text.
    pub lines: LineIndex,
    /// The parsed content.
    pub content: T,
}

impl<T: DeserializeOwned> SourceFile<T> {
    /// Parses TOML text that was read from `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Self, SourceError> {
        let lines = LineIndex::new(text);
        match toml::from_str(text) {
            Ok(content) => Ok(Self {
                path: path.to_owned(),
                lines,
                content,
            }),
            Err(e) => {
                let span = e.span().unwrap_or(0..0);
                Err(lines.error(path, span, "", in_the_words_of_the_file(e.message().trim())))
            }
        }
    }
}

/// A TOML reader's message in the words of the file: the Rust types it
/// names (`expected i32`) as the values a person writes.
fn in_the_words_of_the_file(message: &str) -> String {
    const TYPES: [(&str, &str); 9] = [
        (
            "expected i32",
            "expected a whole number, such as a year: 2024",
        ),
        ("expected i64", "expected a whole number"),
        ("expected u8", "expected a whole number"),
        ("expected u16", "expected a whole number"),
        ("expected u32", "expected a whole number, 0 or more"),
        ("expected u64", "expected a whole number, 0 or more"),
        ("expected usize", "expected a whole number, 0 or more"),
        ("expected f64", "expected a number"),
        ("expected a boolean", "expected true or false"),
    ];
    let mut message = message.to_owned();
    for (rust, reader) in TYPES {
        if let Some(at) = message.find(rust)
            && !message[at + rust.len()..].starts_with(|c: char| c.is_ascii_alphanumeric())
        {
            message.replace_range(at..at + rust.len(), reader);
        }
    }
    message
}

impl<T> SourceFile<T> {
    /// An error at `span` of this file.
    pub fn error(
        &self,
        span: std::ops::Range<usize>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> SourceError {
        self.lines.error(&self.path, span, field, message)
    }
}

/// All the source data of a data directory, parsed and checked.
#[derive(Debug)]
pub struct SourceData {
    /// `label.toml`.
    pub label: SourceFile<model::LabelFile>,
    /// `registry/organisations.toml`.
    pub organisations: SourceFile<model::OrganisationsFile>,
    /// `registry/categories.toml`.
    pub categories: SourceFile<model::CategoriesFile>,
    /// `registry/levels.toml`.
    pub levels: SourceFile<model::LevelsFile>,
    /// `registry/criteria.toml`.
    pub criteria: SourceFile<model::CriteriaFile>,
    /// `registry/kinds.toml`.
    pub kinds: SourceFile<model::KindsFile>,
    /// `reference/decoupage-administratif.toml`.
    pub reference: SourceFile<model::ReferenceFile>,
    /// `editions/*.toml`, in file name order.
    pub editions: Vec<SourceFile<model::EditionFile>>,
}

impl SourceData {
    /// Loads every file of `dir` and checks the whole; returns every problem
    /// found, each with its file, line and field.
    pub fn load(dir: &Path) -> Result<Self, SourceErrors> {
        Self::load_from(&Directory(dir))
    }

    /// Loads every file of `files` and checks the whole (see [`Self::load`]).
    pub fn load_from(files: &impl SourceFiles) -> Result<Self, SourceErrors> {
        let mut loader = Loader {
            files,
            errors: Vec::new(),
        };
        let label = loader.read("label.toml");
        let organisations = loader.read("registry/organisations.toml");
        let categories = loader.read("registry/categories.toml");
        let levels = loader.read("registry/levels.toml");
        let criteria = loader.read("registry/criteria.toml");
        let kinds = loader.read("registry/kinds.toml");
        let reference = loader.read("reference/decoupage-administratif.toml");
        let edition_names = files
            .editions()
            .map_err(|e| loader.errors.push(e))
            .unwrap_or_default();
        let editions: Vec<_> = edition_names
            .iter()
            .filter_map(|name| loader.read(name))
            .collect();
        let errors = loader.errors;
        let (
            Some(label),
            Some(organisations),
            Some(categories),
            Some(levels),
            Some(criteria),
            Some(kinds),
            Some(reference),
        ) = (
            label,
            organisations,
            categories,
            levels,
            criteria,
            kinds,
            reference,
        )
        else {
            return Err(SourceErrors(errors));
        };
        if !errors.is_empty() {
            return Err(SourceErrors(errors));
        }
        let data = Self {
            label,
            organisations,
            categories,
            levels,
            criteria,
            kinds,
            reference,
            editions,
        };
        let problems = check::check(&data);
        if problems.is_empty() {
            Ok(data)
        } else {
            Err(SourceErrors(problems))
        }
    }
}

/// Where the source files are read from: a data directory, or texts in
/// memory (tests and fuzzing). Files are named relative to the data
/// directory, with `/` separators (`registry/levels.toml`).
pub trait SourceFiles {
    /// The path to show in errors for the file `name`.
    fn path(&self, name: &str) -> PathBuf;
    /// The text of the file `name`.
    fn read(&self, name: &str) -> Result<String, SourceError>;
    /// The names of the edition files, sorted; at least one.
    fn editions(&self) -> Result<Vec<String>, SourceError>;
}

/// The source files of a data directory.
pub struct Directory<'a>(pub &'a Path);

impl SourceFiles for Directory<'_> {
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn read(&self, name: &str) -> Result<String, SourceError> {
        let path = self.path(name);
        std::fs::read_to_string(&path)
            .map_err(|e| whole_file_error(&path, format!("cannot read the file: {e}")))
    }

    fn editions(&self) -> Result<Vec<String>, SourceError> {
        edition_names(&self.0.join(EDITIONS))
    }
}

/// Source files held in memory, by name, as bytes (which may not be UTF-8).
pub struct InMemory {
    /// The directory the names are shown under in errors.
    pub root: PathBuf,
    /// Name → contents.
    pub files: BTreeMap<String, Vec<u8>>,
}

impl SourceFiles for InMemory {
    fn path(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    fn read(&self, name: &str) -> Result<String, SourceError> {
        let path = self.path(name);
        let bytes = self
            .files
            .get(name)
            .ok_or_else(|| whole_file_error(&path, "cannot read the file: no such file".into()))?;
        String::from_utf8(bytes.clone())
            .map_err(|e| whole_file_error(&path, format!("cannot read the file: not UTF-8 ({e})")))
    }

    fn editions(&self) -> Result<Vec<String>, SourceError> {
        let names: Vec<String> = self
            .files
            .keys()
            .filter(|name| {
                name.strip_prefix(EDITIONS)
                    .and_then(|rest| rest.strip_prefix('/'))
                    .is_some_and(|file| !file.contains('/') && file.ends_with(".toml"))
            })
            .cloned()
            .collect();
        if names.is_empty() {
            return Err(whole_file_error(
                &self.path(EDITIONS),
                NO_EDITION.to_owned(),
            ));
        }
        Ok(names)
    }
}

/// The directory of the edition files.
const EDITIONS: &str = "editions";
const NO_EDITION: &str = "expected at least one edition file named YEAR.toml";

fn whole_file_error(path: &Path, message: String) -> SourceError {
    SourceError {
        file: path.to_owned(),
        line: 0,
        column: 0,
        field: String::new(),
        message,
    }
}

/// Reads the source files, collecting every error.
struct Loader<'a, F> {
    files: &'a F,
    errors: Vec<SourceError>,
}

impl<F: SourceFiles> Loader<'_, F> {
    /// Reads and parses `name`; on error, records it and returns `None`.
    fn read<T: DeserializeOwned>(&mut self, name: &str) -> Option<SourceFile<T>> {
        let path = self.files.path(name);
        self.files
            .read(name)
            .and_then(|text| SourceFile::parse(&path, &text))
            .map_err(|e| self.errors.push(e))
            .ok()
    }
}

/// The names of the edition files of `dir` (`editions/YEAR.toml`), sorted;
/// at least one is required.
fn edition_names(dir: &Path) -> Result<Vec<String>, SourceError> {
    let error = |e: std::io::Error| {
        whole_file_error(dir, format!("cannot read the editions directory: {e}"))
    };
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(error)? {
        let path = entry.map_err(error)?.path();
        if path.extension().is_some_and(|ext| ext == "toml")
            && let Some(file) = path.file_name().and_then(|f| f.to_str())
        {
            names.push(format!("{EDITIONS}/{file}"));
        }
    }
    if names.is_empty() {
        return Err(whole_file_error(dir, NO_EDITION.to_owned()));
    }
    names.sort();
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_become_what_a_person_writes() {
        assert_eq!(
            in_the_words_of_the_file("invalid type: string \"deux mille\", expected i32"),
            "invalid type: string \"deux mille\", expected a whole number, such as a year: 2024"
        );
        assert_eq!(
            in_the_words_of_the_file("invalid type: integer `3`, expected a boolean"),
            "invalid type: integer `3`, expected true or false"
        );
        assert_eq!(
            in_the_words_of_the_file("missing field `id`"),
            "missing field `id`"
        );
    }
}
