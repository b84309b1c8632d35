/**
 * {@linkcode HttpError}: the one error class of the HTTP/1.1 core. Every
 * violation the readers find and every message the writers refuse to produce is
 * an `HttpError` with a stable `code`, the status a server should answer, and
 * where there is one the byte offset in the stream, the header name and the
 * offending character.
 *
 * This module is browser compatible.
 *
 * @example Answering a malformed request
 * ```ts
 * import { HttpError, parseMessages } from "./mod.ts";
 *
 * const { error } = parseMessages("request", new TextEncoder().encode("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n"));
 * if (error instanceof HttpError) {
 *   console.log(error.status, error.code, error.offset, error.header); // 400 "INVALID_HEADER_NAME" 19 "Bad"
 * }
 * ```
 *
 * @module
 */

/**
 * The stable codes of {@linkcode HttpError}, with the status a server answers
 * to each. Codes never change meaning; new ones may be added.
 *
 * @example
 * ```ts
 * import { HTTP_ERROR_STATUS } from "./errors.ts";
 *
 * console.assert(HTTP_ERROR_STATUS.HEADERS_TOO_LARGE === 431);
 * ```
 */
export const HTTP_ERROR_STATUS = {
  /** The request-line is not `method SP request-target SP HTTP-version`. */
  INVALID_REQUEST_LINE: 400,
  /** The status-line is not `HTTP-version SP 3DIGIT SP reason`, or the code is outside 100-599. */
  INVALID_STATUS_LINE: 400,
  /** The method is not a token. */
  INVALID_METHOD: 400,
  /** The request-target has a forbidden character, a bad `%` escape, or the wrong form for its method. */
  INVALID_TARGET: 400,
  /** The request-target is longer than `maxTargetLength`. */
  TARGET_TOO_LONG: 414,
  /** The HTTP-version is malformed (`HTTP/1.01`, `http/1.1`, ...). */
  INVALID_VERSION: 400,
  /** A well-formed version other than 1.x (`HTTP/2.0`, `HTTP/0.9`). */
  UNSUPPORTED_VERSION: 505,
  /** A header name is empty or has a character that is not a `tchar`. */
  INVALID_HEADER_NAME: 400,
  /** Whitespace between a header name and its colon (RFC 9112 5.1). */
  SPACE_BEFORE_COLON: 400,
  /** A header value holds NUL, a control character, DEL or a bare CR. */
  INVALID_HEADER_VALUE: 400,
  /** A line folded onto the previous one (obs-fold) in a request or in trailers. */
  OBS_FOLD: 400,
  /** Whitespace at the start of the first header line (RFC 9112 2.2). */
  LEADING_WHITESPACE: 400,
  /** A line ends with LF alone (allowed only with `allowLfOnly`, never in chunked framing). */
  BARE_LF: 400,
  /** A CR not followed by LF. */
  BARE_CR: 400,
  /** The head (start line, header lines, final CRLF) is longer than `maxHeaderSize`. */
  HEADERS_TOO_LARGE: 431,
  /** More header lines than `maxHeaderCount`. */
  TOO_MANY_HEADERS: 431,
  /** Content-Length is not a run of digits, or too large to represent. */
  INVALID_CONTENT_LENGTH: 400,
  /** Several Content-Length values that differ. */
  CONFLICTING_CONTENT_LENGTH: 400,
  /** Both Content-Length and Transfer-Encoding (a request smuggling pattern, RFC 9112 6.3). */
  CONTENT_LENGTH_WITH_TRANSFER_ENCODING: 400,
  /** Transfer-Encoding is malformed or applies chunked twice. */
  INVALID_TRANSFER_ENCODING: 400,
  /** Transfer-Encoding in a request whose last coding is not chunked (RFC 9112 6.3). */
  CHUNKED_NOT_LAST: 400,
  /** A transfer coding other than chunked. */
  UNSUPPORTED_TRANSFER_ENCODING: 501,
  /** Transfer-Encoding in an HTTP/1.0 message (RFC 9112 6.1). */
  TRANSFER_ENCODING_IN_HTTP10: 400,
  /** A CONNECT request that declares content. */
  CONNECT_WITH_BODY: 400,
  /** A chunk-size that is not hexadecimal, or too large. */
  INVALID_CHUNK_SIZE: 400,
  /** A malformed chunk extension. */
  INVALID_CHUNK_EXTENSION: 400,
  /** Chunk extensions of a message longer than `maxChunkExtensionSize` in total. */
  CHUNK_EXTENSION_TOO_LARGE: 413,
  /** Chunk data not followed by CRLF. */
  INVALID_CHUNK: 400,
  /** The trailer section is longer than `maxTrailerSize`. */
  TRAILERS_TOO_LARGE: 431,
  /** A framing or routing field (Content-Length, Transfer-Encoding, Host) in trailers. */
  FORBIDDEN_TRAILER: 400,
  /** The body is longer than `maxBodySize`. */
  BODY_TOO_LARGE: 413,
  /** The stream ended inside a message. */
  INCOMPLETE_MESSAGE: 400,
  /** A response arrived with no request waiting for it. */
  UNEXPECTED_RESPONSE: 400,
  /** The server closed the connection before it began a response (a proxy answers 502). */
  NO_RESPONSE: 502,
  /** Host is missing from an HTTP/1.1 request, repeated, or not a valid host (RFC 9112 3.2). */
  INVALID_HOST: 400,
  /** An argument of a public function has the wrong type or value. */
  INVALID_ARGUMENT: 500,
  /** A send that the connection's state does not allow (a local programming error). */
  INVALID_STATE: 500,
  /** A body longer or shorter than the Content-Length sent. */
  BODY_LENGTH_MISMATCH: 500,
  /** An unexpected failure inside the parser; please report it. */
  INTERNAL_ERROR: 500,
} as const;

/** A stable error code of {@linkcode HttpError}. */
export type HttpErrorCode = keyof typeof HTTP_ERROR_STATUS;

/** Where an {@linkcode HttpError} happened, when it is known. */
export interface HttpErrorDetails {
  /** Byte offset in the stream (from the first byte the reader received). */
  offset?: number;
  /** The header name involved, as received. */
  header?: string;
  /** The offending byte, as a one-character Latin-1 string. */
  char?: string;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * An HTTP/1.1 protocol violation or a refused send. `code` is stable, `status`
 * is what a server answers (400, 413, 414, 431, 501, 505; 500 for local
 * errors), `offset` is the byte offset in the stream where the violation is,
 * `header` the header name involved and `char` the offending character.
 *
 * @example Reading the details of an error
 * ```ts
 * import { HttpError } from "./errors.ts";
 *
 * const error = new HttpError("INVALID_HEADER_VALUE", "NUL in header value", {
 *   offset: 42,
 *   header: "X-Test",
 *   char: "\0",
 * });
 * console.assert(error.status === 400 && error.code === "INVALID_HEADER_VALUE");
 * ```
 */
export class HttpError extends Error {
  /** The stable error code. */
  readonly code: HttpErrorCode;
  /** The status code a server should answer with. */
  readonly status: number;
  /** Byte offset of the violation in the stream, when known. */
  readonly offset?: number;
  /** The header name involved, when there is one. */
  readonly header?: string;
  /** The offending character, when there is one. */
  readonly char?: string;

  /**
   * Creates an error.
   *
   * @param code the stable code (it sets `status`)
   * @param message what went wrong, in words
   * @param details the offset, header name, character and cause
   */
  constructor(code: HttpErrorCode, message: string, details: HttpErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "HttpError";
    this.code = code;
    this.status = HTTP_ERROR_STATUS[code];
    if (details.offset !== undefined) this.offset = details.offset;
    if (details.header !== undefined) this.header = details.header;
    if (details.char !== undefined) this.char = details.char;
  }
}
