/**
 * Tells IP address literals from host names, as Node's `net.isIP` does.
 *
 * @module
 */

const OCTET = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
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
  const parts = input.split(".");
  return parts.length === 4 && parts.every((part) => OCTET.test(part));
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
  const halves = text.split("::");
  if (halves.length > 2) return false;
  const groups = (half: string) => (half === "" ? [] : half.split(":"));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const all = [...head, ...tail];
  let count = 0;
  for (let i = 0; i < all.length; i++) {
    const group = all[i];
    if (i === all.length - 1 && group.includes(".")) {
      if (!isIPv4(group)) return false;
      count += 2;
    } else if (HEX_GROUP.test(group)) count += 1;
    else return false;
  }
  return halves.length === 2 ? count <= 7 : count === 8;
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
