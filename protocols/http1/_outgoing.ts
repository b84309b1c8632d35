/**
 * What the header fields of an outgoing message say about its framing and
 * the connection, found with one pass over the names (only names of the
 * lengths that matter are compared).
 *
 * This module is browser compatible.
 *
 * @module
 */

import { HttpError } from "./errors.ts";
import type { HeaderInit } from "./writers.ts";

function lowerEquals(text: string, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    if ((text.charCodeAt(i) | 0x20) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** Whether the comma-separated list `value` holds `token` (lowercase), ignoring case and OWS. */
function hasToken(value: string, token: string): boolean {
  const length = value.length;
  let i = 0;
  while (i < length) {
    let code = value.charCodeAt(i);
    while (i < length && (code === 0x20 || code === 0x09 || code === 0x2c)) {
      code = value.charCodeAt(++i);
    }
    const start = i;
    while (i < length && value.charCodeAt(i) !== 0x2c) i++;
    let end = i;
    while (end > start && ((code = value.charCodeAt(end - 1)) === 0x20 || code === 0x09)) end--;
    if (end - start === token.length && lowerEquals(value.slice(start, end), token)) return true;
  }
  return false;
}

/** The framing facts of a set of outgoing header fields. */
export class OutgoingFields {
  /** `Content-Length` value, or -1. */
  contentLength = -1;
  /** `Transfer-Encoding: chunked` is present. */
  chunked = false;
  /** The `close` connection option. */
  close = false;
  /** The `keep-alive` connection option. */
  keepAlive = false;
  /** The `upgrade` connection option. */
  upgradeOption = false;
  /** An `Upgrade` field. */
  upgrade = false;
  /** `Expect: 100-continue`. */
  expectContinue = false;
  /** How many `Host` fields. */
  hosts = 0;

  /** Reads `fields`; throws for a framing field wirestack cannot honor. */
  inspect(fields: HeaderInit): this {
    this.contentLength = -1;
    this.chunked = false;
    this.close = false;
    this.keepAlive = false;
    this.upgradeOption = false;
    this.upgrade = false;
    this.expectContinue = false;
    this.hosts = 0;
    for (let k = 0; k < fields.length; k++) {
      const name = fields[k][0];
      if (typeof name !== "string") continue; // the writer reports it
      switch (name.length) {
        case 4:
          if (lowerEquals(name, "host")) this.hosts++;
          break;
        case 6:
          if (lowerEquals(name, "expect")) {
            const value = String(fields[k][1]);
            this.expectContinue = value.length === 12 && lowerEquals(value, "100-continue");
          }
          break;
        case 7:
          if (lowerEquals(name, "upgrade")) this.upgrade = true;
          break;
        case 10:
          if (lowerEquals(name, "connection")) {
            const value = String(fields[k][1]);
            if (hasToken(value, "close")) this.close = true;
            if (hasToken(value, "keep-alive")) this.keepAlive = true;
            if (hasToken(value, "upgrade")) this.upgradeOption = true;
          }
          break;
        case 14:
          if (lowerEquals(name, "content-length")) this.setContentLength(String(fields[k][1]));
          break;
        case 17:
          if (lowerEquals(name, "transfer-encoding")) {
            const value = String(fields[k][1]);
            if (value.length !== 7 || !lowerEquals(value, "chunked") || this.chunked) {
              throw new HttpError(
                "INVALID_ARGUMENT",
                "refusing to send a Transfer-Encoding other than one chunked",
                { header: name },
              );
            }
            this.chunked = true;
          }
          break;
      }
    }
    if (this.chunked && this.contentLength >= 0) {
      throw new HttpError(
        "INVALID_ARGUMENT",
        "refusing to send both Content-Length and Transfer-Encoding",
      );
    }
    return this;
  }

  private setContentLength(value: string): void {
    if (!/^[0-9]{1,15}$/.test(value)) {
      throw new HttpError(
        "INVALID_ARGUMENT",
        `refusing to send Content-Length ${JSON.stringify(value)}`,
        {
          header: "Content-Length",
        },
      );
    }
    const length = Number(value);
    if (this.contentLength >= 0 && this.contentLength !== length) {
      throw new HttpError(
        "INVALID_ARGUMENT",
        "refusing to send two different Content-Length values",
      );
    }
    this.contentLength = length;
  }
}
