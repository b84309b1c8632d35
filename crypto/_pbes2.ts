// Encrypted PKCS#8 (RFC 5958 EncryptedPrivateKeyInfo) with PBES2 (RFC 8018):
// PBKDF2 with HMAC-SHA-1/256/384/512 and AES-CBC, all of it WebCrypto. This is
// what `openssl pkcs8 -topk8` and `openssl genpkey -aes256` write by default.
// scrypt, PBES1 and 3DES are not in WebCrypto: they get a clear error.

import { toArrayBuffer } from "./_bytes.ts";
import {
  contentsOf,
  expectElement,
  malformed,
  NULL,
  octetString,
  oid,
  readElement,
  readOid,
  readSmallInteger,
  sequence,
  smallInteger,
  TAG,
} from "./_der.ts";
import { CertificateError } from "./errors.ts";

const PBES2 = "1.2.840.113549.1.5.13";
const PBKDF2 = "1.2.840.113549.1.5.12";
const SCRYPT = "1.3.6.1.4.1.11591.4.11";
const PRF: Record<string, string> = {
  "1.2.840.113549.2.7": "SHA-1",
  "1.2.840.113549.2.9": "SHA-256",
  "1.2.840.113549.2.10": "SHA-384",
  "1.2.840.113549.2.11": "SHA-512",
};
const AES_CBC: Record<string, number> = {
  "2.16.840.1.101.3.4.1.2": 16,
  "2.16.840.1.101.3.4.1.22": 24,
  "2.16.840.1.101.3.4.1.42": 32,
};

/** Options for writing an encrypted PKCS#8 key. */
export interface Pbes2Options {
  /** PBKDF2 iterations (default 600,000, OWASP's figure for HMAC-SHA-256). */
  iterations?: number;
}

/** Options for reading one. */
export interface Pbes2ReadOptions {
  /** Refuse PBKDF2 iteration counts above this (default 10,000,000): a file must not stall the reader. */
  maxIterations?: number;
}

const DEFAULT_ITERATIONS = 600_000;
const DEFAULT_MAX_ITERATIONS = 10_000_000;

async function deriveKey(
  passphrase: string,
  salt: Uint8Array,
  iterations: number,
  hash: string,
  keyBytes: number,
): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(passphrase),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", salt: toArrayBuffer(salt), iterations, hash },
    material,
    keyBytes * 8,
  );
  return crypto.subtle.importKey("raw", bits, "AES-CBC", false, ["encrypt", "decrypt"]);
}

/** Decrypts an EncryptedPrivateKeyInfo into a PKCS#8 PrivateKeyInfo. */
export async function decryptPkcs8(
  der: Uint8Array,
  passphrase: string,
  options: Pbes2ReadOptions = {},
): Promise<Uint8Array> {
  const top = readElement(der, 0, der.length);
  const algorithm = expectElement(der, top.start, top.end, TAG.SEQUENCE, "encryptionAlgorithm");
  const data = expectElement(der, algorithm.end, top.end, TAG.OCTET_STRING, "encryptedData");
  const schemeOid = readOid(
    der,
    expectElement(der, algorithm.start, algorithm.end, TAG.OID, "scheme"),
  );
  if (schemeOid !== PBES2) {
    throw new CertificateError(
      "unsupported-algorithm",
      `encrypted key uses ${schemeOid}, not PBES2 (re-encrypt it: openssl pkcs8 -topk8 -v2 aes-256-cbc)`,
    );
  }
  const parameters = expectElement(
    der,
    readElement(der, algorithm.start, algorithm.end).end,
    algorithm.end,
    TAG.SEQUENCE,
    "PBES2 parameters",
  );
  const kdf = expectElement(
    der,
    parameters.start,
    parameters.end,
    TAG.SEQUENCE,
    "keyDerivationFunc",
  );
  const cipher = expectElement(der, kdf.end, parameters.end, TAG.SEQUENCE, "encryptionScheme");

  const kdfOidElement = expectElement(der, kdf.start, kdf.end, TAG.OID, "kdf");
  const kdfOid = readOid(der, kdfOidElement);
  if (kdfOid === SCRYPT) {
    throw new CertificateError(
      "unsupported-algorithm",
      "encrypted key uses scrypt, which WebCrypto lacks (re-encrypt it: openssl pkcs8 -topk8 -v2 aes-256-cbc)",
    );
  }
  if (kdfOid !== PBKDF2) {
    throw new CertificateError("unsupported-algorithm", `unsupported key derivation ${kdfOid}`);
  }
  const kdfParameters = expectElement(
    der,
    kdfOidElement.end,
    kdf.end,
    TAG.SEQUENCE,
    "PBKDF2 parameters",
  );
  const salt = expectElement(der, kdfParameters.start, kdfParameters.end, TAG.OCTET_STRING, "salt");
  const iterationsElement = expectElement(
    der,
    salt.end,
    kdfParameters.end,
    TAG.INTEGER,
    "iterationCount",
  );
  const iterations = readSmallInteger(der, iterationsElement);
  let hash = "SHA-1";
  let keyLength: number | undefined;
  for (let at = iterationsElement.end; at < kdfParameters.end;) {
    const field = readElement(der, at, kdfParameters.end);
    at = field.end;
    if (field.tag === TAG.INTEGER) keyLength = readSmallInteger(der, field);
    else if (field.tag === TAG.SEQUENCE) {
      const prfOid = readOid(der, expectElement(der, field.start, field.end, TAG.OID, "prf"));
      const prf = PRF[prfOid];
      if (prf === undefined) {
        throw new CertificateError("unsupported-algorithm", `unsupported PBKDF2 PRF ${prfOid}`);
      }
      hash = prf;
    } else malformed("bad PBKDF2 parameters");
  }
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  if (iterations < 1 || iterations > maxIterations) {
    throw new CertificateError(
      "bad-key",
      `PBKDF2 iteration count ${iterations} is outside 1..${maxIterations}`,
    );
  }

  const cipherOidElement = expectElement(der, cipher.start, cipher.end, TAG.OID, "cipher");
  const cipherOid = readOid(der, cipherOidElement);
  const keyBytes = AES_CBC[cipherOid];
  if (keyBytes === undefined) {
    throw new CertificateError(
      "unsupported-algorithm",
      `encrypted key uses cipher ${cipherOid}; only AES-CBC is supported (openssl pkcs8 -topk8 -v2 aes-256-cbc)`,
    );
  }
  if (keyLength !== undefined && keyLength !== keyBytes) {
    malformed("PBKDF2 key length does not fit the cipher");
  }
  const iv = expectElement(der, cipherOidElement.end, cipher.end, TAG.OCTET_STRING, "IV");
  if (iv.end - iv.start !== 16) malformed("AES-CBC IV is not 16 bytes");

  const key = await deriveKey(passphrase, contentsOf(der, salt), iterations, hash, keyBytes);
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-CBC", iv: toArrayBuffer(contentsOf(der, iv)) },
      key,
      toArrayBuffer(contentsOf(der, data)),
    );
    return new Uint8Array(plain);
  } catch (cause) {
    throw new CertificateError("bad-passphrase", "wrong passphrase for the encrypted private key", {
      cause,
    });
  }
}

/** Encrypts a PKCS#8 PrivateKeyInfo with PBES2 (PBKDF2-HMAC-SHA-256, AES-256-CBC). */
export async function encryptPkcs8(
  pkcs8: Uint8Array,
  passphrase: string,
  options: Pbes2Options = {},
): Promise<Uint8Array> {
  const iterations = options.iterations ?? DEFAULT_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < 1000 || iterations > DEFAULT_MAX_ITERATIONS) {
    throw new CertificateError(
      "bad-option",
      `iterations must be an integer from 1,000 to 10,000,000`,
    );
  }
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(16));
  const key = await deriveKey(passphrase, salt, iterations, "SHA-256", 32);
  const encrypted = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-CBC", iv }, key, toArrayBuffer(pkcs8)),
  );
  const algorithm = sequence(
    oid(PBES2),
    sequence(
      sequence(
        oid(PBKDF2),
        sequence(
          octetString(salt),
          smallInteger(iterations),
          sequence(oid("1.2.840.113549.2.9"), NULL),
        ),
      ),
      sequence(oid("2.16.840.1.101.3.4.1.42"), octetString(iv)),
    ),
  );
  return sequence(algorithm, octetString(encrypted));
}
