/**
 * The client side of `http_load.ts`, in a process of its own (its own file
 * limit and event loop). Modes:
 *
 * - `concurrent --port P --connections N`: opens N keep-alive connections, one
 *   request each, prints `{"held": N}` and keeps them all open until a line on
 *   stdin; then one more request on each (reuse), closes them, prints the counts.
 * - `requests --port P --connections S --requests R --pipeline D`: R requests
 *   over S connections, D pipelined per write; prints progress every tenth.
 *
 * @module
 */

import { closeAll, eachLimited, openMany } from "../../tests/http/_load_client.ts";
import process from "node:process";
import { args, heard, numberOption, say } from "./_child.ts";

async function concurrent(argv: string[]): Promise<void> {
  const port = numberOption(argv, "--port", 0);
  const count = numberOption(argv, "--connections", 10_000);
  const started = performance.now();
  const connections = await openMany(port, count);
  const connectMs = performance.now() - started;
  await eachLimited(connections, 1000, (c) => c.send(1));
  const alive = connections.filter((c) => c.closed === null).length;
  say({ held: connections.length, alive, connectMs: Math.round(connectMs) });
  await heard();
  await eachLimited(connections, 1000, (c) => c.send(1));
  const answered = connections.reduce((sum, c) => sum + c.answered, 0);
  await closeAll(connections);
  say({ answered, ms: Math.round(performance.now() - started) });
}

async function requests(argv: string[]): Promise<void> {
  const port = numberOption(argv, "--port", 0);
  const streams = numberOption(argv, "--connections", 100);
  const total = numberOption(argv, "--requests", 1_000_000);
  const pipeline = numberOption(argv, "--pipeline", 16);
  const connections = await openMany(port, streams);
  const started = performance.now();
  let done = 0;
  let reported = 0;
  const share = Math.ceil(total / streams);
  await Promise.all(connections.map(async (connection, i) => {
    const mine = Math.min(share, total - i * share);
    for (let sent = 0; sent < mine; sent += pipeline) {
      const n = Math.min(pipeline, mine - sent);
      await connection.send(n);
      done += n;
      if (done - reported >= total / 10) {
        reported = done;
        say({ progress: done });
      }
    }
  }));
  const ms = performance.now() - started;
  const answered = connections.reduce((sum, c) => sum + c.answered, 0);
  await closeAll(connections);
  say({ answered, ms: Math.round(ms) });
}

async function main(): Promise<void> {
  const argv = args();
  try {
    if (argv[0] === "concurrent") await concurrent(argv);
    else if (argv[0] === "requests") await requests(argv);
    else throw new Error(`unknown mode ${argv[0]}`);
  } catch (error) {
    say({ error: String((error as Error)?.stack ?? error) });
    throw error;
  }
}

main().then(() => process.exit(0), () => process.exit(1));
