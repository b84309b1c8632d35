/**
 * The chunked transfer coding (RFC 9112 7.1): encoding a body piece as a
 * chunk, and parsing the `chunk-size [chunk-ext] CRLF` line that opens each
 * chunk. The reader (`readers.ts`) drives the decoding: chunk data passes
 * through as views of the received bytes, never copied.
 *
 * This module is browser compatible.
 *
 * @example Encoding a body as two chunks and the last chunk
 * ```ts
 * import { encodeChunk, LAST_CHUNK } from "./chunked.ts";
 *
 * const text = new TextEncoder();
 * const wire = [encodeChunk(text.encode("Hello, ")), encodeChunk(text.encode("world")), LAST_CHUNK];
 * console.log(wire.map((part) => new TextDecoder().decode(part)).join(""));
 * // "7\r\nHello, \r\n5\r\nworld\r\n0\r\n\r\n"
 * ```
 *
 * @module
 */

import { allocate } from "./_alloc.ts";
import { CR, DQUOTE, EMPTY, HTAB, LF, SEMICOLON, SP } from "./_bytes.ts";
import { HttpError, type HttpErrorCode } from "./errors.ts";
import { FIELD_VALUE, HEX, QDTEXT, TOKEN } from "./grammar.ts";

/** The bytes ended before the chunk line did. */
export const CHUNK_LINE_INCOMPLETE = -1;

/** Hex digits a chunk-size may have (leading zeros included): 16 reach 2^53. */
const MAX_SIZE_DIGITS = 16;

/**
 * The parsed parts of a chunk line, and the chunk-extension budget of the
 * current message. One instance per reader.
 *
 * @example
 * ```ts
 * import { ChunkLine } from "./chunked.ts";
 *
 * const line = new ChunkLine(1024);
 * const bytes = new TextEncoder().encode("1a;name=value\r\n");
 * const end = line.parse(bytes, 0, bytes.length, 0);
 * console.assert(end === bytes.length && line.size === 26);
 * ```
 */
export class ChunkLine {
  /** The size of the chunk the last parsed line opens. */
  size = 0;
  /** Bytes of chunk extensions the current message may still carry. */
  extensionBudget: number;
  private readonly maxExtensionSize: number;

  /**
   * Creates a parser.
   *
   * @param maxExtensionSize bytes of chunk extensions allowed per message
   */
  constructor(maxExtensionSize: number) {
    this.maxExtensionSize = maxExtensionSize;
    this.extensionBudget = maxExtensionSize;
  }

  /** Starts a new message: the extension budget is full again. */
  reset(): void {
    this.extensionBudget = this.maxExtensionSize;
  }

  /**
   * Parses `chunk-size *( BWS ";" BWS name [ BWS "=" BWS value ] ) CRLF` in
   * `bytes[start, end)`. Like the head parser it reports the first violation
   * in byte order and decides only on bytes that are present.
   *
   * @param bytes the received bytes
   * @param start where the line starts
   * @param end where the received bytes end
   * @param base the stream offset of `bytes[0]`, for error offsets
   * @returns the index past the line's CRLF, or `CHUNK_LINE_INCOMPLETE`
   */
  parse(bytes: Uint8Array, start: number, end: number, base: number): number {
    let i = start;
    let size = 0;
    while (i < end) {
      const digit = HEX[bytes[i]];
      if (digit === 255) break;
      if (i - start === MAX_SIZE_DIGITS) {
        this.fail("INVALID_CHUNK_SIZE", "chunk-size too large", i, bytes, base);
      }
      size = size * 16 + digit;
      i++;
    }
    if (i >= end) return CHUNK_LINE_INCOMPLETE;
    if (i === start) {
      this.fail("INVALID_CHUNK_SIZE", "chunk-size is not hexadecimal", i, bytes, base);
    }
    if (size > Number.MAX_SAFE_INTEGER) {
      this.fail("INVALID_CHUNK_SIZE", "chunk-size too large", start, bytes, base);
    }
    const extensions = i;
    const stop = Math.min(end, extensions + this.extensionBudget + 1);
    // chunk-ext, then CRLF
    for (;;) {
      const blank = i;
      while (i < stop && (bytes[i] === SP || bytes[i] === HTAB)) i++;
      if (i >= stop) return this.out(i, end, extensions, bytes, base);
      const byte = bytes[i];
      if (byte === CR && i === blank) {
        if (i + 1 >= end) return CHUNK_LINE_INCOMPLETE;
        if (bytes[i + 1] !== LF) {
          this.fail("INVALID_CHUNK", "chunk line: CR not followed by LF", i + 1, bytes, base);
        }
        this.extensionBudget -= i - extensions;
        this.size = size;
        return i + 2;
      }
      if (byte !== SEMICOLON) {
        if (byte === LF) this.fail("BARE_LF", "chunk line ends with a bare LF", i, bytes, base);
        this.fail("INVALID_CHUNK_EXTENSION", "invalid chunk extension", i, bytes, base);
      }
      i++;
      while (i < stop && (bytes[i] === SP || bytes[i] === HTAB)) i++;
      const name = i;
      while (i < stop && TOKEN[bytes[i]] === 1) i++;
      if (i >= stop) return this.out(i, end, extensions, bytes, base);
      if (i === name) {
        this.fail("INVALID_CHUNK_EXTENSION", "chunk extension without a name", i, bytes, base);
      }
      const afterName = i;
      while (i < stop && (bytes[i] === SP || bytes[i] === HTAB)) i++;
      if (i >= stop) return this.out(i, end, extensions, bytes, base);
      if (bytes[i] !== 0x3d) {
        i = afterName; // no value: what follows is BWS ";" or CRLF
        continue;
      }
      i++;
      while (i < stop && (bytes[i] === SP || bytes[i] === HTAB)) i++;
      if (i >= stop) return this.out(i, end, extensions, bytes, base);
      if (bytes[i] === DQUOTE) {
        i++;
        for (;;) {
          if (i >= stop) return this.out(i, end, extensions, bytes, base);
          const quoted = bytes[i];
          if (quoted === DQUOTE) break;
          if (quoted === 0x5c) {
            if (i + 1 >= stop) return this.out(i + 1, end, extensions, bytes, base);
            if (FIELD_VALUE[bytes[i + 1]] === 0) {
              this.fail("INVALID_CHUNK_EXTENSION", "invalid quoted-pair", i + 1, bytes, base);
            }
            i += 2;
          } else if (QDTEXT[quoted] === 1) i++;
          else {this.fail(
              "INVALID_CHUNK_EXTENSION",
              "invalid character in quoted-string",
              i,
              bytes,
              base,
            );}
        }
        i++;
      } else {
        const value = i;
        while (i < stop && TOKEN[bytes[i]] === 1) i++;
        if (i >= stop) return this.out(i, end, extensions, bytes, base);
        if (i === value) {
          this.fail("INVALID_CHUNK_EXTENSION", "chunk extension without a value", i, bytes, base);
        }
      }
    }
  }

  /** The line reached `stop`: more bytes are needed, or the extensions are too long. */
  private out(i: number, end: number, extensions: number, bytes: Uint8Array, base: number): number {
    if (i >= end) return CHUNK_LINE_INCOMPLETE;
    const at = extensions + this.extensionBudget;
    return this.fail(
      "CHUNK_EXTENSION_TOO_LARGE",
      `chunk extensions longer than ${this.maxExtensionSize} bytes`,
      at,
      bytes,
      base,
    );
  }

  private fail(
    code: HttpErrorCode,
    what: string,
    at: number,
    bytes: Uint8Array,
    base: number,
  ): never {
    const offset = base + at;
    const char = at < bytes.length && code !== "CHUNK_EXTENSION_TOO_LARGE"
      ? String.fromCharCode(bytes[at])
      : undefined;
    throw new HttpError(code, `${what} at offset ${offset}`, { offset, char });
  }
}

const CRLF = new Uint8Array([CR, LF]);

/**
 * The last chunk with an empty trailer section: `0\r\n\r\n`. Use
 * `writeLastChunk(trailers)` from `writers.ts` to send trailers.
 *
 * @example
 * ```ts
 * import { LAST_CHUNK } from "./chunked.ts";
 *
 * console.assert(new TextDecoder().decode(LAST_CHUNK) === "0\r\n\r\n");
 * ```
 */
export const LAST_CHUNK: Uint8Array = new Uint8Array([0x30, CR, LF, CR, LF]);

/**
 * The line that opens a chunk of `size` bytes: the size in hexadecimal and
 * CRLF. Send it, the data, then {@linkcode CHUNK_END} when the data should not
 * be copied (large bodies written with several writes).
 *
 * @param size the chunk size, above 0
 * @returns the bytes of `size-in-hex CRLF`
 *
 * @example
 * ```ts
 * import { chunkHeader } from "./chunked.ts";
 *
 * console.assert(new TextDecoder().decode(chunkHeader(255)) === "ff\r\n");
 * ```
 */
export function chunkHeader(size: number): Uint8Array {
  if (!Number.isSafeInteger(size) || size <= 0) {
    throw new HttpError("INVALID_ARGUMENT", `chunk size must be a positive integer, got ${size}`);
  }
  const hex = size.toString(16);
  const out = allocate(hex.length + 2);
  for (let i = 0; i < hex.length; i++) out[i] = hex.charCodeAt(i);
  out[hex.length] = CR;
  out[hex.length + 1] = LF;
  return out;
}

/**
 * The CRLF that closes the data of a chunk.
 *
 * @example
 * ```ts
 * import { CHUNK_END } from "./chunked.ts";
 *
 * console.assert(CHUNK_END.length === 2);
 * ```
 */
export const CHUNK_END: Uint8Array = CRLF;

/**
 * Encodes `data` as one chunk (`size CRLF data CRLF`) in one new array. An
 * empty `data` encodes to nothing (an empty chunk would end the body).
 *
 * @param data the body piece
 * @returns the chunk's bytes
 *
 * @example
 * ```ts
 * import { encodeChunk } from "./chunked.ts";
 *
 * const chunk = encodeChunk(new TextEncoder().encode("hi"));
 * console.assert(new TextDecoder().decode(chunk) === "2\r\nhi\r\n");
 * ```
 */
export function encodeChunk(data: Uint8Array): Uint8Array {
  const length = data.length;
  if (length === 0) return EMPTY;
  let digits = 0;
  for (let rest = length; rest > 0; rest = Math.floor(rest / 16)) digits++;
  const out = allocate(digits + 2 + length + 2);
  let rest = length;
  for (let i = digits - 1; i >= 0; i--) {
    const digit = rest % 16;
    out[i] = digit < 10 ? 0x30 + digit : 0x57 + digit;
    rest = Math.floor(rest / 16);
  }
  out[digits] = CR;
  out[digits + 1] = LF;
  out.set(data, digits + 2);
  out[digits + 2 + length] = CR;
  out[digits + 3 + length] = LF;
  return out;
}
