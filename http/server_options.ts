/**
 * The protections every wirestack HTTP server has, whichever face it shows
 * (`createServer` or `serve`): timeouts, connection and request limits, and
 * the limits of what a request may hold. Every one has a safe default.
 *
 * The keep-alive defaults avoid the 502s that servers behind load balancers
 * get when they close an idle connection just as the balancer reuses it: the
 * idle keep-alive timeout (65 s) is longer than the usual balancer idle
 * timeout (60 s), it is announced in `Keep-Alive: timeout=65`, and the head
 * timeout only starts with the first byte of a request, so that it never cuts
 * a connection the keep-alive timeout keeps.
 *
 * @example A server with short timeouts and small limits
 * ```ts ignore
 * import { serve } from "./mod.ts";
 *
 * serve({
 *   port: 8080,
 *   headersTimeout: 5_000,
 *   requestTimeout: 30_000,
 *   maxHeaderSize: 8192,
 *   maxBodySize: 1 << 20,
 * }, () => new Response("ok"));
 * ```
 *
 * @module
 */

/** Timeouts (milliseconds; 0 turns one off) and limits of an HTTP server. */
export interface ServerLimitOptions {
  /**
   * Time to receive a request's head, from its first byte (for a connection's
   * first request: from the accept). Past it: 408 and close, or just close when
   * nothing of a request came. Default 60,000.
   */
  headersTimeout?: number;
  /**
   * Time to receive a whole request (head and body), from its first byte.
   * Past it: 408 and close (or just close once the response started). Default 300,000.
   */
  requestTimeout?: number;
  /**
   * Time an idle keep-alive connection stays open after a response, announced
   * as `Keep-Alive: timeout=N`. Default 65,000 (above the common 60 s idle
   * timeout of load balancers).
   */
  keepAliveTimeout?: number;
  /**
   * Time a connection with a request in progress may go without reading or
   * writing a byte (a stalled handler, a client that stopped reading its
   * response). Past it the connection closes. Default 120,000.
   */
  idleTimeout?: number;
  /**
   * Open connections at most. At the limit, an idle keep-alive connection is
   * closed to make room, or else the new connection is. Default 16,384.
   */
  maxConnections?: number;
  /** Requests answered on one connection before it closes (`Connection: close`). Default: no limit. */
  maxRequestsPerConnection?: number;
  /** Bytes of a request head. Past it: 431. Default 16,384. */
  maxHeaderSize?: number;
  /** Header fields in a request head. Past it: 431. Default 256. */
  maxHeaderCount?: number;
  /** Bytes of a request-target. Past it: 414. Default 8,192. */
  maxTargetLength?: number;
  /** Bytes of a request body. Past it: 413. Default: no limit (bodies stream). */
  maxBodySize?: number;
  /**
   * Methods accepted besides those of the IANA registry (`GET`, `POST`, ...,
   * the WebDAV ones). Methods are case-sensitive; any other method gets 501.
   */
  methods?: Iterable<string>;
  /** Accept a bare LF as a line end in request heads (never in chunked framing). Default false. */
  allowLfOnly?: boolean;
  /** Accept `"<>\^\`{|}` in request-targets, as some clients send. Default false. */
  allowUnsafeTargetChars?: boolean;
}
