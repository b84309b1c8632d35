// The Agent's pool: reuse order, limits, idle retirement, queue, statistics,
// timings, destroy, Unix sockets.

import assert from "node:assert/strict";
import * as http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { Agent, type ClientResponse, fetch, HttpClientError, request } from "../../http/mod.ts";
import { test } from "../_harness.ts";
import { rejectsWithCode, settle, sleep, until, withRaw } from "./_client_helpers.ts";
import { rawServer, respond } from "./_raw_server.ts";

const echoConnection = (request: { connection: number; path: string }) =>
  respond(200, `${request.connection}`);

async function text(url: string, agent: Agent): Promise<string> {
  return await (await fetch(url, { agent })).text();
}

test("agent: the most recently used free connection goes first (LIFO); fifo takes the oldest", async () => {
  for (const scheduling of ["lifo", "fifo"] as const) {
    await withRaw(
      (request, c) => c.later(5, () => c.write(echoConnection(request))),
      async (server, agent) => {
        // three connections at once, then free
        const first = await Promise.all([1, 2, 3].map(() => text(server.origin, agent)));
        assert.deepEqual(first.sort(), ["1", "2", "3"]);
        await sleep(10);
        // the one freed last was 3 (they answered in order), so LIFO reuses 3
        const next = await text(server.origin, agent);
        if (scheduling === "lifo") assert.equal(next, first.at(-1));
        else assert.equal(next, "1");
      },
      { scheduling },
    );
  }
});

test("agent: maxFreeSockets closes the free connections past the limit", async () => {
  await withRaw(
    (request, c) => c.later(5, () => c.write(echoConnection(request))),
    async (server, agent) => {
      await Promise.all([1, 2, 3, 4].map(() => text(server.origin, agent)));
      await sleep(20);
      assert.equal(agent.stats().idle, 2);
      assert.equal(server.open, 2);
    },
    { maxFreeSockets: 2 },
  );
});

test("agent: idleTimeout retires free connections", async () => {
  await withRaw((request, c) => c.write(echoConnection(request)), async (server, agent) => {
    assert.equal(await text(server.origin, agent), "1");
    await sleep(20);
    assert.equal(agent.stats().idle, 1);
    await sleep(150);
    assert.equal(agent.stats().open, 0);
    assert.equal(await text(server.origin, agent), "2");
  }, { idleTimeout: 100 });
});

test("agent: keepAlive: false uses a connection per request", async () => {
  await withRaw((request, c) => c.write(echoConnection(request)), async (server, agent) => {
    assert.equal(await text(server.origin, agent), "1");
    assert.equal(await text(server.origin, agent), "2");
    assert.equal(agent.stats().open, 0);
  }, { keepAlive: false });
});

test("agent: maxTotalSockets holds across origins, closing free connections of other origins", async () => {
  const other = await rawServer((request, c) => c.write(echoConnection(request)));
  try {
    await withRaw(
      (request, c) => c.later(10, () => c.write(echoConnection(request))),
      async (server, agent) => {
        await Promise.all([1, 2].map(() => text(server.origin, agent)));
        await sleep(10);
        assert.equal(agent.stats().idle, 2);
        // the other origin needs room: a free connection of the first is closed for it
        assert.equal(await text(other.origin, agent), "1");
        const stats = agent.stats();
        assert.ok(stats.open <= 2);
        assert.equal(Object.keys(stats.routes).length, 2);
        // and with both busy, a third request waits for room
        const results = await Promise.all([
          text(server.origin, agent),
          text(server.origin, agent),
          text(other.origin, agent),
        ]);
        assert.equal(results.length, 3);
        assert.ok(server.maxOpen + other.maxOpen <= 3);
      },
      { maxTotalSockets: 2 },
    );
  } finally {
    await other.close();
  }
});

test("agent: maxQueue refuses requests past the queue with QUEUE_FULL", async () => {
  await withRaw(
    (request, c) => c.later(30, () => c.write(echoConnection(request))),
    async (server, agent) => {
      const running = text(server.origin, agent);
      await until(() => agent.stats().busy === 1);
      const queued = text(server.origin, agent);
      await rejectsWithCode(fetch(server.origin, { agent }), "QUEUE_FULL", { phase: "queue" });
      assert.deepEqual(await Promise.all([running, queued]), ["1", "1"]);
    },
    { maxSockets: 1, maxQueue: 1 },
  );
});

test("agent: stats count open, idle, busy, pending per route, and totals", async () => {
  await withRaw(
    (request, c) => c.later(150, () => c.write(echoConnection(request))),
    async (server, agent) => {
      const pending = [1, 2, 3].map(() => text(server.origin, agent));
      await until(() => agent.stats().busy === 2);
      const during = agent.stats();
      assert.equal(during.open, 2);
      assert.equal(during.busy, 2);
      assert.equal(during.pending, 1);
      assert.deepEqual(Object.keys(during.routes), [`http://127.0.0.1:${server.port}`]);
      await Promise.all(pending);
      await until(() => agent.stats().idle === 2);
      const after = agent.stats();
      assert.equal(after.busy, 0);
      assert.equal(after.pending, 0);
      assert.equal(after.idle, 2);
      assert.equal(after.created, 2);
      assert.equal(after.requests, 3);
    },
    { maxSockets: 2 },
  );
});

test("agent: timings of a fresh and of a reused connection", async () => {
  await withRaw(
    (request, c) => c.later(15, () => c.write(echoConnection(request))),
    async (server, agent) => {
      const fresh = await fetch(server.origin, { agent });
      await fresh.text();
      assert.equal(fresh.timings.reused, false);
      assert.ok(fresh.timings.connect > 0);
      assert.ok(fresh.timings.firstByte >= 10, `first byte after ${fresh.timings.firstByte} ms`);
      assert.ok(fresh.timings.total >= fresh.timings.firstByte);
      await sleep(5);
      const reused = await fetch(server.origin, { agent });
      await reused.text();
      assert.equal(reused.timings.reused, true);
      assert.equal(reused.timings.connect, 0);
    },
  );
});

test("agent: destroy fails what waits and what runs with AGENT_DESTROYED", async () => {
  const server = await rawServer(() => {});
  const agent = new Agent({ maxSockets: 1 });
  const running = fetch(server.origin, { agent });
  const waiting = fetch(server.origin, { agent });
  await sleep(20);
  agent.destroy();
  await rejectsWithCode(running, "AGENT_DESTROYED");
  await rejectsWithCode(waiting, "AGENT_DESTROYED");
  await rejectsWithCode(fetch(server.origin, { agent }), "AGENT_DESTROYED");
  assert.equal(agent.stats().open, 0);
  await server.close();
  await settle();
});

test("agent: options are checked", () => {
  assert.throws(() => new Agent({ maxSockets: 0 }), HttpClientError);
  assert.throws(() => new Agent({ timeouts: { connect: -1 } }), HttpClientError);
});

test("agent: a request with agent: false gets a connection of its own", async () => {
  const server = await rawServer((request, c) => c.write(echoConnection(request)));
  for (let i = 1; i <= 2; i++) {
    const response = await new Promise<ClientResponse>((resolve) =>
      request(server.origin, { agent: false }, resolve).end()
    );
    assert.equal(await response.text(), String(i));
  }
  await server.close();
  await settle();
});

const unixSkip = process.platform === "win32";
test("agent: socketPath sends requests over a Unix domain socket", async () => {
  const dir = mkdtempSync(join(tmpdir(), "wirestack-"));
  const path = join(dir, "http.sock");
  const server = http.createServer((req, res) => res.end(`unix ${req.url} ${req.headers.host}`));
  await new Promise<void>((resolve) => server.listen(path, resolve));
  const agent = new Agent();
  try {
    const response = await new Promise<ClientResponse>((resolve) =>
      request({ socketPath: path, path: "/over/unix", agent }, resolve).end()
    );
    assert.equal(await response.text(), "unix /over/unix localhost");
    assert.deepEqual(Object.keys(agent.stats().routes), [`unix:${path}`]);
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
    await settle();
  }
}, { skip: unixSkip });
