// Response header fields as `[name, value]` pairs, from whatever a program gave:
// a `Headers`, an iterable of pairs, or a record of names to values (arrays
// repeat the field). Pairs are what the HTTP/1.1 writer takes.

import { type HeaderList, HttpError } from "../protocols/http1/mod.ts";

/** Header fields in any of the usual shapes. */
export type HeaderSource =
  | Headers
  | Iterable<readonly [string, string]>
  | Record<string, string | number | readonly string[] | undefined>;

/** Appends the fields of `source` to `out` (in order) and returns `out`. */
export function appendHeaderPairs(
  source: HeaderSource | null | undefined,
  out: HeaderList,
): HeaderList {
  if (source === null || source === undefined) return out;
  if (typeof (source as Iterable<unknown>)[Symbol.iterator] === "function") {
    for (const pair of source as Iterable<readonly [string, string]>) {
      if (pair === null || typeof pair !== "object" || pair.length !== 2) {
        throw new HttpError("INVALID_ARGUMENT", "header fields must be [name, value] pairs");
      }
      out.push([String(pair[0]), String(pair[1])]);
    }
    return out;
  }
  const record = source as Record<string, string | number | readonly string[] | undefined>;
  for (const name in record) {
    const value = record[name];
    if (value === undefined) continue;
    if (typeof value === "object" && value !== null) {
      for (const item of value) out.push([name, String(item)]);
    } else out.push([name, String(value)]);
  }
  return out;
}

function lowerEquals(text: string, lower: string): boolean {
  if (text.length !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    const code = text.charCodeAt(i);
    if ((code >= 0x41 && code <= 0x5a ? code | 0x20 : code) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

// Bits of what `inspectFields` found.
/** A `Date` field. */
export const HAS_DATE = 1;
/** A `Connection` field with the `close` option. */
export const HAS_CLOSE = 2;
/** A `Content-Length` field. */
export const HAS_LENGTH = 4;
/** A `Transfer-Encoding` field. */
export const HAS_TRANSFER_ENCODING = 8;
/** A `Connection` field (any options). */
export const HAS_CONNECTION = 16;
/** A `Keep-Alive` field. */
export const HAS_KEEP_ALIVE = 32;

/** One pass over the names: which of the fields the server adds or honors are there. */
export function inspectFields(fields: HeaderList): number {
  let found = 0;
  for (let i = 0; i < fields.length; i++) {
    const name = fields[i][0];
    switch (name.length) {
      case 4:
        if (lowerEquals(name, "date")) found |= HAS_DATE;
        break;
      case 10:
        if (lowerEquals(name, "connection")) {
          found |= HAS_CONNECTION;
          if (hasToken(fields[i][1], "close")) found |= HAS_CLOSE;
        } else if (lowerEquals(name, "keep-alive")) found |= HAS_KEEP_ALIVE;
        break;
      case 14:
        if (lowerEquals(name, "content-length")) found |= HAS_LENGTH;
        break;
      case 17:
        if (lowerEquals(name, "transfer-encoding")) found |= HAS_TRANSFER_ENCODING;
        break;
    }
  }
  return found;
}

/** Whether the comma-separated list `value` holds `token` (lower case), ignoring case and spaces. */
export function hasToken(value: string, token: string): boolean {
  let start = 0;
  while (start <= value.length) {
    let end = value.indexOf(",", start);
    if (end < 0) end = value.length;
    let a = start;
    let b = end;
    while (a < b && (value.charCodeAt(a) === 0x20 || value.charCodeAt(a) === 0x09)) a++;
    while (b > a && (value.charCodeAt(b - 1) === 0x20 || value.charCodeAt(b - 1) === 0x09)) b--;
    if (b - a === token.length && lowerEquals(value.slice(a, b), token)) return true;
    start = end + 1;
  }
  return false;
}

/** The value of the first field named `lower` (lower case), or `null`. */
export function findField(fields: HeaderList, lower: string): string | null {
  for (let i = 0; i < fields.length; i++) {
    if (lowerEquals(fields[i][0], lower)) return fields[i][1];
  }
  return null;
}
