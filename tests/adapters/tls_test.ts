// The TLS part of the transport contract: listenTls, connectTls, startTls and
// the handler way (attach, send, cork, end) over TLS, on the running runtime's
// adapter and, under Deno, on the Node adapter too (Deno's node:tls). What
// Deno's native TLS cannot do fails with ENOTSUP.

import assert from "node:assert/strict";
import {
  type Conn,
  type ConnHandler,
  denoTransport,
  type NetError,
  nodeTransport,
  type TlsListener,
  type Transport,
  transport,
} from "../../adapters/mod.ts";
import { isDeno, test } from "../_harness.ts";
import { concat, pattern } from "../_peers.ts";
import { type Issued, pki } from "../tls/_pki.ts";

const transports: Transport[] = isDeno ? [transport, nodeTransport] : [transport];
const label = (via: Transport) => `${isDeno ? "deno" : "node"}, ${via.name} transport`;

/** A handler that records everything and lets a test wait for the end. */
function recorder() {
  const chunks: Uint8Array[] = [];
  const events: string[] = [];
  let resolveEnd: () => void = () => {};
  const ended = new Promise<void>((resolve) => (resolveEnd = resolve));
  const handler: ConnHandler = {
    onData: (chunk) => chunks.push(chunk.slice()),
    onEnd() {
      events.push("end");
      resolveEnd();
    },
    onDrain: () => events.push("drain"),
    onError(error: NetError) {
      events.push(`error ${error.code}`);
      resolveEnd();
    },
  };
  return { handler, chunks, events, ended };
}

async function tlsPair(
  via: Transport,
  options: { alpn?: string[]; clientAlpn?: string[] } = {},
): Promise<{ client: Conn; server: Conn; close(): void }> {
  const p = await pki();
  const listener = await via.listenTls({
    port: 0,
    hostname: "127.0.0.1",
    cert: p.server.chain,
    key: p.server.key,
    ...(options.alpn ? { alpnProtocols: options.alpn } : {}),
  });
  const port = (listener.addr as { port: number }).port;
  const [client, server] = await Promise.all([
    via.connectTls({
      hostname: "127.0.0.1",
      port,
      servername: "localhost",
      ca: [p.root],
      ...(options.clientAlpn ? { alpnProtocols: options.clientAlpn } : {}),
    }),
    listener.accept(),
  ]);
  listener.close();
  assert.ok(server !== null);
  return {
    client,
    server,
    close() {
      client.close();
      server.close();
    },
  };
}

for (const via of transports) {
  test(`tls adapter (${label(via)}): 1 MB each way through attach/send, cork, half-close`, async () => {
    const { client, server, close } = await tlsPair(via);
    const atServer = recorder();
    const atClient = recorder();
    server.attach(atServer.handler);
    client.attach(atClient.handler, { chunks: "borrowed" });
    const message = pattern(1024 * 1024);
    client.cork();
    for (let at = 0; at < message.length; at += 65536) client.send(message.slice(at, at + 65536));
    client.uncork();
    client.end();
    await atServer.ended;
    assert.deepEqual(concat(atServer.chunks), message);
    for (let at = 0; at < message.length; at += 16384) server.send(message.slice(at, at + 16384));
    await new Promise<void>((resolve) => server.end(() => resolve()));
    await atClient.ended;
    assert.deepEqual(concat(atClient.chunks), message);
    assert.deepEqual(atClient.events.filter((event) => event !== "drain"), ["end"]);
    close();
  });

  test(`tls adapter (${label(via)}): the promise way, ALPN and what the handshake reports`, async () => {
    const { client, server, close } = await tlsPair(via, {
      alpn: ["h2", "echo"],
      clientAlpn: ["echo", "h2"],
    });
    // The server's preference wins.
    assert.equal(client.tls?.alpnProtocol, "h2");
    assert.equal(server.tls?.alpnProtocol, "h2");
    assert.equal(client.tls?.authorized, true);
    assert.equal(client.tls?.servername, "localhost");
    assert.equal(server.tls?.authorized, false, "no client certificate was asked for");
    if (via.features.tls.versionAndCipher) {
      assert.equal(client.tls?.protocol, "TLSv1.3");
      assert.match(client.tls?.cipher ?? "", /^TLS_/);
    } else {
      assert.equal(client.tls?.protocol, undefined);
    }
    if (via.features.tls.peerCertificates) {
      const peer = client.tls?.peerCertificates ?? [];
      assert.ok(peer.length >= 1);
      assert.equal(peer[0][0], 0x30, "DER");
      assert.deepEqual(server.tls?.peerCertificates, []);
    }
    await client.write(new TextEncoder().encode("ping"));
    const buffer = new Uint8Array(16);
    const n = await server.read(buffer);
    assert.equal(new TextDecoder().decode(buffer.subarray(0, n ?? 0)), "ping");
    await server.closeWrite();
    assert.equal(await client.read(buffer), null);
    close();
  });

  test(`tls adapter (${label(via)}): startTls upgrades a plain connection after plaintext`, async () => {
    const p = await pki();
    // A plain TCP server that says "go" and then speaks TLS over the same socket.
    const plain = await via.listen({ port: 0, hostname: "127.0.0.1" });
    const port = (plain.addr as { port: number }).port;
    const tlsSide = await nodeTransport.listenTls({
      port: 0,
      hostname: "127.0.0.1",
      cert: p.server.chain,
      key: p.server.key,
    });
    const tlsPort = (tlsSide.addr as { port: number }).port;
    // The plain server relays raw bytes to a real TLS server after "go".
    const relay = (async () => {
      const conn = await plain.accept();
      const upstream = await nodeTransport.connect({ hostname: "127.0.0.1", port: tlsPort });
      assert.ok(conn !== null);
      await conn.write(new TextEncoder().encode("go\n"));
      const pump = async (from: Conn, to: Conn) => {
        const buffer = new Uint8Array(16384);
        for (let n = await from.read(buffer); n !== null; n = await from.read(buffer)) {
          await to.write(buffer.slice(0, n));
        }
        await to.closeWrite().catch(() => {});
      };
      await Promise.all([pump(conn, upstream), pump(upstream, conn)]).catch(() => {});
      conn.close();
      upstream.close();
    })();
    const tcp = await via.connect({ hostname: "127.0.0.1", port });
    const greeting = await new Promise<Uint8Array>((resolve) => {
      tcp.attach({
        onData(chunk) {
          tcp.pause(); // the rest of the stream is TLS
          resolve(chunk.slice());
        },
        onEnd() {},
        onDrain() {},
        onError() {},
      });
    });
    assert.equal(new TextDecoder().decode(greeting), "go\n");
    const secure = await via.startTls(tcp, { servername: "localhost", ca: [p.root] });
    const accepted = await tlsSide.accept();
    assert.ok(accepted !== null);
    assert.equal(secure.tls?.authorized, true);
    await secure.write(new TextEncoder().encode("over tls"));
    const buffer = new Uint8Array(16);
    const n = await accepted.read(buffer);
    assert.equal(new TextDecoder().decode(buffer.subarray(0, n ?? 0)), "over tls");
    secure.close();
    accepted.close();
    plain.close();
    tlsSide.close();
    await relay;
  });

  test(`tls adapter (${label(via)}): garbage instead of a ClientHello; the listener serves on`, async () => {
    const p = await pki();
    const errors: NetError[] = [];
    const listener: TlsListener = await via.listenTls({
      port: 0,
      hostname: "127.0.0.1",
      cert: p.server.chain,
      key: p.server.key,
      onHandshakeError: (error) => errors.push(error),
    });
    const port = (listener.addr as { port: number }).port;
    const junk = await via.connect({ hostname: "127.0.0.1", port });
    await junk.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    const buffer = new Uint8Array(256);
    // The server answers with an alert (or nothing) and closes.
    while ((await junk.read(buffer).catch(() => null)) !== null);
    junk.close();
    const [client, server] = await Promise.all([
      via.connectTls({ hostname: "127.0.0.1", port, servername: "localhost", ca: [p.root] }),
      listener.accept(),
    ]);
    assert.ok(server !== null);
    assert.equal(client.tls?.authorized, true);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].code, "ERR_TLS_HANDSHAKE");
    client.close();
    server.close();
    listener.close();
  });

  test(`tls adapter (${label(via)}): a handshake that never comes times out`, async () => {
    const p = await pki();
    const errors: NetError[] = [];
    const listener = await via.listenTls({
      port: 0,
      hostname: "127.0.0.1",
      cert: p.server.chain,
      key: p.server.key,
      handshakeTimeout: 200,
      onHandshakeError: (error) => errors.push(error),
    });
    const port = (listener.addr as { port: number }).port;
    const silent = await via.connect({ hostname: "127.0.0.1", port });
    while (errors.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(errors[0].code, "ERR_TLS_HANDSHAKE_TIMEOUT");
    if (via.name === "node") {
      // Deno cannot close a socket in the middle of its handshake (see the README).
      const buffer = new Uint8Array(64);
      assert.equal(await silent.read(buffer).catch(() => null), null, "the server closed it");
    }
    silent.close();
    listener.close();
  });

  test(`tls adapter (${label(via)}): certificate failures have stable codes`, async () => {
    const p = await pki();
    // Deno's node:tls reports an expired certificate as one it cannot verify.
    const expiredCode = isDeno && via.name === "node"
      ? "ERR_TLS_CERT_UNTRUSTED"
      : "ERR_TLS_CERT_EXPIRED";
    const cases: Array<[string, Issued, string, string]> = [
      ["wrong host", p.server, "example.test", "ERR_TLS_CERT_HOSTNAME"],
      ["expired", p.expired, "localhost", expiredCode],
      ["untrusted root", p.untrusted, "localhost", "ERR_TLS_CERT_UNTRUSTED"],
      ["self-signed leaf", p.selfSigned, "localhost", "ERR_TLS_CERT_UNTRUSTED"],
    ];
    for (const [name, served, servername, code] of cases) {
      const listener = await via.listenTls({
        port: 0,
        hostname: "127.0.0.1",
        cert: served.chain,
        key: served.key,
        onHandshakeError: () => {},
      });
      const port = (listener.addr as { port: number }).port;
      const accepted = listener.accept();
      await assert.rejects(
        via.connectTls({ hostname: "127.0.0.1", port, servername, ca: [p.root] }),
        (error: NetError) => {
          assert.equal(error.code, code, `${name}: ${error.message}`);
          return true;
        },
      );
      listener.close();
      assert.equal(await accepted, null);
    }
  });

  test(`tls adapter (${label(via)}): each client's trust anchors count (contexts reused per options)`, async () => {
    const p = await pki();
    const listener = await via.listenTls({
      port: 0,
      hostname: "127.0.0.1",
      cert: p.server.chain,
      key: p.server.key,
      onHandshakeError: () => {},
    });
    const port = (listener.addr as { port: number }).port;
    try {
      // Trusted, refused with another root, trusted again: a reused context
      // must be the one of the same options.
      for (const [ca, trusted] of [[p.root, true], [p.untrusted.chain, false], [p.root, true]]) {
        const attempt = via.connectTls({
          hostname: "127.0.0.1",
          port,
          servername: "localhost",
          ca: [ca as string],
        });
        if (trusted) {
          const [client, server] = await Promise.all([attempt, listener.accept()]);
          client.close();
          server?.close();
        } else {
          await assert.rejects(attempt, (error: NetError) => {
            assert.equal(error.code, "ERR_TLS_CERT_UNTRUSTED", error.message);
            return true;
          });
        }
      }
    } finally {
      listener.close();
    }
  });
}

if (isDeno) {
  test("tls adapter (deno, deno transport): what Deno's native TLS cannot do is ENOTSUP", async () => {
    const p = await pki();
    const base = { port: 0, hostname: "127.0.0.1", cert: p.server.chain, key: p.server.key };
    const notSupported = (error: NetError) => {
      assert.equal(error.code, "ENOTSUP");
      assert.match(error.message, /Deno's native TLS cannot .*nodeTransport/);
      return true;
    };
    await assert.rejects(denoTransport.listenTls({ ...base, requestCert: true }), notSupported);
    await assert.rejects(denoTransport.listenTls({ ...base, minVersion: "TLSv1.3" }), notSupported);
    await assert.rejects(denoTransport.listenTls({ ...base, maxVersion: "TLSv1.2" }), notSupported);
    await assert.rejects(
      denoTransport.connectTls({ hostname: "127.0.0.1", port: 1, verify: "none" }),
      notSupported,
    );
    await assert.rejects(
      denoTransport.connectTls({ hostname: "127.0.0.1", port: 1, minVersion: "TLSv1.3" }),
      notSupported,
    );
    const plain = await denoTransport.listen({ port: 0, hostname: "127.0.0.1" });
    const port = (plain.addr as { port: number }).port;
    const [tcp, accepted] = await Promise.all([
      denoTransport.connect({ hostname: "127.0.0.1", port }),
      plain.accept(),
    ]);
    await assert.rejects(
      denoTransport.startTls(tcp, { cert: p.client.chain, key: p.client.key }),
      notSupported,
    );
    await assert.rejects(
      denoTransport.startTls(tcp, { unread: [new Uint8Array([22])] }),
      notSupported,
    );
    tcp.close();
    accepted?.close();
    plain.close();
    assert.equal(denoTransport.features.tls.clientCertificates, false);
    assert.equal(denoTransport.features.tls.caReplacesRoots, false);
  });
}
