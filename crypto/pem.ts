/**
 * PEM (RFC 7468): the text armour around DER certificates, requests and keys.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { fromBase64, toBase64 } from "./_bytes.ts";
import { CertificateError } from "./errors.ts";

/** One `-----BEGIN label-----` ... `-----END label-----` block. */
export interface PemBlock {
  /** The label: `CERTIFICATE`, `PRIVATE KEY`, `CERTIFICATE REQUEST` ... */
  label: string;
  /** The decoded DER bytes. */
  der: Uint8Array;
  /** RFC 1421 headers (`Proc-Type`, `DEK-Info`), present only in legacy encrypted keys. */
  headers: Record<string, string>;
}

const BEGIN = /-----BEGIN ([A-Z0-9 ]+)-----/g;

/**
 * Every PEM block in `text`, in order. Text between blocks is ignored (RFC 7468
 * allows explanatory text, as in `openssl x509 -text` output); a block with a
 * missing or mismatched END line or bad base64 throws a `CertificateError`
 * (`malformed`).
 *
 * @param text PEM text, one or more blocks
 * @returns the blocks, in order
 *
 * @example Reading a bundle
 * ```ts
 * import { pemBlocks, pemEncode } from "./pem.ts";
 *
 * const text = pemEncode("CERTIFICATE", new Uint8Array([0x30, 0x00])) +
 *   pemEncode("PRIVATE KEY", new Uint8Array([0x30, 0x00]));
 * console.log(pemBlocks(text).map((block) => block.label)); // ["CERTIFICATE", "PRIVATE KEY"]
 * ```
 */
export function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  BEGIN.lastIndex = 0;
  for (let match = BEGIN.exec(text); match !== null; match = BEGIN.exec(text)) {
    const label = match[1];
    const bodyStart = match.index + match[0].length;
    const endLine = `-----END ${label}-----`;
    const bodyEnd = text.indexOf(endLine, bodyStart);
    const nextBegin = text.indexOf("-----BEGIN ", bodyStart);
    if (bodyEnd < 0 || (nextBegin >= 0 && nextBegin < bodyEnd)) {
      throw new CertificateError("malformed", `PEM block "${label}" has no matching END line`);
    }
    const headers: Record<string, string> = {};
    let base64Start = bodyStart;
    if (text.slice(bodyStart, bodyEnd).includes(":")) {
      const body = text.slice(bodyStart, bodyEnd);
      const blank = body.search(/\r?\n\s*\r?\n/);
      if (blank < 0) {
        throw new CertificateError("malformed", `PEM block "${label}" has bad headers`);
      }
      for (const line of body.slice(0, blank).split(/\r?\n/)) {
        const colon = line.indexOf(":");
        if (colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
      }
      base64Start = bodyStart + blank +
        (body.slice(blank).match(/^\r?\n\s*\r?\n/)?.[0].length ?? 0);
    }
    const der = fromBase64(text, base64Start, bodyEnd);
    if (der === undefined || der.length === 0) {
      throw new CertificateError("malformed", `PEM block "${label}" holds bad base64`);
    }
    blocks.push({ label, der, headers });
    BEGIN.lastIndex = bodyEnd + endLine.length;
  }
  return blocks;
}

/**
 * The DER bytes of the first PEM block with `label` in `text`.
 *
 * @param text PEM text
 * @param label the label to look for (`CERTIFICATE` ...)
 * @returns the DER bytes
 * @throws {CertificateError} `no-certificate` when there is no such block
 *
 * @example
 * ```ts
 * import { pemDecode, pemEncode } from "./pem.ts";
 *
 * const pem = pemEncode("CERTIFICATE", new Uint8Array([0x30, 0x00]));
 * console.log(pemDecode(pem, "CERTIFICATE")); // Uint8Array [48, 0]
 * ```
 */
export function pemDecode(text: string, label: string): Uint8Array {
  const block = pemBlocks(text).find((candidate) => candidate.label === label);
  if (block === undefined) {
    throw new CertificateError("no-certificate", `no "${label}" PEM block in the input`);
  }
  return block.der;
}

/**
 * PEM text of DER bytes: base64 in 64-character lines between BEGIN and END
 * lines, ending with a newline (the form OpenSSL writes).
 *
 * @param label the label (`CERTIFICATE`, `PRIVATE KEY` ...)
 * @param der the DER bytes
 * @returns the PEM text
 *
 * @example
 * ```ts
 * import { pemEncode } from "./pem.ts";
 *
 * console.log(pemEncode("CERTIFICATE", new Uint8Array([0x30, 0x00])));
 * // -----BEGIN CERTIFICATE-----
 * // MAA=
 * // -----END CERTIFICATE-----
 * ```
 */
export function pemEncode(label: string, der: Uint8Array): string {
  const base64 = toBase64(der);
  let body = "";
  for (let i = 0; i < base64.length; i += 64) body += base64.slice(i, i + 64) + "\n";
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}
