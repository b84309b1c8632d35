// checkHost: the Host rules a server enforces (RFC 9112 3.2).

import assert from "node:assert/strict";
import { test } from "../../_harness.ts";
import { checkHost, type HeaderList } from "../../../protocols/http1/mod.ts";

const check = (headers: HeaderList, version = "1.1", target?: string) =>
  checkHost({ version, headers, target })?.code ?? null;

test("host: exactly one valid Host in HTTP/1.1", () => {
  for (
    const value of [
      "example.com",
      "example.com:8080",
      "127.0.0.1",
      "[::1]:80",
      "xn--bcher-kva.example",
      "a-b_c~d",
    ]
  ) {
    assert.equal(check([["Host", value]]), null, value);
  }
  assert.equal(check([["host", "a"]]), null);
  assert.equal(check([]), "INVALID_HOST");
  assert.equal(check([["Host", "a"], ["Host", "a"]]), "INVALID_HOST");
  assert.equal(check([["Host", "a"], ["HOST", "b"]]), "INVALID_HOST");
});

test("host: invalid values", () => {
  for (
    const value of [
      "a b",
      "a, b",
      "user@a",
      "a/path",
      "a:port",
      "a:99999",
      "[::1",
      "a?q",
      "a#f",
      "\xe9",
    ]
  ) {
    assert.equal(check([["Host", value]]), "INVALID_HOST", value);
  }
  const error = checkHost({ version: "1.1", headers: [["Host", "a b"]] });
  assert.equal(error?.status, 400);
  assert.equal(error?.header, "Host");
});

test("host: empty only with an absolute-form target; optional in HTTP/1.0", () => {
  assert.equal(check([["Host", ""]]), "INVALID_HOST");
  assert.equal(check([["Host", ""]], "1.1", "http://example.com/"), null);
  assert.equal(check([["Host", ""]], "1.1", "example.com:443"), "INVALID_HOST");
  assert.equal(check([], "1.0"), null);
  assert.equal(check([["Host", "a"], ["Host", "b"]], "1.0"), "INVALID_HOST");
});
