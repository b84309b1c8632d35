// wirestack's proxy server with curl and with wirestack's own client: forward
// requests (absolute-form), CONNECT tunnels, hop-by-hop fields, Via, loops,
// authentication, failures; and the client's proxy routes (per agent, from the
// environment).

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as http from "node:http";
import * as nodeNet from "node:net";
import {
  Agent,
  type ClientResponse,
  createProxy,
  fetch,
  type ProxyLogEntry,
  type ProxyServer,
  type ProxyServerOptions,
  request,
} from "../../http/mod.ts";
import type { Socket } from "../../net/mod.ts";
import { runtimeName, test } from "../_harness.ts";
import { rejectsWithCode, settle } from "./_client_helpers.ts";
import { rawServer, respond } from "./_raw_server.ts";

const rt = runtimeName;

function curl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("curl", ["-sS", "--max-time", "10", ...args], (error, stdout, stderr) => {
      resolve({
        code: error === null ? 0 : Number((error as { code?: number }).code ?? 1),
        stdout,
        stderr,
      });
    });
  });
}

async function startProxy(
  options: ProxyServerOptions = {},
): Promise<[ProxyServer, string, ProxyLogEntry[]]> {
  const proxy = createProxy(options);
  const log: ProxyLogEntry[] = [];
  proxy.on("log", (entry) => log.push(entry));
  proxy.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => proxy.once("listening", () => resolve()));
  return [proxy, `http://127.0.0.1:${proxy.address()?.port}`, log];
}

/** An origin that echoes what it got: method, path, and the fields a proxy must touch. */
async function echoOrigin(): Promise<[http.Server, string]> {
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      res.setHeader("Connection", "keep-alive, X-Hop");
      res.setHeader("X-Hop", "must not pass");
      res.setHeader("Keep-Alive", "timeout=5");
      res.end(JSON.stringify({
        method: req.method,
        url: req.url,
        host: req.headers.host,
        via: req.headers.via,
        hop: req.headers["x-client-hop"] ?? null,
        proxyAuth: req.headers["proxy-authorization"] ?? null,
        body,
      }));
    });
  });
  server.on("upgrade", (_req, socket: nodeNet.Socket) => {
    socket.write(
      "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n",
    );
    socket.on("data", (chunk: Uint8Array) => socket.write(chunk));
    socket.on("end", () => socket.end());
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return [server, `http://127.0.0.1:${(server.address() as nodeNet.AddressInfo).port}`];
}

async function stop(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

test(`curl -> wirestack proxy (${rt}): GET and POST forwarded, hop-by-hop fields removed, Via added`, async () => {
  const [origin, originUrl] = await echoOrigin();
  const [proxy, proxyUrl, log] = await startProxy();
  try {
    const got = await curl([
      "-x",
      proxyUrl,
      "-D",
      "-",
      "-H",
      "Connection: X-Client-Hop",
      "-H",
      "X-Client-Hop: secret",
      `${originUrl}/path?q=1`,
    ]);
    assert.equal(got.code, 0, got.stderr);
    const [head, body] = got.stdout.split("\r\n\r\n");
    const echoed = JSON.parse(body);
    assert.equal(echoed.method, "GET");
    assert.equal(echoed.url, "/path?q=1");
    assert.equal(echoed.host, new URL(originUrl).host);
    assert.match(echoed.via, new RegExp(`^1\\.1 ${proxy.pseudonym}$`));
    assert.equal(echoed.hop, null, "a field named by Connection is hop-by-hop");
    assert.match(head, /^HTTP\/1\.1 200/);
    assert.match(head, new RegExp(`Via: 1\\.1 ${proxy.pseudonym}`, "i"));
    assert.doesNotMatch(head, /X-Hop/i);
    const posted = await curl(["-x", proxyUrl, "--data-binary", "form=1", `${originUrl}/post`]);
    assert.equal(JSON.parse(posted.stdout).body, "form=1");
    assert.deepEqual(log.map((entry) => [entry.method, entry.status]), [["GET", 200], [
      "POST",
      200,
    ]]);
  } finally {
    await proxy.close();
    await stop(origin);
    await settle();
  }
});

test(`curl -> wirestack proxy (${rt}): CONNECT tunnels (curl -p)`, async () => {
  const [origin, originUrl] = await echoOrigin();
  const [proxy, proxyUrl, log] = await startProxy();
  try {
    const got = await curl(["-p", "-x", proxyUrl, `${originUrl}/tunneled`]);
    assert.equal(got.code, 0, got.stderr);
    const echoed = JSON.parse(got.stdout);
    assert.equal(echoed.url, "/tunneled");
    assert.equal(echoed.via, undefined, "a tunnel is bytes, not HTTP, to the proxy");
    await settle();
    assert.equal(log.at(-1)?.method, "CONNECT");
  } finally {
    await proxy.close();
    await stop(origin);
    await settle();
  }
});

test(`curl -> wirestack proxy (${rt}): 502 for an origin that is down, 407 without credentials`, async () => {
  const [proxy, proxyUrl] = await startProxy({
    authenticate: (value) => value === `Basic ${btoa("me:pw")}`,
  });
  const closed = await rawServer(() => {});
  const port = closed.port;
  await closed.close();
  try {
    const refused = await curl([
      "-x",
      proxyUrl,
      "-o",
      "/dev/null",
      "-w",
      "%{http_code}",
      `http://127.0.0.1:${port}/`,
    ]);
    assert.equal(refused.stdout, "407");
    const down = await curl([
      "-x",
      proxyUrl,
      "-U",
      "me:pw",
      "-o",
      "/dev/null",
      "-w",
      "%{http_code}",
      `http://127.0.0.1:${port}/`,
    ]);
    assert.equal(down.stdout, "502");
  } finally {
    await proxy.close();
    await settle();
  }
});

test(`fetch and request (${rt}) through wirestack's proxy: forward, pooled, with Proxy-Authorization`, async () => {
  const [origin, originUrl] = await echoOrigin();
  const [proxy, proxyUrl, log] = await startProxy({
    authenticate: (value) => value === `Basic ${btoa("user:pa ss")}`,
  });
  const withCredentials = proxyUrl.replace("http://", "http://user:pa%20ss@");
  const agent = new Agent({ proxy: withCredentials });
  try {
    for (let i = 0; i < 3; i++) {
      const echoed = await (await fetch(`${originUrl}/f${i}`, { agent })).json();
      assert.equal(echoed.url, `/f${i}`);
      assert.equal(echoed.proxyAuth, null, "Proxy-Authorization stops at the proxy");
    }
    const response = await new Promise<ClientResponse>((resolve) =>
      request(`${originUrl}/r`, { agent, method: "PUT" }, resolve).end("put body")
    );
    assert.equal(JSON.parse(await response.text()).body, "put body");
    const stats = agent.stats();
    assert.deepEqual(Object.keys(stats.routes), [
      `forward|http://127.0.0.1:${proxy.address()?.port}`,
    ]);
    assert.equal(stats.created, 1, "one pooled connection to the proxy");
    assert.equal(log.length, 4);
    const denied = new Agent({ proxy: proxyUrl });
    assert.equal((await fetch(`${originUrl}/x`, { agent: denied })).status, 407);
    denied.destroy();
  } finally {
    agent.destroy();
    await proxy.close();
    await stop(origin);
    await settle();
  }
});

test(`request (${rt}) through wirestack's proxy: an upgrade goes through a CONNECT tunnel`, async () => {
  const [origin, originUrl] = await echoOrigin();
  const [proxy, proxyUrl, log] = await startProxy();
  const agent = new Agent({ proxy: proxyUrl });
  try {
    const req = request(`${originUrl}/ws`, {
      agent,
      headers: { Connection: "Upgrade", Upgrade: "echo" },
    });
    req.end();
    const [response, socket] = await new Promise<[ClientResponse, Socket]>((resolve) =>
      req.on("upgrade", (r, s) => resolve([r, s]))
    );
    assert.equal(response.statusCode, 101);
    const echoed = new Promise<string>((resolve) =>
      socket.once("data", (chunk) => resolve(new TextDecoder().decode(chunk)))
    );
    socket.write("through the tunnel");
    assert.equal(await echoed, "through the tunnel");
    const closed = new Promise((resolve) => socket.once("close", resolve));
    socket.end();
    await closed;
    await settle();
    assert.equal(log.at(-1)?.method, "CONNECT");
  } finally {
    agent.destroy();
    await proxy.close();
    await stop(origin);
    await settle();
  }
});

test(`wirestack proxy (${rt}): an upgrade in absolute-form is passed through too`, async () => {
  const [origin, originUrl] = await echoOrigin();
  const [proxy, proxyUrl] = await startProxy();
  try {
    const { port } = new URL(proxyUrl);
    const socket = nodeNet.connect({ port: Number(port), host: "127.0.0.1" });
    await new Promise((resolve) => socket.once("connect", resolve));
    let received = "";
    socket.on("data", (chunk: Uint8Array) => (received += new TextDecoder().decode(chunk)));
    socket.write(
      `GET ${originUrl}/ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n`,
    );
    while (!received.includes("\r\n\r\n")) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.match(received, /^HTTP\/1\.1 101/);
    socket.write("ping");
    while (!received.endsWith("ping")) await new Promise((resolve) => setTimeout(resolve, 5));
    socket.destroy();
  } finally {
    await proxy.close();
    await stop(origin);
    await settle();
  }
});

test(`wirestack proxy (${rt}): loops are refused with 508`, async () => {
  const [proxy, proxyUrl] = await startProxy();
  const agent = new Agent({ proxy: proxyUrl });
  try {
    // the proxy as its own target
    assert.equal((await fetch(`${proxyUrl}/self`, { agent })).status, 508);
    // a request that already went through this proxy
    const looped = await fetch("http://127.0.0.1:9/", {
      agent,
      headers: { Via: `1.1 ${proxy.pseudonym}` },
    });
    assert.equal(looped.status, 508);
    const tunnel = await curl(["-p", "-x", proxyUrl, "-o", "/dev/null", `${proxyUrl}/x`]);
    assert.notEqual(tunnel.code, 0);
  } finally {
    agent.destroy();
    await proxy.close();
    await settle();
  }
});

test(`wirestack proxy (${rt}): a chunked response of unknown length and a slow origin pass through`, async () => {
  await (async () => {
    const origin = await rawServer((_, c) => {
      c.write(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\n5\r\nhello\r\n",
      );
      c.later(20, () => c.write("6\r\n world\r\n0\r\nX-T: 1\r\n\r\n"));
    });
    const [proxy, proxyUrl] = await startProxy();
    const agent = new Agent({ proxy: proxyUrl });
    try {
      assert.equal(await (await fetch(origin.origin, { agent })).text(), "hello world");
      const viaCurl = await curl(["-x", proxyUrl, origin.origin]);
      assert.equal(viaCurl.stdout, "hello world");
    } finally {
      agent.destroy();
      await proxy.close();
      await origin.close();
      await settle();
    }
  })();
});

test(`agent (${rt}): proxyFromEnv follows curl's rules; a refused tunnel is PROXY_FAILED`, async () => {
  const [origin, originUrl] = await echoOrigin();
  const [proxy, proxyUrl, log] = await startProxy({ allowTunnel: () => false });
  try {
    const viaEnv = new Agent({ proxyFromEnv: true, env: { http_proxy: proxyUrl } });
    assert.equal((await (await fetch(`${originUrl}/env`, { agent: viaEnv })).json()).url, "/env");
    viaEnv.destroy();
    assert.equal(log.length, 1);
    const upper = new Agent({ proxyFromEnv: true, env: { HTTP_PROXY: proxyUrl } });
    await (await fetch(`${originUrl}/direct`, { agent: upper })).text();
    upper.destroy();
    assert.equal(log.length, 1, "HTTP_PROXY is ignored, as curl does");
    const bypass = new Agent({
      proxyFromEnv: true,
      env: { http_proxy: proxyUrl, no_proxy: "127.0.0.1" },
    });
    await (await fetch(`${originUrl}/bypass`, { agent: bypass })).text();
    bypass.destroy();
    assert.equal(log.length, 1);
    const tunnel = new Agent({ proxy: proxyUrl });
    const req = request(`${originUrl}/ws`, {
      agent: tunnel,
      headers: { Connection: "Upgrade", Upgrade: "echo" },
    });
    const error = await new Promise<{ code: string }>((resolve) => req.on("error", resolve).end());
    assert.equal(error.code, "PROXY_FAILED");
    tunnel.destroy();
    await rejectsWithCode(
      fetch(`${originUrl}/`, { agent: new Agent({ proxy: "http://127.0.0.1:1" }) }),
      "ECONNREFUSED",
      { phase: "connect" },
    );
  } finally {
    await proxy.close();
    await stop(origin);
    await settle();
  }
});

test(`wirestack proxy (${rt}): raw client sees Via on the response and a 400 for origin-form`, async () => {
  const [proxy, proxyUrl] = await startProxy();
  const origin = await rawServer((_, c) => c.write(respond(200, "ok", { Via: "1.0 upstream" })));
  try {
    const viaCurl = await curl(["-x", proxyUrl, "-D", "-", "-o", "/dev/null", origin.origin]);
    assert.match(viaCurl.stdout, new RegExp(`Via: 1\\.0 upstream, 1\\.1 ${proxy.pseudonym}`, "i"));
    const direct = await curl([
      "-o",
      "/dev/null",
      "-w",
      "%{http_code}",
      `${proxyUrl}/not-a-proxy-request`,
    ]);
    assert.equal(direct.stdout, "400");
  } finally {
    await proxy.close();
    await origin.close();
    await settle();
  }
});
