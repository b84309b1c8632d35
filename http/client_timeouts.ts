/**
 * The client's one timeout model, shared by `request()`, `fetch()` and the
 * `Agent`: five delays, each settable per request (or per agent, as defaults),
 * each ending the request with an `HttpClientError` of its own code.
 *
 * | delay       | runs from ... to ...                                          | code                 | default |
 * | ----------- | ------------------------------------------------------------- | -------------------- | ------- |
 * | `connect`   | opening a connection (DNS and every Happy Eyeballs attempt)   | `CONNECT_TIMEOUT`    | 10 s    |
 * | `tls`       | the TLS handshake of a new connection                         | `TLS_TIMEOUT`        | 10 s    |
 * | `firstByte` | the request fully sent, to the first byte of the response     | `FIRST_BYTE_TIMEOUT` | 300 s   |
 * | `idle`      | any progress of the response (bytes in, or bytes read by you) | `IDLE_TIMEOUT`       | 300 s   |
 * | `total`     | the start of the request to the end of its response body      | `TOTAL_TIMEOUT`      | none    |
 *
 * `idle` also releases the connection of a response body nobody reads: the
 * client reads ahead a little (64 KiB), then stops, and if the body is still
 * unread after `idle`, it fails and the connection is closed. A body that fits
 * in the read-ahead ends at once and frees its connection, read or not.
 *
 * 0 or `Infinity` turns a delay off. Every delay is also cut short by the
 * request's `AbortSignal`.
 *
 * @example Short timeouts for a health check
 * ```ts
 * import { resolveTimeouts } from "./client_timeouts.ts";
 *
 * const timeouts = resolveTimeouts({ connect: 1000, total: 3000 });
 * console.assert(timeouts.firstByte === 300_000 && timeouts.total === 3000);
 * ```
 *
 * @module
 */

import { HttpClientError } from "./client_errors.ts";

/** The client's timeouts, in milliseconds (0 or `Infinity`: none). */
export interface ClientTimeouts {
  /** Opening a connection, DNS included (default 10,000). */
  connect?: number;
  /** The TLS handshake (default 10,000). */
  tls?: number;
  /** From the request sent to the first byte of the response (default 300,000). */
  firstByte?: number;
  /** Between two moves of the response: bytes received, or read by the caller (default 300,000). */
  idle?: number;
  /** The whole exchange, queueing included (default: none). */
  total?: number;
}

/** {@linkcode ClientTimeouts} with every delay filled in. */
export type ResolvedTimeouts = Readonly<Required<ClientTimeouts>>;

/**
 * The defaults of {@linkcode ClientTimeouts}.
 *
 * @example
 * ```ts
 * import { DEFAULT_TIMEOUTS } from "./client_timeouts.ts";
 *
 * console.assert(DEFAULT_TIMEOUTS.connect === 10_000);
 * ```
 */
export const DEFAULT_TIMEOUTS: ResolvedTimeouts = Object.freeze({
  connect: 10_000,
  tls: 10_000,
  firstByte: 300_000,
  idle: 300_000,
  total: Infinity,
});

const KEYS = ["connect", "tls", "firstByte", "idle", "total"] as const;

/**
 * Fills in the delays not given from `base` (default: {@linkcode DEFAULT_TIMEOUTS}),
 * checking each.
 *
 * @param given the delays a caller set
 * @param base where the others come from
 * @returns every delay
 * @throws {HttpClientError} `INVALID_REQUEST` for a negative or non-numeric delay
 *
 * @example
 * ```ts
 * import { resolveTimeouts } from "./client_timeouts.ts";
 *
 * const agentDefaults = resolveTimeouts({ idle: 5000 });
 * console.assert(resolveTimeouts({ total: 100 }, agentDefaults).idle === 5000);
 * ```
 */
export function resolveTimeouts(
  given: ClientTimeouts | undefined,
  base: ResolvedTimeouts = DEFAULT_TIMEOUTS,
): ResolvedTimeouts {
  if (given === undefined) return base;
  const resolved = { ...base };
  for (const key of KEYS) {
    const value = given[key];
    if (value === undefined) continue;
    if (typeof value !== "number" || !(value >= 0)) {
      throw new HttpClientError("INVALID_REQUEST", `timeouts.${key} must be a number >= 0`, {
        phase: "queue",
      });
    }
    resolved[key] = value === 0 ? Infinity : value;
  }
  return Object.freeze(resolved);
}
