// Header field lines (RFC 9112 5, RFC 9110 5): names, values, whitespace,
// obs-fold, and the characters that must never pass. Every case is parsed
// whole, byte by byte and cut every way.

import assert from "node:assert/strict";
import { test } from "../../_harness.ts";
import { expectError, expectMessages, parseEveryWay } from "./_split.ts";

const LINE = "GET / HTTP/1.1\r\n";
const AT = LINE.length; // offset of the first header line

function withFields(fields: string): string {
  return `${LINE}${fields}\r\n`;
}

test("fields: pairs in wire order, names as received, duplicates kept", () => {
  const [message] = expectMessages(
    "request",
    withFields("Host: a\r\nACCEPT: */*\r\nx-custom: 1\r\nX-Custom: 2\r\nset-cookie: a=b\r\n"),
    1,
  );
  assert.deepEqual(message.headers, [
    ["Host", "a"],
    ["ACCEPT", "*/*"],
    ["x-custom", "1"],
    ["X-Custom", "2"],
    ["set-cookie", "a=b"],
  ]);
});

test("fields: values are trimmed of optional whitespace (SP and HTAB) only", () => {
  const [message] = expectMessages(
    "request",
    withFields(
      "A:value\r\nB:   spaced   \r\nC:\ttabbed\t\r\nD:\r\nE: \t \r\nF: in  side\r\nG: \xa0nbsp\xa0\r\n",
    ),
    1,
  );
  assert.deepEqual(message.headers, [
    ["A", "value"],
    ["B", "spaced"],
    ["C", "tabbed"],
    ["D", ""],
    ["E", ""],
    ["F", "in  side"],
    ["G", "\xa0nbsp\xa0"],
  ]);
});

test("fields: obs-text (0x80-0xFF) is kept as opaque Latin-1", () => {
  const [message] = expectMessages("request", withFields("X-Name: caf\xe9 \xff\x80\r\n"), 1);
  assert.deepEqual(message.headers, [["X-Name", "caf\xe9 \xff\x80"]]);
});

test("fields: every token character may appear in a name", () => {
  const name = "!#$%&'*+-.^_`|~09AZaz";
  const [message] = expectMessages("request", withFields(`${name}: v\r\n`), 1);
  assert.deepEqual(message.headers, [[name, "v"]]);
});

test("fields: whitespace before the colon is SPACE_BEFORE_COLON (RFC 9112 5.1)", () => {
  expectError("request", withFields("Host : a\r\n"), "SPACE_BEFORE_COLON", {
    offset: AT + 4,
    header: "Host",
    status: 400,
  });
  expectError("request", withFields("Transfer-Encoding\t: chunked\r\n"), "SPACE_BEFORE_COLON", {
    offset: AT + 17,
    header: "Transfer-Encoding",
  });
  expectError("request", withFields("Host  \t : a\r\n"), "SPACE_BEFORE_COLON", { offset: AT + 4 });
});

test("fields: names that are not tokens are INVALID_HEADER_NAME", () => {
  for (
    const [line, at, char] of [
      [": empty\r\n", 0, ":"],
      ["X Y: z\r\n", 1, " "],
      ["X@Y: z\r\n", 1, "@"],
      ["(X): z\r\n", 0, "("],
      ["X\0: z\r\n", 1, "\0"],
      ["X\x7f: z\r\n", 1, "\x7f"],
      ["Caf\xe9: z\r\n", 3, "\xe9"],
      ["X/Y: z\r\n", 1, "/"],
      ["X[1]: z\r\n", 1, "["],
      ['"X": z\r\n', 0, '"'],
      ["NoColon\r\n", 7, "\r"],
    ] as const
  ) {
    expectError("request", withFields(`Host: a\r\n${line}`), "INVALID_HEADER_NAME", {
      offset: AT + 9 + at,
      char,
    });
  }
});

test("fields: NUL, controls and DEL in a value are INVALID_HEADER_VALUE", () => {
  for (const char of ["\0", "\x01", "\x08", "\x0b", "\x0c", "\x0e", "\x1f", "\x7f"]) {
    expectError("request", withFields(`Host: a\r\nX-Bad: a${char}b\r\n`), "INVALID_HEADER_VALUE", {
      offset: AT + 9 + 8,
      header: "X-Bad",
      char,
    });
  }
});

test("fields: a bare CR in a value is BARE_CR; a bare LF ends no line", () => {
  expectError("request", withFields("X: a\rb\r\n"), "BARE_CR", { offset: AT + 5, header: "X" });
  expectError("request", withFields("X: a\r\r\n"), "BARE_CR", { offset: AT + 5 });
  expectError("request", withFields("X: a\nY: b\r\n"), "BARE_LF", { offset: AT + 4, header: "X" });
  expectError("request", "GET / HTTP/1.1\r\nX: a\r\n\n", "BARE_LF", { offset: AT + 6 });
});

test("fields: a request with obs-fold is rejected (RFC 9112 5.2)", () => {
  expectError("request", withFields("X: a\r\n b\r\n"), "OBS_FOLD", { offset: AT + 6, header: "X" });
  expectError("request", withFields("Transfer-Encoding:\r\n\tchunked\r\n"), "OBS_FOLD", {
    header: "Transfer-Encoding",
  });
});

test("fields: a response replaces each obs-fold with one SP (RFC 9112 5.2)", () => {
  const [message] = expectMessages(
    "response",
    "HTTP/1.1 200 OK\r\nX: a\r\n b\r\nY:  one \r\n\t two\r\n   three\r\nZ:\r\n folded\r\nContent-Length: 0\r\n\r\n",
    1,
  );
  assert.deepEqual(message.headers, [
    ["X", "a b"],
    ["Y", "one two three"],
    ["Z", "folded"],
    ["Content-Length", "0"],
  ]);
});

test("fields: whitespace before the first field line is LEADING_WHITESPACE (RFC 9112 2.2)", () => {
  expectError("request", withFields(" Host: a\r\n"), "LEADING_WHITESPACE", { offset: AT });
  expectError("request", withFields("\tHost: a\r\n"), "LEADING_WHITESPACE", { offset: AT });
  expectError("response", "HTTP/1.1 200 OK\r\n X: a\r\n\r\n", "LEADING_WHITESPACE", {
    offset: 17,
  });
});

test("fields: a head with no fields is fine", () => {
  const [message] = expectMessages("request", "GET / HTTP/1.0\r\n\r\n", 1);
  assert.deepEqual(message.headers, []);
});

test("fields: errors name the header and the character, and say where", () => {
  const result = parseEveryWay("request", withFields("Host: a\r\nX-Token: abc\0def\r\n"));
  const error = result.error!;
  assert.equal(error.code, "INVALID_HEADER_VALUE");
  assert.equal(error.header, "X-Token");
  assert.equal(error.char, "\0");
  assert.equal(error.offset, AT + 9 + 12);
  assert.match(error.message, /X-Token/);
  assert.match(error.message, /0x00/);
  assert.match(error.message, new RegExp(`offset ${AT + 21}`));
});
