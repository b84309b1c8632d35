/**
 * Character rules of HTTP (RFC 9110 section 5.6.2) the handshake needs.
 *
 * This module is browser compatible.
 *
 * @module
 */

const TOKEN = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789") TOKEN[c.charCodeAt(0)] = 1;
for (let c = 0x41; c <= 0x5a; c++) TOKEN[c] = TOKEN[c + 0x20] = 1;

/** Whether a char code is a `tchar`. */
export function isTokenChar(code: number): boolean {
  return code < 128 && TOKEN[code] === 1;
}

/** Whether `text` is a non-empty `token`. */
export function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) if (!isTokenChar(text.charCodeAt(i))) return false;
  return true;
}

/** Whether `text` may be a header field value: visible ASCII and Latin-1, spaces and tabs. */
export function isFieldValue(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f || c > 0xff) return false;
  }
  return true;
}

/**
 * Splits a comma-separated header list into trimmed, non-empty elements.
 * Returns null when an element is not a token.
 */
export function tokenList(value: string): string[] | null {
  const out: string[] = [];
  for (const part of value.split(",")) {
    const item = part.trim();
    if (item === "") continue;
    if (!isToken(item)) return null;
    out.push(item);
  }
  return out;
}
