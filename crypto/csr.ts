/**
 * Certificate signing requests (PKCS#10, RFC 2986): create one for a key,
 * parse one, check its signature, and sign it as a CA: the flow of
 * `openssl req -new` followed by `openssl x509 -req -CA`.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { toArrayBuffer, toBase64 } from "./_bytes.ts";
import {
  type ExtensionTarget,
  readExtensions,
  readPublicKeyInfo,
  signatureBits,
} from "./_certificate_parser.ts";
import {
  contextTag,
  encodingOf,
  expectElement,
  malformed,
  readElement,
  readOid,
  readSmallInteger,
  TAG,
} from "./_der.ts";
import { encodeName, parseName } from "./_names.ts";
import { EXT, SIGNATURE_NAMES } from "./_oids.ts";
import { sha256 } from "./_sha.ts";
import { signingParameters, verifySignature } from "./_signatures.ts";
import * as x509 from "./_x509.ts";
import type {
  CertificateExtensions,
  KeyUsage,
  NameAttribute,
  PublicKeyInfo,
} from "./certificate_types.ts";
import { buildExtensions, type CaOptions } from "./_extensions.ts";
import { createCertificate, type Issuer } from "./create_certificate.ts";
import { CertificateError } from "./errors.ts";
import { pemBlocks } from "./pem.ts";

/** A parsed certificate signing request. */
export interface CertificateRequest extends CertificateExtensions {
  /** The DER encoding. */
  der: Uint8Array;
  /** The request version (1: the only one PKCS#10 defines). */
  version: number;
  /** The requested subject, RFC 4514 text. */
  subject: string;
  /** The subject's attributes, in the order of `subject`. */
  subjectAttributes: NameAttribute[];
  /** The public key to certify. */
  publicKey: PublicKeyInfo;
  /** The signature algorithm, as OpenSSL names it. */
  signatureAlgorithm: string;
  /** The signature algorithm OID. */
  signatureAlgorithmOid: string;
  /** SHA-256 of the SubjectPublicKeyInfo, base64. */
  spkiSha256: string;
}

interface RequestParts extends ExtensionTarget {
  info: CertificateRequest;
  signed: Uint8Array;
  signatureAlgorithm: Uint8Array;
  signature: Uint8Array;
  spki: Uint8Array;
}

function requestDer(input: string | Uint8Array): Uint8Array {
  if (input instanceof Uint8Array) return input.slice();
  const block = pemBlocks(input).find((candidate) =>
    candidate.label === "CERTIFICATE REQUEST" || candidate.label === "NEW CERTIFICATE REQUEST"
  );
  if (block === undefined) {
    throw new CertificateError("no-certificate", "no CERTIFICATE REQUEST PEM block in the input");
  }
  return block.der;
}

function parseRequestParts(input: string | Uint8Array): RequestParts {
  const der = requestDer(input);
  const top = readElement(der, 0, der.length);
  if (top.tag !== TAG.SEQUENCE || top.end !== der.length) {
    malformed("a request is not one SEQUENCE");
  }
  const info = expectElement(der, top.start, top.end, TAG.SEQUENCE, "certificationRequestInfo");
  const algorithm = expectElement(der, info.end, top.end, TAG.SEQUENCE, "signatureAlgorithm");
  const signature = expectElement(der, algorithm.end, top.end, TAG.BIT_STRING, "signature");
  if (signature.end !== top.end) malformed("extra data in the request");
  const version = expectElement(der, info.start, info.end, TAG.INTEGER, "version");
  if (readSmallInteger(der, version) !== 0) malformed("unknown request version");
  const subject = expectElement(der, version.end, info.end, TAG.SEQUENCE, "subject");
  const spki = expectElement(der, subject.end, info.end, TAG.SEQUENCE, "subjectPKInfo");
  const name = parseName(der, subject);
  const signatureOid = readOid(
    der,
    expectElement(der, algorithm.start, algorithm.end, TAG.OID, "algorithm"),
  );
  const request: CertificateRequest = {
    der,
    version: 1,
    subject: name.text,
    subjectAttributes: name.attributes,
    publicKey: readPublicKeyInfo(der, spki),
    signatureAlgorithm: SIGNATURE_NAMES[signatureOid] ?? signatureOid,
    signatureAlgorithmOid: signatureOid,
    extensions: [],
    spkiSha256: toBase64(sha256(encodingOf(der, spki))),
  };
  const parts: RequestParts = {
    info: request,
    signed: encodingOf(der, info),
    signatureAlgorithm: encodingOf(der, algorithm),
    signature: signatureBits(der, signature),
    spki: encodingOf(der, spki),
    sanIps: [],
    unknownCritical: [],
  };
  // attributes [0] IMPLICIT SET OF Attribute (required, possibly empty; some tools omit it).
  if (spki.end < info.end) {
    const attributes = expectElement(der, spki.end, info.end, contextTag(0, true), "attributes");
    if (attributes.end !== info.end) malformed("extra data in certificationRequestInfo");
    for (let at = attributes.start; at < attributes.end;) {
      const attribute = expectElement(der, at, attributes.end, TAG.SEQUENCE, "Attribute");
      at = attribute.end;
      const type = expectElement(der, attribute.start, attribute.end, TAG.OID, "attribute type");
      if (readOid(der, type) !== EXT.extensionRequest) continue;
      const values = expectElement(der, type.end, attribute.end, TAG.SET, "attribute values");
      const extensions = expectElement(
        der,
        values.start,
        values.end,
        TAG.SEQUENCE,
        "extensionRequest",
      );
      readExtensions(der, extensions, parts);
    }
  }
  return parts;
}

/**
 * Parses a certificate signing request from PEM (`CERTIFICATE REQUEST`) or DER.
 * The requested extensions (subject alternative names, key usage ...) appear
 * as on a certificate. The signature is not checked: see {@linkcode verifyCsr}.
 *
 * @param pemOrDer PEM text or DER bytes
 * @returns the request's fields
 *
 * @example
 * ```ts
 * import { createCsr, generateKeyPair, parseCsr } from "./mod.ts";
 *
 * const keys = await generateKeyPair();
 * const csr = await createCsr({ keys, subject: "CN=api.example.com", names: ["api.example.com"] });
 * const request = parseCsr(csr);
 * console.log(request.subject, request.subjectAltName?.dns); // "CN=api.example.com" ["api.example.com"]
 * ```
 */
export function parseCsr(pemOrDer: string | Uint8Array): CertificateRequest {
  return parseRequestParts(pemOrDer).info;
}

/**
 * Checks a request's self-signature (proof that the requester holds the key).
 *
 * @param pemOrDer PEM text or DER bytes
 * @returns true when the signature verifies with the request's own key
 *
 * @example
 * ```ts
 * import { createCsr, generateKeyPair, verifyCsr } from "./mod.ts";
 *
 * const csr = await createCsr({ keys: await generateKeyPair(), subject: "CN=a.example" });
 * console.log(await verifyCsr(csr)); // true
 * ```
 */
export async function verifyCsr(pemOrDer: string | Uint8Array): Promise<boolean> {
  const parts = parseRequestParts(pemOrDer);
  return await verifySignature(
    parts.spki,
    parts.signatureAlgorithm,
    parts.signature,
    parts.signed,
    {
      minRsaBits: 2048,
    },
  );
}

/** Options of {@linkcode createCsr}. */
export interface CreateCsrOptions {
  /** The key pair the request is for (the private key signs it). */
  keys: CryptoKeyPair;
  /** The subject, RFC 4514 text (`CN=example.com,O=Acme`) or `/O=Acme/CN=example.com`. */
  subject: string;
  /** Subject alternative names to request: DNS names, IP addresses, emails, URIs. */
  names?: string[];
  /** Key usage to request. */
  keyUsage?: KeyUsage[];
  /** Extended key usages to request (`serverAuth`, `clientAuth` ... or OIDs). */
  extendedKeyUsage?: string[];
}

/**
 * Creates a certificate signing request, as `openssl req -new` does.
 *
 * @param options the keys, subject and requested names
 * @returns the request as PEM
 *
 * @example The chapter's flow: key, request, CA signs
 * ```ts
 * import { createCertificate, createCsr, generateKeyPair, signCsr } from "./mod.ts";
 *
 * const caKeys = await generateKeyPair();
 * const ca = await createCertificate({
 *   subject: "CN=Chapter CA",
 *   publicKey: caKeys.publicKey,
 *   signingKey: caKeys.privateKey,
 *   ca: true,
 * });
 * const serverKeys = await generateKeyPair();
 * const csr = await createCsr({ keys: serverKeys, subject: "CN=localhost", names: ["localhost"] });
 * const certificate = await signCsr(csr, { issuer: { certificate: ca, privateKey: caKeys.privateKey } });
 * console.log(certificate.startsWith("-----BEGIN CERTIFICATE-----")); // true
 * ```
 */
export async function createCsr(options: CreateCsrOptions): Promise<string> {
  const subjectDer = encodeName(options.subject);
  const extensions = buildExtensions({
    names: options.names,
    subjectIsEmpty: subjectDer.length === 2,
    keyUsage: options.keyUsage,
    extendedKeyUsage: options.extendedKeyUsage,
  });
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: new x509.Name(toArrayBuffer(subjectDer)),
    keys: options.keys,
    signingAlgorithm: signingParameters(options.keys.privateKey),
    extensions,
  });
  return request.toString("pem").replace(/\r\n/g, "\n").trimEnd() + "\n";
}

/** Options of {@linkcode signCsr}. */
export interface SignCsrOptions {
  /** The CA that signs: its certificate and private key. */
  issuer: Issuer;
  /**
   * The names to certify (default: the request's subject alternative names).
   * Only names are taken from the request; what the certificate may do is the
   * signer's choice, never the requester's.
   */
  names?: string[];
  /** The subject (default: the request's). */
  subject?: string;
  /** Lifetime in days (default 365; 3650 for a CA). */
  lifetimeDays?: number;
  /** Start of validity (default: now, minus one minute). */
  notBefore?: Date;
  /** End of validity (default: `notBefore` plus `lifetimeDays`). */
  notAfter?: Date;
  /** Makes the new certificate a CA. */
  ca?: boolean | CaOptions;
  /** Key usage (default as for {@linkcode createCertificate}). */
  keyUsage?: KeyUsage[];
  /** Extended key usages (default: the request's, if any). */
  extendedKeyUsage?: string[];
  /** Serial number, hex (default random). */
  serialNumber?: string;
}

/**
 * Signs a request as a CA: checks the requester's signature, then issues a
 * certificate for the request's subject, key and names.
 *
 * @param csr the request (PEM or DER)
 * @param options the issuing CA and what to grant
 * @returns the certificate as PEM
 * @throws {CertificateError} `bad-request` when the request's signature does not verify
 *
 * @example
 * ```ts
 * import { createCsr, createDevCa, generateKeyPair, importPrivateKey, parseCertificate, signCsr } from "./mod.ts";
 *
 * const ca = await createDevCa();
 * const csr = await createCsr({ keys: await generateKeyPair(), subject: "CN=app.localhost", names: ["app.localhost"] });
 * const pem = await signCsr(csr, {
 *   issuer: { certificate: ca.certificate, privateKey: await importPrivateKey(ca.privateKey) },
 *   lifetimeDays: 30,
 * });
 * console.log(parseCertificate(pem).subjectAltName?.dns); // ["app.localhost"]
 * ```
 */
export async function signCsr(csr: string | Uint8Array, options: SignCsrOptions): Promise<string> {
  const parts = parseRequestParts(csr);
  let valid: boolean;
  try {
    valid = await verifySignature(
      parts.spki,
      parts.signatureAlgorithm,
      parts.signature,
      parts.signed,
    );
  } catch (cause) {
    throw new CertificateError(
      "bad-request",
      `the request cannot be checked: ${(cause as Error).message}`,
      { cause },
    );
  }
  if (!valid) throw new CertificateError("bad-request", "the request's signature does not verify");
  const request = parts.info;
  const san = request.subjectAltName;
  const requestedNames = san === undefined ? [] : [...san.dns, ...san.ip, ...san.email, ...san.uri];
  const subject = options.subject ?? request.subject;
  return await createCertificate({
    subject,
    publicKey: parts.spki.slice(),
    signingKey: options.issuer.privateKey,
    issuer: options.issuer.certificate,
    names: options.names ?? requestedNames,
    lifetimeDays: options.lifetimeDays,
    notBefore: options.notBefore,
    notAfter: options.notAfter,
    ca: options.ca,
    keyUsage: options.keyUsage,
    extendedKeyUsage: options.extendedKeyUsage ?? request.extendedKeyUsage,
    serialNumber: options.serialNumber,
  });
}
