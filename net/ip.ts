/**
 * Tells IP address literals from host names, as Node's `net.isIP` does.
 *
 * @module
 */

import { parseIpv4, parseIpv6 } from "../crypto/_ip.ts";

const ZONE = /^[0-9A-Za-z\-._~]+$/;

/**
 * Whether `input` is an IPv4 address in dotted-quad form (`127.0.0.1`). Leading
 * zeros are refused, as they read as octal in some parsers.
 *
 * @param input the text to test
 * @returns `true` for a dotted-quad IPv4 address
 *
 * @example
 * ```ts
 * import { isIPv4 } from "./ip.ts";
 *
 * console.assert(isIPv4("192.0.2.1"));
 * console.assert(!isIPv4("192.0.2.01"));
 * ```
 */
export function isIPv4(input: string): boolean {
  return parseIpv4(input) !== undefined;
}

/**
 * Whether `input` is an IPv6 address (RFC 4291 text form, with `::`, an embedded
 * IPv4 tail and an optional `%zone`).
 *
 * @param input the text to test
 * @returns `true` for an IPv6 address
 *
 * @example
 * ```ts
 * import { isIPv6 } from "./ip.ts";
 *
 * console.assert(isIPv6("::1"));
 * console.assert(isIPv6("::ffff:127.0.0.1"));
 * console.assert(!isIPv6("1::2::3"));
 * ```
 */
export function isIPv6(input: string): boolean {
  let text = input;
  const percent = text.indexOf("%");
  if (percent >= 0) {
    if (!ZONE.test(text.slice(percent + 1))) return false;
    text = text.slice(0, percent);
  }
  return !text.startsWith("[") && parseIpv6(text) !== undefined;
}

/**
 * The IP version of an address literal.
 *
 * @param input the text to test
 * @returns `4`, `6`, or `0` when `input` is not an IP address (a host name)
 *
 * @example
 * ```ts
 * import { isIP } from "./ip.ts";
 *
 * console.assert(isIP("127.0.0.1") === 4);
 * console.assert(isIP("::1") === 6);
 * console.assert(isIP("localhost") === 0);
 * ```
 */
export function isIP(input: string): 0 | 4 | 6 {
  if (isIPv4(input)) return 4;
  if (isIPv6(input)) return 6;
  return 0;
}
