/**
 * Serializers: request and response heads, whole messages in one array, and
 * the last chunk with trailers. Every name, value, method, target and reason
 * is checked while it is copied, so a CR or LF from user data can never start
 * a new header line (header injection): the writer throws an
 * {@linkcode HttpError} instead. The bytes are written straight into one
 * `Uint8Array` sized in advance: no string concatenation, no encoder call.
 *
 * These functions write what they are given plus the framing fields asked
 * for; `Connection` decides those fields from the state of the exchange.
 *
 * This module is browser compatible.
 *
 * @example A complete response in one array (one write to the socket)
 * ```ts
 * import { writeResponse } from "./writers.ts";
 *
 * const body = new TextEncoder().encode("Hello");
 * const bytes = writeResponse(
 *   { status: 200, headers: [["Content-Type", "text/plain"]] },
 *   { contentLength: body.length, body },
 * );
 * console.log(new TextDecoder().decode(bytes));
 * // HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nHello
 * ```
 *
 * @module
 */

import { allocate } from "./_alloc.ts";
import { CR, HTAB, LF, SP } from "./_bytes.ts";
import { HttpError } from "./errors.ts";
import { FIELD_VALUE, TOKEN } from "./grammar.ts";

/** Header fields to send: `[name, value]` pairs in the order to send them. */
export type HeaderInit = ReadonlyArray<readonly [name: string, value: string]>;

/** A request head to send. */
export interface RequestHeadInit {
  /** The method, a token (case-sensitive). */
  method: string;
  /** The request-target: visible ASCII, no spaces (encode the URL first). */
  target: string;
  /** Header fields in order (default none). */
  headers?: HeaderInit;
  /** The version to send (default `"1.1"`). */
  version?: "1.1" | "1.0";
}

/** A response head to send. */
export interface ResponseHeadInit {
  /** The status code, 100-599. */
  status: number;
  /** The reason phrase (default: the one RFC 9110 gives the status, or empty). */
  reason?: string;
  /** Header fields in order (default none). */
  headers?: HeaderInit;
  /** The version to send (default `"1.1"`). */
  version?: "1.1" | "1.0";
}

/** What a writer adds after the given header fields. */
export interface WriteOptions {
  /** Appends `Content-Length: n`. */
  contentLength?: number;
  /** Appends `Transfer-Encoding: chunked`. */
  chunked?: boolean;
  /** Appends `Connection: close` or `Connection: keep-alive`. */
  connection?: "close" | "keep-alive";
  /** Bytes copied after the head in the same array (the whole body, or its first piece). */
  body?: Uint8Array;
}

/**
 * The reason phrases of RFC 9110 section 15 (and a few registered since).
 *
 * @example
 * ```ts
 * import { STATUS_TEXT } from "./writers.ts";
 *
 * console.assert(STATUS_TEXT[404] === "Not Found");
 * ```
 */
export const STATUS_TEXT: Readonly<Record<number, string>> = Object.freeze({
  100: "Continue",
  101: "Switching Protocols",
  102: "Processing",
  103: "Early Hints",
  200: "OK",
  201: "Created",
  202: "Accepted",
  203: "Non-Authoritative Information",
  204: "No Content",
  205: "Reset Content",
  206: "Partial Content",
  207: "Multi-Status",
  208: "Already Reported",
  226: "IM Used",
  300: "Multiple Choices",
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  304: "Not Modified",
  305: "Use Proxy",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  407: "Proxy Authentication Required",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  411: "Length Required",
  412: "Precondition Failed",
  413: "Content Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  416: "Range Not Satisfiable",
  417: "Expectation Failed",
  418: "I'm a teapot",
  421: "Misdirected Request",
  422: "Unprocessable Content",
  423: "Locked",
  424: "Failed Dependency",
  425: "Too Early",
  426: "Upgrade Required",
  428: "Precondition Required",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  451: "Unavailable For Legal Reasons",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  505: "HTTP Version Not Supported",
  506: "Variant Also Negotiates",
  507: "Insufficient Storage",
  508: "Loop Detected",
  510: "Not Extended",
  511: "Network Authentication Required",
});

const encoder = new TextEncoder();
/** `HTTP/1.1 <status> <standard reason>\r\n`, encoded once per status. */
const STATUS_LINES = new Map<number, Uint8Array>();
const CONTENT_LENGTH = encoder.encode("Content-Length: ");
const CHUNKED = encoder.encode("Transfer-Encoding: chunked\r\n");
const CLOSE = encoder.encode("Connection: close\r\n");
const KEEP_ALIVE = encoder.encode("Connection: keep-alive\r\n");
const EMPTY_HEADERS: HeaderInit = [];

function statusLine(status: number): Uint8Array {
  let line = STATUS_LINES.get(status);
  if (line === undefined) {
    line = encoder.encode(`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? ""}\r\n`);
    STATUS_LINES.set(status, line);
  }
  return line;
}

function digitCount(value: number): number {
  let digits = 1;
  while (value >= 10) {
    value = Math.floor(value / 10);
    digits++;
  }
  return digits;
}

function invalid(what: string, detail: string): never {
  throw new HttpError("INVALID_ARGUMENT", `refusing to write ${what}: ${detail}`);
}

/** Bytes the header fields take on the wire (`name: value\r\n` each). */
function fieldsLength(fields: HeaderInit): number {
  let length = 0;
  for (let k = 0; k < fields.length; k++) {
    const field = fields[k];
    const name = field[0];
    const value = field[1];
    if (typeof name !== "string" || typeof value !== "string") {
      invalid("a header field", "names and values must be strings");
    }
    length += name.length + value.length + 4;
  }
  return length;
}

/** Copies the header fields into `out` at `at`, refusing anything that is not a token or a field value. */
function writeFields(out: Uint8Array, at: number, fields: HeaderInit): number {
  for (let k = 0; k < fields.length; k++) {
    const field = fields[k];
    const name = field[0];
    const value = field[1];
    const nameLength = name.length;
    if (nameLength === 0) {
      throw new HttpError("INVALID_HEADER_NAME", "refusing to write an empty header name");
    }
    for (let i = 0; i < nameLength; i++) {
      const code = name.charCodeAt(i);
      if (code > 0xff || TOKEN[code] !== 1) {
        throw new HttpError(
          "INVALID_HEADER_NAME",
          `refusing to write header name ${JSON.stringify(name)}: not a token`,
          { header: name, char: name[i] },
        );
      }
      out[at++] = code;
    }
    out[at++] = 0x3a;
    out[at++] = SP;
    const valueLength = value.length;
    for (let i = 0; i < valueLength; i++) {
      const code = value.charCodeAt(i);
      if (code > 0xff || FIELD_VALUE[code] === 0) {
        throw new HttpError(
          "INVALID_HEADER_VALUE",
          `refusing to write the value of ${name}: character 0x${
            code.toString(16).padStart(2, "0")
          } is not allowed (CR, LF, NUL and controls would corrupt the message)`,
          { header: name, char: value[i] },
        );
      }
      out[at++] = code;
    }
    if (valueLength > 0) {
      const first = value.charCodeAt(0);
      const last = value.charCodeAt(valueLength - 1);
      if (first === SP || first === HTAB || last === SP || last === HTAB) {
        throw new HttpError(
          "INVALID_HEADER_VALUE",
          `refusing to write the value of ${name}: leading or trailing whitespace`,
          { header: name },
        );
      }
    }
    out[at++] = CR;
    out[at++] = LF;
  }
  return at;
}

function writeNumber(out: Uint8Array, at: number, value: number, digits: number): number {
  for (let i = digits - 1; i >= 0; i--) {
    out[at + i] = 0x30 + (value % 10);
    value = Math.floor(value / 10);
  }
  return at + digits;
}

/** Length of the framing lines asked for (`contentLength` -1: none), and checks them. */
function framingLength(contentLength: number, chunked: boolean, connection: Connection): number {
  let length = 0;
  if (contentLength !== -1) {
    if (!Number.isSafeInteger(contentLength) || contentLength < 0) {
      invalid("Content-Length", `${contentLength} is not a non-negative integer`);
    }
    length += CONTENT_LENGTH.length + digitCount(contentLength) + 2;
  }
  if (chunked) length += CHUNKED.length;
  if (connection === "close") length += CLOSE.length;
  else if (connection === "keep-alive") length += KEEP_ALIVE.length;
  return length;
}

function writeFraming(
  out: Uint8Array,
  at: number,
  contentLength: number,
  chunked: boolean,
  connection: Connection,
): number {
  if (contentLength !== -1) {
    at = copy(out, at, CONTENT_LENGTH);
    at = writeNumber(out, at, contentLength, digitCount(contentLength));
    out[at++] = CR;
    out[at++] = LF;
  }
  if (chunked) at = copy(out, at, CHUNKED);
  if (connection === "close") at = copy(out, at, CLOSE);
  else if (connection === "keep-alive") at = copy(out, at, KEEP_ALIVE);
  return at;
}

/** Copies `source` into `out` at `at`: a loop for short arrays (cheaper than a `set` call). */
function copy(out: Uint8Array, at: number, source: Uint8Array): number {
  const length = source.length;
  if (length > 64) {
    out.set(source, at);
    return at + length;
  }
  for (let i = 0; i < length; i++) out[at + i] = source[i];
  return at + length;
}

type Connection = "close" | "keep-alive" | undefined;

/** The Content-Length option as the internal writers take it: -1 when absent. */
function lengthOption(contentLength: number | undefined): number {
  if (contentLength === undefined) return -1;
  if (!Number.isSafeInteger(contentLength) || contentLength < 0) {
    invalid("Content-Length", `${contentLength} is not a non-negative integer`);
  }
  return contentLength;
}

function writeAscii(out: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
  return at;
}

function checkVersion(version: unknown): "1.1" | "1.0" {
  if (version === undefined || version === "1.1") return "1.1";
  if (version === "1.0") return "1.0";
  return invalid("the version", `${String(version)} is not "1.1" or "1.0"`);
}

/**
 * Serializes a request head (request-line, fields, framing fields, CRLF),
 * followed by `options.body` when given, into one new array.
 *
 * @param head method, target, header fields, version
 * @param options framing fields to append, and the body
 * @returns the bytes to send
 * @throws {HttpError} `INVALID_HEADER_NAME` / `INVALID_HEADER_VALUE` for a field
 * that would break the message, `INVALID_ARGUMENT` for a bad method or target
 *
 * @example
 * ```ts
 * import { writeRequest } from "./writers.ts";
 *
 * const bytes = writeRequest({ method: "GET", target: "/", headers: [["Host", "example.com"]] });
 * console.assert(new TextDecoder().decode(bytes) === "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
 * ```
 */
export function writeRequest(head: RequestHeadInit, options: WriteOptions = {}): Uint8Array {
  return composeRequest(
    head,
    lengthOption(options.contentLength),
    options.chunked === true,
    options.connection,
    options.body ?? null,
  );
}

/**
 * {@linkcode writeRequest} with the framing fields as plain arguments
 * (`contentLength` -1: none), for `Connection`: no options object per message.
 * Internal: not exported by the module.
 */
export function composeRequest(
  head: RequestHeadInit,
  contentLength: number,
  chunked: boolean,
  connection: Connection,
  body: Uint8Array | null,
): Uint8Array {
  const method = head.method;
  const target = head.target;
  const version = checkVersion(head.version);
  if (typeof method !== "string" || method.length === 0) invalid("the method", "not a token");
  for (let i = 0; i < method.length; i++) {
    const code = method.charCodeAt(i);
    if (code > 0xff || TOKEN[code] !== 1) {
      invalid("the method", `${JSON.stringify(method)} is not a token`);
    }
  }
  if (typeof target !== "string" || target.length === 0) invalid("the target", "empty");
  for (let i = 0; i < target.length; i++) {
    const code = target.charCodeAt(i);
    if (code <= 0x20 || code >= 0x7f) {
      invalid("the target", `character 0x${code.toString(16)} must be percent-encoded`);
    }
  }
  const fields = head.headers ?? EMPTY_HEADERS;
  const length = method.length + 1 + target.length + 11 + fieldsLength(fields) +
    framingLength(contentLength, chunked, connection) + 2 + (body === null ? 0 : body.length);
  const out = allocate(length);
  let at = writeAscii(out, 0, method);
  out[at++] = SP;
  at = writeAscii(out, at, target);
  at = writeAscii(out, at, version === "1.1" ? " HTTP/1.1\r\n" : " HTTP/1.0\r\n");
  at = writeFields(out, at, fields);
  at = writeFraming(out, at, contentLength, chunked, connection);
  out[at++] = CR;
  out[at++] = LF;
  if (body !== null) copy(out, at, body);
  return out;
}

/**
 * Serializes a response head (status-line, fields, framing fields, CRLF),
 * followed by `options.body` when given, into one new array: a small
 * response goes to the socket in one write.
 *
 * @param head status, reason, header fields, version
 * @param options framing fields to append, and the body
 * @returns the bytes to send
 * @throws {HttpError} `INVALID_HEADER_NAME` / `INVALID_HEADER_VALUE` for a field
 * that would break the message, `INVALID_ARGUMENT` for a bad status or reason
 *
 * @example
 * ```ts
 * import { writeResponse } from "./writers.ts";
 *
 * const bytes = writeResponse({ status: 204 });
 * console.assert(new TextDecoder().decode(bytes) === "HTTP/1.1 204 No Content\r\n\r\n");
 * ```
 */
export function writeResponse(head: ResponseHeadInit, options: WriteOptions = {}): Uint8Array {
  return composeResponse(
    head,
    lengthOption(options.contentLength),
    options.chunked === true,
    options.connection,
    options.body ?? null,
  );
}

/**
 * {@linkcode writeResponse} with the framing fields as plain arguments
 * (`contentLength` -1: none), for `Connection`: no options object per message.
 * Internal: not exported by the module.
 */
export function composeResponse(
  head: ResponseHeadInit,
  contentLength: number,
  chunked: boolean,
  connection: Connection,
  body: Uint8Array | null,
): Uint8Array {
  const status = head.status;
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    invalid("the status", `${status} is not an integer in 100-599`);
  }
  const version = checkVersion(head.version);
  const reason = head.reason;
  let line: Uint8Array | null = null;
  let lineLength: number;
  if (reason === undefined && version === "1.1") {
    line = statusLine(status);
    lineLength = line.length;
  } else {
    const text = reason ?? STATUS_TEXT[status] ?? "";
    if (typeof text !== "string") invalid("the reason", "not a string");
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code > 0xff || FIELD_VALUE[code] === 0) {
        invalid("the reason", `character 0x${code.toString(16)} is not allowed`);
      }
    }
    lineLength = 13 + text.length + 2;
  }
  const fields = head.headers ?? EMPTY_HEADERS;
  const length = lineLength + fieldsLength(fields) +
    framingLength(contentLength, chunked, connection) +
    2 + (body === null ? 0 : body.length);
  const out = allocate(length);
  let at: number;
  if (line !== null) {
    at = copy(out, 0, line);
  } else {
    at = writeAscii(out, 0, version === "1.1" ? "HTTP/1.1 " : "HTTP/1.0 ");
    at = writeNumber(out, at, status, 3);
    out[at++] = SP;
    at = writeAscii(out, at, reason ?? STATUS_TEXT[status] ?? "");
    out[at++] = CR;
    out[at++] = LF;
  }
  at = writeFields(out, at, fields);
  at = writeFraming(out, at, contentLength, chunked, connection);
  out[at++] = CR;
  out[at++] = LF;
  if (body !== null) copy(out, at, body);
  return out;
}

const FORBIDDEN_TRAILERS = new Set(["content-length", "transfer-encoding", "host"]);

/**
 * Serializes the end of a chunked body: the last chunk, the trailer fields,
 * and the final CRLF.
 *
 * @param trailers trailer fields (not framing or routing fields)
 * @returns the bytes to send
 * @throws {HttpError} for an invalid field, or a Content-Length,
 * Transfer-Encoding or Host trailer
 *
 * @example
 * ```ts
 * import { writeLastChunk } from "./writers.ts";
 *
 * const bytes = writeLastChunk([["Digest", "sha-256=abc"]]);
 * console.assert(new TextDecoder().decode(bytes) === "0\r\nDigest: sha-256=abc\r\n\r\n");
 * ```
 */
export function writeLastChunk(trailers: HeaderInit = EMPTY_HEADERS): Uint8Array {
  for (const [name] of trailers) {
    if (typeof name === "string" && FORBIDDEN_TRAILERS.has(name.toLowerCase())) {
      throw new HttpError("FORBIDDEN_TRAILER", `refusing to send ${name} as a trailer field`, {
        header: name,
      });
    }
  }
  const out = allocate(3 + fieldsLength(trailers) + 2);
  out[0] = 0x30;
  out[1] = CR;
  out[2] = LF;
  const at = writeFields(out, 3, trailers);
  out[at] = CR;
  out[at + 1] = LF;
  return out;
}
