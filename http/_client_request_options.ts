// Helpers of request(): where Node-style options point, and the checks and
// conversions of what a caller gives.

import { HttpClientError } from "./client_errors.ts";
import { nameIs } from "./_client_headers.ts";
import type { Target } from "./_client_url.ts";

const encoder = new TextEncoder();

/** Bytes of a body piece: bytes as they are, text as UTF-8 (or Latin-1). */
export function toBytes(chunk: Uint8Array | string, encoding?: string): Uint8Array {
  if (typeof chunk !== "string") return chunk;
  if (encoding === "latin1" || encoding === "binary") {
    const bytes = new Uint8Array(chunk.length);
    for (let i = 0; i < chunk.length; i++) bytes[i] = chunk.charCodeAt(i);
    return bytes;
  }
  return encoder.encode(chunk);
}

/** Whether `text` is all visible ASCII (what a request-target may hold). */
export function visibleAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || code >= 0x7f) return false;
  }
  return true;
}

export function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason));
}

export function headerHasToken(value: string | string[] | undefined, token: string): boolean {
  if (value === undefined) return false;
  const text = Array.isArray(value) ? value.join(",") : value;
  return text.split(",").some((part) => nameIs(part.trim(), token));
}

export interface TargetParts {
  protocol?: string;
  hostname?: string;
  host?: string;
  port?: number | string;
  path: string;
  defaultPort?: number;
}

export function targetFromOptions(options: TargetParts): Target {
  let protocol = options.protocol ?? "http:";
  if (!protocol.endsWith(":")) protocol += ":";
  if (protocol !== "http:" && protocol !== "https:") {
    throw new HttpClientError("UNSUPPORTED_PROTOCOL", `${protocol} is not HTTP`, {
      phase: "queue",
    });
  }
  let hostname = options.hostname ?? options.host ?? "localhost";
  if (hostname.startsWith("[") && hostname.endsWith("]")) hostname = hostname.slice(1, -1);
  const defaultPort = options.defaultPort ?? (protocol === "https:" ? 443 : 80);
  const port = options.port === undefined || options.port === ""
    ? defaultPort
    : Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new HttpClientError("INVALID_REQUEST", `bad port ${options.port}`, { phase: "queue" });
  }
  const bracketed = hostname.includes(":") ? `[${hostname}]` : hostname;
  const host = port === defaultPort ? bracketed : `${bracketed}:${port}`;
  return {
    protocol: protocol as "http:" | "https:",
    hostname,
    port,
    host,
    path: options.path,
    origin: `${protocol}//${bracketed}:${port}`,
    href: `${protocol}//${host}${options.path.startsWith("/") ? options.path : `/${options.path}`}`,
    credentials: null,
  };
}
