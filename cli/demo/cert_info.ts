// The served certificate as the demo page shows it: parsed with wirestack's
// own X.509 reader (`crypto`'s parseCertificate).

import { parseCertificateBundle } from "../../crypto/mod.ts";

/** One certificate's fields for the page. */
export interface CertSummary {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  signatureAlgorithm: string;
  publicKey: string;
  names: string[];
  keyUsage: string[];
  extendedKeyUsage: string[];
  ca: boolean;
  permittedNames: string[];
  sha256: string;
  spkiSha256: string;
}

/** The chain (leaf first) of a PEM bundle. */
export function certChainInfo(chainPem: string): CertSummary[] {
  return parseCertificateBundle(chainPem).map((cert) => ({
    subject: cert.subject,
    issuer: cert.issuer,
    serialNumber: cert.serialNumber,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    signatureAlgorithm: cert.signatureAlgorithm,
    publicKey: `${cert.publicKey.algorithm}${
      cert.publicKey.curve === undefined ? "" : ` ${cert.publicKey.curve}`
    } (${cert.publicKey.bits} bits)`,
    names: [...(cert.subjectAltName?.dns ?? []), ...(cert.subjectAltName?.ip ?? [])],
    keyUsage: [...(cert.keyUsage ?? [])],
    extendedKeyUsage: [...(cert.extendedKeyUsage ?? [])],
    ca: cert.basicConstraints?.ca === true,
    permittedNames: cert.nameConstraints?.permitted.map((name) => name.value) ?? [],
    sha256: cert.fingerprints.sha256,
    spkiSha256: cert.spkiSha256,
  }));
}
