/**
 * Reading header lists given as `[name, value]` pairs in wire order (how the
 * HTTP/1.1 parser reports them): names compare case-insensitively.
 *
 * This module is browser compatible.
 *
 * @module
 */

/** Header pairs in wire order. */
export type HeaderList = ReadonlyArray<readonly [string, string]>;

/** Every value of `name` (lower case), in order. */
export function headerValues(headers: HeaderList, name: string): string[] {
  const out: string[] = [];
  for (const [key, value] of headers) {
    if (key.length === name.length && key.toLowerCase() === name) out.push(value);
  }
  return out;
}
