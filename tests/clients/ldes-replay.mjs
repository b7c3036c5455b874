// Follows the change feed with the LDES reference client (npm ldes-client):
// replays the event stream at the URL given as first argument, keeping the
// client's state in the directory given as second argument, so that a
// second run reads only what was added since the first. Prints one JSON
// object a line per member emitted: its IRI and its quads in N-Quads.
import { replicateLDES, intoConfig } from "ldes-client";
import { Writer } from "n3";

const [url, statePath] = process.argv.slice(2);
const client = replicateLDES(
  intoConfig({ url, statePath, polling: false, loose: false }),
);
const reader = client.stream({ highWaterMark: 10 }).getReader();
for (;;) {
  const { value: member, done } = await reader.read();
  if (done) break;
  const writer = new Writer({ format: "N-Quads" });
  const quads = writer.quadsToString(member.quads);
  process.stdout.write(JSON.stringify({ id: member.id.value, quads }) + "\n");
}
