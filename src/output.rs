//! Writing query results for the command line: a readable table, or any of
//! the standard SPARQL results and RDF formats.

use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::Term;
use oxigraph::sparql::QueryResults;
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use std::io::{self, Write};

/// How `query` prints its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// A table for people (graphs are printed as Turtle).
    Table,
    /// SPARQL 1.1 Query Results JSON.
    Json,
    /// SPARQL Query Results XML.
    Xml,
    /// SPARQL 1.1 Query Results CSV.
    Csv,
    /// SPARQL 1.1 Query Results TSV.
    Tsv,
    /// Turtle (CONSTRUCT and DESCRIBE).
    Turtle,
    /// N-Triples (CONSTRUCT and DESCRIBE).
    NTriples,
}

/// Why results could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The format does not fit the query form.
    #[error("--format {format} cannot print {what}: use {expected}")]
    Mismatch {
        /// The format asked for.
        format: &'static str,
        /// What the query returned.
        what: &'static str,
        /// The formats that would work.
        expected: &'static str,
    },
    /// Evaluation or writing failed.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// Evaluation failed while results were read.
    #[error("{0}")]
    Evaluation(#[from] oxigraph::sparql::QueryEvaluationError),
}

/// Writes `results` to `out` in `format`.
pub fn write_results(
    results: QueryResults<'_>,
    format: OutputFormat,
    out: &mut impl Write,
) -> Result<(), OutputError> {
    let results_format = match format {
        OutputFormat::Json => Some(QueryResultsFormat::Json),
        OutputFormat::Xml => Some(QueryResultsFormat::Xml),
        OutputFormat::Csv => Some(QueryResultsFormat::Csv),
        OutputFormat::Tsv => Some(QueryResultsFormat::Tsv),
        _ => None,
    };
    match results {
        QueryResults::Graph(triples) => {
            let rdf_format = match format {
                OutputFormat::Table | OutputFormat::Turtle => RdfFormat::Turtle,
                OutputFormat::NTriples => RdfFormat::NTriples,
                _ => {
                    return Err(OutputError::Mismatch {
                        format: format_name(format),
                        what: "a graph (CONSTRUCT/DESCRIBE)",
                        expected: "table, turtle or n-triples",
                    });
                }
            };
            let mut writer = RdfSerializer::from_format(rdf_format).for_writer(&mut *out);
            for triple in triples {
                writer.serialize_triple(&triple?)?;
            }
            writer.finish()?;
        }
        QueryResults::Boolean(value) => match results_format {
            Some(f) => {
                QueryResultsSerializer::from_format(f)
                    .serialize_boolean_to_writer(&mut *out, value)?;
            }
            None if format == OutputFormat::Table => writeln!(out, "{value}")?,
            None => return Err(mismatch_solutions(format)),
        },
        QueryResults::Solutions(solutions) => match results_format {
            Some(f) => {
                let mut writer = QueryResultsSerializer::from_format(f)
                    .serialize_solutions_to_writer(&mut *out, solutions.variables().to_vec())?;
                for solution in solutions {
                    writer.serialize(&solution?)?;
                }
                writer.finish()?;
            }
            None if format == OutputFormat::Table => {
                let mut table = comfy_table::Table::new();
                table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
                table.set_header(solutions.variables().iter().map(|v| v.as_str()));
                let variables = solutions.variables().to_vec();
                let mut rows = 0;
                for solution in solutions {
                    let solution = solution?;
                    table.add_row(
                        variables
                            .iter()
                            .map(|v| solution.get(v).map(cell).unwrap_or_default()),
                    );
                    rows += 1;
                }
                writeln!(out, "{table}")?;
                writeln!(out, "{rows} row{}", if rows == 1 { "" } else { "s" })?;
            }
            None => return Err(mismatch_solutions(format)),
        },
    }
    // JSON and XML end where their writers stop: the line ends here, as
    // a terminal and `diff` expect.
    if matches!(format, OutputFormat::Json | OutputFormat::Xml) {
        writeln!(out)?;
    }
    Ok(())
}

fn mismatch_solutions(format: OutputFormat) -> OutputError {
    OutputError::Mismatch {
        format: format_name(format),
        what: "solutions or a boolean (SELECT/ASK)",
        expected: "table, json, xml, csv or tsv",
    }
}

fn format_name(format: OutputFormat) -> &'static str {
    match format {
        OutputFormat::Table => "table",
        OutputFormat::Json => "json",
        OutputFormat::Xml => "xml",
        OutputFormat::Csv => "csv",
        OutputFormat::Tsv => "tsv",
        OutputFormat::Turtle => "turtle",
        OutputFormat::NTriples => "n-triples",
    }
}

/// A table cell: IRIs in full, literals by their value (with the language
/// tag when there is one).
fn cell(term: &Term) -> String {
    match term {
        Term::Literal(literal) => match literal.language() {
            Some(language) => format!("{} @{language}", literal.value()),
            None => literal.value().to_owned(),
        },
        other => other.to_string(),
    }
}
