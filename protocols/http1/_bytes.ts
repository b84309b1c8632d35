/**
 * Byte constants and small byte helpers shared by the readers and writers.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { allocate } from "./_alloc.ts";

/** Carriage return. */
export const CR = 0x0d;
/** Line feed. */
export const LF = 0x0a;
/** Space. */
export const SP = 0x20;
/** Horizontal tab. */
export const HTAB = 0x09;
/** `:` */
export const COLON = 0x3a;
/** `;` */
export const SEMICOLON = 0x3b;
/** `=` */
export const EQUALS = 0x3d;
/** `"` */
export const DQUOTE = 0x22;
/** `\` */
export const BACKSLASH = 0x5c;
/** `,` */
export const COMMA = 0x2c;

/** A shared empty byte array (never written to). */
export const EMPTY: Uint8Array = new Uint8Array(0);

const ascii = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * Decodes `bytes[start, end)` as Latin-1 (each byte one UTF-16 code unit).
 * `ascii` says that every byte is below 0x80, which allows the engine's fast
 * UTF-8 decoder (ASCII decodes the same in both); otherwise the bytes go
 * through `String.fromCharCode` in slices.
 */
export function latin1(bytes: Uint8Array, start: number, end: number, isAscii: boolean): string {
  if (isAscii) {
    return ascii.decode(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end));
  }
  let result = "";
  for (let i = start; i < end; i += 4096) {
    const stop = Math.min(end, i + 4096);
    result += String.fromCharCode.apply(null, bytes.subarray(i, stop) as unknown as number[]);
  }
  return result;
}

/**
 * Tells whether `bytes[start, end)` equals `lower` ignoring ASCII case.
 * `lower` must be lowercase ASCII and as long as the range.
 */
export function equalsLower(bytes: Uint8Array, start: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    if ((bytes[start + i] | 0x20) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** Concatenates byte arrays into one new array. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  if (length === 0) return EMPTY;
  const result = allocate(length);
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}

/** Shows a byte in an error message: the character when visible, else its hex code. */
export function showByte(byte: number): string {
  if (byte > 0x20 && byte < 0x7f) return `"${String.fromCharCode(byte)}"`;
  return `0x${byte.toString(16).padStart(2, "0")}`;
}
