/**
 * {@linkcode MessageReader}: one direction of an HTTP/1.1 connection, bytes in,
 * events out. It finds each head, decides the body framing (RFC 9112 6.3),
 * de-chunks, enforces every limit, and hands body data out as views of the
 * bytes it was given. `Connection` pairs a reader with the writers and the
 * state table; `parseMessages` drives a reader over captured bytes.
 *
 * Buffering: the reader borrows the array given to `receive()` and copies only
 * what it must keep across calls: the start of a head, a chunk-size line or a
 * trailer section cut by the end of the array. Body bytes are never copied.
 *
 * This module is browser compatible.
 *
 * @example Reading a response to a HEAD request
 * ```ts
 * import { MessageReader } from "./readers.ts";
 *
 * const reader = new MessageReader("response");
 * reader.requestMethod = "HEAD";
 * reader.receive(new TextEncoder().encode("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"));
 * const head = reader.next();
 * console.assert(head.type === "response" && head.contentLength === 0);
 * console.assert(reader.next().type === "end");
 * ```
 *
 * @module
 */

import { CR, EMPTY, LF } from "./_bytes.ts";
import {
  type Body,
  BODY_CHUNKED,
  BODY_LENGTH,
  BODY_NONE,
  BODY_UNTIL_CLOSE,
  HEAD_PARSER as head,
  INCOMPLETE,
  ONLY_EMPTY_LINES,
} from "./_head.ts";
import { CHUNK_LINE_INCOMPLETE, ChunkLine } from "./chunked.ts";
import { HttpError } from "./errors.ts";
import {
  CONNECTION_CLOSED,
  type Http1Event,
  MESSAGE_END,
  NEED_DATA,
  type NeedData,
  type RequestHead,
  type ResponseHead,
} from "./events.ts";

/** Limits and leniencies of a reader. Every limit has a safe default. */
export interface ReaderOptions {
  /** Bytes of a head: start line, header lines and the final CRLF (default 16384, like Node). */
  maxHeaderSize?: number;
  /** Header fields in a head, and trailer fields in a trailer section (default 100). */
  maxHeaderCount?: number;
  /** Bytes of a request-target (default 8192). Past it: `TARGET_TOO_LONG` (414). */
  maxTargetLength?: number;
  /** Bytes of chunk extensions in one message, all chunks together (default 16384). */
  maxChunkExtensionSize?: number;
  /** Bytes of a trailer section (default 16384). */
  maxTrailerSize?: number;
  /** Bytes of one message body (default: no limit, bodies stream through). */
  maxBodySize?: number;
  /**
   * Bytes the reader keeps when `receive()` is called before the previous bytes
   * were consumed (a peer pipelining while we are paused; default 1 MiB).
   */
  maxBufferedSize?: number;
  /**
   * Accept a bare LF as the end of a start line or header line (RFC 9112 2.2
   * allows it as an option). Never applies to chunked framing. Default false.
   */
  allowLfOnly?: boolean;
  /**
   * Accept the visible characters RFC 3986 wants percent-encoded (`"<>\^\`{|}`)
   * in a request-target, as some browsers send in queries. Default false.
   */
  allowUnsafeTargetChars?: boolean;
}

/** {@linkcode ReaderOptions} with every default filled in. */
export type ResolvedReaderOptions = Required<ReaderOptions>;

/**
 * The default limits.
 *
 * @example
 * ```ts
 * import { DEFAULT_READER_OPTIONS } from "./readers.ts";
 *
 * console.assert(DEFAULT_READER_OPTIONS.maxHeaderSize === 16384);
 * ```
 */
export const DEFAULT_READER_OPTIONS: Readonly<ResolvedReaderOptions> = Object.freeze({
  maxHeaderSize: 16384,
  maxHeaderCount: 100,
  maxTargetLength: 8192,
  maxChunkExtensionSize: 16384,
  maxTrailerSize: 16384,
  maxBodySize: Infinity,
  maxBufferedSize: 1 << 20,
  allowLfOnly: false,
  allowUnsafeTargetChars: false,
});

/**
 * Fills in defaults and checks each option.
 *
 * @param options what the caller gave
 * @returns every option with a value
 *
 * @example
 * ```ts
 * import { resolveReaderOptions } from "./readers.ts";
 *
 * console.assert(resolveReaderOptions({ maxHeaderCount: 10 }).maxHeaderSize === 16384);
 * ```
 */
export function resolveReaderOptions(options: ReaderOptions = {}): Readonly<ResolvedReaderOptions> {
  let given = false;
  for (const key in options) {
    if (options[key as keyof ReaderOptions] !== undefined) given = true;
  }
  if (!given) return DEFAULT_READER_OPTIONS; // shared: frozen, nothing to copy
  const resolved = { ...DEFAULT_READER_OPTIONS };
  for (const key of Object.keys(DEFAULT_READER_OPTIONS) as Array<keyof ReaderOptions>) {
    const value = options[key];
    if (value === undefined) continue;
    if (typeof DEFAULT_READER_OPTIONS[key] === "boolean") {
      if (typeof value !== "boolean") {
        throw new HttpError("INVALID_ARGUMENT", `option ${key} must be a boolean`);
      }
    } else if (
      typeof value !== "number" || !(value >= 1) ||
      (!Number.isSafeInteger(value) && value !== Infinity)
    ) {
      throw new HttpError("INVALID_ARGUMENT", `option ${key} must be a positive integer`);
    }
    (resolved as Record<string, unknown>)[key] = value;
  }
  return resolved;
}

// Phases of the reader.
const HEAD = 0;
const LENGTH = 1;
const CHUNK_LINE = 2;
const CHUNK_DATA = 3;
const CHUNK_CRLF = 4;
const TRAILERS = 5;
const UNTIL_CLOSE = 6;
const END = 7;
const STOPPED = 8;
const CLOSED = 9;
const FAILED = 10;

// What a pending (cut) element is.
const NOTHING = 0;
const PENDING_HEAD = 1;
const PENDING_CHUNK_LINE = 2;
const PENDING_TRAILERS = 3;

/**
 * Reads the messages of one direction of a connection. Feed bytes with
 * `receive()`, the end of the stream with `receiveEnd()`, and pull events
 * with `next()` until it returns `NEED_DATA`. A protocol violation throws an
 * {@linkcode HttpError}; the reader then stays failed.
 *
 * After a message that ends HTTP on the connection (one that is not
 * keep-alive, a `CONNECT` request, a 101 or a 2xx answer to `CONNECT`) the
 * reader stops: `stopped` is true and `takeRest()` returns the bytes after it.
 *
 * @example Reading a chunked request
 * ```ts
 * import { MessageReader } from "./readers.ts";
 *
 * const reader = new MessageReader("request");
 * reader.receive(new TextEncoder().encode(
 *   "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
 * ));
 * const types = [];
 * for (let event = reader.next(); event.type !== "need-data"; event = reader.next()) {
 *   types.push(event.type);
 * }
 * console.log(types); // ["request", "data", "end"]
 * ```
 */
export class MessageReader {
  /** Whether this reader reads requests (a server's) or responses (a client's). */
  readonly kind: "request" | "response";
  /**
   * Responses only: the method of the request the next response answers
   * (`HEAD` and `CONNECT` change the framing), or `null` when no request is
   * outstanding, which makes a response an `UNEXPECTED_RESPONSE`.
   */
  requestMethod: string | null = null;

  private readonly options: Readonly<ResolvedReaderOptions>;
  private readonly chunk: ChunkLine;

  // The bytes last given to receive(), borrowed.
  private ext: Uint8Array = EMPTY;
  private extPos = 0;
  private extEnd = 0;
  private extBase = 0;
  // Bytes the reader owns: a cut element, or bytes kept before a receive().
  private acc: Uint8Array = EMPTY;
  private accPos = 0;
  private accEnd = 0;
  private accBase = 0;
  private received = 0;
  private eof = false;

  private phase = HEAD;
  private remaining = 0;
  private bodySize = 0;
  private crlf = 0;
  private stopAfter = false;
  private discard = false;
  private error: HttpError | null = null;

  private pending = NOTHING;
  private pendingLimit = 0;
  private scanLineStart = 0;
  private scanSeenLine = false;

  /**
   * Creates a reader.
   *
   * @param kind `"request"` to read what a client sends, `"response"` for what a server sends
   * @param options limits and leniencies
   */
  constructor(kind: "request" | "response", options: ReaderOptions = {}) {
    if (kind !== "request" && kind !== "response") {
      throw new HttpError("INVALID_ARGUMENT", `kind must be "request" or "response"`);
    }
    this.kind = kind;
    this.options = resolveReaderOptions(options);
    this.chunk = new ChunkLine(this.options.maxChunkExtensionSize);
  }

  /**
   * Forgets everything received, as if the reader were new (the options
   * stay). `requestMethod` becomes `null`.
   */
  reset(): void {
    this.requestMethod = null;
    this.ext = EMPTY;
    this.extPos = this.extEnd = this.extBase = 0;
    if (this.acc.length > 16384) this.acc = EMPTY;
    this.accPos = this.accEnd = this.accBase = 0;
    this.received = 0;
    this.eof = false;
    this.phase = HEAD;
    this.remaining = this.bodySize = this.crlf = 0;
    this.stopAfter = this.discard = false;
    this.error = null;
    this.pending = NOTHING;
  }

  /** The reader stopped after a message that ends HTTP on the connection. */
  get stopped(): boolean {
    return this.phase === STOPPED;
  }

  /** Bytes received and not yet consumed. */
  get buffered(): number {
    return this.accEnd - this.accPos + this.extEnd - this.extPos;
  }

  /**
   * Gives the reader the next bytes of the stream. The reader borrows `bytes`
   * until `next()` returns `NEED_DATA`: do not change them before. Calling
   * `receive()` earlier makes the reader copy what it has not consumed yet.
   *
   * @param bytes the next bytes received
   */
  receive(bytes: Uint8Array): void {
    if (this.eof) throw new HttpError("INVALID_STATE", "receive() after receiveEnd()");
    if (this.extPos < this.extEnd && !this.discard) {
      if (this.accEnd - this.accPos + this.extEnd - this.extPos > this.options.maxBufferedSize) {
        throw new HttpError(
          "INVALID_STATE",
          `more than ${this.options.maxBufferedSize} bytes received while paused`,
        );
      }
      this.keep(this.ext, this.extPos, this.extEnd);
    }
    if (this.accPos === this.accEnd && this.pending === NOTHING) {
      this.accPos = this.accEnd = 0;
      if (this.acc.length > 16384) this.acc = EMPTY;
    }
    this.extBase = this.received;
    this.received += bytes.length;
    if (this.discard) {
      this.ext = EMPTY;
      this.extPos = this.extEnd = 0;
      return;
    }
    this.ext = bytes;
    this.extPos = 0;
    this.extEnd = bytes.length;
  }

  /** Tells the reader that the stream ended (the peer closed its side). */
  receiveEnd(): void {
    this.eof = true;
  }

  /**
   * Returns the next event, or `NEED_DATA` when more bytes are needed.
   *
   * @returns an event or `NEED_DATA`
   * @throws {HttpError} when the bytes break HTTP/1.1 (and on every call after)
   */
  next(): Http1Event | NeedData {
    if (this.error !== null) throw this.error;
    try {
      return this.step();
    } catch (error) {
      this.phase = FAILED;
      this.error = error instanceof HttpError ? error : new HttpError(
        "INTERNAL_ERROR",
        `parser failure: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
      throw this.error;
    }
  }

  /**
   * After the reader stopped: hands over the bytes received after the last
   * message, in order, and forgets them. Bytes the reader had to keep are
   * copied; the others are views of what `receive()` was given.
   *
   * @returns the remaining bytes, in up to two pieces
   */
  takeRest(): Uint8Array[] {
    const parts: Uint8Array[] = [];
    if (this.accPos < this.accEnd) parts.push(this.acc.slice(this.accPos, this.accEnd));
    if (this.extPos < this.extEnd) parts.push(this.ext.subarray(this.extPos, this.extEnd));
    this.accPos = this.accEnd;
    this.extPos = this.extEnd;
    return parts;
  }

  /**
   * Goes on reading HTTP after a stop (the server declined a CONNECT or an
   * upgrade). Does nothing unless the reader stopped.
   */
  resume(): void {
    if (this.phase === STOPPED && !this.discard) this.phase = HEAD;
  }

  /** Stops reading for good: later bytes are dropped, not kept (the connection will close). */
  stopForGood(): void {
    if (this.phase !== FAILED) this.phase = STOPPED;
    this.discard = true;
    this.accPos = this.accEnd;
    this.extPos = this.extEnd;
  }

  // ---------------------------------------------------------------- steps

  /** One step of the phase the reader is in. */
  private step(): Http1Event | NeedData {
    switch (this.phase) {
      case HEAD:
        return this.readHead();
      case LENGTH:
      case CHUNK_DATA:
      case UNTIL_CLOSE:
        return this.readBody();
      case CHUNK_LINE:
        return this.readChunkLine();
      case CHUNK_CRLF:
        return this.readChunkEnd();
      case TRAILERS:
        return this.readTrailers();
      case END:
        return this.endMessage();
      case CLOSED:
        return CONNECTION_CLOSED;
      default: // STOPPED: only the end of the stream is news
        if (!this.eof) return NEED_DATA;
        this.phase = CLOSED;
        return CONNECTION_CLOSED;
    }
  }

  /** The end of a message; the reader stops or waits for the next head. */
  private endMessage(): Http1Event {
    this.phase = this.stopAfter ? STOPPED : HEAD;
    return MESSAGE_END;
  }

  /** Parses the next head where it starts: in the kept bytes or in the received ones. */
  private readHead(): Http1Event | NeedData {
    if (this.pending !== NOTHING) return this.continuePending();
    let bytes: Uint8Array;
    let start: number;
    let end: number;
    let base: number;
    const inAcc = this.accPos < this.accEnd;
    if (inAcc) {
      bytes = this.acc;
      start = this.accPos;
      end = this.accEnd;
      base = this.accBase;
    } else if (this.extPos < this.extEnd) {
      bytes = this.ext;
      start = this.extPos;
      end = this.extEnd;
      base = this.extBase;
    } else {
      if (!this.eof) return NEED_DATA;
      this.phase = CLOSED;
      return CONNECTION_CLOSED;
    }
    const stop = this.parseHead(bytes, start, end, base);
    if (stop >= 0) {
      if (inAcc) this.accPos = stop;
      else this.extPos = stop;
      return this.headEvent(bytes, stop);
    }
    return this.beginPending(PENDING_HEAD, inAcc, this.options.maxHeaderSize);
  }

  /** Parses a request or response head in `bytes[start, end)`. */
  private parseHead(bytes: Uint8Array, start: number, end: number, base: number): number {
    if (this.kind === "request") return head.parseRequest(bytes, start, end, base, this.options);
    const method = this.requestMethod;
    if (method === null) {
      throw new HttpError(
        "UNEXPECTED_RESPONSE",
        `response with no request outstanding at offset ${base + start}`,
        { offset: base + start },
      );
    }
    return head.parseResponse(bytes, start, end, base, method === "CONNECT", this.options);
  }

  /** Builds the head event from the parsed head and sets up the body. */
  private headEvent(bytes: Uint8Array, stop: number): RequestHead | ResponseHead {
    const headers: Array<[string, string]> = [];
    const text = head.build(bytes, stop, headers);
    const base = head.headStart;
    const version = head.version();
    this.bodySize = 0;
    if (this.kind === "request") {
      const method = head.method(text);
      const target = text.slice(head.targetStart - base, head.targetEnd - base);
      const body = head.requestBody(bytes);
      const keepAlive = head.persistent();
      const connect = method === "CONNECT";
      const modern = head.minor >= 1;
      this.stopAfter = !keepAlive || connect;
      this.beginBody(body, bytes);
      return {
        type: "request",
        method,
        target,
        version,
        headers,
        keepAlive,
        expectContinue: modern && head.expectContinue,
        upgrade: connect || (modern && head.upgradeSeen && head.connectionUpgrade),
        contentLength: body === BODY_CHUNKED ? null : body === BODY_LENGTH ? head.contentLength : 0,
        chunked: body === BODY_CHUNKED,
      };
    }
    const status = head.status;
    const reason = text.slice(head.reasonStart - base, head.reasonEnd - base);
    const method = this.requestMethod;
    const informational = status < 200;
    const upgrade = status === 101 || (method === "CONNECT" && status >= 200 && status < 300);
    const bodiless = informational || upgrade || status === 204 || status === 304 ||
      method === "HEAD";
    const body = head.responseBody(bytes, bodiless);
    const keepAlive = head.persistent() && body !== BODY_UNTIL_CLOSE;
    this.stopAfter = upgrade || (!keepAlive && !informational);
    this.beginBody(body, bytes);
    return {
      type: "response",
      status,
      reason,
      version,
      headers,
      keepAlive,
      upgrade,
      contentLength: body === BODY_CHUNKED || body === BODY_UNTIL_CLOSE
        ? null
        : body === BODY_LENGTH
        ? head.contentLength
        : 0,
      chunked: body === BODY_CHUNKED,
    };
  }

  /** Sets the phase for how the body is delimited. */
  private beginBody(body: Body, bytes: Uint8Array): void {
    switch (body) {
      case BODY_NONE:
        this.phase = END;
        return;
      case BODY_LENGTH: {
        const length = head.contentLength;
        if (length > this.options.maxBodySize) {
          head.failField(
            "BODY_TOO_LARGE",
            `Content-Length ${length} exceeds the limit of ${this.options.maxBodySize} bytes`,
            head.contentLengthAt,
            head.contentLengthName(bytes),
          );
        }
        this.remaining = length;
        this.phase = LENGTH;
        return;
      }
      case BODY_CHUNKED:
        this.chunk.reset();
        this.phase = CHUNK_LINE;
        return;
      default:
        this.phase = UNTIL_CLOSE;
    }
  }

  /** Hands out body bytes as a view: Content-Length, chunk data, or until close. */
  private readBody(): Http1Event | NeedData {
    let bytes: Uint8Array;
    let start: number;
    let available: number;
    const inAcc = this.accPos < this.accEnd;
    if (inAcc) {
      bytes = this.acc;
      start = this.accPos;
      available = this.accEnd - start;
    } else {
      bytes = this.ext;
      start = this.extPos;
      available = this.extEnd - start;
    }
    if (available === 0) {
      if (!this.eof) return NEED_DATA;
      if (this.phase === UNTIL_CLOSE) {
        this.phase = END;
        return this.endMessage();
      }
      throw this.truncated();
    }
    let take = available;
    if (this.phase === UNTIL_CLOSE) {
      this.bodySize += take;
      if (this.bodySize > this.options.maxBodySize) {
        const offset = (inAcc ? this.accBase : this.extBase) + start + take -
          (this.bodySize - this.options.maxBodySize);
        throw new HttpError(
          "BODY_TOO_LARGE",
          `body longer than ${this.options.maxBodySize} bytes at offset ${offset}`,
          { offset },
        );
      }
    } else {
      if (take > this.remaining) take = this.remaining;
      this.remaining -= take;
      if (this.remaining === 0) this.phase = this.phase === LENGTH ? END : CHUNK_CRLF;
    }
    if (inAcc) this.accPos += take;
    else this.extPos += take;
    // a view, not a copy (the constructor is cheaper than subarray())
    return { type: "data", data: new Uint8Array(bytes.buffer, bytes.byteOffset + start, take) };
  }

  /** Checks the CRLF after chunk data, one byte at a time. */
  private readChunkEnd(): Http1Event | NeedData {
    while (this.crlf < 2) {
      let bytes: Uint8Array;
      let at: number;
      let base: number;
      if (this.accPos < this.accEnd) {
        bytes = this.acc;
        at = this.accPos++;
        base = this.accBase;
      } else if (this.extPos < this.extEnd) {
        bytes = this.ext;
        at = this.extPos++;
        base = this.extBase;
      } else {
        if (this.eof) throw this.truncated();
        return NEED_DATA;
      }
      const expected = this.crlf === 0 ? CR : LF;
      if (bytes[at] !== expected) {
        const offset = base + at;
        throw new HttpError(
          "INVALID_CHUNK",
          `chunk data not followed by CRLF at offset ${offset}`,
          { offset, char: String.fromCharCode(bytes[at]) },
        );
      }
      this.crlf++;
    }
    this.crlf = 0;
    this.phase = CHUNK_LINE;
    return this.readChunkLine();
  }

  /** Parses the next chunk-size line. */
  private readChunkLine(): Http1Event | NeedData {
    if (this.pending !== NOTHING) return this.continuePending();
    let bytes: Uint8Array;
    let start: number;
    let end: number;
    let base: number;
    const inAcc = this.accPos < this.accEnd;
    if (inAcc) {
      bytes = this.acc;
      start = this.accPos;
      end = this.accEnd;
      base = this.accBase;
    } else if (this.extPos < this.extEnd) {
      bytes = this.ext;
      start = this.extPos;
      end = this.extEnd;
      base = this.extBase;
    } else {
      if (this.eof) throw this.truncated();
      return NEED_DATA;
    }
    const stop = this.chunk.parse(bytes, start, end, base);
    if (stop >= 0) {
      if (inAcc) this.accPos = stop;
      else this.extPos = stop;
      return this.afterChunkLine(base + start);
    }
    return this.beginPending(
      PENDING_CHUNK_LINE,
      inAcc,
      16 + this.chunk.extensionBudget + 2,
    );
  }

  /** After a chunk-size line: data, or the trailer section after the last chunk. */
  private afterChunkLine(offset: number): Http1Event | NeedData {
    const size = this.chunk.size;
    if (size === 0) {
      this.phase = TRAILERS;
      return this.readTrailers();
    }
    this.bodySize += size;
    if (this.bodySize > this.options.maxBodySize) {
      throw new HttpError(
        "BODY_TOO_LARGE",
        `body longer than ${this.options.maxBodySize} bytes (chunk at offset ${offset})`,
        { offset },
      );
    }
    this.remaining = size;
    this.phase = CHUNK_DATA;
    return this.readBody();
  }

  /** Parses the trailer section. */
  private readTrailers(): Http1Event | NeedData {
    if (this.pending !== NOTHING) return this.continuePending();
    let bytes: Uint8Array;
    let start: number;
    let end: number;
    let base: number;
    const inAcc = this.accPos < this.accEnd;
    if (inAcc) {
      bytes = this.acc;
      start = this.accPos;
      end = this.accEnd;
      base = this.accBase;
    } else if (this.extPos < this.extEnd) {
      bytes = this.ext;
      start = this.extPos;
      end = this.extEnd;
      base = this.extBase;
    } else {
      if (this.eof) throw this.truncated();
      return NEED_DATA;
    }
    // The common case: no trailers, just CRLF.
    if (end - start >= 2 && bytes[start] === CR && bytes[start + 1] === LF) {
      if (inAcc) this.accPos = start + 2;
      else this.extPos = start + 2;
      this.phase = END;
      return this.endMessage();
    }
    const stop = head.parseTrailers(
      bytes,
      start,
      end,
      base,
      this.kind === "response",
      this.options,
    );
    if (stop >= 0) {
      if (inAcc) this.accPos = stop;
      else this.extPos = stop;
      return this.trailersEvent(bytes, stop);
    }
    return this.beginPending(PENDING_TRAILERS, inAcc, this.options.maxTrailerSize);
  }

  /** The trailers event (or the end, when there are none). */
  private trailersEvent(bytes: Uint8Array, stop: number): Http1Event {
    this.phase = END;
    if (head.fieldCount === 0) return this.endMessage();
    const trailers: Array<[string, string]> = [];
    head.build(bytes, stop, trailers);
    return { type: "trailers", trailers };
  }

  /** The error for a stream that ended inside a message. */
  private truncated(): HttpError {
    const offset = this.received;
    return new HttpError(
      "INCOMPLETE_MESSAGE",
      `the stream ended inside a message at offset ${offset}`,
      { offset },
    );
  }

  // ---------------------------------------------------------------- cut elements

  /**
   * An element (head, chunk line, trailers) is cut by the end of the bytes:
   * keep it in `acc` and look for its end in the bytes that follow, scanning
   * them once, so a head fed byte by byte still costs linear time.
   */
  private beginPending(kind: number, inAcc: boolean, limit: number): Http1Event | NeedData {
    if (!inAcc) {
      this.keep(this.ext, this.extPos, this.extEnd);
      this.extPos = this.extEnd;
    }
    this.pending = kind;
    this.pendingLimit = limit;
    this.scanLineStart = 0;
    this.scanSeenLine = false;
    // The element has no end inside acc (the parse said so); learn where its last line starts.
    this.scan(this.acc, this.accPos, this.accEnd, 0);
    return this.continuePending();
  }

  /** Looks for the end of a cut element in the new bytes, keeping them meanwhile. */
  private continuePending(): Http1Event | NeedData {
    if (this.extPos < this.extEnd) {
      const length = this.accEnd - this.accPos;
      const found = this.scan(this.ext, this.extPos, this.extEnd, length);
      if (found >= 0) {
        this.keep(this.ext, this.extPos, found);
        this.extPos = found;
        return this.finishPending(false);
      }
      const room = this.pendingLimit - length + 1;
      const take = Math.min(this.extEnd - this.extPos, Math.max(room, 0));
      this.keep(this.ext, this.extPos, this.extPos + take);
      this.extPos += take;
      if (this.accEnd - this.accPos > this.pendingLimit) return this.finishPending(false);
    }
    if (this.eof) return this.finishPending(true);
    return NEED_DATA;
  }

  /** Parses a cut element once its end (or the end of the stream) is there. */
  private finishPending(final: boolean): Http1Event | NeedData {
    const kind = this.pending;
    this.pending = NOTHING;
    const bytes = this.acc;
    const start = this.accPos;
    const end = this.accEnd;
    const base = this.accBase;
    let stop: number;
    if (kind === PENDING_HEAD) stop = this.parseHead(bytes, start, end, base);
    else if (kind === PENDING_CHUNK_LINE) stop = this.chunk.parse(bytes, start, end, base);
    else stop = head.parseTrailers(bytes, start, end, base, this.kind === "response", this.options);
    if (stop >= 0) {
      this.accPos = stop;
      if (kind === PENDING_HEAD) return this.headEvent(bytes, stop);
      if (kind === PENDING_CHUNK_LINE) return this.afterChunkLine(base + start);
      return this.trailersEvent(bytes, stop);
    }
    if (!final) {
      throw new HttpError("INTERNAL_ERROR", "a complete element did not parse as complete");
    }
    if (kind === PENDING_HEAD && stop === ONLY_EMPTY_LINES) {
      this.accPos = this.accEnd;
      this.phase = CLOSED;
      return CONNECTION_CLOSED;
    }
    if (stop === INCOMPLETE || stop === CHUNK_LINE_INCOMPLETE || stop === ONLY_EMPTY_LINES) {
      throw this.truncated();
    }
    throw new HttpError("INTERNAL_ERROR", "unexpected parse result");
  }

  /**
   * Looks for the end of the pending element in `bytes[from, to)`, where
   * `bytes[from]` is byte `offset` of the element. Returns the index past the
   * element's end, or past a line end that breaks the rules (a bare LF) so
   * that the parser reports it, or -1.
   */
  private scan(bytes: Uint8Array, from: number, to: number, offset: number): number {
    const kind = this.pending;
    const lfOnly = kind === PENDING_HEAD && this.options.allowLfOnly;
    for (let i = from;;) {
      const lf = bytes.indexOf(LF, i);
      if (lf < 0 || lf >= to) return -1;
      const position = offset + (lf - from);
      if (kind === PENDING_CHUNK_LINE) return lf + 1;
      const afterCr = lf > from
        ? bytes[lf - 1] === CR
        : offset > 0 && this.acc[this.accEnd - 1] === CR;
      if (!afterCr && !lfOnly) return lf + 1;
      const empty = position - (afterCr ? 1 : 0) === this.scanLineStart;
      if (empty) {
        const leading = kind === PENDING_HEAD && this.kind === "request" && !this.scanSeenLine;
        if (!leading) return lf + 1;
      } else this.scanSeenLine = true;
      this.scanLineStart = position + 1;
      i = lf + 1;
    }
  }

  /** Appends `bytes[from, to)` to the owned buffer (never moving bytes already handed out). */
  private keep(bytes: Uint8Array, from: number, to: number): void {
    const length = to - from;
    if (length <= 0) return;
    if (this.accPos === this.accEnd && this.pending === NOTHING) {
      this.accPos = this.accEnd = 0;
    }
    if (this.accEnd === 0) this.accBase = this.extBase + from;
    if (this.accEnd + length > this.acc.length) {
      const kept = this.accEnd - this.accPos;
      const size = Math.max(1024, (kept + length) * 2);
      const larger = new Uint8Array(size);
      larger.set(this.acc.subarray(this.accPos, this.accEnd));
      this.accBase += this.accPos;
      this.accEnd = kept;
      this.accPos = 0;
      this.acc = larger;
    }
    this.acc.set(bytes.subarray(from, to), this.accEnd);
    this.accEnd += length;
  }
}
