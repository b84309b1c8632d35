/**
 * `fetch(input, init)` with the WHATWG signature, on wirestack's agent and
 * HTTP/1.1 core.
 *
 * - Returns real `Response` objects (a subclass, {@linkcode FetchResponse},
 *   that adds `timings`), so `instanceof Response` holds and a response can be
 *   handed to `Deno.serve` or any code that expects the runtime's own.
 * - Redirects follow the Fetch standard: 301/302 turn POST into GET, 303 turns
 *   everything but HEAD into GET (the body and its fields dropped), 307/308 keep
 *   method and body (a stream body cannot be sent twice: `TypeError`);
 *   `Authorization`, `Cookie` and `Proxy-Authorization` are dropped when the
 *   redirect leaves the origin; at most `maxRedirects` (20) of them;
 *   `redirect: "manual"` returns the real 3xx response (as Deno's does) and
 *   `"error"` fails.
 * - `signal` aborts everything, the body reads included, with the signal's
 *   reason (an `AbortError` `DOMException` by default).
 * - Failures are `TypeError("fetch failed")` whose `cause` is an
 *   `HttpClientError` (stable `code`, `phase`, `reused`).
 * - `gzip`, `x-gzip`, `deflate` (zlib or raw) and `br` bodies are decoded.
 * - Bodies from strings, buffers, `Blob`, `FormData`, `URLSearchParams`, web
 *   streams and async iterables (streams are sent chunked, once).
 * - Extra init options: `agent`, `maxRedirects`, `timeouts`, `decompress`, `tls`.
 *
 * @example Fetch through a pool with limits
 * ```ts ignore
 * import { Agent, fetch } from "./mod.ts";
 *
 * const agent = new Agent({ maxSockets: 10 });
 * const response = await fetch("http://example.com/", { agent, redirect: "manual" });
 * console.log(response.status, response.headers.get("location"), response.timings);
 * await response.body?.cancel();
 * agent.destroy();
 * ```
 *
 * @module
 */

import type { Agent } from "./agent.ts";
import { HttpClientError } from "./client_errors.ts";
import type { ClientTimeouts } from "./client_timeouts.ts";
import type { ClientTlsOptions } from "./client_tls.ts";
import type { ClientHeadersInit } from "./_client_headers.ts";
import type { FetchBody } from "./_fetch_body.ts";
import { FetchCall, typeError } from "./_fetch_call.ts";
import type { FetchResponse } from "./fetch_response.ts";

/** The options of {@linkcode fetch}: `RequestInit` and wirestack's own. */
export interface FetchInit {
  /** The method (default `GET`; `get`, `post` ... are upper-cased as the standard says). */
  method?: string;
  /** Request header fields. */
  headers?: ClientHeadersInit;
  /** The request body (not with GET or HEAD). */
  body?: FetchBody | null;
  /** `"follow"` (default), `"manual"` (the 3xx is the response) or `"error"`. */
  redirect?: "follow" | "manual" | "error";
  /** Aborts the request and the reading of its body. */
  signal?: AbortSignal | null;
  /** The connection pool (default: the global agent). */
  agent?: Agent;
  /** Redirects followed before failing (default 20). */
  maxRedirects?: number;
  /** Timeouts of this request (default: the agent's). */
  timeouts?: ClientTimeouts;
  /** Decodes gzip, deflate and br bodies and asks for them (default `true`). */
  decompress?: boolean;
  /**
   * TLS options for `https://` (`ca`, `servername`, `cert`/`key` ...), over
   * the agent's; such requests get connections of their own (see `client_tls.ts`).
   */
  tls?: ClientTlsOptions;
  /** `"half"`: the standard's marker for a stream body (accepted, not required). */
  duplex?: "half";
  /** Accepted for compatibility; no meaning outside browsers. */
  keepalive?: boolean;
  /** Accepted for compatibility; no meaning outside browsers. */
  mode?: string;
  /** Accepted for compatibility; no meaning outside browsers. */
  credentials?: string;
  /** Accepted for compatibility; no meaning outside browsers. */
  cache?: string;
  /** Accepted for compatibility; no meaning outside browsers. */
  referrer?: string;
  /** Accepted for compatibility; no meaning outside browsers. */
  referrerPolicy?: string;
  /** Accepted for compatibility; not checked. */
  integrity?: string;
  /** Accepted for compatibility; no meaning outside browsers. */
  priority?: string;
}

/**
 * Fetches a resource over HTTP/1.1, as the WHATWG `fetch` does, through a
 * wirestack {@linkcode Agent}.
 *
 * @param input a URL, or a `Request`
 * @param init the standard's options, and `agent`, `maxRedirects`, `timeouts`, `decompress`
 * @returns the response, once its head arrived; its body streams
 *
 * @example A POST with JSON, through an agent
 * ```ts ignore
 * import { Agent, fetch } from "./mod.ts";
 *
 * const agent = new Agent({ maxSockets: 4 });
 * const response = await fetch("http://127.0.0.1:8000/items", {
 *   method: "POST",
 *   headers: { "content-type": "application/json" },
 *   body: JSON.stringify({ name: "wire" }),
 *   agent,
 *   signal: AbortSignal.timeout(5000),
 * });
 * console.log(response.status, await response.json());
 * agent.destroy();
 * ```
 */
export function fetch(input: string | URL | Request, init?: FetchInit): Promise<FetchResponse> {
  const call = new FetchCall();
  try {
    return call.start(input, init ?? {});
  } catch (error) {
    return Promise.reject(
      error instanceof HttpClientError ? typeError(error) : error,
    );
  }
}
