// Runs each query form with Comunica (@comunica/query-sparql) against the
// endpoint given as first argument; the queries come as a JSON object
// (form -> text) in the second. Prints a JSON object: form -> count of rows
// or triples, or the boolean of an ASK (or the error).
import { QueryEngine } from "@comunica/query-sparql";

const endpoint = process.argv[2];
const queries = JSON.parse(process.argv[3]);
const context = { sources: [{ type: "sparql", value: endpoint }] };
const engine = new QueryEngine();

const summary = {};
for (const [form, query] of Object.entries(queries)) {
  try {
    if (form === "ASK") {
      summary[form] = await engine.queryBoolean(query, context);
    } else if (form === "SELECT") {
      summary[form] = (await (await engine.queryBindings(query, context)).toArray()).length;
    } else {
      summary[form] = (await (await engine.queryQuads(query, context)).toArray()).length;
    }
  } catch (error) {
    summary[form] = `error: ${error.message}`;
  }
}
console.log(JSON.stringify(summary));
