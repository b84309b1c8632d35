// The SubjectPublicKeyInfo of whatever public key input a caller has: an SPKI,
// a PKCS#1 RSA public key, or a certificate (PEM or DER).

import { certificateParts } from "./_certificate_cache.ts";
import { malformed, readElement, TAG } from "./_der.ts";
import { spkiFromRsaPublic } from "./_key_formats.ts";
import { CertificateError } from "./errors.ts";
import { pemBlocks } from "./pem.ts";

/** The SubjectPublicKeyInfo DER of a public key input (SPKI, PKCS#1 or a certificate). */
export function spkiOf(input: string | Uint8Array): Uint8Array {
  if (typeof input === "string") {
    const block = pemBlocks(input).find((candidate) =>
      ["PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE"].includes(candidate.label)
    );
    if (block === undefined) {
      throw new CertificateError("bad-key", "no PUBLIC KEY or CERTIFICATE PEM block in the input");
    }
    if (block.label === "CERTIFICATE") return certificateParts(block.der).spki;
    if (block.label === "RSA PUBLIC KEY") return spkiFromRsaPublic(block.der);
    return block.der;
  }
  const top = readElement(input, 0, input.length);
  if (top.tag !== TAG.SEQUENCE) malformed("a public key is not a SEQUENCE");
  const first = readElement(input, top.start, top.end);
  if (first.tag === TAG.INTEGER) return spkiFromRsaPublic(input);
  const second = readElement(input, first.end, top.end);
  if (second.tag === TAG.BIT_STRING) return input;
  return certificateParts(input).spki;
}
