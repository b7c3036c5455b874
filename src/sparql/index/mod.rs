//! A read-only copy of the store made for SPARQL evaluation: every term is
//! numbered once in a dictionary and every quad is four numbers, kept in
//! three sorted orders (subject, predicate, object first), so that a pattern
//! is a binary search and a scan reads a flat array.
//!
//! oxigraph's in-memory store keeps each quad as a node of linked lists
//! (one per subject, predicate, object and graph), versioned for its
//! transactions; reading the whole store follows a pointer and checks a
//! version per quad. The endpoint only reads, so it evaluates on this copy
//! through spareval's [`QueryableDataset`], and joins, groups and
//! `DISTINCT` hash and compare numbers instead of encoded terms.
//!
//! `build` writes the index beside the release's files ([`file`]), and
//! `serve` maps those files without reading them: the terms are packed in
//! one array, a term is found through a hash table of their numbers and read in place
//! ([`packed`]), and the memory a server holds is what its queries touch.
//!
//! Terms that a query makes and the data does not hold (a constant absent
//! from the data, a computed value) are numbered past the dictionary, in a
//! table that lives as long as the query's [`IndexView`].

mod file;
mod packed;

pub use file::INDEX_DIR;

use crate::rdf::terms::{Dictionary, MAX_TERM_ID};
use oxigraph::model::{GraphName, GraphNameRef, NamedNodeRef, Quad, QuadRef, Term, TermRef};
use oxigraph::store::{StorageError, Store};
use packed::{PackedTerms, Region};
use rustc_hash::FxBuildHasher;
use spareval::{InternalQuad, QueryableDataset};
use std::cell::RefCell;
use std::convert::Infallible;
use std::sync::Arc;

/// A term's number: its position in the dictionary, or past it for a term
/// a query made.
pub use crate::rdf::terms::TermId;

/// The graph number of a quad of the default graph: past any term's.
const DEFAULT_GRAPH: TermId = MAX_TERM_ID + 1;

/// The store's quads, numbered and sorted for pattern lookups.
pub struct QueryIndex {
    /// The terms, numbered in the order they came.
    terms: PackedTerms,
    /// Quads as `[subject, predicate, object, graph]`, sorted.
    spog: Region<[TermId; 4]>,
    /// Quads as `[predicate, object, subject, graph]`, sorted.
    posg: Region<[TermId; 4]>,
    /// Quads as `[object, subject, predicate, graph]`, sorted.
    ospg: Region<[TermId; 4]>,
    /// The named graphs, each once.
    graphs: Vec<TermId>,
    /// The quads of each graph and the distinct triples, counted when the
    /// index was made.
    counts: TripleCounts,
}

/// The sizes of an index (see [`QueryIndex::counts`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TripleCounts {
    /// Each named graph (its IRI) with its number of triples, by IRI.
    pub graphs: Vec<(String, usize)>,
    /// Every quad: the sum of the graphs'.
    pub quads: usize,
    /// The distinct triples of all graphs together.
    pub distinct_triples: usize,
}

/// Why an index could not be made.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// Reading the store failed.
    #[error(transparent)]
    Store(#[from] StorageError),
    /// More distinct terms than numbers.
    #[error("the store has more than {} distinct terms, more than a query index can number", TermId::MAX - 1)]
    TooManyTerms,
}

impl QueryIndex {
    /// Reads every quad of `store`.
    pub fn of_store(store: &Store) -> Result<Self, IndexError> {
        Self::numbering(
            store.len()?,
            store.iter().map(|q| q.map_err(IndexError::from)),
        )
    }

    /// Indexes `quads` (a set: repeated quads count once).
    pub fn of_quads(quads: impl IntoIterator<Item = Quad>) -> Result<Self, IndexError> {
        Self::numbering(0, quads.into_iter().map(Ok))
    }

    /// Numbers the terms of `quads` (about `count` of them) and sorts them.
    fn numbering(
        count: usize,
        quads: impl Iterator<Item = Result<Quad, IndexError>>,
    ) -> Result<Self, IndexError> {
        let mut terms = Dictionary::default();
        let mut numbered = Vec::with_capacity(count);
        for quad in quads {
            let quad = quad?;
            let graph = match quad.graph_name {
                GraphName::DefaultGraph => DEFAULT_GRAPH,
                GraphName::NamedNode(n) => number(&mut terms, n.into())?,
                GraphName::BlankNode(b) => number(&mut terms, b.into())?,
            };
            numbered.push([
                number(&mut terms, quad.subject.into())?,
                number(&mut terms, quad.predicate.into())?,
                number(&mut terms, quad.object)?,
                graph,
            ]);
        }
        Ok(Self::from_numbered(terms, numbered))
    }

    /// Packs `terms`, keeping their numbers, and sorts the quads `spog`
    /// (numbered by `terms`) in each order.
    fn from_numbered(terms: Dictionary, mut spog: Vec<[TermId; 4]>) -> Self {
        let terms = PackedTerms::new((0..terms.len() as TermId).map(|id| terms[id].as_ref()));
        spog.sort_unstable();
        spog.dedup();
        spog.shrink_to_fit();
        let reorder = |order: fn(&[TermId; 4]) -> [TermId; 4]| {
            let mut rows: Vec<[TermId; 4]> = spog.iter().map(order).collect();
            rows.sort_unstable();
            Region::Owned(rows)
        };
        let posg = reorder(|&[s, p, o, g]| [p, o, s, g]);
        let ospg = reorder(|&[s, p, o, g]| [o, s, p, g]);
        let mut graphs: Vec<TermId> = spog
            .iter()
            .map(|q| q[3])
            .filter(|&g| g != DEFAULT_GRAPH)
            .collect();
        graphs.sort_unstable();
        graphs.dedup();
        let mut index = Self {
            terms,
            spog: Region::Owned(spog),
            posg,
            ospg,
            graphs,
            counts: TripleCounts::default(),
        };
        index.counts = index.count();
        index
    }

    /// The number of quads.
    pub fn len(&self) -> usize {
        self.spog.as_slice().len()
    }

    /// What the index holds, counted three ways: the quads of each named
    /// graph, all quads, and the distinct triples across graphs (what a
    /// query of the default graph, the union, or an open fragment reads).
    pub fn counts(&self) -> &TripleCounts {
        &self.counts
    }

    /// Counts what [`QueryIndex::counts`] tells: one pass over the sorted
    /// quads.
    fn count(&self) -> TripleCounts {
        let mut graphs: Vec<(TermId, usize)> = self.graphs.iter().map(|&g| (g, 0)).collect();
        let mut distinct = 0;
        let mut previous: Option<[TermId; 3]> = None;
        for &[s, p, o, g] in self.spog.as_slice() {
            if previous != Some([s, p, o]) {
                distinct += 1;
                previous = Some([s, p, o]);
            }
            if let Ok(at) = graphs.binary_search_by_key(&g, |&(graph, _)| graph) {
                graphs[at].1 += 1;
            }
        }
        let mut graphs: Vec<(String, usize)> = graphs
            .into_iter()
            .filter_map(|(g, n)| match self.terms.get(g)? {
                TermRef::NamedNode(graph) => Some((graph.as_str().to_owned(), n)),
                other => Some((other.to_string(), n)),
            })
            .collect();
        graphs.sort();
        TripleCounts {
            graphs,
            quads: self.spog.as_slice().len(),
            distinct_triples: distinct,
        }
    }

    /// Whether the index holds no quad.
    pub fn is_empty(&self) -> bool {
        self.spog.as_slice().is_empty()
    }

    /// A view for one query's evaluation (see the module's documentation).
    pub fn view(self: &Arc<Self>) -> IndexView {
        IndexView {
            index: Arc::clone(self),
            made: RefCell::default(),
        }
    }

    /// The quads matching a pattern (`None`: any term; the graph `None`: any
    /// graph, the default graph included, as oxigraph's store reads it),
    /// read in place: the Linked Data documents and pages look resources up
    /// here rather than in the store.
    pub fn quads_for_pattern<'a>(
        self: &'a Arc<Self>,
        subject: Option<TermRef<'_>>,
        predicate: Option<NamedNodeRef<'_>>,
        object: Option<TermRef<'_>>,
        graph: Option<GraphNameRef<'_>>,
    ) -> impl Iterator<Item = QuadRef<'a>> + 'a {
        let number = |term: Option<TermRef<'_>>| match term {
            None => Some(None),
            Some(term) => self.terms.find(term).map(Some),
        };
        let graph = match graph {
            None => Some(GraphFilter::Any),
            Some(GraphNameRef::DefaultGraph) => Some(GraphFilter::Default),
            Some(GraphNameRef::NamedNode(g)) => self.terms.find(g.into()).map(GraphFilter::Graph),
            Some(GraphNameRef::BlankNode(g)) => self.terms.find(g.into()).map(GraphFilter::Graph),
        };
        let matching = (|| {
            Some(self.matching(
                number(subject)?,
                number(predicate.map(TermRef::from))?,
                number(object)?,
                graph?,
            ))
        })();
        matching.into_iter().flatten().map(|[s, p, o, g]| QuadRef {
            subject: self.terms.subject(s),
            predicate: self.terms.named_node(p),
            object: self.terms.object(o),
            graph_name: match g {
                DEFAULT_GRAPH => GraphNameRef::DefaultGraph,
                g => self.terms.subject(g).into(),
            },
        })
    }

    /// Whether the index holds `quad`.
    pub fn contains(self: &Arc<Self>, quad: QuadRef<'_>) -> bool {
        self.quads_for_pattern(
            Some(quad.subject.into()),
            Some(quad.predicate),
            Some(quad.object),
            Some(quad.graph_name),
        )
        .next()
        .is_some()
    }

    /// The quads matching a pattern of numbers (`None`: any), in one of the
    /// sorted orders.
    fn matching(
        self: &Arc<Self>,
        subject: Option<TermId>,
        predicate: Option<TermId>,
        object: Option<TermId>,
        graph: GraphFilter,
    ) -> Matching {
        // The bound terms that lead one of the orders, and how many they are.
        let (order, key, bound) = match (subject, predicate, object) {
            (Some(s), Some(p), Some(o)) => (Order::Spog, [s, p, o], 3),
            (Some(s), Some(p), None) => (Order::Spog, [s, p, 0], 2),
            (Some(s), None, _) => (Order::Spog, [s, 0, 0], 1),
            (None, Some(p), Some(o)) => (Order::Posg, [p, o, 0], 2),
            (None, Some(p), None) => (Order::Posg, [p, 0, 0], 1),
            (None, None, Some(o)) => (Order::Ospg, [o, 0, 0], 1),
            (None, None, None) => (Order::Spog, [0, 0, 0], 0),
        };
        let prefix = &key[..bound];
        let rows = self.rows(order);
        let start = rows.partition_point(|row| row[..bound] < *prefix);
        let end = start + rows[start..].partition_point(|row| row[..bound] == *prefix);
        Matching {
            index: Arc::clone(self),
            order,
            next: start,
            end,
            // Only a subject and object both bound, without the predicate,
            // is not wholly a prefix: the object is checked row by row.
            object: object.filter(|_| subject.is_some() && predicate.is_none()),
            graph,
        }
    }

    fn rows(&self, order: Order) -> &[[TermId; 4]] {
        match order {
            Order::Spog => self.spog.as_slice(),
            Order::Posg => self.posg.as_slice(),
            Order::Ospg => self.ospg.as_slice(),
        }
    }
}

/// The number of `term` in `terms`, given it if it has none yet.
fn number(terms: &mut Dictionary, term: Term) -> Result<TermId, IndexError> {
    terms.number_owned(term).ok_or(IndexError::TooManyTerms)
}

#[derive(Clone, Copy)]
enum Order {
    Spog,
    Posg,
    Ospg,
}

#[derive(Clone, Copy)]
enum GraphFilter {
    /// Any graph, the default graph included (as oxigraph's store reads
    /// it: spareval leaves the default graph's quads out where `GRAPH ?g`
    /// needs it, and the default graph as the union of all graphs keeps
    /// them).
    Any,
    /// The default graph only.
    Default,
    /// This named graph only.
    Graph(TermId),
}

impl GraphFilter {
    fn accepts(self, graph: TermId) -> bool {
        match self {
            Self::Any => true,
            Self::Default => graph == DEFAULT_GRAPH,
            Self::Graph(g) => graph == g,
        }
    }
}

/// The quads of one pattern, read in order from one of the index's orders.
struct Matching {
    index: Arc<QueryIndex>,
    order: Order,
    next: usize,
    end: usize,
    object: Option<TermId>,
    graph: GraphFilter,
}

impl Iterator for Matching {
    type Item = [TermId; 4];

    fn next(&mut self) -> Option<[TermId; 4]> {
        let rows = &self.index.rows(self.order)[..self.end];
        while let Some(row) = rows.get(self.next) {
            self.next += 1;
            let quad = match self.order {
                Order::Spog => *row,
                Order::Posg => [row[2], row[0], row[1], row[3]],
                Order::Ospg => [row[1], row[2], row[0], row[3]],
            };
            if self.graph.accepts(quad[3]) && self.object.is_none_or(|o| o == quad[2]) {
                return Some(quad);
            }
        }
        None
    }
}

/// The index as one query sees it: the index's terms, and the terms the
/// query made, numbered past them for as long as the query runs.
pub struct IndexView {
    index: Arc<QueryIndex>,
    made: RefCell<MadeTerms>,
}

/// Terms a query made that the index does not hold.
#[derive(Default)]
struct MadeTerms {
    terms: Vec<Term>,
    numbers: std::collections::HashMap<Term, TermId, FxBuildHasher>,
}

impl IndexView {
    /// The number of a term, if the index or the query holds it.
    fn find(&self, term: &Term) -> Option<TermId> {
        self.index.terms.find(term.as_ref()).or_else(|| {
            let made = self.made.borrow();
            made.numbers.get(term).copied()
        })
    }

    /// The quads matching a pattern; a term no quad holds matches nothing.
    fn quads(
        &self,
        subject: Option<&TermId>,
        predicate: Option<&TermId>,
        object: Option<&TermId>,
        graph: Option<Option<&TermId>>,
    ) -> Option<Matching> {
        let stored = self.index.terms.len();
        let known = |id: Option<&TermId>| match id {
            Some(&id) if id as usize >= stored => None,
            id => Some(id.copied()),
        };
        let graph = match graph {
            None => GraphFilter::Any,
            Some(None) => GraphFilter::Default,
            Some(Some(&g)) if (g as usize) < stored => GraphFilter::Graph(g),
            Some(Some(_)) => return None,
        };
        Some(
            self.index
                .matching(known(subject)?, known(predicate)?, known(object)?, graph),
        )
    }
}

impl QueryableDataset<'static> for IndexView {
    type InternalTerm = TermId;
    type Error = Infallible;

    fn internal_quads_for_pattern(
        &self,
        subject: Option<&TermId>,
        predicate: Option<&TermId>,
        object: Option<&TermId>,
        graph_name: Option<Option<&TermId>>,
    ) -> impl Iterator<Item = Result<InternalQuad<TermId>, Infallible>> + use<> {
        self.quads(subject, predicate, object, graph_name)
            .into_iter()
            .flatten()
            .map(|[s, p, o, g]| {
                Ok(InternalQuad {
                    subject: s,
                    predicate: p,
                    object: o,
                    graph_name: (g != DEFAULT_GRAPH).then_some(g),
                })
            })
    }

    fn internal_named_graphs(&self) -> impl Iterator<Item = Result<TermId, Infallible>> + use<> {
        let index = Arc::clone(&self.index);
        (0..index.graphs.len()).map(move |i| Ok(index.graphs[i]))
    }

    fn contains_internal_graph_name(&self, graph_name: &TermId) -> Result<bool, Infallible> {
        Ok(self.index.graphs.binary_search(graph_name).is_ok())
    }

    fn internalize_term(&self, term: Term) -> Result<TermId, Infallible> {
        if let Some(id) = self.find(&term) {
            return Ok(id);
        }
        let mut made = self.made.borrow_mut();
        // Past the dictionary and below the default graph's number: a query
        // makes far fewer terms than that.
        let id = (self.index.terms.len() + made.terms.len()) as TermId;
        made.terms.push(term.clone());
        made.numbers.insert(term, id);
        Ok(id)
    }

    fn externalize_term(&self, term: TermId) -> Result<Term, Infallible> {
        let stored = &self.index.terms;
        Ok(match stored.get(term) {
            Some(term) => term.into_owned(),
            None => self.made.borrow().terms[term as usize - stored.len()].clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{Literal, NamedNode};
    use oxigraph::sparql::{QueryResults, SparqlEvaluator};

    fn iri(name: &str) -> NamedNode {
        NamedNode::new(format!("http://example.org/{name}")).unwrap()
    }

    fn sample() -> Vec<Quad> {
        let g1 = GraphName::from(iri("g1"));
        let g2 = GraphName::from(iri("g2"));
        let mut quads = Vec::new();
        for i in 0..50 {
            let s = iri(&format!("s{i}"));
            quads.push(Quad::new(
                s.clone(),
                iri("p"),
                Literal::from(i % 7),
                g1.clone(),
            ));
            quads.push(Quad::new(
                s.clone(),
                iri("q"),
                iri(&format!("s{}", (i + 1) % 50)),
                g1.clone(),
            ));
            quads.push(Quad::new(
                s.clone(),
                iri("label"),
                Literal::new_language_tagged_literal(format!("nom {i}"), "fr").unwrap(),
                g2.clone(),
            ));
            if i % 5 == 0 {
                quads.push(Quad::new(s, iri("p"), Literal::from(i % 7), g2.clone()));
            }
        }
        quads.push(Quad::new(
            iri("d"),
            iri("p"),
            Literal::from("in the default graph"),
            GraphName::DefaultGraph,
        ));
        quads
    }

    #[test]
    fn counts_name_each_graph_and_count_a_triple_of_two_graphs_once() {
        let index = QueryIndex::of_quads(sample()).unwrap();
        let counts = index.counts();
        assert_eq!(
            counts.graphs,
            [
                ("http://example.org/g1".to_owned(), 100),
                ("http://example.org/g2".to_owned(), 60)
            ]
        );
        assert_eq!(counts.quads, 161);
        // The ten triples of g2 that g1 holds too, once; the default
        // graph's, once.
        assert_eq!(counts.distinct_triples, 151);
    }

    /// Each query gives the same solutions on the index as on the store,
    /// in every form of data set.
    #[test]
    fn answers_as_the_store_does() {
        let store = Store::new().unwrap();
        store.extend(sample()).unwrap();
        let index = Arc::new(QueryIndex::of_store(&store).unwrap());
        assert_eq!(index.len(), store.len().unwrap());
        let queries = [
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
            "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p",
            "SELECT DISTINCT ?o WHERE { ?s <http://example.org/p> ?o }",
            "SELECT ?s ?o WHERE { ?s <http://example.org/p> 3 . ?s <http://example.org/q> ?o }",
            "SELECT ?s WHERE { ?s ?p 3 }",
            "SELECT ?p WHERE { <http://example.org/s3> ?p <http://example.org/s4> }",
            "SELECT ?g ?s WHERE { GRAPH ?g { ?s <http://example.org/p> ?o } }",
            "SELECT ?s WHERE { GRAPH <http://example.org/g2> { ?s ?p ?o } }",
            "SELECT ?s WHERE { GRAPH <http://example.org/none> { ?s ?p ?o } }",
            "SELECT ?g WHERE { GRAPH ?g { } }",
            "SELECT ?s WHERE { ?s <http://example.org/absent> ?o }",
            "SELECT ?s ?l WHERE { ?s <http://example.org/label> ?l FILTER(REGEX(?l, '^nom 1')) }",
            "SELECT ?s (?v * 2 AS ?w) WHERE { ?s <http://example.org/p> ?v } ORDER BY DESC(?w) ?s LIMIT 5",
            "SELECT ?s ?x WHERE { ?s <http://example.org/p> ?v BIND(?v + 100 AS ?x) ?t <http://example.org/p> ?x }",
            "SELECT ?s WHERE { ?s <http://example.org/q>+ <http://example.org/s0> }",
            "SELECT ?s ?o WHERE { ?s <http://example.org/q> ?o } VALUES ?o { <http://example.org/s1> <http://example.org/nowhere> }",
            "CONSTRUCT { ?o ?p ?s } WHERE { ?s ?p ?o }",
            "ASK WHERE { <http://example.org/s1> <http://example.org/q> <http://example.org/s2> }",
        ];
        let datasets = [
            "",
            "union",
            "FROM <http://example.org/g1> ",
            "FROM <http://example.org/g1> FROM <http://example.org/g2> FROM NAMED <http://example.org/g2> ",
        ];
        for query in queries {
            for dataset in datasets {
                let text = match dataset {
                    "" | "union" => query.to_owned(),
                    from => query.replacen("WHERE {", &format!("{from}WHERE {{"), 1),
                };
                let run = |on_index: bool| {
                    let mut prepared = SparqlEvaluator::new().parse_query(&text).unwrap();
                    if dataset == "union" {
                        prepared.dataset_mut().set_default_graph_as_union();
                    }
                    let results = if on_index {
                        prepared.on_queryable_dataset(index.view()).execute()
                    } else {
                        prepared.on_store(&store).execute()
                    };
                    canonical(results.unwrap())
                };
                assert_eq!(run(true), run(false), "{dataset}: {text}");
            }
        }
    }

    fn canonical(results: QueryResults<'_>) -> Vec<String> {
        let mut rows: Vec<String> = match results {
            QueryResults::Solutions(solutions) => solutions
                .map(|s| {
                    let s = s.unwrap();
                    s.iter()
                        .map(|(v, t)| format!("{v}={t}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect(),
            QueryResults::Graph(triples) => triples.map(|t| t.unwrap().to_string()).collect(),
            QueryResults::Boolean(b) => vec![b.to_string()],
        };
        rows.sort();
        rows
    }

    #[test]
    fn patterns_read_in_place_match_the_stores() {
        let store = Store::new().unwrap();
        store.extend(sample()).unwrap();
        let index = Arc::new(QueryIndex::of_store(&store).unwrap());
        let s3 = Term::from(iri("s3"));
        let (p, absent) = (iri("p"), iri("absent"));
        let three = Term::from(Literal::from(3));
        let g2 = iri("g2");
        let subjects = [None, Some(s3.as_ref()), Some(absent.as_ref().into())];
        let predicates = [None, Some(p.as_ref()), Some(absent.as_ref())];
        let objects = [None, Some(three.as_ref()), Some(s3.as_ref())];
        let graphs = [
            None,
            Some(GraphNameRef::DefaultGraph),
            Some(g2.as_ref().into()),
            Some(absent.as_ref().into()),
        ];
        let mut compared = 0;
        for subject in subjects {
            for predicate in predicates {
                for object in objects {
                    for graph in graphs {
                        let mut ours: Vec<String> = index
                            .quads_for_pattern(subject, predicate, object, graph)
                            .map(|q| q.to_string())
                            .collect();
                        let subject = subject.map(|s| match s {
                            TermRef::NamedNode(n) => n.into(),
                            _ => unreachable!(),
                        });
                        let mut theirs: Vec<String> = store
                            .quads_for_pattern(subject, predicate, object, graph)
                            .map(|q| q.unwrap().to_string())
                            .collect();
                        ours.sort();
                        theirs.sort();
                        assert_eq!(
                            ours, theirs,
                            "{subject:?} {predicate:?} {object:?} {graph:?}"
                        );
                        compared += usize::from(!ours.is_empty());
                    }
                }
            }
        }
        assert!(compared > 10, "patterns that match something: {compared}");
    }

    #[test]
    fn a_term_the_data_lacks_matches_nothing_and_keeps_its_number() {
        let index = Arc::new(QueryIndex::of_quads(sample()).unwrap());
        let view = index.view();
        let absent = Term::from(iri("absent"));
        let id = view.internalize_term(absent.clone()).unwrap();
        assert_eq!(view.internalize_term(absent.clone()).unwrap(), id);
        assert_eq!(view.externalize_term(id).unwrap(), absent);
        assert_eq!(
            view.internal_quads_for_pattern(Some(&id), None, None, None)
                .count(),
            0
        );
        let p = view.internalize_term(iri("p").into()).unwrap();
        assert!((p as usize) < index.terms.len());
        // 50 in g1, 10 in g2, 1 in the default graph.
        assert_eq!(
            view.internal_quads_for_pattern(None, Some(&p), None, None)
                .count(),
            61
        );
        assert_eq!(
            view.internal_quads_for_pattern(None, Some(&p), None, Some(None))
                .count(),
            1
        );
    }
}
