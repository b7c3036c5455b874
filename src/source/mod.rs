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
    /// Reads and parses one TOML file.
    pub fn read(path: &Path) -> Result<Self, SourceError> {
        let text = std::fs::read_to_string(path).map_err(|e| SourceError {
            file: path.to_owned(),
            line: 0,
            column: 0,
            field: String::new(),
            message: format!("cannot read the file: {e}"),
        })?;
        Self::parse(path, &text)
    }

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
                Err(lines.error(path, span, "", e.message().trim().to_owned()))
            }
        }
    }
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
        let mut loader = Loader {
            dir,
            errors: Vec::new(),
        };
        let label = loader.read("label.toml");
        let organisations = loader.read("registry/organisations.toml");
        let categories = loader.read("registry/categories.toml");
        let levels = loader.read("registry/levels.toml");
        let criteria = loader.read("registry/criteria.toml");
        let kinds = loader.read("registry/kinds.toml");
        let reference = loader.read("reference/decoupage-administratif.toml");
        let edition_paths = edition_paths(&dir.join("editions"))
            .map_err(|e| loader.errors.push(e))
            .unwrap_or_default();
        let editions: Vec<_> = edition_paths
            .iter()
            .filter_map(|path| loader.read_path(path))
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

/// Reads the files of a data directory, collecting every error.
struct Loader<'a> {
    dir: &'a Path,
    errors: Vec<SourceError>,
}

impl Loader<'_> {
    /// Reads `name`, relative to the data directory.
    fn read<T: DeserializeOwned>(&mut self, name: &str) -> Option<SourceFile<T>> {
        self.read_path(&self.dir.join(name))
    }

    /// Reads `path`; on error, records it and returns `None`.
    fn read_path<T: DeserializeOwned>(&mut self, path: &Path) -> Option<SourceFile<T>> {
        SourceFile::read(path).map_err(|e| self.errors.push(e)).ok()
    }
}

/// The edition files of `dir`, sorted by name; at least one is required.
fn edition_paths(dir: &Path) -> Result<Vec<PathBuf>, SourceError> {
    let whole_dir_error = |message: String| SourceError {
        file: dir.to_owned(),
        line: 0,
        column: 0,
        field: String::new(),
        message,
    };
    let entries = std::fs::read_dir(dir)
        .map_err(|e| whole_dir_error(format!("cannot read the editions directory: {e}")))?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| whole_dir_error(format!("cannot read the editions directory: {e}")))?
            .path();
        if path.extension().is_some_and(|ext| ext == "toml") {
            paths.push(path);
        }
    }
    if paths.is_empty() {
        return Err(whole_dir_error(
            "expected at least one edition file named YEAR.toml".to_owned(),
        ));
    }
    paths.sort();
    Ok(paths)
}
