/**
 * Masking (RFC 6455 section 5.3): XOR of the payload with a 4-byte key, in
 * place. Masking and unmasking are the same operation.
 *
 * The bulk of the work goes 32 bits at a time through an `Int32Array` over the
 * payload's `ArrayBuffer` (the few bytes before the first aligned word and after
 * the last one go byte by byte), with the key rotated to match the alignment.
 * The word view is cached per buffer, so a reader that reuses one buffer pays
 * for no allocation.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { wordViewCache } from "./_words.ts";

const keyBytes = new Uint8Array(4);
const keyWord = new Int32Array(keyBytes.buffer);

const wordsOf = wordViewCache();

/** Below this many bytes the byte loop beats setting up the word loop. */
const WORD_THRESHOLD = 16;

/**
 * XORs `data[start..end)` in place with the masking key. `keyIndex` says which
 * key byte applies to `data[start]` (the payload offset of `start`, modulo 4), so
 * a payload can be masked in pieces as it arrives.
 *
 * @param data the bytes to mask or unmask
 * @param key the 4-byte masking key
 * @param start the first byte to mask (default 0)
 * @param end one past the last byte to mask (default `data.length`)
 * @param keyIndex the key byte that applies to `data[start]` (default 0)
 *
 * @example Masking and unmasking give back the original
 * ```ts
 * import { mask } from "./mask.ts";
 *
 * const data = new TextEncoder().encode("Hello");
 * const key = new Uint8Array([0x37, 0xfa, 0x21, 0x3d]);
 * mask(data, key);
 * console.assert(data[0] === (0x48 ^ 0x37));
 * mask(data, key);
 * console.assert(new TextDecoder().decode(data) === "Hello");
 * ```
 */
export function mask(
  data: Uint8Array,
  key: Uint8Array,
  start = 0,
  end: number = data.length,
  keyIndex = 0,
): void {
  let i = start;
  let k = keyIndex & 3;
  if (end - i >= WORD_THRESHOLD) {
    // Bytes up to the first 4-aligned address.
    const head = (4 - ((data.byteOffset + i) & 3)) & 3;
    for (let h = 0; h < head; h++) {
      data[i++] ^= key[k];
      k = (k + 1) & 3;
    }
    keyBytes[0] = key[k];
    keyBytes[1] = key[(k + 1) & 3];
    keyBytes[2] = key[(k + 2) & 3];
    keyBytes[3] = key[(k + 3) & 3];
    const word = keyWord[0];
    const words = wordsOf(data.buffer);
    const first = (data.byteOffset + i) >>> 2;
    const last = first + ((end - i) >>> 2);
    let w = first;
    for (; w + 8 <= last; w += 8) {
      words[w] ^= word;
      words[w + 1] ^= word;
      words[w + 2] ^= word;
      words[w + 3] ^= word;
      words[w + 4] ^= word;
      words[w + 5] ^= word;
      words[w + 6] ^= word;
      words[w + 7] ^= word;
    }
    for (; w < last; w++) words[w] ^= word;
    i += (last - first) << 2;
    // k is unchanged: a whole number of words went by.
  }
  for (; i < end; i++) {
    data[i] ^= key[k];
    k = (k + 1) & 3;
  }
}
