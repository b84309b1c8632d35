// Address helpers shared by the adapters.

import type { Addr } from "./types.ts";

/** The family of a textual IP address (anything with a colon is IPv6). */
export function familyOf(hostname: string): "IPv4" | "IPv6" {
  return hostname.includes(":") ? "IPv6" : "IPv4";
}

/** `host:port`, with IPv6 literals in brackets, or the Unix path. */
export function formatAddr(addr: Addr): string {
  if (addr.transport === "unix") return addr.path;
  return addr.family === "IPv6"
    ? `[${addr.hostname}]:${addr.port}`
    : `${addr.hostname}:${addr.port}`;
}

/** `host:port` for an address that may not be connected yet. */
export function formatTarget(hostname: string, port: number): string {
  return hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;
}

/** Whether `hostname` is an IP literal (IPv4 dotted quad or IPv6), not a name. */
export function isIpLiteral(hostname: string): boolean {
  return hostname.includes(":") || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(hostname);
}
