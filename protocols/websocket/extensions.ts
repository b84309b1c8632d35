/**
 * The `Sec-WebSocket-Extensions` header grammar (RFC 6455 section 9.1):
 *
 * ```
 * extension-list  = 1#extension
 * extension       = extension-token *( ";" extension-param )
 * extension-param = token [ "=" (token | quoted-string) ]
 * ```
 *
 * A quoted value must unescape to a token. Empty list elements are skipped, as
 * HTTP list rules require; anything else that does not match the grammar is
 * refused.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { WebSocketError } from "./errors.ts";
import { isToken, isTokenChar } from "./_grammar.ts";

/** One extension of a `Sec-WebSocket-Extensions` list, with its parameters in order. */
export interface ExtensionOffer {
  /** The extension token, such as `permessage-deflate`. */
  name: string;
  /** The parameters in order: `[name, value]`, `value` null when there is none. */
  params: Array<[string, string | null]>;
}

/**
 * Parses a `Sec-WebSocket-Extensions` value (several header lines joined with
 * `", "`).
 *
 * @param value the header value
 * @returns the extensions in order
 * @throws {WebSocketError} `ERR_HANDSHAKE_EXTENSIONS` when the value breaks the grammar
 *
 * @example
 * ```ts
 * import { parseExtensions } from "./extensions.ts";
 *
 * const [offer] = parseExtensions('permessage-deflate; client_max_window_bits; server_max_window_bits="10"');
 * console.assert(offer.name === "permessage-deflate");
 * console.assert(offer.params[0][1] === null && offer.params[1][1] === "10");
 * ```
 */
export function parseExtensions(value: string): ExtensionOffer[] {
  const result: ExtensionOffer[] = [];
  const length = value.length;
  let i = 0;
  const bad = (what: string): never => {
    throw new WebSocketError(
      "ERR_HANDSHAKE_EXTENSIONS",
      `Sec-WebSocket-Extensions: ${what} at offset ${i} of ${JSON.stringify(value)}`,
      { status: 400, headers: [] },
    );
  };
  const skipSpace = () => {
    while (i < length && (value[i] === " " || value[i] === "\t")) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < length && isTokenChar(value.charCodeAt(i))) i++;
    if (i === start) bad("expected a token");
    return value.slice(start, i);
  };
  while (i < length) {
    skipSpace();
    if (i < length && value[i] === ",") {
      i++;
      continue;
    }
    if (i >= length) break;
    const offer: ExtensionOffer = { name: token(), params: [] };
    skipSpace();
    while (i < length && value[i] === ";") {
      i++;
      skipSpace();
      const name = token();
      skipSpace();
      let paramValue: string | null = null;
      if (i < length && value[i] === "=") {
        i++;
        skipSpace();
        if (value[i] === '"') {
          i++;
          let text = "";
          while (i < length && value[i] !== '"') {
            if (value[i] === "\\") i++;
            if (i >= length) bad("unterminated quoted-string");
            text += value[i++];
          }
          if (i >= length) bad("unterminated quoted-string");
          i++;
          if (!isToken(text)) bad("a quoted value that is not a token");
          paramValue = text;
        } else {
          paramValue = token();
        }
        skipSpace();
      }
      offer.params.push([name, paramValue]);
    }
    result.push(offer);
    if (i < length && value[i] !== ",") bad("expected ',' or ';'");
  }
  return result;
}

/**
 * Formats extensions as a `Sec-WebSocket-Extensions` value.
 *
 * @param extensions the extensions, each with its parameters
 * @returns the header value
 *
 * @example
 * ```ts
 * import { formatExtensions } from "./extensions.ts";
 *
 * const value = formatExtensions([
 *   { name: "permessage-deflate", params: [["client_max_window_bits", "10"], ["server_no_context_takeover", null]] },
 * ]);
 * console.assert(value === "permessage-deflate; client_max_window_bits=10; server_no_context_takeover");
 * ```
 */
export function formatExtensions(extensions: readonly ExtensionOffer[]): string {
  return extensions.map((extension) => {
    let text = extension.name;
    for (const [name, value] of extension.params) {
      text += value === null ? `; ${name}` : `; ${name}=${value}`;
    }
    return text;
  }).join(", ");
}
