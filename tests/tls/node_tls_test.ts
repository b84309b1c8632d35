// wirestack's TLS against Node's own `node:tls`, run in a real Node process on
// either runtime: Node's client against wirestack's server, and wirestack's
// client against Node's server (TLS 1.3 and 1.2, ALPN, SNI, mutual TLS).

import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { once } from "../../net/mod.ts";
import { connect } from "../../tls/mod.ts";
import { test } from "../_harness.ts";
import { closed, label, listening, tlsTransports } from "./_helpers.ts";
import { writePki } from "./_openssl_peers.ts";
import { pki } from "./_pki.ts";

const PEER = fileURLToPath(new URL("../fixtures/node_tls_peer.mjs", import.meta.url));

/** Reads JSON lines from a child's stdout. */
function lines(child: ChildProcess): () => Promise<Record<string, unknown>> {
  const waiting: Array<(line: string) => void> = [];
  const ready: string[] = [];
  let text = "";
  child.stdout?.on("data", (chunk: Uint8Array) => {
    text += new TextDecoder().decode(chunk);
    for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n")) {
      const line = text.slice(0, end);
      text = text.slice(end + 1);
      const waiter = waiting.shift();
      if (waiter !== undefined) waiter(line);
      else ready.push(line);
    }
  });
  return async () => {
    const line = ready.shift() ?? await new Promise<string>((resolve) => waiting.push(resolve));
    return JSON.parse(line);
  };
}

/** Runs the Node peer as a client to completion. */
async function nodeClient(dir: string, options: Record<string, unknown>) {
  const child = spawn("node", [PEER, "client", dir, JSON.stringify(options)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const next = lines(child);
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const result = await next();
  await exited;
  return result;
}

/** Starts the Node peer as a server. */
async function nodeServer(dir: string, options: Record<string, unknown>) {
  const child = spawn("node", [PEER, "server", dir, JSON.stringify(options)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const next = lines(child);
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const { port } = await next() as { port: number };
  return {
    port,
    next,
    async stop() {
      child.stdin?.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

for (const via of tlsTransports) {
  const rt = label(via);
  const tls = via.features.tls;

  test(`Node tls client -> tls (${rt}) server: TLS 1.3 and 1.2, ALPN, SNI`, async () => {
    const p = await pki();
    const files = writePki(p);
    const { port, close } = await listening(
      {
        cert: p.server.chain,
        key: p.server.key,
        alpnProtocols: ["h2", "http/1.1"],
        transport: via,
      },
      (socket) =>
        socket.on("data", (bytes) => socket.end(`pong ${new TextDecoder().decode(bytes)}`)),
    );
    const base = { port, caFile: "root.pem", servername: "localhost" };
    const v13 = await nodeClient(files.dir, { ...base, ALPNProtocols: ["http/1.1"] });
    assert.deepEqual(v13, {
      authorized: true,
      protocol: "TLSv1.3",
      alpn: "http/1.1",
      reply: "pong ping",
    });
    const v12 = await nodeClient(files.dir, { ...base, maxVersion: "TLSv1.2" });
    assert.deepEqual(v12, {
      authorized: true,
      protocol: "TLSv1.2",
      alpn: false,
      reply: "pong ping",
    });
    const wrongName = await nodeClient(files.dir, { ...base, servername: "example.test" });
    assert.equal(wrongName.error, "ERR_TLS_CERT_ALTNAME_INVALID");
    await close();
    files.remove();
  });

  if (tls.clientCertificates) {
    test(`Node tls client -> tls (${rt}) server: mutual TLS`, async () => {
      const p = await pki();
      const files = writePki(p);
      const { port, close } = await listening({
        cert: p.server.chain,
        key: p.server.key,
        requestCert: true,
        ca: p.root,
        transport: via,
      }, (socket) => {
        socket.on("data", () => socket.end(`pong ${socket.getPeerCertificate()?.subject}`));
      });
      const result = await nodeClient(files.dir, {
        port,
        caFile: "root.pem",
        servername: "localhost",
        certFile: "client.pem",
        keyFile: "client.key",
      });
      assert.equal(result.reply, "pong CN=client");
      await close();
      files.remove();
    });
  }

  test(`tls (${rt}) client -> Node tls server: TLS 1.3 and 1.2, ALPN, SNI, mutual TLS`, async () => {
    const p = await pki();
    const files = writePki(p);
    const server = await nodeServer(files.dir, {
      certFile: "server.pem",
      keyFile: "server.key",
      caFile: "root.pem",
      requestCert: true,
      rejectUnauthorized: false,
      ALPNProtocols: ["h2", "http/1.1"],
    });
    const socket = connect({
      host: "localhost",
      port: server.port,
      ca: p.root,
      alpnProtocols: ["http/1.1"],
      cert: p.client.chain,
      key: p.client.key,
      transport: via,
    });
    await once(socket, "secureConnect");
    assert.equal(socket.alpnProtocol, "http/1.1");
    if (tls.versionAndCipher) assert.equal(socket.getProtocol(), "TLSv1.3");
    socket.write("ping");
    const [reply] = await once(socket, "data");
    assert.equal(new TextDecoder().decode(reply), "pong ping");
    await closed(socket);
    assert.deepEqual(await server.next(), {
      protocol: "TLSv1.3",
      alpn: "http/1.1",
      servername: "localhost",
      authorized: true,
      peer: "client",
      received: "ping",
    });
    await server.stop();
    const old = await nodeServer(files.dir, {
      certFile: "server.pem",
      keyFile: "server.key",
      maxVersion: "TLSv1.2",
    });
    const v12 = connect({ host: "127.0.0.1", port: old.port, ca: p.root, transport: via });
    await once(v12, "secureConnect");
    if (tls.versionAndCipher) {
      assert.equal(v12.getProtocol(), "TLSv1.2");
      assert.match(v12.getCipher()?.standardName ?? "", /^TLS_ECDHE_ECDSA_WITH_/);
    }
    v12.write("ping");
    await once(v12, "data");
    await closed(v12);
    assert.equal((await old.next()).protocol, "TLSv1.2");
    await old.stop();
    files.remove();
  });
}
