// The comparisons of a parsed certificate with what \`openssl x509\` prints and
// with the other parsers (node:crypto's X509Certificate, @peculiar/x509), used by
// certificate_openssl_test.ts and certificate_differential_openssl_test.ts.

import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import * as x509 from "../../crypto/_x509.ts";
import type { Certificate } from "../../crypto/mod.ts";
import { isDeno } from "../_harness.ts";
import type { OpensslDir } from "./_openssl.ts";
import { expandIp, opensslFields } from "./_openssl_text.ts";

/**
 * A name as `openssl x509 -nameopt RFC2253` prints it. RFC 4514 2.4 escapes a
 * "#" that begins a value, as wirestack does; OpenSSL does too, except for a
 * value that is exactly "#": for a one-character value its last-character rule
 * (a trailing space) replaces its first-character one (found by fuzzing).
 */
export function asOpensslPrints(name: string): string {
  return name.replace(/=\\#(?=[,+]|$)/g, "=#");
}

/** Asserts every field OpenSSL prints matches the parse. */
export function assertMatchesOpenssl(
  dir: OpensslDir,
  file: string,
  certificate: Certificate,
  der = false,
): void {
  const o = opensslFields(dir, file, { der });
  assert.equal(asOpensslPrints(certificate.subject), o.subject, "subject");
  assert.equal(asOpensslPrints(certificate.issuer), o.issuer, "issuer");
  assert.equal(certificate.serialNumber, o.serial, "serial");
  assert.equal(certificate.notBefore.getTime(), o.notBefore.getTime(), "notBefore");
  assert.equal(certificate.notAfter.getTime(), o.notAfter.getTime(), "notAfter");
  assert.equal(certificate.fingerprints.sha256, o.sha256, "sha256 fingerprint");
  assert.equal(certificate.fingerprints.sha1, o.sha1, "sha1 fingerprint");
  assert.equal(certificate.version, o.version, "version");
  assert.equal(certificate.signatureAlgorithm, o.signatureAlgorithm, "signature algorithm");
  assert.equal(certificate.spkiSha256, o.spkiSha256, "SPKI pin");
  if (o.publicKeyBits !== undefined) {
    assert.equal(certificate.publicKey.bits, o.publicKeyBits, "key bits");
  }
  if (o.curve !== undefined) assert.equal(certificate.publicKey.curve, o.curve, "curve");
  if (o.exponent !== undefined) {
    assert.equal(certificate.publicKey.exponent, o.exponent, "exponent");
  }
  const san = certificate.subjectAltName;
  assert.deepEqual(
    san === undefined
      ? undefined
      : { dns: san.dns, ip: san.ip.map(expandIp), email: san.email, uri: san.uri },
    o.san,
    "subjectAltName",
  );
  assert.deepEqual(certificate.keyUsage, o.keyUsage, "keyUsage");
  assert.deepEqual(certificate.extendedKeyUsage, o.extendedKeyUsage, "extendedKeyUsage");
  assert.deepEqual(certificate.basicConstraints, o.basicConstraints, "basicConstraints");
  assert.equal(certificate.subjectKeyIdentifier, o.subjectKeyIdentifier, "subjectKeyIdentifier");
  assert.equal(
    certificate.authorityKeyIdentifier,
    o.authorityKeyIdentifier,
    "authorityKeyIdentifier",
  );
  if (o.nameConstraints !== undefined) {
    const shown = (
      list: Certificate["extensions"] extends unknown ? Array<{ type: string; value: string }>
        : never,
    ) =>
      list.filter((entry) => entry.type !== "dirName").map((entry) =>
        entry.type === "ip"
          ? `ip:${expandIp(entry.value.split("/")[0])}/${entry.value.split("/")[1]}`
          : `${{ dns: "DNS", email: "email", uri: "URI" }[entry.type as "dns"]}:${entry.value}`
      );
    const withoutDirNames = (list: string[]) => list.filter((line) => !line.startsWith("DirName:"));
    assert.deepEqual(
      shown(certificate.nameConstraints!.permitted),
      withoutDirNames(o.nameConstraints.permitted),
    );
    assert.deepEqual(
      shown(certificate.nameConstraints!.excluded),
      withoutDirNames(o.nameConstraints.excluded),
    );
  } else {
    assert.equal(certificate.nameConstraints, undefined);
  }
  assert.deepEqual(
    certificate.crlDistributionPoints,
    o.crlDistributionPoints,
    "CRL distribution points",
  );
  assert.deepEqual(certificate.authorityInfoAccess?.ocsp, o.ocsp, "OCSP");
  assert.deepEqual(certificate.authorityInfoAccess?.caIssuers, o.caIssuers, "CA issuers");
  assert.deepEqual(certificate.certificatePolicies, o.policies, "policies");
}

/** Asserts node:crypto and @peculiar/x509 read the same certificate the same way. */
export function assertMatchesOtherParsers(certificate: Certificate): void {
  const node = new X509Certificate(certificate.der);
  assert.equal(
    certificate.fingerprints.sha256,
    node.fingerprint256.replace(/:/g, "").toLowerCase(),
  );
  assert.equal(
    certificate.serialNumber.replace(/^0+(?=.)/, ""),
    node.serialNumber.toLowerCase().replace(/^0+(?=.)/, ""),
  );
  assert.equal(certificate.notAfter.getTime(), new Date(node.validTo).getTime());
  // OpenSSL's "is a CA" (X509_check_ca, Node's) also wants keyCertSign when there is a
  // key usage; Deno's node:crypto is a Rust parser that reads basicConstraints alone
  const keyCertSign = isDeno || certificate.keyUsage === undefined ||
    certificate.keyUsage.includes("keyCertSign");
  assert.equal(certificate.basicConstraints?.ca === true && keyCertSign, node.ca, "CA");
  const peculiar = new x509.X509Certificate(certificate.der.slice().buffer as ArrayBuffer);
  assert.equal(certificate.notBefore.getTime(), peculiar.notBefore.getTime());
  assert.equal(certificate.signatureAlgorithm.length > 0, true);
  const peculiarSan = peculiar.getExtension(x509.SubjectAlternativeNameExtension);
  const dns =
    peculiarSan?.names.items.filter((item) => item.type === "dns").map((item) => item.value) ?? [];
  assert.deepEqual(certificate.subjectAltName?.dns ?? [], dns);
  const ski = peculiar.getExtension(x509.SubjectKeyIdentifierExtension);
  assert.equal(certificate.subjectKeyIdentifier, ski?.keyId);
}
