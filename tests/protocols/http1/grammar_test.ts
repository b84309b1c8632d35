// The byte tables of grammar.ts against the ABNF of RFC 9110 and RFC 3986,
// byte by byte for all 256 values.

import assert from "node:assert/strict";
import { test } from "../../_harness.ts";
import {
  FIELD_VALUE,
  HEX,
  isFieldValue,
  isToken,
  QDTEXT,
  TARGET,
  TargetByte,
  TOKEN,
} from "../../../protocols/http1/mod.ts";

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
const codes = (text: string) => [...text].map((char) => char.charCodeAt(0));
const ALPHA = [...range(0x41, 0x5a), ...range(0x61, 0x7a)];
const DIGIT = range(0x30, 0x39);

test("grammar: tchar (RFC 9110 5.6.2)", () => {
  const tchar = new Set([...ALPHA, ...DIGIT, ...codes("!#$%&'*+-.^_`|~")]);
  for (let byte = 0; byte < 256; byte++) {
    assert.equal(TOKEN[byte], tchar.has(byte) ? 1 : 0, `0x${byte.toString(16)}`);
  }
});

test("grammar: field values (RFC 9110 5.5): VCHAR, SP, HTAB; obs-text apart", () => {
  for (let byte = 0; byte < 256; byte++) {
    const expected = byte >= 0x80
      ? 2
      : (byte >= 0x21 && byte <= 0x7e) || byte === 0x20 || byte === 0x09
      ? 1
      : 0;
    assert.equal(FIELD_VALUE[byte], expected, `0x${byte.toString(16)}`);
  }
});

test("grammar: request-target bytes (RFC 3986 pchar, query, authority)", () => {
  const plain = new Set([...ALPHA, ...DIGIT, ...codes("-._~!$&'()*+,;=:@/?")]);
  const unsafe = new Set(codes('"<>\\^`{|}'));
  for (let byte = 0; byte < 256; byte++) {
    const expected = plain.has(byte)
      ? TargetByte.PLAIN
      : byte === 0x25
      ? TargetByte.PERCENT
      : byte === 0x5b || byte === 0x5d
      ? TargetByte.BRACKET
      : unsafe.has(byte)
      ? TargetByte.UNSAFE
      : TargetByte.INVALID;
    assert.equal(TARGET[byte], expected, `0x${byte.toString(16)}`);
  }
});

test("grammar: HEX and qdtext", () => {
  for (let byte = 0; byte < 256; byte++) {
    const char = String.fromCharCode(byte);
    const value = /^[0-9a-fA-F]$/.test(char) ? parseInt(char, 16) : 255;
    assert.equal(HEX[byte], value);
    const qd = byte === 0x09 || byte === 0x20 || byte === 0x21 || (byte >= 0x23 && byte <= 0x5b) ||
      (byte >= 0x5d && byte <= 0x7e) || byte >= 0x80;
    assert.equal(QDTEXT[byte], qd ? 1 : 0);
  }
});

test("grammar: isToken and isFieldValue", () => {
  assert.ok(isToken("Content-Type"));
  assert.ok(!isToken(""));
  assert.ok(!isToken("a b"));
  assert.ok(!isToken("caf\u00e9"));
  assert.ok(isFieldValue(""));
  assert.ok(isFieldValue("a\tb c"));
  assert.ok(isFieldValue("\xe9"));
  for (const bad of [" a", "a ", "\ta", "a\r\nb", "a\0", "\u0100"]) {
    assert.ok(!isFieldValue(bad), bad);
  }
});
