/**
 * The plain data objects certificates and requests parse into.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { NameAttribute } from "./_names.ts";

export type { NameAttribute };

/** Key usage bits (RFC 5280 4.2.1.3), by their ASN.1 names. */
export type KeyUsage =
  | "digitalSignature"
  | "nonRepudiation"
  | "keyEncipherment"
  | "dataEncipherment"
  | "keyAgreement"
  | "keyCertSign"
  | "cRLSign"
  | "encipherOnly"
  | "decipherOnly";

/** The subject's public key: algorithm and size. */
export interface PublicKeyInfo {
  /** `RSA`, `RSA-PSS`, `EC`, `Ed25519`, `Ed448`, `X25519`, `X448`, `DSA`, or the OID. */
  algorithm: string;
  /** The algorithm OID from the SubjectPublicKeyInfo. */
  oid: string;
  /** Key size in bits (RSA modulus bits, curve size; 0 when unknown). */
  bits: number;
  /** The named curve for EC keys (`P-256`, `P-384`, `P-521`, `secp256k1`, or its OID). */
  curve?: string;
  /** The public exponent for RSA keys. */
  exponent?: number;
}

/** Subject alternative names by type, in certificate order within each type. */
export interface SubjectAltName {
  /** dNSName entries (`example.com`, `*.example.com`). */
  dns: string[];
  /** iPAddress entries in RFC 5952 text (`127.0.0.1`, `::1`). */
  ip: string[];
  /** rfc822Name entries. */
  email: string[];
  /** uniformResourceIdentifier entries. */
  uri: string[];
  /** directoryName entries, as RFC 4514 text. */
  dirName: string[];
}

/** One GeneralName: a name-constraint subtree base or an alternative name. */
export interface GeneralNameInfo {
  /** The name form. `other` holds names wirestack does not decode (hex of the DER). */
  type: "dns" | "ip" | "email" | "uri" | "dirName" | "other";
  /** The name; for `ip` subtrees CIDR text (`10.0.0.0/8`, `fd00::/8`). */
  value: string;
}

/** The name constraints a CA places on the certificates below it (RFC 5280 4.2.1.10). */
export interface NameConstraints {
  /** Subtrees names must fall in (per name form present). */
  permitted: GeneralNameInfo[];
  /** Subtrees names must not fall in. */
  excluded: GeneralNameInfo[];
}

/** One extension as listed in the certificate. */
export interface ExtensionInfo {
  /** The extension OID. */
  oid: string;
  /** Its RFC 5280 name (`basicConstraints`, `subjectAltName` ...), or the OID. */
  name: string;
  /** Whether it is marked critical. */
  critical: boolean;
}

/** The extension fields certificates and requests share. Absent extensions are `undefined`. */
export interface CertificateExtensions {
  /** Every extension, in certificate order. */
  extensions: ExtensionInfo[];
  /** Subject alternative names. */
  subjectAltName?: SubjectAltName;
  /** Key usage bits that are set. */
  keyUsage?: KeyUsage[];
  /** Extended key usages (`serverAuth`, `clientAuth`, ... or the OID). */
  extendedKeyUsage?: string[];
  /** Basic constraints: whether a CA, and its path length limit. */
  basicConstraints?: { ca: boolean; pathLength?: number };
  /** Subject key identifier, hex. */
  subjectKeyIdentifier?: string;
  /** Authority key identifier (its keyIdentifier), hex. */
  authorityKeyIdentifier?: string;
  /** Name constraints (CA certificates). */
  nameConstraints?: NameConstraints;
  /** CRL distribution point URIs. */
  crlDistributionPoints?: string[];
  /** OCSP responder and CA issuer URIs. */
  authorityInfoAccess?: { ocsp: string[]; caIssuers: string[] };
  /** Certificate policy OIDs. */
  certificatePolicies?: string[];
}

/**
 * A parsed X.509 certificate: the fields `openssl x509 -text` shows, as plain
 * data. Hex strings are lowercase without separators; names are RFC 4514 text
 * (most specific first, as `openssl x509 -nameopt RFC2253` prints them) plus
 * their attributes in the same order. Absent extensions are `undefined`.
 */
export interface Certificate extends CertificateExtensions {
  /** The DER encoding. */
  der: Uint8Array;
  /** 1, 2 or 3. */
  version: number;
  /**
   * The serial number, hex (leading zero octets dropped, as `openssl x509
   * -serial`; a negative serial, which RFC 5280 forbids but some certificates
   * carry, is "-" and its magnitude, as OpenSSL prints it).
   */
  serialNumber: string;
  /** The subject as RFC 4514 text (`CN=example.com,O=Acme,C=US`). */
  subject: string;
  /** The subject's attributes, in the order of `subject`. */
  subjectAttributes: NameAttribute[];
  /** The issuer as RFC 4514 text. */
  issuer: string;
  /** The issuer's attributes, in the order of `issuer`. */
  issuerAttributes: NameAttribute[];
  /** Start of validity. */
  notBefore: Date;
  /** End of validity (inclusive). */
  notAfter: Date;
  /** The signature algorithm, as OpenSSL names it (`ecdsa-with-SHA256`, `sha256WithRSAEncryption`, `ED25519`). */
  signatureAlgorithm: string;
  /** The signature algorithm OID. */
  signatureAlgorithmOid: string;
  /** The subject public key's algorithm and size. */
  publicKey: PublicKeyInfo;
  /** SHA-256 and SHA-1 of the DER, hex. */
  fingerprints: { sha256: string; sha1: string };
  /**
   * SHA-256 of the SubjectPublicKeyInfo, base64: the SPKI pin of HPKP and of
   * Chromium's `--ignore-certificate-errors-spki-list`.
   */
  spkiSha256: string;
}

/** A certificate as wirestack accepts it: PEM text, DER bytes, or an already parsed one. */
export type CertificateInput = string | Uint8Array | ArrayBuffer | Certificate;
