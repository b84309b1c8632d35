// serve(): the web face. Requests behave as web Requests, responses are read
// duck-typed, connections can be taken over, shutdown is graceful, each
// request's signal aborts when its client goes away.

import assert from "node:assert/strict";
import * as nodeNet from "node:net";
import type { Conn, NetError } from "../../adapters/mod.ts";
import { serve, TAKEOVER, type Takeover } from "../../http/mod.ts";
import { runtimeName, test } from "../_harness.ts";
import { bodyText, header, probe } from "./_probe.ts";

const rt = runtimeName;
const H = "Host: a\r\n";

test(`serve (${rt}): listens at once; addr, onListen and listening agree`, async () => {
  const seen: unknown[] = [];
  const server = serve(
    { port: 0, hostname: "127.0.0.1", onListen: (addr) => seen.push(addr) },
    () => new Response("ok"),
  );
  server.on("listening", (addr) => seen.push(addr));
  const addr = await server.listening;
  assert.equal(addr.hostname, "127.0.0.1");
  assert.ok(addr.port > 0);
  assert.deepEqual(server.addr, addr);
  assert.deepEqual(seen, [addr, addr]);
  const response = await fetch(`http://127.0.0.1:${addr.port}/`);
  assert.equal(await response.text(), "ok");
  await server.shutdown();
  await server.finished;
});

test(`serve (${rt}): serve(handler) and serve({ handler }) forms; a busy port rejects finished`, async () => {
  const first = serve({ port: 0, hostname: "127.0.0.1", handler: () => new Response("a") });
  const { port } = await first.listening;
  const second = serve({ port, hostname: "127.0.0.1" }, () => new Response("b"));
  const errors: unknown[] = [];
  second.on("error", (error) => errors.push(error));
  await assert.rejects(second.finished, (error: NetError) => error.code === "EADDRINUSE");
  assert.equal(errors.length, 1);
  assert.throws(() => serve({ port: 0 } as never, undefined as never), TypeError);
  await first.close();
});

test(`serve (${rt}): the request behaves as a web Request`, async () => {
  let captured: Record<string, unknown> = {};
  const server = serve({ port: 0, hostname: "127.0.0.1" }, async (request) => {
    captured = {
      method: request.method,
      url: request.url,
      type: request.headers.get("content-type"),
      custom: request.headers.get("X-Custom"),
      bodyUsedBefore: request.bodyUsed,
      json: await request.json(),
      bodyUsedAfter: request.bodyUsed,
      signal: request.signal instanceof AbortSignal && !request.signal.aborted,
      cache: request.cache,
      credentials: request.credentials,
      redirect: request.redirect,
      mode: request.mode,
      tag: Object.prototype.toString.call(request),
    };
    return new Response("ok");
  });
  const { port } = await server.listening;
  await (await fetch(`http://127.0.0.1:${port}/path?q=1`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-custom": "yes" },
    body: JSON.stringify({ a: [1, 2] }),
  })).text();
  const real = new Request(`http://127.0.0.1:${port}/path?q=1`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-custom": "yes" },
    body: JSON.stringify({ a: [1, 2] }),
  });
  assert.deepEqual(captured, {
    method: real.method,
    url: real.url,
    type: real.headers.get("content-type"),
    custom: real.headers.get("x-custom"),
    bodyUsedBefore: real.bodyUsed,
    json: await real.json(),
    bodyUsedAfter: real.bodyUsed,
    signal: true,
    cache: real.cache,
    credentials: real.credentials,
    redirect: real.redirect,
    mode: real.mode,
    tag: "[object Request]",
  });
  await server.close();
});

test(`serve (${rt}): request bodies read every way a Request reads them`, async () => {
  const results: Record<string, unknown> = {};
  const server = serve({ port: 0, hostname: "127.0.0.1" }, async (request) => {
    const how = new URL(request.url).pathname.slice(1);
    switch (how) {
      case "text":
        results.text = await request.text();
        break;
      case "arrayBuffer":
        results.arrayBuffer = new Uint8Array(await request.arrayBuffer()).length;
        break;
      case "bytes":
        results.bytes = (await request.bytes()).length;
        break;
      case "blob": {
        const blob = await request.blob();
        results.blob = [blob.size, blob.type];
        break;
      }
      case "formData": {
        const form = await request.formData();
        results.formData = [form.get("a"), (form.get("file") as File | null)?.name];
        break;
      }
      case "stream": {
        let size = 0;
        for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
          size += chunk.length;
        }
        results.stream = size;
        break;
      }
      case "clone": {
        const copy = request.clone();
        results.clone = [await request.text(), await copy.text()];
        break;
      }
      case "twice": {
        await request.text();
        results.twice = await request.text().then(() => "read again", (e) => e.constructor.name);
        break;
      }
      case "empty":
        results.empty = [request.body, await request.text(), request.bodyUsed];
        break;
    }
    return new Response("ok");
  });
  const { port } = await server.listening;
  const base = `http://127.0.0.1:${port}`;
  const big = "x".repeat(300_000);
  for (const how of ["text", "arrayBuffer", "bytes", "stream", "clone", "twice"]) {
    await (await fetch(`${base}/${how}`, {
      method: "POST",
      body: how === "text" ? "h\u00e9llo" : big,
    }))
      .text();
  }
  await (await fetch(`${base}/blob`, {
    method: "POST",
    body: "abc",
    headers: { "content-type": "text/x-test" },
  })).text();
  const form = new FormData();
  form.set("a", "1");
  form.set("file", new Blob(["content"]), "name.txt");
  await (await fetch(`${base}/formData`, { method: "POST", body: form })).text();
  await (await fetch(`${base}/empty`)).text();
  assert.deepEqual(results, {
    text: "h\u00e9llo",
    arrayBuffer: 300_000,
    bytes: 300_000,
    stream: 300_000,
    clone: [big, big],
    twice: "TypeError",
    blob: [3, "text/x-test"],
    formData: ["1", "name.txt"],
    empty: [null, "", false],
  });
  await server.close();
});

test(`serve (${rt}): duck-typed responses of every body kind`, async () => {
  const encoder = new TextEncoder();
  const server = serve({ port: 0, hostname: "127.0.0.1" }, (request) => {
    const path = new URL(request.url).pathname;
    const headers: Array<[string, string]> = [["x-kind", path.slice(1)]];
    switch (path) {
      case "/string":
        return { status: 200, statusText: "", headers, body: "text body" };
      case "/bytes":
        return {
          status: 201,
          statusText: "Made",
          headers: new Headers(headers),
          body: encoder.encode("bytes body"),
        };
      case "/stream":
        return {
          status: 200,
          headers,
          body: new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(encoder.encode("stream "));
              controller.enqueue(encoder.encode("body"));
              controller.close();
            },
          }),
        };
      case "/null":
        return { status: 204, statusText: "", headers, body: null };
      case "/response":
        return new Response("real response", { status: 202, headers: { "x-kind": "response" } });
      case "/response-bytes":
        return new Response(encoder.encode("bytes"), { headers: { "x-kind": "response-bytes" } });
      case "/json":
        return Response.json({ ok: true });
      case "/blob":
        return new Response(new Blob(["blob body"], { type: "text/x-blob" }));
      case "/bad-status":
        return { status: 99, headers, body: null };
      default:
        return { status: 404, headers, body: "none" };
    }
  });
  const { port } = await server.listening;
  const get = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    return [
      response.status,
      response.statusText,
      response.headers.get("x-kind"),
      await response.text(),
    ];
  };
  assert.deepEqual(await get("/string"), [200, "OK", "string", "text body"]);
  assert.deepEqual((await get("/bytes")).filter((_, i) => i !== 1), [201, "bytes", "bytes body"]);
  const made = await probe(port, `GET /bytes HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
  assert.ok(made.text.startsWith("HTTP/1.1 201 Made\r\n"), made.text);
  assert.deepEqual(await get("/stream"), [200, "OK", "stream", "stream body"]);
  assert.deepEqual(await get("/null"), [204, "No Content", "null", ""]);
  assert.deepEqual(await get("/response"), [202, "Accepted", "response", "real response"]);
  assert.deepEqual(await get("/response-bytes"), [200, "OK", "response-bytes", "bytes"]);
  assert.deepEqual((await get("/json")).slice(0, 1).concat((await get("/json"))[3]), [
    200,
    '{"ok":true}',
  ]);
  assert.deepEqual((await get("/blob"))[3], "blob body");
  assert.equal((await get("/bad-status"))[0], 500);
  const json = await fetch(`http://127.0.0.1:${port}/json`);
  assert.equal(json.headers.get("content-type"), "application/json");
  await json.text();
  await server.close();
});

test(`serve (${rt}): info gives the addresses, the TLS flag and completion`, async () => {
  let info: Record<string, unknown> = {};
  let completed: Promise<void> = Promise.resolve();
  const server = serve({ port: 0, hostname: "127.0.0.1" }, (_request, handlerInfo) => {
    info = {
      remote: handlerInfo.remoteAddr.transport === "tcp" && handlerInfo.remoteAddr.hostname,
      local: handlerInfo.localAddr.transport === "tcp" && handlerInfo.localAddr.port,
      encrypted: handlerInfo.encrypted,
      tls: handlerInfo.tls,
    };
    completed = handlerInfo.completed;
    return new Response("ok");
  });
  const { port } = await server.listening;
  await (await fetch(`http://127.0.0.1:${port}/`)).text();
  await completed;
  assert.deepEqual(info, { remote: "127.0.0.1", local: port, encrypted: false, tls: undefined });
  await server.close();
});

test(`serve (${rt}): the signal aborts when the client goes away mid-handler`, async () => {
  let aborted!: (reason: unknown) => void;
  const abortedReason = new Promise((resolve) => (aborted = resolve));
  let started!: () => void;
  const handlerStarted = new Promise<void>((resolve) => (started = resolve));
  const server = serve({ port: 0, hostname: "127.0.0.1" }, (request) => {
    started();
    return new Promise((resolve) => {
      request.signal.addEventListener("abort", () => {
        aborted(request.signal.reason);
        resolve(new Response("late"));
      });
    });
  });
  const { port } = await server.listening;
  const socket = nodeNet.connect({ port, host: "127.0.0.1" });
  socket.write(`GET / HTTP/1.1\r\n${H}\r\n`);
  await handlerStarted;
  socket.destroy();
  assert.ok((await abortedReason) instanceof Error);
  await server.close();
});

test(`serve (${rt}): a client that disconnects mid-body: the read fails, the server lives on`, async () => {
  let failure!: (error: unknown) => void;
  const failed = new Promise((resolve) => (failure = resolve));
  const server = serve({ port: 0, hostname: "127.0.0.1" }, async (request) => {
    try {
      await request.text();
    } catch (error) {
      failure(error);
    }
    return new Response("ok");
  });
  const { port } = await server.listening;
  const socket = nodeNet.connect({ port, host: "127.0.0.1" });
  socket.write(`POST / HTTP/1.1\r\n${H}Content-Length: 100000\r\n\r\n${"x".repeat(5000)}`);
  await new Promise((r) => setTimeout(r, 50));
  socket.destroy();
  assert.ok((await failed) instanceof Error);
  const after = await probe(port, `GET / HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
  assert.equal(bodyText(after.responses[0]), "ok");
  await server.close();
});

test(`serve (${rt}): graceful shutdown loses no in-flight request`, async () => {
  let arrived = 0;
  let allArrived!: () => void;
  const everyone = new Promise<void>((resolve) => (allArrived = resolve));
  const server = serve({ port: 0, hostname: "127.0.0.1" }, async (request) => {
    if (!request.url.endsWith("/warm") && ++arrived === 20) allArrived();
    await new Promise((r) => setTimeout(r, 100));
    return new Response(new URL(request.url).pathname);
  });
  const { port } = await server.listening;
  const idle = await probe(port, `GET /warm HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
  assert.equal(idle.responses.length, 1);
  const inFlight = Array.from(
    { length: 20 },
    (_, i) => probe(port, `GET /${i} HTTP/1.1\r\n${H}\r\n`, { deadline: 5000 }),
  );
  await everyone;
  const finished = server.shutdown();
  const results = await Promise.all(inFlight);
  results.forEach((result, i) => {
    assert.equal(result.responses.length, 1, result.text);
    assert.equal(bodyText(result.responses[0]), `/${i}`);
    assert.equal(header(result.responses[0], "connection"), "close");
    assert.ok(result.closed);
  });
  await finished;
  await assert.rejects(
    new Promise((resolve, reject) => {
      const socket = nodeNet.connect({ port, host: "127.0.0.1" }, () => {
        socket.destroy();
        resolve(null);
      });
      socket.on("error", reject);
    }),
  );
});

test(`serve (${rt}): shutdown closes idle keep-alive connections at once`, async () => {
  const server = serve({ port: 0, hostname: "127.0.0.1" }, () => new Response("ok"));
  const { port } = await server.listening;
  const kept = probe(port, `GET / HTTP/1.1\r\n${H}\r\n`, { deadline: 5000 });
  await new Promise((r) => setTimeout(r, 100));
  const started = Date.now();
  await server.shutdown();
  const result = await kept;
  assert.ok(result.closed);
  assert.ok(Date.now() - started < 2000);
});

test(`serve (${rt}): an upgrade is taken over after the 101`, async () => {
  let taken: Conn | null = null;
  const server = serve({ port: 0, hostname: "127.0.0.1" }, (request) => {
    const takeover: Takeover = (conn, head) => {
      taken = conn;
      conn.send(new TextEncoder().encode(`head=${new TextDecoder().decode(head)};`));
      conn.attach({
        onData: (bytes) => conn.send(bytes),
        onEnd: () => conn.end(() => conn.close()),
        onDrain: () => {},
        onError: () => conn.close(),
      });
    };
    assert.equal(request.headers.get("upgrade"), "echo");
    return {
      status: 101,
      statusText: "",
      headers: [["Upgrade", "echo"], ["Connection", "Upgrade"]],
      body: null,
      [TAKEOVER]: takeover,
    };
  });
  const { port } = await server.listening;
  const result = await probe(
    port,
    [
      `GET /chat HTTP/1.1\r\n${H}Upgrade: echo\r\nConnection: upgrade\r\n\r\nearly`,
      { wait: 100 },
      "later",
      { end: true },
    ],
    { deadline: 3000 },
  );
  assert.ok(
    result.text.startsWith(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n",
    ),
    result.text,
  );
  assert.ok(result.text.endsWith("\r\n\r\nhead=early;later"), result.text);
  assert.ok(result.closed);
  assert.notEqual(taken, null);
  await server.close();
});

test(`serve (${rt}): shutdown does not wait for taken-over connections; close() closes them`, async () => {
  let conn: Conn | null = null;
  const server = serve({ port: 0, hostname: "127.0.0.1" }, () => ({
    status: 101,
    headers: [["Upgrade", "x"], ["Connection", "Upgrade"]],
    body: null,
    [TAKEOVER]: ((c) => {
      conn = c;
      c.attach({ onData() {}, onEnd() {}, onDrain() {}, onError() {} });
    }) as Takeover,
  }));
  const { port } = await server.listening;
  const socket = nodeNet.connect({ port, host: "127.0.0.1" });
  const closed = new Promise((resolve) => socket.on("close", resolve));
  socket.on("error", () => {});
  socket.resume(); // read, to see the close
  socket.write(`GET / HTTP/1.1\r\n${H}Upgrade: x\r\nConnection: upgrade\r\n\r\n`);
  for (let i = 0; i < 100 && conn === null; i++) await new Promise((r) => setTimeout(r, 10));
  assert.notEqual(conn, null);
  await server.shutdown(); // resolves although the upgraded connection is open
  assert.equal(socket.destroyed, false);
  await server.close();
  await closed;
});

test(`serve (${rt}): a CONNECT answered 200 hands the tunnel over`, async () => {
  const server = serve({ port: 0, hostname: "127.0.0.1" }, (request) => {
    assert.equal(request.method, "CONNECT");
    assert.equal(new URL(request.url).host, "example.com:443");
    return {
      status: 200,
      headers: [],
      body: null,
      [TAKEOVER]: ((conn, head) => {
        if (head.length > 0) conn.send(head);
        conn.attach({
          onData: (bytes) => conn.send(bytes),
          onEnd: () => conn.end(() => conn.close()),
          onDrain() {},
          onError: () => conn.close(),
        });
      }) as Takeover,
    };
  });
  const { port } = await server.listening;
  const result = await probe(
    port,
    [
      `CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\nhello`,
      { wait: 50 },
      " tunnel",
      { end: true },
    ],
    { deadline: 3000 },
  );
  assert.ok(result.text.startsWith("HTTP/1.1 200 OK\r\n"), result.text);
  assert.ok(result.text.endsWith("\r\n\r\nhello tunnel"), result.text);
  await server.close();
});

test(`serve (${rt}): a takeover the request did not ask for answers 500`, async () => {
  const server = serve({ port: 0, hostname: "127.0.0.1" }, () => ({
    status: 101,
    headers: [],
    body: null,
    [TAKEOVER]: (() => {}) as Takeover,
  }));
  server.on("error", () => {});
  const { port } = await server.listening;
  const result = await probe(port, `GET / HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
  assert.equal(result.responses[0].status, 500);
  await server.close();
});

test(`serve (${rt}): onError answers for a throwing handler; errors are emitted`, async () => {
  const errors: unknown[] = [];
  const server = serve({
    port: 0,
    hostname: "127.0.0.1",
    onError: (error) => new Response(`sorry: ${(error as Error).message}`, { status: 503 }),
  }, () => {
    throw new Error("boom");
  });
  server.on("error", (error) => errors.push(error));
  const { port } = await server.listening;
  const response = await fetch(`http://127.0.0.1:${port}/`);
  assert.equal(response.status, 503);
  assert.equal(await response.text(), "sorry: boom");
  assert.equal(errors.length, 1);
  await server.close();
});

test(`serve (${rt}): back-pressure: a request body the handler reads slowly stops the reading`, async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let received = 0;
  const server = serve({ port: 0, hostname: "127.0.0.1" }, async (request) => {
    const reader = (request.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    received += first.value?.length ?? 0;
    await gate;
    for (let r = await reader.read(); !r.done; r = await reader.read()) received += r.value.length;
    return new Response(String(received));
  });
  const { port } = await server.listening;
  const total = 32 << 20;
  const socket = nodeNet.connect({ port, host: "127.0.0.1" });
  socket.on("error", () => {});
  await new Promise((resolve) => socket.once("connect", resolve));
  socket.write(`POST / HTTP/1.1\r\n${H}Content-Length: ${total}\r\n\r\n`);
  const chunk = new Uint8Array(1 << 16);
  for (let written = 0; written < total; written += chunk.length) socket.write(chunk);
  await new Promise((r) => setTimeout(r, 300));
  // The handler read one chunk: the server stopped reading, the client could not send it all.
  assert.ok(socket.writableLength > total / 2, `${socket.writableLength} bytes still to send`);
  const answer = new Promise<string>((resolve) => {
    let text = "";
    socket.on("data", (d: Uint8Array) => {
      text += new TextDecoder().decode(d);
      if (text.endsWith(String(total))) resolve(text);
    });
  });
  release();
  assert.ok((await answer).endsWith(`\r\n\r\n${total}`));
  socket.destroy();
  await server.close();
});

test(`serve (${rt}): back-pressure: a response stream waits for a client that does not read`, async () => {
  let pulled = 0;
  const server = serve({ port: 0, hostname: "127.0.0.1" }, () =>
    new Response(
      new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled++;
          controller.enqueue(new Uint8Array(65536));
          if (pulled === 2000) controller.close();
        },
      }),
    ));
  const { port } = await server.listening;
  const socket = nodeNet.connect({ port, host: "127.0.0.1" });
  socket.on("error", () => {});
  socket.pause();
  socket.write(`GET / HTTP/1.1\r\n${H}\r\n`);
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(pulled < 300, `the stream was pulled ${pulled} times without a reader`);
  socket.destroy();
  await server.close();
});
