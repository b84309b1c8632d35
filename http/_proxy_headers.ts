// Header fields a proxy passes on (RFC 9110 7.6): the hop-by-hop fields of one
// connection stay on it, `Via` records the hop, and `Host` follows the target.

import type { HeaderList } from "../protocols/http1/mod.ts";
import { nameIs } from "./_client_headers.ts";

/** Fields that belong to one connection, never forwarded (RFC 9110 7.6.1, plus the de facto ones). */
const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
];

/** The lowercase names a `Connection` field lists (they are hop-by-hop too). */
function connectionOptions(headers: HeaderList): string[] {
  const names: string[] = [];
  for (const [name, value] of headers) {
    if (!nameIs(name, "connection") && !nameIs(name, "proxy-connection")) continue;
    for (const option of value.split(",")) {
      const trimmed = option.trim().toLowerCase();
      if (trimmed !== "") names.push(trimmed);
    }
  }
  return names;
}

/**
 * The fields to forward: without the hop-by-hop ones (and those `Connection`
 * names), with `Via` extended by `via` (`"1.1 name"`), and `Host` set to
 * `host` when given (requests). With `keepUpgrade`, `Upgrade` and
 * `Connection: upgrade` survive (a protocol switch passed on).
 */
export function forwardFields(
  headers: HeaderList,
  via: string,
  host: string | null,
  keepUpgrade: boolean,
): HeaderList {
  const dropped = new Set([...HOP_BY_HOP, ...connectionOptions(headers)]);
  if (host !== null) dropped.add("host");
  const out: HeaderList = [];
  if (host !== null) out.push(["Host", host]);
  let upgrade: string | null = null;
  let viaSeen = false;
  for (const field of headers) {
    const lower = field[0].toLowerCase();
    if (lower === "upgrade") upgrade = field[1];
    if (dropped.has(lower)) continue;
    if (lower === "via") {
      out.push([field[0], `${field[1]}, ${via}`]);
      viaSeen = true;
      continue;
    }
    out.push(field);
  }
  if (!viaSeen) out.push(["Via", via]);
  if (keepUpgrade && upgrade !== null) {
    out.push(["Connection", "upgrade"]);
    out.push(["Upgrade", upgrade]);
  }
  return out;
}

/** Whether a `Via` field of `headers` names `pseudonym` (a request that came round). */
export function viaNames(headers: HeaderList, pseudonym: string): boolean {
  for (const [name, value] of headers) {
    if (!nameIs(name, "via")) continue;
    for (const hop of value.split(",")) {
      const parts = hop.trim().split(/\s+/);
      if (parts[1] === pseudonym) return true;
    }
  }
  return false;
}
