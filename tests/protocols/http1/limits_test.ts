// Every limit, just under and just past, with its default and a custom value.
// Past a limit the error comes at once (never a wait for more bytes) and
// carries the status a server answers (413, 414, 431).

import assert from "node:assert/strict";
import { test } from "../../_harness.ts";
import {
  Connection,
  DEFAULT_READER_OPTIONS,
  HttpError,
  parseMessages,
} from "../../../protocols/http1/mod.ts";
import { bytes, expectError, expectMessages, latin1, parseEveryWay } from "./_split.ts";

/** A request head of exactly `size` bytes (padding one header value). */
function headOfSize(size: number, line = "GET / HTTP/1.1"): string {
  const fixed = `${line}\r\nX-Pad: \r\n\r\n`.length;
  return `${line}\r\nX-Pad: ${"p".repeat(size - fixed)}\r\n\r\n`;
}

test("maxHeaderSize: 16384 bytes by default, like Node", () => {
  assert.equal(DEFAULT_READER_OPTIONS.maxHeaderSize, 16384);
  const exact = parseMessages("request", bytes(headOfSize(16384)));
  assert.equal(exact.error, null);
  assert.equal(exact.messages.length, 1);
  const over = parseMessages("request", bytes(headOfSize(16385)));
  assert.equal(over.error?.code, "HEADERS_TOO_LARGE");
  assert.equal(over.error?.status, 431);
  assert.equal(over.error?.offset, 16384);
});

test("maxHeaderSize: custom value, requests and responses, every way", () => {
  const options = { maxHeaderSize: 64 };
  expectMessages("request", headOfSize(64), 1, options);
  expectError("request", headOfSize(65), "HEADERS_TOO_LARGE", { offset: 64, status: 431 }, options);
  const response = (size: number) => {
    const fixed = "HTTP/1.1 204 No Content\r\nX: \r\n\r\n".length;
    return `HTTP/1.1 204 No Content\r\nX: ${"r".repeat(size - fixed)}\r\n\r\n`;
  };
  expectMessages("response", response(64), 1, options);
  expectError("response", response(65), "HEADERS_TOO_LARGE", { offset: 64 }, options);
  // empty lines before the request-line count
  expectMessages("request", `\r\n${headOfSize(62)}`, 1, options);
  expectError("request", `\r\n${headOfSize(63)}`, "HEADERS_TOO_LARGE", {}, options);
});

test("maxHeaderSize: a head that never ends fails at the limit, not at the end of the stream", () => {
  const endless = bytes(`GET / HTTP/1.1\r\nX: ${"a".repeat(20000)}`);
  const result = parseMessages("request", endless);
  assert.equal(result.error?.code, "HEADERS_TOO_LARGE");
  // streamed: the connection fails as soon as the limit is passed, for either role
  for (const role of ["server", "client"] as const) {
    const http = new Connection(role, { maxHeaderSize: 1024 });
    if (role === "client") {
      http.sendHead({ method: "GET", target: "/", headers: [["Host", "a"]] });
      http.sendEnd();
    }
    const start = role === "server" ? "GET / HTTP/1.1\r\nX: " : "HTTP/1.1 200 OK\r\nX: ";
    http.receive(bytes(start));
    assert.equal(http.nextEvent().type, "need-data");
    for (let sent = start.length; sent <= 1024; sent += 100) {
      http.receive(bytes("a".repeat(100)));
      if (sent + 100 <= 1024) assert.equal(http.nextEvent().type, "need-data");
    }
    assert.throws(() => http.nextEvent(), (error: HttpError) => {
      return error.code === "HEADERS_TOO_LARGE" && error.offset === 1024;
    });
  }
});

test("maxHeaderCount: 100 by default; the first field past it is TOO_MANY_HEADERS", () => {
  assert.equal(DEFAULT_READER_OPTIONS.maxHeaderCount, 100);
  const fields = (count: number) =>
    Array.from({ length: count }, (_, i) => `X-${i}: ${i}\r\n`).join("");
  const ok = parseMessages("request", bytes(`GET / HTTP/1.1\r\n${fields(100)}\r\n`));
  assert.equal(ok.error, null);
  assert.equal(ok.messages[0].headers.length, 100);
  const wire = `GET / HTTP/1.1\r\n${fields(101)}\r\n`;
  const over = parseMessages("request", bytes(wire));
  assert.equal(over.error?.code, "TOO_MANY_HEADERS");
  assert.equal(over.error?.status, 431);
  assert.equal(over.error?.offset, wire.indexOf("X-100:"));
  // custom, every way, in trailers too
  const options = { maxHeaderCount: 2 };
  expectMessages("request", "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\n\r\n", 1, options);
  expectError("request", "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", "TOO_MANY_HEADERS", {
    offset: 28,
  }, options);
  const chunked = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n";
  expectMessages("request", `${chunked}A: 1\r\nB: 2\r\n\r\n`, 1, options);
  expectError("request", `${chunked}A: 1\r\nB: 2\r\nC: 3\r\n\r\n`, "TOO_MANY_HEADERS", {}, options);
});

test("maxTargetLength: 8192 by default; past it TARGET_TOO_LONG (414)", () => {
  assert.equal(DEFAULT_READER_OPTIONS.maxTargetLength, 8192);
  const target = (length: number) => `/${"t".repeat(length - 1)}`;
  const ok = parseMessages("request", bytes(`GET ${target(8192)} HTTP/1.1\r\n\r\n`));
  assert.equal(ok.error, null);
  assert.equal(ok.messages[0].target.length, 8192);
  const over = parseMessages("request", bytes(`GET ${target(8193)} HTTP/1.1\r\n\r\n`));
  assert.equal(over.error?.code, "TARGET_TOO_LONG");
  assert.equal(over.error?.status, 414);
  assert.equal(over.error?.offset, 4 + 8192);
  const options = { maxTargetLength: 16 };
  expectMessages("request", `GET ${target(16)} HTTP/1.1\r\n\r\n`, 1, options);
  expectError(
    "request",
    `GET ${target(17)} HTTP/1.1\r\n\r\n`,
    "TARGET_TOO_LONG",
    { offset: 20 },
    options,
  );
  // the head limit still applies when it is the smaller one
  expectError(
    "request",
    `GET ${target(100)} HTTP/1.1\r\n\r\n`,
    "HEADERS_TOO_LARGE",
    { offset: 50 },
    {
      maxHeaderSize: 50,
    },
  );
});

test("maxChunkExtensionSize: counts every extension byte of a message", () => {
  assert.equal(DEFAULT_READER_OPTIONS.maxChunkExtensionSize, 16384);
  const head = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  const options = { maxChunkExtensionSize: 10 };
  // ";a=1234567" is 10 bytes
  expectMessages("request", `${head}1;a=1234567\r\nx\r\n0\r\n\r\n`, 1, options);
  expectError("request", `${head}1;a=12345678\r\nx\r\n0\r\n\r\n`, "CHUNK_EXTENSION_TOO_LARGE", {
    status: 413,
    offset: head.length + 11,
  }, options);
  // across chunks: 5 + 5 fits, 5 + 5 + 1 does not
  expectMessages("request", `${head}1;a=12\r\nx\r\n1;b=34\r\ny\r\n0\r\n\r\n`, 1, options);
  expectError(
    "request",
    `${head}1;a=12\r\nx\r\n1;b=34\r\ny\r\n0;\r\n\r\n`,
    "CHUNK_EXTENSION_TOO_LARGE",
    {},
    options,
  );
  // default: 16384 fits, 16385 does not, and a never-ending line fails at the limit
  const long = (n: number) => `${head}1;a=${"e".repeat(n - 3)}\r\nx\r\n0\r\n\r\n`;
  assert.equal(parseMessages("request", bytes(long(16384))).error, null);
  assert.equal(
    parseMessages("request", bytes(long(16385))).error?.code,
    "CHUNK_EXTENSION_TOO_LARGE",
  );
  const endless = parseMessages("request", [bytes(`${head}1;a=`), bytes("e".repeat(20000))]);
  assert.equal(endless.error?.code, "CHUNK_EXTENSION_TOO_LARGE");
});

test("maxTrailerSize: the bytes of the trailer section, final CRLF included", () => {
  assert.equal(DEFAULT_READER_OPTIONS.maxTrailerSize, 16384);
  const head = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n";
  const trailers = (size: number) => `X: ${"v".repeat(size - 7)}\r\n\r\n`;
  const options = { maxTrailerSize: 32 };
  const [message] = expectMessages("request", head + trailers(32), 1, options);
  assert.equal(message.trailers[0][1].length, 25);
  expectError("request", head + trailers(33), "TRAILERS_TOO_LARGE", {
    status: 431,
    offset: head.length + 32,
  }, options);
  assert.equal(parseMessages("request", bytes(head + trailers(16384))).error, null);
  assert.equal(
    parseMessages("request", bytes(head + trailers(16385))).error?.code,
    "TRAILERS_TOO_LARGE",
  );
});

test("maxBodySize: none by default; Content-Length past it fails before the body", () => {
  assert.equal(DEFAULT_READER_OPTIONS.maxBodySize, Infinity);
  const options = { maxBodySize: 5 };
  const post = (length: number) =>
    `POST / HTTP/1.1\r\nContent-Length: ${length}\r\n\r\n${"b".repeat(length)}`;
  expectMessages("request", post(5), 1, options);
  expectError("request", post(6), "BODY_TOO_LARGE", {
    status: 413,
    header: "Content-Length",
    offset: 33,
  }, options);
  // the head alone is enough to refuse
  const headOnly = parseMessages(
    "request",
    bytes("POST / HTTP/1.1\r\nContent-Length: 999999\r\n\r\n"),
    options,
  );
  assert.equal(headOnly.error?.code, "BODY_TOO_LARGE");
});

test("maxBodySize: chunked bodies count every chunk; a chunk past it fails at its size line", () => {
  const options = { maxBodySize: 5 };
  const head = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  const [message] = expectMessages(
    "request",
    `${head}2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n`,
    1,
    options,
  );
  assert.equal(latin1(message.body), "abcde");
  expectError("request", `${head}2\r\nab\r\n4\r\ncdef\r\n0\r\n\r\n`, "BODY_TOO_LARGE", {
    status: 413,
    offset: head.length + 7,
  }, options);
});

test("maxBodySize: a response read until close stops at the limit", () => {
  const options = { maxBodySize: 5 };
  const [message] = expectMessages("response", "HTTP/1.1 200 OK\r\n\r\nabcde", 1, options);
  assert.equal(latin1(message.body), "abcde");
  expectError(
    "response",
    "HTTP/1.1 200 OK\r\n\r\nabcdef",
    "BODY_TOO_LARGE",
    { offset: 24 },
    options,
  );
});

test("maxBufferedSize: bytes kept while the reader is behind are bounded", () => {
  assert.equal(DEFAULT_READER_OPTIONS.maxBufferedSize, 1 << 20);
  const http = new Connection("server", { maxBufferedSize: 100 });
  http.receive(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
  assert.equal(http.nextEvent().type, "request");
  assert.equal(http.nextEvent().type, "end");
  assert.equal(http.nextEvent().type, "paused");
  // a client pipelining while the response is pending: kept, up to the limit
  http.receive(bytes("x".repeat(100)));
  http.receive(bytes("y"));
  assert.equal(http.bufferedBytes, 101);
  assert.throws(() => http.receive(bytes("z")), { code: "INVALID_STATE" });
});

test("limits: options are checked", () => {
  for (const bad of [0, -1, 1.5, NaN, "10", null]) {
    const result = parseMessages("request", bytes("GET / HTTP/1.1\r\n\r\n"), {
      maxHeaderSize: bad as unknown as number,
    });
    assert.equal(result.error?.code, "INVALID_ARGUMENT", String(bad));
  }
  const lf = parseMessages("request", bytes("GET / HTTP/1.1\r\n\r\n"), {
    allowLfOnly: "yes" as unknown as boolean,
  });
  assert.equal(lf.error?.code, "INVALID_ARGUMENT");
  assert.throws(() => new Connection("server", { maxHeaderCount: 0 }), HttpError);
  const every = parseEveryWay("request", "GET / HTTP/1.1\r\n\r\n", { maxHeaderSize: Infinity });
  assert.equal(every.error, null);
});
