// The extensions wirestack writes into certificates and requests, and the
// identifiers and names that go in them.

import { toArrayBuffer, toHex } from "./_bytes.ts";
import { nameConstraintsValue, subjectAltNameValue } from "./_general_names.ts";
import { readSpki } from "./_key_formats.ts";
import { EKU_OIDS, EXT, KEY_USAGES } from "./_oids.ts";
import { sha1 } from "./_sha.ts";
import * as x509 from "./_x509.ts";
import type { KeyUsage } from "./certificate_types.ts";
import { CertificateError } from "./errors.ts";

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

function keyUsageFlags(usages: readonly KeyUsage[]): number {
  const flags: Record<KeyUsage, number> = {
    digitalSignature: x509.KeyUsageFlags.digitalSignature,
    nonRepudiation: x509.KeyUsageFlags.nonRepudiation,
    keyEncipherment: x509.KeyUsageFlags.keyEncipherment,
    dataEncipherment: x509.KeyUsageFlags.dataEncipherment,
    keyAgreement: x509.KeyUsageFlags.keyAgreement,
    keyCertSign: x509.KeyUsageFlags.keyCertSign,
    cRLSign: x509.KeyUsageFlags.cRLSign,
    encipherOnly: x509.KeyUsageFlags.encipherOnly,
    decipherOnly: x509.KeyUsageFlags.decipherOnly,
  };
  let value = 0;
  for (const usage of usages) {
    if (!(KEY_USAGES as readonly string[]).includes(usage)) {
      throw new CertificateError("bad-option", `unknown key usage "${usage}"`);
    }
    value |= flags[usage];
  }
  return value;
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
    extensions.push(new x509.BasicConstraintsExtension(isCa, isCa ? pathLength : undefined, true));
  }
  const keyUsage = options.keyUsage ?? options.defaultKeyUsage;
  if (keyUsage !== undefined && keyUsage.length > 0) {
    extensions.push(new x509.KeyUsagesExtension(keyUsageFlags(keyUsage), true));
  }
  if (options.extendedKeyUsage !== undefined && options.extendedKeyUsage.length > 0) {
    extensions.push(
      new x509.ExtendedKeyUsageExtension(options.extendedKeyUsage.map(ekuOid), false),
    );
  }
  if (options.names !== undefined && options.names.length > 0) {
    // RFC 5280 4.2.1.6: critical when the subject is empty.
    extensions.push(
      new x509.Extension(
        EXT.subjectAltName,
        options.subjectIsEmpty,
        toArrayBuffer(subjectAltNameValue(options.names)),
      ),
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
    extensions.push(new x509.Extension(EXT.nameConstraints, true, toArrayBuffer(value)));
  }
  return extensions;
}
