// What goes wrong, with clear codes: a wrong host, an untrusted, expired or
// self-signed certificate (phase "tls", the TLS code, the NetError as cause),
// a handshake that never ends (TLS_TIMEOUT), plaintext bytes sent to the
// HTTPS port (the server reports tlsClientError and serves on), and options
// refused before any byte is sent.

import assert from "node:assert/strict";
import { nodeTransport } from "../../adapters/mod.ts";
import { Agent, fetch, type HttpClientError, serve } from "../../http/mod.ts";
import { connect, createServer as createTcpServer, once, type Socket } from "../../net/mod.ts";
import { pinnedKeys } from "../../tls/mod.ts";
import { spkiSha256 } from "../../crypto/mod.ts";
import { isDeno, runtimeName, test } from "../_harness.ts";
import { rejectsWithCode, settle } from "../http/_client_helpers.ts";
import { pki } from "../tls/_pki.ts";
import { siteHandler, startChapter, startServe } from "./_https.ts";

const rt = runtimeName;

async function servingWith(
  certified: { chain: string; key: string },
  body: (port: number) => Promise<void>,
): Promise<void> {
  const server = serve({
    port: 0,
    hostname: "127.0.0.1",
    tls: { cert: certified.chain, key: certified.key },
  }, siteHandler);
  const { port } = await server.listening;
  try {
    await body(port);
  } finally {
    await server.shutdown();
  }
}

test(`HTTPS client (${rt}): wrong host, untrusted, expired, self-signed: phase tls, clear codes`, async () => {
  const made = await pki();
  const agent = new Agent({ tls: { ca: made.root } });
  try {
    // a.test's certificate served to a client that asked for localhost.
    await servingWith(made.exact, async (port) => {
      const cause = await rejectsWithCode(
        fetch(`https://localhost:${port}/`, { agent }),
        "ERR_TLS_CERT_HOSTNAME",
        { phase: "tls" },
      );
      assert.equal((cause.cause as { code: string }).code, "ERR_TLS_CERT_HOSTNAME");
      assert.match(cause.message, /localhost/);
      // The right name, asked for with servername: accepted.
      const response = await fetch(`https://localhost:${port}/`, {
        agent,
        tls: { servername: "a.test" },
      });
      assert.equal(await response.text(), "hello over https:");
    });
    await servingWith(
      made.untrusted,
      (port) =>
        rejectsWithCode(fetch(`https://localhost:${port}/`, { agent }), "ERR_TLS_CERT_UNTRUSTED", {
          phase: "tls",
        }).then(() => {}),
    );
    await servingWith(
      made.selfSigned,
      (port) =>
        rejectsWithCode(fetch(`https://localhost:${port}/`, { agent }), "ERR_TLS_CERT_UNTRUSTED", {
          phase: "tls",
        }).then(() => {}),
    );
    await servingWith(
      made.expired,
      (port) =>
        rejectsWithCode(fetch(`https://localhost:${port}/`, { agent }), "ERR_TLS_CERT_EXPIRED", {
          phase: "tls",
        }).then(() => {}),
    );
    assert.equal(agent.stats().open, 0, "no connection of a refused server is kept");
  } finally {
    agent.destroy();
  }
});

test(`HTTPS client (${rt}): a server that never answers the ClientHello is TLS_TIMEOUT`, async () => {
  const sockets: Socket[] = [];
  const silent = createTcpServer((socket) => sockets.push(socket));
  silent.listen(0, "127.0.0.1");
  await once(silent, "listening");
  const port = (silent.address() as { port: number }).port;
  const agent = new Agent({ timeouts: { tls: 300 } });
  try {
    const cause = await rejectsWithCode(
      fetch(`https://127.0.0.1:${port}/`, { agent }),
      "TLS_TIMEOUT",
      { phase: "tls" },
    );
    assert.match(cause.message, /300 ms/);
  } finally {
    agent.destroy();
    for (const socket of sockets) socket.destroy();
    silent.close();
    await once(silent, "close");
    await settle();
  }
});

test(`HTTPS server (${rt}): plaintext and garbage instead of a ClientHello; it serves on`, async () => {
  const { root } = await pki();
  for (const start of [startServe, startChapter]) {
    const site = await start();
    const errors: string[] = [];
    (site.server as { on(type: "tlsClientError", fn: (error: { code: string }) => void): void })
      .on("tlsClientError", (error) => errors.push(error.code));
    try {
      for (const bytes of ["GET / HTTP/1.1\r\nHost: x\r\n\r\n", "\x16\x03\x01\xff\xffgarbage"]) {
        const socket = connect({ host: "127.0.0.1", port: site.port });
        await once(socket, "connect");
        socket.write(bytes);
        socket.resume();
        await once(socket, "close");
      }
      const agent = new Agent({ tls: { ca: root } });
      const response = await fetch(`https://localhost:${site.port}/`, { agent });
      assert.equal(await response.text(), "hello over https:", site.face);
      agent.destroy();
      for (let i = 0; i < 500 && errors.length < 2; i++) await settle();
      assert.equal(errors.length, 2, `${site.face}: ${errors}`);
      for (const code of errors) assert.match(code, /^ERR_TLS_/);
    } finally {
      await site.close();
    }
  }
});

test(`HTTPS client (${rt}): options refused before any byte; checkPeer pins where supported`, async () => {
  const made = await pki();
  await servingWith(made.server, async (port) => {
    const origin = `https://localhost:${port}/`;
    await rejectsWithCode(
      fetch(origin, { tls: { ca: made.root, rejectUnauthorized: false } }),
      "INVALID_REQUEST",
      { phase: "tls" },
    );
    const agent = new Agent({ tls: { ca: made.root } });
    try {
      const pinned = pinnedKeys([spkiSha256(made.server.cert)]);
      const wrongPin = pinnedKeys([spkiSha256(made.client.cert)]);
      if (isDeno) {
        // Deno's native TLS reports no peer certificate (README's TLS table).
        await rejectsWithCode(fetch(origin, { agent, tls: { checkPeer: pinned } }), "ENOTSUP", {
          phase: "tls",
        });
        await rejectsWithCode(
          fetch(origin, { agent, tls: { dangerouslyDisableVerification: true } }),
          "ENOTSUP",
          { phase: "tls" },
        );
        // The way round the README names: Deno's node:tls under the same agent API.
        const viaNode = new Agent({
          tls: { ca: made.root, checkPeer: pinned },
          transport: nodeTransport,
        });
        try {
          assert.equal(await (await fetch(origin, { agent: viaNode })).text(), "hello over https:");
          await rejectsWithCode(
            fetch(origin, { agent: viaNode, tls: { checkPeer: wrongPin } }),
            "ERR_TLS_CERT_UNTRUSTED",
            { phase: "tls" },
          );
        } finally {
          viaNode.destroy();
        }
      } else {
        const ok = await fetch(origin, { agent, tls: { checkPeer: pinned } });
        assert.equal(await ok.text(), "hello over https:");
        await rejectsWithCode(
          fetch(origin, { agent, tls: { checkPeer: wrongPin } }),
          "ERR_TLS_CERT_UNTRUSTED",
          {
            phase: "tls",
          },
        );
        // Pools per TLS options: the agent's own, and the pinned one.
        assert.equal(Object.keys(agent.stats().routes).length, 2);
        const off = await fetch(origin, { tls: { dangerouslyDisableVerification: true }, agent });
        assert.equal(off.status, 200);
      }
    } finally {
      agent.destroy();
    }
  });
});

test(`HTTPS server (${rt}): mutual TLS with requestCert (ENOTSUP on Deno's native TLS)`, async () => {
  const made = await pki();
  if (isDeno) {
    const server = serve({
      port: 0,
      hostname: "127.0.0.1",
      tls: { cert: made.server.chain, key: made.server.key, requestCert: true, ca: made.root },
    }, siteHandler);
    server.on("error", () => {});
    await assert.rejects(server.listening, { code: "ENOTSUP" });
    await server.finished.catch(() => {});
    return;
  }
  const server = serve({
    port: 0,
    hostname: "127.0.0.1",
    tls: { cert: made.server.chain, key: made.server.key, requestCert: true, ca: made.root },
  }, (_request, info) => new Response(`authorized ${info.tls?.authorized}`));
  const { port } = await server.listening;
  const agent = new Agent({ tls: { ca: made.root } });
  try {
    const response = await fetch(`https://localhost:${port}/`, {
      agent,
      tls: { cert: made.client.chain, key: made.client.key },
    });
    assert.equal(await response.text(), "authorized true");
    let caught: unknown;
    try {
      await (await fetch(`https://localhost:${port}/`, { agent })).text();
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof TypeError, "a client without a certificate is refused");
    const cause = caught.cause as HttpClientError;
    assert.ok(
      ["ERR_TLS_CERT_REQUIRED", "ECONNRESET", "SOCKET_CLOSED", "NO_RESPONSE"].includes(cause.code),
      cause.code,
    );
  } finally {
    agent.destroy();
    await server.shutdown();
  }
});
