/**
 * Parsing X.509 certificates (RFC 5280) into plain data objects.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { certificateParts, certificatePartsList } from "./_certificate_cache.ts";
import type { Certificate } from "./certificate_types.ts";
import { pemEncode } from "./pem.ts";

/**
 * Parses one certificate from PEM text (the first `CERTIFICATE` block) or DER
 * bytes into a plain data object with the fields `openssl x509 -text` shows.
 * Synchronous: fingerprints and the SPKI pin are computed in place.
 *
 * @param pemOrDer PEM text or DER bytes
 * @returns the certificate's fields
 * @throws {CertificateError} `malformed` for bad DER, `no-certificate` for PEM without a certificate
 *
 * @example Reading a certificate's names and dates
 * ```ts
 * import { createCertificate, generateKeyPair, parseCertificate } from "./mod.ts";
 *
 * const keys = await generateKeyPair();
 * const pem = await createCertificate({
 *   subject: "CN=example.com",
 *   publicKey: keys.publicKey,
 *   signingKey: keys.privateKey,
 *   names: ["example.com", "127.0.0.1"],
 * });
 * const certificate = parseCertificate(pem);
 * console.log(certificate.subject); // "CN=example.com"
 * console.log(certificate.subjectAltName?.ip); // ["127.0.0.1"]
 * console.log(certificate.notAfter > new Date()); // true
 * ```
 */
export function parseCertificate(pemOrDer: string | Uint8Array | ArrayBuffer): Certificate {
  return certificateParts(pemOrDer).info;
}

/**
 * Parses every certificate in PEM text (a chain or a CA bundle), in order.
 * Other blocks (keys, requests) and text between blocks are skipped.
 *
 * @param pem PEM text with zero or more `CERTIFICATE` blocks
 * @returns the certificates, in order
 *
 * @example Reading a chain file
 * ```ts
 * import { createDevCa, issueDevCertificate, parseCertificateBundle } from "./mod.ts";
 *
 * const ca = await createDevCa();
 * const issued = await issueDevCertificate(ca);
 * const chain = parseCertificateBundle(issued.chain);
 * console.log(chain.map((certificate) => certificate.subject));
 * ```
 */
export function parseCertificateBundle(pem: string): Certificate[] {
  return certificatePartsList(pem).map((parts) => parts.info);
}

/**
 * PEM text of a certificate (from DER bytes or a parsed certificate).
 *
 * @param certificate DER bytes or a parsed certificate
 * @returns the `CERTIFICATE` PEM block
 *
 * @example
 * ```ts
 * import { certificateToPem, createDevCa, parseCertificate } from "./mod.ts";
 *
 * const ca = await createDevCa();
 * const certificate = parseCertificate(ca.certificate);
 * console.log(certificateToPem(certificate) === ca.certificate); // true
 * ```
 */
export function certificateToPem(certificate: Uint8Array | Certificate): string {
  return pemEncode(
    "CERTIFICATE",
    certificate instanceof Uint8Array ? certificate : certificate.der,
  );
}
