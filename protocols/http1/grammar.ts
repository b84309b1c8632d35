/**
 * The HTTP/1.1 grammar (RFC 9110 section 5, RFC 9112, RFC 3986) as byte tables,
 * one place for every character class the readers and writers test against.
 * Each table is a 256-entry `Uint8Array` indexed by the byte value, so a parser
 * classifies a byte with one load and no branch on ranges.
 *
 * This module is browser compatible.
 *
 * @example Is a header name a valid token?
 * ```ts
 * import { isToken } from "./grammar.ts";
 *
 * console.assert(isToken("Content-Type"));
 * console.assert(!isToken("Content Type"));
 * ```
 *
 * @module
 */

function table(entries: Array<[from: number, to: number, value: number]>): Uint8Array {
  const result = new Uint8Array(256);
  for (const [from, to, value] of entries) result.fill(value, from, to + 1);
  return result;
}

function chars(text: string): Array<[number, number, number]> {
  return [...text].map((char) => [char.charCodeAt(0), char.charCodeAt(0), 1]);
}

const DIGIT: Array<[number, number, number]> = [[0x30, 0x39, 1]];
const ALPHA: Array<[number, number, number]> = [[0x41, 0x5a, 1], [0x61, 0x7a, 1]];

/**
 * `tchar` (RFC 9110 5.6.2): 1 for the bytes a token (a method, a header name,
 * a transfer coding) may hold, 0 for every other byte.
 *
 * @example
 * ```ts
 * import { TOKEN } from "./grammar.ts";
 *
 * console.assert(TOKEN[0x41] === 1); // "A"
 * console.assert(TOKEN[0x3a] === 0); // ":"
 * ```
 */
export const TOKEN: Uint8Array = table([...DIGIT, ...ALPHA, ...chars("!#$%&'*+-.^_`|~")]);

/**
 * Field value bytes (RFC 9110 5.5): 1 for VCHAR, SP and HTAB, 2 for obs-text
 * (0x80-0xFF, kept as opaque Latin-1), 0 for what may never appear in a value
 * (NUL, CR, LF, the other controls and DEL). Reason phrases use the same set.
 *
 * @example
 * ```ts
 * import { FIELD_VALUE } from "./grammar.ts";
 *
 * console.assert(FIELD_VALUE[0x20] === 1); // SP
 * console.assert(FIELD_VALUE[0x0d] === 0); // CR
 * console.assert(FIELD_VALUE[0xe9] === 2); // obs-text
 * ```
 */
export const FIELD_VALUE: Uint8Array = table([[0x09, 0x09, 1], [0x20, 0x7e, 1], [0x80, 0xff, 2]]);

/**
 * Request-target byte classes in {@linkcode TARGET}.
 *
 * @example
 * ```ts
 * import { TARGET, TargetByte } from "./grammar.ts";
 *
 * console.assert(TARGET["%".charCodeAt(0)] === TargetByte.PERCENT);
 * ```
 */
export const TargetByte = {
  /** A byte that is never valid in a request-target. */
  INVALID: 0,
  /** unreserved, sub-delims, ":", "@", "/", "?": valid anywhere. */
  PLAIN: 1,
  /** "%": must start a pct-encoded triplet. */
  PERCENT: 2,
  /** "[" or "]": valid only around an IP literal in an authority. */
  BRACKET: 3,
  /**
   * Visible ASCII that RFC 3986 does not allow unencoded (`"`, `<`, `>`, `\`,
   * `^`, `` ` ``, `{`, `|`, `}`): rejected unless `allowUnsafeTargetChars`.
   */
  UNSAFE: 4,
} as const;

/**
 * Request-target bytes (RFC 9112 3.2 over RFC 3986 3): the {@linkcode TargetByte}
 * class of each byte. "#" is invalid (a fragment is never sent), as are SP,
 * controls, DEL and every byte above 0x7E.
 *
 * @example
 * ```ts
 * import { TARGET, TargetByte } from "./grammar.ts";
 *
 * console.assert(TARGET["/".charCodeAt(0)] === TargetByte.PLAIN);
 * console.assert(TARGET["#".charCodeAt(0)] === TargetByte.INVALID);
 * ```
 */
export const TARGET: Uint8Array = table([
  ...DIGIT,
  ...ALPHA,
  ...chars("-._~!$&'()*+,;=:@/?"),
  [0x25, 0x25, TargetByte.PERCENT],
  [0x5b, 0x5b, TargetByte.BRACKET],
  [0x5d, 0x5d, TargetByte.BRACKET],
  ...[...'"<>\\^`{|}'].map((char): [number, number, number] => [
    char.charCodeAt(0),
    char.charCodeAt(0),
    TargetByte.UNSAFE,
  ]),
]);

/**
 * Hexadecimal digit values: 0-15 for `0-9`, `a-f`, `A-F`; 255 for any other byte.
 *
 * @example
 * ```ts
 * import { HEX } from "./grammar.ts";
 *
 * console.assert(HEX["f".charCodeAt(0)] === 15);
 * console.assert(HEX["g".charCodeAt(0)] === 255);
 * ```
 */
export const HEX: Uint8Array = (() => {
  const result = new Uint8Array(256).fill(255);
  for (let i = 0; i < 10; i++) result[0x30 + i] = i;
  for (let i = 0; i < 6; i++) {
    result[0x41 + i] = 10 + i;
    result[0x61 + i] = 10 + i;
  }
  return result;
})();

/**
 * `qdtext` of a quoted-string (RFC 9110 5.6.4): 1 for HTAB, SP, "!", `#`-`[`,
 * `]`-`~` and obs-text; 0 otherwise (DQUOTE and backslash are handled apart).
 *
 * @example
 * ```ts
 * import { QDTEXT } from "./grammar.ts";
 *
 * console.assert(QDTEXT["a".charCodeAt(0)] === 1);
 * console.assert(QDTEXT['"'.charCodeAt(0)] === 0);
 * ```
 */
export const QDTEXT: Uint8Array = table([
  [0x09, 0x09, 1],
  [0x20, 0x21, 1],
  [0x23, 0x5b, 1],
  [0x5d, 0x7e, 1],
  [0x80, 0xff, 1],
]);

/**
 * Tells whether `text` is a token (RFC 9110 5.6.2): one or more `tchar`.
 *
 * @param text the string to test
 * @returns true when every character is a `tchar` and there is at least one
 *
 * @example
 * ```ts
 * import { isToken } from "./grammar.ts";
 *
 * console.assert(isToken("GET"));
 * console.assert(!isToken("GET /"));
 * console.assert(!isToken(""));
 * ```
 */
export function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff || TOKEN[code] !== 1) return false;
  }
  return true;
}

/**
 * Tells whether `text` is a valid field value as a sender must generate it
 * (RFC 9110 5.5): visible characters, SP, HTAB and Latin-1 obs-text, with no
 * leading or trailing whitespace. CR, LF and NUL (header injection) never pass.
 *
 * @param text the string to test
 * @returns true when a writer may emit `text` as a field value
 *
 * @example
 * ```ts
 * import { isFieldValue } from "./grammar.ts";
 *
 * console.assert(isFieldValue("text/html; charset=utf-8"));
 * console.assert(!isFieldValue("a\r\nSet-Cookie: x=1"));
 * console.assert(!isFieldValue(" padded"));
 * ```
 */
export function isFieldValue(text: string): boolean {
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff || FIELD_VALUE[code] === 0) return false;
  }
  if (length === 0) return true;
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(length - 1);
  return first !== 0x20 && first !== 0x09 && last !== 0x20 && last !== 0x09;
}
