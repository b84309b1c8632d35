/**
 * The client side of `ws_load.ts`, in a process of its own: `--port P
 * --clients N --messages M [--deflate]` opens N `ws` clients, prints
 * `{"held": N}`, waits for a line on stdin, then every client exchanges M
 * messages (each echo checked) and closes with 1000; prints the counts.
 *
 * @module
 */

import process from "node:process";
import { eachLimited } from "../../tests/http/_load_client.ts";
import { closeWsClients, exchange, openWsClients } from "../../tests/http/_ws_load_client.ts";
import { args, heard, numberOption, say } from "./_child.ts";

async function main(): Promise<void> {
  const argv = args();
  const port = numberOption(argv, "--port", 0);
  const count = numberOption(argv, "--clients", 10_000);
  const messages = numberOption(argv, "--messages", 10);
  const deflate = argv.includes("--deflate");
  const started = performance.now();
  const clients = await openWsClients(port, count, { deflate });
  say({ held: clients.length, connectMs: Math.round(performance.now() - started) });
  await heard();
  const exchangeStarted = performance.now();
  let echoed = 0;
  const ids = clients.map((_, i) => i);
  await eachLimited(ids, 1000, async (i) => {
    const n = await exchange(clients[i], i, messages);
    echoed += n;
  });
  const ms = performance.now() - exchangeStarted;
  const codes = await closeWsClients(clients);
  say({ echoed, ms: Math.round(ms), codes });
}

main().then(() => process.exit(0), (error) => {
  say({ error: String((error as Error)?.stack ?? error) });
  process.exit(1);
});
