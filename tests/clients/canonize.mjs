// Canonicalizes an N-Quads file (first argument) with rdf-canonize, the
// JavaScript implementation of RDFC-1.0 (SHA-256) by Digital Bazaar, and
// prints the canonical N-Quads (tests/fingerprint.rs).
import { readFileSync } from "node:fs";
import canonize from "rdf-canonize";

const input = readFileSync(process.argv[2], "utf8");
const dataset = canonize.NQuads.parse(input);
const canonical = await canonize.canonize(dataset, { algorithm: "RDFC-1.0" });
process.stdout.write(canonical);
