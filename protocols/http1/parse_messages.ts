/**
 * {@linkcode parseMessages}: parse captured HTTP/1.1 bytes in one call. For
 * tests, fuzzers, and anyone reading traffic from a file. It never throws:
 * every failure is the `error` it returns, next to the messages that were
 * complete before it.
 *
 * This module is browser compatible.
 *
 * @example Two pipelined requests
 * ```ts
 * import { parseMessages } from "./parse_messages.ts";
 *
 * const wire = "GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi";
 * const { messages, error } = parseMessages("request", new TextEncoder().encode(wire));
 * console.assert(error === null && messages.length === 2);
 * console.assert(new TextDecoder().decode(messages[1].body) === "hi");
 * ```
 *
 * @module
 */

import { concat, EMPTY } from "./_bytes.ts";
import { HttpError } from "./errors.ts";
import type { HeaderList } from "./events.ts";
import { MessageReader, type ReaderOptions } from "./readers.ts";

/** Options of {@linkcode parseMessages}: the reader's limits, and what the responses answer. */
export interface ParseOptions extends ReaderOptions {
  /**
   * Responses only: the method of the request each response answers (a
   * `HEAD` response has no body; a 2xx answer to `CONNECT` starts a tunnel).
   * One string for every response, or one per final response in order
   * (1xx responses answer the same request as the final one after them); a
   * response past the end of the list is an `UNEXPECTED_RESPONSE`.
   * Default `"GET"`.
   */
  requestMethod?: string | readonly string[];
}

/** What a parsed request or response has in common. */
export interface ParsedMessage {
  /** `"1.1"`, `"1.0"`, or a higher 1.x as received. */
  version: string;
  /** Header fields in wire order, values trimmed of optional whitespace. */
  headers: HeaderList;
  /** Trailer fields of a chunked body (empty when none). */
  trailers: HeaderList;
  /** The whole body, de-chunked (empty when none). */
  body: Uint8Array;
  /** The message lets the connection carry another message after it. */
  keepAlive: boolean;
  /**
   * The bytes after this head are not HTTP/1.1: a `CONNECT` request, a 101,
   * or a 2xx answer to `CONNECT`. They are returned in `rest`.
   */
  upgrade: boolean;
}

/** A request parsed by {@linkcode parseMessages}. */
export interface ParsedRequest extends ParsedMessage {
  /** The method, case-sensitive. */
  method: string;
  /** The request-target as received. */
  target: string;
}

/** A response parsed by {@linkcode parseMessages}. */
export interface ParsedResponse extends ParsedMessage {
  /** The status code; 1xx responses are messages of their own. */
  status: number;
  /** The reason phrase (may be empty). */
  reason: string;
}

/** The result of {@linkcode parseMessages}. */
export interface ParseResult<M extends ParsedMessage> {
  /** The messages complete before the end of the input or the error. */
  messages: M[];
  /** What went wrong, or `null`. A truncated last message is an `INCOMPLETE_MESSAGE`. */
  error: HttpError | null;
  /**
   * The bytes after the last message that were not parsed: what follows an
   * upgrade (a tunnel or another protocol) or a message after which the
   * connection closes. Empty otherwise.
   */
  rest: Uint8Array;
}

/**
 * Parses every message in `input` as one stream from its first byte to its
 * end (the end of the input is the end of the stream: a truncated message is
 * an error, a response read until close ends there). When `input` is an array
 * its pieces are fed one by one, and the result does not depend on where the
 * pieces were cut.
 *
 * @param kind `"request"` or `"response"`
 * @param input the bytes, whole or in pieces
 * @param options limits, leniencies, and the request methods responses answer
 * @returns the messages, the error (or `null`), and the unparsed rest
 *
 * @example A HEAD response, a 100 Continue and a 101
 * ```ts
 * import { parseMessages } from "./parse_messages.ts";
 *
 * const text = new TextEncoder();
 * const head = parseMessages("response", text.encode("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"), {
 *   requestMethod: "HEAD",
 * });
 * console.assert(head.messages[0].body.length === 0);
 *
 * const upgrade = parseMessages(
 *   "response",
 *   text.encode("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: upgrade\r\n\r\nPRI *"),
 * );
 * console.assert(upgrade.messages.length === 2 && upgrade.messages[1].upgrade);
 * console.assert(new TextDecoder().decode(upgrade.rest) === "PRI *");
 * ```
 */
export function parseMessages(
  kind: "request",
  input: Uint8Array | readonly Uint8Array[],
  options?: ParseOptions,
): ParseResult<ParsedRequest>;
/**
 * Parses responses (see the first signature).
 *
 * @param kind `"response"`
 * @param input the bytes, whole or in pieces
 * @param options limits, leniencies, and the request methods the responses answer
 * @returns the responses, the error (or `null`), and the unparsed rest
 *
 * @example
 * ```ts
 * import { parseMessages } from "./parse_messages.ts";
 *
 * const { messages } = parseMessages("response", new TextEncoder().encode("HTTP/1.1 204 No Content\r\n\r\n"));
 * console.assert(messages[0].status === 204);
 * ```
 */
export function parseMessages(
  kind: "response",
  input: Uint8Array | readonly Uint8Array[],
  options?: ParseOptions,
): ParseResult<ParsedResponse>;
/**
 * Parses requests or responses, as `kind` says (see the first signature).
 *
 * @param kind `"request"` or `"response"`
 * @param input the bytes, whole or in pieces
 * @param options limits, leniencies, and the request methods responses answer
 * @returns the messages, the error (or `null`), and the unparsed rest
 *
 * @example
 * ```ts
 * import { parseMessages } from "./parse_messages.ts";
 *
 * const kind = Math.random() < 2 ? "request" : "response";
 * const { error } = parseMessages(kind, new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n"));
 * console.assert(error === null);
 * ```
 */
export function parseMessages(
  kind: "request" | "response",
  input: Uint8Array | readonly Uint8Array[],
  options?: ParseOptions,
): ParseResult<ParsedRequest> | ParseResult<ParsedResponse>;
/**
 * The one implementation of the three signatures above.
 *
 * @param kind `"request"` or `"response"`
 * @param input the bytes, whole or in pieces
 * @param options limits, leniencies, and the request methods responses answer
 * @returns the messages, the error (or `null`), and the unparsed rest
 *
 * @example Cut anywhere, the same result
 * ```ts
 * import { parseMessages } from "./parse_messages.ts";
 *
 * const wire = new TextEncoder().encode("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
 * const whole = parseMessages("request", wire);
 * const cut = parseMessages("request", [wire.subarray(0, 7), wire.subarray(7)]);
 * console.assert(JSON.stringify(whole.messages) === JSON.stringify(cut.messages));
 * ```
 */
export function parseMessages(
  kind: "request" | "response",
  input: Uint8Array | readonly Uint8Array[],
  options?: ParseOptions,
): ParseResult<ParsedRequest | ParsedResponse> {
  const messages: Array<ParsedRequest | ParsedResponse> = [];
  let rest: Uint8Array = EMPTY;
  let reader: MessageReader | null = null;
  let pooled = false;
  try {
    const chunks = checkInput(input);
    if (kind !== "request" && kind !== "response") {
      throw new HttpError("INVALID_ARGUMENT", `kind must be "request" or "response"`);
    }
    const methods = options?.requestMethod ?? "GET";
    if (
      typeof methods !== "string" &&
      !(Array.isArray(methods) && methods.every((m) => typeof m === "string"))
    ) {
      throw new HttpError(
        "INVALID_ARGUMENT",
        "requestMethod must be a string or an array of strings",
      );
    }
    pooled = usesDefaultLimits(options);
    reader = pooled ? borrowReader(kind) : new MessageReader(kind, options);
    let answered = 0;
    if (kind === "response") reader.requestMethod = methodFor(methods, 0);

    let message: ParsedRequest | ParsedResponse | null = null;
    const parts: Uint8Array[] = [];
    for (let c = 0; c <= chunks.length; c++) {
      if (c < chunks.length) {
        if (chunks[c].length === 0) continue;
        reader.receive(chunks[c]);
      } else reader.receiveEnd();
      for (;;) {
        const event = reader.next();
        if (event.type === "need-data") break;
        switch (event.type) {
          case "request":
            message = {
              method: event.method,
              target: event.target,
              version: event.version,
              headers: event.headers,
              trailers: [],
              body: EMPTY,
              keepAlive: event.keepAlive,
              upgrade: event.method === "CONNECT",
            };
            parts.length = 0;
            break;
          case "response":
            message = {
              status: event.status,
              reason: event.reason,
              version: event.version,
              headers: event.headers,
              trailers: [],
              body: EMPTY,
              keepAlive: event.keepAlive,
              upgrade: event.upgrade,
            };
            parts.length = 0;
            break;
          case "data":
            parts.push(event.data);
            break;
          case "trailers":
            if (message !== null) message.trailers = event.trailers;
            break;
          case "end": {
            if (message === null) break;
            message.body = parts.length === 0
              ? EMPTY
              : parts.length === 1
              ? parts[0]
              : concat(parts);
            messages.push(message);
            if (kind === "response" && (message as ParsedResponse).status >= 200) {
              reader.requestMethod = methodFor(methods, ++answered);
            }
            message = null;
            parts.length = 0;
            if (reader.stopped) {
              const remaining = reader.takeRest();
              for (let later = c + 1; later < chunks.length; later++) remaining.push(chunks[later]);
              rest = remaining.length === 1 ? remaining[0] : concat(remaining);
              return { messages, error: null, rest };
            }
            break;
          }
          case "closed":
            return { messages, error: null, rest };
        }
      }
    }
    return { messages, error: null, rest };
  } catch (error) {
    return { messages, error: asHttpError(error), rest };
  } finally {
    if (reader !== null && pooled) returnReader(reader);
  }
}

/** Readers with the default limits, reused from call to call (parsing is synchronous). */
const spare: { request: MessageReader | null; response: MessageReader | null } = {
  request: null,
  response: null,
};

function usesDefaultLimits(options: ParseOptions | undefined): boolean {
  if (options === undefined) return true;
  for (const key in options) {
    if (key !== "requestMethod" && options[key as keyof ParseOptions] !== undefined) return false;
  }
  return true;
}

function borrowReader(kind: "request" | "response"): MessageReader {
  const reader = spare[kind];
  if (reader === null) return new MessageReader(kind);
  spare[kind] = null; // a nested call (from a getter) gets its own
  return reader;
}

function returnReader(reader: MessageReader): void {
  reader.reset(); // drop every reference to the caller's bytes
  spare[reader.kind] = reader;
}

function methodFor(methods: string | readonly string[], index: number): string | null {
  if (typeof methods === "string") return methods;
  return index < methods.length ? methods[index] : null;
}

function checkInput(input: unknown): readonly Uint8Array[] {
  if (input instanceof Uint8Array) return [input];
  if (Array.isArray(input) && input.every((chunk) => chunk instanceof Uint8Array)) return input;
  throw new HttpError("INVALID_ARGUMENT", "input must be a Uint8Array or an array of them");
}

function asHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  return new HttpError(
    "INTERNAL_ERROR",
    `parser failure: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  );
}
