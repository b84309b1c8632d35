// The parser's share of issue 12's hostile clients, at the protocol level (the
// server and its sockets come later): a pipeline of 10,000 requests in one
// packet, a header flood, a slowloris head fed a byte at a time, and endless
// empty lines. Each must be read completely or refused at its limit, keeping
// no more than the limit, in time linear in the input (counted, not timed: the
// buffered bytes and the copies the reader makes).

import assert from "node:assert/strict";
import { test } from "../../_harness.ts";
import { Connection, HttpError } from "../../../protocols/http1/mod.ts";
import { bytes } from "./_split.ts";

/** Drains a server connection, answering each request; returns the requests read. */
function serve(http: Connection, answered: { count: number }): number {
  let requests = 0;
  for (;;) {
    const event = http.nextEvent();
    if (event.type === "need-data" || event.type === "closed") return requests;
    if (event.type === "request") requests++;
    if (event.type === "paused") {
      http.sendMessage({ status: 204 });
      answered.count++;
    }
  }
}

test("hostile peers: 10,000 pipelined requests in one packet are all read, nothing kept", () => {
  const one = "GET /item?id=1 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n";
  const packet = bytes(one.repeat(10_000));
  const http = new Connection("server");
  const answered = { count: 0 };
  http.receive(packet);
  assert.equal(serve(http, answered), 10_000);
  assert.equal(answered.count, 10_000);
  assert.equal(http.bufferedBytes, 0, "the packet was read in place, not kept");
});

test("hostile peers: a header flood stops at the field limit, keeping at most the head limit", () => {
  const http = new Connection("server", { maxHeaderCount: 100, maxHeaderSize: 16384 });
  http.receive(bytes("GET / HTTP/1.1\r\nHost: a\r\n"));
  assert.equal(http.nextEvent().type, "need-data");
  let refused: HttpError | null = null;
  let sent = 0;
  for (let i = 0; i < 100_000 && refused === null; i++) {
    const line = bytes(`X-Flood-${i}: ${"v".repeat(20)}\r\n`);
    sent += line.length;
    try {
      http.receive(line);
      http.nextEvent();
      // what it keeps between reads (after a refusal it holds only the caller's last bytes)
      assert.ok(http.bufferedBytes <= 16385, `kept ${http.bufferedBytes} bytes`);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      refused = error;
    }
  }
  assert.ok(refused instanceof HttpError);
  assert.ok(["TOO_MANY_HEADERS", "HEADERS_TOO_LARGE"].includes(refused.code), refused.code);
  assert.equal(refused.status, 431);
  assert.ok(sent < 20_000, `refused after ${sent} bytes`);
});

test("hostile peers: a slowloris head, a byte at a time, is kept once and refused at the limit", () => {
  const http = new Connection("server");
  const head = bytes("GET / HTTP/1.1\r\nHost: a\r\nX-Slow: " + "s".repeat(20_000));
  let refused: HttpError | null = null;
  let at = 0;
  for (; at < head.length && refused === null; at++) {
    try {
      http.receive(head.subarray(at, at + 1));
      assert.equal(http.nextEvent().type, "need-data");
      assert.ok(http.bufferedBytes <= 16385, `kept ${http.bufferedBytes} bytes`);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      refused = error;
    }
  }
  assert.equal(refused?.code, "HEADERS_TOO_LARGE");
  assert.equal(at, 16385, "refused as soon as the limit was passed");
});

test("hostile peers: endless empty lines before a request-line count against the head limit", () => {
  const http = new Connection("server");
  const lines = bytes("\r\n".repeat(512));
  let refused: HttpError | null = null;
  let sent = 0;
  while (refused === null && sent < 1 << 20) {
    try {
      http.receive(lines);
      http.nextEvent();
      sent += lines.length;
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      refused = error;
    }
  }
  assert.equal(refused?.code, "HEADERS_TOO_LARGE");
  assert.ok(sent <= 16384, `read ${sent} bytes of empty lines`);
});
