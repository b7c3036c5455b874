//! Which queries oxigraph's optimizer plans. Planning reorders joins and
//! normalizes the algebra in time that grows much faster than the query
//! (measured in release, 2 cores: a basic graph pattern of 40 triple patterns
//! plans in 23 ms, of 80 in 0.42 s, of 500 in minutes; a chain of 1 000
//! `UNION`s in 0.88 s; a `FILTER` of 1 000 conjunctions in 1.2 s), and it
//! cannot be cancelled. Queries above these sizes run as written, which the
//! cancellation token stops at any point.

use spargebra::Query;
use spargebra::algebra::{
    AggregateExpression, Expression, GraphPattern, OrderExpression, PropertyPathExpression,
};

/// Triple patterns and property path steps above which a query is not planned.
pub const MAX_PLANNED_PATTERNS: usize = 40;

/// Graph pattern and expression nodes above which a query is not planned.
pub const MAX_PLANNED_NODES: usize = 256;

/// Whether the optimizer should plan `query`: at most
/// [`MAX_PLANNED_PATTERNS`] patterns and [`MAX_PLANNED_NODES`] other nodes.
pub fn worth_planning(query: &Query) -> bool {
    let pattern = match query {
        Query::Select { pattern, .. }
        | Query::Construct { pattern, .. }
        | Query::Describe { pattern, .. }
        | Query::Ask { pattern, .. } => pattern,
    };
    let mut size = Size::default();
    let mut todo = vec![Node::Pattern(pattern)];
    while let Some(node) = todo.pop() {
        size.visit(node, &mut todo);
        if size.patterns > MAX_PLANNED_PATTERNS || size.nodes > MAX_PLANNED_NODES {
            return false;
        }
    }
    true
}

/// A node of the query algebra still to count.
enum Node<'a> {
    Pattern(&'a GraphPattern),
    Expression(&'a Expression),
    Path(&'a PropertyPathExpression),
}

/// What has been counted so far.
#[derive(Default)]
struct Size {
    patterns: usize,
    nodes: usize,
}

impl Size {
    /// Counts `node` and pushes its children on `todo` (a loop, not a
    /// recursion: queries nest thousands deep).
    fn visit<'a>(&mut self, node: Node<'a>, todo: &mut Vec<Node<'a>>) {
        match node {
            Node::Pattern(pattern) => self.pattern(pattern, todo),
            Node::Expression(expression) => {
                self.nodes += 1;
                expression_children(expression, todo);
            }
            Node::Path(path) => {
                self.patterns += 1;
                match path {
                    PropertyPathExpression::NamedNode(_)
                    | PropertyPathExpression::NegatedPropertySet(_) => {}
                    PropertyPathExpression::Reverse(inner)
                    | PropertyPathExpression::ZeroOrMore(inner)
                    | PropertyPathExpression::OneOrMore(inner)
                    | PropertyPathExpression::ZeroOrOne(inner) => todo.push(Node::Path(inner)),
                    PropertyPathExpression::Sequence(a, b)
                    | PropertyPathExpression::Alternative(a, b) => {
                        todo.extend([Node::Path(a), Node::Path(b)]);
                    }
                }
            }
        }
    }

    fn pattern<'a>(&mut self, pattern: &'a GraphPattern, todo: &mut Vec<Node<'a>>) {
        self.nodes += 1;
        match pattern {
            GraphPattern::Bgp { patterns } => self.patterns += patterns.len(),
            GraphPattern::Path { path, .. } => todo.push(Node::Path(path)),
            GraphPattern::Values { .. } => {}
            GraphPattern::Join { left, right }
            | GraphPattern::Lateral { left, right }
            | GraphPattern::Union { left, right }
            | GraphPattern::Minus { left, right } => {
                todo.extend([Node::Pattern(left), Node::Pattern(right)]);
            }
            GraphPattern::LeftJoin {
                left,
                right,
                expression,
            } => {
                todo.extend([Node::Pattern(left), Node::Pattern(right)]);
                todo.extend(expression.iter().map(Node::Expression));
            }
            GraphPattern::Filter { expr, inner } => {
                todo.extend([Node::Pattern(inner), Node::Expression(expr)]);
            }
            GraphPattern::Extend {
                inner, expression, ..
            } => todo.extend([Node::Pattern(inner), Node::Expression(expression)]),
            GraphPattern::OrderBy { inner, expression } => {
                todo.push(Node::Pattern(inner));
                todo.extend(expression.iter().map(|order| match order {
                    OrderExpression::Asc(e) | OrderExpression::Desc(e) => Node::Expression(e),
                }));
            }
            GraphPattern::Group {
                inner, aggregates, ..
            } => {
                todo.push(Node::Pattern(inner));
                todo.extend(
                    aggregates
                        .iter()
                        .filter_map(|(_, aggregate)| match aggregate {
                            AggregateExpression::CountSolutions { .. } => None,
                            AggregateExpression::FunctionCall { expr, .. } => {
                                Some(Node::Expression(expr))
                            }
                        }),
                );
            }
            GraphPattern::Graph { inner, .. }
            | GraphPattern::Project { inner, .. }
            | GraphPattern::Distinct { inner }
            | GraphPattern::Reduced { inner }
            | GraphPattern::Slice { inner, .. }
            | GraphPattern::Service { inner, .. } => todo.push(Node::Pattern(inner)),
        }
    }
}

fn expression_children<'a>(expression: &'a Expression, todo: &mut Vec<Node<'a>>) {
    match expression {
        Expression::NamedNode(_)
        | Expression::Literal(_)
        | Expression::Variable(_)
        | Expression::Bound(_) => {}
        Expression::Or(a, b)
        | Expression::And(a, b)
        | Expression::Equal(a, b)
        | Expression::SameTerm(a, b)
        | Expression::Greater(a, b)
        | Expression::GreaterOrEqual(a, b)
        | Expression::Less(a, b)
        | Expression::LessOrEqual(a, b)
        | Expression::Add(a, b)
        | Expression::Subtract(a, b)
        | Expression::Multiply(a, b)
        | Expression::Divide(a, b) => todo.extend([Node::Expression(a), Node::Expression(b)]),
        Expression::UnaryPlus(a) | Expression::UnaryMinus(a) | Expression::Not(a) => {
            todo.push(Node::Expression(a));
        }
        Expression::In(a, list) => {
            todo.push(Node::Expression(a));
            todo.extend(list.iter().map(Node::Expression));
        }
        Expression::If(a, b, c) => {
            todo.extend([
                Node::Expression(a),
                Node::Expression(b),
                Node::Expression(c),
            ]);
        }
        Expression::Coalesce(list) | Expression::FunctionCall(_, list) => {
            todo.extend(list.iter().map(Node::Expression));
        }
        Expression::Exists(pattern) => todo.push(Node::Pattern(pattern)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use spargebra::SparqlParser;

    fn planned(query: &str) -> bool {
        let parser = SparqlParser::new()
            .with_base_iri("http://example.org/")
            .unwrap();
        worth_planning(&parser.parse_query(query).unwrap())
    }

    fn bgp(patterns: usize) -> String {
        let patterns = (0..patterns)
            .map(|i| format!("?s ?p ?o{i}"))
            .collect::<Vec<_>>()
            .join(" . ");
        format!("SELECT * WHERE {{ {patterns} }}")
    }

    #[test]
    fn ordinary_queries_are_planned() {
        assert!(planned(&bgp(MAX_PLANNED_PATTERNS)));
        assert!(planned(
            "SELECT ?c (COUNT(*) AS ?n) WHERE { ?a a ?t ; <p> ?c OPTIONAL { ?a <q> ?x } \
             FILTER(LANG(?x) = \"fr\" || !BOUND(?x)) } GROUP BY ?c ORDER BY DESC(?n)"
        ));
        assert!(planned(
            "ASK { ?s <p>/<q>* ?o FILTER NOT EXISTS { ?o <r> ?s } }"
        ));
    }

    #[test]
    fn large_joins_unions_filters_and_paths_run_as_written() {
        assert!(!planned(&bgp(MAX_PLANNED_PATTERNS + 1)));
        let union = (0..MAX_PLANNED_NODES)
            .map(|i| format!("{{ ?s ?p {i} }}"))
            .collect::<Vec<_>>()
            .join(" UNION ");
        assert!(!planned(&format!("SELECT * WHERE {{ {union} }}")));
        let filter = (0..MAX_PLANNED_NODES)
            .map(|i| format!("?o != {i}"))
            .collect::<Vec<_>>()
            .join(" && ");
        assert!(!planned(&format!(
            "SELECT * WHERE {{ ?s ?p ?o FILTER({filter}) }}"
        )));
        let path = vec!["<p>"; MAX_PLANNED_PATTERNS + 1].join("/");
        assert!(!planned(&format!("ASK {{ ?s {path} ?o }}")));
    }

    #[test]
    fn deep_nesting_is_counted_without_recursion() {
        let query = format!(
            "ASK {{ ?s ?p ?o FILTER({}1{}) }}",
            "-(".repeat(5_000),
            ")".repeat(5_000)
        );
        // Parsing and dropping recurse: they get a large stack, as queries do in the server.
        let planned = std::thread::Builder::new()
            .stack_size(1 << 30)
            .spawn(move || planned(&query))
            .unwrap()
            .join()
            .unwrap();
        assert!(!planned);
    }
}
