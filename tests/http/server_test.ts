// createServer(): the chapter's face, with Node's members and events and no
// web Request or Response on its path.

import assert from "node:assert/strict";
import * as nodeNet from "node:net";
import type { IncomingMessage, ServerResponse } from "../../http/mod.ts";
import { once, type Socket } from "../../net/mod.ts";
import { runtimeName, test } from "../_harness.ts";
import { bodyText, header, probe } from "./_probe.ts";
import { startChapter, stopChapter } from "./_servers.ts";

const rt = runtimeName;
const H = "Host: a\r\n";

test(`createServer (${rt}): req and res as Node has them`, async () => {
  let seen: Record<string, unknown> = {};
  const connections: string[] = [];
  const { server, port } = await startChapter({}, (req, res) => {
    seen = {
      method: req.method,
      url: req.url,
      version: req.httpVersion,
      minor: req.httpVersionMinor,
      host: req.headers.host,
      cookie: req.headers.cookie,
      setCookie: req.headers["set-cookie"],
      accept: req.headers.accept,
      agent: req.headers["user-agent"],
      raw: req.rawHeaders.slice(0, 4),
      remote: req.socket.remoteAddress,
      encrypted: req.socket.encrypted,
    };
    res.statusCode = 201;
    res.statusMessage = "Made It";
    res.setHeader("X-One", "1");
    res.setHeader("x-one", "uno");
    res.setHeader("Set-Cookie", ["a=1", "b=2"]);
    res.appendHeader("X-Many", "a");
    res.appendHeader("x-many", ["b", "c"]);
    res.setHeader("X-Gone", "soon");
    res.removeHeader("x-gone");
    assert.equal(res.getHeader("X-ONE"), "uno");
    assert.deepEqual(res.getHeaderNames(), ["x-one", "set-cookie", "x-many"]);
    assert.equal(res.hasHeader("x-gone"), false);
    assert.equal(res.headersSent, false);
    res.end("done");
    assert.equal(res.headersSent, true);
    assert.throws(() => res.setHeader("late", "x"), /after they are sent/);
  });
  server.on("connection", (socket) => connections.push(socket.remoteAddress ?? "?"));
  const result = await probe(
    port,
    `GET /path?x=1 HTTP/1.1\r\nHost: h\r\nCookie: a=1\r\nCookie: b=2\r\nAccept: x\r\nAccept: y\r\n` +
      `Set-Cookie: s=1\r\nUser-Agent: first\r\nUser-Agent: second\r\n\r\n`,
    { responses: 1 },
  );
  const response = result.responses[0];
  assert.ok(result.text.startsWith("HTTP/1.1 201 Made It\r\n"));
  assert.equal(header(response, "x-one"), "uno");
  assert.deepEqual(
    response.headers.filter(([n]) => n.toLowerCase() === "set-cookie").map(([, v]) => v),
    ["a=1", "b=2"],
  );
  assert.deepEqual(
    response.headers.filter(([n]) => n.toLowerCase() === "x-many").map(([, v]) => v),
    ["a", "b", "c"],
  );
  assert.equal(header(response, "content-length"), "4");
  assert.equal(bodyText(response), "done");
  assert.deepEqual(seen, {
    method: "GET",
    url: "/path?x=1",
    version: "1.1",
    minor: 1,
    host: "h",
    cookie: "a=1; b=2",
    setCookie: ["s=1"],
    accept: "x, y",
    agent: "first",
    raw: ["Host", "h", "Cookie", "a=1"],
    remote: "127.0.0.1",
    encrypted: false,
  });
  assert.deepEqual(connections, ["127.0.0.1"]);
  await stopChapter(server);
});

test(`createServer (${rt}): writeHead with records and flat lists; chunked when the length is unknown`, async () => {
  const { server, port } = await startChapter({}, (req, res) => {
    if (req.url === "/record") {
      res.writeHead(200, { "Content-Type": "text/plain", "X-Num": 5 }).end("rec");
    } else if (req.url === "/flat") {
      res.writeHead(202, "Fine", ["X-A", "1", "X-A", "2"]);
      res.end();
    } else if (req.url === "/chunked") {
      res.write("a");
      res.write(new Uint8Array([0x62]));
      res.end("c");
    } else {
      res.setHeader("Content-Length", "3");
      res.write("ab");
      res.end("c");
    }
  });
  const result = await probe(
    port,
    ["/record", "/flat", "/chunked", "/length"].map((p) => `GET ${p} HTTP/1.1\r\n${H}\r\n`).join(
      "",
    ),
    { responses: 4 },
  );
  const [record, flat, chunked, length] = result.responses;
  assert.equal(header(record, "x-num"), "5");
  assert.equal(header(record, "content-length"), "3");
  assert.equal(bodyText(record), "rec");
  assert.equal(flat.status, 202);
  assert.equal(flat.reason, "Fine");
  assert.equal(header(flat, "content-length"), "0");
  assert.equal(header(chunked, "transfer-encoding"), "chunked");
  assert.equal(bodyText(chunked), "abc");
  assert.equal(header(length, "content-length"), "3");
  assert.equal(header(length, "transfer-encoding"), undefined);
  assert.equal(bodyText(length), "abc");
  await stopChapter(server);
});

test(`createServer (${rt}): bodies through data events, pipe, for await and a web stream`, async () => {
  const { server, port } = await startChapter({}, async (req, res) => {
    if (req.url === "/events") {
      let text = "";
      req.setEncoding("utf8");
      req.on("data", (chunk) => (text += chunk));
      req.on("end", () => res.end(`events:${text}`));
    } else if (req.url === "/pipe") {
      req.pipe(res);
    } else if (req.url === "/iterate") {
      let size = 0;
      for await (const chunk of req) size += chunk.length;
      res.end(`iterate:${size}`);
    } else {
      const text = await new Response(req.body).text();
      res.end(`stream:${text}`);
    }
  });
  const post = (path: string, body: string) =>
    `POST ${path} HTTP/1.1\r\n${H}Content-Length: ${body.length}\r\n\r\n${body}`;
  const result = await probe(
    port,
    [
      post("/events", "hello"),
      post("/pipe", "echo me"),
      post("/iterate", "x".repeat(70000)),
      post("/stream", "web"),
    ].join(""),
    { responses: 4, deadline: 5000 },
  );
  assert.deepEqual(result.responses.map(bodyText), [
    "events:hello",
    "echo me",
    "iterate:70000",
    "stream:web",
  ]);
  await stopChapter(server);
});

test(`createServer (${rt}): write() returns false under back-pressure, then drain`, async () => {
  let drained = false;
  let falseSeen = false;
  const { server, port } = await startChapter({}, (_req, res) => {
    const chunk = new Uint8Array(65536).fill(0x61);
    let sent = 0;
    const pump = () => {
      while (sent < 64) {
        sent++;
        if (!res.write(chunk)) {
          falseSeen = true;
          res.once("drain", () => {
            drained = true;
            pump();
          });
          return;
        }
      }
      res.end();
    };
    pump();
  });
  const socket = nodeNet.connect({ port, host: "127.0.0.1" });
  await new Promise((resolve) => socket.once("connect", resolve));
  socket.write(`GET / HTTP/1.1\r\n${H}Connection: close\r\n\r\n`);
  let received = 0;
  socket.on("data", (chunk: Uint8Array) => (received += chunk.length));
  await new Promise((resolve) => socket.once("close", resolve));
  assert.ok(falseSeen && drained);
  assert.ok(received > 64 * 65536);
  await stopChapter(server);
});

test(`createServer (${rt}): 100-continue, with and without a checkContinue listener`, async () => {
  const auto = await startChapter({}, (req, res) => req.pipe(res));
  const sent = await probe(
    auto.port,
    [
      `POST / HTTP/1.1\r\n${H}Content-Length: 2\r\nExpect: 100-continue\r\n\r\n`,
      { wait: 50 },
      "ok",
    ],
    { responses: 1 },
  );
  assert.ok(sent.text.startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK"), sent.text);
  await stopChapter(auto.server);

  const checked = await startChapter({}, () => {});
  checked.server.on("checkContinue", (req, res) => {
    if (req.headers["x-allow"] === "yes") {
      res.writeContinue();
      req.pipe(res);
    } else {
      res.statusCode = 403;
      res.end("no");
    }
  });
  const refused = await probe(
    checked.port,
    `POST / HTTP/1.1\r\n${H}Content-Length: 2\r\nExpect: 100-continue\r\n\r\n`,
    { responses: 1 },
  );
  assert.equal(refused.responses[0].status, 403);
  assert.equal(refused.text.includes("100 Continue"), false);
  const allowed = await probe(
    checked.port,
    [`POST / HTTP/1.1\r\n${H}X-Allow: yes\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n`, {
      wait: 50,
    }, "hi"],
    { responses: 1 },
  );
  assert.equal(bodyText(allowed.responses[1]), "hi");
  await stopChapter(checked.server);
});

test(`createServer (${rt}): checkExpectation handles other expectations (417 without it)`, async () => {
  const { server, port } = await startChapter({}, (_req, res) => res.end("plain"));
  assert.equal(
    (await probe(port, `GET / HTTP/1.1\r\n${H}Expect: x\r\n\r\n`, { responses: 1 })).responses[0]
      .status,
    417,
  );
  server.on("checkExpectation", (req, res) => res.end(`expected ${req.headers.expect}`));
  const handled = await probe(port, `GET / HTTP/1.1\r\n${H}Expect: x\r\n\r\n`, { responses: 1 });
  assert.equal(bodyText(handled.responses[0]), "expected x");
  await stopChapter(server);
});

test(`createServer (${rt}): upgrade and connect hand a net Socket over`, async () => {
  const { server, port } = await startChapter({}, (_req, res) => res.end("plain"));
  server.on("upgrade", (req: IncomingMessage, socket: Socket, head: Uint8Array) => {
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${req.headers.upgrade}\r\nConnection: Upgrade\r\n\r\n`,
    );
    socket.write(head);
    socket.on("data", (bytes) => socket.write(bytes));
    socket.on("end", () => socket.end());
  });
  server.on("connect", (req: IncomingMessage, socket: Socket, head: Uint8Array) => {
    socket.write(`HTTP/1.1 200 Connection Established\r\n\r\n${req.url}|`);
    socket.write(head);
    socket.on("data", (bytes) => socket.write(bytes));
    socket.on("end", () => socket.end());
  });
  const upgraded = await probe(
    port,
    [
      `GET / HTTP/1.1\r\n${H}Upgrade: echo\r\nConnection: Upgrade\r\n\r\nfirst`,
      { wait: 50 },
      "+second",
      {
        end: true,
      },
    ],
    { deadline: 3000 },
  );
  assert.ok(upgraded.text.startsWith("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\n"));
  assert.ok(upgraded.text.endsWith("\r\n\r\nfirst+second"), upgraded.text);
  const tunnel = await probe(
    port,
    [
      `CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\nearly`,
      { wait: 50 },
      "+late",
      {
        end: true,
      },
    ],
    { deadline: 3000 },
  );
  assert.ok(tunnel.text.endsWith("\r\n\r\nexample.com:443|early+late"), tunnel.text);
  const plain = await probe(port, `GET / HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
  assert.equal(bodyText(plain.responses[0]), "plain");
  await stopChapter(server);
});

test(`createServer (${rt}): clientError listeners answer malformed requests themselves`, async () => {
  const { server, port } = await startChapter({}, (_req, res) => res.end("ok"));
  const errors: string[] = [];
  server.on("clientError", (error, socket) => {
    errors.push(error.code);
    socket.end("HTTP/1.1 400 Custom\r\nConnection: close\r\n\r\n");
  });
  const result = await probe(port, `GET / HTTP/1.1\r\nBad Header\r\n\r\n`, { deadline: 3000 });
  assert.ok(result.text.startsWith("HTTP/1.1 400 Custom\r\n"), result.text);
  assert.ok(result.closed);
  assert.deepEqual(errors, ["INVALID_HEADER_NAME"]);
  await stopChapter(server);
});

test(`createServer (${rt}): a throwing listener gets 500 and an error event; the server lives on`, async () => {
  const errors: Error[] = [];
  const { server, port } = await startChapter({}, (req, res: ServerResponse) => {
    if (req.url === "/throw") throw new Error("listener bug");
    res.end("fine");
  });
  server.on("error", (error) => errors.push(error));
  const result = await probe(port, `GET /throw HTTP/1.1\r\n${H}\r\nGET / HTTP/1.1\r\n${H}\r\n`, {
    responses: 2,
  });
  assert.deepEqual(result.responses.map((r) => r.status), [500, 200]);
  assert.equal(errors[0]?.message, "listener bug");
  await stopChapter(server);
});

test(`createServer (${rt}): close() waits for requests in progress; address, listening, getConnections`, async () => {
  const { server, port } = await startChapter({}, (_req, res) => {
    setTimeout(() => res.end("late but complete"), 150);
  });
  assert.equal(server.listening, true);
  assert.equal((server.address() as { port: number }).port, port);
  const pending = probe(port, `GET / HTTP/1.1\r\n${H}\r\n`, { deadline: 3000 });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(server.getConnections(), 1);
  const closed = once(server, "close");
  server.close();
  assert.equal(server.listening, false);
  const result = await pending;
  assert.equal(bodyText(result.responses[0]), "late but complete");
  assert.equal(header(result.responses[0], "connection"), "close");
  await closed;
  await new Promise<void>((resolve) => {
    server.close((error) => {
      assert.equal((error as { code?: string }).code, "ERR_SERVER_NOT_RUNNING");
      resolve();
    });
  });
});

test(`createServer (${rt}): Node's settable limits; early hints and trailers`, async () => {
  const { server, port } = await startChapter({}, (req, res) => {
    if (req.url === "/hints") {
      res.writeEarlyHints({ link: "</a.css>; rel=preload" });
      res.end("after hints");
      return;
    }
    res.setHeader("Trailer", "X-Sum");
    res.write("body");
    res.addTrailers({ "X-Sum": "42" });
    res.end();
  });
  server.keepAliveTimeout = 7000;
  server.headersTimeout = 5000;
  server.maxRequestsPerSocket = 1;
  assert.equal(server.keepAliveTimeout, 7000);
  assert.throws(() => (server.requestTimeout = 1000), /must not exceed requestTimeout/);
  const result = await probe(port, `GET /hints HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
  assert.equal(result.responses[0].status, 103);
  assert.equal(header(result.responses[0], "link"), "</a.css>; rel=preload");
  assert.equal(header(result.responses[1], "connection"), "close");
  server.maxRequestsPerSocket = 0;
  const trailers = await probe(port, `GET / HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
  assert.equal(header(trailers.responses[0], "keep-alive"), "timeout=7");
  assert.deepEqual(trailers.responses[0].trailers, [["X-Sum", "42"]]);
  await stopChapter(server);
});

test(`createServer (${rt}): a throwing body listener gets 500; the process and server live on`, async () => {
  const errors: Error[] = [];
  const { server, port } = await startChapter({}, (req, res) => {
    if (req.url === "/bad") {
      req.on("data", () => {
        throw new Error("data listener bug");
      });
      return;
    }
    res.end("fine");
  });
  server.on("error", (error) => errors.push(error));
  const result = await probe(
    port,
    `POST /bad HTTP/1.1\r\n${H}Content-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\n${H}\r\n`,
    { responses: 2 },
  );
  assert.deepEqual(result.responses.map((r) => r.status), [500, 200]);
  assert.equal(errors[0]?.message, "data listener bug");
  await stopChapter(server);
});
