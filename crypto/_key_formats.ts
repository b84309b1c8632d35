// Key container formats and how they nest: PKCS#8 (RFC 5208/5958) around
// PKCS#1 (RFC 8017 A.1) for RSA, SEC1 (RFC 5915) for EC and a bare octet string
// for Ed25519 (RFC 8410); SubjectPublicKeyInfo (RFC 5280) around PKCS#1 public
// keys. Conversions go through JWK where WebCrypto owns the numbers.

import { fromBase64Url, toBase64Url } from "./_base64url.ts";
import {
  bitString,
  contentsOf,
  contextTag,
  type DerElement,
  encode,
  expectElement,
  integerBytes,
  malformed,
  NULL,
  octetString,
  oid,
  readBitString,
  readElement,
  readOid,
  readSmallInteger,
  sequence,
  smallInteger,
  TAG,
  unsignedInteger,
} from "./_der.ts";
import { CURVE_OIDS, CURVES, KEY_ALG } from "./_oids.ts";
import { CertificateError } from "./errors.ts";

/** What a private key DER holds, recognised from its structure. */
export type PrivateKeyContainer = "pkcs8" | "pkcs1" | "sec1" | "encrypted-pkcs8";

/** Recognises a private key DER by its first fields. */
export function privateKeyContainer(der: Uint8Array): PrivateKeyContainer {
  const top = readElement(der, 0, der.length);
  if (top.tag !== TAG.SEQUENCE || top.end !== der.length) {
    malformed("a private key is not one SEQUENCE");
  }
  const first = readElement(der, top.start, top.end);
  const second = readElement(der, first.end, top.end);
  if (first.tag === TAG.SEQUENCE && second.tag === TAG.OCTET_STRING) return "encrypted-pkcs8";
  if (first.tag !== TAG.INTEGER) malformed("unrecognised private key structure");
  if (second.tag === TAG.SEQUENCE) return "pkcs8";
  if (second.tag === TAG.INTEGER) return "pkcs1";
  if (second.tag === TAG.OCTET_STRING) return "sec1";
  return malformed("unrecognised private key structure");
}

/** The algorithm of a PKCS#8 PrivateKeyInfo: key type and, for EC, the curve. */
export interface Pkcs8Algorithm {
  oid: string;
  curve?: string;
}

/** Reads the algorithm and inner private key of a PKCS#8 PrivateKeyInfo. */
export function readPkcs8(der: Uint8Array): { algorithm: Pkcs8Algorithm; inner: Uint8Array } {
  const top = readElement(der, 0, der.length);
  const version = expectElement(der, top.start, top.end, TAG.INTEGER, "version");
  if (readSmallInteger(der, version) > 1) malformed("unknown PKCS#8 version");
  const algorithm = expectElement(der, version.end, top.end, TAG.SEQUENCE, "privateKeyAlgorithm");
  const algorithmOid = expectElement(der, algorithm.start, algorithm.end, TAG.OID, "algorithm");
  const keyOid = readOid(der, algorithmOid);
  let curve: string | undefined;
  if (keyOid === KEY_ALG.ecPublicKey) {
    const parameters = readElement(der, algorithmOid.end, algorithm.end);
    if (parameters.tag !== TAG.OID) {
      throw new CertificateError(
        "unsupported-algorithm",
        "EC keys with explicit curve parameters are not supported",
      );
    }
    const curveOid = readOid(der, parameters);
    curve = CURVES[curveOid]?.[0] ?? curveOid;
  }
  const privateKey = expectElement(der, algorithm.end, top.end, TAG.OCTET_STRING, "privateKey");
  return { algorithm: { oid: keyOid, curve }, inner: contentsOf(der, privateKey) };
}

/** A PKCS#8 PrivateKeyInfo around an inner key. */
export function writePkcs8(algorithm: Pkcs8Algorithm, inner: Uint8Array): Uint8Array {
  let algorithmId: Uint8Array;
  if (algorithm.oid === KEY_ALG.rsaEncryption) algorithmId = sequence(oid(algorithm.oid), NULL);
  else if (algorithm.oid === KEY_ALG.ecPublicKey) {
    const curveOid = CURVE_OIDS[algorithm.curve ?? ""];
    if (curveOid === undefined) {
      throw new CertificateError("unsupported-algorithm", `unsupported curve ${algorithm.curve}`);
    }
    algorithmId = sequence(oid(algorithm.oid), oid(curveOid));
  } else algorithmId = sequence(oid(algorithm.oid));
  return sequence(smallInteger(0), algorithmId, octetString(inner));
}

// ---- RSA -----------------------------------------------------------------

const RSA_PRIVATE_FIELDS = ["n", "e", "d", "p", "q", "dp", "dq", "qi"] as const;

/** PKCS#1 RSAPrivateKey from an RSA private JWK. */
export function rsaPrivateFromJwk(jwk: JsonWebKey): Uint8Array {
  const numbers = RSA_PRIVATE_FIELDS.map((field) => {
    const value = jwk[field];
    if (typeof value !== "string") {
      throw new CertificateError("bad-key", `RSA key without "${field}"`);
    }
    return unsignedInteger(fromBase64Url(value));
  });
  return sequence(smallInteger(0), ...numbers);
}

/** SubjectPublicKeyInfo around a PKCS#1 RSAPublicKey. */
export function spkiFromRsaPublic(pkcs1: Uint8Array): Uint8Array {
  const top = readElement(pkcs1, 0, pkcs1.length);
  if (top.tag !== TAG.SEQUENCE || top.end !== pkcs1.length) malformed("bad RSAPublicKey");
  const n = expectElement(pkcs1, top.start, top.end, TAG.INTEGER, "modulus");
  const e = expectElement(pkcs1, n.end, top.end, TAG.INTEGER, "publicExponent");
  if (e.end !== top.end) malformed("extra data in RSAPublicKey");
  return sequence(sequence(oid(KEY_ALG.rsaEncryption), NULL), bitString(pkcs1));
}

/** The algorithm and key bits of a SubjectPublicKeyInfo. */
export function readSpki(
  der: Uint8Array,
): { algorithm: Pkcs8Algorithm; key: Uint8Array; element: DerElement } {
  const top = readElement(der, 0, der.length);
  if (top.tag !== TAG.SEQUENCE || top.end !== der.length) malformed("bad SubjectPublicKeyInfo");
  const algorithm = expectElement(der, top.start, top.end, TAG.SEQUENCE, "algorithm");
  const algorithmOid = expectElement(der, algorithm.start, algorithm.end, TAG.OID, "algorithm");
  const keyOid = readOid(der, algorithmOid);
  let curve: string | undefined;
  if (keyOid === KEY_ALG.ecPublicKey) {
    const parameters = readElement(der, algorithmOid.end, algorithm.end);
    if (parameters.tag !== TAG.OID) {
      throw new CertificateError("unsupported-algorithm", "EC key with explicit parameters");
    }
    const curveOid = readOid(der, parameters);
    curve = CURVES[curveOid]?.[0] ?? curveOid;
  }
  const keyBits = expectElement(der, algorithm.end, top.end, TAG.BIT_STRING, "subjectPublicKey");
  if (keyBits.end !== top.end) malformed("extra data in SubjectPublicKeyInfo");
  return { algorithm: { oid: keyOid, curve }, key: readBitString(der, keyBits).bits, element: top };
}

// ---- EC (SEC1) -------------------------------------------------------------

const CURVE_BYTES: Record<string, number> = { "P-256": 32, "P-384": 48, "P-521": 66 };

/** SEC1 ECPrivateKey (with curve and public key, as OpenSSL writes it) from an EC private JWK. */
export function sec1FromJwk(jwk: JsonWebKey): Uint8Array {
  const curve = jwk.crv ?? "";
  const size = CURVE_BYTES[curve];
  if (size === undefined || jwk.d === undefined || jwk.x === undefined || jwk.y === undefined) {
    throw new CertificateError("bad-key", "not an EC private key on P-256, P-384 or P-521");
  }
  const d = padLeft(fromBase64Url(jwk.d), size);
  const point = new Uint8Array(1 + 2 * size);
  point[0] = 4;
  point.set(padLeft(fromBase64Url(jwk.x), size), 1);
  point.set(padLeft(fromBase64Url(jwk.y), size), 1 + size);
  return sequence(
    smallInteger(1),
    octetString(d),
    encode(contextTag(0, true), oid(CURVE_OIDS[curve])),
    encode(contextTag(1, true), bitString(point)),
  );
}

/** An EC private JWK from SEC1 ECPrivateKey; `curve` comes from PKCS#8 when the SEC1 omits it. */
export function jwkFromSec1(der: Uint8Array, outerCurve?: string): JsonWebKey {
  const top = readElement(der, 0, der.length);
  if (top.tag !== TAG.SEQUENCE || top.end !== der.length) malformed("bad ECPrivateKey");
  const version = expectElement(der, top.start, top.end, TAG.INTEGER, "version");
  if (readSmallInteger(der, version) !== 1) malformed("ECPrivateKey version is not 1");
  const privateKey = expectElement(der, version.end, top.end, TAG.OCTET_STRING, "privateKey");
  let curve = outerCurve;
  let point: Uint8Array | undefined;
  for (let at = privateKey.end; at < top.end;) {
    const field = readElement(der, at, top.end);
    at = field.end;
    if (field.tag === contextTag(0, true)) {
      const parameters = readElement(der, field.start, field.end);
      if (parameters.tag !== TAG.OID) {
        throw new CertificateError("unsupported-algorithm", "EC key with explicit parameters");
      }
      const curveOid = readOid(der, parameters);
      curve = CURVES[curveOid]?.[0] ?? curveOid;
    } else if (field.tag === contextTag(1, true)) {
      point = readBitString(der, readElement(der, field.start, field.end)).bits;
    }
  }
  const size = CURVE_BYTES[curve ?? ""];
  if (size === undefined) {
    throw new CertificateError("unsupported-algorithm", `unsupported curve ${curve ?? "(none)"}`);
  }
  const d = padLeft(contentsOf(der, privateKey), size);
  if (point === undefined) {
    throw new CertificateError(
      "bad-key",
      "SEC1 key without its public point (re-export it with openssl ec)",
    );
  }
  if (point.length !== 1 + 2 * size || point[0] !== 4) {
    malformed("EC public point is not uncompressed");
  }
  return {
    kty: "EC",
    crv: curve,
    d: toBase64Url(d),
    x: toBase64Url(point.subarray(1, 1 + size)),
    y: toBase64Url(point.subarray(1 + size)),
    ext: true,
  };
}

/** An RSA private JWK from PKCS#1 RSAPrivateKey. */
export function jwkFromRsaPrivate(der: Uint8Array): JsonWebKey {
  const top = readElement(der, 0, der.length);
  if (top.tag !== TAG.SEQUENCE || top.end !== der.length) malformed("bad RSAPrivateKey");
  const version = expectElement(der, top.start, top.end, TAG.INTEGER, "version");
  if (readSmallInteger(der, version) !== 0) {
    throw new CertificateError("unsupported-algorithm", "multi-prime RSA keys are not supported");
  }
  const jwk: Record<string, string | boolean> = { kty: "RSA", ext: true };
  let at = version.end;
  for (const field of RSA_PRIVATE_FIELDS) {
    const element = expectElement(der, at, top.end, TAG.INTEGER, `RSA ${field}`);
    jwk[field] = toBase64Url(integerBytes(der, element));
    at = element.end;
  }
  if (at !== top.end) malformed("extra data in RSAPrivateKey");
  return jwk as JsonWebKey;
}

/** The raw 32-byte Ed25519 seed inside PKCS#8 (a CurvePrivateKey OCTET STRING). */
export function ed25519Seed(inner: Uint8Array): Uint8Array {
  const element = readElement(inner, 0, inner.length);
  if (
    element.tag !== TAG.OCTET_STRING || element.end !== inner.length ||
    element.end - element.start !== 32
  ) {
    malformed("bad Ed25519 private key");
  }
  return contentsOf(inner, element);
}

function padLeft(bytes: Uint8Array, size: number): Uint8Array {
  if (bytes.length === size) return bytes;
  if (bytes.length > size) {
    const extra = bytes.subarray(0, bytes.length - size);
    if (extra.some((byte) => byte !== 0)) malformed("EC number longer than the curve");
    return bytes.subarray(bytes.length - size);
  }
  const out = new Uint8Array(size);
  out.set(bytes, size - bytes.length);
  return out;
}
