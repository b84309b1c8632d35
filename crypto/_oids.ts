// Object identifiers wirestack names, with the short names OpenSSL prints.

/** Name attribute types: OID to the short name OpenSSL uses (RFC 4514 keywords where they exist). */
export const NAME_ATTRIBUTES: Record<string, string> = {
  "2.5.4.3": "CN",
  "2.5.4.4": "SN",
  "2.5.4.5": "serialNumber",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.9": "street",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.12": "title",
  "2.5.4.13": "description",
  "2.5.4.15": "businessCategory",
  "2.5.4.17": "postalCode",
  "2.5.4.42": "GN",
  "2.5.4.43": "initials",
  "2.5.4.44": "generationQualifier",
  "2.5.4.46": "dnQualifier",
  "2.5.4.65": "pseudonym",
  "2.5.4.97": "organizationIdentifier",
  "0.9.2342.19200300.100.1.1": "UID",
  "0.9.2342.19200300.100.1.25": "DC",
  "1.2.840.113549.1.9.1": "emailAddress",
  "1.3.6.1.4.1.311.60.2.1.1": "jurisdictionL",
  "1.3.6.1.4.1.311.60.2.1.2": "jurisdictionST",
  "1.3.6.1.4.1.311.60.2.1.3": "jurisdictionC",
};

/** Short name (any case) to OID, for parsing `CN=...,O=...` strings. */
export const NAME_ATTRIBUTE_OIDS: Record<string, string> = Object.fromEntries([
  ...Object.entries(NAME_ATTRIBUTES).map(([oid, name]) => [name.toLowerCase(), oid]),
  ["street", "2.5.4.9"],
  ["surname", "2.5.4.4"],
  ["givenname", "2.5.4.42"],
  ["email", "1.2.840.113549.1.9.1"],
  ["e", "1.2.840.113549.1.9.1"],
  ["s", "2.5.4.8"],
]);

/** Extensions, by OID. */
export const EXT = {
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  issuerAltName: "2.5.29.18",
  basicConstraints: "2.5.29.19",
  nameConstraints: "2.5.29.30",
  crlDistributionPoints: "2.5.29.31",
  certificatePolicies: "2.5.29.32",
  policyMappings: "2.5.29.33",
  authorityKeyIdentifier: "2.5.29.35",
  policyConstraints: "2.5.29.36",
  extKeyUsage: "2.5.29.37",
  inhibitAnyPolicy: "2.5.29.54",
  authorityInfoAccess: "1.3.6.1.5.5.7.1.1",
  subjectDirectoryAttributes: "2.5.29.9",
  ctPrecertificateScts: "1.3.6.1.4.1.11129.2.4.2",
  ctPoison: "1.3.6.1.4.1.11129.2.4.3",
  extensionRequest: "1.2.840.113549.1.9.14",
} as const;

/** Extension OIDs to names (RFC 5280 ASN.1 names; OpenSSL's where RFC 5280 has none). */
export const EXTENSION_NAMES: Record<string, string> = {
  ...Object.fromEntries(Object.entries(EXT).map(([name, oid]) => [oid, name])),
};

/** Extended key usage purposes. */
export const EKU: Record<string, string> = {
  "1.3.6.1.5.5.7.3.1": "serverAuth",
  "1.3.6.1.5.5.7.3.2": "clientAuth",
  "1.3.6.1.5.5.7.3.3": "codeSigning",
  "1.3.6.1.5.5.7.3.4": "emailProtection",
  "1.3.6.1.5.5.7.3.8": "timeStamping",
  "1.3.6.1.5.5.7.3.9": "OCSPSigning",
  "2.5.29.37.0": "anyExtendedKeyUsage",
};

/** Purpose name to OID. */
export const EKU_OIDS: Record<string, string> = Object.fromEntries(
  Object.entries(EKU).map(([oid, name]) => [name, oid]),
);

/** Key usage bits, in bit order (RFC 5280 4.2.1.3). */
export const KEY_USAGES = [
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
] as const;

/** Public key algorithms. */
export const KEY_ALG = {
  rsaEncryption: "1.2.840.113549.1.1.1",
  rsassaPss: "1.2.840.113549.1.1.10",
  ecPublicKey: "1.2.840.10045.2.1",
  ed25519: "1.3.101.112",
  ed448: "1.3.101.113",
  x25519: "1.3.101.110",
  x448: "1.3.101.111",
  dsa: "1.2.840.10040.4.1",
} as const;

/** Named curves: OID to [WebCrypto name, OpenSSL name, bits]. */
export const CURVES: Record<string, [string, string, number]> = {
  "1.2.840.10045.3.1.7": ["P-256", "prime256v1", 256],
  "1.3.132.0.34": ["P-384", "secp384r1", 384],
  "1.3.132.0.35": ["P-521", "secp521r1", 521],
  "1.3.132.0.10": ["secp256k1", "secp256k1", 256],
};

/** WebCrypto curve name to OID. */
export const CURVE_OIDS: Record<string, string> = {
  "P-256": "1.2.840.10045.3.1.7",
  "P-384": "1.3.132.0.34",
  "P-521": "1.3.132.0.35",
};

/** Signature algorithms: OID to OpenSSL's name. */
export const SIGNATURE_NAMES: Record<string, string> = {
  "1.2.840.113549.1.1.4": "md5WithRSAEncryption",
  "1.2.840.113549.1.1.5": "sha1WithRSAEncryption",
  "1.2.840.113549.1.1.11": "sha256WithRSAEncryption",
  "1.2.840.113549.1.1.12": "sha384WithRSAEncryption",
  "1.2.840.113549.1.1.13": "sha512WithRSAEncryption",
  "1.2.840.113549.1.1.14": "sha224WithRSAEncryption",
  "1.2.840.113549.1.1.10": "rsassaPss",
  "1.2.840.10045.4.1": "ecdsa-with-SHA1",
  "1.2.840.10045.4.3.1": "ecdsa-with-SHA224",
  "1.2.840.10045.4.3.2": "ecdsa-with-SHA256",
  "1.2.840.10045.4.3.3": "ecdsa-with-SHA384",
  "1.2.840.10045.4.3.4": "ecdsa-with-SHA512",
  "1.3.101.112": "ED25519",
  "1.3.101.113": "ED448",
};

/** Hash algorithm OIDs to WebCrypto names. */
export const HASHES: Record<string, string> = {
  "1.3.14.3.2.26": "SHA-1",
  "2.16.840.1.101.3.4.2.1": "SHA-256",
  "2.16.840.1.101.3.4.2.2": "SHA-384",
  "2.16.840.1.101.3.4.2.3": "SHA-512",
};

/** Access methods in Authority Information Access. */
export const ACCESS_METHODS = {
  ocsp: "1.3.6.1.5.5.7.48.1",
  caIssuers: "1.3.6.1.5.5.7.48.2",
} as const;
