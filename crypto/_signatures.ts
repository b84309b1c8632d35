// Signatures on certificates and requests, through WebCrypto: which algorithm an
// AlgorithmIdentifier names, how a key signs, and checking a signature over
// bytes with a SubjectPublicKeyInfo.

import { toArrayBuffer } from "./_bytes.ts";
import {
  bitString,
  contextTag,
  expectElement,
  integerBytes,
  malformed,
  NULL,
  oid,
  readElement,
  readOid,
  readSmallInteger,
  sequence,
  TAG,
} from "./_der.ts";
import { readSpki } from "./_key_formats.ts";
import { HASHES, KEY_ALG } from "./_oids.ts";
import { CertificateError } from "./errors.ts";

/** The WebCrypto algorithm a key signs certificates with (what the x509 generators take). */
export function signingParameters(key: CryptoKey): Algorithm & { hash?: string } {
  const algorithm = key.algorithm as Algorithm & { namedCurve?: string; hash?: { name: string } };
  switch (algorithm.name) {
    case "ECDSA": {
      const hash = algorithm.namedCurve === "P-384"
        ? "SHA-384"
        : algorithm.namedCurve === "P-521"
        ? "SHA-512"
        : "SHA-256";
      return { name: "ECDSA", hash };
    }
    case "RSASSA-PKCS1-v1_5":
      return { name: "RSASSA-PKCS1-v1_5", hash: algorithm.hash?.name ?? "SHA-256" };
    case "Ed25519":
      return { name: "Ed25519" };
    default:
      throw new CertificateError(
        "unsupported-algorithm",
        `keys of type ${algorithm.name} cannot sign certificates here`,
      );
  }
}

interface SignatureScheme {
  verify: Algorithm & { hash?: string; saltLength?: number };
  import: Algorithm & { hash?: string };
  /** ECDSA signatures arrive DER-encoded; WebCrypto wants r || s. */
  ecdsa: boolean;
}

const RSA_PKCS1: Record<string, string> = {
  "1.2.840.113549.1.1.11": "SHA-256",
  "1.2.840.113549.1.1.12": "SHA-384",
  "1.2.840.113549.1.1.13": "SHA-512",
};
const ECDSA: Record<string, string> = {
  "1.2.840.10045.4.3.2": "SHA-256",
  "1.2.840.10045.4.3.3": "SHA-384",
  "1.2.840.10045.4.3.4": "SHA-512",
};
const WEAK = new Set([
  "1.2.840.113549.1.1.4",
  "1.2.840.113549.1.1.5",
  "1.2.840.10045.4.1",
  "1.2.840.113549.1.1.14",
  "1.2.840.10045.4.3.1",
]);

/** Reads RSASSA-PSS-params (RFC 4055): hash, MGF1 hash and salt length. */
function pssParameters(
  bytes: Uint8Array,
  start: number,
  end: number,
): { hash: string; saltLength: number } {
  let hash = "SHA-1";
  let mgfHash = "SHA-1";
  let saltLength = 20;
  if (start < end) {
    const params = expectElement(bytes, start, end, TAG.SEQUENCE, "RSASSA-PSS-params");
    for (let at = params.start; at < params.end;) {
      const field = readElement(bytes, at, params.end);
      at = field.end;
      if (field.tag === contextTag(0, true)) {
        const id = expectElement(bytes, field.start, field.end, TAG.SEQUENCE, "hashAlgorithm");
        hash = HASHES[readOid(bytes, readElement(bytes, id.start, id.end))] ?? "unknown";
      } else if (field.tag === contextTag(1, true)) {
        const id = expectElement(bytes, field.start, field.end, TAG.SEQUENCE, "maskGenAlgorithm");
        const mgf = readElement(bytes, id.start, id.end);
        if (readOid(bytes, mgf) !== "1.2.840.113549.1.1.8") mgfHash = "unknown";
        else {
          const inner = expectElement(bytes, mgf.end, id.end, TAG.SEQUENCE, "MGF1 hash");
          mgfHash = HASHES[readOid(bytes, readElement(bytes, inner.start, inner.end))] ?? "unknown";
        }
      } else if (field.tag === contextTag(2, true)) {
        saltLength = readSmallInteger(bytes, readElement(bytes, field.start, field.end));
      } else if (field.tag === contextTag(3, true)) {
        if (readSmallInteger(bytes, readElement(bytes, field.start, field.end)) !== 1) {
          malformed("bad PSS trailer");
        }
      }
    }
  }
  if (hash !== mgfHash || !["SHA-256", "SHA-384", "SHA-512"].includes(hash)) {
    throw new CertificateError(
      "unsupported-algorithm",
      `unsupported RSA-PSS parameters (hash ${hash}, MGF1 ${mgfHash})`,
    );
  }
  return { hash, saltLength };
}

/** The WebCrypto scheme an AlgorithmIdentifier (DER) names, for a key of `keyOid` on `curve`. */
function schemeOf(
  algorithmId: Uint8Array,
  keyOid: string,
  curve: string | undefined,
): SignatureScheme {
  const top = readElement(algorithmId, 0, algorithmId.length);
  const idElement = expectElement(algorithmId, top.start, top.end, TAG.OID, "signature algorithm");
  const signatureOid = readOid(algorithmId, idElement);
  const mismatch = () =>
    new CertificateError(
      "bad-signature",
      `signature algorithm ${signatureOid} does not fit the issuer's key`,
    );
  if (WEAK.has(signatureOid)) {
    throw new CertificateError(
      "unsupported-algorithm",
      `signatures with MD5, SHA-1 or SHA-224 (${signatureOid}) are not accepted`,
    );
  }
  if (RSA_PKCS1[signatureOid] !== undefined) {
    if (keyOid !== KEY_ALG.rsaEncryption) throw mismatch();
    const hash = RSA_PKCS1[signatureOid];
    return {
      verify: { name: "RSASSA-PKCS1-v1_5" },
      import: { name: "RSASSA-PKCS1-v1_5", hash },
      ecdsa: false,
    };
  }
  if (signatureOid === KEY_ALG.rsassaPss) {
    if (keyOid !== KEY_ALG.rsaEncryption && keyOid !== KEY_ALG.rsassaPss) throw mismatch();
    const { hash, saltLength } = pssParameters(algorithmId, idElement.end, top.end);
    return {
      verify: { name: "RSA-PSS", saltLength },
      import: { name: "RSA-PSS", hash },
      ecdsa: false,
    };
  }
  if (ECDSA[signatureOid] !== undefined) {
    if (keyOid !== KEY_ALG.ecPublicKey) throw mismatch();
    if (curve !== "P-256" && curve !== "P-384" && curve !== "P-521") {
      throw new CertificateError("unsupported-algorithm", `unsupported curve ${curve}`);
    }
    return {
      verify: { name: "ECDSA", hash: ECDSA[signatureOid] },
      import: { name: "ECDSA", namedCurve: curve } as Algorithm,
      ecdsa: true,
    };
  }
  if (signatureOid === KEY_ALG.ed25519) {
    if (keyOid !== KEY_ALG.ed25519) throw mismatch();
    return { verify: { name: "Ed25519" }, import: { name: "Ed25519" }, ecdsa: false };
  }
  throw new CertificateError(
    "unsupported-algorithm",
    `unsupported signature algorithm ${signatureOid}`,
  );
}

const CURVE_SIZE: Record<string, number> = { "P-256": 32, "P-384": 48, "P-521": 66 };

/** r || s from an ECDSA-Sig-Value (RFC 3279). */
function ecdsaRaw(der: Uint8Array, curve: string): Uint8Array {
  const size = CURVE_SIZE[curve];
  const top = readElement(der, 0, der.length);
  if (top.tag !== TAG.SEQUENCE || top.end !== der.length) malformed("bad ECDSA signature");
  const r = expectElement(der, top.start, top.end, TAG.INTEGER, "r");
  const s = expectElement(der, r.end, top.end, TAG.INTEGER, "s");
  if (s.end !== top.end) malformed("extra data in an ECDSA signature");
  const out = new Uint8Array(2 * size);
  for (const [index, element] of [r, s].entries()) {
    // r and s are positive: a negative INTEGER (its 0x00 dropped) would be a
    // second encoding of the same signature, as OpenSSL also refuses
    if (element.end > element.start && der[element.start] & 0x80) {
      malformed("a negative number in an ECDSA signature");
    }
    const value = integerBytes(der, element);
    if (value.length > size) malformed("ECDSA signature number too long");
    out.set(value, (index + 1) * size - value.length);
  }
  return out;
}

/** Options of {@linkcode verifySignature}. */
export interface SignatureCheckOptions {
  /** Smallest RSA modulus accepted (default 2048). */
  minRsaBits?: number;
}

/** The RSA modulus size of an SPKI, in bits. */
function rsaBits(key: Uint8Array): number {
  const top = readElement(key, 0, key.length);
  const modulus = integerBytes(key, expectElement(key, top.start, top.end, TAG.INTEGER, "modulus"));
  let bits = modulus.length * 8;
  for (let byte = modulus[0]; bits > 0 && (byte & 0x80) === 0; byte <<= 1) bits--;
  return bits;
}

/**
 * Checks `signature` over `data` with the public key in `spki`, for the
 * algorithm `algorithmId` names. Resolves to false for a signature that does
 * not verify; throws `CertificateError` for algorithms it cannot check.
 */
export async function verifySignature(
  spki: Uint8Array,
  algorithmId: Uint8Array,
  signature: Uint8Array,
  data: Uint8Array,
  options: SignatureCheckOptions = {},
): Promise<boolean> {
  const { algorithm, key } = readSpki(spki);
  const scheme = schemeOf(algorithmId, algorithm.oid, algorithm.curve);
  let keyDer = spki;
  if (algorithm.oid === KEY_ALG.rsaEncryption || algorithm.oid === KEY_ALG.rsassaPss) {
    const bits = rsaBits(key);
    const min = options.minRsaBits ?? 2048;
    if (bits < min) {
      throw new CertificateError(
        "weak-key",
        `RSA key of ${bits} bits is below the ${min}-bit minimum`,
      );
    }
    // WebCrypto imports RSA keys only under the rsaEncryption OID.
    if (algorithm.oid === KEY_ALG.rsassaPss) {
      keyDer = sequence(sequence(oid(KEY_ALG.rsaEncryption), NULL), bitString(key));
    }
  }
  let publicKey: CryptoKey;
  try {
    publicKey = await crypto.subtle.importKey("spki", toArrayBuffer(keyDer), scheme.import, false, [
      "verify",
    ]);
  } catch (cause) {
    throw new CertificateError("bad-signature", "the issuer's public key does not import", {
      cause,
    });
  }
  let raw = signature;
  if (scheme.ecdsa) {
    try {
      raw = ecdsaRaw(signature, algorithm.curve!);
    } catch {
      return false;
    }
  }
  try {
    return await crypto.subtle.verify(
      scheme.verify,
      publicKey,
      toArrayBuffer(raw),
      toArrayBuffer(data),
    );
  } catch {
    return false;
  }
}
