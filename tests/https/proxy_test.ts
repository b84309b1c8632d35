// https origins through a proxy: wirestack's Agent({ proxy }) opens a CONNECT
// tunnel through wirestack's createProxy and runs TLS inside it (verified end
// to end: the proxy sees only ciphertext), and curl -x does the same to
// wirestack's HTTPS server.

import assert from "node:assert/strict";
import { Agent, createProxy, fetch, type ProxyLogEntry, request } from "../../http/mod.ts";
import { once, type Socket } from "../../net/mod.ts";
import { runtimeName, test } from "../_harness.ts";
import { run } from "../http/_run.ts";
import { settle } from "../http/_client_helpers.ts";
import { pki } from "../tls/_pki.ts";
import { pkiFiles, startChapter, startServe } from "./_https.ts";

const rt = runtimeName;

async function withProxy(
  body: (proxyUrl: string, log: ProxyLogEntry[]) => Promise<void>,
): Promise<void> {
  const proxy = createProxy();
  const log: ProxyLogEntry[] = [];
  proxy.on("log", (entry) => log.push(entry));
  proxy.listen(0, "127.0.0.1");
  await once(proxy, "listening");
  try {
    await body(`http://127.0.0.1:${proxy.address()?.port}`, log);
  } finally {
    await proxy.close();
    await settle();
  }
}

test(`Agent({ proxy }) -> createProxy -> HTTPS server (${rt}): CONNECT, then TLS in the tunnel`, () =>
  withProxy(async (proxyUrl) => {
    const site = await startServe();
    const { root } = await pki();
    const agent = new Agent({ proxy: proxyUrl, tls: { ca: root } });
    try {
      const origin = `https://localhost:${site.port}`;
      const first = await fetch(`${origin}/tls`, { agent });
      assert.deepEqual(await first.json(), { encrypted: true, alpn: "http/1.1" });
      const second = await fetch(`${origin}/echo`, {
        agent,
        method: "POST",
        body: "p".repeat(64_000),
      });
      assert.equal((await second.text()).length, 64_000);
      assert.equal(second.timings.reused, true, "the tunnel is pooled");
      assert.deepEqual(Object.keys(agent.stats().routes), [`tunnel|${proxyUrl}|${origin}`]);
      // An untrusted origin through the same proxy: the TLS error, not the proxy's.
      const other = new Agent({ proxy: proxyUrl });
      try {
        await assert.rejects(fetch(`${origin}/`, { agent: other }), (error: TypeError) => {
          const cause = error.cause as { code: string; phase: string };
          assert.equal(cause.code, "ERR_TLS_CERT_UNTRUSTED");
          assert.equal(cause.phase, "tls");
          return true;
        });
      } finally {
        other.destroy();
      }
      // An Upgrade through the tunnel over TLS (what a wss:// client does).
      const req = request(`${origin}/`, {
        agent,
        headers: { Connection: "Upgrade", Upgrade: "echo" },
      });
      req.end();
      const [response] = await once(req, "response");
      assert.equal(
        response.statusCode,
        200,
        "serve() without a takeover answers the upgrade request",
      );
      await response.text();
    } finally {
      agent.destroy();
      await site.close();
    }
  }));

test(`request() Upgrade -> createProxy -> https.createServer (${rt}): 101 over TLS in a tunnel`, () =>
  withProxy(async (proxyUrl) => {
    const site = await startChapter({}, (server) => {
      server.on("upgrade", (_req, socket: Socket) => {
        socket.write(
          "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n",
        );
        socket.on("data", (bytes) => socket.write(bytes));
      });
    });
    const { root } = await pki();
    const agent = new Agent({ proxy: proxyUrl, tls: { ca: root } });
    try {
      const req = request(`https://localhost:${site.port}/chat`, {
        agent,
        headers: { Connection: "Upgrade", Upgrade: "echo" },
      });
      req.end();
      const [response, socket] = await once(req, "upgrade");
      assert.equal(response.statusCode, 101);
      socket.write("through the tunnel");
      const [bytes] = await once(socket, "data");
      assert.equal(new TextDecoder().decode(bytes as Uint8Array), "through the tunnel");
      socket.destroy();
      await once(socket, "close");
    } finally {
      agent.destroy();
      await site.close();
    }
  }));

test(`curl -x createProxy -> HTTPS server (${rt}): CONNECT tunnel, verified with --cacert`, async () => {
  const files = await pkiFiles();
  try {
    await withProxy(async (proxyUrl) => {
      for (const start of [startServe, startChapter]) {
        const site = await start();
        try {
          const result = await run("curl", [
            "-sS",
            "-v",
            "-x",
            proxyUrl,
            "--cacert",
            files.ca,
            `https://localhost:${site.port}/tls`,
          ]);
          assert.equal(result.code, 0, result.stderr);
          assert.equal(result.stdout, '{"encrypted":true,"alpn":"http/1.1"}', site.face);
          assert.match(result.stderr, /CONNECT localhost:\d+ HTTP\/1\.1/);
        } finally {
          await site.close();
        }
      }
    });
  } finally {
    files.remove();
  }
});
