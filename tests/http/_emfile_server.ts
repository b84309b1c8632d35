// A serve() server in a process of its own, for the EMFILE test (started under
// a small file limit): prints its port as a JSON line, answers `ok` to every
// request, and stops when its stdin ends, printing its error count and the
// most connections it had open at once.

import process from "node:process";
import { serve } from "../../http/mod.ts";

const server = serve({ port: 0, hostname: "127.0.0.1" }, () => new Response("ok"));
let errors = 0;
server.on("error", () => errors++);
let open = 0;
let peak = 0;
server.on("connection", (socket) => {
  peak = Math.max(peak, ++open);
  socket.on("close", () => open--);
});
server.listening.then(({ port }) => process.stdout.write(`${JSON.stringify({ port })}\n`));
process.stdin.on("data", () => {});
process.stdin.on("end", async () => {
  await server.shutdown();
  process.stdout.write(`${JSON.stringify({ errors, peak })}\n`);
  process.exit(0);
});
