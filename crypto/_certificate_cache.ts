// From whatever certificate input a caller has (PEM, DER, a parsed object) to
// the parsed pieces. A parsed object is read again from its DER: remembering
// pieces per object (a WeakMap) cost more in garbage collection on the parse
// path than the second parse costs in verification.

import { type CertificateParts, parseCertificateParts } from "./_certificate_parser.ts";
import type { CertificateInput } from "./certificate_types.ts";
import { CertificateError } from "./errors.ts";
import { pemBlocks } from "./pem.ts";

const CERTIFICATE_LABELS = new Set(["CERTIFICATE", "X509 CERTIFICATE"]);

const partsOfDer = parseCertificateParts;

/** The parsed pieces of every certificate in `input` (a PEM bundle gives several). */
export function certificatePartsList(input: CertificateInput): CertificateParts[] {
  if (typeof input === "string") {
    const blocks = pemBlocks(input).filter((block) => CERTIFICATE_LABELS.has(block.label));
    return blocks.map((block) => partsOfDer(block.der));
  }
  if (input instanceof Uint8Array) return [partsOfDer(input.slice())];
  if (input instanceof ArrayBuffer) return [partsOfDer(new Uint8Array(input.slice(0)))];
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
