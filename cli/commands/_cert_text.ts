// `wirestack cert show`: certificates and requests as text, in the layout of
// `openssl x509 -text -noout` (names in RFC 4514 order, dates in ISO 8601).

import type {
  Certificate,
  CertificateExtensions,
  CertificateRequest,
  PublicKeyInfo,
} from "../../crypto/mod.ts";

const colons = (hex: string) => (hex.match(/../g) ?? []).join(":");

function keyLine(key: PublicKeyInfo): string {
  const details = [
    key.curve,
    key.bits > 0 ? `${key.bits} bit` : undefined,
    key.exponent ? `exponent ${key.exponent}` : undefined,
  ]
    .filter((part) => part !== undefined);
  return `${key.algorithm}${details.length > 0 ? ` (${details.join(", ")})` : ""}`;
}

function extensionLines(source: CertificateExtensions): string[] {
  const lines: string[] = [];
  const critical = (name: string) =>
    source.extensions.find((extension) => extension.name === name)?.critical ? ": critical" : ":";
  const add = (title: string, name: string, values: string[]) => {
    lines.push(`        ${title}${critical(name)}`);
    for (const value of values) lines.push(`            ${value}`);
  };
  const bc = source.basicConstraints;
  if (bc !== undefined) {
    add("Basic Constraints", "basicConstraints", [
      `CA:${bc.ca ? "TRUE" : "FALSE"}${
        bc.pathLength !== undefined ? `, pathlen:${bc.pathLength}` : ""
      }`,
    ]);
  }
  if (source.keyUsage !== undefined) add("Key Usage", "keyUsage", [source.keyUsage.join(", ")]);
  if (source.extendedKeyUsage !== undefined) {
    add("Extended Key Usage", "extKeyUsage", [source.extendedKeyUsage.join(", ")]);
  }
  const san = source.subjectAltName;
  if (san !== undefined) {
    const names = [
      ...san.dns.map((name) => `DNS:${name}`),
      ...san.ip.map((ip) => `IP:${ip}`),
      ...san.email.map((email) => `email:${email}`),
      ...san.uri.map((uri) => `URI:${uri}`),
      ...san.dirName.map((name) => `DirName:${name}`),
    ];
    add("Subject Alternative Name", "subjectAltName", [names.join(", ")]);
  }
  const nc = source.nameConstraints;
  if (nc !== undefined) {
    add("Name Constraints", "nameConstraints", [
      ...(nc.permitted.length > 0
        ? ["Permitted:", ...nc.permitted.map((entry) => `  ${entry.type}:${entry.value}`)]
        : []),
      ...(nc.excluded.length > 0
        ? ["Excluded:", ...nc.excluded.map((entry) => `  ${entry.type}:${entry.value}`)]
        : []),
    ]);
  }
  if (source.subjectKeyIdentifier !== undefined) {
    add("Subject Key Identifier", "subjectKeyIdentifier", [
      colons(source.subjectKeyIdentifier).toUpperCase(),
    ]);
  }
  if (source.authorityKeyIdentifier !== undefined) {
    add("Authority Key Identifier", "authorityKeyIdentifier", [
      colons(source.authorityKeyIdentifier).toUpperCase(),
    ]);
  }
  if (source.crlDistributionPoints !== undefined) {
    add("CRL Distribution Points", "crlDistributionPoints", source.crlDistributionPoints);
  }
  const aia = source.authorityInfoAccess;
  if (aia !== undefined) {
    add("Authority Information Access", "authorityInfoAccess", [
      ...aia.ocsp.map((uri) => `OCSP - URI:${uri}`),
      ...aia.caIssuers.map((uri) => `CA Issuers - URI:${uri}`),
    ]);
  }
  if (source.certificatePolicies !== undefined) {
    add(
      "Certificate Policies",
      "certificatePolicies",
      source.certificatePolicies.map((oid) => `Policy: ${oid}`),
    );
  }
  const known = new Set([
    "basicConstraints",
    "keyUsage",
    "extKeyUsage",
    "subjectAltName",
    "nameConstraints",
    "subjectKeyIdentifier",
    "authorityKeyIdentifier",
    "crlDistributionPoints",
    "authorityInfoAccess",
    "certificatePolicies",
  ]);
  for (const extension of source.extensions) {
    if (!known.has(extension.name)) {
      lines.push(`        ${extension.name}${extension.critical ? ": critical" : ":"}`);
    }
  }
  return lines.length > 0 ? ["    Extensions:", ...lines] : [];
}

/** The text of one certificate. */
export function certificateText(certificate: Certificate): string {
  return [
    "Certificate:",
    `    Version: ${certificate.version} (0x${(certificate.version - 1).toString(16)})`,
    `    Serial Number: ${colons(certificate.serialNumber)}`,
    `    Signature Algorithm: ${certificate.signatureAlgorithm}`,
    `    Issuer: ${certificate.issuer}`,
    "    Validity",
    `        Not Before: ${certificate.notBefore.toISOString()}`,
    `        Not After : ${certificate.notAfter.toISOString()}`,
    `    Subject: ${certificate.subject}`,
    `    Subject Public Key Info: ${keyLine(certificate.publicKey)}`,
    ...extensionLines(certificate),
    "    Fingerprints:",
    `        SHA-256: ${colons(certificate.fingerprints.sha256).toUpperCase()}`,
    `        SHA-1:   ${colons(certificate.fingerprints.sha1).toUpperCase()}`,
    `    SPKI SHA-256 pin: ${certificate.spkiSha256}`,
  ].join("\n");
}

/** The text of one certificate signing request. */
export function requestText(request: CertificateRequest): string {
  return [
    "Certificate Request:",
    `    Subject: ${request.subject}`,
    `    Subject Public Key Info: ${keyLine(request.publicKey)}`,
    `    Signature Algorithm: ${request.signatureAlgorithm}`,
    ...extensionLines(request),
    `    SPKI SHA-256 pin: ${request.spkiSha256}`,
  ].join("\n");
}

/** JSON with bytes as base64 (`JSON.stringify` would spell out a Uint8Array index by index). */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, item) => item instanceof Uint8Array ? btoa(String.fromCharCode(...item)) : item,
    2,
  );
}
