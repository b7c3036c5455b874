// Runs SELECT, ASK and CONSTRUCT with Comunica (@comunica/query-sparql)
// against the endpoint given as first argument; prints a JSON summary.
import { QueryEngine } from "@comunica/query-sparql";

const endpoint = process.argv[2];
const context = { sources: [{ type: "sparql", value: endpoint }] };
const TI = "https://w3id.org/territoire-innovant/ontology#";
const engine = new QueryEngine();

const select = await engine.queryBindings(
  `SELECT ?award ?level WHERE { ?award a <${TI}Award> ; <${TI}level> ?level }`,
  context,
);
const rows = await select.toArray();
const ask = await engine.queryBoolean(
  `ASK { ?award <${TI}level> <https://w3id.org/territoire-innovant/level/or> }`,
  context,
);
const construct = await engine.queryQuads(
  `CONSTRUCT { ?award <${TI}level> ?level } WHERE { ?award <${TI}level> ?level }`,
  context,
);
const quads = await construct.toArray();
console.log(JSON.stringify({ select: rows.length, ask, construct: quads.length }));
