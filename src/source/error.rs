//! Errors in the source data, each placed at a file, line and field.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// One problem in a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    /// The file the problem is in.
    pub file: PathBuf,
    /// 1-based line, or 0 when the problem is the file as a whole.
    pub line: usize,
    /// 1-based column (in characters), or 0 with line 0.
    pub column: usize,
    /// The field concerned (e.g. `award[3].level`), empty when unknown.
    pub field: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        if !self.field.is_empty() {
            write!(f, ": {}", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found in the source data, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceErrors(pub Vec<SourceError>);

impl fmt::Display for SourceErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.0.len();
        writeln!(
            f,
            "invalid source data ({count} problem{}):",
            if count == 1 { "" } else { "s" }
        )?;
        let lines: Vec<_> = self.0.iter().map(|e| format!("  {e}")).collect();
        write!(f, "{}", lines.join("\n"))
    }
}

impl std::error::Error for SourceErrors {}

impl From<SourceError> for SourceErrors {
    fn from(error: SourceError) -> Self {
        Self(vec![error])
    }
}

/// Maps byte offsets of a file's text to lines and columns.
#[derive(Debug, Clone)]
pub struct LineIndex {
    text: String,
    line_starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self {
            text: text.to_owned(),
            line_starts,
        }
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let start = self.line_starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(1, |prefix| prefix.chars().count() + 1);
        (line, column)
    }

    /// An error at the start of `span` in `file`.
    pub fn error(
        &self,
        file: &Path,
        span: Range<usize>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> SourceError {
        let (line, column) = self.line_column(span.start);
        SourceError {
            file: file.to_owned(),
            line,
            column,
            field: field.into(),
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_lines_and_character_columns() {
        let index = LineIndex::new("a = 1\nnom = \"Écrins\"\n");
        assert_eq!(index.line_column(0), (1, 1));
        assert_eq!(index.line_column(6), (2, 1));
        let after_accent = "a = 1\nnom = \"É".len();
        assert_eq!(index.line_column(after_accent), (2, 9));
    }

    #[test]
    fn display_names_file_line_field_and_message() {
        let error = LineIndex::new("x\ny\n").error(
            Path::new("data/editions/2023.toml"),
            2..3,
            "award[1].level",
            "unknown level \"platine\"",
        );
        assert_eq!(
            error.to_string(),
            "data/editions/2023.toml:2:1: award[1].level: unknown level \"platine\""
        );
    }
}
