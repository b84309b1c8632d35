/**
 * The Host rules of RFC 9112 3.2, for servers: an HTTP/1.1 request carries
 * exactly one Host field, and a Host value is `uri-host [ ":" port ]`. The
 * readers report what they saw; a server answers 400 when
 * {@linkcode checkHost} returns an error.
 *
 * This module is browser compatible.
 *
 * @example
 * ```ts
 * import { checkHost } from "./host.ts";
 *
 * console.assert(checkHost({ version: "1.1", headers: [["Host", "example.com:8080"]] }) === null);
 * console.assert(checkHost({ version: "1.1", headers: [] })?.code === "INVALID_HOST");
 * ```
 *
 * @module
 */

import { validAuthority } from "./_target.ts";
import { HttpError } from "./errors.ts";
import type { HeaderList } from "./events.ts";

/**
 * Checks the Host fields of a request: exactly one in HTTP/1.1, at most one
 * in HTTP/1.0, and a valid `host [ ":" port ]`. An empty value is accepted
 * only with an absolute-form target (a client sends it when the target URI
 * has no authority; the server then uses the target, RFC 9112 3.2.2).
 *
 * @param request the version, the header fields and (optionally) the target of a request
 * @returns an `INVALID_HOST` error (status 400) naming the problem, or `null`
 *
 * @example Two Host fields
 * ```ts
 * import { checkHost } from "./host.ts";
 *
 * const error = checkHost({ version: "1.1", headers: [["Host", "a"], ["host", "b"]] });
 * console.assert(error?.status === 400);
 * ```
 */
export function checkHost(
  request: {
    readonly version: string;
    readonly headers: Readonly<HeaderList>;
    readonly target?: string;
  },
): HttpError | null {
  let value: string | null = null;
  let count = 0;
  for (const [name, fieldValue] of request.headers) {
    if (name.length === 4 && name.toLowerCase() === "host") {
      count++;
      value = fieldValue;
    }
  }
  if (count > 1) return new HttpError("INVALID_HOST", `${count} Host fields`, { header: "Host" });
  if (value === null) {
    return request.version === "1.0"
      ? null
      : new HttpError("INVALID_HOST", "an HTTP/1.1 request without Host", { header: "Host" });
  }
  if (value.length === 0) {
    const absolute = request.target !== undefined &&
      /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(request.target);
    return absolute ? null : new HttpError("INVALID_HOST", "empty Host", { header: "Host" });
  }
  const bytes = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    bytes[i] = code > 0xff ? 0 : code;
  }
  if (!validAuthority(bytes, 0, bytes.length, false)) {
    return new HttpError("INVALID_HOST", `invalid Host ${JSON.stringify(value)}`, {
      header: "Host",
    });
  }
  return null;
}
