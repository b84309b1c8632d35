/**
 * The forms of a request-target (RFC 9112 3.2, RFC 3986): the authority of
 * the absolute-form and of CONNECT's authority-form, IP literals included.
 * Used by the head parser and by the Host check.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { parseIpv6 } from "../../crypto/_ip.ts";
import { COLON } from "./_bytes.ts";
import { HEX, TARGET, TargetByte } from "./grammar.ts";

function isAlpha(byte: number): boolean {
  return (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a);
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}

/**
 * Validates `scheme "://" authority path-abempty [ "?" query ]` (the only
 * absolute-form wirestack accepts: a target with an authority, without
 * userinfo, RFC 9110 4.2.4). Returns the offset of the first problem, or -1.
 */
export function absoluteFormProblem(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  if (!isAlpha(bytes[i])) return i;
  i++;
  while (i < end) {
    const byte = bytes[i];
    if (isAlpha(byte) || isDigit(byte) || byte === 0x2b || byte === 0x2d || byte === 0x2e) i++;
    else break;
  }
  if (i + 3 > end || bytes[i] !== COLON || bytes[i + 1] !== 0x2f || bytes[i + 2] !== 0x2f) return i;
  i += 3;
  const authority = i;
  while (i < end && bytes[i] !== 0x2f && bytes[i] !== 0x3f) i++;
  if (!validAuthority(bytes, authority, i, false)) return authority;
  for (let j = i; j < end; j++) {
    if (TARGET[bytes[j]] === TargetByte.BRACKET) return j;
  }
  return -1;
}

/**
 * `host [ ":" port ]` with no userinfo; `portRequired` for authority-form
 * (CONNECT). The host is an IP literal in brackets or a reg-name / IPv4
 * address; it may not be empty.
 */
export function validAuthority(
  bytes: Uint8Array,
  start: number,
  end: number,
  portRequired: boolean,
): boolean {
  if (start >= end) return false;
  let i = start;
  if (bytes[i] === 0x5b) {
    const close = bytes.indexOf(0x5d, i);
    if (close < 0 || close >= end || !validIpLiteral(bytes, i + 1, close)) return false;
    i = close + 1;
  } else {
    while (i < end) {
      const byte = bytes[i];
      const kind = TARGET[byte];
      if (byte === COLON || byte === 0x40 || byte === 0x2f || byte === 0x3f) break;
      if (kind !== TargetByte.PLAIN && kind !== TargetByte.PERCENT) return false;
      i++;
    }
    if (i === start) return false;
  }
  if (i === end) return !portRequired;
  if (bytes[i] !== COLON) return false; // "@" (userinfo) or anything else
  i++;
  const port = i;
  let value = 0;
  while (i < end && isDigit(bytes[i])) {
    value = value * 10 + bytes[i] - 0x30;
    i++;
  }
  return i === end && i > port && i - port <= 5 && value <= 65535;
}

/** IPv6address or IPvFuture between the brackets (RFC 3986 3.2.2). */
function validIpLiteral(bytes: Uint8Array, start: number, end: number): boolean {
  if (start >= end) return false;
  if ((bytes[start] | 0x20) === 0x76) {
    // IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
    let i = start + 1;
    const hex = i;
    while (i < end && HEX[bytes[i]] !== 255) i++;
    if (i === hex || i >= end || bytes[i] !== 0x2e) return false;
    i++;
    if (i >= end) return false;
    for (; i < end; i++) {
      if (TARGET[bytes[i]] !== TargetByte.PLAIN || bytes[i] === 0x2f || bytes[i] === 0x3f) {
        return false;
      }
    }
    return true;
  }
  const text = String.fromCharCode(...bytes.subarray(start, end));
  return !text.startsWith("[") && parseIpv6(text) !== undefined;
}
