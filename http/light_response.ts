/**
 * {@linkcode LightResponse}: the web `Response`, made cheap. On Node the
 * global `Response` costs about 12 us to construct (it builds a web stream for
 * every body at once), more than a whole request through wirestack's server;
 * this class keeps the body as it was given (a string stays a string) and
 * builds the `Headers` and the stream only when somebody asks for them.
 *
 * It implements the whole `Response` interface with the standard's rules
 * (status 200-599, reason phrase checks, no body with 101/103/204/205/304,
 * the default `Content-Type` of each body type, `bodyUsed`, `clone()`, the
 * static `json`, `redirect` and `error`), and {@linkcode serve} reads it
 * without building anything. A FormData body is handed to the runtime's own
 * `Response`, which knows how to encode it.
 *
 * One difference, on purpose: a byte body (`Uint8Array`, `ArrayBuffer`, a
 * view) is kept as given, not copied as the standard's `Response` copies it
 * (as `@hono/node-server`'s light class keeps it): a 1 MiB body costs a copy
 * and its collection on every response otherwise. Do not change the bytes
 * until the response is sent.
 *
 * On Node, {@linkcode serve} installs it as the global `Response` (as
 * `@hono/node-server` does with its own), unless told not to
 * (`ServeOptions.replaceGlobalResponse: false`): handler code that says
 * `new Response(...)` stays portable and gets the cheap class. Then
 * `instanceof Response` holds for both kinds of responses. Deno's own
 * `Response` is cheap already and is left alone.
 *
 * @example Used directly
 * ```ts
 * import { LightResponse } from "./light_response.ts";
 *
 * const response = new LightResponse("hello", { status: 201 });
 * console.assert(response.headers.get("content-type") === "text/plain;charset=UTF-8");
 * console.assert(await response.text() === "hello");
 * ```
 *
 * @module
 */

import type { HeaderList } from "../protocols/http1/mod.ts";
import { type BodySource, extractBody, sourceBytes, sourceStream } from "./_body_init.ts";
import { decodeText, readStream, toArrayBuffer } from "./_body_reading.ts";
import { NativeResponse } from "./_native.ts";

/** The parts of a light response, as the server reads them. */
export interface LightParts {
  /** The status code. */
  status: number;
  /** The reason phrase as given. */
  statusText: string;
  /** The header fields, the body's default Content-Type included. */
  fields: HeaderList;
  /** The body as given. */
  body: BodySource;
}

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);

/** Token characters (RFC 9110 5.6.2). */
function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (
      c <= 0x20 || c >= 0x7f || c === 0x22 || c === 0x28 || c === 0x29 || c === 0x2c ||
      c === 0x2f || c === 0x3a || c === 0x3b || c === 0x3c || c === 0x3d || c === 0x3e ||
      c === 0x3f || c === 0x40 || c === 0x5b || c === 0x5c || c === 0x5d || c === 0x7b ||
      c === 0x7d
    ) return false;
  }
  return true;
}

/** Fetch's header value normalization (strip HTTP whitespace) and check (no NUL, CR, LF). */
function normalizeValue(name: string, value: string): string {
  let start = 0;
  let end = value.length;
  const ws = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
  while (start < end && ws(value.charCodeAt(start))) start++;
  while (end > start && ws(value.charCodeAt(end - 1))) end--;
  const text = start === 0 && end === value.length ? value : value.slice(start, end);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0 || c === 0x0a || c === 0x0d || c > 0xff) {
      throw new TypeError(`Invalid header value for ${JSON.stringify(name)}`);
    }
  }
  return text;
}

/** Header pairs from a `HeadersInit`, checked as `new Headers()` checks them. */
function headerPairs(init: HeadersInit | undefined): HeaderList {
  const pairs: HeaderList = [];
  if (init === undefined || init === null) return pairs;
  if (typeof init !== "object") throw new TypeError("headers must be an object");
  if (typeof (init as Iterable<unknown>)[Symbol.iterator] === "function") {
    for (const pair of init as Iterable<Iterable<string>>) {
      const items = typeof pair === "string" ? null : [...pair];
      if (items === null || items.length !== 2) {
        throw new TypeError("Headers: each pair must have a name and a value");
      }
      pushPair(pairs, String(items[0]), String(items[1]));
    }
    return pairs;
  }
  const record = init as Record<string, string>;
  for (const name of Object.keys(record)) pushPair(pairs, name, String(record[name]));
  return pairs;
}

function pushPair(pairs: HeaderList, name: string, value: string): void {
  if (!isToken(name)) throw new TypeError(`Invalid header name ${JSON.stringify(name)}`);
  pairs.push([name, normalizeValue(name, value)]);
}

function hasField(pairs: HeaderList, lower: string): boolean {
  for (let i = 0; i < pairs.length; i++) {
    const name = pairs[i][0];
    if (name.length === lower.length && name.toLowerCase() === lower) return true;
  }
  return false;
}

let readParts: (response: LightResponse) => LightParts;
let isLight: (value: unknown) => value is LightResponse;

/**
 * A `Response` that stores its body as given and builds its parts on demand
 * (see the module doc).
 *
 * @example
 * ```ts
 * import { LightResponse } from "./light_response.ts";
 *
 * const response = LightResponse.json({ ok: true }, { status: 202 });
 * console.assert(response.status === 202 && response.ok);
 * console.assert((await response.json() as { ok: boolean }).ok);
 * ```
 */
export class LightResponse {
  static {
    readParts = (response) => response.#parts();
    isLight = (value): value is LightResponse =>
      value !== null && typeof value === "object" && #status in value;
  }

  #status: number;
  #statusText: string;
  #pairs: HeaderList;
  #headers: Headers | null = null;
  #source: BodySource;
  #stream: ReadableStream<Uint8Array> | null = null;
  #used = false;
  #kind: ResponseType = "default";
  #native: Response | null = null;

  /**
   * Makes a response, as `new Response(body, init)` does.
   *
   * @param body the body (string, bytes, Blob, stream, URLSearchParams, FormData) or null
   * @param init status, statusText, headers
   */
  constructor(body?: BodyInit | null, init?: ResponseInit) {
    const status = init?.status === undefined ? 200 : Number(init.status);
    if (!Number.isInteger(status) || status < 200 || status > 599) {
      throw new RangeError(`The status provided (${init?.status}) is outside the range [200, 599]`);
    }
    const statusText = init?.statusText === undefined ? "" : String(init.statusText);
    for (let i = 0; i < statusText.length; i++) {
      const c = statusText.charCodeAt(i);
      if ((c < 0x20 && c !== 0x09) || c === 0x7f || c > 0xff) {
        throw new TypeError(`Invalid statusText ${JSON.stringify(statusText)}`);
      }
    }
    this.#status = status;
    this.#statusText = statusText;
    this.#pairs = headerPairs(init?.headers);
    if (body === null || body === undefined) {
      this.#source = null;
      return;
    }
    if (NULL_BODY_STATUS.has(status)) {
      throw new TypeError(`Response with status ${status} cannot have a body`);
    }
    const extracted = extractBody(body);
    if (extracted === null) {
      // FormData: the runtime's Response encodes it (boundary and all).
      this.#native = new NativeResponse(body, { status, statusText, headers: this.#pairs });
      this.#source = null;
      return;
    }
    this.#source = extracted.source;
    if (extracted.type !== null && !hasField(this.#pairs, "content-type")) {
      this.#pairs.push(["content-type", extracted.type]);
    }
  }

  /**
   * A response with `data` as its JSON body (`Content-Type: application/json`).
   *
   * @param data any JSON-serializable value
   * @param init status, statusText, headers
   * @returns the response
   *
   * @example
   * ```ts
   * import { LightResponse } from "./light_response.ts";
   *
   * console.assert(LightResponse.json([1, 2]).headers.get("content-type") === "application/json");
   * ```
   */
  static json(data: unknown, init?: ResponseInit): LightResponse {
    const text = JSON.stringify(data);
    if (text === undefined) throw new TypeError("The data is not JSON serializable");
    const pairs = headerPairs(init?.headers);
    if (!hasField(pairs, "content-type")) pairs.push(["content-type", "application/json"]);
    return new LightResponse(text, { ...init, headers: pairs });
  }

  /**
   * A redirect to `url` (`Location`), status 301, 302 (default), 303, 307 or 308.
   *
   * @param url the absolute URL to go to
   * @param status the redirect status
   * @returns the response
   *
   * @example
   * ```ts
   * import { LightResponse } from "./light_response.ts";
   *
   * console.assert(LightResponse.redirect("https://example.com/", 307).status === 307);
   * ```
   */
  static redirect(url: string | URL, status = 302): LightResponse {
    const location = new URL(String(url)).href;
    if (!REDIRECT_STATUS.has(status)) throw new RangeError(`Invalid redirect status ${status}`);
    return new LightResponse(null, { status, headers: [["location", location]] });
  }

  /**
   * A network error (`type` `"error"`, status 0). A server answers it with 500.
   *
   * @returns the response
   *
   * @example
   * ```ts
   * import { LightResponse } from "./light_response.ts";
   *
   * console.assert(LightResponse.error().type === "error");
   * ```
   */
  static error(): LightResponse {
    const response = new LightResponse(null);
    response.#status = 0;
    response.#kind = "error";
    return response;
  }

  /** Both kinds of responses are instances: this class's and the runtime's. */
  static [Symbol.hasInstance](value: unknown): boolean {
    return isLight(value) || value instanceof NativeResponse;
  }

  /** The status code. */
  get status(): number {
    return this.#native?.status ?? this.#status;
  }

  /** The reason phrase given (often empty). */
  get statusText(): string {
    return this.#native?.statusText ?? this.#statusText;
  }

  /** Whether the status is 200-299. */
  get ok(): boolean {
    const status = this.status;
    return status >= 200 && status <= 299;
  }

  /** The header fields. */
  get headers(): Headers {
    if (this.#native !== null) return this.#native.headers;
    return this.#headers ??= new Headers(this.#pairs);
  }

  /** `"default"`, or `"error"` for `LightResponse.error()`. */
  get type(): ResponseType {
    return this.#kind;
  }

  /** `""`: made here, not fetched. */
  get url(): string {
    return "";
  }

  /** `false`. */
  get redirected(): boolean {
    return false;
  }

  /** The body as a stream (made on first use), or `null`. */
  get body(): ReadableStream<Uint8Array> | null {
    if (this.#native !== null) return this.#native.body;
    if (this.#source === null) return null;
    if (this.#stream === null) {
      this.#stream = sourceStream(this.#source);
      if (this.#used) this.#stream.cancel().catch(() => {});
    }
    return this.#stream;
  }

  /** Whether the body was read. */
  get bodyUsed(): boolean {
    if (this.#native !== null) return this.#native.bodyUsed;
    return this.#used;
  }

  async #bytes(): Promise<Uint8Array> {
    if (this.#native !== null) return new Uint8Array(await this.#native.arrayBuffer());
    if (this.#used || (this.#stream !== null && this.#stream.locked)) {
      throw new TypeError("Body is unusable: the body has already been read");
    }
    const source = this.#source;
    if (source === null) return new Uint8Array(0);
    this.#used = true;
    if (this.#stream !== null) return await readStream(this.#stream);
    if (typeof source === "string" || source instanceof Uint8Array) return sourceBytes(source);
    if (source instanceof ReadableStream) return await readStream(source);
    return new Uint8Array(await (source as Blob).arrayBuffer());
  }

  /**
   * The body as text.
   *
   * @returns the decoded body
   *
   * @example
   * ```ts
   * import { LightResponse } from "./light_response.ts";
   *
   * console.assert(await new LightResponse("hi").text() === "hi");
   * ```
   */
  async text(): Promise<string> {
    const source = this.#source;
    if (
      this.#native === null && typeof source === "string" && !this.#used && this.#stream === null
    ) {
      this.#used = true;
      return source;
    }
    return decodeText(await this.#bytes());
  }

  /**
   * The body parsed as JSON.
   *
   * @returns the value
   *
   * @example
   * ```ts
   * import { LightResponse } from "./light_response.ts";
   *
   * console.assert(await new LightResponse("[1]").json() !== null);
   * ```
   */
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  /**
   * The body as an ArrayBuffer.
   *
   * @returns the bytes
   *
   * @example
   * ```ts
   * import { LightResponse } from "./light_response.ts";
   *
   * console.assert((await new LightResponse("ab").arrayBuffer()).byteLength === 2);
   * ```
   */
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.#bytes();
    return toArrayBuffer(typeof this.#source === "string" ? bytes : bytes.slice());
  }

  /**
   * The body as a Uint8Array.
   *
   * @returns the bytes
   *
   * @example
   * ```ts
   * import { LightResponse } from "./light_response.ts";
   *
   * console.assert((await new LightResponse("ab").bytes()).length === 2);
   * ```
   */
  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(await this.arrayBuffer());
  }

  /**
   * The body as a Blob typed by the Content-Type.
   *
   * @returns the blob
   *
   * @example
   * ```ts
   * import { LightResponse } from "./light_response.ts";
   *
   * console.assert((await new LightResponse("ab").blob()).size === 2);
   * ```
   */
  async blob(): Promise<Blob> {
    const type = this.headers.get("content-type") ?? "";
    return new Blob([await this.arrayBuffer()], { type });
  }

  /**
   * The body parsed as form data, by the runtime's own parser.
   *
   * @returns the form data
   *
   * @example
   * ```ts
   * import { LightResponse } from "./light_response.ts";
   *
   * const form = await new LightResponse(new URLSearchParams({ a: "1" })).formData();
   * console.assert(form.get("a") === "1");
   * ```
   */
  async formData(): Promise<FormData> {
    if (this.#native !== null) return await this.#native.formData();
    const bytes = await this.#bytes();
    const type = this.headers.get("content-type") ?? "";
    return await new NativeResponse(toArrayBuffer(bytes.slice()), {
      headers: { "content-type": type },
    }).formData();
  }

  /**
   * A copy whose body can be read apart.
   *
   * @returns the copy
   *
   * @example
   * ```ts
   * import { LightResponse } from "./light_response.ts";
   *
   * const a = new LightResponse("x");
   * const b = a.clone();
   * console.assert((await a.text()) === (await b.text()));
   * ```
   */
  clone(): LightResponse {
    if (this.bodyUsed) throw new TypeError("Response.clone: the body has already been read");
    const copy = new LightResponse(null, { status: this.#status === 0 ? 200 : this.#status });
    copy.#status = this.#status;
    copy.#statusText = this.#statusText;
    copy.#kind = this.#kind;
    copy.#pairs = this.#headers !== null ? [...this.#headers] : this.#pairs.map(([n, v]) => [n, v]);
    if (this.#native !== null) {
      copy.#native = this.#native.clone();
      return copy;
    }
    let source = this.#source;
    if (source instanceof ReadableStream || this.#stream !== null) {
      const [mine, theirs] = (this.#stream ?? (source as ReadableStream<Uint8Array>)).tee();
      this.#stream = mine;
      source = theirs;
      copy.#stream = theirs;
    }
    copy.#source = source;
    return copy;
  }

  /** What the server sends: status, reason, fields and the body as given. */
  #parts(): LightParts {
    if (this.#native !== null) {
      return {
        status: this.#native.status,
        statusText: this.#native.statusText,
        fields: [...this.#native.headers],
        body: this.#native.body,
      };
    }
    const fields: HeaderList = this.#headers !== null ? [...this.#headers] : this.#pairs.slice();
    let body = this.#source;
    if (this.#stream !== null || body instanceof ReadableStream) {
      if (this.#used) throw new TypeError("the response body was already read");
      body = this.#stream ?? body;
      this.#used = true;
    }
    return { status: this.#status, statusText: this.#statusText, fields, body };
  }

  /** `"Response"`. */
  get [Symbol.toStringTag](): string {
    return "Response";
  }

  /** What `console.log` shows (Node). */
  [Symbol.for("nodejs.util.inspect.custom")](): object {
    return {
      body: this.#source === null ? null : "<body>",
      bodyUsed: this.bodyUsed,
      headers: this.headers,
      ok: this.ok,
      redirected: false,
      status: this.status,
      statusText: this.statusText,
      url: "",
    };
  }
}

/** The parts the server sends, for a light response; `null` for anything else. */
export function lightParts(response: unknown): LightParts | null {
  return isLight(response) ? readParts(response) : null;
}

let installed = false;

/**
 * Makes {@linkcode LightResponse} the global `Response` (Node; see the module
 * doc). Idempotent; does nothing under Deno.
 *
 * @returns whether the global is the light class now
 *
 * @example
 * ```ts ignore
 * import { installLightResponse } from "./light_response.ts";
 *
 * installLightResponse();
 * ```
 */
export function installLightResponse(): boolean {
  if ("Deno" in globalThis) return false;
  if (installed) return true;
  installed = true;
  Object.setPrototypeOf(LightResponse.prototype, NativeResponse.prototype);
  Object.defineProperty(globalThis, "Response", {
    value: LightResponse,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  return true;
}
