// Certificates wirestack creates, checked by OpenSSL: `openssl x509` reads them
// with the intended fields, `openssl verify` accepts the chains, and the name
// constraints wirestack writes are enforced by OpenSSL too.

import assert from "node:assert/strict";
import {
  CertificateError,
  createCertificate,
  generateKeyPair,
  type KeyAlgorithm,
  parseCertificate,
} from "../../crypto/mod.ts";
import { runtimeName, test } from "../_harness.ts";
import { OpensslDir, opensslStatus } from "./_openssl.ts";
import { opensslFields } from "./_openssl_text.ts";

const name = (text: string) => `createCertificate vs openssl (${runtimeName}): ${text}`;

test(name("root, intermediate and leaf of every key type pass `openssl verify`"), async () => {
  const dir = new OpensslDir();
  try {
    const algorithms: KeyAlgorithm[] = ["P-256", "P-384", "Ed25519", "RSA"];
    for (const algorithm of algorithms) {
      const rootKeys = await generateKeyPair({ algorithm });
      const root = await createCertificate({
        subject: "CN=Root,O=wirestack,C=NL",
        publicKey: rootKeys.publicKey,
        signingKey: rootKeys.privateKey,
        ca: true,
      });
      const interKeys = await generateKeyPair({ algorithm });
      const inter = await createCertificate({
        subject: "CN=Intermediate,O=wirestack",
        publicKey: interKeys.publicKey,
        signingKey: rootKeys.privateKey,
        issuer: root,
        ca: { pathLength: 0 },
      });
      const leafKeys = await generateKeyPair({ algorithm });
      const leaf = await createCertificate({
        subject: "CN=leaf.example",
        publicKey: leafKeys.publicKey,
        signingKey: interKeys.privateKey,
        issuer: inter,
        names: [
          "leaf.example",
          "*.leaf.example",
          "198.51.100.4",
          "2001:db8::4",
          "ops@leaf.example",
          "https://leaf.example/",
        ],
        extendedKeyUsage: ["serverAuth", "clientAuth"],
        lifetimeDays: 30,
        serialNumber: "0102030405",
      });
      dir.write("root.pem", root);
      dir.write("inter.pem", inter);
      dir.write("leaf.pem", leaf);
      const verified = opensslStatus([
        "verify",
        "-x509_strict",
        "-CAfile",
        dir.path("root.pem"),
        "-untrusted",
        dir.path("inter.pem"),
        "-purpose",
        "sslserver",
        "-verify_hostname",
        "a.leaf.example",
        dir.path("leaf.pem"),
      ]);
      assert.ok(verified.ok, `${algorithm}: ${verified.output}`);
      const fields = opensslFields(dir, "leaf.pem");
      assert.equal(fields.serial, "0102030405");
      assert.equal(fields.subject, "CN=leaf.example");
      assert.equal(fields.issuer, "CN=Intermediate,O=wirestack");
      assert.deepEqual(fields.san?.dns, ["leaf.example", "*.leaf.example"]);
      assert.deepEqual(fields.extendedKeyUsage, ["serverAuth", "clientAuth"]);
      assert.deepEqual(
        fields.keyUsage,
        algorithm === "RSA" ? ["digitalSignature", "keyEncipherment"] : ["digitalSignature"],
      );
      assert.deepEqual(fields.basicConstraints, { ca: false });
      assert.equal(fields.notAfter.getTime() - fields.notBefore.getTime(), 30 * 86_400_000);
      assert.deepEqual(opensslFields(dir, "inter.pem").basicConstraints, {
        ca: true,
        pathLength: 0,
      });
      assert.deepEqual(opensslFields(dir, "inter.pem").keyUsage, [
        "digitalSignature",
        "keyCertSign",
        "cRLSign",
      ]);
      assert.equal(
        fields.authorityKeyIdentifier,
        opensslFields(dir, "inter.pem").subjectKeyIdentifier,
      );
    }
  } finally {
    dir.close();
  }
}, { timeout: 60_000 });

test(name("name constraints wirestack writes are enforced by `openssl verify`"), async () => {
  const dir = new OpensslDir();
  try {
    const rootKeys = await generateKeyPair();
    const root = await createCertificate({
      subject: "CN=Constrained",
      publicKey: rootKeys.publicKey,
      signingKey: rootKeys.privateKey,
      ca: true,
      nameConstraints: {
        permitted: ["example.com", "192.0.2.0/24", "fd00::/8"],
        excluded: ["secret.example.com"],
      },
    });
    dir.write("root.pem", root);
    const cases: Array<[string[], boolean]> = [
      [["www.example.com", "192.0.2.9", "fd00::9"], true],
      [["www.example.net"], false],
      [["a.secret.example.com"], false],
      [["192.0.3.1"], false],
      [["fe00::1"], false],
    ];
    for (const [names, ok] of cases) {
      const keys = await generateKeyPair();
      dir.write(
        "leaf.pem",
        await createCertificate({
          subject: "CN=leaf",
          publicKey: keys.publicKey,
          signingKey: rootKeys.privateKey,
          issuer: root,
          names,
        }),
      );
      const verified = opensslStatus([
        "verify",
        "-CAfile",
        dir.path("root.pem"),
        dir.path("leaf.pem"),
      ]);
      assert.equal(verified.ok, ok, `${names.join(",")}: ${verified.output}`);
    }
  } finally {
    dir.close();
  }
});

test(
  name("options are checked: bad names, serials, dates, CA-only constraints, non-CA issuers"),
  async () => {
    const keys = await generateKeyPair();
    const base = { subject: "CN=x", publicKey: keys.publicKey, signingKey: keys.privateKey };
    const code = async (options: Parameters<typeof createCertificate>[0], expected: string) =>
      await assert.rejects(
        createCertificate(options),
        (error: unknown) => error instanceof CertificateError && error.code === expected,
      );
    await code({ ...base, names: ["bad..name"] }, "bad-option");
    await code({ ...base, names: ["-lead.example"] }, "bad-option");
    await code({ ...base, serialNumber: "80" }, "bad-option");
    await code({ ...base, serialNumber: "xyz" }, "bad-option");
    await code(
      { ...base, notBefore: new Date(2030, 0, 1), notAfter: new Date(2029, 0, 1) },
      "bad-option",
    );
    await code({ ...base, nameConstraints: { permitted: ["example.com"] } }, "bad-option");
    await code({ ...base, subject: "" }, "bad-option");
    await code({ ...base, subject: "XX=unknown" }, "bad-option");
    await code({ ...base, subject: "C=USA" }, "bad-option");
    await code({ ...base, extendedKeyUsage: ["flying"] }, "bad-option");
    await code({ ...base, ca: { pathLength: -1 } }, "bad-option");
    const leaf = await createCertificate({ ...base, names: ["x.example"] });
    await code({ ...base, issuer: leaf }, "not-a-ca");
    await code({ ...base, publicKey: keys.privateKey }, "bad-key");
    // Internationalised names are written as A-labels; escapes in subjects survive.
    const idn = parseCertificate(
      await createCertificate({
        ...base,
        subject: 'CN=a\\,b+O=c\\"d',
        names: ["b\u00fccher.example"],
      }),
    );
    assert.deepEqual(idn.subjectAltName?.dns, ["xn--bcher-kva.example"]);
    assert.equal(idn.subject, 'O=c\\"d+CN=a\\,b');
  },
);
