//! Building the embedded oxigraph store: the data graph converted from
//! `data/` and the ontology graph parsed from `ontology/`, both under the
//! configured base.

use crate::rdf::Base;
use crate::rdf::alignments::Alignments;
use crate::rdf::base::mint;
use crate::rdf::convert::data_triples;
use crate::rdf::graph::Graph;
use crate::source::{SourceData, SourceErrors};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{NamedNode, Quad, Triple};
use oxigraph::store::{StorageError, Store};
use std::path::{Path, PathBuf};

/// The ontology file, relative to the ontology directory.
pub const ONTOLOGY_FILE: &str = "territoire-innovant.ttl";
/// The SHACL shapes file, relative to the ontology directory.
pub const SHAPES_FILE: &str = "shapes.ttl";

/// Where the inputs of a build are.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// The source data directory (`data/`).
    pub data_dir: PathBuf,
    /// The ontology directory (`ontology/`).
    pub ontology_dir: PathBuf,
    /// The base of every IRI.
    pub base: Base,
}

/// Why a data set could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The source data is invalid.
    #[error(transparent)]
    Source(#[from] SourceErrors),
    /// The ontology file cannot be read or parsed.
    #[error("{file}: {message}")]
    Ontology {
        /// The ontology file.
        file: PathBuf,
        /// The parser's message, with its position.
        message: String,
    },
    /// The store failed.
    #[error("store error: {0}")]
    Store(#[from] StorageError),
}

/// Quads inserted per transaction when a store is loaded.
const QUADS_PER_TRANSACTION: usize = 1 << 20;

/// The built data set: the store and how it was made.
pub struct DataSet {
    /// The store: data graph and ontology graph.
    pub store: Store,
    /// The base of every IRI.
    pub base: Base,
    /// The named graph of the data.
    pub data_graph: NamedNode,
    /// The named graph of the ontology.
    pub ontology_graph: NamedNode,
    /// The named graph of the triples the ontology's alignments entail from
    /// the data graph ([`crate::rdf::alignments`]).
    pub alignments_graph: NamedNode,
    /// The named graph of the catalog and VoID description, once published.
    pub catalog_graph: NamedNode,
    /// The ontology file as read (authored against the default base).
    pub ontology_source: String,
}

/// Where a data set's triples are: the base of its IRIs and the names of
/// its graphs, as a data set is loaded (see [`DataSet`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphNames {
    /// The base of every IRI.
    pub base: Base,
    /// The named graph of the data.
    pub data_graph: NamedNode,
    /// The named graph of the ontology.
    pub ontology_graph: NamedNode,
    /// The named graph of the triples the ontology's alignments entail.
    pub alignments_graph: NamedNode,
    /// The named graph of the catalog and VoID description.
    pub catalog_graph: NamedNode,
}

impl GraphNames {
    /// The graph names of a data set under `base`.
    pub fn under(base: &Base) -> Self {
        Self {
            base: base.clone(),
            data_graph: base.rebase_node(mint::data_graph()),
            ontology_graph: base.rebase_node(mint::ontology_graph()),
            alignments_graph: base.rebase_node(mint::alignments_graph()),
            catalog_graph: base.rebase_node(mint::catalog_graph()),
        }
    }
}

/// The triples of each graph of a data set as loaded (the catalog's come
/// later, when it is published), each triple once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GraphSizes {
    /// The data graph: what the data dumps hold.
    pub data: usize,
    /// The ontology graph.
    pub ontology: usize,
    /// The alignments graph: the triples the ontology's alignments entail.
    pub entailed: usize,
}

impl GraphSizes {
    /// Every triple of the store, all graphs together.
    pub fn total(self) -> usize {
        self.data + self.ontology + self.entailed
    }
}

impl std::fmt::Display for GraphSizes {
    /// « 1641 triples of data, 454 of the ontology, 259 entailed by its
    /// alignments »: each total with what it counts.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} triples of data, {} of the ontology, {} entailed by its alignments",
            self.data, self.ontology, self.entailed
        )
    }
}

/// The graphs of a data set, before they are loaded in a store: the data
/// graph converted from the source data and the ontology graph parsed from
/// its file, both under the configured base, in the order they were made
/// (the dumps read them through [`crate::rdf::order::Sorted`]).
pub struct Graphs {
    /// The base of every IRI.
    pub base: Base,
    /// The triples of the data graph.
    pub data: Graph,
    /// The triples of the ontology graph.
    pub ontology: Graph,
    /// The ontology file as read (authored against the default base).
    pub ontology_source: String,
}

impl Graphs {
    /// Loads and checks the source data, converts it, and parses the ontology.
    pub fn read(inputs: &Inputs) -> Result<Self, BuildError> {
        let source = SourceData::load(&inputs.data_dir)?;
        let ontology_path = inputs.ontology_dir.join(ONTOLOGY_FILE);
        let ontology_source =
            std::fs::read_to_string(&ontology_path).map_err(|e| BuildError::Ontology {
                file: ontology_path.clone(),
                message: format!("cannot read the file: {e}"),
            })?;
        let base = &inputs.base;
        let ontology = parse_turtle(&ontology_path, &ontology_source)?
            .into_iter()
            .map(Triple::from)
            .collect::<Graph>()
            .rebased(base);
        let data = data_triples(&source).rebased(base);
        drop(source);
        Ok(Self {
            base: base.clone(),
            data,
            ontology,
            ontology_source,
        })
    }

    /// The name of the data graph, under the base.
    pub fn data_graph(&self) -> NamedNode {
        self.base.rebase_node(mint::data_graph())
    }

    /// The name of the ontology graph, under the base.
    pub fn ontology_graph(&self) -> NamedNode {
        self.base.rebase_node(mint::ontology_graph())
    }
}

impl DataSet {
    /// Loads and checks the source data, converts it and loads the store.
    pub fn build(inputs: &Inputs) -> Result<Self, BuildError> {
        Ok(Self::load(&Graphs::read(inputs)?)?)
    }

    /// Loads `graphs` in a new store.
    pub fn load(graphs: &Graphs) -> Result<Self, StorageError> {
        Self::load_by(graphs, QUADS_PER_TRANSACTION)
    }

    fn load_by(graphs: &Graphs, quads_per_transaction: usize) -> Result<Self, StorageError> {
        let base = &graphs.base;
        let (data_graph, ontology_graph) = (graphs.data_graph(), graphs.ontology_graph());
        let store = Store::new()?;
        // Several transactions: each keeps a log entry per insertion until it
        // commits (16 bytes a quad, 0.2-0.4 GB at 10⁶ awards), and nobody sees
        // this store before it is complete anyway.
        for (triples, graph) in [
            (&graphs.data, &data_graph),
            (&graphs.ontology, &ontology_graph),
        ] {
            let mut triples = triples.iter().map(|t| t.in_graph(graph.as_ref()));
            while triples.len() > 0 {
                let mut transaction = store.start_transaction()?;
                transaction.extend(triples.by_ref().take(quads_per_transaction));
                transaction.commit()?;
            }
        }
        let GraphNames {
            alignments_graph,
            catalog_graph,
            ..
        } = GraphNames::under(base);
        let alignments = Alignments::from_ontology(&graphs.ontology);
        let mut entailed = Vec::new();
        for triple in graphs.data.iter() {
            for triple in alignments.entailed(triple) {
                if !store.contains(triple.as_ref().in_graph(data_graph.as_ref()))? {
                    entailed.push(triple.in_graph(alignments_graph.clone()));
                }
            }
            if entailed.len() >= quads_per_transaction {
                store.extend(entailed.drain(..))?;
            }
        }
        store.extend(entailed)?;
        Ok(Self {
            store,
            base: base.clone(),
            data_graph,
            ontology_graph,
            alignments_graph,
            catalog_graph,
            ontology_source: graphs.ontology_source.clone(),
        })
    }

    /// Its base and graph names.
    pub fn names(&self) -> GraphNames {
        GraphNames {
            base: self.base.clone(),
            data_graph: self.data_graph.clone(),
            ontology_graph: self.ontology_graph.clone(),
            alignments_graph: self.alignments_graph.clone(),
            catalog_graph: self.catalog_graph.clone(),
        }
    }

    /// The number of triples of each graph, counted in the store (a pass
    /// over it: `build` counts the data and ontology as it sorts them).
    pub fn sizes(&self) -> Result<GraphSizes, StorageError> {
        Ok(GraphSizes {
            data: self.graph_size(&self.data_graph)?,
            ontology: self.graph_size(&self.ontology_graph)?,
            entailed: self.graph_size(&self.alignments_graph)?,
        })
    }

    /// The number of triples of `graph` in the store.
    pub fn graph_size(&self, graph: &NamedNode) -> Result<usize, StorageError> {
        self.store
            .quads_for_pattern(None, None, None, Some(graph.as_ref().into()))
            .try_fold(0, |count, quad| quad.map(|_| count + 1))
    }

    /// The triples of the data graph, read from the store, in its order.
    pub fn data_graph_triples(&self) -> Result<Graph, StorageError> {
        self.graph_triples(&self.data_graph)
    }

    /// The triples of the ontology graph, read from the store, in its order.
    pub fn ontology_graph_triples(&self) -> Result<Graph, StorageError> {
        self.graph_triples(&self.ontology_graph)
    }

    fn graph_triples(&self, graph: &NamedNode) -> Result<Graph, StorageError> {
        self.store
            .quads_for_pattern(None, None, None, Some(graph.as_ref().into()))
            .map(|quad| quad.map(Triple::from))
            .collect()
    }

    /// Loads the catalog and VoID description of a publication in the
    /// catalog graph, so that they can be queried and dereferenced too.
    pub fn add_catalog(&self, triples: &[Triple]) -> Result<(), StorageError> {
        self.store.clear_graph(self.catalog_graph.as_ref())?;
        self.store.extend(
            triples
                .iter()
                .cloned()
                .map(|t| t.in_graph(self.catalog_graph.clone())),
        )
    }
}

/// Parses a Turtle file into quads of the default graph.
pub fn parse_turtle(path: &Path, text: &str) -> Result<Vec<Quad>, BuildError> {
    RdfParser::from_format(RdfFormat::Turtle)
        .for_slice(text.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| BuildError::Ontology {
            file: path.to_owned(),
            message: e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_loaded_in_many_transactions_holds_the_same_quads() {
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let graphs = Graphs::read(&Inputs {
            data_dir: repo.join("data"),
            ontology_dir: repo.join("ontology"),
            base: Base::default(),
        })
        .unwrap();
        let quads = |data_set: DataSet| {
            let mut quads: Vec<String> = data_set
                .store
                .iter()
                .map(|quad| quad.unwrap().to_string())
                .collect();
            quads.sort();
            quads
        };
        let whole = quads(DataSet::load_by(&graphs, usize::MAX).unwrap());
        assert!(whole.len() > 1000);
        assert_eq!(quads(DataSet::load_by(&graphs, 100).unwrap()), whole);
    }
}
