/**
 * The error of the certificate and key area, with a stable string code.
 *
 * This module is browser compatible.
 *
 * @module
 */

/**
 * The stable codes a {@linkcode CertificateError} carries.
 *
 * Chain verification: `expired`, `not-yet-valid`, `unknown-issuer` (no path to a
 * trust anchor: a missing intermediate or an untrusted root; `reason` tells which),
 * `bad-signature`, `not-a-ca`, `path-length`, `key-usage`, `eku`, `host-mismatch`,
 * `name-constraints`, `critical-extension` (an unrecognised critical extension),
 * `weak-key`, `unsupported-algorithm`, `chain-too-long`.
 *
 * Parsing and keys: `malformed` (bad DER or PEM), `no-certificate` (no certificate
 * in the input), `passphrase-required`, `bad-passphrase`, `bad-key` (a key that
 * does not fit the operation), `bad-request` (a CSR whose signature does not
 * verify), `bad-option` (an option out of range).
 */
export type CertificateErrorCode =
  | "expired"
  | "not-yet-valid"
  | "unknown-issuer"
  | "bad-signature"
  | "not-a-ca"
  | "path-length"
  | "key-usage"
  | "eku"
  | "host-mismatch"
  | "name-constraints"
  | "critical-extension"
  | "weak-key"
  | "unsupported-algorithm"
  | "chain-too-long"
  | "malformed"
  | "no-certificate"
  | "passphrase-required"
  | "bad-passphrase"
  | "bad-key"
  | "bad-request"
  | "bad-option";

/** Extra details a {@linkcode CertificateError} may carry. */
export interface CertificateErrorOptions {
  /** The underlying error (a WebCrypto failure, for instance). */
  cause?: unknown;
  /** A finer, also stable, reason within the code (`"untrusted-root"`, `"missing-issuer"` ...). */
  reason?: string;
  /** The subject (RFC 2253) of the certificate the problem was found in. */
  subject?: string;
  /** The certificate's position in the path (0 is the leaf). */
  depth?: number;
}

/**
 * A key or certificate problem: input that does not parse, or a chain that does
 * not verify. `code` is stable across releases; `message` names the certificate
 * and the rule.
 *
 * @example Telling an expired certificate apart
 * ```ts
 * import { CertificateError } from "./errors.ts";
 *
 * const error = new CertificateError("expired", "CN=example.com expired on 2020-01-01");
 * if (error.code === "expired") console.log("renew it");
 * ```
 */
export class CertificateError extends Error {
  /** The stable error code. */
  readonly code: CertificateErrorCode;
  /** A finer reason within the code, when there is one. */
  readonly reason?: string;
  /** The subject of the certificate at fault, when there is one. */
  readonly subject?: string;
  /** The position of that certificate in the path (0 is the leaf). */
  readonly depth?: number;

  /**
   * Creates a certificate error.
   *
   * @param code the stable code
   * @param message what is wrong, naming the certificate
   * @param options the cause, a finer reason, the subject and depth at fault
   */
  constructor(code: CertificateErrorCode, message: string, options: CertificateErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CertificateError";
    this.code = code;
    if (options.reason !== undefined) this.reason = options.reason;
    if (options.subject !== undefined) this.subject = options.subject;
    if (options.depth !== undefined) this.depth = options.depth;
  }
}
