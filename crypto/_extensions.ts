// The extensions wirestack writes into certificates and requests, and the
// identifiers and names that go in them.

import { fromHex, toArrayBuffer, toHex } from "./_bytes.ts";
import { encode, octetString, oid, sequence, smallInteger, TAG } from "./_der.ts";
import { nameConstraintsValue, subjectAltNameValue } from "./_general_names.ts";
import { readSpki } from "./_key_formats.ts";
import { EKU_OIDS, EXT, KEY_USAGES } from "./_oids.ts";
import { sha1 } from "./_sha.ts";
import * as x509 from "./_x509.ts";
import type { KeyUsage } from "./certificate_types.ts";
import { CertificateError } from "./errors.ts";

const BOOLEAN_TRUE = new Uint8Array([0x01, 0x01, 0xff]);

/** Whether a certificate is a CA, and how many intermediates may follow it. */
export interface CaOptions {
  /** The pathLenConstraint: how many CA certificates may sit below this one (default: no limit). */
  pathLength?: number;
}

/** Names a CA may (or may not) issue for: DNS names, CIDR ranges, emails, `dirName:` names. */
export interface NameConstraintOptions {
  /** Permitted subtrees: `example.com` (it and its subdomains), `.example.com` (subdomains only), `10.0.0.0/8`, `::1/128`. */
  permitted?: string[];
  /** Excluded subtrees, same forms. */
  excluded?: string[];
}

/** 16 random bytes, positive and without a leading zero octet. */
export function randomSerial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] & 0x7f) | 0x40;
  return toHex(bytes);
}

/** SHA-1 of the subjectPublicKey bits: the key identifier of RFC 5280 4.2.1.2 method 1. */
export function keyIdentifier(spki: Uint8Array): string {
  return toHex(sha1(readSpki(spki).key));
}

/** The keyUsage value: a named BIT STRING, trailing zero bits dropped as DER wants. */
export function keyUsageValue(usages: readonly KeyUsage[]): Uint8Array {
  const bits = new Uint8Array(2);
  let last = -1;
  for (const usage of usages) {
    const bit = (KEY_USAGES as readonly string[]).indexOf(usage);
    if (bit < 0) throw new CertificateError("bad-option", `unknown key usage "${usage}"`);
    bits[bit >> 3] |= 0x80 >> (bit & 7);
    last = Math.max(last, bit);
  }
  if (last < 0) return encode(TAG.BIT_STRING, new Uint8Array([0]));
  const length = (last >> 3) + 1;
  return encode(TAG.BIT_STRING, new Uint8Array([7 - (last & 7)]), bits.subarray(0, length));
}

/** An extension for the x509 generators from its OID, criticality and DER value. */
export function extension(oidText: string, critical: boolean, value: Uint8Array): x509.Extension {
  return new x509.Extension(oidText, critical, toArrayBuffer(value));
}

/** The subjectKeyIdentifier and authorityKeyIdentifier extensions for two key identifiers (hex). */
export function keyIdExtensions(subjectKeyId: string, authorityKeyId: string): x509.Extension[] {
  return [
    extension(EXT.subjectKeyIdentifier, false, octetString(fromHex(subjectKeyId)!)),
    extension(EXT.authorityKeyIdentifier, false, sequence(encode(0x80, fromHex(authorityKeyId)!))),
  ];
}

/** An extended key usage name or OID to its OID. */
export function ekuOid(purpose: string): string {
  const known = EKU_OIDS[purpose];
  if (known !== undefined) return known;
  if (/^\d+(\.\d+)+$/.test(purpose)) return purpose;
  throw new CertificateError("bad-option", `unknown extended key usage "${purpose}"`);
}

/** The extensions a new certificate or request carries. */
export function buildExtensions(options: {
  names?: readonly string[];
  subjectIsEmpty: boolean;
  ca?: boolean | CaOptions;
  keyUsage?: readonly KeyUsage[];
  defaultKeyUsage?: readonly KeyUsage[];
  extendedKeyUsage?: readonly string[];
  nameConstraints?: NameConstraintOptions;
}): x509.Extension[] {
  const extensions: x509.Extension[] = [];
  const isCa = options.ca !== undefined && options.ca !== false;
  if (options.ca !== undefined) {
    const pathLength = typeof options.ca === "object" ? options.ca.pathLength : undefined;
    if (
      pathLength !== undefined &&
      (!Number.isInteger(pathLength) || pathLength < 0 || pathLength > 255)
    ) {
      throw new CertificateError("bad-option", `pathLength must be an integer from 0 to 255`);
    }
    const fields = isCa
      ? [BOOLEAN_TRUE, ...(pathLength === undefined ? [] : [smallInteger(pathLength)])]
      : [];
    extensions.push(extension(EXT.basicConstraints, true, sequence(...fields)));
  }
  const keyUsage = options.keyUsage ?? options.defaultKeyUsage;
  if (keyUsage !== undefined && keyUsage.length > 0) {
    extensions.push(extension(EXT.keyUsage, true, keyUsageValue(keyUsage)));
  }
  if (options.extendedKeyUsage !== undefined && options.extendedKeyUsage.length > 0) {
    const purposes = options.extendedKeyUsage.map((purpose) => oid(ekuOid(purpose)));
    extensions.push(extension(EXT.extKeyUsage, false, sequence(...purposes)));
  }
  if (options.names !== undefined && options.names.length > 0) {
    // RFC 5280 4.2.1.6: critical when the subject is empty.
    extensions.push(
      extension(EXT.subjectAltName, options.subjectIsEmpty, subjectAltNameValue(options.names)),
    );
  } else if (options.subjectIsEmpty) {
    throw new CertificateError("bad-option", "a certificate needs a subject or at least one name");
  }
  if (options.nameConstraints !== undefined) {
    if (!isCa) {
      throw new CertificateError("bad-option", "name constraints belong in CA certificates");
    }
    const value = nameConstraintsValue(
      options.nameConstraints.permitted ?? [],
      options.nameConstraints.excluded ?? [],
    );
    extensions.push(extension(EXT.nameConstraints, true, value));
  }
  return extensions;
}
