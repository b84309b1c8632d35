// The CI-sized version of scripts/reliability/http_load.ts: a few hundred
// keep-alive connections open at once on one server, every one reused, then
// twenty thousand pipelined requests; every request answered, and the server's
// count of connections back to zero. The full run (10,000 connections, a
// million requests, memory and file descriptors per round) is
// `npm run reliability`.

import assert from "node:assert/strict";
import { serve } from "../../http/mod.ts";
import { runtimeName, test } from "../_harness.ts";
import { closeAll, eachLimited, loadHandler, openMany } from "./_load_client.ts";

const rt = runtimeName;

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function withLoadServer(fn: (port: number, open: () => number) => Promise<void>) {
  let open = 0;
  const server = serve({ port: 0, hostname: "127.0.0.1" }, loadHandler);
  server.on("connection", (socket) => {
    open++;
    socket.on("close", () => open--);
  });
  const errors: unknown[] = [];
  server.on("error", (error) => errors.push(error));
  const { port } = await server.listening;
  try {
    await fn(port, () => open);
    await until(() => open === 0, "the server to see every connection close");
    assert.deepEqual(errors, []);
  } finally {
    await server.shutdown();
    await server.finished;
  }
}

test(
  `load (${rt}): 300 keep-alive connections open at once, each reused`,
  () =>
    withLoadServer(async (port, open) => {
      const connections = await openMany(port, 300, 100);
      try {
        await eachLimited(connections, 300, (c) => c.send(1));
        await until(() => open() === 300, "the server to count 300 connections");
        await eachLimited(connections, 300, (c) => c.send(2));
        assert.equal(connections.reduce((sum, c) => sum + c.answered, 0), 900);
        assert.ok(connections.every((c) => c.closed === null));
      } finally {
        await closeAll(connections);
      }
    }),
  { timeout: 60_000 },
);

test(
  `load (${rt}): 20,000 requests over 20 connections, 16 pipelined per write`,
  () =>
    withLoadServer(async (port) => {
      const connections = await openMany(port, 20);
      try {
        await Promise.all(connections.map((c) => c.run(1000, 16)));
        assert.equal(connections.reduce((sum, c) => sum + c.answered, 0), 20_000);
      } finally {
        await closeAll(connections);
      }
    }),
  { timeout: 60_000 },
);
