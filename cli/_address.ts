// HOST:PORT arguments of the CLI (`example.com:80`, `127.0.0.1:7`, `[::1]:7`).

import { UsageError } from "./_command.ts";

/** A host and port from the command line. */
export interface HostPort {
  /** A name or an IP address (IPv6 without brackets). */
  host: string;
  /** 1-65535. */
  port: number;
}

/** Reads `HOST:PORT`; throws a `UsageError` for anything else. */
export function parseHostPort(text: string): HostPort {
  const match = /^(?:\[([0-9A-Fa-f:.]+(?:%[\w.-]+)?)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text);
  const port = match === null ? NaN : Number(match[3]);
  if (match === null || port < 1 || port > 65535) {
    throw new UsageError(`needs HOST:PORT (like 127.0.0.1:7 or [::1]:7), not "${text}"`);
  }
  return { host: match[1] ?? match[2], port };
}

/** `host:port` for messages, with brackets around IPv6 addresses. */
export function showHostPort(host: string, port: number): string {
  return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}
