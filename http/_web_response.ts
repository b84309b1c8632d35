// Sends a web response (a `Response`, a `LightResponse`, or any object with
// `status`, `statusText`, `headers` and `body`) on an exchange: whole in one
// write when the body is text or bytes, streamed with back-pressure when it is
// a `ReadableStream`, handed over when it carries a takeover callback.

import { type HeaderList, HttpError } from "../protocols/http1/mod.ts";
import { sourceBytes } from "./_body_init.ts";
import type { Exchange } from "./_exchange.ts";
import { appendHeaderPairs, type HeaderSource } from "./_header_pairs.ts";
import { denoStaticResponse, NativeResponse } from "./_native.ts";
import { lightParts } from "./light_response.ts";
import type { ResponseLike } from "./serve.ts";
import { TAKEOVER } from "./takeover.ts";

const isDeno = "Deno" in globalThis;

/** Sends `response` on `exchange`. Throws (before anything is sent) when the response is invalid. */
export function sendWebResponse(exchange: Exchange, response: unknown): void {
  if (exchange.responseDone) return; // the client went away meanwhile
  if (response === null || typeof response !== "object") {
    throw new TypeError("a handler must return a Response (or an object shaped like one)");
  }
  const light = lightParts(response);
  let status: number;
  let statusText: string;
  let fields: HeaderList;
  let body: unknown;
  if (light !== null) {
    ({ status, statusText, fields, body } = light);
  } else {
    const statics = isDeno && response instanceof NativeResponse
      ? denoStaticResponse(response)
      : null;
    if (statics !== null) {
      ({ status, statusText, fields, body } = statics);
    } else {
      const like = response as ResponseLike;
      status = like.status;
      statusText = like.statusText ?? "";
      fields = appendHeaderPairs(like.headers as HeaderSource | undefined, []);
      body = like.body ?? null;
    }
  }
  if (status === 0 && (response as { type?: string }).type === "error") {
    throw new HttpError("INVALID_ARGUMENT", "the handler returned Response.error()");
  }
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    throw new HttpError("INVALID_ARGUMENT", `invalid response status ${status}`);
  }
  const reason = statusText === "" ? undefined : statusText;
  const takeover = (response as ResponseLike)[TAKEOVER];
  if (typeof takeover === "function") {
    exchange.takeOver(status, reason, fields, takeover);
    return;
  }
  if (body === null || typeof body === "string" || body instanceof Uint8Array) {
    exchange.respond(status, reason, fields, body === null ? null : sourceBytes(body));
    return;
  }
  if (body instanceof ReadableStream) {
    exchange.beginResponse(status, reason, fields);
    void pump(exchange, body as ReadableStream<unknown>);
    return;
  }
  if (typeof Blob !== "undefined" && body instanceof Blob) {
    exchange.beginResponse(status, reason, fields);
    void pump(exchange, body.stream());
    return;
  }
  throw new HttpError(
    "INVALID_ARGUMENT",
    "a response body must be a stream, bytes, a string or null",
  );
}

const encoder = new TextEncoder();

/** Writes a stream's chunks as the body, waiting for `drain` under back-pressure. */
async function pump(exchange: Exchange, stream: ReadableStream<unknown>): Promise<void> {
  const reader = stream.getReader();
  let wake: (() => void) | null = null;
  exchange.onDrain = () => {
    const resume = wake;
    wake = null;
    resume?.();
  };
  const previousAbort = exchange.onAbort;
  exchange.onAbort = (reason) => {
    previousAbort?.(reason);
    reader.cancel(reason).catch(() => {});
    const resume = wake;
    wake = null;
    resume?.();
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (exchange.responseDone) return;
      let bytes: Uint8Array;
      if (value instanceof Uint8Array) bytes = value;
      else if (typeof value === "string") bytes = encoder.encode(value);
      else if (ArrayBuffer.isView(value)) {
        bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      } else if (value instanceof ArrayBuffer) bytes = new Uint8Array(value);
      else throw new TypeError("a response body stream must give Uint8Array chunks");
      if (!exchange.write(bytes)) {
        if (exchange.responseDone || exchange.aborted) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
    if (!exchange.responseDone) exchange.end();
  } catch (error) {
    reader.cancel(error).catch(() => {});
    exchange.abortResponse(error instanceof Error ? error : new Error(String(error)));
  }
}
