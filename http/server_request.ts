/**
 * {@linkcode ServerRequest}: the `Request` that {@linkcode serve} hands to its
 * handler. It has the interface of the web `Request` and behaves like one,
 * but builds each part only when the handler touches it: the URL string, the
 * `Headers` object, the body stream. A real `Request` costs 5-6 us to make on
 * Node (1.6-2.4 us on Deno), more than the whole rest of a small request here.
 *
 * Differences from a `Request` made with `new Request()`, all on purpose:
 * the method keeps its case and may be any token (`CONNECT`, `TRACE`, `get`),
 * as the client sent it (RFC 9110 9.1); `instanceof Request` is false (test for
 * the members instead); `fetch(request)` and `new Request(request)` read only
 * its URL, as they do for any object that is not a runtime `Request`: pass the
 * request as the init instead, `new Request(url, request)`, which reads its
 * method, headers, body and signal.
 *
 * @example A handler that works the same on Deno.serve and wirestack
 * ```ts ignore
 * import { serve } from "./mod.ts";
 *
 * serve({ port: 8080 }, async (request) => {
 *   const { pathname } = new URL(request.url);
 *   if (request.method === "POST") {
 *     const data = await request.json();
 *     return Response.json({ pathname, data });
 *   }
 *   return new Response(`${request.method} ${pathname}`);
 * });
 * ```
 *
 * @module
 */

import { decodeText, joinChunks, readStream, toArrayBuffer } from "./_body_reading.ts";
import { requestBodyStream } from "./_body_stream.ts";
import type { Exchange } from "./_exchange.ts";
import { nativeResponse } from "./_native.ts";

// Body states.
const UNTOUCHED = 0;
const STREAMED = 1;
const CONSUMED = 2;

/**
 * A request as a handler of {@linkcode serve} receives it: the web `Request`
 * interface, built lazily over the server's exchange (see the module doc).
 *
 * @example Reading a request
 * ```ts ignore
 * import type { ServerRequest } from "./mod.ts";
 *
 * async function handle(request: Request): Promise<Response> {
 *   const type = request.headers.get("content-type") ?? "";
 *   const body = type.startsWith("application/json") ? await request.json() : await request.text();
 *   return Response.json({ method: request.method, url: request.url, body });
 * }
 * ```
 */
export class ServerRequest {
  readonly #exchange: Exchange;
  #base: string | null;
  #url: string | null = null;
  #headers: Headers | null = null;
  #body: ReadableStream<Uint8Array> | null = null;
  #state = UNTOUCHED;

  /**
   * Made by the server for each request.
   *
   * @param exchange the server's exchange
   * @param body a body stream of its own (for clones)
   */
  constructor(exchange: Exchange, body?: ReadableStream<Uint8Array>) {
    this.#exchange = exchange;
    this.#base = null;
    if (body !== undefined) {
      this.#body = body;
      this.#state = STREAMED;
    }
  }

  /** The method, as the client sent it (case kept). */
  get method(): string {
    return this.#exchange.head.method;
  }

  /** The absolute URL: scheme, the Host field (or the target's authority), path and query. */
  get url(): string {
    if (this.#url === null) {
      const target = this.#exchange.head.target;
      const first = target.charCodeAt(0);
      if (first === 0x2f) this.#url = this.#origin() + target; // origin-form "/..."
      else if (target === "*") this.#url = `${this.#origin()}/*`;
      else if (this.method === "CONNECT") this.#url = `${this.#scheme()}${target}/`;
      else this.#url = target; // absolute-form
    }
    return this.#url;
  }

  #scheme(): string {
    return this.#exchange.connection.conn.tls !== undefined ? "https://" : "http://";
  }

  /** Scheme and authority: the Host field, or the local address for an HTTP/1.0 request without one. */
  #origin(): string {
    if (this.#base !== null) return this.#base;
    const scheme = this.#scheme();
    const headers = this.#exchange.head.headers;
    for (let i = 0; i < headers.length; i++) {
      const name = headers[i][0];
      if (name.length === 4 && name.toLowerCase() === "host" && headers[i][1] !== "") {
        return this.#base = scheme + headers[i][1];
      }
    }
    const local = this.#exchange.connection.conn.localAddr;
    if (local.transport === "unix") return this.#base = `${scheme}localhost`;
    const hostname = local.family === "IPv6" ? `[${local.hostname}]` : local.hostname;
    return this.#base = `${scheme}${hostname}:${local.port}`;
  }

  /** The header fields (a `Headers`, made on first use). */
  get headers(): Headers {
    return this.#headers ??= new Headers(this.#exchange.head.headers);
  }

  /** Aborts when the client goes away before the response is sent. */
  get signal(): AbortSignal {
    return this.#exchange.signal;
  }

  /** The body as a stream, or `null` when the request has none. */
  get body(): ReadableStream<Uint8Array> | null {
    if (this.#body !== null) return this.#body;
    if (!this.#hasBody()) return null;
    this.#body = requestBodyStream(this.#exchange, () => (this.#disturbed = true));
    if (this.#state === UNTOUCHED) this.#state = STREAMED;
    return this.#body;
  }

  /** Whether the body was read (or its stream disturbed). */
  get bodyUsed(): boolean {
    if (this.#state === CONSUMED) return true;
    return this.#state === STREAMED && this.#disturbed;
  }

  #disturbed = false;

  #hasBody(): boolean {
    const head = this.#exchange.head;
    return head.chunked || (head.contentLength !== null && head.contentLength > 0);
  }

  /** Reads the whole body (once). */
  async #bytes(): Promise<Uint8Array> {
    if (this.bodyUsed || (this.#body !== null && this.#body.locked)) {
      throw new TypeError("Body is unusable: the body has already been read");
    }
    if (this.#body !== null) {
      this.#disturbed = true;
      return await readStream(this.#body);
    }
    if (!this.#hasBody()) return new Uint8Array(0);
    this.#state = CONSUMED;
    const exchange = this.#exchange;
    return await new Promise<Uint8Array>((resolve, reject) => {
      const chunks: Uint8Array[] = [];
      let total = 0;
      exchange.readBody({
        data(chunk) {
          chunks.push(chunk);
          total += chunk.length;
          return true;
        },
        end() {
          resolve(joinChunks(chunks, total));
        },
        error: reject,
      });
    });
  }

  /**
   * The body as text (UTF-8).
   *
   * @returns the decoded body
   *
   * @example
   * ```ts ignore
   * const text = await request.text();
   * ```
   */
  async text(): Promise<string> {
    return decodeText(await this.#bytes());
  }

  /**
   * The body parsed as JSON.
   *
   * @returns the parsed value
   *
   * @example
   * ```ts ignore
   * const data = await request.json();
   * ```
   */
  async json(): Promise<unknown> {
    return JSON.parse(decodeText(await this.#bytes()));
  }

  /**
   * The body as an `ArrayBuffer`.
   *
   * @returns the bytes
   *
   * @example
   * ```ts ignore
   * const buffer = await request.arrayBuffer();
   * ```
   */
  async arrayBuffer(): Promise<ArrayBuffer> {
    return toArrayBuffer(await this.#bytes());
  }

  /**
   * The body as a `Uint8Array`.
   *
   * @returns the bytes
   *
   * @example
   * ```ts ignore
   * const bytes = await request.bytes();
   * ```
   */
  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    const bytes = await this.#bytes();
    return new Uint8Array(toArrayBuffer(bytes));
  }

  /**
   * The body as a `Blob` typed by the request's Content-Type.
   *
   * @returns the blob
   *
   * @example
   * ```ts ignore
   * const blob = await request.blob();
   * ```
   */
  async blob(): Promise<Blob> {
    const bytes = await this.#bytes();
    return new Blob([toArrayBuffer(bytes)], { type: this.headers.get("content-type") ?? "" });
  }

  /**
   * The body parsed as form data (`multipart/form-data` or
   * `application/x-www-form-urlencoded`), by the runtime's own parser.
   *
   * @returns the form data
   *
   * @example
   * ```ts ignore
   * const form = await request.formData();
   * console.log(form.get("name"));
   * ```
   */
  async formData(): Promise<FormData> {
    const bytes = await this.#bytes();
    const type = this.headers.get("content-type") ?? "";
    const Native = nativeResponse();
    return await new Native(toArrayBuffer(bytes), { headers: { "content-type": type } }).formData();
  }

  /**
   * A copy of the request whose body can be read apart (the body stream is teed).
   *
   * @returns the copy
   *
   * @example
   * ```ts ignore
   * const copy = request.clone();
   * const [a, b] = await Promise.all([request.text(), copy.text()]);
   * ```
   */
  clone(): ServerRequest {
    if (this.bodyUsed) throw new TypeError("Request.clone: the body has already been read");
    const body = this.body;
    if (body === null) {
      const copy = new ServerRequest(this.#exchange);
      copy.#headers = this.#headers === null ? null : new Headers(this.#headers);
      return copy;
    }
    const [mine, theirs] = body.tee();
    this.#body = mine;
    const copy = new ServerRequest(this.#exchange, theirs);
    copy.#headers = this.#headers === null ? null : new Headers(this.#headers);
    return copy;
  }

  /** `"default"`, as for every request a server receives. */
  get cache(): RequestCache {
    return "default";
  }

  /** `"same-origin"`. */
  get credentials(): RequestCredentials {
    return "same-origin";
  }

  /** `""`. */
  get destination(): RequestDestination {
    return "";
  }

  /** `""`. */
  get integrity(): string {
    return "";
  }

  /** `false`. */
  get keepalive(): boolean {
    return false;
  }

  /** `"cors"`. */
  get mode(): RequestMode {
    return "cors";
  }

  /** `"follow"`. */
  get redirect(): RequestRedirect {
    return "follow";
  }

  /** `"about:client"`. */
  get referrer(): string {
    return "about:client";
  }

  /** `""`. */
  get referrerPolicy(): ReferrerPolicy {
    return "";
  }

  /** `"half"`: the body streams one way. */
  get duplex(): "half" {
    return "half";
  }

  /** `false`. */
  get isHistoryNavigation(): boolean {
    return false;
  }

  /** `false`. */
  get isReloadNavigation(): boolean {
    return false;
  }

  /** `"Request"`, as `Object.prototype.toString` reports a request. */
  get [Symbol.toStringTag](): string {
    return "Request";
  }

  /** What `console.log` shows (Node). */
  [Symbol.for("nodejs.util.inspect.custom")](): object {
    return this.#inspect();
  }

  /** What `console.log` shows (Deno). */
  [Symbol.for("Deno.customInspect")](inspect: (value: unknown) => string): string {
    return `Request ${inspect(this.#inspect())}`;
  }

  #inspect(): object {
    return {
      bodyUsed: this.bodyUsed,
      headers: this.headers,
      method: this.method,
      redirect: this.redirect,
      url: this.url,
    };
  }
}
