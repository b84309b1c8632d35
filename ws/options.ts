/**
 * The options shared by both ends of a WebSocket: limits, compression,
 * heartbeat and the slow-consumer policy, each with its default.
 *
 * @example A server that pings every 30 s and drops peers that do not answer in 10 s
 * ```ts ignore
 * import { upgradeWebSocket } from "./mod.ts";
 *
 * const { socket, response } = upgradeWebSocket(request, {
 *   heartbeat: { interval: 30_000, timeout: 10_000 },
 *   deflate: { threshold: 1024 },
 * });
 * ```
 *
 * @module
 */

import type { DeflateProvider } from "../protocols/websocket/mod.ts";
import type { PerMessageDeflateOptions } from "../protocols/websocket/mod.ts";

/** `permessage-deflate` settings. */
export interface DeflateOptions extends PerMessageDeflateOptions {
  /** Messages shorter than this many bytes are sent uncompressed (default 1024). */
  threshold?: number;
  /** The compression level, 0-9 (default 1). */
  level?: number;
  /**
   * The DEFLATE implementation (default: one shared pako-based provider per
   * server or per process). Compression is synchronous, so at most one
   * compression runs at a time per thread whatever the number of
   * connections, and engines of connections without context takeover are
   * shared.
   */
  provider?: DeflateProvider;
}

/** The heartbeat: a Ping every `interval`, and a deadline for its Pong. */
export interface HeartbeatOptions {
  /** Milliseconds between Pings (default 30,000). */
  interval?: number;
  /** Milliseconds to wait for the Pong before the connection is dropped (default: `interval`). */
  timeout?: number;
}

/** What to do when a peer reads slower than this end sends. */
export interface SlowConsumerOptions {
  /** Bytes waiting to be sent above which the policy applies (default 16 MiB). */
  maxBufferedAmount?: number;
  /**
   * `"close"` (default): drop the connection (close event with cause
   * `"network-error"` and a `WebSocketError` `ERR_SLOW_CONSUMER`...); `"drop"`: skip
   * messages sent while above the limit (`send` returns false).
   */
  policy?: "close" | "drop";
}

/** Options both ends take. */
export interface WebSocketOptions {
  /** The largest message accepted, in bytes after inflation (default 64 MiB); larger ones close with 1009. */
  maxPayload?: number;
  /** Negotiates `permessage-deflate` (default false): `true` for the defaults, or its settings. */
  deflate?: boolean | DeflateOptions;
  /** Pings the peer at an interval and drops it when no Pong comes back (default: off). */
  heartbeat?: HeartbeatOptions;
  /** Milliseconds to wait for the peer's Close after sending one (default 10,000). */
  closeTimeout?: number;
  /** Applies a policy to a peer that does not keep up (default: off; bytes wait without limit, as in browsers). */
  slowConsumer?: SlowConsumerOptions;
}
