//! SPARQL evaluation over the store, shared by the command line and the
//! server: the default graph is the union of all graphs, `SERVICE` is refused
//! and evaluation can be cancelled.

use oxigraph::model::NamedNode;
use oxigraph::sparql::{
    CancellationToken, DefaultServiceHandler, PreparedSparqlQuery, QueryEvaluationError,
    QueryResults, QuerySolutionIter, SparqlEvaluator, SparqlSyntaxError,
};
use oxigraph::store::Store;
use spargebra::algebra::GraphPattern;

/// Refuses every `SERVICE` call: the endpoint never makes outgoing requests.
struct NoFederation;

/// Why a `SERVICE` call was refused.
#[derive(Debug, thiserror::Error)]
#[error("SERVICE <{0}> is not allowed: this endpoint does not make federated queries")]
pub struct ServiceRefused(String);

impl DefaultServiceHandler for NoFederation {
    type Error = ServiceRefused;

    fn handle(
        &self,
        service_name: &NamedNode,
        _pattern: &GraphPattern,
        _base_iri: Option<&oxiri::Iri<String>>,
    ) -> Result<QuerySolutionIter<'static>, ServiceRefused> {
        Err(ServiceRefused(service_name.as_str().to_owned()))
    }
}

/// Parses a query. Unless the query names its own data set (`FROM`,
/// `FROM NAMED`), its default graph is the union of every graph of the store.
pub fn prepare(
    query: &str,
    cancellation: Option<CancellationToken>,
) -> Result<PreparedSparqlQuery, SparqlSyntaxError> {
    let mut evaluator = SparqlEvaluator::new().with_default_service_handler(NoFederation);
    if let Some(token) = cancellation {
        evaluator = evaluator.with_cancellation_token(token);
    }
    let mut prepared = evaluator.parse_query(query)?;
    if prepared.dataset().is_default_dataset() {
        prepared.dataset_mut().set_default_graph_as_union();
    }
    Ok(prepared)
}

/// Parses and runs a query against `store` (see [`prepare`]).
pub fn run<'a>(store: &'a Store, query: &str) -> Result<QueryResults<'a>, QueryError> {
    Ok(prepare(query, None)?.on_store(store).execute()?)
}

/// Why a query failed.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// The query is not valid SPARQL.
    #[error("{0}")]
    Syntax(#[from] SparqlSyntaxError),
    /// The evaluation failed.
    #[error("{0}")]
    Evaluation(#[from] QueryEvaluationError),
}
