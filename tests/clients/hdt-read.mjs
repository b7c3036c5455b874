// Reads an HDT file (first argument) with the npm package hdt (hdt-cpp,
// the reference implementation, through its Node.js bindings) and prints
// its triples as N-Triples (tests/dumps.rs).
import hdt from "hdt";

const XSD_STRING = "http://www.w3.org/2001/XMLSchema#string";

function escape(value) {
  return value
    .replaceAll("\\", "\\\\")
    .replaceAll('"', '\\"')
    .replaceAll("\n", "\\n")
    .replaceAll("\r", "\\r");
}

function term(t) {
  switch (t.termType) {
    case "NamedNode":
      return `<${t.value}>`;
    case "BlankNode":
      return `_:${t.value}`;
    case "Literal":
      if (t.language) return `"${escape(t.value)}"@${t.language}`;
      if (t.datatype && t.datatype.value !== XSD_STRING) return `"${escape(t.value)}"^^<${t.datatype.value}>`;
      return `"${escape(t.value)}"`;
    default:
      throw new Error(`unexpected term ${JSON.stringify(t)}`);
  }
}

const document = await hdt.fromFile(process.argv[2]);
const { triples } = await document.searchTriples(null, null, null);
for (const t of triples) {
  process.stdout.write(`${term(t.subject)} ${term(t.predicate)} ${term(t.object)} .\n`);
}
await document.close();
