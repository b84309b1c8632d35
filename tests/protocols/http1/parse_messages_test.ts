// parseMessages: the contract (never throws, messages before an error are
// kept, rest), no copy of a body that arrived whole, and a small fuzz: mutated
// messages give an HttpError or messages, never an exception, and the same
// result however they are cut.

import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { test } from "../../_harness.ts";
import { HttpError, parseMessages } from "../../../protocols/http1/mod.ts";
import { bytes, latin1, random, snapshot } from "./_split.ts";

test("parseMessages: never throws, whatever it is given", () => {
  const calls: Array<() => unknown> = [
    () => parseMessages("chunk" as "request", bytes("GET / HTTP/1.1\r\n\r\n")),
    () => parseMessages("request", "GET / HTTP/1.1\r\n\r\n" as unknown as Uint8Array),
    () => parseMessages("request", null as unknown as Uint8Array),
    () => parseMessages("request", [bytes("GET"), "x"] as unknown as Uint8Array[]),
    () => parseMessages("request", bytes("GET / HTTP/1.1\r\n\r\n"), { maxHeaderSize: -5 }),
    () =>
      parseMessages("response", bytes("HTTP/1.1 200 OK\r\n\r\n"), {
        requestMethod: 5 as unknown as string,
      }),
    () =>
      parseMessages("response", bytes("HTTP/1.1 200 OK\r\n\r\n"), {
        requestMethod: [1] as unknown as string[],
      }),
  ];
  for (const call of calls) {
    const result = call() as { error: unknown; messages: unknown[]; rest: Uint8Array };
    assert.ok(result.error instanceof HttpError);
    assert.equal((result.error as HttpError).code, "INVALID_ARGUMENT");
    assert.deepEqual(result.messages, []);
    assert.equal(result.rest.length, 0);
  }
});

test("parseMessages: messages complete before an error are returned with it", () => {
  const result = parseMessages(
    "request",
    bytes("GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\nBad Header\r\n\r\n"),
  );
  assert.deepEqual(result.messages.map((message) => message.target), ["/1", "/2"]);
  assert.equal(result.error?.code, "INVALID_HEADER_NAME");
  assert.equal(result.rest.length, 0);
});

test("parseMessages: empty input, and input of only empty chunks, is no message and no error", () => {
  for (const input of [new Uint8Array(0), [], [new Uint8Array(0), new Uint8Array(0)]]) {
    const result = parseMessages("request", input);
    assert.deepEqual(result.messages, []);
    assert.equal(result.error, null);
  }
});

test("parseMessages: a body that arrived in one piece is not copied", () => {
  const input = bytes("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
  const [message] = parseMessages("request", input).messages;
  assert.equal(message.body.buffer, input.buffer);
  assert.equal(message.body.byteOffset, input.length - 5);
  // a body in pieces (chunked, or cut) is joined into one array
  const chunked = parseMessages("request", [
    bytes("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhe\r\n3\r\nllo\r\n0\r\n\r\n"),
  ]);
  assert.equal(latin1(chunked.messages[0].body), "hello");
});

test("parseMessages: Node Buffers are Uint8Arrays too", () => {
  const result = parseMessages("request", [
    Buffer.from("GET / HTTP/1.1\r\n"),
    Buffer.from("Host: a\r\n\r\n"),
  ]);
  assert.equal(result.error, null);
  assert.deepEqual(result.messages[0].headers, [["Host", "a"]]);
});

test("parseMessages: rest gathers every byte after an upgrade, across the pieces", () => {
  const result = parseMessages("request", [
    bytes("CONNECT a:1 HTTP/1.1\r\nHost: a:1\r\n\r\nfi"),
    bytes("rst"),
    bytes(""),
    bytes(" second"),
  ]);
  assert.equal(result.messages.length, 1);
  assert.equal(latin1(result.rest), "first second");
});

test("parseMessages: one requestMethod answers every response", () => {
  const result = parseMessages(
    "response",
    bytes(
      "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n",
    ),
    { requestMethod: "HEAD" },
  );
  assert.equal(result.error, null);
  assert.equal(result.messages.length, 2);
});

test("parseMessages: the same reader is reused between calls without leaking state", () => {
  const first = parseMessages("request", bytes("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc"));
  assert.equal(first.error?.code, "INCOMPLETE_MESSAGE");
  const second = parseMessages("request", bytes("GET / HTTP/1.1\r\n\r\n"));
  assert.equal(second.error, null);
  assert.equal(second.messages[0].method, "GET");
  const third = parseMessages("request", bytes("GET / HTTP/1.1\r\n"));
  assert.equal(third.error?.code, "INCOMPLETE_MESSAGE");
  assert.equal(third.error?.offset, 16);
});

const SEEDS = [
  "GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n",
  "POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\nContent-Type: text/plain\r\n\r\nhello world",
  "PUT /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;e=1\r\nhello\r\n0\r\nT: v\r\n\r\n",
  "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.1\r\nHost: b\r\n\r\n",
  "CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n\x16\x03\x01",
  "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 204 No Content\r\n\r\n",
  "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
  "HTTP/1.0 200 OK\r\nX: a\r\n b\r\n\r\nuntil close",
];

const NASTY = [0x00, 0x09, 0x0a, 0x0d, 0x20, 0x22, 0x2c, 0x3a, 0x3b, 0x7f, 0x80, 0xff, 0x30, 0x41];

function mutate(seed: string, next: () => number): Uint8Array {
  const data = Array.from(bytes(seed));
  const edits = 1 + Math.floor(next() * 3);
  for (let k = 0; k < edits; k++) {
    const at = Math.floor(next() * data.length);
    const byte = NASTY[Math.floor(next() * NASTY.length)];
    const kind = next();
    if (kind < 0.4) data[at] = byte;
    else if (kind < 0.7) data.splice(at, 0, byte);
    else if (kind < 0.9) data.splice(at, 1);
    else data.splice(at, 0, ...data.slice(at, at + 8));
  }
  return Uint8Array.from(data);
}

test("parseMessages: mutated messages never throw and do not depend on the cuts", () => {
  const next = random(20240501);
  let errors = 0;
  for (let round = 0; round < 400; round++) {
    const seed = SEEDS[round % SEEDS.length];
    const kind = seed.startsWith("HTTP/") ? "response" : "request";
    const input = mutate(seed, next);
    const whole = parseMessages(kind, input);
    assert.ok(whole.error === null || whole.error instanceof HttpError);
    if (whole.error !== null) {
      errors++;
      assert.equal(typeof whole.error.code, "string");
      assert.ok(whole.error.status >= 400 && whole.error.status <= 505);
      assert.ok(whole.error.offset === undefined || whole.error.offset <= input.length);
    }
    const expected = JSON.stringify(snapshot(whole));
    const cuts = [
      Array.from({ length: input.length }, (_, i) => input.subarray(i, i + 1)),
      [input.subarray(0, input.length >> 1), input.subarray(input.length >> 1)],
      [input.subarray(0, 3), input.subarray(3, 40), input.subarray(40)],
    ];
    for (const pieces of cuts) {
      assert.equal(JSON.stringify(snapshot(parseMessages(kind, pieces))), expected, latin1(input));
    }
  }
  assert.ok(errors > 50, `the mutations should break most messages (${errors} errors)`);
});

test("parseMessages: random bytes never throw", () => {
  const next = random(7);
  for (let round = 0; round < 300; round++) {
    const input = Uint8Array.from(
      { length: Math.floor(next() * 200) },
      () => Math.floor(next() * 256),
    );
    for (const kind of ["request", "response"] as const) {
      const result = parseMessages(kind, input);
      assert.ok(result.error === null || result.error instanceof HttpError);
    }
  }
});
