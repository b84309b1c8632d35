// The development CA: what it issues passes `openssl verify` for servers and
// clients on localhost, 127.0.0.1 and ::1; lifetimes follow the presets; the
// name-constrained root cannot sign for real sites, and OpenSSL agrees.

import assert from "node:assert/strict";
import {
  CertificateError,
  createCertificate,
  createDevCa,
  DEV_CA_FILES,
  type DevCaStore,
  devCaTrustInstructions,
  generateKeyPair,
  importPrivateKey,
  issueDevCertificate,
  LIFETIME_PRESETS,
  loadOrCreateDevCa,
  parseCertificate,
  verifyCertificateChain,
} from "../../crypto/mod.ts";
import { runtimeName, test } from "../_harness.ts";
import { OpensslDir, opensslStatus } from "./_openssl.ts";

const name = (text: string) => `dev CA (${runtimeName}): ${text}`;
const DAY = 86_400_000;

test(
  name(
    "issued certificates verify with openssl for localhost, 127.0.0.1 and ::1, server and client",
  ),
  async () => {
    const dir = new OpensslDir();
    try {
      const ca = await createDevCa({ unit: "tester@host" });
      const issued = await issueDevCertificate(ca);
      dir.write("root.pem", ca.certificate);
      dir.write("leaf.pem", issued.certificate);
      const checks = [
        ["-purpose", "sslserver", "-verify_hostname", "localhost"],
        ["-purpose", "sslserver", "-verify_ip", "127.0.0.1"],
        ["-purpose", "sslserver", "-verify_ip", "::1"],
        ["-purpose", "sslclient"],
      ];
      for (const check of checks) {
        const result = opensslStatus([
          "verify",
          "-x509_strict",
          "-CAfile",
          dir.path("root.pem"),
          ...check,
          dir.path("leaf.pem"),
        ]);
        assert.ok(result.ok, `${check.join(" ")}: ${result.output}`);
      }
      for (const host of ["localhost", "127.0.0.1", "::1"]) {
        const path = await verifyCertificateChain(issued.chain, { roots: ca.certificate, host });
        assert.equal(path.length, 2);
      }
      await verifyCertificateChain(issued.certificate, {
        roots: ca.certificate,
        purpose: "client",
      });
      const leaf = parseCertificate(issued.certificate);
      assert.deepEqual(leaf.extendedKeyUsage, ["serverAuth", "clientAuth"]);
      assert.equal(leaf.subject, "CN=localhost,O=wirestack development certificate");
      const root = parseCertificate(ca.certificate);
      assert.equal(
        root.subject,
        "CN=wirestack development CA,OU=tester@host,O=wirestack development CA",
      );
      assert.deepEqual(root.basicConstraints, { ca: true, pathLength: 0 });
      // The key works and matches the certificate.
      await importPrivateKey(issued.privateKey);
    } finally {
      dir.close();
    }
  },
);

test(
  name("lifetime presets: browser 398, WebRTC 30, WebTransport 14 days; bounds are checked"),
  async () => {
    const ca = await createDevCa();
    for (const [preset, days] of Object.entries(LIFETIME_PRESETS)) {
      const issued = await issueDevCertificate(ca, ["localhost"], {
        lifetime: preset as keyof typeof LIFETIME_PRESETS,
      });
      const leaf = parseCertificate(issued.certificate);
      assert.equal(leaf.notAfter.getTime() - leaf.notBefore.getTime(), days * DAY, preset);
      assert.ok(leaf.notBefore.getTime() <= Date.now());
    }
    assert.equal(LIFETIME_PRESETS.webtransport, 14);
    const seven = await issueDevCertificate(ca, ["localhost"], {
      lifetime: 7,
      algorithm: "Ed25519",
    });
    assert.equal(seven.notAfter.getTime() - seven.notBefore.getTime(), 7 * DAY);
    for (const lifetime of [0, 399, -1]) {
      await assert.rejects(issueDevCertificate(ca, ["localhost"], { lifetime }), CertificateError);
    }
    await assert.rejects(
      issueDevCertificate(ca, ["localhost"], { lifetime: "webtransport", algorithm: "RSA" }),
      /ECDSA/,
    );
  },
);

test(
  name(
    "the constrained root refuses real names; openssl rejects a leaf forged past the constraint",
  ),
  async () => {
    const dir = new OpensslDir();
    try {
      const ca = await createDevCa();
      for (const outside of ["example.com", "8.8.8.8", "localhost.evil.com"]) {
        await assert.rejects(
          issueDevCertificate(ca, ["localhost", outside]),
          (error: unknown) =>
            error instanceof CertificateError && error.code === "name-constraints",
        );
      }
      await issueDevCertificate(ca, [
        "app.localhost",
        "api.test",
        "printer.local",
        "192.168.1.20",
        "10.1.2.3",
        "fd12::1",
      ]);
      // Bypassing issueDevCertificate's own check: the constraint still holds in OpenSSL and here.
      const keys = await generateKeyPair();
      const forged = await createCertificate({
        subject: "CN=bank.example.com",
        publicKey: keys.publicKey,
        signingKey: await importPrivateKey(ca.privateKey),
        issuer: ca.certificate,
        names: ["bank.example.com"],
      });
      dir.write("root.pem", ca.certificate);
      dir.write("forged.pem", forged);
      const result = opensslStatus([
        "verify",
        "-CAfile",
        dir.path("root.pem"),
        dir.path("forged.pem"),
      ]);
      assert.equal(result.ok, false, result.output);
      assert.match(result.output, /name constraint|permitted subtree/i);
      await assert.rejects(
        verifyCertificateChain(forged, { roots: ca.certificate }),
        (error: unknown) => error instanceof CertificateError && error.code === "name-constraints",
      );
      // An unconstrained root (opt-out) signs anything.
      const open = await createDevCa({ constrained: false });
      assert.equal(parseCertificate(open.certificate).nameConstraints, undefined);
      const anything = await issueDevCertificate(open, ["example.com"]);
      await verifyCertificateChain(anything.certificate, {
        roots: open.certificate,
        host: "example.com",
      });
      const extra = await createDevCa({ extraNames: ["corp.example"] });
      await issueDevCertificate(extra, ["build.corp.example"]);
    } finally {
      dir.close();
    }
  },
);

test(
  name("loadOrCreateDevCa creates once, then loads; a half-written store is an error"),
  async () => {
    const files = new Map<string, string>();
    const secrets = new Set<string>();
    const store: DevCaStore = {
      read: (file) => Promise.resolve(files.get(file)),
      write: (file, text, options) => {
        files.set(file, text);
        if (options.secret) secrets.add(file);
        return Promise.resolve();
      },
    };
    const first = await loadOrCreateDevCa(store);
    assert.equal(first.created, true);
    assert.deepEqual(
      [...files.keys()].sort(),
      [DEV_CA_FILES.privateKey, DEV_CA_FILES.certificate].sort(),
    );
    assert.deepEqual([...secrets], [DEV_CA_FILES.privateKey]);
    const second = await loadOrCreateDevCa(store);
    assert.equal(second.created, false);
    assert.equal(second.ca.certificate, first.ca.certificate);
    files.delete(DEV_CA_FILES.privateKey);
    await assert.rejects(loadOrCreateDevCa(store), CertificateError);
    const text = devCaTrustInstructions("/tmp/my dir/rootCA.pem");
    for (
      const needle of [
        "--cacert",
        "NODE_EXTRA_CA_CERTS=",
        "DENO_CERT=",
        "Firefox",
        "Chrome",
        '"/tmp/my dir/rootCA.pem"',
      ]
    ) {
      assert.ok(text.includes(needle), needle);
    }
  },
);
