/**
 * Creating X.509 certificates: self-signed or signed by a CA, with the
 * extensions a TLS deployment needs. Signing and assembly are `@peculiar/x509`'s
 * generator over WebCrypto.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { toArrayBuffer } from "./_bytes.ts";
import { certificateParts } from "./_certificate_cache.ts";
import {
  buildExtensions,
  type CaOptions,
  keyIdentifier,
  keyIdExtensions,
  type NameConstraintOptions,
  randomSerial,
} from "./_extensions.ts";
import { readSpki } from "./_key_formats.ts";
import { encodeName } from "./_names.ts";
import { KEY_ALG } from "./_oids.ts";
import { signingParameters } from "./_signatures.ts";
import * as x509 from "./_x509.ts";
import type { CertificateInput, KeyUsage } from "./certificate_types.ts";
import { CertificateError } from "./errors.ts";

export type { CaOptions, NameConstraintOptions } from "./_extensions.ts";

const DAY = 86_400_000;

/** The issuing CA: its certificate and private key. */
export interface Issuer {
  /** The CA certificate (PEM, DER or parsed). */
  certificate: CertificateInput;
  /** The CA's private key. */
  privateKey: CryptoKey;
}

/** Options of {@linkcode createCertificate}. */
export interface CreateCertificateOptions {
  /** The subject, RFC 4514 text (`CN=example.com,O=Acme`) or OpenSSL's `/O=Acme/CN=example.com`. */
  subject: string;
  /** The subject's public key: a WebCrypto key or SubjectPublicKeyInfo DER. */
  publicKey: CryptoKey | Uint8Array;
  /**
   * The key that signs: the issuer's private key, or for a self-signed
   * certificate the subject's own.
   */
  signingKey: CryptoKey;
  /** The issuing CA certificate; omitted for a self-signed certificate. */
  issuer?: CertificateInput;
  /** Subject alternative names: DNS names (`*.example.com` too), IP addresses, emails, URIs. */
  names?: string[];
  /** Serial number, hex (default: 16 random bytes, as CA/Browser Forum rules want at least 64 random bits). */
  serialNumber?: string;
  /** Start of validity (default: now, minus one minute for clock skew). */
  notBefore?: Date;
  /** End of validity (default: `notBefore` plus `lifetimeDays`). */
  notAfter?: Date;
  /** Lifetime when `notAfter` is not given (default 365 days; 3650 for a CA). */
  lifetimeDays?: number;
  /** Makes a CA certificate (basicConstraints CA:TRUE, critical). */
  ca?: boolean | CaOptions;
  /**
   * Key usage bits (critical). Default for a CA: keyCertSign, cRLSign and
   * digitalSignature; for others: digitalSignature, plus keyEncipherment for RSA.
   */
  keyUsage?: KeyUsage[];
  /** Extended key usages by name (`serverAuth`, `clientAuth` ...) or OID (default: none, so any purpose). */
  extendedKeyUsage?: string[];
  /** Name constraints (CA certificates only; critical). */
  nameConstraints?: NameConstraintOptions;
}

/**
 * Creates a certificate: self-signed when `issuer` is omitted, otherwise signed
 * by the issuer CA with `signingKey`. Adds the subject key identifier and the
 * authority key identifier (from the issuer's SKI or key), so path builders
 * such as OpenSSL's find the issuer.
 *
 * @param options subject, keys, issuer, names, validity and extensions
 * @returns the certificate as PEM
 *
 * @example A CA and a server certificate it signs
 * ```ts
 * import { createCertificate, generateKeyPair, parseCertificate } from "./mod.ts";
 *
 * const caKeys = await generateKeyPair();
 * const caPem = await createCertificate({
 *   subject: "CN=Example Root CA",
 *   publicKey: caKeys.publicKey,
 *   signingKey: caKeys.privateKey,
 *   ca: { pathLength: 0 },
 * });
 * const serverKeys = await generateKeyPair();
 * const serverPem = await createCertificate({
 *   subject: "CN=www.example.com",
 *   publicKey: serverKeys.publicKey,
 *   signingKey: caKeys.privateKey,
 *   issuer: caPem,
 *   names: ["www.example.com", "example.com"],
 *   extendedKeyUsage: ["serverAuth"],
 *   lifetimeDays: 90,
 * });
 * console.log(parseCertificate(serverPem).issuer); // "CN=Example Root CA"
 * ```
 */
export async function createCertificate(options: CreateCertificateOptions): Promise<string> {
  if (!(options.publicKey instanceof Uint8Array) && options.publicKey.type !== "public") {
    throw new CertificateError("bad-key", "publicKey must be a public key");
  }
  if (options.signingKey.type !== "private") {
    throw new CertificateError("bad-key", "signingKey must be a private key");
  }
  const isCa = options.ca !== undefined && options.ca !== false;
  const subjectDer = encodeName(options.subject);
  const spki = options.publicKey instanceof Uint8Array
    ? options.publicKey
    : new Uint8Array(await crypto.subtle.exportKey("spki", options.publicKey));
  const subjectKeyId = keyIdentifier(spki);

  let issuerDer: Uint8Array;
  let authorityKeyId: string;
  if (options.issuer === undefined) {
    issuerDer = subjectDer;
    authorityKeyId = subjectKeyId;
  } else {
    const issuer = certificateParts(options.issuer);
    if (issuer.info.basicConstraints?.ca !== true) {
      throw new CertificateError(
        "not-a-ca",
        `the issuer ${issuer.info.subject} is not a CA certificate`,
      );
    }
    issuerDer = issuer.subjectDer;
    authorityKeyId = issuer.info.subjectKeyIdentifier ?? keyIdentifier(issuer.spki);
  }

  const notBefore = options.notBefore ?? new Date(Math.floor((Date.now() - 60_000) / 1000) * 1000);
  const lifetimeDays = options.lifetimeDays ?? (isCa ? 3650 : 365);
  if (!(lifetimeDays > 0)) {
    throw new CertificateError("bad-option", "lifetimeDays must be positive");
  }
  const notAfter = options.notAfter ?? new Date(notBefore.getTime() + lifetimeDays * DAY);
  if (notAfter.getTime() <= notBefore.getTime()) {
    throw new CertificateError("bad-option", "notAfter must come after notBefore");
  }
  const rsa = readSpki(spki).algorithm.oid === KEY_ALG.rsaEncryption;
  const extensions = buildExtensions({
    names: options.names,
    subjectIsEmpty: subjectDer.length === 2,
    ca: options.ca ?? (options.issuer === undefined ? undefined : false),
    keyUsage: options.keyUsage,
    defaultKeyUsage: isCa
      ? ["digitalSignature", "keyCertSign", "cRLSign"]
      : rsa
      ? ["digitalSignature", "keyEncipherment"]
      : ["digitalSignature"],
    extendedKeyUsage: options.extendedKeyUsage,
    nameConstraints: options.nameConstraints,
  });
  extensions.push(...keyIdExtensions(subjectKeyId, authorityKeyId));

  const serialNumber = options.serialNumber ?? randomSerial();
  if (
    !/^([0-9a-fA-F]{2}){1,20}$/.test(serialNumber) ||
    /^00/.test(serialNumber) && serialNumber.length > 2
  ) {
    throw new CertificateError(
      "bad-option",
      "serialNumber must be 1 to 20 bytes of hex without a leading zero byte",
    );
  }
  if (parseInt(serialNumber.slice(0, 2), 16) >= 0x80) {
    throw new CertificateError(
      "bad-option",
      "serialNumber must be positive (first byte below 0x80)",
    );
  }
  const subjectName = new x509.Name(toArrayBuffer(subjectDer));
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber,
    subject: subjectName,
    issuer: options.issuer === undefined ? subjectName : new x509.Name(toArrayBuffer(issuerDer)),
    notBefore,
    notAfter,
    publicKey: toArrayBuffer(spki),
    signingKey: options.signingKey,
    signingAlgorithm: signingParameters(options.signingKey),
    extensions,
  });
  return certificate.toString("pem").replace(/\r\n/g, "\n").trimEnd() + "\n";
}
