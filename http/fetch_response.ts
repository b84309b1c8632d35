/**
 * {@linkcode FetchResponse}: what `fetch()` returns, a real `Response` (so
 * `instanceof Response` holds and it can be handed to `Deno.serve` or any code
 * that expects the runtime's own) with the final `url`, `redirected`, and the
 * request's `timings`.
 *
 * @module
 */

import type { RequestTimings } from "./_client_exchange.ts";

/**
 * The responses of {@linkcode fetch}: real `Response` objects, with the final
 * `url`, `redirected`, and the request's `timings`.
 *
 * @example
 * ```ts ignore
 * import { fetch } from "./mod.ts";
 *
 * const response = await fetch("http://example.com/");
 * console.log(response instanceof Response, response.timings.firstByte);
 * ```
 */
export class FetchResponse extends Response {
  /** The URL of the last request (after redirects), without its fragment. */
  override url: string;
  /** Whether a redirect was followed. */
  override redirected: boolean;
  /** Queue, connect, TLS, first-byte and total times of the last request. */
  timings: RequestTimings;

  /**
   * Made by `fetch()`.
   *
   * @param body the body stream, or `null`
   * @param init status, reason and headers
   * @param url the final URL
   * @param redirected whether a redirect was followed
   * @param timings the request's timings
   */
  constructor(
    body: ReadableStream<Uint8Array> | null,
    init: ResponseInit,
    url: string,
    redirected: boolean,
    timings: RequestTimings,
  ) {
    super(body, init);
    this.url = url;
    this.redirected = redirected;
    this.timings = timings;
  }

  /**
   * A copy whose body can be read apart (the standard's `clone()`), keeping `url`.
   *
   * @returns the copy
   */
  override clone(): Response {
    const copy = super.clone();
    Object.defineProperty(copy, "url", { value: this.url });
    Object.defineProperty(copy, "redirected", { value: this.redirected });
    return copy;
  }
}
