/**
 * Keys: generate ECDSA (P-256, P-384), Ed25519 and RSA (2048 to 4096 bits) key
 * pairs with WebCrypto, and move them in and out of PEM and DER as PKCS#8
 * (optionally encrypted), PKCS#1, SEC1 and SubjectPublicKeyInfo.
 *
 * Keys are WebCrypto `CryptoKey`s, usable for signing (`sign`/`verify`) as
 * certificates need them. RSA keys sign with RSASSA-PKCS1-v1_5 and SHA-256
 * unless told otherwise.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { toArrayBuffer } from "./_bytes.ts";
import {
  ed25519Seed,
  jwkFromRsaPrivate,
  jwkFromSec1,
  privateKeyContainer,
  readPkcs8,
  readSpki,
  rsaPrivateFromJwk,
  sec1FromJwk,
  writePkcs8,
} from "./_key_formats.ts";
import { KEY_ALG } from "./_oids.ts";
import { spkiOf } from "./_spki.ts";
import { decryptPkcs8, encryptPkcs8 } from "./_pbes2.ts";
import { CertificateError } from "./errors.ts";
import { pemBlocks, pemEncode } from "./pem.ts";

/** The key types wirestack generates. */
export type KeyAlgorithm = "P-256" | "P-384" | "Ed25519" | "RSA";

/** Hashes RSA signatures may use. */
export type RsaHash = "SHA-256" | "SHA-384" | "SHA-512";

/** Options of {@linkcode generateKeyPair}. */
export interface GenerateKeyPairOptions {
  /** The key type (default `"P-256"`: small, fast, accepted everywhere). */
  algorithm?: KeyAlgorithm;
  /** RSA modulus size, 2048 to 4096 in steps of 8 (default 2048). */
  rsaBits?: number;
  /** The hash RSA keys sign with (default `"SHA-256"`). */
  hash?: RsaHash;
  /** Whether the private key can be exported (default true: it must be, to be saved). */
  extractable?: boolean;
}

/**
 * Generates a signing key pair.
 *
 * @param options the key type and size
 * @returns the WebCrypto key pair
 *
 * @example Keys of each kind
 * ```ts
 * import { generateKeyPair } from "./keys.ts";
 *
 * const ec = await generateKeyPair(); // ECDSA P-256
 * const ed = await generateKeyPair({ algorithm: "Ed25519" });
 * const rsa = await generateKeyPair({ algorithm: "RSA", rsaBits: 2048 });
 * console.log(ec.privateKey.algorithm.name, ed.publicKey.algorithm.name, rsa.publicKey.algorithm.name);
 * ```
 */
export async function generateKeyPair(
  options: GenerateKeyPairOptions = {},
): Promise<CryptoKeyPair> {
  const algorithm = options.algorithm ?? "P-256";
  const extractable = options.extractable ?? true;
  const usages: KeyUsage[] = ["sign", "verify"];
  switch (algorithm) {
    case "P-256":
    case "P-384":
      return await crypto.subtle.generateKey(
        { name: "ECDSA", namedCurve: algorithm },
        extractable,
        usages,
      );
    case "Ed25519":
      return await crypto.subtle.generateKey(
        { name: "Ed25519" },
        extractable,
        usages,
      ) as CryptoKeyPair;
    case "RSA": {
      const bits = options.rsaBits ?? 2048;
      if (!Number.isInteger(bits) || bits < 2048 || bits > 4096 || bits % 8 !== 0) {
        throw new CertificateError(
          "bad-option",
          `rsaBits must be 2048 to 4096 in steps of 8, not ${bits}`,
        );
      }
      return await crypto.subtle.generateKey(
        {
          name: "RSASSA-PKCS1-v1_5",
          modulusLength: bits,
          publicExponent: new Uint8Array([1, 0, 1]),
          hash: options.hash ?? "SHA-256",
        },
        extractable,
        usages,
      );
    }
    default:
      throw new CertificateError("bad-option", `unknown key algorithm "${algorithm as string}"`);
  }
}

/** Private key containers. */
export type PrivateKeyFormat = "pkcs8" | "pkcs1" | "sec1";

/** Options of {@linkcode exportPrivateKey}. */
export interface ExportPrivateKeyOptions {
  /**
   * The container (default `"pkcs8"`): `"pkcs1"` is for RSA keys only
   * (`RSA PRIVATE KEY`), `"sec1"` for EC keys only (`EC PRIVATE KEY`).
   */
  format?: PrivateKeyFormat;
  /** `"pem"` (default) or `"der"`. */
  encoding?: "pem" | "der";
  /**
   * Encrypts the key (PKCS#8 only) with PBES2: PBKDF2-HMAC-SHA-256 and
   * AES-256-CBC, the form `openssl pkcs8 -topk8` writes and reads.
   */
  passphrase?: string;
  /** PBKDF2 iterations when encrypting (default 600,000). */
  iterations?: number;
}

async function exportJwk(key: CryptoKey): Promise<JsonWebKey> {
  try {
    return await crypto.subtle.exportKey("jwk", key);
  } catch (cause) {
    throw new CertificateError("bad-key", "the key cannot be exported (not extractable?)", {
      cause,
    });
  }
}

/** PKCS#8 DER of a private key. */
async function pkcs8Of(key: CryptoKey): Promise<Uint8Array> {
  if (key.type !== "private") throw new CertificateError("bad-key", "expected a private key");
  try {
    return new Uint8Array(await crypto.subtle.exportKey("pkcs8", key));
  } catch (cause) {
    throw new CertificateError("bad-key", "the key cannot be exported (not extractable?)", {
      cause,
    });
  }
}

/**
 * Exports a private key as PEM (default) or DER, as PKCS#8 (optionally
 * encrypted), PKCS#1 (RSA) or SEC1 (EC).
 *
 * @param key an extractable private key
 * @param options container, encoding and passphrase
 * @returns PEM text, or DER bytes when `encoding` is `"der"`
 *
 * @example The forms OpenSSL writes
 * ```ts
 * import { exportPrivateKey, generateKeyPair } from "./keys.ts";
 *
 * const { privateKey } = await generateKeyPair();
 * console.log(await exportPrivateKey(privateKey)); // -----BEGIN PRIVATE KEY----- ...
 * console.log(await exportPrivateKey(privateKey, { format: "sec1" })); // -----BEGIN EC PRIVATE KEY----- ...
 * const der = await exportPrivateKey(privateKey, { encoding: "der" });
 * console.log(der.length);
 * ```
 */
export async function exportPrivateKey<Encoding extends "pem" | "der" = "pem">(
  key: CryptoKey,
  options: ExportPrivateKeyOptions & { encoding?: Encoding } = {},
): Promise<Encoding extends "der" ? Uint8Array : string> {
  const format = options.format ?? "pkcs8";
  let der: Uint8Array;
  let label: string;
  if (options.passphrase !== undefined && format !== "pkcs8") {
    throw new CertificateError("bad-option", "only PKCS#8 keys can be encrypted");
  }
  if (format === "pkcs8") {
    der = await pkcs8Of(key);
    label = "PRIVATE KEY";
    if (options.passphrase !== undefined) {
      der = await encryptPkcs8(der, options.passphrase, { iterations: options.iterations });
      label = "ENCRYPTED PRIVATE KEY";
    }
  } else if (format === "pkcs1") {
    if (!key.algorithm.name.startsWith("RSA")) {
      throw new CertificateError("bad-option", "PKCS#1 holds RSA keys only");
    }
    if (key.type !== "private") throw new CertificateError("bad-key", "expected a private key");
    der = rsaPrivateFromJwk(await exportJwk(key));
    label = "RSA PRIVATE KEY";
  } else if (format === "sec1") {
    if (key.algorithm.name !== "ECDSA") {
      throw new CertificateError("bad-option", "SEC1 holds EC keys only");
    }
    if (key.type !== "private") throw new CertificateError("bad-key", "expected a private key");
    der = sec1FromJwk(await exportJwk(key));
    label = "EC PRIVATE KEY";
  } else {
    throw new CertificateError("bad-option", `unknown private key format "${format as string}"`);
  }
  return (options.encoding === "der" ? der : pemEncode(label, der)) as Encoding extends "der"
    ? Uint8Array
    : string;
}

/** Options of {@linkcode importPrivateKey} and {@linkcode importKeyPair}. */
export interface ImportPrivateKeyOptions {
  /** The passphrase of an `ENCRYPTED PRIVATE KEY`. */
  passphrase?: string;
  /** The hash RSA keys will sign with (default `"SHA-256"`). */
  hash?: RsaHash;
  /** Whether the imported key can be exported again (default true). */
  extractable?: boolean;
  /** The largest PBKDF2 iteration count accepted in an encrypted key (default 10,000,000). */
  maxIterations?: number;
}

/** WebCrypto import parameters for a key type. */
function importParameters(
  algorithmOid: string,
  curve: string | undefined,
  hash: RsaHash,
): RsaHashedImportParams | EcKeyImportParams | Algorithm {
  switch (algorithmOid) {
    case KEY_ALG.rsaEncryption:
      return { name: "RSASSA-PKCS1-v1_5", hash };
    case KEY_ALG.ecPublicKey:
      if (curve !== "P-256" && curve !== "P-384" && curve !== "P-521") {
        throw new CertificateError("unsupported-algorithm", `unsupported curve ${curve}`);
      }
      return { name: "ECDSA", namedCurve: curve };
    case KEY_ALG.ed25519:
      return { name: "Ed25519" };
    default:
      throw new CertificateError(
        "unsupported-algorithm",
        `unsupported key algorithm ${algorithmOid}`,
      );
  }
}

/** The DER of a private key input and what holds it (from the PEM label, or sniffed). */
function privateKeyDer(input: string | Uint8Array): { der: Uint8Array; container: string } {
  if (input instanceof Uint8Array) return { der: input, container: privateKeyContainer(input) };
  const block = pemBlocks(input).find((candidate) => candidate.label.endsWith("PRIVATE KEY"));
  if (block === undefined) {
    throw new CertificateError("bad-key", "no PRIVATE KEY PEM block in the input");
  }
  if (block.headers["Proc-Type"]?.includes("ENCRYPTED")) {
    throw new CertificateError(
      "unsupported-algorithm",
      "legacy OpenSSL-encrypted PEM (Proc-Type) uses MD5 key derivation, which WebCrypto lacks; " +
        "convert it with: openssl pkcs8 -topk8 -in OLD.pem -out NEW.pem",
    );
  }
  const byLabel: Record<string, string> = {
    "PRIVATE KEY": "pkcs8",
    "RSA PRIVATE KEY": "pkcs1",
    "EC PRIVATE KEY": "sec1",
    "ENCRYPTED PRIVATE KEY": "encrypted-pkcs8",
  };
  const container = byLabel[block.label];
  if (container === undefined) {
    throw new CertificateError("unsupported-algorithm", `unsupported key "${block.label}"`);
  }
  return { der: block.der, container };
}

/**
 * Imports a private key from PEM (`PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`,
 * `RSA PRIVATE KEY`, `EC PRIVATE KEY`) or DER (any of those, recognised by
 * structure).
 *
 * @param input PEM text or DER bytes
 * @param options the passphrase of an encrypted key, the RSA hash
 * @returns the private key, ready to sign
 * @throws {CertificateError} `passphrase-required`, `bad-passphrase`, `unsupported-algorithm`, `malformed`
 *
 * @example Reading a key OpenSSL wrote
 * ```ts
 * import { exportPrivateKey, generateKeyPair, importPrivateKey } from "./keys.ts";
 *
 * const { privateKey } = await generateKeyPair();
 * const pem = await exportPrivateKey(privateKey, { format: "sec1" });
 * const again = await importPrivateKey(pem);
 * console.log(again.algorithm); // { name: "ECDSA", namedCurve: "P-256" }
 * ```
 */
export async function importPrivateKey(
  input: string | Uint8Array,
  options: ImportPrivateKeyOptions = {},
): Promise<CryptoKey> {
  const hash = options.hash ?? "SHA-256";
  const extractable = options.extractable ?? true;
  let { der, container } = privateKeyDer(input);
  if (container === "encrypted-pkcs8") {
    if (options.passphrase === undefined) {
      throw new CertificateError(
        "passphrase-required",
        "the private key is encrypted: give its passphrase",
      );
    }
    der = await decryptPkcs8(der, options.passphrase, { maxIterations: options.maxIterations });
    try {
      if (privateKeyContainer(der) !== "pkcs8") throw new Error("not PKCS#8");
    } catch (cause) {
      throw new CertificateError(
        "bad-passphrase",
        "wrong passphrase for the encrypted private key",
        { cause },
      );
    }
    container = "pkcs8";
  }
  try {
    if (container === "pkcs1") {
      const jwk = jwkFromRsaPrivate(der);
      return await crypto.subtle.importKey(
        "jwk",
        jwk,
        { name: "RSASSA-PKCS1-v1_5", hash },
        extractable,
        ["sign"],
      );
    }
    if (container === "sec1") {
      const jwk = jwkFromSec1(der);
      return await crypto.subtle.importKey(
        "jwk",
        jwk,
        { name: "ECDSA", namedCurve: jwk.crv! },
        extractable,
        ["sign"],
      );
    }
    const { algorithm, inner } = readPkcs8(der);
    if (algorithm.oid === KEY_ALG.ecPublicKey) {
      // Through JWK: runtimes differ on PKCS#8 EC keys without the optional public key.
      const jwk = jwkFromSec1(inner, algorithm.curve);
      return await crypto.subtle.importKey(
        "jwk",
        jwk,
        { name: "ECDSA", namedCurve: jwk.crv! },
        extractable,
        ["sign"],
      );
    }
    if (algorithm.oid === KEY_ALG.ed25519) {
      ed25519Seed(inner);
      // Re-wrap as a version 0 PrivateKeyInfo: some runtimes refuse OneAsymmetricKey (v1).
      const plain = writePkcs8({ oid: KEY_ALG.ed25519 }, inner);
      return await crypto.subtle.importKey(
        "pkcs8",
        toArrayBuffer(plain),
        { name: "Ed25519" },
        extractable,
        ["sign"],
      );
    }
    const parameters = importParameters(algorithm.oid, algorithm.curve, hash);
    return await crypto.subtle.importKey("pkcs8", toArrayBuffer(der), parameters, extractable, [
      "sign",
    ]);
  } catch (cause) {
    if (cause instanceof CertificateError) throw cause;
    throw new CertificateError(
      "bad-key",
      `the private key does not import: ${(cause as Error).message}`,
      { cause },
    );
  }
}

/**
 * The public key of a private key (WebCrypto has no such call: it goes through JWK).
 *
 * @param privateKey an extractable private key
 * @returns the matching public key, for `verify`
 *
 * @example
 * ```ts
 * import { generateKeyPair, publicKeyOf } from "./keys.ts";
 *
 * const { privateKey } = await generateKeyPair({ algorithm: "Ed25519" });
 * const publicKey = await publicKeyOf(privateKey);
 * console.log(publicKey.type); // "public"
 * ```
 */
export async function publicKeyOf(privateKey: CryptoKey): Promise<CryptoKey> {
  const jwk = await exportJwk(privateKey);
  const publicJwk: JsonWebKey = { kty: jwk.kty, ext: true };
  for (const field of ["crv", "x", "y", "n", "e", "alg"] as const) {
    if (jwk[field] !== undefined) publicJwk[field] = jwk[field];
  }
  return await crypto.subtle.importKey(
    "jwk",
    publicJwk,
    privateKey.algorithm as RsaHashedImportParams | EcKeyImportParams,
    true,
    ["verify"],
  );
}

/**
 * Imports a private key and derives its public key: the pair certificate and
 * request creation take.
 *
 * @param input PEM text or DER bytes of the private key
 * @param options as for {@linkcode importPrivateKey}
 * @returns the key pair
 *
 * @example
 * ```ts
 * import { exportPrivateKey, generateKeyPair, importKeyPair } from "./keys.ts";
 *
 * const pem = await exportPrivateKey((await generateKeyPair()).privateKey);
 * const keys = await importKeyPair(pem);
 * console.log(keys.publicKey.type, keys.privateKey.type); // "public" "private"
 * ```
 */
export async function importKeyPair(
  input: string | Uint8Array,
  options: ImportPrivateKeyOptions = {},
): Promise<CryptoKeyPair> {
  const privateKey = await importPrivateKey(input, { ...options, extractable: true });
  return { privateKey, publicKey: await publicKeyOf(privateKey) };
}

/** Public key containers. */
export type PublicKeyFormat = "spki" | "pkcs1";

/** Options of {@linkcode exportPublicKey}. */
export interface ExportPublicKeyOptions {
  /** `"spki"` (default, `PUBLIC KEY`) or `"pkcs1"` (RSA only, `RSA PUBLIC KEY`). */
  format?: PublicKeyFormat;
  /** `"pem"` (default) or `"der"`. */
  encoding?: "pem" | "der";
}

/**
 * Exports a public key as SubjectPublicKeyInfo (default) or PKCS#1, in PEM or DER.
 *
 * @param key a public key
 * @param options container and encoding
 * @returns PEM text (or DER bytes with `encoding: "der"`)
 *
 * @example
 * ```ts
 * import { exportPublicKey, generateKeyPair } from "./keys.ts";
 *
 * const { publicKey } = await generateKeyPair();
 * console.log(await exportPublicKey(publicKey)); // -----BEGIN PUBLIC KEY----- ...
 * ```
 */
export async function exportPublicKey<Encoding extends "pem" | "der" = "pem">(
  key: CryptoKey,
  options: ExportPublicKeyOptions & { encoding?: Encoding } = {},
): Promise<Encoding extends "der" ? Uint8Array : string> {
  if (key.type !== "public") {
    throw new CertificateError("bad-key", "expected a public key (see publicKeyOf)");
  }
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", key));
  let der: Uint8Array = spki;
  let label = "PUBLIC KEY";
  if (options.format === "pkcs1") {
    const { algorithm, key: bits } = readSpki(spki);
    if (algorithm.oid !== KEY_ALG.rsaEncryption) {
      throw new CertificateError("bad-option", "PKCS#1 holds RSA keys only");
    }
    der = bits;
    label = "RSA PUBLIC KEY";
  } else if (options.format !== undefined && options.format !== "spki") {
    throw new CertificateError(
      "bad-option",
      `unknown public key format "${options.format as string}"`,
    );
  }
  return (options.encoding === "der" ? der : pemEncode(label, der)) as Encoding extends "der"
    ? Uint8Array
    : string;
}

/**
 * Imports a public key from PEM (`PUBLIC KEY`, `RSA PUBLIC KEY`, or the key of a
 * `CERTIFICATE`) or DER (SPKI, PKCS#1 or a certificate).
 *
 * @param input PEM text or DER bytes
 * @param options the hash RSA signatures use (default `"SHA-256"`)
 * @returns the public key, ready to verify
 *
 * @example
 * ```ts
 * import { exportPublicKey, generateKeyPair, importPublicKey } from "./keys.ts";
 *
 * const { publicKey } = await generateKeyPair({ algorithm: "Ed25519" });
 * const again = await importPublicKey(await exportPublicKey(publicKey));
 * console.log(again.algorithm.name); // "Ed25519"
 * ```
 */
export async function importPublicKey(
  input: string | Uint8Array,
  options: { hash?: RsaHash } = {},
): Promise<CryptoKey> {
  const spki = spkiOf(input);
  const { algorithm } = readSpki(spki);
  const parameters = importParameters(algorithm.oid, algorithm.curve, options.hash ?? "SHA-256");
  try {
    return await crypto.subtle.importKey("spki", toArrayBuffer(spki), parameters, true, ["verify"]);
  } catch (cause) {
    throw new CertificateError(
      "bad-key",
      `the public key does not import: ${(cause as Error).message}`,
      { cause },
    );
  }
}
