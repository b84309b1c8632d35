// Header fields between the client's faces and the HTTP/1.1 core, which takes
// and gives `[name, value]` lists in wire order.

import type { HeaderList } from "../protocols/http1/mod.ts";
import { HttpClientError } from "./client_errors.ts";

/** Header fields as a caller may give them to `request()` or `fetch()`. */
export type ClientHeadersInit =
  | Headers
  | Iterable<readonly [string, string]>
  | ReadonlyArray<string>
  | Record<string, string | number | ReadonlyArray<string> | undefined>;

/** Whether `name` equals `lower` (an ASCII lowercase name), ignoring case. */
export function nameIs(name: string, lower: string): boolean {
  if (name.length !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    const code = name.charCodeAt(i);
    if (code !== lower.charCodeAt(i) && (code | 0x20) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** The index of the first field named `lower`, or -1. */
export function findField(list: HeaderList, lower: string): number {
  for (let i = 0; i < list.length; i++) if (nameIs(list[i][0], lower)) return i;
  return -1;
}

/** The value of the first field named `lower`, or `null`. */
export function fieldValue(list: HeaderList, lower: string): string | null {
  const index = findField(list, lower);
  return index < 0 ? null : list[index][1];
}

/** Removes every field named `lower`; returns whether there was one. */
export function removeField(list: HeaderList, lower: string): boolean {
  let found = false;
  for (let i = list.length - 1; i >= 0; i--) {
    if (nameIs(list[i][0], lower)) {
      list.splice(i, 1);
      found = true;
    }
  }
  return found;
}

function badHeaders(message: string): HttpClientError {
  return new HttpClientError("INVALID_REQUEST", message, { phase: "queue" });
}

/** Copies header fields given in any accepted shape into a fresh list. */
export function toHeaderList(init: ClientHeadersInit | null | undefined): HeaderList {
  const list: HeaderList = [];
  if (init === undefined || init === null) return list;
  if (typeof Headers === "function" && init instanceof Headers) {
    for (const [name, value] of init) list.push([name, value]);
    return list;
  }
  if (Array.isArray(init)) {
    if (init.length > 0 && typeof init[0] === "string") {
      // Node's flat form: [name, value, name, value, ...]
      const flat = init as ReadonlyArray<string>;
      if (flat.length % 2 !== 0) throw badHeaders("a flat header array needs name, value pairs");
      for (let i = 0; i < flat.length; i += 2) list.push([String(flat[i]), String(flat[i + 1])]);
      return list;
    }
  }
  if (typeof (init as Iterable<unknown>)[Symbol.iterator] === "function") {
    for (const pair of init as Iterable<readonly [string, string]>) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw badHeaders("header pairs must be [name, value]");
      }
      list.push([String(pair[0]), String(pair[1])]);
    }
    return list;
  }
  const record = init as Record<string, string | number | ReadonlyArray<string> | undefined>;
  for (const name in record) {
    const value = record[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) { for (const one of value) list.push([name, String(one)]); }
    else list.push([name, String(value)]);
  }
  return list;
}

/**
 * Fields Node keeps only the first of (duplicates are dropped), as its
 * `IncomingMessage.headers` does.
 */
const FIRST_ONLY = new Set(
  ("age authorization content-length content-type etag expires from host if-modified-since " +
    "if-unmodified-since last-modified location max-forwards proxy-authorization referer retry-after server user-agent")
    .split(" "),
);

/** Node's `headers` object: lowercase names; `set-cookie` an array; others joined. */
export function headersObject(
  list: HeaderList,
): Record<string, string | string[] | undefined> {
  const object: Record<string, string | string[] | undefined> = Object.create(null);
  for (let i = 0; i < list.length; i++) {
    const name = list[i][0].toLowerCase();
    const value = list[i][1];
    const existing = object[name];
    if (existing === undefined) {
      object[name] = name === "set-cookie" ? [value] : value;
    } else if (name === "set-cookie") {
      (existing as string[]).push(value);
    } else if (!FIRST_ONLY.has(name)) {
      object[name] = `${existing}${name === "cookie" ? "; " : ", "}${value}`;
    }
  }
  return object;
}

/** Node's `rawHeaders`: names and values alternating, as received. */
export function rawHeaders(list: HeaderList): string[] {
  const raw: string[] = new Array(list.length * 2);
  for (let i = 0; i < list.length; i++) {
    raw[2 * i] = list[i][0];
    raw[2 * i + 1] = list[i][1];
  }
  return raw;
}
