// The request-line (RFC 9112 3): method, request-target forms, version.
// Every case is parsed whole, byte by byte and cut every way.

import assert from "node:assert/strict";
import { test } from "../../_harness.ts";
import { expectError, expectMessages, parseEveryWay } from "./_split.ts";

const HOST = "Host: example.com\r\n";

function request(line: string, rest = `${HOST}\r\n`): string {
  return `${line}\r\n${rest}`;
}

test("request-line: method, target and version are reported as received", () => {
  const [message] = expectMessages("request", request("GET /where?q=now HTTP/1.1"), 1);
  assert.equal(message.method, "GET");
  assert.equal(message.target, "/where?q=now");
  assert.equal(message.version, "1.1");
  assert.deepEqual(message.headers, [["Host", "example.com"]]);
  assert.equal(message.keepAlive, true);
  assert.equal(message.upgrade, false);
  assert.equal(message.body.length, 0);
});

test("request-line: methods are case-sensitive tokens, any token is a method", () => {
  for (const method of ["get", "Get", "M-SEARCH", "PROPFIND", "X!#$%&'*+-.^_`|~9"]) {
    const [message] = expectMessages("request", request(`${method} / HTTP/1.1`), 1);
    assert.equal(message.method, method);
  }
});

test("request-line: a method with a non-token character is INVALID_METHOD", () => {
  expectError("request", request("G@T / HTTP/1.1"), "INVALID_METHOD", { offset: 1, char: "@" });
  expectError("request", request("GET\0 / HTTP/1.1"), "INVALID_METHOD", { offset: 3, char: "\0" });
  expectError("request", request("G\xc9T / HTTP/1.1"), "INVALID_METHOD", { offset: 1 });
  expectError("request", request("(GET) / HTTP/1.1"), "INVALID_METHOD", { offset: 0 });
});

test("request-line: the three parts are separated by exactly one SP", () => {
  expectError("request", request("GET  / HTTP/1.1"), "INVALID_REQUEST_LINE", { offset: 4 });
  expectError("request", request(" GET / HTTP/1.1"), "INVALID_REQUEST_LINE", { offset: 0 });
  expectError("request", request("GET / HTTP/1.1 "), "INVALID_REQUEST_LINE", { offset: 14 });
  expectError("request", request("GET / HTTP/1.1\t"), "INVALID_REQUEST_LINE", { offset: 14 });
  expectError("request", request("GET\t/ HTTP/1.1"), "INVALID_REQUEST_LINE", { offset: 3 });
  expectError("request", request("GET /\tHTTP/1.1"), "INVALID_TARGET", { offset: 5, char: "\t" });
  expectError("request", request("GET HTTP/1.1"), "INVALID_REQUEST_LINE", { offset: 12 });
  expectError("request", request("GET"), "INVALID_REQUEST_LINE", { offset: 3 });
  expectError("request", "   \t \r\n\r\n", "INVALID_REQUEST_LINE", { offset: 0 });
});

test("request-line: an HTTP/0.9 request (no version) is rejected", () => {
  expectError("request", "GET /\r\n\r\n", "INVALID_REQUEST_LINE", { offset: 5 });
});

test("request-line: HTTP-version is exactly HTTP/DIGIT.DIGIT, case-sensitive", () => {
  for (
    const [version, offset] of [
      ["http/1.1", 6],
      ["HTTP/1.01", 14],
      ["HTTP/01.1", 12],
      ["HTTP/1", 12],
      ["HTTP/1.", 13],
      ["HTTP/ 1.1", 11],
      ["HTTP/1.x", 13],
      ["HTTPS/1.1", 10],
      ["HTTP/1,1", 12],
    ] as const
  ) {
    expectError("request", request(`GET / ${version}`), "INVALID_VERSION", { offset });
  }
});

test("request-line: 1.0 is reported, a higher 1.x minor is processed as 1.1 and reported", () => {
  const [old] = expectMessages("request", request("GET / HTTP/1.0", "\r\n"), 1);
  assert.equal(old.version, "1.0");
  assert.equal(old.keepAlive, false);
  for (const minor of [2, 9]) {
    const [message] = expectMessages("request", request(`GET / HTTP/1.${minor}`), 1);
    assert.equal(message.version, `1.${minor}`);
    assert.equal(message.keepAlive, true);
  }
});

test("request-line: HTTP/2.0 and other majors are UNSUPPORTED_VERSION (505)", () => {
  for (const version of ["HTTP/2.0", "HTTP/3.0", "HTTP/0.9", "HTTP/9.9"]) {
    expectError("request", request(`GET / ${version}`), "UNSUPPORTED_VERSION", {
      status: 505,
      offset: 6,
    });
  }
  // the HTTP/2 connection preface
  expectError("request", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "UNSUPPORTED_VERSION", {
    status: 505,
    offset: 6,
  });
});

test("request-line: line endings are CRLF (bare LF and bare CR are errors)", () => {
  expectError("request", "GET / HTTP/1.1\nHost: a\r\n\r\n", "BARE_LF", { offset: 14 });
  expectError("request", "GET / HTTP/1.1\rHost: a\r\n\r\n", "BARE_CR", { offset: 15 });
  expectError("request", "GET / HTTP/1.1\r\rHost: a\r\n\r\n", "BARE_CR", { offset: 15 });
});

test("request-line: allowLfOnly accepts LF line endings in the head", () => {
  const result = parseEveryWay("request", "GET / HTTP/1.1\nHost: a\n\n", { allowLfOnly: true });
  assert.equal(result.error, null);
  assert.deepEqual(result.messages[0].headers, [["Host", "a"]]);
  const mixed = parseEveryWay("request", "GET / HTTP/1.1\r\nHost: a\n\r\n", { allowLfOnly: true });
  assert.equal(mixed.error, null);
  assert.deepEqual(mixed.messages[0].headers, [["Host", "a"]]);
});

test("request-line: empty lines before the request-line are ignored (RFC 9112 2.2)", () => {
  const [message] = expectMessages("request", `\r\n\r\n${request("GET / HTTP/1.1")}`, 1);
  assert.equal(message.target, "/");
  // but only CRLF pairs: a bare LF is still an error
  expectError("request", `\n${request("GET / HTTP/1.1")}`, "BARE_LF", { offset: 0 });
  // and only empty lines, then the end: a clean close with no message
  const closed = parseEveryWay("request", "\r\n\r\n");
  assert.equal(closed.error, null);
  assert.equal(closed.messages.length, 0);
});

test("request-target: origin-form accepts every pchar, query and percent-encoding", () => {
  for (
    const target of [
      "/",
      "//a//b",
      "/a/b?c=d/e?f",
      "/path;p=1,x!$&'()*+=:@",
      "/%41%42%c3%A9",
      "/-._~",
      "/?",
      "/a?%20",
    ]
  ) {
    const [message] = expectMessages("request", request(`GET ${target} HTTP/1.1`), 1);
    assert.equal(message.target, target);
  }
});

test("request-target: forbidden characters are INVALID_TARGET", () => {
  for (
    const [target, at] of [
      ["/a#frag", 6],
      ["/a\0b", 6],
      ["/a\x7fb", 6],
      ["/a\x01", 6],
      ["/caf\xe9", 8],
      ["/\xc0\xaf", 5],
      ["/a|b", 6],
      ["/a{b}", 6],
      ["/a\\b", 6],
      ['/a"b', 6],
      ["/a<b>", 6],
      ["/a^b", 6],
      ["/a`b", 6],
    ] as const
  ) {
    expectError("request", request(`GET ${target} HTTP/1.1`), "INVALID_TARGET", { offset: at });
  }
});

test("request-target: allowUnsafeTargetChars accepts what browsers leave unencoded", () => {
  const options = { allowUnsafeTargetChars: true };
  for (const target of ['/a|b?c={"d"}', "/a^b`c\\d<e>"]) {
    const result = parseEveryWay("request", request(`GET ${target} HTTP/1.1`), options);
    assert.equal(result.error, null);
    assert.equal(result.messages[0].target, target);
  }
  // still never a fragment, a control or a non-ASCII byte
  const fragment = parseEveryWay("request", request("GET /a#b HTTP/1.1"), options);
  assert.equal(fragment.error?.code, "INVALID_TARGET");
});

test("request-target: a percent sign must start %HEXHEX", () => {
  expectError("request", request("GET /%zz HTTP/1.1"), "INVALID_TARGET", { offset: 6 });
  expectError("request", request("GET /%4g HTTP/1.1"), "INVALID_TARGET", { offset: 7 });
  expectError("request", request("GET /% HTTP/1.1"), "INVALID_TARGET", { offset: 6 });
  expectError("request", request("GET /a%4 HTTP/1.1"), "INVALID_TARGET", { offset: 8 });
});

test("request-target: brackets only around an IP literal of an authority", () => {
  expectError("request", request("GET /[x] HTTP/1.1"), "INVALID_TARGET");
  const [message] = expectMessages("request", request("GET http://[::1]:8080/a HTTP/1.1"), 1);
  assert.equal(message.target, "http://[::1]:8080/a");
  expectError("request", request("GET http://[::1/ HTTP/1.1"), "INVALID_TARGET");
  expectError("request", request("GET http://[zz::1]/ HTTP/1.1"), "INVALID_TARGET");
  expectError("request", request("GET http://h/[x] HTTP/1.1"), "INVALID_TARGET");
});

test("request-target: absolute-form (RFC 9112 3.2.2) with an authority and no userinfo", () => {
  for (
    const target of [
      "http://www.example.org/pub/WWW/TheProject.html",
      "https://example.com",
      "http://example.com:8080/?q",
      "http://192.0.2.1/",
      "http://[2001:db8::7]/",
      "http://[v1.fe80::a+en1]/",
      "ws://example.com/chat",
    ]
  ) {
    const [message] = expectMessages("request", request(`GET ${target} HTTP/1.1`), 1);
    assert.equal(message.target, target);
  }
  for (
    const target of [
      "http://user@example.com/",
      "http://user:pass@example.com/",
      "http:///path",
      "http://",
      "http:/example.com/",
      "mailto:someone@example.com",
      "example.com:80",
      "1http://example.com/",
      "http://example.com:99999/",
      "http://example.com:/",
    ]
  ) {
    expectError("request", request(`GET ${target} HTTP/1.1`), "INVALID_TARGET");
  }
});

test("request-target: OPTIONS * and OPTIONS with an authority-less absolute URI", () => {
  const [star] = expectMessages("request", request("OPTIONS * HTTP/1.1"), 1);
  assert.equal(star.target, "*");
  const [absolute] = expectMessages(
    "request",
    request("OPTIONS http://www.example.org:8001 HTTP/1.1"),
    1,
  );
  assert.equal(absolute.target, "http://www.example.org:8001");
  for (const method of ["GET", "options", "POST"]) {
    expectError("request", request(`${method} * HTTP/1.1`), "INVALID_TARGET");
  }
  expectError("request", request("OPTIONS *a HTTP/1.1"), "INVALID_TARGET");
});

test("request-target: CONNECT takes an authority-form host:port, and nothing else takes it", () => {
  const result = parseEveryWay(
    "request",
    "CONNECT www.example.com:80 HTTP/1.1\r\nHost: www.example.com:80\r\n\r\n\x16\x03\x01",
  );
  assert.equal(result.error, null);
  assert.equal(result.messages[0].target, "www.example.com:80");
  assert.equal(result.messages[0].upgrade, true);
  for (const target of ["[2001:db8::1]:443", "192.0.2.1:8443", "a:1"]) {
    const [message] = expectMessages("request", request(`CONNECT ${target} HTTP/1.1`), 1);
    assert.equal(message.target, target);
  }
  for (
    const target of [
      "/",
      "www.example.com",
      "www.example.com:",
      "www.example.com:65536",
      "user@www.example.com:443",
      "http://www.example.com:443/",
      ":443",
      "www.example.com:443/x",
    ]
  ) {
    expectError("request", request(`CONNECT ${target} HTTP/1.1`), "INVALID_TARGET");
  }
});

test("request-line: a request-line with no target (two spaces) or garbage is rejected", () => {
  expectError("request", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", "INVALID_METHOD", {
    offset: 0,
  });
  expectError("request", "\0\0\0\0", "INVALID_METHOD", { offset: 0 });
});
