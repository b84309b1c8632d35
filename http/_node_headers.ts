// Header objects in Node's shape, built from `[name, value]` pairs in wire order
// (only when a program reads them: the pairs are what the parser gives).
//
// Node's rules for `message.headers`: names in lower case; a repeated field of
// the kinds below keeps its first value; `set-cookie` is always an array;
// repeated `cookie` values are joined with "; ", other repeated values with ", ".

import type { HeaderList } from "../protocols/http1/mod.ts";

/** Fields of which Node keeps only the first value when repeated. */
const FIRST_WINS: ReadonlySet<string> = new Set(
  ("age authorization content-length content-type etag expires from host if-modified-since " +
    "if-unmodified-since last-modified location max-forwards proxy-authorization referer " +
    "retry-after server user-agent").split(" "),
);

/** A header object as Node's `IncomingMessage.headers` has it. */
export type IncomingHttpHeaders = Record<string, string | string[] | undefined>;

/** Node's `message.headers` from wire-order pairs. */
export function nodeHeaders(pairs: HeaderList): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = Object.create(null);
  for (let i = 0; i < pairs.length; i++) {
    const name = pairs[i][0].toLowerCase();
    const value = pairs[i][1];
    const existing = headers[name];
    if (existing === undefined) {
      headers[name] = name === "set-cookie" ? [value] : value;
    } else if (name === "set-cookie") {
      (existing as string[]).push(value);
    } else if (!FIRST_WINS.has(name)) {
      headers[name] = `${existing}${name === "cookie" ? "; " : ", "}${value}`;
    }
  }
  return headers;
}

/** Node's `message.headersDistinct`: every value of every field, as arrays. */
export function nodeHeadersDistinct(pairs: HeaderList): Record<string, string[]> {
  const headers: Record<string, string[]> = Object.create(null);
  for (let i = 0; i < pairs.length; i++) {
    const name = pairs[i][0].toLowerCase();
    (headers[name] ??= []).push(pairs[i][1]);
  }
  return headers;
}

/** Node's `message.rawHeaders`: names and values in one flat list, as received. */
export function rawHeaderList(pairs: HeaderList): string[] {
  const raw = new Array<string>(pairs.length * 2);
  for (let i = 0; i < pairs.length; i++) {
    raw[2 * i] = pairs[i][0];
    raw[2 * i + 1] = pairs[i][1];
  }
  return raw;
}
