// The server's timeouts, each just under and just past its limit, with raw
// sockets: headersTimeout (408, or a silent close when nothing came),
// requestTimeout (408), keepAliveTimeout (silent close), idleTimeout, and a
// slowloris client trickling a head.

import assert from "node:assert/strict";
import { runtimeName, test } from "../_harness.ts";
import { bodyText, header, probe } from "./_probe.ts";
import { startServe } from "./_servers.ts";

const rt = runtimeName;
const H = "Host: a\r\n";
const HEADERS = 300;
const REQUEST = 600;
const KEEP_ALIVE = 400;
const IDLE = 900;
/** Lateness allowed past a deadline on a loaded machine. */
const SLACK = 1500;

async function withServer(fn: (port: number, events: string[]) => Promise<void>): Promise<void> {
  const { server, port, events } = await startServe({
    headersTimeout: HEADERS,
    requestTimeout: REQUEST,
    keepAliveTimeout: KEEP_ALIVE,
    idleTimeout: IDLE,
  });
  try {
    await fn(port, events);
  } finally {
    await server.close();
  }
}

test(`serve timeouts (${rt}): a head completed before headersTimeout is served`, () =>
  withServer(async (port) => {
    const result = await probe(port, ["GET / HTTP/1.1\r\n", { wait: HEADERS / 2 }, `${H}\r\n`], {
      responses: 1,
    });
    assert.equal(result.responses[0].status, 200);
  }));

test(`serve timeouts (${rt}): a head cut past headersTimeout gets 408 and a close`, () =>
  withServer(async (port) => {
    const result = await probe(port, "GET / HTTP/1.1\r\nHost: a\r\n", {
      deadline: HEADERS + SLACK,
    });
    assert.equal(result.responses.length, 1, result.text);
    assert.equal(result.responses[0].status, 408);
    assert.equal(header(result.responses[0], "connection"), "close");
    assert.ok(result.closed);
    assert.ok(result.ms >= HEADERS - 20, `closed after ${result.ms} ms`);
  }));

test(`serve timeouts (${rt}): a connection that sends nothing is closed without an answer`, () =>
  withServer(async (port) => {
    const result = await probe(port, [], { deadline: HEADERS + SLACK });
    assert.ok(result.closed);
    assert.equal(result.text, "");
    assert.ok(result.ms >= HEADERS - 20, `closed after ${result.ms} ms`);
  }));

test(`serve timeouts (${rt}): a slowloris head trickling bytes is cut at headersTimeout`, () =>
  withServer(async (port) => {
    const steps = [];
    for (const char of `GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ${"s".repeat(60)}\r\n\r\n`) {
      steps.push(char, { wait: 20 });
    }
    const result = await probe(port, steps, { deadline: SLACK });
    assert.equal(result.responses[0]?.status, 408, result.text);
    assert.ok(result.closed);
    assert.ok(result.ms < HEADERS + SLACK, `cut after ${result.ms} ms`);
  }));

test(`serve timeouts (${rt}): a body completed before requestTimeout is read`, () =>
  withServer(async (port) => {
    const result = await probe(
      port,
      [`POST /echo HTTP/1.1\r\n${H}Content-Length: 4\r\n\r\nab`, { wait: REQUEST / 2 }, "cd"],
      { responses: 1 },
    );
    assert.equal(bodyText(result.responses[0]), "abcd");
  }));

test(`serve timeouts (${rt}): a body stalled past requestTimeout gets 408 and a close`, () =>
  withServer(async (port) => {
    const result = await probe(
      port,
      `POST /echo HTTP/1.1\r\n${H}Content-Length: 4\r\n\r\nab`,
      { deadline: REQUEST + SLACK },
    );
    assert.equal(result.responses[0]?.status, 408, result.text);
    assert.ok(result.closed);
    assert.ok(result.ms >= REQUEST - 20, `closed after ${result.ms} ms`);
  }));

test(`serve timeouts (${rt}): a keep-alive connection reused before keepAliveTimeout is served`, () =>
  withServer(async (port) => {
    const result = await probe(
      port,
      [`GET / HTTP/1.1\r\n${H}\r\n`, { wait: KEEP_ALIVE / 2 }, `GET /method HTTP/1.1\r\n${H}\r\n`],
      { responses: 2 },
    );
    assert.deepEqual(result.responses.map(bodyText), ["hello", "GET"]);
  }));

test(`serve timeouts (${rt}): an idle keep-alive connection is closed silently after keepAliveTimeout`, () =>
  withServer(async (port) => {
    const result = await probe(port, `GET / HTTP/1.1\r\n${H}\r\n`, {
      deadline: KEEP_ALIVE + SLACK,
    });
    assert.equal(result.responses.length, 1);
    assert.ok(result.closed);
    assert.ok(result.text.endsWith("hello"), "nothing after the response");
    assert.ok(result.ms >= KEEP_ALIVE - 20, `closed after ${result.ms} ms`);
  }));

test(`serve timeouts (${rt}): the next head's timeout starts with its first byte`, () =>
  withServer(async (port) => {
    const result = await probe(
      port,
      [
        `GET / HTTP/1.1\r\n${H}\r\n`,
        { wait: KEEP_ALIVE / 2 },
        "GET /method HTTP/1.1\r\n",
        { wait: HEADERS * 0.6 },
        `${H}\r\n`,
      ],
      { responses: 2 },
    );
    assert.deepEqual(result.responses.map(bodyText), ["hello", "GET"]);
  }));

test(`serve timeouts (${rt}): a handler idle past idleTimeout loses its connection, its signal aborts`, () =>
  withServer(async (port, events) => {
    const result = await probe(port, `GET /never HTTP/1.1\r\n${H}\r\n`, { deadline: IDLE + SLACK });
    assert.ok(result.closed);
    assert.equal(result.text, "");
    assert.ok(result.ms >= IDLE - 20, `closed after ${result.ms} ms`);
    for (let i = 0; i < 50 && events.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(events, ["never aborted"]);
  }));

test(`serve timeouts (${rt}): a slow handler under idleTimeout answers`, () =>
  withServer(async (port) => {
    const result = await probe(port, `GET /slow?ms=${IDLE / 2} HTTP/1.1\r\n${H}\r\n`, {
      responses: 1,
    });
    assert.equal(bodyText(result.responses[0]), "slow");
  }));

test(`serve limits (${rt}): maxConnections: the limit is served, one past it is closed, idle ones make room`, async () => {
  const { server, port } = await startServe({ maxConnections: 3, headersTimeout: 5000 });
  try {
    // three connections with a request head in progress: the limit
    const busy = [0, 1, 2].map(() =>
      probe(port, ["GET / HTTP/1.1\r\n", { wait: 600 }, `${H}\r\n`], {
        responses: 1,
        deadline: 3000,
      })
    );
    await new Promise((r) => setTimeout(r, 150));
    const refused = await probe(port, `GET / HTTP/1.1\r\n${H}\r\n`, { deadline: 2000 });
    assert.ok(refused.closed && refused.responses.length === 0, "the fourth connection is closed");
    const served = await Promise.all(busy);
    for (const result of served) assert.equal(result.responses[0]?.status, 200);
    // three idle keep-alive connections: a new one closes the oldest idle one
    const idle = [0, 1, 2].map(() => probe(port, `GET / HTTP/1.1\r\n${H}\r\n`, { deadline: 700 }));
    await new Promise((r) => setTimeout(r, 150));
    const fresh = await probe(port, `GET /method HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
    assert.equal(bodyText(fresh.responses[0]), "GET");
    const evicted = await Promise.race(idle.map((p) => p.then((r) => r.closed)));
    assert.ok(evicted);
    await Promise.all(idle);
  } finally {
    await server.close();
  }
});

test(`serve limits (${rt}): 100 slowloris clients do not starve a normal one`, async () => {
  const { server, port } = await startServe({ headersTimeout: 800, requestTimeout: 1600 });
  try {
    const slow = Array.from({ length: 100 }, () => {
      const steps = [];
      for (let i = 0; i < 40; i++) steps.push("X", { wait: 30 });
      return probe(port, ["GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ", ...steps], { deadline: 3000 });
    });
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    const normal = await probe(port, `GET /method HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
    assert.equal(bodyText(normal.responses[0]), "GET");
    assert.ok(Date.now() - started < 700, `the normal client waited ${Date.now() - started} ms`);
    for (const result of await Promise.all(slow)) {
      assert.equal(result.responses[0]?.status, 408, result.text);
      assert.ok(result.closed);
    }
  } finally {
    await server.close();
  }
});
