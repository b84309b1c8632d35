/**
 * {@linkcode HttpClientError}: the one error of wirestack's HTTP client (the
 * `request()` face, `fetch()` as the `cause` of its `TypeError`, the agent and
 * the proxy client). It says what failed (a stable `code`), where (`phase`),
 * and whether the connection was a fresh one or one reused from the pool,
 * which is what tells a keep-alive race from a server that is down.
 *
 * @example Telling a refused connection from a server that hung up
 * ```ts
 * import { HttpClientError } from "./client_errors.ts";
 *
 * const error = new HttpClientError("NO_RESPONSE", "the server closed the connection", {
 *   phase: "head",
 *   reused: true,
 * });
 * if (error.reused && error.phase === "head") console.log("a keep-alive race");
 * ```
 *
 * @module
 */

import type { NetErrorCode } from "../adapters/mod.ts";
import type { HttpErrorCode } from "../protocols/http1/mod.ts";

/**
 * Where a request was when it failed:
 * - `queue`: waiting for a connection of the pool;
 * - `dns`, `connect`, `tls`: opening a connection (or the proxy tunnel, in `connect`);
 * - `write`: sending the request;
 * - `head`: waiting for or reading the response head;
 * - `body`: reading the response body.
 */
export type ClientPhase = "queue" | "dns" | "connect" | "tls" | "write" | "head" | "body";

/**
 * The codes of the client's own failures (network failures keep their
 * `NetError` code, such as `ECONNREFUSED`; protocol violations of the server
 * keep their `HttpError` code, such as `HEADERS_TOO_LARGE` or `NO_RESPONSE`).
 *
 * @example
 * ```ts
 * import { CLIENT_ERROR_CODES } from "./client_errors.ts";
 *
 * console.assert(CLIENT_ERROR_CODES.includes("FIRST_BYTE_TIMEOUT"));
 * ```
 */
export const CLIENT_ERROR_CODES = [
  /** The connection was not established within `timeouts.connect`. */
  "CONNECT_TIMEOUT",
  /** The TLS handshake did not finish within `timeouts.tls`. */
  "TLS_TIMEOUT",
  /** No byte of the response came within `timeouts.firstByte` after the request was sent. */
  "FIRST_BYTE_TIMEOUT",
  /** The response body made no progress for `timeouts.idle`. */
  "IDLE_TIMEOUT",
  /** The whole exchange took longer than `timeouts.total`. */
  "TOTAL_TIMEOUT",
  /** The caller aborted (signal, `destroy()`, `abort()`). */
  "ABORTED",
  /** The agent was destroyed while the request waited or ran. */
  "AGENT_DESTROYED",
  /** The agent's queue of waiting requests is full (`maxQueue`). */
  "QUEUE_FULL",
  /** The connection closed before the response completed, with no better reason known. */
  "SOCKET_CLOSED",
  /** The URL or the request options are invalid. */
  "INVALID_REQUEST",
  /** The URL scheme is not one this client speaks (`ftp:`), or a proxy scheme it does not (`https:` proxies). */
  "UNSUPPORTED_PROTOCOL",
  /** More redirects than `maxRedirects`. */
  "TOO_MANY_REDIRECTS",
  /** A redirect with `redirect: "error"`, or one that cannot be followed (bad Location, a body that cannot be sent again). */
  "REDIRECT_FAILED",
  /** The response body could not be decoded (`Content-Encoding`). */
  "DECODING_FAILED",
  /** The proxy refused the tunnel (a non-2xx answer to CONNECT) or failed. */
  "PROXY_FAILED",
  /** The request body could not be read (the caller's stream failed). */
  "BODY_FAILED",
  /** More 1xx responses before the final one than the client accepts (100). */
  "TOO_MANY_INFORMATIONAL",
  /** A response the runtime's `Response` refuses to represent (fetch only). */
  "INVALID_RESPONSE",
] as const;

/** A code of the client's own failures. */
export type ClientErrorCode = typeof CLIENT_ERROR_CODES[number];

/** Every code an {@linkcode HttpClientError} can carry. */
export type HttpClientErrorCode = ClientErrorCode | NetErrorCode | HttpErrorCode;

/** Where and on what an {@linkcode HttpClientError} happened. */
export interface HttpClientErrorDetails {
  /** The phase of the exchange (default `"head"`). */
  phase?: ClientPhase;
  /** Whether the connection came from the pool (it had served a request before). */
  reused?: boolean;
  /** The underlying error (a `NetError`, an `HttpError`, the abort reason ...). */
  cause?: unknown;
  /** The URL of the request, when known. */
  url?: string;
}

/**
 * A failed HTTP request: a stable `code`, the `phase` it failed in, and
 * whether the connection was `reused`. `cause` holds the error below (a
 * `NetError`, an `HttpError`, an abort reason).
 *
 * @example Retrying by hand only what may be retried
 * ```ts
 * import { HttpClientError } from "./client_errors.ts";
 *
 * function shouldRetry(error: unknown): boolean {
 *   return error instanceof HttpClientError &&
 *     (error.phase === "connect" || error.phase === "dns") && error.code !== "ENOTFOUND";
 * }
 * console.assert(shouldRetry(new HttpClientError("ECONNREFUSED", "refused", { phase: "connect" })));
 * ```
 */
export class HttpClientError extends Error {
  /** The stable code. */
  readonly code: HttpClientErrorCode;
  /** The phase of the exchange where it failed. */
  readonly phase: ClientPhase;
  /** Whether the connection had served a request before this one. */
  readonly reused: boolean;
  /** The request's URL, when known. */
  readonly url?: string;

  /**
   * Creates an error.
   *
   * @param code the stable code
   * @param message what went wrong, in words
   * @param details the phase, the reused flag, the cause and the URL
   */
  constructor(code: HttpClientErrorCode, message: string, details: HttpClientErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "HttpClientError";
    this.code = code;
    this.phase = details.phase ?? "head";
    this.reused = details.reused ?? false;
    if (details.url !== undefined) this.url = details.url;
  }
}

/**
 * The error to report for `error` caught in `phase`: an `HttpClientError` is
 * kept (its phase and flag are its own), a `NetError` or `HttpError` keeps its
 * code, anything else is `SOCKET_CLOSED` with it as the cause.
 */
export function toClientError(
  error: unknown,
  phase: ClientPhase,
  reused: boolean,
): HttpClientError {
  if (error instanceof HttpClientError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return new HttpClientError(
    typeof code === "string" && code !== "" ? code as HttpClientErrorCode : "SOCKET_CLOSED",
    message,
    { phase, reused, cause: error },
  );
}
