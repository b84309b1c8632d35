// The chunked transfer coding (RFC 9112 7.1): sizes, extensions, trailers,
// the CRLFs between chunks, and the encoders. Always strict, whatever the
// options. Every case is parsed every way.

import assert from "node:assert/strict";
import { test } from "../../_harness.ts";
import {
  CHUNK_END,
  chunkHeader,
  encodeChunk,
  LAST_CHUNK,
  parseMessages,
} from "../../../protocols/http1/mod.ts";
import { bytes, expectError, expectMessages, latin1, parseEveryWay } from "./_split.ts";

const HEAD = "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
const STRICT_EVEN_IF_LENIENT = { allowLfOnly: true, allowUnsafeTargetChars: true };

function chunked(body: string): string {
  return HEAD + body;
}

test("chunked: chunks, upper- and lowercase hex, leading zeros, an empty body", () => {
  for (
    const [body, expected] of [
      ["5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world"],
      ["A\r\n0123456789\r\n0\r\n\r\n", "0123456789"],
      ["a\r\n0123456789\r\n0\r\n\r\n", "0123456789"],
      ["0005\r\nhello\r\n000\r\n\r\n", "hello"],
      ["0\r\n\r\n", ""],
      ["1\r\n\0\r\n1\r\n\xff\r\n0\r\n\r\n", "\0\xff"],
    ]
  ) {
    const [message] = expectMessages("request", chunked(body), 1);
    assert.equal(latin1(message.body), expected);
    assert.deepEqual(message.trailers, []);
  }
});

test("chunked: extensions (names, tokens, quoted strings, BWS) are parsed and dropped", () => {
  for (
    const line of [
      "5;name",
      "5;name=value",
      '5;name="quoted value"',
      '5;name="esc\\"aped\\\\"',
      "5 ;name",
      "5; name = value",
      "5\t;\tname\t=\tvalue",
      '5;a;b=c;d="e"',
      '5;name="\xe9"',
    ]
  ) {
    const [message] = expectMessages("request", chunked(`${line}\r\nhello\r\n0;last\r\n\r\n`), 1);
    assert.equal(latin1(message.body), "hello");
  }
});

test("chunked: a malformed chunk-size is INVALID_CHUNK_SIZE", () => {
  for (
    const line of [
      "",
      " 5",
      "+5",
      "-5",
      "-1",
      "g",
      "_5",
      "0x5".slice(1), // "x5"
    ]
  ) {
    expectError("request", chunked(`${line}\r\nhello\r\n0\r\n\r\n`), "INVALID_CHUNK_SIZE", {
      offset: HEAD.length,
    });
  }
  // too many digits or too large for exact arithmetic
  expectError("request", chunked("00000000000000005\r\nhello\r\n0\r\n\r\n"), "INVALID_CHUNK_SIZE");
  expectError("request", chunked("FFFFFFFFFFFFFFFF0\r\n"), "INVALID_CHUNK_SIZE");
  expectError("request", chunked("20000000000000\r\n"), "INVALID_CHUNK_SIZE");
});

test("chunked: what follows the size must be a valid extension, then CRLF", () => {
  for (
    const line of [
      "0x5",
      "5 ",
      "5\t",
      "1_0",
      "5;",
      "5;=x",
      "5;a=",
      "5;a b",
      "5;a=b c",
      "5;bad[=1",
      "5;\0ext",
      '5;a="unterminated\r',
      '5;a="ctl\x01"',
      "5;a=b;",
    ]
  ) {
    expectError("request", chunked(`${line}\r\nhello\r\n0\r\n\r\n`), "INVALID_CHUNK_EXTENSION");
  }
});

test("chunked: chunk lines end with CRLF, even with allowLfOnly", () => {
  for (const options of [undefined, STRICT_EVEN_IF_LENIENT]) {
    expectError("request", chunked("5\nhello\r\n0\r\n\r\n"), "BARE_LF", {}, options);
    expectError("request", chunked("5;a=b\nhello\r\n0\r\n\r\n"), "BARE_LF", {}, options);
    expectError("request", chunked("5\rhello\r\n0\r\n\r\n"), "INVALID_CHUNK", {}, options);
  }
});

test("chunked: chunk data must be followed by CRLF (no spill, no bare LF)", () => {
  for (const options of [undefined, STRICT_EVEN_IF_LENIENT]) {
    expectError("request", chunked("5\r\nhello!!\r\n0\r\n\r\n"), "INVALID_CHUNK", {
      offset: HEAD.length + 8,
      char: "!",
    }, options);
    expectError("request", chunked("5\r\nhello\n0\r\n\r\n"), "INVALID_CHUNK", {
      offset: HEAD.length + 8,
    }, options);
    expectError("request", chunked("5\r\nhello\r0\r\n\r\n"), "INVALID_CHUNK", {
      offset: HEAD.length + 9,
    }, options);
    expectError("request", chunked("5\r\nhello0\r\n\r\n"), "INVALID_CHUNK", {}, options);
  }
});

test("chunked: trailer fields are reported apart from the header fields", () => {
  const [message] = expectMessages(
    "request",
    chunked("5\r\nhello\r\n0\r\nChecksum: abc\r\nX-Note:  two words \r\n\r\n"),
    1,
  );
  assert.equal(latin1(message.body), "hello");
  assert.deepEqual(message.trailers, [["Checksum", "abc"], ["X-Note", "two words"]]);
  assert.deepEqual(message.headers, [["Host", "a"], ["Transfer-Encoding", "chunked"]]);
});

test("chunked: trailers follow the field rules; framing and routing fields are refused", () => {
  expectError("request", chunked("0\r\nBad Name: x\r\n\r\n"), "INVALID_HEADER_NAME");
  expectError("request", chunked("0\r\nX: a\0\r\n\r\n"), "INVALID_HEADER_VALUE");
  expectError("request", chunked("0\r\nX: a\r\n b\r\n\r\n"), "OBS_FOLD");
  expectError("request", chunked("0\r\n X: a\r\n\r\n"), "LEADING_WHITESPACE");
  for (const name of ["Content-Length", "transfer-encoding", "HOST"]) {
    expectError("request", chunked(`0\r\n${name}: 50\r\n\r\n`), "FORBIDDEN_TRAILER", {
      header: name,
    });
  }
  for (const options of [undefined, STRICT_EVEN_IF_LENIENT]) {
    expectError("request", chunked("0\r\n\n"), "BARE_LF", {}, options);
    expectError("request", chunked("0\r\nX: y\n\r\n"), "BARE_LF", {}, options);
  }
  // a response's folded trailer is unfolded, as in its head
  const [response] = expectMessages(
    "response",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: a\r\n b\r\n\r\n",
    1,
  );
  assert.deepEqual(response.trailers, [["X", "a b"]]);
});

test("chunked: a missing last chunk or final CRLF is INCOMPLETE_MESSAGE", () => {
  for (
    const body of [
      "5\r\nhello\r\n",
      "5\r\nhel",
      "5\r\nhello\r\n0\r\n",
      "5\r\nhello\r\n0\r\nX: y\r\n",
      "5",
    ]
  ) {
    expectError("request", chunked(body), "INCOMPLETE_MESSAGE");
  }
});

test("chunked: a body of many small chunks comes out whole", () => {
  let wire = "";
  let expected = "";
  for (let i = 0; i < 300; i++) {
    const piece = String.fromCharCode(0x41 + (i % 26)).repeat(1 + (i % 7));
    wire += `${piece.length.toString(16)}\r\n${piece}\r\n`;
    expected += piece;
  }
  const result = parseMessages("request", bytes(chunked(`${wire}0\r\n\r\n`)));
  assert.equal(result.error, null);
  assert.equal(latin1(result.messages[0].body), expected);
});

test("encoders: encodeChunk, chunkHeader, CHUNK_END and LAST_CHUNK", () => {
  assert.equal(latin1(encodeChunk(bytes("hello"))), "5\r\nhello\r\n");
  assert.equal(latin1(encodeChunk(new Uint8Array(0))), "");
  assert.equal(latin1(encodeChunk(new Uint8Array(4096))).slice(0, 6), "1000\r\n");
  assert.equal(latin1(chunkHeader(0x1234abcd)), "1234abcd\r\n");
  assert.equal(latin1(CHUNK_END), "\r\n");
  assert.equal(latin1(LAST_CHUNK), "0\r\n\r\n");
  assert.throws(() => chunkHeader(0), { code: "INVALID_ARGUMENT" });
  assert.throws(() => chunkHeader(-1), { code: "INVALID_ARGUMENT" });
  // what the encoders write, the reader reads back
  const pieces = ["a", "bc", "x".repeat(300)];
  const wire = HEAD + pieces.map((piece) => latin1(encodeChunk(bytes(piece)))).join("") +
    latin1(LAST_CHUNK);
  const [message] = expectMessages("request", wire, 1);
  assert.equal(latin1(message.body), pieces.join(""));
});

test("chunked: parseEveryWay sees a chunked response with extensions and trailers the same", () => {
  const result = parseEveryWay(
    "response",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
      "4;x=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nExpires: never\r\n\r\n",
  );
  assert.equal(result.error, null);
  assert.equal(latin1(result.messages[0].body), "Wikipedia in\r\n\r\nchunks.");
  assert.deepEqual(result.messages[0].trailers, [["Expires", "never"]]);
});
