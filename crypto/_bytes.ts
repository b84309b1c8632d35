// Byte helpers shared by the crypto modules: hex and base64 without string
// round trips through binary strings, concatenation, comparison.

const HEX_DIGITS = "0123456789abcdef";
const HEX_TABLE: string[] = Array.from(
  { length: 256 },
  (_, i) => HEX_DIGITS[i >> 4] + HEX_DIGITS[i & 15],
);

/** Lowercase hex of `bytes[start, end)`, no separators. */
export function toHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let text = "";
  for (let i = start; i < end; i++) text += HEX_TABLE[bytes[i]];
  return text;
}

/** Bytes of an even-length hex string (separators `:` and spaces allowed); undefined if not hex. */
export function fromHex(text: string): Uint8Array | undefined {
  const clean = text.replace(/[:\s]/g, "");
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) return undefined;
  const bytes = new Uint8Array(clean.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_VALUE = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_VALUE[B64.charCodeAt(i)] = i;

/** Standard base64 (with padding) of `bytes`. */
export function toBase64(bytes: Uint8Array): string {
  let text = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    text += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
  }
  if (i + 1 === bytes.length) {
    const n = bytes[i] << 16;
    text += B64[n >> 18] + B64[(n >> 12) & 63] + "==";
  } else if (i + 2 === bytes.length) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    text += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + "=";
  }
  return text;
}

/**
 * Decodes standard base64 from `text[start, end)`, skipping whitespace. Returns
 * undefined on any other character, on bad padding or on a truncated group.
 */
export function fromBase64(text: string, start = 0, end = text.length): Uint8Array | undefined {
  let symbols = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9 && c !== 61) symbols++;
  }
  const out = new Uint8Array(Math.floor((symbols * 3) / 4));
  let length = 0;
  let group = 0;
  let count = 0;
  let padding = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) continue;
    if (c === 61) { // "="
      padding++;
      continue;
    }
    const value = c < 128 ? B64_VALUE[c] : -1;
    if (value < 0 || padding > 0) return undefined;
    group = (group << 6) | value;
    if (++count === 4) {
      out[length++] = group >> 16;
      out[length++] = (group >> 8) & 255;
      out[length++] = group & 255;
      group = 0;
      count = 0;
    }
  }
  if (count === 0 && padding === 0) return out;
  if (count === 2 && padding <= 2) {
    out[length++] = group >> 4;
  } else if (count === 3 && padding <= 1) {
    out[length++] = group >> 10;
    out[length++] = (group >> 2) & 255;
  } else {
    return undefined;
  }
  return out;
}

/** True when both ranges hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A copy of `bytes` in an ArrayBuffer of its own (what WebCrypto wants). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}
