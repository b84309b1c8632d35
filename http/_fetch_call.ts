// One fetch() call, across its redirects: the handler of each hop's exchange,
// the request body pump, the response body stream, decoding and the abort
// rules of the Fetch standard.

import type { ClientTlsOptions } from "./client_tls.ts";
import type { Conn } from "../adapters/mod.ts";
import type { HeaderList, ResponseHead } from "../protocols/http1/mod.ts";
import { type Agent, coreOf, globalAgent } from "./agent.ts";
import { HttpClientError } from "./client_errors.ts";
import { resolveTimeouts } from "./client_timeouts.ts";
import { type ClientHeadersInit, findField, nameIs, toHeaderList } from "./_client_headers.ts";
import { Exchange } from "./_client_exchange.ts";
import { type Target, targetOf } from "./_client_url.ts";
import type { ClientConnection } from "./_client_connection.ts";
import { codingsOf, createDecoder, type Decoder } from "./_client_decode.ts";
import { extractBody, type ExtractedBody, streamReader } from "./_fetch_body.ts";
import { FetchResponse } from "./fetch_response.ts";
import type { FetchInit } from "./fetch.ts";

const METHODS_TO_UPPER = new Set(["delete", "get", "head", "options", "post", "put", "patch"]);
const FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
const CROSS_ORIGIN_DROP = ["authorization", "cookie", "proxy-authorization"];
const BODY_FIELDS = [
  "content-type",
  "content-length",
  "content-encoding",
  "content-language",
  "content-location",
  "transfer-encoding",
];
/** A redirect body up to this size is read to the end (the connection is reused); larger ones close it. */
const DRAIN_LIMIT = 65536;
/** Read-ahead of a response body, in bytes, before reading pauses. */
const READ_AHEAD = 65536;
const ACCEPT_ENCODING = "gzip, deflate, br";

/** fetch's failure: a TypeError whose cause is the client's error. */
export function typeError(error: HttpClientError): TypeError {
  return new TypeError(`fetch failed: ${error.message}`, { cause: error });
}

function requestError(message: string): HttpClientError {
  return new HttpClientError("INVALID_REQUEST", message, { phase: "queue" });
}

function byteLength(chunk: Uint8Array): number {
  return chunk.byteLength;
}

/** One fetch() call, across its redirects: the handler of each hop's exchange. */
export class FetchCall {
  #target!: Target;
  #method = "GET";
  #headers: HeaderList = [];
  #bytes: Uint8Array | null = null;
  #stream: ExtractedBody["stream"] = null;
  #streamUsed = false;
  #agent: Agent = globalAgent;
  #signal: AbortSignal | null = null;
  #redirect: "follow" | "manual" | "error" = "follow";
  #maxRedirects = 20;
  #redirects = 0;
  #timeouts = globalAgent.timeouts;
  #tls: ClientTlsOptions | undefined;
  #decompress = true;

  #resolve!: (response: FetchResponse) => void;
  #reject!: (error: unknown) => void;
  #settled = false;

  // Per hop.
  #exchange: Exchange | null = null;
  #location: string | null = null;
  #redirectStatus = 0;
  #drained = 0;
  #ended = false;
  #lateAbort: (() => void) | null = null;
  #controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  #decoder: Decoder | null = null;
  #bodyDone = false;
  #pumping = false;
  #reader: ReturnType<typeof streamReader> | null = null;

  start(input: string | URL | Request, init: FetchInit): Promise<FetchResponse> {
    let url: string | URL;
    let method = init.method;
    let headersInit: ClientHeadersInit | undefined = init.headers;
    const body = init.body;
    let signal = init.signal;
    let redirect = init.redirect;
    let requestBody: Promise<ArrayBuffer> | null = null;
    if (typeof input === "string" || input instanceof URL) url = input;
    else if (typeof Request === "function" && input instanceof Request) {
      url = input.url;
      method ??= input.method;
      headersInit ??= input.headers;
      signal ??= input.signal;
      redirect ??= input.redirect;
      if (body === undefined && input.body !== null) {
        if (input.bodyUsed) throw new TypeError("the Request's body was already used");
        // read whole: sent with a Content-Length, and again after a 307 or a retry
        requestBody = input.arrayBuffer();
      }
    } else url = String(input);

    if (signal?.aborted) return Promise.reject(signal.reason);
    const target = targetOf(url);
    if (target.credentials !== null) {
      throw requestError(
        `the URL ${target.href} includes credentials (use an Authorization field)`,
      );
    }
    this.#target = target;

    if (method !== undefined) {
      if (!TOKEN.test(method)) throw requestError(`"${method}" is not a valid method`);
      if (METHODS_TO_UPPER.has(method.toLowerCase())) method = method.toUpperCase();
      if (FORBIDDEN_METHODS.has(method.toUpperCase())) {
        throw requestError(`fetch() does not send ${method} requests`);
      }
      this.#method = method;
    }
    if (init.agent !== undefined) this.#agent = init.agent;
    this.#timeouts = resolveTimeouts(init.timeouts, this.#agent.timeouts);
    if (redirect !== undefined) {
      if (redirect !== "follow" && redirect !== "manual" && redirect !== "error") {
        throw requestError(`redirect must be "follow", "manual" or "error"`);
      }
      this.#redirect = redirect;
    }
    if (init.maxRedirects !== undefined) {
      if (!(init.maxRedirects >= 0)) throw requestError("maxRedirects must be a number >= 0");
      this.#maxRedirects = init.maxRedirects;
    }
    if (init.decompress === false) this.#decompress = false;
    this.#tls = init.tls;
    this.#signal = signal ?? null;

    const headers = toHeaderList(headersInit);
    this.#headers = headers;
    let type: string | null = null;
    let pending: Promise<ExtractedBody> | null = null;
    if (requestBody !== null) {
      pending = requestBody.then((buffer) => ({
        bytes: new Uint8Array(buffer),
        stream: null,
        type: null,
      }));
    } else if (body !== undefined && body !== null) {
      if (this.#method === "GET" || this.#method === "HEAD") {
        throw requestError(`a ${this.#method} request cannot have a body`);
      }
      const extracted = extractBody(body);
      if (extracted instanceof Promise) pending = extracted;
      else {
        this.#bytes = extracted.bytes;
        this.#stream = extracted.stream;
        type = extracted.type;
      }
    }
    const promise = new Promise<FetchResponse>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    if (pending !== null) {
      pending.then((extracted) => {
        this.#bytes = extracted.bytes;
        this.#addDefaults(extracted.type);
        this.#send();
      }, (error) => this.#fail(requestError(`the body could not be read: ${error}`)));
    } else {
      this.#addDefaults(type);
      this.#send();
    }
    return promise;
  }

  #addDefaults(type: string | null): void {
    const headers = this.#headers;
    if (type !== null && findField(headers, "content-type") < 0) {
      headers.push(["content-type", type]);
    }
    if (findField(headers, "accept") < 0) headers.push(["accept", "*/*"]);
    if (this.#decompress && findField(headers, "accept-encoding") < 0) {
      headers.push(["accept-encoding", ACCEPT_ENCODING]);
    }
    if (findField(headers, "user-agent") < 0) headers.push(["user-agent", "wirestack"]);
    if (this.#stream !== null) {
      // a stream is chunked, unless the caller says how long it is
      if (findField(headers, "content-length") < 0) headers.push(["transfer-encoding", "chunked"]);
    } else {
      // the framing of a body we hold is ours to say (the standard forbids these fields)
      removeAll(headers, "content-length");
      removeAll(headers, "transfer-encoding");
    }
  }

  /** Sends the current hop. */
  #send(): void {
    if (this.#settled) return;
    const target = this.#target;
    const headers = this.#headers;
    const list: HeaderList = findField(headers, "host") >= 0
      ? headers
      : [["host", target.host], ...headers];
    const streamed = this.#stream !== null;
    if (streamed) this.#streamUsed = true;
    const exchange = new Exchange(
      this.#method,
      target,
      list,
      streamed ? "stream" : this.#bytes,
      this as unknown as FetchHandler,
      this.#timeouts,
      false,
    );
    this.#exchange = exchange;
    this.#location = null;
    this.#drained = 0;
    this.#bodyDone = false;
    this.#ended = false;
    exchange.begin(this.#signal);
    if (exchange.settled) return; // aborted at once
    coreOf(this.#agent).dispatch(
      exchange,
      this.#tls === undefined
        ? { target, upgrade: false }
        : { target, upgrade: false, tls: this.#tls },
    );
  }

  // ---- the exchange calls these (FetchHandler) -----------------------------------------

  onConnection(_connection: ClientConnection): void {}

  onInformation(_head: ResponseHead): void {}

  onSent(): void {}

  onResponse(head: ResponseHead): void {
    const status = head.status;
    if (status >= 300 && status < 400 && status !== 304 && status !== 300 && status !== 305) {
      if (this.#redirect !== "manual") {
        const location = findField(head.headers, "location");
        if (location >= 0) {
          if (this.#redirect === "error") {
            this.#fail(this.#redirectError(`a ${status} redirect, with redirect: "error"`));
            return;
          }
          this.#location = head.headers[location][1];
          this.#redirectStatus = status;
          if (head.contentLength !== null && head.contentLength > DRAIN_LIMIT) this.#follow();
          return;
        }
      }
    }
    this.#respond(head);
  }

  #respond(head: ResponseHead): void {
    const exchange = this.#exchange as Exchange;
    const status = head.status;
    let body: ReadableStream<Uint8Array> | null = null;
    if (!NULL_BODY.has(status) && this.#method !== "HEAD") {
      body = new ReadableStream<Uint8Array>({
        start: (controller) => {
          this.#controller = controller;
        },
        pull: (controller) => {
          if (this.#ended) {
            if (controller.desiredSize === READ_AHEAD) this.#closeBody();
            return;
          }
          exchange.touch();
          this.#decoder?.resume();
          exchange.resume();
        },
        cancel: () => {
          this.#controller = null;
          this.#unhookLateAbort();
          this.#decoder?.destroy();
          if (!this.#bodyDone) {
            exchange.fail(
              new HttpClientError("ABORTED", "the response body was cancelled", {
                phase: "body",
              }),
            );
          }
        },
      }, { highWaterMark: READ_AHEAD, size: byteLength });
      if (this.#decompress) {
        const codings = codingsOf(head.headers);
        if (codings !== null) this.#decoder = this.#makeDecoder(codings);
      }
    }
    let response: FetchResponse;
    try {
      response = new FetchResponse(
        body,
        { status, statusText: head.reason, headers: head.headers },
        this.#target.href,
        this.#redirects > 0,
        exchange.timings,
      );
    } catch (error) {
      // the runtime's Response refused what the parser let through
      this.#controller = null;
      this.#fail(
        new HttpClientError("INVALID_RESPONSE", `the response cannot be represented: ${error}`, {
          phase: "head",
          cause: error,
        }),
      );
      return;
    }
    this.#settled = true;
    this.#resolve(response);
  }

  #makeDecoder(codings: NonNullable<ReturnType<typeof codingsOf>>): Decoder {
    return createDecoder(codings, {
      onData: (chunk) => this.#enqueue(chunk),
      onEnd: () => this.#endBody(),
      onError: (error) => {
        const failure = new HttpClientError(
          "DECODING_FAILED",
          `bad ${codings.join(", ")} body: ${error.message}`,
          {
            phase: "body",
            cause: error,
          },
        );
        this.#errorBody(failure);
        this.#exchange?.fail(failure);
      },
    });
  }

  #enqueue(chunk: Uint8Array): void {
    const controller = this.#controller;
    if (controller === null) return;
    controller.enqueue(chunk);
    if ((controller.desiredSize ?? 0) <= 0) {
      this.#exchange?.pause();
      this.#decoder?.pause();
    }
  }

  onData(chunk: Uint8Array): void {
    if (this.#location !== null) {
      this.#drained += chunk.length;
      if (this.#drained > DRAIN_LIMIT) this.#follow();
      return;
    }
    const decoder = this.#decoder;
    if (decoder !== null) decoder.write(chunk);
    else this.#enqueue(chunk);
  }

  onEnd(_trailers: HeaderList | null): void {
    this.#bodyDone = true;
    if (this.#reader !== null) {
      // the server answered before the request body was all sent: stop reading it
      this.#reader.cancel(new Error("the server answered before the body was sent"));
      this.#reader = null;
    }
    if (this.#location !== null) {
      this.#follow();
      return;
    }
    const decoder = this.#decoder;
    if (decoder !== null) decoder.end();
    else this.#endBody();
  }

  /**
   * The body is all in. Without a signal the stream closes now; with one it
   * closes once its reader took every chunk, so that an abort before that
   * still fails the reads, as the standard says.
   */
  #endBody(): void {
    const controller = this.#controller;
    if (controller === null) return;
    const signal = this.#signal;
    if (signal === null || controller.desiredSize === READ_AHEAD) {
      this.#closeBody();
      return;
    }
    this.#ended = true;
    const onAbort = () => {
      this.#lateAbort = null;
      const current = this.#controller;
      this.#controller = null;
      current?.error(signal.reason);
    };
    this.#lateAbort = onAbort;
    signal.addEventListener("abort", onAbort, { once: true });
  }

  #closeBody(): void {
    const controller = this.#controller;
    this.#controller = null;
    this.#unhookLateAbort();
    controller?.close();
  }

  #unhookLateAbort(): void {
    if (this.#lateAbort !== null) {
      this.#signal?.removeEventListener("abort", this.#lateAbort);
      this.#lateAbort = null;
    }
  }

  onUpgrade(_head: ResponseHead, conn: Conn, _rest: Uint8Array): void {
    conn.close();
    this.#fail(
      new HttpClientError(
        "UNEXPECTED_RESPONSE",
        "fetch() got a protocol switch it did not ask for",
      ),
    );
  }

  onError(error: HttpClientError): void {
    this.#reader?.cancel(error);
    this.#reader = null;
    if (this.#location !== null && error.code === "ABORTED" && error.cause === REDIRECT_CUT) return;
    this.#fail(error);
  }

  onDrain(): void {
    if (this.#stream !== null && !this.#pumping) this.#pump();
  }

  // ---- the request body stream -----------------------------------------------------------

  async #pump(): Promise<void> {
    const exchange = this.#exchange as Exchange;
    this.#pumping = true;
    const reader = this.#reader ??= streamReader(
      this.#stream as NonNullable<ExtractedBody["stream"]>,
    );
    try {
      for (;;) {
        const chunk = await reader.next();
        if (exchange.settled) return;
        if (chunk === null) {
          exchange.end();
          this.#reader = null;
          return;
        }
        if (!exchange.write(chunk)) return; // onDrain goes on
      }
    } catch (error) {
      exchange.fail(
        new HttpClientError("BODY_FAILED", `the request body stream failed: ${error}`, {
          phase: "write",
          cause: error,
        }),
      );
    } finally {
      this.#pumping = false;
    }
  }

  // ---- redirects ---------------------------------------------------------------------------

  #redirectError(
    message: string,
    code: "REDIRECT_FAILED" | "TOO_MANY_REDIRECTS" = "REDIRECT_FAILED",
  ) {
    return new HttpClientError(code, message, { phase: "head", url: this.#target.href });
  }

  /** Goes to the Location of the current 3xx. */
  #follow(): void {
    const location = this.#location as string;
    const exchange = this.#exchange as Exchange;
    const status = this.#redirectStatus;
    if (!this.#bodyDone) {
      // The rest of a large redirect body is not worth reading: drop the connection.
      exchange.fail(
        new HttpClientError("ABORTED", "redirect body dropped", {
          phase: "body",
          cause: REDIRECT_CUT,
        }),
      );
    }
    if (this.#settled) return;
    if (this.#redirects >= this.#maxRedirects) {
      this.#fail(
        this.#redirectError(`more than ${this.#maxRedirects} redirects`, "TOO_MANY_REDIRECTS"),
      );
      return;
    }
    let next: URL;
    try {
      next = new URL(location, this.#target.href);
    } catch {
      this.#fail(this.#redirectError(`the Location "${location}" is not a URL`));
      return;
    }
    if (next.protocol !== "http:" && next.protocol !== "https:") {
      this.#fail(this.#redirectError(`a redirect to a ${next.protocol} URL`));
      return;
    }
    let target: Target;
    try {
      target = targetOf(next);
    } catch (error) {
      this.#fail(error as HttpClientError);
      return;
    }
    const headers = this.#headers;
    if (
      ((status === 301 || status === 302) && this.#method === "POST") ||
      (status === 303 && this.#method !== "HEAD")
    ) {
      this.#method = "GET";
      this.#bytes = null;
      this.#stream = null;
      for (const name of BODY_FIELDS) removeAll(headers, name);
    } else if (this.#stream !== null && this.#streamUsed) {
      this.#fail(this.#redirectError(`a ${status} redirect needs the stream body sent again`));
      return;
    }
    if (target.origin !== this.#target.origin) {
      for (const name of CROSS_ORIGIN_DROP) removeAll(headers, name);
    }
    this.#redirects++;
    this.#target = target;
    this.#send();
  }

  // ---- the end ----------------------------------------------------------------------------

  #errorBody(error: HttpClientError): void {
    const controller = this.#controller;
    this.#controller = null;
    this.#unhookLateAbort();
    if (controller === null) return;
    controller.error(
      error.code === "ABORTED" && this.#signal?.aborted ? this.#signal.reason : typeError(error),
    );
  }

  #fail(error: HttpClientError): void {
    this.#decoder?.destroy();
    this.#decoder = null;
    if (!this.#settled) {
      this.#settled = true;
      this.#reject(
        error.code === "ABORTED" && this.#signal?.aborted ? this.#signal.reason : typeError(error),
      );
      this.#exchange?.fail(error);
      return;
    }
    this.#errorBody(error);
    this.#exchange?.fail(error);
  }
}

/** The cause that marks a redirect body cut on purpose. */
const REDIRECT_CUT = Symbol("redirect body cut");

/** The exchange handler type FetchCall implements (its methods are public for it). */
type FetchHandler = ConstructorParameters<typeof Exchange>[4];

function removeAll(headers: HeaderList, lower: string): void {
  for (let i = headers.length - 1; i >= 0; i--) {
    if (nameIs(headers[i][0], lower)) headers.splice(i, 1);
  }
}
