// wirestack's TLS against OpenSSL: `openssl s_client` against wirestack's
// server and wirestack's client against `openssl s_server`, on every
// transport: TLS 1.3 and 1.2, ALPN, key exchange groups X25519 and P-256,
// mutual TLS, and a TLS 1.2-only peer against a 1.3-only setting.

import assert from "node:assert/strict";
import { once } from "../../net/mod.ts";
import { connect, type NetError, type TLSSocket } from "../../tls/mod.ts";
import { isDeno, test } from "../_harness.ts";
import { closed, label, listening, outcome, tlsTransports } from "./_helpers.ts";
import { runSClient, startSServer, writePki } from "./_openssl_peers.ts";
import { pki } from "./_pki.ts";

for (const via of tlsTransports) {
  const rt = label(via);
  const tls = via.features.tls;

  test(`openssl s_client -> tls (${rt}) server: TLS 1.3 and 1.2, ALPN, X25519 and P-256`, async () => {
    const p = await pki();
    const files = writePki(p);
    const { port, close } = await listening({
      cert: p.server.chain,
      key: p.server.key,
      alpnProtocols: ["h2", "http/1.1"],
      transport: via,
    }, (socket) => {
      socket.on("data", (bytes) => socket.end(new TextDecoder().decode(bytes).toUpperCase()));
    });
    const common = [
      "-CAfile",
      files.path("root.pem"),
      "-verify_return_error",
      "-servername",
      "localhost",
    ];
    const v13 = await runSClient(
      port,
      [...common, "-tls1_3", "-groups", "X25519", "-alpn", "h2"],
      "hello\n",
    );
    assert.equal(v13.code, 0, v13.output);
    assert.match(v13.output, /New, TLSv1\.3, Cipher is TLS_/);
    assert.match(v13.output, /Server Temp Key: X25519/);
    assert.match(v13.output, /ALPN protocol: h2/);
    assert.match(v13.output, /Verify return code: 0 \(ok\)/);
    assert.match(v13.stdout, /HELLO\n/);
    const v12 = await runSClient(
      port,
      [...common, "-tls1_2", "-groups", "P-256", "-alpn", "http/1.1,h2"],
      "hello\n",
    );
    assert.equal(v12.code, 0, v12.output);
    assert.match(v12.output, /New, TLSv1\.2, Cipher is ECDHE-/);
    assert.match(v12.output, /Server Temp Key: ECDH, prime256v1/);
    assert.match(v12.output, /ALPN protocol: h2/, "the server's preference wins");
    assert.match(v12.stdout, /HELLO\n/);
    await close();
    files.remove();
  });

  test(`tls (${rt}) client -> openssl s_server: TLS 1.3 and 1.2, ALPN, X25519 and P-256`, async () => {
    const p = await pki();
    const files = writePki(p);
    for (
      const [version, group] of [["-tls1_3", "X25519"], ["-tls1_2", "P-256"]] as const
    ) {
      const server = await startSServer([
        "-cert",
        files.path("server.pem"),
        "-key",
        files.path("server.key"),
        version,
        "-groups",
        group,
        "-alpn",
        "h2",
      ]);
      const socket = connect({
        host: "127.0.0.1",
        port: server.port,
        servername: "localhost",
        ca: p.root,
        alpnProtocols: ["http/1.1", "h2"],
        transport: via,
      });
      await once(socket, "secureConnect");
      assert.equal(socket.alpnProtocol, "h2");
      if (tls.versionAndCipher) {
        assert.equal(socket.getProtocol(), version === "-tls1_3" ? "TLSv1.3" : "TLSv1.2");
      }
      socket.write("hello\n");
      const [bytes] = await once(socket, "data");
      assert.equal(new TextDecoder().decode(bytes), "olleh\n");
      socket.destroy();
      await closed(socket);
      const output = await server.exited();
      assert.match(
        output,
        new RegExp(`Protocol version: TLSv1\\.${version === "-tls1_3" ? 3 : 2}`),
      );
      assert.match(output, /ALPN protocols selected: h2/);
    }
    files.remove();
  });

  if (tls.clientCertificates) {
    test(`openssl s_client -> tls (${rt}) server: mutual TLS, with and without a certificate`, async () => {
      const p = await pki();
      const files = writePki(p);
      const errors: NetError[] = [];
      const { server, port, close } = await listening({
        cert: p.server.chain,
        key: p.server.key,
        requestCert: true,
        ca: p.root,
        transport: via,
      }, (socket) => socket.end(`${socket.authorized} ${socket.getPeerCertificate()?.subject}\n`));
      server.on("tlsClientError", (error) => errors.push(error));
      const common = ["-CAfile", files.path("root.pem"), "-servername", "localhost"];
      const withCert = await runSClient(port, [
        ...common,
        "-cert",
        files.path("client.pem"),
        "-key",
        files.path("client.key"),
      ], "");
      assert.match(withCert.stdout, /true CN=client\n/, withCert.output);
      const without = await runSClient(port, common, "");
      assert.doesNotMatch(without.stdout, /(true|false) CN=/);
      if (!(isDeno && via.name === "node")) {
        // (Deno's node:tls at times closes without sending the alert.)
        assert.match(without.output, /alert certificate required|alert number 116/);
      }
      while (errors.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(errors[0].code, "ERR_TLS_CERT_REQUIRED");
      await close();
      files.remove();
    });
  }

  if (tls.clientCertificate) {
    test(`tls (${rt}) client -> openssl s_server -Verify: mutual TLS, with and without a certificate`, async () => {
      const p = await pki();
      const files = writePki(p);
      const serverArgs = [
        "-cert",
        files.path("server.pem"),
        "-key",
        files.path("server.key"),
        "-Verify",
        "1",
        "-CAfile",
        files.path("root.pem"),
      ];
      const server = await startSServer(serverArgs);
      const socket = connect({
        host: "localhost",
        port: server.port,
        ca: p.root,
        cert: p.client.chain,
        key: p.client.key,
        transport: via,
      });
      await once(socket, "secureConnect");
      socket.write("mtls\n");
      const [bytes] = await once(socket, "data");
      assert.equal(new TextDecoder().decode(bytes), "sltm\n");
      socket.destroy();
      await closed(socket);
      const output = await server.exited();
      assert.match(output, /depth=0 CN = client/);
      // No certificate: TLS 1.3 lets the client finish first; the refusal comes as an alert.
      const strict = await startSServer(serverArgs);
      const anonymous = connect({
        host: "localhost",
        port: strict.port,
        ca: p.root,
        transport: via,
      });
      anonymous.resume();
      const failure = await new Promise<NetError | null>((resolve) => {
        anonymous.once("error", (error) => resolve(error as NetError));
        anonymous.once("close", () => resolve(null));
      });
      // Deno's node:tls at times closes without passing the alert on.
      if (failure !== null || !(isDeno && via.name === "node")) {
        assert.equal(failure?.code, "ERR_TLS_CERT_REQUIRED");
      }
      await closed(anonymous);
      await strict.exited();
      files.remove();
    });
  }

  if (tls.versionLimits) {
    test(`tls (${rt}): a TLS 1.2-only peer against a 1.3-only setting, both ways`, async () => {
      const p = await pki();
      const files = writePki(p);
      const errors: NetError[] = [];
      const { server, port, close } = await listening({
        cert: p.server.chain,
        key: p.server.key,
        minVersion: "TLSv1.3",
        transport: via,
      });
      server.on("tlsClientError", (error) => errors.push(error));
      const old = await runSClient(port, ["-tls1_2", "-servername", "localhost"], "");
      assert.notEqual(old.code, 0);
      assert.match(old.output, /alert protocol version|no protocols available/);
      while (errors.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(errors[0].code, "ERR_TLS_PROTOCOL_VERSION");
      await close();
      const peer = await startSServer([
        "-cert",
        files.path("server.pem"),
        "-key",
        files.path("server.key"),
        "-tls1_2",
      ]);
      const socket: TLSSocket = connect({
        host: "localhost",
        port: peer.port,
        ca: p.root,
        minVersion: "TLSv1.3",
        transport: via,
      });
      assert.equal((await outcome(socket)).error?.code, "ERR_TLS_PROTOCOL_VERSION");
      await closed(socket);
      await peer.exited();
      files.remove();
    });
  } else {
    test(`tls (${rt}): a 1.3-only setting is ENOTSUP here; a TLS 1.2-only peer still connects`, async () => {
      const p = await pki();
      const files = writePki(p);
      const socket = connect({ host: "localhost", port: 1, minVersion: "TLSv1.3", transport: via });
      const refused = await outcome(socket);
      assert.equal(refused.error?.code, "ENOTSUP");
      await closed(socket);
      const peer = await startSServer([
        "-cert",
        files.path("server.pem"),
        "-key",
        files.path("server.key"),
        "-tls1_2",
      ]);
      const old = connect({ host: "localhost", port: peer.port, ca: p.root, transport: via });
      await once(old, "secureConnect");
      old.destroy();
      await closed(old);
      assert.match(await peer.exited(), /Protocol version: TLSv1\.2/);
      files.remove();
    });
  }
}
