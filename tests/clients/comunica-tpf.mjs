// Answers each example query with Comunica (@comunica/query-sparql) using
// the Triple Pattern Fragments interface given as first argument as its
// only source: Comunica evaluates the query itself, from fragment pages.
// The queries come as a JSON object (name -> {query, variables}) in the
// second argument. Prints a JSON object: name -> the rows, each the
// values of the variables in SPARQL TSV (as the expected answers are
// written), or {"error": message}.
import { QueryEngine } from "@comunica/query-sparql";

const interfaceUrl = process.argv[2];
const queries = JSON.parse(process.argv[3]);
const engine = new QueryEngine();
const XSD = "http://www.w3.org/2001/XMLSchema#";
// Written bare in TSV where the value reads back as that literal in Turtle.
const BARE = {
  [`${XSD}integer`]: /^[+-]?\d+$/,
  [`${XSD}decimal`]: /^[+-]?\d*\.\d+$/,
  [`${XSD}double`]: /^[+-]?(\d+\.\d*|\.\d+|\d+)[eE][+-]?\d+$/,
  [`${XSD}boolean`]: /^(true|false)$/,
};

function escape(value) {
  return value
    .replaceAll("\\", "\\\\")
    .replaceAll('"', '\\"')
    .replaceAll("\n", "\\n")
    .replaceAll("\r", "\\r")
    .replaceAll("\t", "\\t");
}

function tsv(term) {
  if (!term) return "";
  switch (term.termType) {
    case "NamedNode":
      return `<${term.value}>`;
    case "BlankNode":
      return `_:${term.value}`;
    case "Literal":
      if (term.language) return `"${escape(term.value)}"@${term.language}`;
      if (BARE[term.datatype.value]?.test(term.value)) return term.value;
      if (term.datatype.value === `${XSD}string`) return `"${escape(term.value)}"`;
      return `"${escape(term.value)}"^^<${term.datatype.value}>`;
    default:
      return String(term.value);
  }
}

const answers = {};
for (const [name, { query, variables }] of Object.entries(queries)) {
  try {
    const context = { sources: [interfaceUrl], lenient: false };
    if (/^\s*(PREFIX[^\n]*\n\s*)*ASK/im.test(query.replace(/#[^\n]*\n/g, ""))) {
      answers[name] = [String(await engine.queryBoolean(query, context))];
    } else {
      const bindings = await (await engine.queryBindings(query, context)).toArray();
      answers[name] = bindings.map((b) => variables.map((v) => tsv(b.get(v))).join("\t"));
    }
  } catch (error) {
    answers[name] = { error: String(error.message ?? error) };
  }
}
console.log(JSON.stringify(answers));
