/**
 * Parsing X.509 certificates (RFC 5280) into plain data objects.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { type CertificateParts, parseCertificateParts } from "./_certificate_parser.ts";
import type { Certificate } from "./certificate_types.ts";
import { CertificateError } from "./errors.ts";
import { pemBlocks, pemEncode } from "./pem.ts";

/** A certificate as wirestack accepts it: PEM text, DER bytes, or an already parsed one. */
export type CertificateInput = string | Uint8Array | ArrayBuffer | Certificate;

const CERTIFICATE_LABELS = new Set(["CERTIFICATE", "X509 CERTIFICATE"]);

/** Parsed pieces by certificate object, so verification never parses twice. */
const partsByCertificate = new WeakMap<Certificate, CertificateParts>();

function partsOfDer(der: Uint8Array): CertificateParts {
  const parts = parseCertificateParts(der);
  partsByCertificate.set(parts.info, parts);
  return parts;
}

/** The parsed pieces of every certificate in `input` (a PEM bundle gives several). */
export function certificatePartsList(input: CertificateInput): CertificateParts[] {
  if (typeof input === "string") {
    const blocks = pemBlocks(input).filter((block) => CERTIFICATE_LABELS.has(block.label));
    return blocks.map((block) => partsOfDer(block.der));
  }
  if (input instanceof Uint8Array) return [partsOfDer(input.slice())];
  if (input instanceof ArrayBuffer) return [partsOfDer(new Uint8Array(input.slice(0)))];
  const known = partsByCertificate.get(input);
  if (known !== undefined) return [known];
  if (input !== null && typeof input === "object" && input.der instanceof Uint8Array) {
    return [partsOfDer(input.der.slice())];
  }
  throw new CertificateError(
    "no-certificate",
    "expected PEM text, DER bytes or a parsed certificate",
  );
}

/** The parsed pieces of exactly one certificate (the first of a PEM bundle). */
export function certificateParts(input: CertificateInput): CertificateParts {
  const [first] = certificatePartsList(input);
  if (first === undefined) {
    throw new CertificateError("no-certificate", "no CERTIFICATE in the input");
  }
  return first;
}

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
