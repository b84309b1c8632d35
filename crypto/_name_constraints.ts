// Name constraints (RFC 5280 4.2.1.10 and 6.1.3 (b)): whether the names of a
// certificate fall within the permitted subtrees and outside the excluded ones
// of a CA above it. DNS, IP, email, URI and directory names are checked.

import type { CertificateParts, Subtree } from "./_certificate_parser.ts";

/** DNS: `example.com` covers itself and its subdomains, `.example.com` subdomains only. */
export function dnsWithin(name: string, constraint: string): boolean {
  let host = name.toLowerCase();
  if (host.endsWith(".")) host = host.slice(0, -1);
  if (constraint === "") return true;
  if (constraint.startsWith(".")) {
    return host.endsWith(constraint) && host.length > constraint.length;
  }
  return host === constraint || host.endsWith("." + constraint);
}

/** IP: same family and equal under the mask. */
export function ipWithin(address: Uint8Array, range: Uint8Array): boolean {
  if (range.length !== address.length * 2) return false;
  for (let i = 0; i < address.length; i++) {
    const mask = range[address.length + i];
    if ((address[i] & mask) !== (range[i] & mask)) return false;
  }
  return true;
}

/** Email: a full mailbox, a host, or `.domain` for any host below it. */
function emailWithin(email: string, constraint: string): boolean {
  const at = email.lastIndexOf("@");
  if (at < 0) return false;
  const host = email.slice(at + 1).toLowerCase();
  if (constraint.includes("@")) {
    const cAt = constraint.lastIndexOf("@");
    return email.slice(0, at) === constraint.slice(0, cAt) && host === constraint.slice(cAt + 1);
  }
  if (constraint.startsWith(".")) return host.endsWith(constraint);
  return host === constraint;
}

/** URI: the host part, exactly or (with a leading dot) below it. */
function uriWithin(uri: string, constraint: string): boolean {
  let host: string;
  try {
    host = new URL(uri).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host === "") return false;
  if (constraint.startsWith(".")) return host.endsWith(constraint);
  return host === constraint;
}

/** Directory names: the constraint's RDNs are a prefix of the name's. */
function dirNameWithin(canonical: string, constraint: string): boolean {
  return canonical === constraint ||
    (canonical.startsWith(constraint) && canonical[constraint.length] === "/");
}

interface Names {
  dns: string[];
  ip: Uint8Array[];
  email: string[];
  uri: string[];
  dirName: string[];
}

/** A common name that reads as a host name (LDH labels, at least one dot), as OpenSSL judges it. */
const HOST_LIKE = /^[A-Za-z0-9_]+(?:-+[A-Za-z0-9_]+)*(?:\.[A-Za-z0-9_]+(?:-+[A-Za-z0-9_]+)*)+$/;

function namesOf(parts: CertificateParts): Names {
  const san = parts.info.subjectAltName;
  // Without DNS SANs, a host-like common name is held to the DNS constraints too
  // (what OpenSSL does): otherwise a constrained CA could vouch for "CN=bank.com"
  // to any client that still falls back to the common name.
  const dns = san !== undefined && san.dns.length > 0 ? san.dns : parts.info.subjectAttributes
    .filter((attribute) => attribute.type === "CN" && HOST_LIKE.test(attribute.value))
    .map((attribute) => attribute.value);
  return {
    dns,
    ip: parts.sanIps,
    email: [...(san?.email ?? []), ...parts.subjectEmails],
    uri: san?.uri ?? [],
    dirName: parts.subjectDer.length > 2 ? [parts.subjectCanonical] : [],
  };
}

function within(type: Subtree["type"], name: string | Uint8Array, subtree: Subtree): boolean {
  switch (type) {
    case "dns":
      return dnsWithin(name as string, subtree.text);
    case "ip":
      return ipWithin(name as Uint8Array, subtree.ip!);
    case "email":
      return emailWithin(name as string, subtree.text);
    case "uri":
      return uriWithin(name as string, subtree.text);
    case "dirName":
      return dirNameWithin(name as string, subtree.text);
    default:
      return false;
  }
}

/**
 * The first name of `subject` that the constraints of `ca` forbid, as text for
 * an error message; undefined when every name is allowed.
 */
export function nameConstraintViolation(
  ca: CertificateParts,
  subject: CertificateParts,
): string | undefined {
  const names = namesOf(subject);
  const types = ["dns", "ip", "email", "uri", "dirName"] as const;
  for (const type of types) {
    const permitted = (ca.permitted ?? []).filter((subtree) => subtree.type === type);
    const excluded = (ca.excluded ?? []).filter((subtree) => subtree.type === type);
    for (const name of names[type] as Array<string | Uint8Array>) {
      const shown = typeof name === "string"
        ? name
        : subject.info.subjectAltName?.ip[names.ip.indexOf(name)] ?? "";
      if (permitted.length > 0 && !permitted.some((subtree) => within(type, name, subtree))) {
        return `${type} name ${
          type === "dirName" ? subject.info.subject : shown
        } is outside the permitted subtrees`;
      }
      if (excluded.some((subtree) => within(type, name, subtree))) {
        return `${type} name ${
          type === "dirName" ? subject.info.subject : shown
        } is in an excluded subtree`;
      }
    }
  }
  return undefined;
}
