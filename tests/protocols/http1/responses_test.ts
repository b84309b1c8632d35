// Responses (RFC 9112 4, 6.3): the status-line, the bodiless rules (HEAD,
// 1xx, 204, 304), 101 and 2xx answers to CONNECT, bodies read until close,
// and which request each pipelined response answers.

import assert from "node:assert/strict";
import { test } from "../../_harness.ts";
import { expectError, expectMessages, latin1, parseEveryWay } from "./_split.ts";

test("status-line: status, reason and version as received", () => {
  const [message] = expectMessages(
    "response",
    "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
    1,
  );
  assert.equal(message.status, 404);
  assert.equal(message.reason, "Not Found");
  assert.equal(message.version, "1.1");
  assert.equal(message.keepAlive, true);
  const [empty] = expectMessages("response", "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n", 1);
  assert.equal(empty.reason, "");
  const [latin] = expectMessages(
    "response",
    "HTTP/1.1 200 Tr\xe8s\tbien !\r\nContent-Length: 0\r\n\r\n",
    1,
  );
  assert.equal(latin.reason, "Tr\xe8s\tbien !");
  const [higher] = expectMessages("response", "HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n", 1);
  assert.equal(higher.version, "1.2");
});

test("status-line: malformed lines are INVALID_STATUS_LINE or INVALID_VERSION", () => {
  for (
    const [line, code, offset] of [
      ["HTTP/1.1 200", "INVALID_STATUS_LINE", 12],
      ["HTTP/1.1 20 OK", "INVALID_STATUS_LINE", 11],
      ["HTTP/1.1 2000 OK", "INVALID_STATUS_LINE", 12],
      ["HTTP/1.1 abc OK", "INVALID_STATUS_LINE", 9],
      ["HTTP/1.1  200 OK", "INVALID_STATUS_LINE", 9],
      ["HTTP/1.1 099 Low", "INVALID_STATUS_LINE", 9],
      ["HTTP/1.1 600 High", "INVALID_STATUS_LINE", 9],
      ["HTTP/1.1 000 Zero", "INVALID_STATUS_LINE", 9],
      ["HTTP/1.1 200 O\0K", "INVALID_STATUS_LINE", 14],
      ["HTTP/1.1 200 O\x7fK", "INVALID_STATUS_LINE", 14],
      ["HTTP/1.1\t200 OK", "INVALID_STATUS_LINE", 8],
      ["http/1.1 200 OK", "INVALID_VERSION", 0],
      ["HTTP/1.1.200 OK", "INVALID_STATUS_LINE", 8],
      ["HTTP/11 200 OK", "INVALID_VERSION", 6],
      [" HTTP/1.1 200 OK", "INVALID_VERSION", 0],
      ["ICY 200 OK", "INVALID_VERSION", 0],
    ] as const
  ) {
    expectError("response", `${line}\r\nContent-Length: 0\r\n\r\n`, code, { offset });
  }
  expectError("response", "HTTP/2.0 200 OK\r\n\r\n", "UNSUPPORTED_VERSION", { status: 505 });
  expectError("response", "HTTP/1.1 200 OK\n\r\n", "BARE_LF", { offset: 15 });
  // no empty lines before a status-line
  expectError("response", "\r\nHTTP/1.1 200 OK\r\n\r\n", "INVALID_VERSION", { offset: 0 });
});

test("responses: a response to HEAD has no body, whatever Content-Length says", () => {
  const [head, next] = expectMessages(
    "response",
    "HTTP/1.1 200 OK\r\nContent-Length: 51\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi",
    2,
    { requestMethod: ["HEAD", "GET"] },
  );
  assert.equal(head.body.length, 0);
  assert.deepEqual(head.headers, [["Content-Length", "51"]]);
  assert.equal(latin1(next.body), "hi");
  const chunked = parseEveryWay(
    "response",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
    { requestMethod: "HEAD" },
  );
  assert.equal(chunked.error, null);
  assert.equal(chunked.messages[0].body.length, 0);
});

test("responses: 204 and 304 have no body, their framing fields notwithstanding", () => {
  for (const status of [204, 304]) {
    const [a, b] = expectMessages(
      "response",
      `HTTP/1.1 ${status} X\r\nContent-Length: 10\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx`,
      2,
    );
    assert.equal(a.status, status);
    assert.equal(a.body.length, 0);
    assert.equal(latin1(b.body), "x");
  }
  // bytes after a 204 are the next response, so a body there is an error
  const result = parseEveryWay("response", "HTTP/1.1 204 No Content\r\n\r\nbody");
  assert.equal(result.messages.length, 1);
  assert.equal(result.error?.code, "INVALID_VERSION");
});

test("responses: each 1xx is a message of its own, before the final response", () => {
  const messages = expectMessages(
    "response",
    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n" +
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 204 No Content\r\n\r\n",
    4,
    { requestMethod: ["POST", "HEAD"] },
  );
  assert.deepEqual(messages.map((message) => message.status), [100, 103, 200, 204]);
  assert.deepEqual(messages[1].headers, [["Link", "</style.css>; rel=preload"]]);
  assert.equal(latin1(messages[2].body), "ok");
});

test("responses: 101 switches protocols: upgrade, and the rest is not HTTP", () => {
  const result = parseEveryWay(
    "response",
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x05hello",
  );
  assert.equal(result.error, null);
  assert.equal(result.messages.length, 1);
  assert.equal(result.messages[0].upgrade, true);
  assert.equal(latin1(result.rest), "\x81\x05hello");
});

test("responses: a 2xx answer to CONNECT opens a tunnel; other answers are plain responses", () => {
  const tunnel = parseEveryWay(
    "response",
    "HTTP/1.1 200 Connection Established\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n\x16\x03\x03",
    { requestMethod: "CONNECT" },
  );
  assert.equal(tunnel.error, null);
  assert.equal(tunnel.messages[0].upgrade, true);
  assert.equal(tunnel.messages[0].body.length, 0);
  assert.equal(latin1(tunnel.rest), "\x16\x03\x03");
  const refused = parseEveryWay(
    "response",
    "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 4\r\n\r\ndeny",
    { requestMethod: "CONNECT" },
  );
  assert.equal(refused.messages[0].upgrade, false);
  assert.equal(latin1(refused.messages[0].body), "deny");
});

test("responses: without Content-Length or chunked, the body runs until the end", () => {
  const [message] = expectMessages(
    "response",
    "HTTP/1.1 200 OK\r\n\r\nall of this\r\n\r\nHTTP/1.1",
    1,
  );
  assert.equal(latin1(message.body), "all of this\r\n\r\nHTTP/1.1");
  assert.equal(message.keepAlive, false);
  const [old] = expectMessages("response", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\nx", 1);
  assert.equal(latin1(old.body), "x");
  assert.equal(old.keepAlive, false);
  const [none] = expectMessages("response", "HTTP/1.1 200 OK\r\n\r\n", 1);
  assert.equal(none.body.length, 0);
});

test("responses: keep-alive by version and Connection options", () => {
  const cases: Array<[string, boolean]> = [
    ["HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", true],
    ["HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", false],
    ["HTTP/1.1 200 OK\r\nConnection: Keep-Alive, CLOSE\r\nContent-Length: 0\r\n\r\n", false],
    ["HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false],
    ["HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", true],
    ["HTTP/1.0 200 OK\r\nConnection: foo, Keep-Alive\r\nContent-Length: 0\r\n\r\n", true],
  ];
  for (const [wire, keepAlive] of cases) {
    const [message] = expectMessages("response", wire, 1);
    assert.equal(message.keepAlive, keepAlive, wire);
  }
});

test("responses: after a response that closes the connection, the rest is returned unparsed", () => {
  const result = parseEveryWay(
    "response",
    "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nokgarbage",
  );
  assert.equal(result.error, null);
  assert.equal(result.messages.length, 1);
  assert.equal(latin1(result.rest), "garbage");
});

test("responses: requestMethod lists the request of each final response, in order", () => {
  const wire = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n" +
    "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
  const [a, b] = expectMessages("response", wire, 2, { requestMethod: ["HEAD", "GET"] });
  assert.equal(a.body.length, 0);
  assert.equal(latin1(b.body), "abc");
  // a response past the end of the list answers nothing
  const extra = parseEveryWay("response", wire, { requestMethod: ["HEAD"] });
  assert.equal(extra.messages.length, 1);
  assert.equal(extra.error?.code, "UNEXPECTED_RESPONSE");
});

test("responses: a truncated head or body is INCOMPLETE_MESSAGE", () => {
  expectError("response", "HTTP/1.1 200 OK\r\nContent-Len", "INCOMPLETE_MESSAGE", { offset: 28 });
  expectError("response", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", "INCOMPLETE_MESSAGE");
  expectError(
    "response",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
    "INCOMPLETE_MESSAGE",
  );
});
