// Helpers for the HTTP/1.1 core tests: Latin-1 byte strings, a comparable
// snapshot of a parse result, and "parse every way": the same input whole,
// byte by byte, cut at every position, cut twice at many pairs of positions
// and with empty pieces, asserting that every way gives the same result.

import assert from "node:assert/strict";
import {
  Connection,
  type ConnectionOptions,
  HttpError,
  type ParsedMessage,
  type ParsedRequest,
  type ParsedResponse,
  parseMessages,
  type ParseOptions,
  type ParseResult,
} from "../../../protocols/http1/mod.ts";

/** Latin-1 bytes of `text` (each char one byte). */
export function bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** Latin-1 text of `data`. */
export function latin1(data: Uint8Array): string {
  let text = "";
  for (let i = 0; i < data.length; i++) text += String.fromCharCode(data[i]);
  return text;
}

/** A plain, comparable copy of a parse result (bodies as Latin-1 text). */
export interface Snapshot {
  messages: Array<Record<string, unknown>>;
  error: { code: string; status: number; offset?: number; header?: string; char?: string } | null;
  rest: string;
}

export function snapshot(result: ParseResult<ParsedMessage>): Snapshot {
  return {
    messages: result.messages.map((message) => ({ ...message, body: latin1(message.body) })),
    error: result.error === null ? null : errorShape(result.error),
    rest: latin1(result.rest),
  };
}

export function errorShape(error: HttpError): NonNullable<Snapshot["error"]> {
  const shape: NonNullable<Snapshot["error"]> = { code: error.code, status: error.status };
  if (error.offset !== undefined) shape.offset = error.offset;
  if (error.header !== undefined) shape.header = error.header;
  if (error.char !== undefined) shape.char = error.char;
  return shape;
}

/** Deterministic pseudo-random numbers (mulberry32). */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The ways to cut `data` into pieces that the tests feed. */
export function* splits(data: Uint8Array): Generator<Uint8Array[]> {
  const n = data.length;
  yield [data];
  yield Array.from({ length: n }, (_, i) => data.subarray(i, i + 1));
  for (let i = 1; i < n; i++) yield [data.subarray(0, i), data.subarray(i)];
  yield [new Uint8Array(0), data, new Uint8Array(0)];
  const next = random(n * 7919 + 1);
  const pairs = n <= 40 ? n * n : 60;
  for (let k = 0; k < pairs; k++) {
    let a = n <= 40 ? Math.floor(k / n) : Math.floor(next() * (n + 1));
    let b = n <= 40 ? k % n : Math.floor(next() * (n + 1));
    if (a > b) [a, b] = [b, a];
    yield [data.subarray(0, a), data.subarray(a, b), data.subarray(b)];
  }
}

/**
 * Parses `input` whole, then every way of `splits()`, asserting the same
 * snapshot each time; returns the whole-input result.
 */
export function parseEveryWay(
  kind: "request",
  input: string | Uint8Array,
  options?: ParseOptions,
): ParseResult<ParsedRequest>;
export function parseEveryWay(
  kind: "response",
  input: string | Uint8Array,
  options?: ParseOptions,
): ParseResult<ParsedResponse>;
export function parseEveryWay(
  kind: "request" | "response",
  input: string | Uint8Array,
  options?: ParseOptions,
): ParseResult<ParsedMessage> {
  const data = typeof input === "string" ? bytes(input) : input;
  const whole = parseMessages(kind, data, options);
  const expected = snapshot(whole);
  for (const pieces of splits(data)) {
    const result = parseMessages(kind, pieces, options);
    const got = snapshot(result);
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      assert.deepEqual(
        got,
        expected,
        `different result with pieces of ${pieces.map((piece) => piece.length).join("+")} bytes`,
      );
    }
  }
  return whole;
}

/** Expects `input` to fail every way with `code` (and, when given, the other details). */
export function expectError(
  kind: "request" | "response",
  input: string | Uint8Array,
  code: string,
  details: { offset?: number; header?: string; char?: string; status?: number } = {},
  options?: ParseOptions,
): HttpError {
  const result = kind === "request"
    ? parseEveryWay("request", input, options)
    : parseEveryWay("response", input, options);
  assert.ok(result.error !== null, `expected ${code}, got no error`);
  const error = result.error;
  assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
  assert.ok(error instanceof HttpError);
  for (const [key, value] of Object.entries(details)) {
    assert.equal((error as unknown as Record<string, unknown>)[key], value, `error.${key}`);
  }
  return error;
}

/** Expects `input` to parse every way without error into `count` messages; returns them. */
export function expectMessages<K extends "request" | "response">(
  kind: K,
  input: string | Uint8Array,
  count: number,
  options?: ParseOptions,
): K extends "request" ? ParsedRequest[] : ParsedResponse[] {
  const result = kind === "request"
    ? parseEveryWay("request", input, options)
    : parseEveryWay("response", input, options);
  assert.equal(result.error, null, result.error?.message);
  assert.equal(result.messages.length, count);
  return result.messages as K extends "request" ? ParsedRequest[] : ParsedResponse[];
}

/** A readable trace of what a Connection reads from `pieces`. */
export function connectionTrace(
  role: "server" | "client",
  pieces: Uint8Array[],
  options: ConnectionOptions & { requestMethod?: string; requests?: number } = {},
): string[] {
  const { requestMethod, requests = 1, ...limits } = options;
  let sent = 1;
  const http = new Connection(role, limits);
  if (role === "client") {
    http.sendHead({
      method: requestMethod ?? "GET",
      target: "/",
      headers: [["Host", "example.com"]],
    });
    http.sendEnd();
  }
  const trace: string[] = [];
  let body = "";
  const drain = (): boolean => {
    for (;;) {
      let event;
      try {
        event = http.nextEvent();
      } catch (error) {
        trace.push(`error ${(error as HttpError).code} @${(error as HttpError).offset}`);
        return false;
      }
      switch (event.type) {
        case "need-data":
          return true;
        case "paused":
          if (role === "server" && http.ourState === "SEND_RESPONSE") {
            http.sendMessage({ status: 200 }, new Uint8Array(0));
            trace.push("answered");
            continue;
          }
          trace.push("paused");
          return false;
        case "data":
          body += latin1(event.data);
          continue;
        case "end":
          trace.push(`end body=${JSON.stringify(body)}`);
          body = "";
          if (role === "client" && http.ourState === "IDLE" && sent < requests) {
            sent++;
            http.sendHead({ method: "GET", target: "/", headers: [["Host", "example.com"]] });
            http.sendEnd();
          }
          continue;
        case "request":
          trace.push(`request ${event.method} ${event.target} ${JSON.stringify(event.headers)}`);
          continue;
        case "response":
          trace.push(`response ${event.status} ${JSON.stringify(event.headers)}`);
          continue;
        case "trailers":
          trace.push(`trailers ${JSON.stringify(event.trailers)}`);
          continue;
        case "closed":
          trace.push("closed");
          return false;
      }
    }
  };
  let open = true;
  for (const piece of pieces) {
    if (!open) break;
    if (piece.length === 0) continue;
    // the caller reuses its buffer: hand over a copy that is overwritten after use
    const buffer = piece.slice();
    http.receive(buffer);
    open = drain();
    buffer.fill(0x58);
  }
  if (open) {
    http.receiveEnd();
    drain();
  }
  return trace;
}

/** Expects the Connection to read the same trace from every way of cutting `input`. */
export function traceEveryWay(
  role: "server" | "client",
  input: string | Uint8Array,
  options: ConnectionOptions & { requestMethod?: string; requests?: number } = {},
): string[] {
  const data = typeof input === "string" ? bytes(input) : input;
  const expected = connectionTrace(role, [data], options);
  for (const pieces of splits(data)) {
    const got = connectionTrace(role, pieces, options);
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      assert.deepEqual(
        got,
        expected,
        `different trace with pieces of ${pieces.map((piece) => piece.length).join("+")} bytes`,
      );
    }
  }
  return expected;
}
