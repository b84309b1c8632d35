/**
 * SPKI pins: the base64 SHA-256 of a SubjectPublicKeyInfo, as HPKP used them
 * and as Chromium's `--ignore-certificate-errors-spki-list` wants them. A TLS
 * client that pins keys compares this value instead of walking a chain.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { toBase64 } from "./_bytes.ts";
import { sha256 } from "./_sha.ts";
import { certificateParts } from "./_certificate_cache.ts";
import type { CertificateInput } from "./certificate_types.ts";
import { spkiOf } from "./_spki.ts";

/**
 * The SPKI pin (base64 of SHA-256 over the SubjectPublicKeyInfo DER) of a
 * certificate or a public key. Synchronous, so it fits a TLS client's
 * certificate check callback.
 *
 * @param input a certificate (PEM, DER or parsed) or a public key (`PUBLIC KEY` /
 *   `RSA PUBLIC KEY` PEM, SPKI or PKCS#1 DER)
 * @returns the pin, 44 characters of base64
 *
 * @example Pinning a server key
 * ```ts
 * import { createDevCa, issueDevCertificate, spkiSha256 } from "./mod.ts";
 *
 * const issued = await issueDevCertificate(await createDevCa());
 * const pin = spkiSha256(issued.certificate);
 * console.log(`chromium --ignore-certificate-errors-spki-list=${pin}`);
 * ```
 */
export function spkiSha256(input: CertificateInput): string {
  if (typeof input === "string") return toBase64(sha256(spkiOf(input)));
  if (input instanceof Uint8Array) return toBase64(sha256(spkiOf(input)));
  return certificateParts(input).info.spkiSha256;
}
