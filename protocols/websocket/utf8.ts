/**
 * Incremental UTF-8 validation (RFC 3629): feed the bytes of a text message in
 * pieces of any size, and learn at the first bad byte that the message is
 * invalid, even when the sequence it breaks started in an earlier piece.
 * Overlong forms, surrogates (U+D800 to U+DFFF) and code points above U+10FFFF
 * are rejected; noncharacters such as U+FFFF are valid UTF-8 and accepted.
 *
 * Runs of ASCII are checked four bytes at a time.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { wordViewCache } from "./_words.ts";

const wordsOf = wordViewCache();

/**
 * Validates UTF-8 across pieces. `push` checks the next piece; `end` says
 * whether the text stopped at a character boundary.
 *
 * @example A sequence split across two pieces
 * ```ts
 * import { Utf8Validator } from "./utf8.ts";
 *
 * const validator = new Utf8Validator();
 * console.assert(validator.push(new Uint8Array([0x68, 0xe2, 0x82])));
 * console.assert(validator.push(new Uint8Array([0xac])));
 * console.assert(validator.end());
 * console.assert(!new Utf8Validator().push(new Uint8Array([0xc0, 0x80])));
 * ```
 */
export class Utf8Validator {
  /** Continuation bytes still expected by the current sequence. */
  #need = 0;
  /** The range the next continuation byte must fall in. */
  #low = 0x80;
  #high = 0xbf;
  #failed = false;

  /**
   * Checks `bytes[start..end)`, continuing from the previous pieces.
   *
   * @param bytes the next piece of the text
   * @param start the first byte to check (default 0)
   * @param end one past the last byte to check (default `bytes.length`)
   * @returns false as soon as a byte cannot continue valid UTF-8 (and from then on)
   */
  push(bytes: Uint8Array, start = 0, end: number = bytes.length): boolean {
    if (this.#failed) return false;
    let need = this.#need;
    let low = this.#low;
    let high = this.#high;
    let i = start;
    while (i < end) {
      if (need === 0) {
        // ASCII fast path: whole aligned words with no high bit set.
        if (end - i >= 16) {
          while (i < end && ((bytes.byteOffset + i) & 3) !== 0 && bytes[i] < 0x80) i++;
          if (((bytes.byteOffset + i) & 3) === 0) {
            const words = wordsOf(bytes.buffer);
            let w = (bytes.byteOffset + i) >>> 2;
            const last = w + ((end - i) >>> 2);
            while (w < last && (words[w] & 0x80808080) === 0) w++;
            i = (w << 2) - bytes.byteOffset;
          }
          if (i >= end) break;
        }
        const b = bytes[i++];
        if (b < 0x80) continue;
        if (b < 0xc2) return this.#fail();
        if (b < 0xe0) {
          need = 1;
          low = 0x80;
          high = 0xbf;
        } else if (b < 0xf0) {
          need = 2;
          low = b === 0xe0 ? 0xa0 : 0x80;
          high = b === 0xed ? 0x9f : 0xbf;
        } else if (b < 0xf5) {
          need = 3;
          low = b === 0xf0 ? 0x90 : 0x80;
          high = b === 0xf4 ? 0x8f : 0xbf;
        } else {
          return this.#fail();
        }
      } else {
        const b = bytes[i++];
        if (b < low || b > high) return this.#fail();
        need--;
        low = 0x80;
        high = 0xbf;
      }
    }
    this.#need = need;
    this.#low = low;
    this.#high = high;
    return true;
  }

  /**
   * Ends the text.
   *
   * @returns true when every byte so far was valid and no sequence is left open
   */
  end(): boolean {
    return !this.#failed && this.#need === 0;
  }

  /** Forgets everything, ready for the next text. */
  reset(): void {
    this.#need = 0;
    this.#low = 0x80;
    this.#high = 0xbf;
    this.#failed = false;
  }

  #fail(): false {
    this.#failed = true;
    return false;
  }
}

/**
 * Whether `bytes` is valid UTF-8 as a whole.
 *
 * @param bytes the bytes to check
 * @returns true when they are valid UTF-8
 *
 * @example
 * ```ts
 * import { isValidUtf8 } from "./utf8.ts";
 *
 * console.assert(isValidUtf8(new TextEncoder().encode("\u03ba\u1f79\u03c3\u03bc\u03b5")));
 * console.assert(!isValidUtf8(new Uint8Array([0xed, 0xa0, 0x80])));
 * ```
 */
export function isValidUtf8(bytes: Uint8Array): boolean {
  const validator = new Utf8Validator();
  return validator.push(bytes) && validator.end();
}
