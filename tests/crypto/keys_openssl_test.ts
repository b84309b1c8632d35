// Keys against OpenSSL: keys OpenSSL writes (PKCS#8, SEC1, PKCS#1, encrypted
// PKCS#8, PEM and DER) import, and keys wirestack writes are accepted by
// `openssl pkey`/`ec`/`rsa`, with the same public key on both sides.

import assert from "node:assert/strict";
import {
  CertificateError,
  exportPrivateKey,
  exportPublicKey,
  generateKeyPair,
  importKeyPair,
  importPrivateKey,
  importPublicKey,
  type KeyAlgorithm,
  publicKeyOf,
} from "../../crypto/mod.ts";
import { runtimeName, test } from "../_harness.ts";
import { OpensslDir, type TestKeyType } from "./_openssl.ts";

const name = (text: string) => `keys vs openssl (${runtimeName}): ${text}`;

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof CertificateError, String(error));
    assert.equal(error.code, code, error.message);
    return true;
  });
}

/** The SPKI PEM OpenSSL derives from a private key file. */
function opensslPublic(dir: OpensslDir, file: string, extra: string[] = []): string {
  return dir.run(["pkey", "-in", file, ...extra, "-pubout"]);
}

const TYPES: TestKeyType[] = ["ec", "p384", "ed25519", "rsa"];

test(
  name("OpenSSL keys import from PKCS#8 PEM and DER and derive the same public key"),
  async () => {
    const dir = new OpensslDir();
    try {
      for (const type of TYPES) {
        dir.key(type, type);
        const expected = opensslPublic(dir, `${type}.key`);
        const pair = await importKeyPair(dir.read(`${type}.key`));
        assert.equal(await exportPublicKey(pair.publicKey), expected, `${type} PEM`);
        dir.run(["pkey", "-in", `${type}.key`, "-outform", "DER", "-out", `${type}.der`]);
        const fromDer = await importPrivateKey(dir.readBytes(`${type}.der`));
        assert.equal(await exportPublicKey(await publicKeyOf(fromDer)), expected, `${type} DER`);
        assert.equal(await exportPublicKey(await importPublicKey(expected)), expected);
        const spkiDer = dir.runBytes(["pkey", "-pubin", "-outform", "DER"], expected);
        assert.equal(await exportPublicKey(await importPublicKey(spkiDer)), expected);
      }
    } finally {
      dir.close();
    }
  },
  { timeout: 60_000 },
);

test(name("SEC1 (EC PRIVATE KEY) and PKCS#1 (RSA PRIVATE KEY), PEM and DER, import"), async () => {
  const dir = new OpensslDir();
  try {
    for (const type of ["ec", "p384"] as const) {
      dir.key(type, type);
      const sec1 = dir.run(["ec", "-in", `${type}.key`]);
      assert.match(sec1, /BEGIN EC PRIVATE KEY/);
      const expected = opensslPublic(dir, `${type}.key`);
      assert.equal(await exportPublicKey((await importKeyPair(sec1)).publicKey), expected);
      const sec1Der = dir.runBytes(["ec", "-in", `${type}.key`, "-outform", "DER"]);
      assert.equal(await exportPublicKey((await importKeyPair(sec1Der)).publicKey), expected);
      // With explicit parameters it is refused with a clear error.
      const explicit = dir.run(["ec", "-in", `${type}.key`, "-param_enc", "explicit"]);
      await expectCode(importPrivateKey(explicit), "unsupported-algorithm");
    }
    dir.key("rsa", "rsa");
    const pkcs1 = dir.run(["rsa", "-in", "rsa.key", "-traditional"]);
    assert.match(pkcs1, /BEGIN RSA PRIVATE KEY/);
    const expected = opensslPublic(dir, "rsa.key");
    assert.equal(await exportPublicKey((await importKeyPair(pkcs1)).publicKey), expected);
    const pkcs1Der = dir.runBytes(["rsa", "-in", "rsa.key", "-traditional", "-outform", "DER"]);
    assert.equal(await exportPublicKey((await importKeyPair(pkcs1Der)).publicKey), expected);
    const rsaPublic = dir.run(["rsa", "-in", "rsa.key", "-RSAPublicKey_out"]);
    assert.match(rsaPublic, /BEGIN RSA PUBLIC KEY/);
    assert.equal(await exportPublicKey(await importPublicKey(rsaPublic)), expected);
  } finally {
    dir.close();
  }
}, { timeout: 60_000 });

test(
  name(
    "encrypted PKCS#8 (PBES2: AES-256/128-CBC, HMAC-SHA-256/SHA-1) imports; wrong or missing passphrase is told apart",
  ),
  async () => {
    const dir = new OpensslDir();
    try {
      dir.key("ec", "ec");
      const expected = opensslPublic(dir, "ec.key");
      const variants: string[][] = [
        ["-v2", "aes-256-cbc"],
        ["-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1"],
        ["-v2", "aes-192-cbc", "-v2prf", "hmacWithSHA512", "-iter", "1000"],
      ];
      for (const variant of variants) {
        const encrypted = dir.run([
          "pkcs8",
          "-topk8",
          "-in",
          "ec.key",
          ...variant,
          "-passout",
          "pass:s3cret pass",
        ]);
        assert.match(encrypted, /BEGIN ENCRYPTED PRIVATE KEY/);
        const key = await importPrivateKey(encrypted, { passphrase: "s3cret pass" });
        assert.equal(await exportPublicKey(await publicKeyOf(key)), expected, variant.join(" "));
        await expectCode(importPrivateKey(encrypted, { passphrase: "wrong" }), "bad-passphrase");
        await expectCode(importPrivateKey(encrypted), "passphrase-required");
      }
      const der = dir.runBytes([
        "pkcs8",
        "-topk8",
        "-in",
        "ec.key",
        "-v2",
        "aes-256-cbc",
        "-passout",
        "pass:x",
        "-outform",
        "DER",
      ]);
      assert.equal(
        await exportPublicKey(await publicKeyOf(await importPrivateKey(der, { passphrase: "x" }))),
        expected,
      );
      // What WebCrypto cannot do is refused with a way out in the message.
      const scrypt = dir.run(["pkcs8", "-topk8", "-in", "ec.key", "-scrypt", "-passout", "pass:x"]);
      await expectCode(importPrivateKey(scrypt, { passphrase: "x" }), "unsupported-algorithm");
      const legacy = dir.run(["ec", "-in", "ec.key", "-aes256", "-passout", "pass:x"]);
      assert.match(legacy, /Proc-Type: 4,ENCRYPTED/);
      await assert.rejects(importPrivateKey(legacy, { passphrase: "x" }), /openssl pkcs8 -topk8/);
      const threeDes = dir.run([
        "pkcs8",
        "-topk8",
        "-in",
        "ec.key",
        "-v2",
        "des3",
        "-passout",
        "pass:x",
      ]);
      await expectCode(importPrivateKey(threeDes, { passphrase: "x" }), "unsupported-algorithm");
    } finally {
      dir.close();
    }
  },
  { timeout: 60_000 },
);

test(name("wirestack keys are read by openssl in every format"), async () => {
  const dir = new OpensslDir();
  try {
    const algorithms: KeyAlgorithm[] = ["P-256", "P-384", "Ed25519", "RSA"];
    for (const algorithm of algorithms) {
      const { privateKey, publicKey } = await generateKeyPair({ algorithm });
      const spki = await exportPublicKey(publicKey);
      const pkcs8 = dir.write("k.pem", await exportPrivateKey(privateKey));
      assert.equal(opensslPublic(dir, pkcs8), spki, `${algorithm} PKCS#8 PEM`);
      const pkcs8Der = dir.write("k.der", await exportPrivateKey(privateKey, { encoding: "der" }));
      assert.equal(
        opensslPublic(dir, pkcs8Der, ["-inform", "DER"]),
        spki,
        `${algorithm} PKCS#8 DER`,
      );
      const encrypted = dir.write(
        "k-enc.pem",
        await exportPrivateKey(privateKey, { passphrase: "pw", iterations: 2048 }),
      );
      assert.equal(
        opensslPublic(dir, encrypted, ["-passin", "pass:pw"]),
        spki,
        `${algorithm} encrypted`,
      );
      assert.equal(
        dir.run([
          "pkey",
          "-pubin",
          "-in",
          dir.write("pub.der", await exportPublicKey(publicKey, { encoding: "der" })),
          "-inform",
          "DER",
        ]),
        spki,
      );
      if (algorithm === "P-256" || algorithm === "P-384") {
        const sec1 = await exportPrivateKey(privateKey, { format: "sec1" });
        assert.match(sec1, /BEGIN EC PRIVATE KEY/);
        dir.write("sec1.pem", sec1);
        dir.run(["ec", "-in", "sec1.pem", "-check", "-noout"]); // exits non-zero when invalid
        assert.equal(dir.run(["ec", "-in", "sec1.pem"]), sec1, "openssl writes the same SEC1");
        await expectCode(exportPrivateKey(privateKey, { format: "pkcs1" }), "bad-option");
      }
      if (algorithm === "RSA") {
        const pkcs1 = await exportPrivateKey(privateKey, { format: "pkcs1" });
        dir.write("pkcs1.pem", pkcs1);
        dir.run(["rsa", "-in", "pkcs1.pem", "-check", "-noout"]); // exits non-zero when invalid
        assert.equal(
          dir.run(["rsa", "-in", "pkcs1.pem", "-traditional"]),
          pkcs1,
          "openssl writes the same PKCS#1",
        );
        const rsaPublic = await exportPublicKey(publicKey, { format: "pkcs1" });
        dir.write("rsapub.pem", rsaPublic);
        assert.equal(dir.run(["rsa", "-RSAPublicKey_in", "-in", "rsapub.pem", "-pubout"]), spki);
      }
    }
  } finally {
    dir.close();
  }
}, { timeout: 60_000 });

test(name("generateKeyPair options and the keys' own misuse give clear errors"), async () => {
  await expectCode(generateKeyPair({ algorithm: "RSA", rsaBits: 1024 }), "bad-option");
  await expectCode(generateKeyPair({ algorithm: "RSA", rsaBits: 4097 }), "bad-option");
  await expectCode(generateKeyPair({ algorithm: "DSA" as KeyAlgorithm }), "bad-option");
  const locked = await generateKeyPair({ extractable: false });
  await expectCode(exportPrivateKey(locked.privateKey), "bad-key");
  const { privateKey, publicKey } = await generateKeyPair();
  await expectCode(exportPrivateKey(publicKey), "bad-key");
  await expectCode(exportPublicKey(privateKey), "bad-key");
  await expectCode(exportPrivateKey(privateKey, { format: "sec1", passphrase: "x" }), "bad-option");
  await expectCode(importPrivateKey("not a key"), "bad-key");
  await expectCode(importPrivateKey(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00])), "malformed");
});

test(name("RSA 3072 and 4096 keys round-trip (slow to generate: once each)"), async () => {
  for (const rsaBits of [3072, 4096]) {
    const { privateKey, publicKey } = await generateKeyPair({ algorithm: "RSA", rsaBits });
    const again = await importKeyPair(await exportPrivateKey(privateKey, { format: "pkcs1" }));
    assert.equal(await exportPublicKey(again.publicKey), await exportPublicKey(publicKey));
    assert.equal((publicKey.algorithm as RsaHashedKeyAlgorithm).modulusLength, rsaBits);
  }
}, { timeout: 120_000 });
