// The certificate and key fuzz targets (see tests/_fuzz.ts): certificates,
// requests and keys damaged byte by byte, structurally (tests/crypto/
// _der_mutator.ts) and as PEM text must fail only with a `CertificateError`;
// what still parses must be self-consistent (fingerprints, dates, the same
// object from PEM and DER) and, on Node, accepted by node:crypto's OpenSSL; a damaged
// chain must never verify unless every certificate below its anchor is one of
// the originals (no signature malleability).

import assert from "node:assert/strict";
import { createHash, X509Certificate } from "node:crypto";
import {
  type Certificate,
  CertificateError,
  type CertificateErrorCode,
  certificateToPem,
  importPrivateKey,
  importPublicKey,
  parseCertificate,
  parseCertificateBundle,
  parseCsr,
  pemEncode,
  verifyCertificateChain,
  verifyCsr,
} from "../../crypto/mod.ts";
import {
  asyncProperty,
  fc,
  type FuzzTarget,
  latin1Bytes,
  mutate,
  type Mutation,
  mutationsArbitrary,
} from "../_fuzz.ts";
import { encodeName } from "../../crypto/_names.ts";
import { isDeno } from "../_harness.ts";
import { assertMatchesOpenssl, assertMatchesOtherParsers } from "./_compare_parsers.ts";
import { OpensslDir } from "./_openssl.ts";
import { certificatePlan, makeWithOpenssl, makeWithWirestack } from "./_random_certificates.ts";
import { corpus } from "./_corpus.ts";
import {
  type DerMutation,
  derMutationArbitrary,
  mutateDer,
  parseDer,
  writeDer,
} from "./_der_mutator.ts";

const CODES = new Set<CertificateErrorCode>([
  "expired",
  "not-yet-valid",
  "unknown-issuer",
  "bad-signature",
  "not-a-ca",
  "path-length",
  "key-usage",
  "eku",
  "host-mismatch",
  "name-constraints",
  "critical-extension",
  "weak-key",
  "unsupported-algorithm",
  "chain-too-long",
  "malformed",
  "no-certificate",
  "passphrase-required",
  "bad-passphrase",
  "bad-key",
  "bad-request",
  "bad-option",
]);

/** The error is a CertificateError with one of the documented codes. */
function checkError(error: unknown): CertificateError {
  assert.ok(error instanceof CertificateError, `not a CertificateError: ${String(error)}`);
  assert.ok(CODES.has(error.code), `unknown code ${error.code}`);
  return error;
}

/** Runs `fn`; returns its value, or the CertificateError it threw (anything else fails). */
function attempt<T>(fn: () => T): T | CertificateError {
  try {
    return fn();
  } catch (error) {
    return checkError(error);
  }
}

async function attemptAsync<T>(fn: () => Promise<T>): Promise<T | CertificateError> {
  try {
    return await fn();
  } catch (error) {
    return checkError(error);
  }
}

/** A parsed certificate is consistent with its bytes, and OpenSSL (Node's node:crypto) reads them too. */
function checkParsed(certificate: Certificate, der: Uint8Array): void {
  assert.equal(certificate.fingerprints.sha256, createHash("sha256").update(der).digest("hex"));
  assert.equal(certificate.fingerprints.sha1, createHash("sha1").update(der).digest("hex"));
  assert.ok(!Number.isNaN(certificate.notBefore.getTime()));
  assert.ok(!Number.isNaN(certificate.notAfter.getTime()));
  assert.match(certificate.serialNumber, /^-?[0-9a-f]+$/);
  assert.ok([1, 2, 3].includes(certificate.version));
  JSON.stringify(certificate);
  assert.deepEqual(parseCertificate(certificateToPem(der)), certificate, "PEM and DER differ");
  // node:crypto is OpenSSL on Node; Deno's is a Rust parser with rules of its own
  if (isDeno) return;
  let node: X509Certificate;
  try {
    node = new X509Certificate(der);
  } catch (error) {
    if (nameValueOpensslRefuses(der)) return; // RFC 5280 allows it: see opensslNameValue
    throw new assert.AssertionError({
      message: `wirestack parsed a certificate OpenSSL refuses (${String(error)})`,
    });
  }
  assert.equal(
    node.fingerprint256.replace(/:/g, "").toLowerCase(),
    certificate.fingerprints.sha256,
  );
  assert.equal(
    node.serialNumber.toLowerCase().replace(/^0+(?=.)/, ""),
    certificate.serialNumber.replace(/^0+(?=.)/, ""),
    "serial",
  );
  assert.equal(new Date(node.validTo).getTime(), certificate.notAfter.getTime(), "notAfter");
}

/**
 * The types OpenSSL decodes as a name's attribute value (its B_ASN1_PRINTABLE):
 * RFC 5280 allows any (AttributeValue is ANY), and wirestack reads the others
 * as "#hex"; OpenSSL refuses the certificate. The one known difference.
 */
const OPENSSL_NAME_VALUE_TAGS = new Set([
  0x03,
  0x07,
  0x08,
  0x09,
  0x0b,
  0x0c,
  0x0d,
  0x0e,
  0x0f,
  0x12,
  0x13,
  0x14,
  0x16,
  0x1c,
  0x1d,
  0x1e,
  0x1f,
  0x30,
]);

/** Whether the issuer or subject of `der` has a value of a type OpenSSL does not decode. */
function nameValueOpensslRefuses(der: Uint8Array): boolean {
  const tbs = parseDer(der)?.[0]?.children?.[0]?.children;
  if (tbs === undefined) return false;
  const first = tbs[0]?.tag === 0xa0 ? 1 : 0;
  return [tbs[first + 2], tbs[first + 4]].some((name) =>
    name?.children?.some((rdn) =>
      rdn.children?.some((ava) => {
        const value = ava.children?.[1];
        return value !== undefined && !OPENSSL_NAME_VALUE_TAGS.has(value.tag);
      })
    )
  );
}

/** DER fragments worth inserting into certificates. */
const DER_DICTIONARY: Uint8Array[] = [
  [0x30, 0x80],
  [0x30, 0x00],
  [0x05, 0x00],
  [0x02, 0x01, 0x00],
  [0x02, 0x00],
  [0x01, 0x01, 0x00],
  [0x81],
  [0x82, 0xff, 0xff],
  [0x84, 0x7f, 0xff, 0xff, 0xff],
  [0x1f, 0x81, 0x00],
  [0xa0, 0x03, 0x02, 0x01, 0x02],
  [0x06, 0x03, 0x55, 0x1d, 0x13],
  [0x03, 0x01, 0x08],
  [0x17, 0x0d],
  [0x18, 0x0f],
].map((bytes) => new Uint8Array(bytes));

const pick = <T>(items: readonly T[], index: number): T => items[index % items.length];

/** Damage: byte mutations, or mutations of the DER structure. */
type Damage = { bytes: Mutation[] } | { tree: DerMutation[] };

const damage: fc.Arbitrary<Damage> = fc.oneof(
  mutationsArbitrary(DER_DICTIONARY, 3).map((bytes) => ({ bytes })),
  fc.array(derMutationArbitrary, { minLength: 1, maxLength: 3 }).map((tree) => ({ tree })),
);

function applyDamage(der: Uint8Array, d: Damage): Uint8Array {
  return "bytes" in d ? mutate(der, d.bytes) : mutateDer(der, d.tree);
}

/** Which corpus item, and how it is damaged. */
const damaged = fc.record({ index: fc.nat(), damage });

function certificateProperty() {
  return asyncProperty(damaged, async ({ index, damage }) => {
    const der = applyDamage(pick((await corpus()).certificates, index), damage);
    const parsed = attempt(() => parseCertificate(der));
    if (!(parsed instanceof CertificateError)) checkParsed(parsed, der);
  });
}

/** Text worth inserting into PEM. */
const PEM_DICTIONARY = [
  "-----BEGIN CERTIFICATE-----\n",
  "-----END CERTIFICATE-----\n",
  "-----BEGIN PRIVATE KEY-----",
  "-----BEGIN X509 CERTIFICATE-----\n",
  "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n",
  ":",
  "\n\n",
  "\r\n",
  "=",
  "===",
  "A",
  "+/",
  "\u0000",
  " ",
  "\t",
  "\u00e9",
  "-----",
].map(latin1Bytes);

function pemProperty() {
  return asyncProperty(
    fc.tuple(
      fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
      fc.constantFrom("\n", "\r\n"),
      fc.boolean(),
      fc.option(mutationsArbitrary(PEM_DICTIONARY, 3), { nil: null }),
    ),
    async ([indexes, newline, explanatory, mutations]) => {
      const c = await corpus();
      const ders = indexes.map((i) => pick(c.certificates, i));
      let text = ders.map((der) =>
        (explanatory ? "Subject: something\n" : "") +
        pemEncode("CERTIFICATE", der).replace(/\n/g, newline)
      ).join(explanatory ? "\n---\n" : "");
      if (mutations === null) {
        const bundle = parseCertificateBundle(text);
        assert.deepEqual(bundle, ders.map((der) => parseCertificate(der)));
        return;
      }
      text = new TextDecoder("latin1").decode(mutate(latin1Bytes(text), mutations));
      const bundle = attempt(() => parseCertificateBundle(text));
      const first = attempt(() => parseCertificate(text));
      if (!(bundle instanceof CertificateError) && bundle.length > 0) {
        assert.ok(!(first instanceof CertificateError), "the bundle parses but its first does not");
        assert.deepEqual(first, bundle[0]);
      }
    },
  );
}

function requestProperty() {
  return asyncProperty(
    fc.tuple(damaged, fc.boolean()),
    async ([{ index, damage }, asPem]) => {
      const der = applyDamage(pick((await corpus()).requests, index), damage);
      const input = asPem ? pemEncode("CERTIFICATE REQUEST", der) : der;
      const parsed = attempt(() => parseCsr(input));
      if (parsed instanceof CertificateError) return;
      assert.deepEqual(parseCsr(der), parsed);
      const verdict = await attemptAsync(() => verifyCsr(input));
      if (!(verdict instanceof CertificateError)) assert.equal(typeof verdict, "boolean");
    },
  );
}

function keyProperty() {
  return asyncProperty(
    fc.tuple(damaged, fc.constantFrom("private", "public"), fc.boolean(), fc.boolean()),
    async ([{ index, damage }, kind, asPem, intact]) => {
      const c = await corpus();
      const item = kind === "private"
        ? pick(c.privateKeys, index)
        : { ...pick(c.publicKeys, index), passphrase: undefined };
      const der = intact ? item.der : applyDamage(item.der, damage);
      const input = asPem ? pemEncode(item.label, der) : der;
      const key = await attemptAsync(() =>
        kind === "private"
          ? importPrivateKey(input, { passphrase: item.passphrase, maxIterations: 1000 })
          : importPublicKey(input)
      );
      if (intact) {
        assert.ok(!(key instanceof CertificateError), `an intact key failed: ${String(key)}`);
      }
      if (!(key instanceof CertificateError)) assert.equal(key.type, kind);
    },
  );
}

function chainProperty() {
  return asyncProperty(
    fc.record({
      chain: fc.nat(),
      target: fc.integer({ min: -1, max: 3 }),
      damage,
      hostChange: fc.constantFrom(null, "LOCALHOST", "other.example", "127.0.0.1", "*.example.com"),
      shuffle: fc.boolean(),
    }),
    async ({ chain: index, target, damage, hostChange, shuffle }) => {
      const c = await corpus();
      const seed = pick(c.chains, index);
      const all = [...seed.certificates, seed.root];
      const originals = new Set(all.map((der) => createHash("sha256").update(der).digest("hex")));
      const damagedAll = all.map((
        der,
        i,
      ) => (i === target % all.length ? applyDamage(der, damage) : der));
      const given = damagedAll.slice(0, -1);
      if (shuffle && given.length > 2) given.push(given.splice(1, 1)[0]);
      const root = damagedAll.at(-1)!;
      const path = await attemptAsync(() =>
        verifyCertificateChain(given, {
          roots: [root],
          host: hostChange ?? seed.host,
          now: seed.now,
        })
      );
      if (target < 0 && hostChange === null) {
        assert.ok(!(path instanceof CertificateError), `the intact chain failed: ${String(path)}`);
      }
      if (path instanceof CertificateError) return;
      // every certificate the anchor vouches for is an original, byte for byte
      for (const certificate of path.slice(0, -1)) {
        assert.ok(
          originals.has(certificate.fingerprints.sha256),
          `a damaged certificate verified: ${certificate.subject}`,
        );
      }
    },
  );
}

/** The certificate and key targets. */
export const CRYPTO_TARGETS: readonly FuzzTarget[] = [
  {
    name: "x509/certificate",
    about: "damaged DER certificates fail with CertificateError; what parses, OpenSSL reads",
    property: certificateProperty,
    ciRuns: 1200,
    prepare: corpus,
  },
  {
    name: "x509/pem",
    about: "PEM bundles parse like their DER; damaged PEM fails with CertificateError",
    property: pemProperty,
    ciRuns: 900,
    prepare: corpus,
  },
  {
    name: "x509/csr",
    about: "damaged requests fail with CertificateError; signatures check or fail cleanly",
    property: requestProperty,
    ciRuns: 600,
    prepare: corpus,
  },
  {
    name: "x509/keys",
    about: "damaged private and public keys (every container) fail with CertificateError",
    property: keyProperty,
    ciRuns: 600,
    prepare: corpus,
  },
  {
    name: "x509/chain",
    about: "a damaged chain never verifies with a damaged certificate below its anchor",
    property: chainProperty,
    ciRuns: 450,
    prepare: corpus,
  },
];

/**
 * Random certificates, made by wirestack or by OpenSSL, parse to the fields
 * `openssl x509 -text` prints and agree with node:crypto's X509Certificate and
 * @peculiar/x509; a name wirestack wrote reads back to text that encodes to
 * the same DER. Slow (OpenSSL runs several times per certificate).
 */
export const OPENSSL_DIFFERENTIAL_TARGETS: readonly FuzzTarget[] = [{
  name: "x509/openssl-differential",
  about: "random certificates parse to what openssl x509 -text and node:crypto show",
  ciRuns: 12,
  runs: 3000,
  property: () =>
    asyncProperty(certificatePlan, async (plan) => {
      const dir = new OpensslDir();
      try {
        const pem = plan.maker === "wirestack"
          ? await makeWithWirestack(plan)
          : makeWithOpenssl(dir, plan, "random");
        dir.write("random.pem", pem);
        const certificate = parseCertificate(pem);
        assertMatchesOpenssl(dir, "random.pem", certificate);
        assertMatchesOtherParsers(certificate);
        if (plan.maker === "wirestack") {
          const [subject] = parseDer(certificate.der)![0].children![0].children!.slice(5, 6);
          assert.deepEqual(
            encodeName(certificate.subject),
            writeDer([subject]),
            "subject round trip",
          );
          assert.equal(certificate.notBefore.getTime(), plan.notBefore.getTime());
          assert.equal(certificate.notAfter.getTime(), plan.notAfter.getTime());
        }
      } finally {
        dir.close();
      }
    }),
}];
