// The part of a pool key that TLS options make: two requests share a
// connection only when they trust the same anchors, present the same
// certificate and run the same checks. Values are replaced by small ids
// (strings interned, objects and functions by identity), so that a key stays
// short and cheap to hash however long the PEM texts are.

import type { ClientTlsOptions } from "./client_tls.ts";

const FIELDS = [
  "ca",
  "servername",
  "cert",
  "key",
  "checkPeer",
  "verifyPeer",
  "dangerouslyDisableVerification",
  "rejectUnauthorized",
  "minVersion",
  "maxVersion",
] as const;

/** Past this many distinct strings, long ones go into keys as they are. */
const MAX_INTERNED = 1024;

const strings = new Map<string, number>();
const objects = new WeakMap<object, number>();
let next = 1;

function idOf(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string") {
    if (value.length <= 64) return JSON.stringify(value);
    let id = strings.get(value);
    if (id === undefined) {
      if (strings.size >= MAX_INTERNED) return JSON.stringify(value);
      strings.set(value, id = next++);
    }
    return `#${id}`;
  }
  if (typeof value === "object" && value !== null || typeof value === "function") {
    if (Array.isArray(value)) return `[${value.map(idOf).join(",")}]`;
    let id = objects.get(value as object);
    if (id === undefined) objects.set(value as object, id = next++);
    return `@${id}`;
  }
  return String(value);
}

/** The key of `options` (`""` for none). */
export function tlsKey(options: ClientTlsOptions | undefined): string {
  if (options === undefined) return "";
  let key = "";
  for (const field of FIELDS) {
    const value = options[field];
    if (value !== undefined) key += `${field}=${idOf(value)};`;
  }
  return key;
}
