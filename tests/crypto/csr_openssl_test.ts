// The chapter's flow (key, request, CA signs) both ways round with OpenSSL:
// OpenSSL's requests parse and get signed by wirestack; wirestack's requests pass
// `openssl req -verify` and get signed by `openssl x509 -req`.

import assert from "node:assert/strict";
import {
  CertificateError,
  createCertificate,
  createCsr,
  exportPrivateKey,
  generateKeyPair,
  importPrivateKey,
  type KeyAlgorithm,
  parseCertificate,
  parseCsr,
  signCsr,
  verifyCertificateChain,
  verifyCsr,
} from "../../crypto/mod.ts";
import { runtimeName, test } from "../_harness.ts";
import { OpensslDir, opensslStatus } from "./_openssl.ts";
import { expandIp } from "./_openssl_text.ts";

const name = (text: string) => `CSR vs openssl (${runtimeName}): ${text}`;

async function makeCa(dir: OpensslDir): Promise<{ pem: string; key: CryptoKey }> {
  const keys = await generateKeyPair();
  const pem = await createCertificate({
    subject: "CN=Chapter CA,O=wirestack tests",
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    ca: { pathLength: 0 },
  });
  dir.write("ca.pem", pem);
  dir.write("ca.key", await exportPrivateKey(keys.privateKey));
  return { pem, key: keys.privateKey };
}

test(
  name("an OpenSSL request parses to what `openssl req` prints, verifies, and wirestack signs it"),
  async () => {
    const dir = new OpensslDir();
    try {
      const ca = await makeCa(dir);
      for (const type of ["ec", "ed25519", "rsa"] as const) {
        dir.key(type, type);
        dir.run([
          "req",
          "-new",
          "-key",
          `${type}.key`,
          "-subj",
          "/C=GB/O=Example/CN=server.example",
          "-addext",
          "subjectAltName=DNS:server.example,DNS:www.server.example,IP:192.0.2.7,IP:::1",
          "-addext",
          "extendedKeyUsage=serverAuth",
          "-addext",
          "keyUsage=digitalSignature",
          "-out",
          `${type}.csr`,
        ]);
        const pem = dir.read(`${type}.csr`);
        const request = parseCsr(pem);
        const subject = dir.run([
          "req",
          "-in",
          `${type}.csr`,
          "-noout",
          "-subject",
          "-nameopt",
          "RFC2253",
        ]).trim();
        assert.equal(`subject=${request.subject}`, subject);
        assert.deepEqual(request.subjectAltName?.dns, ["server.example", "www.server.example"]);
        assert.deepEqual(request.subjectAltName?.ip.map(expandIp), ["192.0.2.7", expandIp("::1")]);
        assert.deepEqual(request.extendedKeyUsage, ["serverAuth"]);
        assert.deepEqual(request.keyUsage, ["digitalSignature"]);
        const text = dir.run(["req", "-in", `${type}.csr`, "-noout", "-text"]);
        assert.ok(text.includes(`Signature Algorithm: ${request.signatureAlgorithm}`), text);
        assert.equal(await verifyCsr(pem), true);
        const der = dir.runBytes(["req", "-in", `${type}.csr`, "-outform", "DER"]);
        assert.deepEqual(parseCsr(der).subject, request.subject);

        const certificate = await signCsr(pem, {
          issuer: { certificate: ca.pem, privateKey: ca.key },
          lifetimeDays: 10,
        });
        dir.write(`${type}.pem`, certificate);
        const verified = opensslStatus([
          "verify",
          "-CAfile",
          dir.path("ca.pem"),
          "-purpose",
          "sslserver",
          "-verify_hostname",
          "www.server.example",
          dir.path(`${type}.pem`),
        ]);
        assert.ok(verified.ok, verified.output);
        const issued = parseCertificate(certificate);
        assert.equal(issued.subject, "CN=server.example,O=Example,C=GB");
        assert.equal(issued.basicConstraints?.ca, false, "the requester never chooses CA:TRUE");
        assert.equal(issued.notAfter.getTime() - issued.notBefore.getTime(), 10 * 86_400_000);
        await verifyCertificateChain(certificate, { roots: ca.pem, host: "192.0.2.7" });
      }
    } finally {
      dir.close();
    }
  },
  { timeout: 60_000 },
);

test(name("a tampered request fails verifyCsr and signCsr refuses it (bad-request)"), async () => {
  const dir = new OpensslDir();
  try {
    const ca = await makeCa(dir);
    const csr = await createCsr({
      keys: await generateKeyPair(),
      subject: "CN=honest.example",
      names: ["honest.example"],
    });
    const der = parseCsr(csr).der.slice();
    const at = new TextDecoder("latin1").decode(der).indexOf("honest");
    der[at] = "d".charCodeAt(0);
    assert.equal(parseCsr(der).subject, "CN=donest.example");
    assert.equal(await verifyCsr(der), false);
    await assert.rejects(
      signCsr(der, { issuer: { certificate: ca.pem, privateKey: ca.key } }),
      (error: unknown) => error instanceof CertificateError && error.code === "bad-request",
    );
  } finally {
    dir.close();
  }
});

test(
  name("wirestack requests pass `openssl req -verify` and `openssl x509 -req -CA` signs them"),
  async () => {
    const dir = new OpensslDir();
    try {
      await makeCa(dir);
      const algorithms: KeyAlgorithm[] = ["P-256", "P-384", "Ed25519", "RSA"];
      for (const algorithm of algorithms) {
        const keys = await generateKeyPair({ algorithm });
        const csr = await createCsr({
          keys,
          subject: "CN=client.example,O=Example",
          names: ["client.example", "10.0.0.1", "client@example.com"],
          extendedKeyUsage: ["clientAuth"],
        });
        dir.write("req.csr", csr);
        const checked = opensslStatus(["req", "-in", dir.path("req.csr"), "-verify", "-noout"]);
        assert.ok(
          checked.ok && /verify OK|self-signature ok/i.test(checked.output),
          checked.output,
        );
        const text = dir.run(["req", "-in", "req.csr", "-noout", "-text"]);
        assert.match(
          text,
          /DNS:client\.example, IP Address:10\.0\.0\.1, email:client@example\.com/,
        );
        assert.match(text, /TLS Web Client Authentication/);
        dir.run([
          "x509",
          "-req",
          "-in",
          "req.csr",
          "-CA",
          "ca.pem",
          "-CAkey",
          "ca.key",
          "-days",
          "5",
          "-copy_extensions",
          "copy",
          "-set_serial",
          "77",
          "-out",
          "issued.pem",
          ...(algorithm === "Ed25519" ? [] : ["-sha256"]),
        ]);
        const issued = dir.read("issued.pem");
        const path = await verifyCertificateChain(issued, {
          roots: dir.read("ca.pem"),
          purpose: "client",
        });
        assert.equal(path[0].subject, "CN=client.example,O=Example");
        assert.deepEqual(path[0].subjectAltName?.email, ["client@example.com"]);
      }
    } finally {
      dir.close();
    }
  },
  { timeout: 60_000 },
);

test(
  name("the chapter's flow end to end with keys on disk: key, CSR, CA signs, openssl verify"),
  async () => {
    const dir = new OpensslDir();
    try {
      // CA made by openssl, key and request by wirestack, signed by wirestack with the openssl CA key.
      dir.cert({
        name: "osslca",
        subject: "/CN=OpenSSL CA",
        ext: [
          "basicConstraints=critical,CA:TRUE",
          "keyUsage=critical,keyCertSign",
          "subjectKeyIdentifier=hash",
        ],
      });
      const caKey = await importPrivateKey(dir.read("osslca.key"));
      const keys = await generateKeyPair({ algorithm: "Ed25519" });
      const csr = await createCsr({
        keys,
        subject: "/O=Chapter/CN=localhost",
        names: ["localhost", "127.0.0.1"],
      });
      const certificate = await signCsr(csr, {
        issuer: { certificate: dir.read("osslca.pem"), privateKey: caKey },
        extendedKeyUsage: ["serverAuth"],
      });
      dir.write("server.pem", certificate);
      const verified = opensslStatus([
        "verify",
        "-CAfile",
        dir.path("osslca.pem"),
        "-verify_ip",
        "127.0.0.1",
        "-purpose",
        "sslserver",
        dir.path("server.pem"),
      ]);
      assert.ok(verified.ok, verified.output);
      assert.equal(
        parseCertificate(certificate).authorityKeyIdentifier,
        parseCertificate(dir.read("osslca.pem")).subjectKeyIdentifier,
      );
    } finally {
      dir.close();
    }
  },
);
