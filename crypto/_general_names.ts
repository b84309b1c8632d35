// Names as users write them ("example.com", "127.0.0.1", "a@b.c",
// "https://x/", "10.0.0.0/8") turned into GeneralName DER (RFC 5280 4.2.1.6)
// for subject alternative names and name constraints.

import { encode, sequence } from "./_der.ts";
import { parseCidr, parseIp } from "./_ip.ts";
import { encodeName } from "./_names.ts";
import { CertificateError } from "./errors.ts";

/** A user-written name, classified. */
export type NameEntry =
  | { type: "dns"; value: string }
  | { type: "ip"; value: Uint8Array }
  | { type: "email"; value: string }
  | { type: "uri"; value: string };

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** A DNS name in its A-label form, lowercased; `*.` allowed as the whole first label. */
export function normalizeDnsName(text: string, options: { wildcard?: boolean } = {}): string {
  let name = text.trim().toLowerCase();
  if (name.endsWith(".")) name = name.slice(0, -1);
  const wildcard = name.startsWith("*.");
  if (wildcard) {
    if (options.wildcard === false) {
      throw new CertificateError("bad-option", `"${text}": no wildcard allowed here`);
    }
    name = name.slice(2);
  }
  if (/[\u0080-\uffff]/.test(name)) {
    try {
      name = new URL(`http://${name}/`).hostname;
    } catch {
      throw new CertificateError("bad-option", `"${text}" is not a valid host name`);
    }
  }
  const labels = name.split(".");
  if (name.length > 253 || !labels.every((label) => LABEL.test(label))) {
    throw new CertificateError("bad-option", `"${text}" is not a valid DNS name`);
  }
  return wildcard ? `*.${name}` : name;
}

/** Classifies a name: IP address, email address, URI or DNS name. */
export function classifyName(text: string): NameEntry {
  const ip = parseIp(text.trim());
  if (ip !== undefined) return { type: "ip", value: ip };
  if (text.includes("@") && !text.includes("://")) return { type: "email", value: text.trim() };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim())) return { type: "uri", value: text.trim() };
  return { type: "dns", value: normalizeDnsName(text) };
}

function ia5(tag: number, text: string): Uint8Array {
  if (!/^[\x20-\x7e]*$/.test(text)) {
    throw new CertificateError("bad-option", `"${text}" is not ASCII`);
  }
  return encode(tag, new TextEncoder().encode(text));
}

/** GeneralName DER of one classified name. */
export function generalName(entry: NameEntry): Uint8Array {
  switch (entry.type) {
    case "dns":
      return ia5(0x82, entry.value);
    case "email":
      return ia5(0x81, entry.value);
    case "uri":
      return ia5(0x86, entry.value);
    case "ip":
      return encode(0x87, entry.value);
  }
}

/** The subjectAltName extension value (GeneralNames) for `names`. */
export function subjectAltNameValue(names: readonly string[]): Uint8Array {
  if (names.length === 0) {
    throw new CertificateError("bad-option", "no names for the subject alternative name");
  }
  return sequence(...names.map((name) => generalName(classifyName(name))));
}

/** One GeneralSubtree base from constraint text: DNS name, CIDR, email domain, or `dirName:CN=...`. */
function subtreeBase(text: string): Uint8Array {
  const trimmed = text.trim();
  if (trimmed.startsWith("dirName:")) return encode(0xa4, encodeName(trimmed.slice(8)));
  if (trimmed.startsWith("email:")) return ia5(0x81, trimmed.slice(6));
  if (trimmed.startsWith("uri:")) return ia5(0x86, trimmed.slice(4));
  if (trimmed.includes("/")) {
    const range = parseCidr(trimmed);
    if (range === undefined) {
      throw new CertificateError("bad-option", `"${text}" is not CIDR (10.0.0.0/8, fd00::/8)`);
    }
    return encode(0x87, range);
  }
  if (parseIp(trimmed) !== undefined) {
    throw new CertificateError(
      "bad-option",
      `IP constraint "${text}" needs a prefix length (${trimmed}/32)`,
    );
  }
  if (trimmed.includes("@")) return ia5(0x81, trimmed);
  // ".example.com" (subdomains only) is the form OpenSSL and Go accept besides "example.com".
  const leadingDot = trimmed.startsWith(".");
  const name = normalizeDnsName(leadingDot ? trimmed.slice(1) : trimmed, { wildcard: false });
  return ia5(0x82, leadingDot ? `.${name}` : name);
}

/** The nameConstraints extension value (RFC 5280 4.2.1.10). */
export function nameConstraintsValue(
  permitted: readonly string[],
  excluded: readonly string[],
): Uint8Array {
  const subtrees = (list: readonly string[]) => list.map((text) => sequence(subtreeBase(text)));
  const parts: Uint8Array[] = [];
  if (permitted.length > 0) parts.push(encode(0xa0, ...subtrees(permitted)));
  if (excluded.length > 0) parts.push(encode(0xa1, ...subtrees(excluded)));
  if (parts.length === 0) {
    throw new CertificateError("bad-option", "name constraints need permitted or excluded names");
  }
  return sequence(...parts);
}
