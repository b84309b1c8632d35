/**
 * The head parser: request-line, status-line and field lines (header and
 * trailer sections) validated in one pass over the bytes with the byte tables
 * of `grammar.ts`, then decoded to strings with one decoder call per head.
 *
 * A parse runs over `bytes[start, end)` and returns the index just past the
 * head, or `INCOMPLETE` when the bytes end first. Violations throw `HttpError`.
 * The first violation in byte order wins and only bytes that are present decide
 * it, so the result never depends on how the stream was cut: a parse of a
 * prefix either fails exactly as a parse of the whole would, or says
 * `INCOMPLETE`.
 *
 * This module is browser compatible.
 *
 * @module
 */

import {
  BACKSLASH,
  COLON,
  COMMA,
  CR,
  DQUOTE,
  equalsLower,
  HTAB,
  latin1,
  LF,
  SP,
} from "./_bytes.ts";
import { HttpError, type HttpErrorCode } from "./errors.ts";
import type { HeaderList } from "./events.ts";
import { FIELD_VALUE, HEX, QDTEXT, TARGET, TargetByte, TOKEN } from "./grammar.ts";
import { absoluteFormProblem, validAuthority } from "./_target.ts";

/** The bytes ended before the head did. */
export const INCOMPLETE = -1;
/** The bytes so far are only empty lines before a request-line. */
export const ONLY_EMPTY_LINES = -2;

/** How the body of a message is delimited (RFC 9112 6.3): one of the `BODY_*` values. */
export type Body = 0 | 1 | 2 | 3;
/** No body (or an empty one). */
export const BODY_NONE = 0;
/** `Content-Length` bytes. */
export const BODY_LENGTH = 1;
/** The chunked transfer coding. */
export const BODY_CHUNKED = 2;
/** Everything until the connection closes (responses only). */
export const BODY_UNTIL_CLOSE = 3;

/** Limits and leniencies of the head parser. */
export interface HeadOptions {
  maxHeaderSize: number;
  maxHeaderCount: number;
  maxTargetLength: number;
  maxTrailerSize: number;
  allowLfOnly: boolean;
  allowUnsafeTargetChars: boolean;
}

type Mode = 0 | 1 | 2;
const REQUEST: Mode = 0;
const RESPONSE: Mode = 1;
const TRAILERS: Mode = 2;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

const DEFAULT_HEAD_OPTIONS: HeadOptions = {
  maxHeaderSize: 16384,
  maxHeaderCount: 100,
  maxTargetLength: 8192,
  maxTrailerSize: 16384,
  allowLfOnly: false,
  allowUnsafeTargetChars: false,
};
const HTTP = [0x48, 0x54, 0x54, 0x50, 0x2f]; // "HTTP/"

/**
 * Four offsets per field line of the head being parsed: name start, name end,
 * value start, value end. Shared by every parser: a head is parsed and its
 * strings built within one synchronous call, so one array serves all
 * connections and none of them carries its own.
 */
let FIELDS = new Int32Array(128);

function growFields(): void {
  const larger = new Int32Array(FIELDS.length * 2);
  larger.set(FIELDS);
  FIELDS = larger;
}

/** "1.0" ... "1.9": the version strings, so that no head builds one. */
const VERSIONS = Array.from({ length: 10 }, (_, minor) => `1.${minor}`);

/** Field name lengths that may name a field the parser interprets. */
const SPECIAL = new Uint8Array(32);
for (
  const name of ["host", "expect", "upgrade", "connection", "content-length", "transfer-encoding"]
) {
  SPECIAL[name.length] = 1;
}

function trimOws(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text.charCodeAt(start) === SP || text.charCodeAt(start) === HTAB)) start++;
  while (end > start && (text.charCodeAt(end - 1) === SP || text.charCodeAt(end - 1) === HTAB)) {
    end--;
  }
  return text.slice(start, end);
}

/**
 * Parses heads and keeps what it found until the next parse. A head is parsed
 * and used within one synchronous call, so every reader shares the one
 * instance, {@linkcode HEAD_PARSER}: no connection carries this state.
 */
export class HeadParser {
  /** The limits of the parse in progress (set by each parse call). */
  options: HeadOptions = DEFAULT_HEAD_OPTIONS;

  fieldCount = 0;
  /** Indexes of fields folded over several lines (responses only), or null. */
  folded: number[] | null = null;
  /** Some byte of the head is above 0x7F (obs-text). */
  nonAscii = false;
  /** Index of the first byte of the start line (after skipped empty lines). */
  headStart = 0;
  /** Stream offset of `bytes[0]` in the current parse, for error offsets. */
  base = 0;

  methodStart = 0;
  methodEnd = 0;
  targetStart = 0;
  targetEnd = 0;
  /** The target has "[" or "]" (valid only around an IP literal). */
  targetBrackets = false;
  major = 1;
  minor = 1;
  status = 0;
  reasonStart = 0;
  reasonEnd = 0;

  /** `Content-Length` value, or -1 when absent. */
  contentLength = -1;
  contentLengthAt = 0;
  /** `Transfer-Encoding` was present; its first value's offset. */
  teSeen = false;
  teAt = 0;
  teNameAt = 0;
  contentLengthNameAt = 0;
  teCodings = 0;
  teChunked = false;
  teLastChunked = false;
  /** Offset of the first coding other than chunked, or -1. */
  teOtherAt = -1;
  connectionClose = false;
  connectionKeepAlive = false;
  connectionUpgrade = false;
  upgradeSeen = false;
  expectContinue = false;
  /** Responses: framing fields carry no meaning (1xx, 2xx to CONNECT): skip them. */
  ignoreFraming = false;
  /** obs-fold is unfolded (responses and their trailers) instead of rejected. */
  private unfoldAllowed = false;

  private mode: Mode = REQUEST;

  private reset(mode: Mode, base: number): void {
    this.mode = mode;
    this.base = base;
    this.fieldCount = 0;
    this.folded = null;
    this.nonAscii = false;
    this.contentLength = -1;
    this.teSeen = false;
    this.teCodings = 0;
    this.teChunked = false;
    this.teLastChunked = false;
    this.teOtherAt = -1;
    this.connectionClose = false;
    this.connectionKeepAlive = false;
    this.connectionUpgrade = false;
    this.upgradeSeen = false;
    this.expectContinue = false;
    this.ignoreFraming = false;
    this.unfoldAllowed = mode === RESPONSE;
  }

  // ---------------------------------------------------------------- errors

  /**
   * Throws the error for a violation at `bytes[at]`. With `bytes` the message
   * names the offending character; with `header` it names the header.
   */
  fail(
    code: HttpErrorCode,
    what: string,
    at: number,
    bytes?: Uint8Array,
    header?: [start: number, end: number],
  ): never {
    this.failWith(code, what, at, bytes, header, bytes !== undefined);
  }

  /** Throws the error for a field whose value is wrong as a whole (no character to name). */
  failField(code: HttpErrorCode, what: string, at: number, header: string): never {
    const offset = this.base + at;
    throw new HttpError(code, `${what} in header "${header}" at offset ${offset}`, {
      offset,
      header,
    });
  }

  private failWith(
    code: HttpErrorCode,
    what: string,
    at: number,
    bytes: Uint8Array | undefined,
    header: [start: number, end: number] | undefined,
    showChar: boolean,
  ): never {
    const offset = this.base + at;
    const details: { offset: number; header?: string; char?: string } = { offset };
    let message = what;
    if (header !== undefined && bytes !== undefined) {
      details.header = latin1(bytes, header[0], header[1], false);
      message += ` in header "${details.header}"`;
    }
    if (showChar && bytes !== undefined && at < bytes.length) {
      const byte = bytes[at];
      details.char = String.fromCharCode(byte);
      message += ` (byte ${
        byte > 0x20 && byte < 0x7f ? `"${details.char}"` : `0x${byte.toString(16).padStart(2, "0")}`
      })`;
    }
    throw new HttpError(code, `${message} at offset ${offset}`, details);
  }

  /** The parse reached `limit`: the head is too large if bytes exist past it, else incomplete. */
  private exhausted(limit: number, end: number): number {
    if (limit < end) {
      if (this.mode === TRAILERS) {
        this.fail(
          "TRAILERS_TOO_LARGE",
          `trailer section longer than ${this.options.maxTrailerSize} bytes`,
          limit,
        );
      }
      this.fail(
        "HEADERS_TOO_LARGE",
        `head longer than ${this.options.maxHeaderSize} bytes`,
        limit,
      );
    }
    return INCOMPLETE;
  }

  // ---------------------------------------------------------------- start lines

  /**
   * Parses a request head in `bytes[start, end)`.
   *
   * @returns the index past the head, `INCOMPLETE` or `ONLY_EMPTY_LINES`
   */
  parseRequest(
    bytes: Uint8Array,
    start: number,
    end: number,
    base: number,
    options: HeadOptions,
  ): number {
    this.options = options;
    this.reset(REQUEST, base);
    const limit = Math.min(end, start + this.options.maxHeaderSize);
    let i = start;
    // RFC 9112 2.2: a server ignores empty lines received before the request-line.
    for (;;) {
      if (i >= limit) return limit < end ? this.exhausted(limit, end) : ONLY_EMPTY_LINES;
      const byte = bytes[i];
      if (byte === CR) {
        if (i + 1 >= limit) return limit < end ? this.exhausted(limit, end) : ONLY_EMPTY_LINES;
        if (bytes[i + 1] !== LF) this.fail("BARE_CR", "CR not followed by LF", i + 1, bytes);
        i += 2;
      } else if (byte === LF) {
        if (!this.options.allowLfOnly) this.fail("BARE_LF", "line ends with a bare LF", i, bytes);
        i++;
      } else break;
    }
    this.headStart = i;

    // method SP
    this.methodStart = i;
    while (i < limit && TOKEN[bytes[i]] === 1) i++;
    if (i >= limit) return this.exhausted(limit, end);
    if (bytes[i] !== SP || i === this.methodStart) {
      const byte = bytes[i];
      if (byte === CR || byte === LF || byte === SP || byte === HTAB) {
        this.fail(
          "INVALID_REQUEST_LINE",
          "request-line is not method SP target SP version",
          i,
          bytes,
        );
      }
      this.fail("INVALID_METHOD", "invalid character in method", i, bytes);
    }
    this.methodEnd = i++;

    // request-target SP
    i = this.scanTarget(bytes, i, limit, end);
    if (i < 0) return i;
    this.targetEnd = i++;

    // HTTP-version CRLF
    i = this.parseVersion(bytes, i, limit, end);
    if (i < 0) return i;
    const versionAt = i - 8;
    i = this.startLineEnd(bytes, i, limit, end);
    if (i < 0) return i;
    if (this.major !== 1) {
      this.fail(
        "UNSUPPORTED_VERSION",
        `HTTP/${this.major}.${this.minor} is not supported`,
        versionAt,
      );
    }
    this.checkTargetForm(bytes);
    return this.parseFields(bytes, i, limit, end);
  }

  /**
   * Parses a response head in `bytes[start, end)`. `connect` says the request
   * was a CONNECT (its 2xx answer has no framing fields to honor).
   */
  parseResponse(
    bytes: Uint8Array,
    start: number,
    end: number,
    base: number,
    connect: boolean,
    options: HeadOptions,
  ): number {
    this.options = options;
    this.reset(RESPONSE, base);
    const limit = Math.min(end, start + this.options.maxHeaderSize);
    this.headStart = start;
    let i = this.parseVersion(bytes, start, limit, end);
    if (i < 0) return i;
    const versionAt = start;
    if (i >= limit) return this.exhausted(limit, end);
    if (bytes[i] !== SP) {
      this.fail("INVALID_STATUS_LINE", "status-line is not version SP status SP reason", i, bytes);
    }
    i++;
    let status = 0;
    for (let k = 0; k < 3; k++, i++) {
      if (i >= limit) return this.exhausted(limit, end);
      const digit = bytes[i] - 0x30;
      if (digit < 0 || digit > 9) {
        this.fail("INVALID_STATUS_LINE", "status code is not 3 digits", i, bytes);
      }
      status = status * 10 + digit;
    }
    if (i >= limit) return this.exhausted(limit, end);
    if (bytes[i] !== SP) {
      this.fail("INVALID_STATUS_LINE", "status code not followed by SP", i, bytes);
    }
    i++;
    this.reasonStart = i;
    for (;;) {
      while (i < limit && FIELD_VALUE[bytes[i]] === 1) i++;
      if (i >= limit) return this.exhausted(limit, end);
      if (FIELD_VALUE[bytes[i]] !== 2) break;
      this.nonAscii = true;
      i++;
    }
    this.reasonEnd = i;
    if (bytes[i] !== CR && bytes[i] !== LF) {
      this.fail("INVALID_STATUS_LINE", "invalid character in reason phrase", i, bytes);
    }
    i = this.startLineEnd(bytes, i, limit, end);
    if (i < 0) return i;
    if (this.major !== 1) {
      this.fail(
        "UNSUPPORTED_VERSION",
        `HTTP/${this.major}.${this.minor} is not supported`,
        versionAt,
      );
    }
    if (status < 100 || status > 599) {
      this.fail("INVALID_STATUS_LINE", `status code ${status} outside 100-599`, versionAt + 9);
    }
    this.status = status;
    this.ignoreFraming = status < 200 || (connect && status < 300);
    return this.parseFields(bytes, i, limit, end);
  }

  /** Parses a trailer section (field lines and the final empty line) in `bytes[start, end)`. */
  parseTrailers(
    bytes: Uint8Array,
    start: number,
    end: number,
    base: number,
    response: boolean,
    options: HeadOptions,
  ): number {
    this.options = options;
    this.reset(TRAILERS, base);
    this.unfoldAllowed = response;
    this.headStart = start;
    const limit = Math.min(end, start + this.options.maxTrailerSize);
    return this.parseFields(bytes, start, limit, end);
  }

  /** `HTTP/` DIGIT `.` DIGIT at `i`; sets major and minor. */
  private parseVersion(bytes: Uint8Array, i: number, limit: number, end: number): number {
    if (
      i + 8 <= limit && bytes[i] === 0x48 && bytes[i + 1] === 0x54 && bytes[i + 2] === 0x54 &&
      bytes[i + 3] === 0x50 && bytes[i + 4] === 0x2f && bytes[i + 6] === 0x2e
    ) {
      const major = bytes[i + 5] - 0x30;
      const minor = bytes[i + 7] - 0x30;
      if (major >= 0 && major <= 9 && minor >= 0 && minor <= 9) {
        this.major = major;
        this.minor = minor;
        return i + 8;
      }
    }
    for (let k = 0; k < 5; k++, i++) {
      if (i >= limit) return this.exhausted(limit, end);
      if (bytes[i] !== HTTP[k]) {
        this.fail("INVALID_VERSION", 'HTTP-version does not start with "HTTP/"', i, bytes);
      }
    }
    if (i + 2 >= limit) {
      // check what is there, then wait
      for (let j = i; j < limit; j++) this.versionByte(bytes, j, j - i);
      return this.exhausted(limit, end);
    }
    this.versionByte(bytes, i, 0);
    this.versionByte(bytes, i + 1, 1);
    this.versionByte(bytes, i + 2, 2);
    this.major = bytes[i] - 0x30;
    this.minor = bytes[i + 2] - 0x30;
    return i + 3;
  }

  private versionByte(bytes: Uint8Array, at: number, position: number): void {
    const byte = bytes[at];
    const ok = position === 1 ? byte === 0x2e : byte >= 0x30 && byte <= 0x39;
    if (!ok) this.fail("INVALID_VERSION", "HTTP-version is not HTTP/DIGIT.DIGIT", at, bytes);
  }

  /** The CRLF closing a start line at `i`. */
  private startLineEnd(bytes: Uint8Array, i: number, limit: number, end: number): number {
    if (i >= limit) return this.exhausted(limit, end);
    const byte = bytes[i];
    if (byte === CR) {
      if (i + 1 >= limit) return this.exhausted(limit, end);
      if (bytes[i + 1] !== LF) this.fail("BARE_CR", "CR not followed by LF", i + 1, bytes);
      return i + 2;
    }
    if (byte === LF) {
      if (!this.options.allowLfOnly) this.fail("BARE_LF", "line ends with a bare LF", i, bytes);
      return i + 1;
    }
    if (this.mode === REQUEST && byte >= 0x30 && byte <= 0x39) {
      this.fail("INVALID_VERSION", "HTTP-version is not HTTP/DIGIT.DIGIT", i, bytes);
    }
    return this.fail(
      this.mode === REQUEST ? "INVALID_REQUEST_LINE" : "INVALID_STATUS_LINE",
      "start line does not end after the version",
      i,
      bytes,
    );
  }

  // ---------------------------------------------------------------- request-target

  private scanTarget(bytes: Uint8Array, i: number, limit: number, end: number): number {
    const start = i;
    this.targetStart = start;
    this.targetBrackets = false;
    const maxLength = this.options.maxTargetLength;
    const stop = Math.min(limit, start + maxLength);
    let percent = false;
    for (;;) {
      while (i < stop && TARGET[bytes[i]] === TargetByte.PLAIN) i++;
      if (i >= stop) break;
      const kind = TARGET[bytes[i]];
      if (kind === TargetByte.PERCENT) percent = true;
      else if (kind === TargetByte.BRACKET) this.targetBrackets = true; // checked with the form
      else if (kind === TargetByte.UNSAFE && this.options.allowUnsafeTargetChars) { /* allowed */ }
      else break;
      i++;
    }
    const delimited = i < limit && bytes[i] === SP;
    if (percent) this.checkPercent(bytes, start, i, delimited);
    if (i >= limit) return this.exhausted(limit, end);
    if (bytes[i] !== SP) {
      if (i === stop && i - start >= maxLength) {
        this.fail("TARGET_TOO_LONG", `request-target longer than ${maxLength} bytes`, i, bytes);
      }
      const byte = bytes[i];
      if (byte === CR || byte === LF) {
        this.fail("INVALID_REQUEST_LINE", "request-line has no HTTP-version", i, bytes);
      }
      this.fail("INVALID_TARGET", "invalid character in request-target", i, bytes);
    }
    if (i === start) {
      this.fail("INVALID_REQUEST_LINE", "empty request-target (two spaces)", i, bytes);
    }
    return i;
  }

  /** Every `%` in `bytes[start, end)` starts `%HEXHEX`; `complete` says the target ends at `end`. */
  private checkPercent(bytes: Uint8Array, start: number, end: number, complete: boolean): void {
    for (let p = bytes.indexOf(0x25, start); p >= 0 && p < end; p = bytes.indexOf(0x25, p + 1)) {
      for (let k = 1; k <= 2; k++) {
        if (p + k >= end) {
          if (complete) this.fail("INVALID_TARGET", "truncated percent-encoding", p + k, bytes);
          break;
        }
        if (HEX[bytes[p + k]] === 255) {
          this.fail("INVALID_TARGET", "invalid percent-encoding", p + k, bytes);
        }
      }
    }
  }

  /** The form of the target must suit the method (RFC 9112 3.2). */
  private checkTargetForm(bytes: Uint8Array): void {
    const start = this.targetStart;
    const end = this.targetEnd;
    const first = bytes[start];
    const connect = this.methodEnd - this.methodStart === 7 && isConnect(bytes, this.methodStart);
    if (connect) {
      if (!validAuthority(bytes, start, end, true)) {
        this.fail(
          "INVALID_TARGET",
          "CONNECT needs an authority-form target (host:port)",
          start,
          bytes,
        );
      }
      return;
    }
    if (first === 0x2f) { // "/": origin-form
      for (let i = start; this.targetBrackets && i < end; i++) {
        if (TARGET[bytes[i]] === TargetByte.BRACKET) {
          this.fail("INVALID_TARGET", "brackets outside an IP literal", i, bytes);
        }
      }
      return;
    }
    if (first === 0x2a && end - start === 1) { // "*": asterisk-form
      const options = this.methodEnd - this.methodStart === 7 &&
        String.fromCharCode(...bytes.subarray(this.methodStart, this.methodEnd)) === "OPTIONS";
      if (!options) this.fail("INVALID_TARGET", "asterisk-form is only for OPTIONS", start, bytes);
      return;
    }
    const problem = absoluteFormProblem(bytes, start, end);
    if (problem >= 0) {
      this.fail("INVALID_TARGET", "invalid absolute-form target", problem, bytes);
    }
  }

  // ---------------------------------------------------------------- field lines

  private parseFields(bytes: Uint8Array, i: number, limit: number, end: number): number {
    const fold = this.unfoldAllowed;
    // trailers end the chunked framing: never lenient there
    const allowLfOnly = this.options.allowLfOnly && this.mode !== TRAILERS;
    // Locals, not module bindings, in the loops; the loops run unchecked to
    // the first byte outside their class (past the end of `bytes` a load is
    // undefined, which stops them too), then compare with `limit` once.
    const token = TOKEN;
    const fieldValue = FIELD_VALUE;
    // In long heads, field values are scanned four bytes at a time through a
    // DataView of the same memory (no copy): a word with nothing special in
    // it is skipped whole, anything else goes to the byte loop below.
    const words = limit - i >= 128 ? new DataView(bytes.buffer, bytes.byteOffset, limit) : null;
    const wordStop = limit - 4;
    const maxCount = this.options.maxHeaderCount;
    let count = this.fieldCount;
    let byte = 0;
    for (;;) {
      if (i >= limit) return this.exhausted(limit, end);
      byte = bytes[i];
      if (byte === CR) {
        if (i + 1 >= limit) return this.exhausted(limit, end);
        if (bytes[i + 1] !== LF) this.fail("BARE_CR", "CR not followed by LF", i + 1, bytes);
        this.fieldCount = count;
        return i + 2;
      }
      if (byte === LF) {
        if (!allowLfOnly) this.fail("BARE_LF", "line ends with a bare LF", i, bytes);
        this.fieldCount = count;
        return i + 1;
      }
      if (count === 0 && (byte === SP || byte === HTAB)) {
        this.fail(
          "LEADING_WHITESPACE",
          this.mode === TRAILERS
            ? "trailer section starts with whitespace"
            : "whitespace between the start line and the first header",
          i,
          bytes,
        );
      }
      if (count === maxCount) {
        this.fail("TOO_MANY_HEADERS", `more than ${maxCount} header fields`, i);
      }

      // field-name ":"
      const nameStart = i;
      while (
        token[bytes[i]] === 1 && token[bytes[i + 1]] === 1 && token[bytes[i + 2]] === 1 &&
        token[bytes[i + 3]] === 1
      ) i += 4;
      while (token[bytes[i]] === 1) i++;
      if (i >= limit) return this.exhausted(limit, end);
      if (bytes[i] !== COLON) {
        byte = bytes[i];
        if (i > nameStart && (byte === SP || byte === HTAB)) {
          // "Name : value" (RFC 9112 5.1) or "Na me: value" (not a token)?
          let after = i;
          while (after < limit && ((byte = bytes[after]) === SP || byte === HTAB)) after++;
          if (after >= limit) return this.exhausted(limit, end);
          if (bytes[after] === COLON) {
            this.fail("SPACE_BEFORE_COLON", "whitespace between header name and colon", i, bytes, [
              nameStart,
              i,
            ]);
          }
          this.fail("INVALID_HEADER_NAME", "whitespace in header name", i, bytes);
        }
        if (byte === CR || byte === LF) {
          this.fail("INVALID_HEADER_NAME", "header line without a colon", i, bytes);
        }
        this.fail("INVALID_HEADER_NAME", "invalid character in header name", i, bytes);
      }
      if (i === nameStart) this.fail("INVALID_HEADER_NAME", "empty header name", i, bytes);
      const nameEnd = i++;

      // OWS field-value OWS CRLF, with obs-fold in responses
      if (bytes[i] === SP) i++;
      while (i < limit && ((byte = bytes[i]) === SP || byte === HTAB)) i++;
      const valueStart = i;
      let lineEnd = 0;
      let folded = false;
      for (;;) {
        if (words !== null) {
          // a word holds only 0x20-0x7E unless it has a byte below 0x20, DEL, or above 0x7F
          while (i <= wordStop) {
            const x = words.getInt32(i, true);
            const y = x ^ 0x7f7f7f7f;
            if (((((x - 0x20202020) & ~x) | ((y - 0x01010101) & ~y) | x) & 0x80808080) !== 0) break;
            i += 4;
          }
        }
        while (fieldValue[bytes[i]] === 1) i++;
        if (i >= limit) return this.exhausted(limit, end);
        byte = bytes[i];
        let next = 0;
        if (byte === CR) {
          if (i + 1 >= limit) return this.exhausted(limit, end);
          if (bytes[i + 1] !== LF) {
            this.fail("BARE_CR", "CR not followed by LF", i + 1, bytes, [nameStart, nameEnd]);
          }
          next = i + 2;
        } else if (byte === LF) {
          if (!allowLfOnly) {
            this.fail("BARE_LF", "line ends with a bare LF", i, bytes, [nameStart, nameEnd]);
          }
          next = i + 1;
        } else if (fieldValue[byte] === 2) {
          this.nonAscii = true;
          i++;
          continue;
        } else {
          this.fail("INVALID_HEADER_VALUE", "invalid character in header value", i, bytes, [
            nameStart,
            nameEnd,
          ]);
        }
        lineEnd = i;
        if (next >= limit) return this.exhausted(limit, end);
        byte = bytes[next];
        if (byte !== SP && byte !== HTAB) {
          i = next;
          break;
        }
        if (!fold) {
          this.fail("OBS_FOLD", "header value folded over lines (obs-fold)", next, bytes, [
            nameStart,
            nameEnd,
          ]);
        }
        folded = true;
        i = next + 1;
      }
      let valueEnd = lineEnd;
      while (valueEnd > valueStart && ((byte = bytes[valueEnd - 1]) === SP || byte === HTAB)) {
        valueEnd--;
      }

      const at = count << 2;
      if (at + 4 > FIELDS.length) growFields();
      const fields = FIELDS;
      fields[at] = nameStart;
      fields[at + 1] = nameEnd;
      fields[at + 2] = valueStart;
      fields[at + 3] = valueEnd;
      if (folded) (this.folded ??= []).push(count);
      count++;
      const nameLength = nameEnd - nameStart;
      if (nameLength < 32 && SPECIAL[nameLength] === 1) {
        this.interpret(bytes, nameStart, nameLength, valueStart, valueEnd);
      }
    }
  }

  /** Records what a framing or connection field says. */
  private interpret(
    bytes: Uint8Array,
    name: number,
    length: number,
    start: number,
    end: number,
  ): void {
    const first = bytes[name] | 0x20;
    if (this.mode === TRAILERS) {
      if (
        (length === 14 && first === 0x63 && equalsLower(bytes, name, "content-length")) ||
        (length === 17 && first === 0x74 && equalsLower(bytes, name, "transfer-encoding")) ||
        (length === 4 && first === 0x68 && equalsLower(bytes, name, "host"))
      ) {
        this.fail("FORBIDDEN_TRAILER", "framing or routing field in trailers", name, bytes, [
          name,
          name + length,
        ]);
      }
      return;
    }
    switch (length) {
      case 14:
        if (first === 0x63 && equalsLower(bytes, name, "content-length") && !this.ignoreFraming) {
          this.contentLengthField(bytes, name, start, end);
        }
        return;
      case 17:
        if (
          first === 0x74 && equalsLower(bytes, name, "transfer-encoding") && !this.ignoreFraming
        ) {
          this.transferEncodingField(bytes, name, start, end);
        }
        return;
      case 10:
        if (first === 0x63 && equalsLower(bytes, name, "connection")) {
          this.connectionField(bytes, start, end);
        }
        return;
      case 7:
        if (first === 0x75 && equalsLower(bytes, name, "upgrade") && end > start) {
          this.upgradeSeen = true;
        }
        return;
      case 6:
        if (
          first === 0x65 && equalsLower(bytes, name, "expect") && end - start === 12 &&
          equalsLower(bytes, start, "100-continue")
        ) {
          this.expectContinue = true;
        }
        return;
    }
  }

  private contentLengthField(bytes: Uint8Array, name: number, start: number, end: number): void {
    const header: [number, number] = [name, name + 14];
    if (start === end) {
      this.failField(
        "INVALID_CONTENT_LENGTH",
        "empty value",
        start,
        latin1(bytes, name, name + 14, false),
      );
    }
    let value = 0;
    for (let i = start; i < end; i++) {
      const digit = bytes[i] - 0x30;
      if (digit < 0 || digit > 9) {
        this.fail("INVALID_CONTENT_LENGTH", "Content-Length is not a number", i, bytes, header);
      }
      value = value * 10 + digit;
      if (value > MAX_SAFE) {
        this.failField(
          "INVALID_CONTENT_LENGTH",
          "value too large",
          start,
          latin1(bytes, name, name + 14, false),
        );
      }
    }
    if (this.contentLength >= 0 && value !== this.contentLength) {
      this.failField(
        "CONFLICTING_CONTENT_LENGTH",
        `Content-Length ${value} contradicts ${this.contentLength}`,
        start,
        latin1(bytes, name, name + 14, false),
      );
    }
    if (this.contentLength < 0) {
      this.contentLengthAt = start;
      this.contentLengthNameAt = name;
    }
    this.contentLength = value;
  }

  private transferEncodingField(bytes: Uint8Array, name: number, start: number, end: number): void {
    const header: [number, number] = [name, name + 17];
    if (!this.teSeen) {
      this.teSeen = true;
      this.teAt = start;
      this.teNameAt = name;
    }
    // Strict: the value must be a list of codings with no empty element. RFC
    // 9110 5.6.1 has recipients skip empty elements in general, but in the
    // field that frames the body a stray comma is where parsers disagree.
    if (start === end) {
      this.failField(
        "INVALID_TRANSFER_ENCODING",
        "empty value",
        start,
        latin1(bytes, name, name + 17, false),
      );
    }
    let i = start;
    for (;;) {
      let byte = 0;
      const coding = i;
      while (i < end && TOKEN[bytes[i]] === 1) i++;
      if (i === coding) {
        this.fail(
          "INVALID_TRANSFER_ENCODING",
          i < end && bytes[i] === COMMA ? "empty list element" : "invalid transfer coding",
          i,
          bytes,
          header,
        );
      }
      const codingEnd = i;
      while (i < end && ((byte = bytes[i]) === SP || byte === HTAB)) i++;
      const chunked = codingEnd - coding === 7 && equalsLower(bytes, coding, "chunked");
      if (i < end && bytes[i] === 0x3b) {
        if (chunked) {
          this.fail("INVALID_TRANSFER_ENCODING", "chunked takes no parameters", i, bytes, header);
        }
        i = this.skipParameters(bytes, i, end, header);
      }
      if (i < end && bytes[i] !== COMMA) {
        this.fail(
          "INVALID_TRANSFER_ENCODING",
          "transfer codings not separated by commas",
          i,
          bytes,
          header,
        );
      }
      this.teCodings++;
      if (chunked) {
        if (this.teChunked) {
          this.fail(
            "INVALID_TRANSFER_ENCODING",
            "chunked applied more than once",
            coding,
            bytes,
            header,
          );
        }
        this.teChunked = true;
        this.teLastChunked = true;
      } else {
        this.teLastChunked = false;
        if (this.teOtherAt < 0) this.teOtherAt = coding;
      }
      const last = i >= end;
      if (!last) {
        i++; // ","
        while (i < end && ((byte = bytes[i]) === SP || byte === HTAB)) i++;
        if (i >= end) {
          this.fail("INVALID_TRANSFER_ENCODING", "empty list element", i, bytes, header);
        }
      }
      if (last) return;
    }
  }

  /** Skips `*( OWS ";" OWS token "=" ( token / quoted-string ) )` from `i`. */
  private skipParameters(
    bytes: Uint8Array,
    i: number,
    end: number,
    header: [number, number],
  ): number {
    let byte = 0;
    while (i < end && bytes[i] === 0x3b) {
      i++;
      while (i < end && ((byte = bytes[i]) === SP || byte === HTAB)) i++;
      const name = i;
      while (i < end && TOKEN[bytes[i]] === 1) i++;
      if (i === name || i >= end || bytes[i] !== 0x3d) {
        this.fail(
          "INVALID_TRANSFER_ENCODING",
          "invalid transfer coding parameter",
          i,
          bytes,
          header,
        );
      }
      i++;
      if (i < end && bytes[i] === DQUOTE) {
        i = this.skipQuoted(bytes, i, end, "INVALID_TRANSFER_ENCODING", header);
      } else {
        const value = i;
        while (i < end && TOKEN[bytes[i]] === 1) i++;
        if (i === value) {
          this.fail(
            "INVALID_TRANSFER_ENCODING",
            "invalid transfer coding parameter",
            i,
            bytes,
            header,
          );
        }
      }
      while (i < end && ((byte = bytes[i]) === SP || byte === HTAB)) i++;
    }
    return i;
  }

  /** Skips a quoted-string starting at the DQUOTE at `i`; returns the index after it. */
  skipQuoted(
    bytes: Uint8Array,
    i: number,
    end: number,
    code: HttpErrorCode,
    header?: [number, number],
  ): number {
    i++;
    while (i < end) {
      const byte = bytes[i];
      if (byte === DQUOTE) return i + 1;
      if (byte === BACKSLASH) {
        if (i + 1 >= end || FIELD_VALUE[bytes[i + 1]] === 0) {
          this.fail(code, "invalid quoted-pair", i + 1, bytes, header);
        }
        i += 2;
      } else if (QDTEXT[byte] === 1) i++;
      else this.fail(code, "invalid character in quoted-string", i, bytes, header);
    }
    return this.fail(code, "unterminated quoted-string", end, bytes, header);
  }

  private connectionField(bytes: Uint8Array, start: number, end: number): void {
    let i = start;
    while (i < end) {
      let byte = 0;
      while (i < end && ((byte = bytes[i]) === SP || byte === HTAB || byte === COMMA)) i++;
      const option = i;
      while (i < end && bytes[i] !== COMMA) i++;
      let optionEnd = i;
      while (optionEnd > option && ((byte = bytes[optionEnd - 1]) === SP || byte === HTAB)) {
        optionEnd--;
      }
      const length = optionEnd - option;
      if (length === 5 && equalsLower(bytes, option, "close")) this.connectionClose = true;
      else if (length === 10 && equalsLower(bytes, option, "keep-alive")) {
        this.connectionKeepAlive = true;
      } else if (length === 7 && equalsLower(bytes, option, "upgrade")) {
        this.connectionUpgrade = true;
      }
    }
  }

  // ---------------------------------------------------------------- results

  /** The Content-Length field name as received. */
  contentLengthName(bytes: Uint8Array): string {
    return latin1(bytes, this.contentLengthNameAt, this.contentLengthNameAt + 14, false);
  }

  /** The method of the parsed request, as a string. */
  method(text: string): string {
    const start = this.methodStart;
    const end = this.methodEnd;
    return text.slice(start - this.headStart, end - this.headStart);
  }

  /** The version string of the parsed head. */
  version(): string {
    return VERSIONS[this.minor];
  }

  /** Whether the parsed message lets the connection persist (RFC 9112 9.3). */
  persistent(): boolean {
    if (this.connectionClose) return false;
    return this.minor >= 1 || this.connectionKeepAlive;
  }

  /**
   * Decodes the head once and cuts the method/target or reason and the fields
   * out of it. `end` is the index past the head.
   */
  build(bytes: Uint8Array, end: number, headers: HeaderList): string {
    const base = this.headStart;
    const text = latin1(bytes, base, end, !this.nonAscii);
    const fields = FIELDS;
    const count = this.fieldCount;
    for (let k = 0, at = 0; k < count; k++, at += 4) {
      headers.push([
        text.slice(fields[at] - base, fields[at + 1] - base),
        text.slice(fields[at + 2] - base, fields[at + 3] - base),
      ]);
    }
    if (this.folded !== null) {
      for (const k of this.folded) headers[k][1] = unfold(headers[k][1]);
    }
    return text;
  }

  /** Checks the framing fields of a request and says how its body is delimited. */
  requestBody(bytes: Uint8Array): Body {
    const connect = this.methodEnd - this.methodStart === 7 && isConnect(bytes, this.methodStart);
    if (this.teSeen) {
      this.checkTransferEncoding(bytes, true);
      if (connect) {
        this.failField(
          "CONNECT_WITH_BODY",
          "CONNECT request with a body",
          this.teAt,
          latin1(bytes, this.teNameAt, this.teNameAt + 17, false),
        );
      }
      return BODY_CHUNKED;
    }
    if (this.contentLength > 0 && connect) {
      this.failField(
        "CONNECT_WITH_BODY",
        "CONNECT request with a body",
        this.contentLengthAt,
        this.contentLengthName(bytes),
      );
    }
    return this.contentLength > 0 ? BODY_LENGTH : BODY_NONE;
  }

  /** Checks the framing fields of a response and says how its body is delimited. */
  responseBody(bytes: Uint8Array, bodiless: boolean): Body {
    if (this.teSeen) {
      this.checkTransferEncoding(bytes, false);
      return bodiless ? BODY_NONE : BODY_CHUNKED;
    }
    if (bodiless) return BODY_NONE;
    if (this.contentLength >= 0) return this.contentLength > 0 ? BODY_LENGTH : BODY_NONE;
    return BODY_UNTIL_CLOSE;
  }

  private checkTransferEncoding(bytes: Uint8Array, request: boolean): void {
    const at = this.teAt;
    const name = latin1(bytes, this.teNameAt, this.teNameAt + 17, false);
    if (this.minor === 0) {
      this.failField(
        "TRANSFER_ENCODING_IN_HTTP10",
        "framing of an HTTP/1.0 message",
        at,
        name,
      );
    }
    if (this.contentLength >= 0) {
      this.failField(
        "CONTENT_LENGTH_WITH_TRANSFER_ENCODING",
        "Transfer-Encoding with Content-Length",
        at,
        name,
      );
    }
    if (this.teCodings === 0) {
      this.failField("INVALID_TRANSFER_ENCODING", "no transfer coding", at, name);
    }
    if (request && !this.teLastChunked) {
      this.failField(
        "CHUNKED_NOT_LAST",
        "chunked is not the last transfer coding",
        at,
        name,
      );
    }
    if (this.teOtherAt >= 0) {
      this.failField(
        "UNSUPPORTED_TRANSFER_ENCODING",
        "transfer coding other than chunked",
        this.teOtherAt,
        name,
      );
    }
  }
}

/** The parser every reader uses. */
export const HEAD_PARSER: HeadParser = new HeadParser();

/** Replaces each obs-fold (OWS CRLF RWS) with one SP and trims the ends (RFC 9112 5.2). */
function unfold(value: string): string {
  return trimOws(value.replace(/[ \t]*\r?\n[ \t]+/g, " "));
}

function isConnect(bytes: Uint8Array, at: number): boolean {
  return bytes[at] === 0x43 && bytes[at + 1] === 0x4f && bytes[at + 2] === 0x4e &&
    bytes[at + 3] === 0x4e && bytes[at + 4] === 0x45 && bytes[at + 5] === 0x43 &&
    bytes[at + 6] === 0x54;
}
