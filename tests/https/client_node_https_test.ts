// wirestack's HTTPS client (request, fetch, the https module) against Node's
// https server (a node child process, on either runtime): verification with
// ca, keep-alive, timings, an Upgrade over TLS, and Node's https API shape.

import assert from "node:assert/strict";
import { Agent, fetch, request } from "../../http/mod.ts";
import * as https from "../../https/mod.ts";
import { once } from "../../net/mod.ts";
import { runtimeName, test } from "../_harness.ts";
import { PEER, pkiFiles, startPeerServer } from "./_https.ts";

const rt = runtimeName;

async function withNodeHttps(
  body: (origin: string, ca: string) => Promise<void>,
): Promise<void> {
  const files = await pkiFiles();
  const peer = await startPeerServer("node", [PEER, "node-https-server", files.cert, files.key]);
  try {
    await body(`https://localhost:${peer.port}`, files.pki.root);
  } finally {
    await peer.stop();
    files.remove();
  }
}

test(`fetch -> node:https (${rt}): verified with ca, kept alive, TLS timed`, () =>
  withNodeHttps(async (origin, ca) => {
    const agent = new Agent({ tls: { ca } });
    try {
      const first = await fetch(`${origin}/a`, { agent });
      assert.equal(await first.text(), "GET /a from a runtime server");
      assert.ok(first.timings.tls > 0, "a new connection has a handshake");
      assert.equal(first.timings.reused, false);
      const second = await fetch(`${origin}/echo`, {
        agent,
        method: "POST",
        body: "e".repeat(300_000),
      });
      assert.equal((await second.text()).length, 300_000);
      assert.equal(second.timings.reused, true);
      assert.equal(second.timings.tls, 0);
      assert.deepEqual(Object.keys(agent.stats().routes), [origin], "one pool for the origin");
    } finally {
      agent.destroy();
    }
  }));

test(`https.request, https.get -> node:https (${rt}): Node's API with flat TLS options`, () =>
  withNodeHttps(async (origin, ca) => {
    const agent = new https.Agent({ ca, keepAlive: true });
    try {
      const req = https.request(`${origin}/echo`, { method: "POST", agent });
      req.end("posted");
      const [response] = await once(req, "response");
      assert.equal(response.statusCode, 200);
      assert.equal(await response.text(), "posted");
      const port = Number(new URL(origin).port);
      const got = https.get({ host: "localhost", port, path: "/b", ca, agent: false });
      const [res2] = await once(got, "response");
      assert.equal(await res2.text(), "GET /b from a runtime server");
      assert.throws(() => https.request("http://localhost/"), { code: "UNSUPPORTED_PROTOCOL" });
      // The global agent trusts the runtime's roots only: the test root is not among them.
      const refused = https.get(`${origin}/`);
      const [error] = await once(refused, "error");
      assert.equal(error.code, "ERR_TLS_CERT_UNTRUSTED");
      assert.equal(error.phase, "tls");
      assert.equal((error.cause as { code?: string }).code, "ERR_TLS_CERT_UNTRUSTED");
    } finally {
      agent.destroy();
    }
  }));

test(`request() with Upgrade -> node:https (${rt}): the upgraded TLS socket carries bytes`, () =>
  withNodeHttps(async (origin, ca) => {
    const req = request(`${origin}/chat`, {
      headers: { Connection: "Upgrade", Upgrade: "echo" },
      tls: { ca },
      agent: false,
    });
    req.end();
    const [response, socket, head] = await once(req, "upgrade");
    assert.equal(response.statusCode, 101);
    assert.equal(head.length, 0);
    socket.write("ping over TLS");
    const [echoed] = await once(socket, "data");
    assert.equal(new TextDecoder().decode(echoed as Uint8Array), "ping over TLS");
    socket.destroy();
    await once(socket, "close");
  }));
