// request() and fetch() against node:http servers (Node's own under Node, the
// Node compatibility layer under Deno): bodies, chunked and trailers, 1xx,
// bodiless responses, keep-alive and its timeout, upgrades, CONNECT, pool limits.

import assert from "node:assert/strict";
import * as http from "node:http";
import type * as nodeNet from "node:net";
import { Agent, type ClientResponse, fetch, get, request } from "../../http/mod.ts";
import type { Socket } from "../../net/mod.ts";
import { runtimeName, test } from "../_harness.ts";
import { settle, sleep } from "./_client_helpers.ts";

const rt = runtimeName;

async function withNodeServer(
  handler: http.RequestListener,
  body: (origin: string, server: http.Server, agent: Agent) => Promise<void>,
  agentOptions: ConstructorParameters<typeof Agent>[0] = {},
  setup?: (server: http.Server) => void,
): Promise<void> {
  const server = http.createServer(handler);
  setup?.(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as nodeNet.AddressInfo).port}`;
  const agent = new Agent(agentOptions);
  try {
    await body(origin, server, agent);
  } finally {
    agent.destroy();
    server.closeAllConnections?.();
    await new Promise((resolve) => server.close(resolve));
    await settle();
  }
}

function collect(response: ClientResponse): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    response.setEncoding("utf8");
    response.on("data", (chunk) => (text += chunk));
    response.on("end", () => resolve(text));
    response.on("error", reject);
  });
}

test(`request (${rt}) -> node:http: events in order, Node's headers object, a POST body`, async () => {
  await withNodeServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      res.setHeader("Set-Cookie", ["a=1", "b=2"]);
      res.setHeader("X-Echo", `${req.method} ${req.url} ${body} ${req.headers["content-length"]}`);
      res.statusMessage = "Fine";
      res.end("done");
    });
  }, async (origin, _, agent) => {
    const events: string[] = [];
    const text = await new Promise<string>((resolve, reject) => {
      const req = request(`${origin}/submit?q=1`, { agent, method: "POST" }, (res) => {
        events.push("response");
        assert.equal(res.statusCode, 200);
        assert.equal(res.statusMessage, "Fine");
        assert.equal(res.httpVersion, "1.1");
        assert.deepEqual(res.headers["set-cookie"], ["a=1", "b=2"]);
        assert.equal(res.headers["x-echo"], "POST /submit?q=1 hello 5");
        assert.ok(res.rawHeaders.includes("Set-Cookie"));
        res.on("end", () => events.push("end"));
        collect(res).then(resolve, reject);
      });
      req.on("socket", (socket) => {
        events.push("socket");
        assert.equal(socket.remotePort, Number(new URL(origin).port));
      });
      req.on("finish", () => events.push("finish"));
      req.on("close", () => events.push("close"));
      req.on("error", reject);
      req.end("hello");
    });
    assert.equal(text, "done");
    await sleep(5);
    assert.deepEqual(events, ["socket", "finish", "response", "end", "close"]);
  });
});

test(`request (${rt}) -> node:http: chunked body with trailers; a streamed upload with back-pressure`, async () => {
  await withNodeServer((req, res) => {
    let size = 0;
    req.on("data", (chunk: Uint8Array) => (size += chunk.length));
    req.on("end", () => {
      res.writeHead(200, { Trailer: "X-Size" });
      res.write("size=");
      setTimeout(() => {
        res.addTrailers({ "X-Size": String(size) });
        res.end(String(size));
      }, 5);
    });
  }, async (origin, _, agent) => {
    const req = request(origin, { agent, method: "PUT" });
    const chunk = new Uint8Array(256 * 1024);
    let drains = 0;
    req.on("drain", () => drains++);
    for (let i = 0; i < 16; i++) {
      if (!req.write(chunk)) await new Promise((resolve) => req.once("drain", resolve));
    }
    req.end();
    const [res] = await new Promise<[ClientResponse]>((resolve) =>
      req.once("response", (r) => resolve([r]))
    );
    assert.equal(await collect(res), `size=${16 * 256 * 1024}`);
    assert.deepEqual({ ...res.trailers }, { "x-size": String(16 * 256 * 1024) });
    assert.ok(drains > 0, "the upload waited for drain");
  });
});

test(`request (${rt}) -> node:http: 103 and 100 are information, continue comes before the body`, async () => {
  await withNodeServer(
    (req, res) => {
      res.writeEarlyHints?.({ link: "</style.css>; rel=preload" });
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => res.end(`got ${body}`));
    },
    async (origin, _, agent) => {
      const seen: number[] = [];
      const req = request(origin, {
        agent,
        method: "POST",
        headers: { Expect: "100-continue", "Content-Length": "4" },
      });
      req.on("information", (info) => seen.push(info.statusCode));
      req.on("continue", () => req.end("body"));
      const res = await new Promise<ClientResponse>((resolve) => req.on("response", resolve));
      assert.equal(await collect(res), "got body");
      assert.ok(seen.includes(100));
    },
    {},
    (server) => {
      server.on("checkContinue", (req, res) => {
        res.writeContinue();
        server.emit("request", req, res);
      });
    },
  );
});

test(`request and fetch (${rt}) -> node:http: HEAD, 204 and 304 have no body; the connection stays`, async () => {
  await withNodeServer((req, res) => {
    if (req.url === "/204") res.writeHead(204).end();
    else if (req.url === "/304") res.writeHead(304, { ETag: '"v1"' }).end();
    else res.end("a body of some length");
  }, async (origin, server, agent) => {
    let connections = 0;
    server.on("connection", () => connections++);
    const head = await new Promise<ClientResponse>((resolve) =>
      request(origin, { agent, method: "HEAD" }, resolve).end()
    );
    assert.equal(await collect(head), "");
    assert.equal((await fetch(`${origin}/204`, { agent })).status, 204);
    const notModified = await fetch(`${origin}/304`, {
      agent,
      headers: { "If-None-Match": '"v1"' },
    });
    assert.equal(notModified.status, 304);
    assert.equal(await (await fetch(origin, { agent })).text(), "a body of some length");
    assert.equal(connections, 1);
  });
});

test(`fetch (${rt}) -> node:http: a keep-alive timeout under a second (hint 0): no reuse, no error`, async () => {
  await withNodeServer(
    (req, res) => res.end(req.url),
    async (origin, server, agent) => {
      let connections = 0;
      server.on("connection", () => connections++);
      for (let i = 0; i < 3; i++) {
        assert.equal(await (await fetch(`${origin}/get${i}`, { agent })).text(), `/get${i}`);
        const post = await fetch(`${origin}/post${i}`, { agent, method: "POST", body: "x" });
        assert.equal(await post.text(), `/post${i}`);
        await sleep(120); // longer than the server's keep-alive timeout
      }
      assert.equal(connections, 6, "Keep-Alive: timeout=0 means the server may close at once");
      assert.equal(agent.stats().retries, 0);
    },
    {},
    (server) => {
      server.keepAliveTimeout = 60;
    },
  );
});

test(`request (${rt}) -> node:http: Node's Keep-Alive: timeout=1 hint retires the socket in time`, async () => {
  await withNodeServer(
    (req, res) => res.end(req.url),
    async (origin, server, agent) => {
      let connections = 0;
      server.on("connection", () => connections++);
      const one = () =>
        new Promise<string>((resolve) =>
          get(`${origin}/x`, { agent }, (res) => resolve(collect(res)))
        );
      assert.equal(await one(), "/x");
      await sleep(700);
      assert.equal(await one(), "/x");
      assert.equal(connections, 2, "retired at half of the 1 s hint, before the server's close");
    },
    {},
    (server) => {
      server.keepAliveTimeout = 1000;
    },
  );
});

test(`fetch (${rt}) -> node:http: 500 requests, maxSockets 10, never more than 10 open`, async () => {
  let open = 0;
  let most = 0;
  await withNodeServer(
    (req, res) => setTimeout(() => res.end(req.url), 1),
    async (origin, _, agent) => {
      const bodies = await Promise.all(
        Array.from(
          { length: 500 },
          (_, i) => fetch(`${origin}/${i}`, { agent }).then((r) => r.text()),
        ),
      );
      assert.equal(bodies.length, 500);
      assert.equal(bodies[499], "/499");
      assert.ok(most <= 10, `at most 10 connections open, saw ${most}`);
      assert.equal(agent.stats().created, 10);
    },
    { maxSockets: 10 },
    (server) => {
      server.on("connection", (socket) => {
        most = Math.max(most, ++open);
        socket.on("close", () => open--);
      });
    },
  );
});

test(`request (${rt}) -> node:http: an upgrade hands over a socket and the bytes after the head`, async () => {
  await withNodeServer(
    (_, res) => res.end("no"),
    async (origin, _, agent) => {
      const req = request(`${origin}/chat`, {
        agent,
        headers: { Connection: "Upgrade", Upgrade: "echo" },
      });
      req.end();
      const [res, socket, head] = await new Promise<[ClientResponse, Socket, Uint8Array]>(
        (resolve) => req.on("upgrade", (r, s, h) => resolve([r, s, h])),
      );
      assert.equal(res.statusCode, 101);
      assert.equal(new TextDecoder().decode(head), "hello");
      const sock = socket;
      const echoed = new Promise<string>((resolve) =>
        sock.once("data", (chunk) => resolve(new TextDecoder().decode(chunk)))
      );
      sock.write("ping");
      assert.equal(await echoed, "ping");
      const closed = new Promise((resolve) => sock.once("close", resolve));
      sock.end();
      await closed;
      assert.equal(agent.stats().open, 0, "the pool forgot the upgraded connection");
    },
    {},
    (server) => {
      server.on("upgrade", (_req, socket: nodeNet.Socket) => {
        socket.write(
          "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nhello",
        );
        socket.on("data", (chunk: Uint8Array) => socket.write(chunk));
        socket.on("end", () => socket.end());
      });
    },
  );
});

test(`request (${rt}) -> node:http: CONNECT opens a tunnel in the connect event`, async () => {
  await withNodeServer(
    (_, res) => res.end(),
    async (origin, _, agent) => {
      const { port } = new URL(origin);
      const req = request({
        host: "127.0.0.1",
        port,
        method: "CONNECT",
        path: "example.test:443",
        agent,
      });
      req.end();
      const [res, socket] = await new Promise<[ClientResponse, Socket]>(
        (resolve) => req.on("connect", (r, s) => resolve([r, s])),
      );
      assert.equal(res.statusCode, 200);
      const reply = new Promise<string>((resolve) =>
        socket.once("data", (chunk) => resolve(new TextDecoder().decode(chunk)))
      );
      socket.write("through");
      assert.equal(await reply, "tunnel:through");
      const closed = new Promise((resolve) => socket.once("close", resolve));
      socket.destroy();
      await closed;
    },
    {},
    (server) => {
      server.on("connect", (req, socket: nodeNet.Socket) => {
        assert.equal(req.url, "example.test:443");
        socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        socket.on(
          "data",
          (chunk: Uint8Array) => socket.write(`tunnel:${new TextDecoder().decode(chunk)}`),
        );
        socket.on("error", () => {});
        socket.on("end", () => socket.end());
      });
    },
  );
});

test(`request (${rt}): setTimeout emits timeout; a refused connection emits error then close`, async () => {
  await withNodeServer(() => {}, async (origin, _, agent) => {
    const req = request(origin, { agent });
    const timedOut = new Promise<void>((resolve) => req.setTimeout(30, () => resolve()));
    req.end();
    await timedOut;
    const closed = new Promise((resolve) => req.on("close", resolve));
    req.on("error", () => assert.fail("destroy() without an error emits none"));
    req.destroy();
    await closed;
  });
  const agent = new Agent();
  const failed = await new Promise<[string, string, boolean]>((resolve) => {
    const req = request("http://127.0.0.1:1/", { agent });
    let error: { code: string; phase: string } | null = null;
    req.on("error", (e) => (error = e));
    req.on("close", () => resolve([error?.code ?? "", error?.phase ?? "", req.destroyed]));
    req.end();
  });
  assert.deepEqual(failed, ["ECONNREFUSED", "connect", false]);
  agent.destroy();
});

test(`request (${rt}) -> node:http: the body as a web stream, and with for await`, async () => {
  await withNodeServer((_, res) => {
    res.write("one,");
    setTimeout(() => res.end("two"), 5);
  }, async (origin, _, agent) => {
    const first = await new Promise<ClientResponse>((resolve) => get(origin, { agent }, resolve));
    assert.equal(await new Response(first.body).text(), "one,two");
    const second = await new Promise<ClientResponse>((resolve) => get(origin, { agent }, resolve));
    const parts: string[] = [];
    for await (const chunk of second) parts.push(new TextDecoder().decode(chunk));
    assert.equal(parts.join(""), "one,two");
    const third = await new Promise<ClientResponse>((resolve) => get(origin, { agent }, resolve));
    assert.equal(await third.text(), "one,two");
  });
});

test(`request (${rt}) -> node:http: a response nobody listens to is drained, the socket reused`, async () => {
  await withNodeServer((_, res) => res.end("ignored body"), async (origin, server, agent) => {
    let connections = 0;
    server.on("connection", () => connections++);
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => request(origin, { agent }).on("close", resolve).end());
    }
    assert.equal(connections, 1);
  });
});

test(`fetch (${rt}) -> node:http: redirects, bodies and decoded gzip`, async () => {
  const zlib = await import("node:zlib");
  await withNodeServer((req, res) => {
    if (req.url === "/old") {
      res.writeHead(301, { Location: "/new" }).end();
      return;
    }
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      res.writeHead(200, { "Content-Encoding": "gzip", "Content-Type": "text/plain" });
      res.end(zlib.gzipSync(`${req.method} ${req.url} ${req.headers["content-type"]} ${body}`));
    });
  }, async (origin, _, agent) => {
    const redirected = await fetch(`${origin}/old`, { agent });
    assert.equal(await redirected.text(), "GET /new undefined ");
    assert.equal(redirected.url, `${origin}/new`);
    const form = new FormData();
    form.append("field", "value");
    const posted = await fetch(`${origin}/form`, { agent, method: "POST", body: form });
    const text = await posted.text();
    assert.match(text, /^POST \/form multipart\/form-data; boundary=/);
    assert.match(text, /name="field"\r\n\r\nvalue\r\n/);
    const blob = await fetch(`${origin}/blob`, {
      agent,
      method: "POST",
      body: new Blob(["b"], { type: "application/x-thing" }),
    });
    assert.equal(await blob.text(), "POST /blob application/x-thing b");
    async function* parts() {
      yield new TextEncoder().encode("it");
      yield new TextEncoder().encode("er");
    }
    const iterated = await fetch(`${origin}/iter`, { agent, method: "POST", body: parts() });
    assert.equal(await iterated.text(), "POST /iter undefined iter");
  });
});
