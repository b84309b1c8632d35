// The keep-alive race, many times over: a server that closes each idle
// connection a few milliseconds after its last answer, without announcing it
// (with a FIN or a reset), against a client that reuses connections after
// gaps of the same few milliseconds. No request may be lost (each either
// succeeds, answered once, or fails with a typed error), none may be sent twice
// unless it is idempotent, and idempotent ones are retried rather than failed.

import assert from "node:assert/strict";
import { fetch, HttpClientError } from "../../http/mod.ts";
import { test } from "../_harness.ts";
import { sleep, withRaw } from "./_client_helpers.ts";
import { respond } from "./_raw_server.ts";

const ROUNDS = 300;

test("keep-alive race: 300 reuses of connections closed under the client's feet", async () => {
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const latest = new Map<number, number>();
  await withRaw((request, c) => {
    c.write(respond(200, request.path));
    // close this connection soon, with a FIN or a reset, unless another request comes first
    latest.set(c.number, request.index);
    const withReset = random() < 0.5;
    c.later(Math.floor(random() * 4), () => {
      if (latest.get(c.number) !== request.index) return;
      if (withReset) c.socket.destroy();
      else c.socket.end();
    });
  }, async (server, agent) => {
    const outcomes: Array<{ id: string; method: string; ok: boolean; code?: string }> = [];
    for (let i = 0; i < ROUNDS; i++) {
      const method = ["GET", "PUT", "POST"][i % 3];
      const id = `/r${i}`;
      try {
        const response = await fetch(`${server.origin}${id}`, {
          agent,
          method,
          body: method === "GET" ? undefined : `body ${i}`,
        });
        assert.equal(await response.text(), id);
        outcomes.push({ id, method, ok: true });
      } catch (error) {
        const cause = (error as Error).cause;
        assert.ok(cause instanceof HttpClientError, String(error));
        outcomes.push({ id, method, ok: false, code: cause.code });
      }
      await sleep(Math.floor(random() * 4));
    }
    const seen = new Map<string, number>();
    for (const request of server.requests) {
      seen.set(request.path, (seen.get(request.path) ?? 0) + 1);
    }
    for (const outcome of outcomes) {
      const times = seen.get(outcome.id) ?? 0;
      if (outcome.method === "POST") {
        // a failed POST may have reached the server (after its FIN): once at most
        assert.ok(times <= 1, `POST ${outcome.id} reached the server ${times} times`);
        if (outcome.ok) assert.equal(times, 1);
        else {assert.ok(
            ["ECONNRESET", "NO_RESPONSE", "EPIPE"].includes(outcome.code!),
            outcome.code,
          );}
      } else {
        // idempotent: retried once on a fresh connection, which answers
        assert.ok(outcome.ok, `${outcome.method} ${outcome.id} failed: ${outcome.code}`);
        assert.ok(times >= 1 && times <= 2, `${outcome.method} ${outcome.id} sent ${times} times`);
      }
    }
  }, { maxSockets: 1 });
}, { timeout: 60_000 });
