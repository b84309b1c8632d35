// Synchronous SHA-1 and SHA-256 on @noble/hashes. WebCrypto's digest is async,
// but certificate fingerprints, key identifiers and SPKI pins are needed inside
// synchronous code (a TLS peer-verification callback, the certificate parser).
// SHA-1 serves only fingerprints and key identifiers (RFC 5280 4.2.1.2), never a
// signature.

import { sha1 as nobleSha1 } from "@noble/hashes/legacy.js";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";

const HEX: string[] = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

function hex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]];
  return out;
}

/** The SHA-256 digest of `message`. */
export function sha256(message: Uint8Array): Uint8Array {
  return nobleSha256(message);
}

/** The SHA-256 digest of `message[start:end]`, as lower-case hex. */
export function sha256Hex(message: Uint8Array, start = 0, end = message.length): string {
  return hex(nobleSha256(message.subarray(start, end)));
}

/** The SHA-1 digest of `message`. */
export function sha1(message: Uint8Array): Uint8Array {
  return nobleSha1(message);
}

/** The SHA-1 digest of `message[start:end]`, as lower-case hex. */
export function sha1Hex(message: Uint8Array, start = 0, end = message.length): string {
  return hex(nobleSha1(message.subarray(start, end)));
}
