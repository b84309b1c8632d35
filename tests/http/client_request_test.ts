// request() details against raw servers: 1xx and continue, upgrades with the
// bytes after the head, failures during the body, destroy and abort, timeouts,
// options, IPv6.

import assert from "node:assert/strict";
import { type ClientResponse, fetch, HttpClientError, request } from "../../http/mod.ts";
import type { Socket } from "../../net/mod.ts";
import { test } from "../_harness.ts";
import { sleep, withRaw } from "./_client_helpers.ts";
import { rawServer, respond } from "./_raw_server.ts";

function response(req: ReturnType<typeof request>): Promise<ClientResponse> {
  return new Promise((resolve, reject) => {
    req.on("response", resolve);
    req.on("error", reject);
  });
}

test("request: 100 Continue from a raw server; information for each 1xx", async () => {
  await withRaw(
    (request, c) => c.write(respond(200, `got ${request.body.length}`)),
    async (server, agent) => {
      const seen: string[] = [];
      const req = request(server.origin, {
        agent,
        method: "PUT",
        headers: { Expect: "100-continue", "Content-Length": "3" },
      });
      req.on(
        "information",
        (info) => seen.push(`${info.statusCode} ${info.headers["x-hint"] ?? ""}`),
      );
      req.on("continue", () => {
        seen.push("continue");
        req.end("abc");
      });
      const res = await response(req);
      assert.equal(await res.text(), "got 3");
      assert.deepEqual(seen, ["continue", "100 ", "103 yes"]);
    },
    {
      onConnection: (c) => {
        c.socket.once("data", () => {
          c.write("HTTP/1.1 100 Continue\r\n\r\n");
          c.write("HTTP/1.1 103 Early Hints\r\nX-Hint: yes\r\n\r\n");
        });
      },
    },
  );
});

test("request: an upgrade gives the bytes that came with the 101 as head, the rest through the socket", async () => {
  await withRaw((_, c) => {
    c.write(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\nfirst-bytes",
    );
    c.later(20, () => c.write("later-bytes"));
  }, async (server, agent) => {
    const req = request(server.origin, { agent, headers: { Upgrade: "x", Connection: "Upgrade" } });
    req.end();
    const [res, socket, head] = await new Promise<[ClientResponse, Socket, Uint8Array]>((resolve) =>
      req.on("upgrade", (r, s, h) => resolve([r, s, h]))
    );
    assert.equal(res.statusCode, 101);
    assert.equal(res.headers.upgrade, "x");
    assert.equal(new TextDecoder().decode(head), "first-bytes");
    const later = await new Promise<string>((resolve) =>
      socket.once("data", (chunk) => resolve(new TextDecoder().decode(chunk)))
    );
    assert.equal(later, "later-bytes");
    socket.destroy();
    assert.equal(agent.stats().open, 0);
  });
});

test("request: without an upgrade listener the upgraded socket is closed (as Node does)", async () => {
  await withRaw(
    (_, c) =>
      c.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n"),
    async (server, agent) => {
      const req = request(server.origin, {
        agent,
        headers: { Upgrade: "x", Connection: "Upgrade" },
      });
      const closed = new Promise((resolve) => req.on("close", resolve));
      req.end();
      await closed;
      await sleep(20);
      assert.equal(server.open, 0);
    },
  );
});

test("request: a body cut by the server: aborted and error on the response, not on the request", async () => {
  await withRaw((_, c) => {
    c.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nsome");
    c.later(20, () => c.socket.destroy());
  }, async (server, agent) => {
    const req = request(server.origin, { agent });
    req.on("error", () => assert.fail("the request itself did not fail"));
    req.end();
    const res = await response(req);
    const events: string[] = [];
    res.on("aborted", () => events.push("aborted"));
    const error = await new Promise<HttpClientError>((resolve) =>
      res.on("error", (e) => resolve(e as HttpClientError))
    );
    res.on("close", () => events.push("close"));
    assert.ok(["INCOMPLETE_MESSAGE", "ECONNRESET"].includes(error.code), error.code);
    assert.equal(error.phase, "body");
    await sleep(5);
    assert.deepEqual(events, ["aborted", "close"]);
    assert.equal(res.complete, false);
  });
});

test("request: destroy() during the body closes the connection; abort() emits abort and close", async () => {
  await withRaw(
    (_, c) => c.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial"),
    async (server, agent) => {
      const req = request(server.origin, { agent });
      req.end();
      const res = await response(req);
      const closed = new Promise((resolve) => req.on("close", resolve));
      res.destroy();
      await closed;
      assert.equal(agent.stats().open, 0);
      const aborted = request(server.origin, { agent });
      const events: string[] = [];
      aborted.on("abort", () => events.push("abort"));
      aborted.on("close", () => events.push("close"));
      aborted.on("error", () => events.push("error"));
      aborted.end();
      aborted.abort();
      await sleep(20);
      assert.deepEqual(events, ["abort", "close"]);
      assert.equal(aborted.aborted, true);
    },
  );
});

test("request: timeouts end it with a code, emitting timeout first", async () => {
  await withRaw(() => {}, async (server, agent) => {
    const req = request(server.origin, { agent, timeouts: { firstByte: 40 } });
    const events: string[] = [];
    req.on("timeout", () => events.push("timeout"));
    const error = await new Promise<HttpClientError>((resolve) => req.on("error", resolve).end());
    assert.equal(error.code, "FIRST_BYTE_TIMEOUT");
    assert.deepEqual(events, ["timeout"]);
  });
});

test("request: write after end is an error; reusedSocket tells a reused connection", async () => {
  await withRaw((request, c) => c.write(respond(200, request.path)), async (server, agent) => {
    const first = request(`${server.origin}/1`, { agent });
    first.end();
    assert.equal(await (await response(first)).text(), "/1");
    assert.equal(first.reusedSocket, false);
    await sleep(10);
    const second = request(`${server.origin}/2`, { agent });
    second.end();
    const error = await new Promise<Error>((resolve) => {
      second.on("error", resolve);
      second.write("late");
    });
    assert.match(error.message, /write after end/);
    await new Promise((resolve) => second.on("close", resolve));
    await sleep(10);
    const third = request(`${server.origin}/3`, { agent });
    third.end();
    assert.equal(await (await response(third)).text(), "/3");
    assert.equal(third.reusedSocket, true);
  });
});

test("request: a URL with options; setHeader and friends; the Host and path sent as given", async () => {
  await withRaw(
    (request, c) =>
      c.write(
        respond(
          200,
          `${request.method} ${request.path} ${request.headers.host} ${
            request.headers["x-a"]
          } ${request.headers.authorization}`,
        ),
      ),
    async (server, agent) => {
      const req = request(`${server.origin}/ignored`, {
        agent,
        path: "/a/../b?c",
        method: "delete",
        auth: "u:p",
      });
      req.setHeader("X-A", ["1", "2"]);
      assert.deepEqual(req.getHeader("x-a"), ["1", "2"]);
      assert.ok(req.hasHeader("X-a"));
      req.setHeader("X-Gone", "x");
      req.removeHeader("x-gone");
      assert.deepEqual(req.getHeaderNames().sort(), ["authorization", "x-a"]);
      req.end();
      const text = await (await response(req)).text();
      assert.equal(text, `DELETE /a/../b?c 127.0.0.1:${server.port} 2 Basic ${btoa("u:p")}`);
      assert.equal(req.headersSent, true);
      assert.throws(() => req.setHeader("X-Late", "1"), HttpClientError);
    },
  );
});

test("request and fetch: IPv6 literals, and a bad path is refused before anything is sent", async () => {
  const server = await rawServer(
    (request, c) => c.write(respond(200, request.headers.host)),
    undefined,
    "::1",
  );
  const { Agent } = await import("../../http/mod.ts");
  const agent = new Agent();
  try {
    const url = `http://[::1]:${server.port}/`;
    assert.equal(await (await fetch(url, { agent })).text(), `[::1]:${server.port}`);
    assert.throws(
      () => request({ host: "::1", port: server.port, path: "/a b", agent }),
      HttpClientError,
    );
  } finally {
    agent.destroy();
    await server.close();
  }
});
