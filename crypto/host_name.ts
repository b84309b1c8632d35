/**
 * Host name checks against a certificate (RFC 6125, RFC 9525): the subject
 * alternative names only, wildcards only as a whole left-most label and never
 * over a single remaining label, IP addresses only against IP address entries.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { bytesEqual } from "./_bytes.ts";
import { dnsNameMatches } from "./_dns_names.ts";
import { parseIp } from "./_ip.ts";
import { certificateParts } from "./_certificate_cache.ts";
import type { CertificateInput } from "./certificate_types.ts";

/** Options of {@linkcode matchHostName}. */
export interface HostNameOptions {
  /**
   * Falls back to the subject's common name when the certificate has no DNS or
   * IP subject alternative names (default false: RFC 9525 removed the fallback,
   * and browsers dropped it years ago).
   */
  allowCommonName?: boolean;
}

/** Lowercase A-label form of a host name without a trailing dot; undefined if it cannot be one. */
function normalizeHost(host: string): string | undefined {
  let name = host.trim().toLowerCase();
  if (name.endsWith(".")) name = name.slice(0, -1);
  if (name === "" || name.includes("..")) return undefined;
  if (/[\u0080-\uffff]/.test(name)) {
    try {
      name = new URL(`http://${name}/`).hostname;
    } catch {
      return undefined;
    }
  }
  return /^[a-z0-9._-]+$/.test(name) ? name : undefined;
}

/**
 * Whether `certificate` is valid for `host` (a DNS name, or an IPv4 or IPv6
 * address, brackets allowed). Only the certificate's names are checked, not
 * its chain or dates: see `verifyCertificateChain` for the whole job.
 *
 * @param certificate the server certificate (PEM, DER or parsed)
 * @param host the name or address the client connected to
 * @param options whether the common name may stand in for missing SANs
 * @returns true when a subject alternative name matches
 *
 * @example Wildcards cover one label
 * ```ts
 * import { createCertificate, generateKeyPair, matchHostName } from "./mod.ts";
 *
 * const keys = await generateKeyPair();
 * const pem = await createCertificate({
 *   subject: "CN=example.com",
 *   publicKey: keys.publicKey,
 *   signingKey: keys.privateKey,
 *   names: ["*.example.com", "192.0.2.1"],
 * });
 * console.log(matchHostName(pem, "www.example.com")); // true
 * console.log(matchHostName(pem, "a.b.example.com")); // false
 * console.log(matchHostName(pem, "example.com")); // false
 * console.log(matchHostName(pem, "192.0.2.1")); // true
 * ```
 */
export function matchHostName(
  certificate: CertificateInput,
  host: string,
  options: HostNameOptions = {},
): boolean {
  const parts = certificateParts(certificate);
  const san = parts.info.subjectAltName;
  const address = parseIp(host.trim());
  if (address !== undefined) {
    return parts.sanIps.some((ip) => bytesEqual(ip, address));
  }
  const name = normalizeHost(host);
  if (name === undefined) return false;
  const dnsNames = san?.dns ?? [];
  if (dnsNames.some((presented) => dnsNameMatches(presented, name))) return true;
  if (options.allowCommonName === true && dnsNames.length === 0 && parts.sanIps.length === 0) {
    const commonNames = parts.info.subjectAttributes.filter((attribute) => attribute.type === "CN");
    const commonName = commonNames[0]?.value; // most specific first
    return commonName !== undefined && !commonName.includes("*") &&
      normalizeHost(commonName) === name;
  }
  return false;
}
