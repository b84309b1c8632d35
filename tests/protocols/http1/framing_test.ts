// Message framing (RFC 9112 6): Content-Length, Transfer-Encoding, their
// order of precedence, and the request smuggling patterns. Framing stays
// strict whatever the options. Every case is parsed every way.

import assert from "node:assert/strict";
import { test } from "../../_harness.ts";
import { expectError, expectMessages, latin1, parseEveryWay } from "./_split.ts";

function post(fields: string, body = ""): string {
  return `POST /submit HTTP/1.1\r\nHost: a\r\n${fields}\r\n${body}`;
}

const LENIENT = { allowLfOnly: true, allowUnsafeTargetChars: true };

test("Content-Length: the body is exactly that many bytes", () => {
  const [a, b] = expectMessages(
    "request",
    post("Content-Length: 5\r\n", "hello") + "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
    2,
  );
  assert.equal(latin1(a.body), "hello");
  assert.equal(b.method, "GET");
});

test("Content-Length: leading zeros, 0, tab before the value, equal duplicates", () => {
  for (
    const [fields, body] of [
      ["Content-Length: 005\r\n", "hello"],
      ["Content-Length: 00\r\n", ""],
      ["Content-Length: 0\r\n", ""],
      ["Content-Length:\t5\r\n", "hello"],
      ["Content-Length:5 \r\n", "hello"],
      ["Content-Length: 5\r\nContent-Length: 5\r\n", "hello"],
      ["content-length: 5\r\nCONTENT-LENGTH: 005\r\n", "hello"],
    ]
  ) {
    const [message] = expectMessages("request", post(fields, body), 1);
    assert.equal(latin1(message.body), body);
  }
});

test("Content-Length: anything but digits is INVALID_CONTENT_LENGTH", () => {
  for (
    const value of [
      "",
      "+5",
      "-5",
      "-0",
      "5.0",
      "0x5",
      "0o5",
      "5 5",
      "1 0",
      "1_0",
      "5, 5",
      "5,5",
      "five",
      "1e3",
      "\xb5",
      "99999999999999999999",
      "9007199254740992",
    ]
  ) {
    expectError(
      "request",
      post(`Content-Length: ${value}\r\n`, "hello"),
      "INVALID_CONTENT_LENGTH",
      {
        header: "Content-Length",
        status: 400,
      },
    );
  }
});

test("Content-Length: different values are CONFLICTING_CONTENT_LENGTH", () => {
  expectError(
    "request",
    post("Content-Length: 5\r\nContent-Length: 6\r\n", "hello!"),
    "CONFLICTING_CONTENT_LENGTH",
    { header: "Content-Length" },
  );
  expectError(
    "response",
    "HTTP/1.1 200 OK\r\nContent-Length: 1\r\ncontent-length: 2\r\n\r\nab",
    "CONFLICTING_CONTENT_LENGTH",
    { header: "content-length" },
  );
});

test("Content-Length: a truncated body is INCOMPLETE_MESSAGE at the end of the stream", () => {
  expectError("request", post("Content-Length: 10\r\n", "hello"), "INCOMPLETE_MESSAGE", {
    offset: post("", "hello").length + 20,
  });
});

test("Transfer-Encoding: chunked, in any case, with optional whitespace", () => {
  for (const value of ["chunked", "Chunked", "CHUNKED", "chunked ", "\tchunked"]) {
    const [message] = expectMessages(
      "request",
      post(`Transfer-Encoding: ${value}\r\n`, "5\r\nhello\r\n0\r\n\r\n"),
      1,
    );
    assert.equal(latin1(message.body), "hello");
  }
});

test("Transfer-Encoding with Content-Length is an error (RFC 9112 6.3), either order", () => {
  for (
    const fields of [
      "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
      "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
      "Transfer-Encoding: chunked\r\nContent-Length: 0\r\n",
    ]
  ) {
    const error = expectError(
      "request",
      post(fields, "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n"),
      "CONTENT_LENGTH_WITH_TRANSFER_ENCODING",
      { header: "Transfer-Encoding", status: 400 },
    );
    assert.ok(error.offset !== undefined);
    // the leniency options never loosen framing
    const lenient = parseEveryWay("request", post(fields, "0\r\n\r\n"), LENIENT);
    assert.equal(lenient.error?.code, "CONTENT_LENGTH_WITH_TRANSFER_ENCODING");
  }
  expectError(
    "response",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
    "CONTENT_LENGTH_WITH_TRANSFER_ENCODING",
  );
});

test("Transfer-Encoding: chunked must be the last coding of a request (400)", () => {
  for (const value of ["gzip", "identity", "chunked, gzip", "xchunked", "chunkedx", "chunk"]) {
    expectError(
      "request",
      post(`Transfer-Encoding: ${value}\r\n`, "0\r\n\r\n"),
      "CHUNKED_NOT_LAST",
      {
        status: 400,
      },
    );
  }
});

test("Transfer-Encoding: a coding other than chunked before it is 501", () => {
  expectError(
    "request",
    post("Transfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n"),
    "UNSUPPORTED_TRANSFER_ENCODING",
    { status: 501 },
  );
  expectError(
    "request",
    post("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"),
    "UNSUPPORTED_TRANSFER_ENCODING",
    { status: 501 },
  );
});

test("Transfer-Encoding: malformed lists and repeated chunked are INVALID_TRANSFER_ENCODING", () => {
  for (
    const fields of [
      "Transfer-Encoding: chunked, chunked\r\n",
      "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
      "Transfer-Encoding: \r\n",
      "Transfer-Encoding: , chunked\r\n",
      "Transfer-Encoding: chunked,\r\n",
      "Transfer-Encoding: chunked, , chunked\r\n",
      "Transfer-Encoding: chunked;q=1\r\n",
      "Transfer-Encoding: chunked chunked\r\n",
      'Transfer-Encoding: "chunked"\r\n',
      "Transfer-Encoding: chunked\r\nTransfer-Encoding: \r\n",
    ]
  ) {
    expectError("request", post(fields, "0\r\n\r\n"), "INVALID_TRANSFER_ENCODING", { status: 400 });
  }
});

test("Transfer-Encoding: control characters around chunked are INVALID_HEADER_VALUE", () => {
  for (const char of ["\0", "\x0b", "\x0c"]) {
    expectError(
      "request",
      post(`Transfer-Encoding: ${char}chunked\r\nContent-Length: 5\r\n`, "hello"),
      "INVALID_HEADER_VALUE",
    );
    expectError(
      "request",
      post(`Transfer-Encoding: chunked${char}\r\nContent-Length: 5\r\n`, "hello"),
      "INVALID_HEADER_VALUE",
    );
  }
});

test("Transfer-Encoding in HTTP/1.0 is faulty framing (RFC 9112 6.1)", () => {
  expectError(
    "request",
    "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "TRANSFER_ENCODING_IN_HTTP10",
  );
  expectError(
    "response",
    "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "TRANSFER_ENCODING_IN_HTTP10",
  );
});

test("framing: a look-alike field name frames nothing", () => {
  // "Transfer_Encoding" is just a field: the request has no body, and the
  // chunked bytes that follow are read as the next request-line
  const result = parseEveryWay("request", post("Transfer_Encoding: chunked\r\n", "0\r\n\r\n"));
  assert.equal(result.messages.length, 1);
  assert.equal(result.messages[0].body.length, 0);
  assert.equal(result.error?.code, "INVALID_REQUEST_LINE");
});

test("framing: a request without Content-Length or Transfer-Encoding has no body", () => {
  const [post1, next] = expectMessages(
    "request",
    "POST / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
    2,
  );
  assert.equal(post1.body.length, 0);
  assert.equal(next.method, "GET");
});

test("framing: GET, HEAD, OPTIONS and TRACE with a body are framed like any request", () => {
  for (const method of ["GET", "HEAD", "OPTIONS", "TRACE", "DELETE"]) {
    const [message, after] = expectMessages(
      "request",
      `${method} / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\nHost: a\r\n\r\n`,
      2,
    );
    assert.equal(latin1(message.body), "hello");
    assert.equal(after.method, "GET");
  }
});

test("framing: a CONNECT request declares no content", () => {
  expectError(
    "request",
    "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\nContent-Length: 5\r\n\r\nhello",
    "CONNECT_WITH_BODY",
  );
  expectError(
    "request",
    "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "CONNECT_WITH_BODY",
  );
  const result = parseEveryWay(
    "request",
    "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\nContent-Length: 0\r\n\r\ntunnel",
  );
  assert.equal(result.error, null);
  assert.equal(latin1(result.rest), "tunnel");
});

test("framing: the classic CL.TE and TE.CL smuggling requests are refused before any body", () => {
  const smuggle =
    "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 13\r\nTransfer-Encoding: chunked\r\n\r\n" +
    "0\r\n\r\nSMUGGLED";
  const result = parseEveryWay("request", smuggle);
  assert.equal(result.messages.length, 0);
  assert.equal(result.error?.code, "CONTENT_LENGTH_WITH_TRANSFER_ENCODING");
});

test("framing: a response's Transfer-Encoding other than chunked is not decoded (strict)", () => {
  for (const value of ["gzip", "gzip, chunked", "chunked, gzip", "identity"]) {
    expectError(
      "response",
      `HTTP/1.1 200 OK\r\nTransfer-Encoding: ${value}\r\n\r\n0\r\n\r\n`,
      "UNSUPPORTED_TRANSFER_ENCODING",
    );
  }
});
