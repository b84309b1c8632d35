// wirestack's tls module against itself, on every transport: the socket API
// over TLS, SNI, reloading, ALPN, mutual TLS, wirestack's own peer checks,
// negative cases, and what Deno's native TLS refuses with ENOTSUP.

import assert from "node:assert/strict";
import { nodeTransport, type Transport } from "../../adapters/mod.ts";
import { spkiSha256 } from "../../crypto/mod.ts";
import { connect as connectPlain, createServer as createPlainServer, once } from "../../net/mod.ts";
import {
  chainVerifier,
  connect,
  createServer,
  type NetError,
  pinnedKeys,
  startTls,
  type TLSSocket,
} from "../../tls/mod.ts";
import { isDeno, test } from "../_harness.ts";
import { concat, pattern } from "../_peers.ts";
import { closed, label, listening, outcome, tlsTransports } from "./_helpers.ts";
import { pki } from "./_pki.ts";

for (const via of tlsTransports) {
  const rt = label(via);
  const tls = via.features.tls;

  test(`tls (${rt}): onread reads the decrypted bytes into one buffer, pauses included`, async () => {
    const p = await pki();
    const message = pattern(200_000);
    const { port, close } = await listening({
      cert: p.server.chain,
      key: p.server.key,
      transport: via,
    }, (socket) => {
      socket.resume();
      socket.end(message);
    });
    const buffer = new Uint8Array(4096);
    const received: Uint8Array[] = [];
    let dataEvents = 0;
    let calls = 0;
    const client = connect({
      host: "localhost",
      port,
      ca: p.root,
      transport: via,
      onread: {
        buffer,
        callback(bytesRead, into) {
          assert.equal(into, buffer);
          received.push(into.slice(0, bytesRead));
          // Deno's node:tls loses the peer's end once a socket was paused and resumed.
          if (++calls === 3 && !(isDeno && via.name === "node")) {
            setTimeout(() => client.resume(), 20);
            return false;
          }
        },
      },
    });
    client.on("data", () => dataEvents++);
    const done = closed(client);
    await once(client, "end");
    assert.deepEqual(concat(received), message);
    assert.equal(dataEvents, 0);
    await done;
    await close();
  });

  test(`tls (${rt}): connect and secureConnect, early writes, what the socket reports`, async () => {
    const p = await pki();
    const events: string[] = [];
    const { server, port, close } = await listening({
      cert: p.server.chain,
      key: p.server.key,
      alpnProtocols: ["echo"],
      transport: via,
    }, (socket) => {
      assert.equal(socket.isServer(), true);
      assert.equal(socket.alpnProtocol, "echo");
      socket.on("data", (bytes) => socket.write(bytes));
      socket.on("end", () => socket.end());
    });
    server.on("connection", () => events.push("server connection"));
    server.on("secureConnection", () => events.push("server secureConnection"));
    const client = connect({
      host: "localhost",
      port,
      ca: p.root,
      alpnProtocols: ["echo"],
      transport: via,
    });
    client.on("connect", () => events.push("connect"));
    client.on("secureConnect", () => events.push("secureConnect"));
    assert.equal(client.alpnProtocol, null);
    client.write("early");
    await once(client, "secureConnect");
    assert.equal(client.encrypted, true);
    assert.equal(client.isServer(), false);
    assert.equal(client.authorized, true);
    assert.equal(client.authorizationError, undefined);
    assert.equal(client.alpnProtocol, "echo");
    assert.equal(client.servername, "localhost");
    if (tls.versionAndCipher) {
      assert.equal(client.getProtocol(), "TLSv1.3");
      assert.match(client.getCipher()?.standardName ?? "", /^TLS_(AES|CHACHA20)/);
    } else {
      assert.equal(client.getProtocol(), null);
      assert.equal(client.getCipher(), null);
    }
    if (tls.peerCertificates) {
      const peer = client.getPeerCertificate();
      assert.equal(peer?.subject, "CN=localhost,O=wirestack development certificate");
      assert.deepEqual(peer?.subjectAltName?.ip, ["127.0.0.1", "::1"]);
    } else {
      assert.equal(client.getPeerCertificate(), null);
    }
    const [bytes] = await once(client, "data");
    assert.equal(new TextDecoder().decode(bytes), "early");
    client.end();
    await closed(client);
    assert.deepEqual(events.slice(0, 2), ["connect", "secureConnect"]);
    assert.ok(events.includes("server connection") && events.includes("server secureConnection"));
    await close();
  });

  test(`tls (${rt}): web streams over TLS, 1 MB through an echo server`, async () => {
    const p = await pki();
    const { port, close } = await listening({
      cert: p.server.chain,
      key: p.server.key,
      allowHalfOpen: true,
      transport: via,
    }, (socket) => socket.readable.pipeTo(socket.writable));
    const client = connect({ host: "127.0.0.1", port, ca: [p.root], transport: via });
    const message = pattern(1024 * 1024);
    const parts: Uint8Array[] = [];
    const reading = (async () => {
      for await (const part of client.readable) parts.push(part);
    })();
    const writer = client.writable.getWriter();
    for (let at = 0; at < message.length; at += 100_000) {
      await writer.write(message.slice(at, at + 100_000));
    }
    await writer.close();
    await reading;
    assert.deepEqual(concat(parts), message);
    await closed(client);
    await close();
  }, {
    // Deno's node:tls loses the peer's end once a socket was paused and resumed.
    skip: isDeno && via.name === "node" && "Deno's node:tls drops the end after a pause",
  });

  test(`tls (${rt}): certificates by SNI, exact and wildcard; no SNI gets the default`, async () => {
    const p = await pki();
    const { server, port, close } = await listening(
      {
        cert: p.server.chain,
        key: p.server.key,
        sni: { "A.test": { cert: p.exact.chain, key: p.exact.key } },
        transport: via,
      },
      (socket) => socket.end(socket.servername ?? "none"),
      (server) => {
        server.addContext("*.wild.test", { cert: p.wildcard.chain, key: p.wildcard.key });
      },
    );
    // A client verifies the name it asked for: it connects only if SNI chose right.
    const tryName = async (servername: string | undefined) => {
      const socket = connect({
        host: "127.0.0.1",
        port,
        ca: p.root,
        transport: via,
        ...(servername === undefined ? {} : { servername }),
      });
      const result = await outcome(socket);
      socket.destroy();
      await closed(socket);
      return result.secure ? "ok" : result.error?.code;
    };
    assert.equal(await tryName("a.test"), "ok");
    assert.equal(await tryName("x.wild.test"), "ok");
    assert.equal(await tryName("X.Wild.Test"), "ok");
    assert.equal(await tryName(undefined), "ok", "an IP address: the default certificate");
    assert.equal(await tryName("localhost"), "ok");
    assert.equal(await tryName("wild.test"), "ERR_TLS_CERT_HOSTNAME", "* covers one label");
    assert.equal(await tryName("y.x.wild.test"), "ERR_TLS_CERT_HOSTNAME", "* covers one label");
    if (tls.certificateReload) {
      assert.equal(server.removeContext("*.wild.test"), true);
      assert.equal(await tryName("x.wild.test"), "ERR_TLS_CERT_HOSTNAME");
      assert.throws(() => server.addContext("*.test", p.exact), /two labels/);
    } else {
      assert.throws(() => server.removeContext("*.wild.test"), { code: "ENOTSUP" });
    }
    await close();
  });

  test(`tls (${rt}): setSecureContext reloads the certificate, open connections keep theirs`, async () => {
    if (!tls.certificateReload) {
      const p = await pki();
      const { server, close } = await listening({
        cert: p.server.chain,
        key: p.server.key,
        transport: via,
      });
      assert.throws(
        () => server.setSecureContext({ cert: p.exact.chain, key: p.exact.key }),
        (error: NetError) => error.code === "ENOTSUP" && /nodeTransport/.test(error.message),
      );
      await close();
      return;
    }
    const p = await pki();
    const { server, port, close } = await listening({
      cert: p.server.chain,
      key: p.server.key,
      transport: via,
    }, (socket) => socket.resume());
    const first = connect({ host: "localhost", port, ca: p.root, transport: via });
    await once(first, "secureConnect");
    server.setSecureContext({ cert: p.exact.chain, key: p.exact.key });
    const stale = connect({ host: "localhost", port, ca: p.root, transport: via });
    assert.equal((await outcome(stale)).error?.code, "ERR_TLS_CERT_HOSTNAME");
    const fresh = connect({
      host: "127.0.0.1",
      servername: "a.test",
      port,
      ca: p.root,
      transport: via,
    });
    assert.equal((await outcome(fresh)).secure, true);
    first.write("still fine");
    assert.equal(first.destroyed, false);
    for (const socket of [first, stale, fresh]) socket.destroy();
    await Promise.all([first, stale, fresh].map(closed));
    await close();
  });

  test(`tls (${rt}): negative cases: wrong host, expired, untrusted, self-signed, ALPN`, async () => {
    const p = await pki();
    const expired = via.name === "node" && tlsTransports.length === 2
      ? "ERR_TLS_CERT_UNTRUSTED" // Deno's node:tls says it cannot verify an expired leaf
      : "ERR_TLS_CERT_EXPIRED";
    const cases: Array<[string, { chain: string; key: string }, string, string]> = [
      ["wrong host", p.server, "example.test", "ERR_TLS_CERT_HOSTNAME"],
      ["expired", p.expired, "localhost", expired],
      ["untrusted", p.untrusted, "localhost", "ERR_TLS_CERT_UNTRUSTED"],
      ["self-signed leaf", p.selfSigned, "localhost", "ERR_TLS_CERT_UNTRUSTED"],
    ];
    for (const [name, served, servername, code] of cases) {
      const { server, port, close } = await listening({
        cert: served.chain,
        key: served.key,
        transport: via,
      });
      server.on("tlsClientError", () => {});
      const socket = connect({ host: "127.0.0.1", servername, port, ca: p.root, transport: via });
      const result = await outcome(socket);
      assert.equal(result.error?.code, code, `${name}: ${result.error?.message}`);
      assert.equal(socket.destroyed, true);
      await closed(socket);
      await close();
    }
    // ALPN: no protocol in common.
    const serverErrors: NetError[] = [];
    const { server, port, close } = await listening({
      cert: p.server.chain,
      key: p.server.key,
      alpnProtocols: ["h2"],
      transport: via,
    });
    server.on("tlsClientError", (error) => serverErrors.push(error));
    const socket = connect({
      host: "localhost",
      port,
      ca: p.root,
      alpnProtocols: ["http/1.1"],
      transport: via,
    });
    assert.equal((await outcome(socket)).error?.code, "ERR_TLS_ALPN");
    await closed(socket);
    while (serverErrors.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(serverErrors[0].code, "ERR_TLS_ALPN");
    await close();
  });

  test(`tls (${rt}): garbage instead of a ClientHello; the server serves on`, async () => {
    const p = await pki();
    const { server, port, close } = await listening({
      cert: p.server.chain,
      key: p.server.key,
      transport: via,
    }, (socket) => socket.end("hello"));
    const clientErrors: Array<[NetError, unknown]> = [];
    server.on("tlsClientError", (error, info) => clientErrors.push([error, info]));
    for (const junk of ["GET / HTTP/1.1\r\nHost: x\r\n\r\n", "\x16\x03\x01\x00\x05hello"]) {
      const plain = connectPlain({ host: "127.0.0.1", port, transport: via });
      plain.on("error", () => {});
      plain.resume();
      plain.end(junk);
      await once(plain, "close");
    }
    const client = connect({ host: "localhost", port, ca: p.root, transport: via });
    const [bytes] = await once(client, "data");
    assert.equal(new TextDecoder().decode(bytes), "hello");
    await closed(client);
    while (clientErrors.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    for (const [error, info] of clientErrors) {
      assert.equal(error.code, "ERR_TLS_HANDSHAKE", error.message);
      assert.equal((info as { remoteAddress?: string }).remoteAddress ?? "127.0.0.1", "127.0.0.1");
    }
    await close();
  });

  test(`tls (${rt}): startTls after a plaintext greeting (STARTTLS)`, async () => {
    const p = await pki();
    const secure = await listening(
      { cert: p.server.chain, key: p.server.key, transport: via },
      (socket) => {
        socket.on("data", (bytes) => socket.write(bytes));
      },
    );
    // A plain server that greets, then relays raw bytes to the TLS server.
    const relay = createPlainServer({ transport: via }, (plain) => {
      const upstream = connectPlain({ host: "127.0.0.1", port: secure.port, transport: via });
      plain.write("220 go ahead\r\n");
      plain.readable.pipeTo(upstream.writable).catch(() => {});
      upstream.readable.pipeTo(plain.writable).catch(() => {});
    });
    relay.listen(0, "127.0.0.1");
    await once(relay, "listening");
    const relayPort = (relay.address() as { port: number }).port;
    const plain = connectPlain({ host: "127.0.0.1", port: relayPort, transport: via });
    const upgraded = await new Promise<TLSSocket>((resolve) => {
      plain.once("data", (bytes) => {
        assert.equal(new TextDecoder().decode(bytes), "220 go ahead\r\n");
        resolve(startTls(plain, { servername: "localhost", ca: p.root }));
      });
    });
    await once(upgraded, "secureConnect");
    assert.equal(upgraded.authorized, true);
    assert.equal(plain.destroyed, true);
    upgraded.write("over tls");
    const [echo] = await once(upgraded, "data");
    assert.equal(new TextDecoder().decode(echo), "over tls");
    upgraded.destroy();
    await closed(upgraded);
    const relayClosed = once(relay, "close");
    relay.close();
    await secure.close();
    await relayClosed;
  });

  if (tls.clientCertificates) {
    test(`tls (${rt}): mutual TLS: required, missing, untrusted, optional`, async () => {
      const p = await pki();
      const serverErrors: NetError[] = [];
      const accepted: TLSSocket[] = [];
      const { server, port, close } = await listening({
        cert: p.server.chain,
        key: p.server.key,
        requestCert: true,
        ca: p.root,
        transport: via,
      }, (socket) => {
        accepted.push(socket);
        socket.end(`hello ${socket.getPeerCertificate()?.subject}`);
      });
      server.on("tlsClientError", (error) => serverErrors.push(error));
      const withCert = connect({
        host: "localhost",
        port,
        ca: p.root,
        cert: p.client.chain,
        key: p.client.key,
        transport: via,
      });
      const [bytes] = await once(withCert, "data");
      assert.equal(new TextDecoder().decode(bytes), "hello CN=client");
      assert.equal(accepted[0].authorized, true);
      await closed(withCert);
      // No certificate: refused with certificate_required.
      const without = connect({ host: "localhost", port, ca: p.root, transport: via });
      without.resume();
      const failure = await new Promise<NetError | null>((resolve) => {
        without.once("error", (error) => resolve(error as NetError));
        without.once("close", () => resolve(null));
      });
      // Deno's node:tls at times closes without passing the alert on.
      if (failure !== null || !(isDeno && via.name === "node")) {
        assert.equal(failure?.code, "ERR_TLS_CERT_REQUIRED");
      }
      await closed(without);
      // A certificate from a root the server does not trust.
      const untrusted = connect({
        host: "localhost",
        port,
        ca: p.root,
        cert: p.untrusted.chain,
        key: p.untrusted.key,
        transport: via,
      });
      untrusted.on("error", () => {});
      untrusted.resume();
      await closed(untrusted);
      while (serverErrors.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.deepEqual(serverErrors.map((error) => error.code).sort(), [
        "ERR_TLS_CERT_REQUIRED",
        "ERR_TLS_CERT_UNTRUSTED",
      ]);
      assert.equal(accepted.length, 1);
      await close();
      // rejectUnauthorized: false lets clients in, authorized false.
      const optional = await listening({
        cert: p.server.chain,
        key: p.server.key,
        requestCert: true,
        rejectUnauthorized: false,
        ca: p.root,
        transport: via,
      }, (socket) => socket.end(String(socket.authorized)));
      const anonymous = connect({
        host: "localhost",
        port: optional.port,
        ca: p.root,
        transport: via,
      });
      const [answer] = await once(anonymous, "data");
      assert.equal(new TextDecoder().decode(answer), "false");
      await closed(anonymous);
      await optional.close();
    });
  } else {
    test(`tls (${rt}): mutual TLS on a server is ENOTSUP here`, async () => {
      const p = await pki();
      const server = createServer({
        cert: p.server.chain,
        key: p.server.key,
        requestCert: true,
        ca: p.root,
        transport: via,
      });
      server.listen(0, "127.0.0.1");
      const [error] = await once(server, "error").catch((e) => [e]);
      assert.equal((error as NetError).code, "ENOTSUP");
      assert.match((error as NetError).message, /client certificates.*nodeTransport/);
    });
  }

  if (tls.peerCertificates && tls.disableVerification) {
    test(`tls (${rt}): checkPeer and verifyPeer: SPKI pins, chainVerifier`, async () => {
      const p = await pki();
      const { server, port, close } = await listening({
        cert: p.selfSigned.chain,
        key: p.selfSigned.key,
        transport: via,
      }, (socket) => socket.end("pinned"));
      server.on("tlsClientError", () => {});
      const pin = spkiSha256(p.selfSigned.cert);
      const good = connect({
        host: "localhost",
        port,
        verifyPeer: pinnedKeys([pin]),
        transport: via,
      });
      const [bytes] = await once(good, "data");
      assert.equal(new TextDecoder().decode(bytes), "pinned");
      assert.equal(good.authorized, true);
      await closed(good);
      const bad = connect({
        host: "localhost",
        port,
        verifyPeer: pinnedKeys([spkiSha256(p.server.cert)]),
        transport: via,
      });
      const refused = await outcome(bad);
      assert.equal(refused.error?.code, "ERR_TLS_CERT_UNTRUSTED");
      assert.match(refused.error?.message ?? "", /none of the 1 pinned keys/);
      await closed(bad);
      const insecure = connect({
        host: "localhost",
        port,
        dangerouslyDisableVerification: true,
        transport: via,
      });
      await once(insecure, "secureConnect");
      assert.equal(insecure.authorized, false);
      assert.ok(insecure.authorizationError);
      insecure.destroy();
      await closed(insecure);
      await close();
      // wirestack's own chain verification, in place of and on top of the runtime's.
      const dev = await listening(
        { cert: p.server.chain, key: p.server.key, transport: via },
        (socket) => {
          socket.end("verified");
        },
      );
      const ours = connect({
        host: "127.0.0.1",
        port: dev.port,
        verifyPeer: chainVerifier({ roots: p.root }),
        transport: via,
      });
      const [answer] = await once(ours, "data");
      assert.equal(new TextDecoder().decode(answer), "verified");
      await closed(ours);
      const wrongRoot = connect({
        host: "127.0.0.1",
        port: dev.port,
        ca: p.root,
        checkPeer: chainVerifier({ roots: p.otherRoot }),
        transport: via,
      });
      assert.equal((await outcome(wrongRoot)).error?.code, "ERR_TLS_CERT_UNTRUSTED");
      await closed(wrongRoot);
      const wrongHost = connect({
        host: "127.0.0.1",
        servername: "example.test",
        port: dev.port,
        verifyPeer: chainVerifier({ roots: p.root }),
        transport: via,
      });
      assert.equal((await outcome(wrongHost)).error?.code, "ERR_TLS_CERT_HOSTNAME");
      await closed(wrongHost);
      await dev.close();
    });
  } else {
    test(`tls (${rt}): checkPeer, verifyPeer and disabling verification are ENOTSUP here`, async () => {
      const p = await pki();
      const { port, close } = await listening({
        cert: p.server.chain,
        key: p.server.key,
        transport: via,
      });
      for (
        const options of [
          { checkPeer: pinnedKeys([spkiSha256(p.server.cert)]), ca: p.root },
          { verifyPeer: chainVerifier({ roots: p.root }) },
          { dangerouslyDisableVerification: true },
        ]
      ) {
        const socket = connect({ host: "localhost", port, transport: via, ...options });
        const result = await outcome(socket);
        assert.equal(result.error?.code, "ENOTSUP", result.error?.message);
        assert.match(result.error?.message ?? "", /Deno's native TLS cannot/);
        await closed(socket);
      }
      await close();
    });
  }

  test(`tls (${rt}): rejectUnauthorized: false alone is refused`, () => {
    assert.throws(
      () => connect({ host: "localhost", port: 1, rejectUnauthorized: false, transport: via }),
      (error: NetError) =>
        error.code === "EINVAL" && /dangerouslyDisableVerification/.test(error.message),
    );
  });
}

test("tls: a Deno-native client presents its certificate to a mutual-TLS server", async () => {
  const p = await pki();
  const client = tlsTransports[0];
  const { port, close } = await listening({
    cert: p.server.chain,
    key: p.server.key,
    requestCert: true,
    ca: p.root,
    transport: nodeTransport,
  }, (socket) => socket.end(`hello ${socket.getPeerCertificate()?.subject}`));
  const socket = connect({
    host: "localhost",
    port,
    ca: p.root,
    cert: p.client.chain,
    key: p.client.key,
    transport: client as Transport,
  });
  const [bytes] = await once(socket, "data");
  assert.equal(new TextDecoder().decode(bytes), "hello CN=client");
  await closed(socket);
  await close();
});
