// The example messages of RFC 9110 and RFC 9112, parsed every way, and the
// same messages written back by the serializers.

import assert from "node:assert/strict";
import { test } from "../../_harness.ts";
import { writeRequest, writeResponse } from "../../../protocols/http1/mod.ts";
import { bytes, expectMessages, latin1 } from "./_split.ts";

const REQUEST = "GET /hello.txt HTTP/1.1\r\nUser-Agent: curl/7.64.1\r\nHost: www.example.com\r\n" +
  "Accept-Language: en, mi\r\n\r\n";
const RESPONSE = "HTTP/1.1 200 OK\r\nDate: Mon, 27 Jul 2009 12:28:53 GMT\r\nServer: Apache\r\n" +
  'Last-Modified: Wed, 22 Jul 2009 19:15:56 GMT\r\nETag: "34aa387-d-1568eb00"\r\nAccept-Ranges: bytes\r\n' +
  "Content-Length: 51\r\nVary: Accept-Encoding\r\nContent-Type: text/plain\r\n\r\n" +
  "Hello World! My content includes a trailing CRLF.\r\n";

test("RFC 9110 3.9: the example request", () => {
  const [message] = expectMessages("request", REQUEST, 1);
  assert.equal(message.method, "GET");
  assert.equal(message.target, "/hello.txt");
  assert.deepEqual(message.headers, [
    ["User-Agent", "curl/7.64.1"],
    ["Host", "www.example.com"],
    ["Accept-Language", "en, mi"],
  ]);
  const written = writeRequest({
    method: message.method,
    target: message.target,
    headers: message.headers,
  });
  assert.equal(latin1(written), REQUEST);
});

test("RFC 9110 3.9: the example response", () => {
  const [message] = expectMessages("response", RESPONSE, 1);
  assert.equal(message.status, 200);
  assert.equal(message.headers.length, 8);
  assert.deepEqual(message.headers[3], ["ETag", '"34aa387-d-1568eb00"']);
  assert.equal(latin1(message.body), "Hello World! My content includes a trailing CRLF.\r\n");
  const written = writeResponse({ status: 200, headers: message.headers }, { body: message.body });
  assert.equal(latin1(written), RESPONSE);
});

test("RFC 9112 3.2: the four forms of request-target", () => {
  for (
    const [line, target] of [
      ["GET /where?q=now HTTP/1.1", "/where?q=now"],
      [
        "GET http://www.example.org/pub/WWW/TheProject.html HTTP/1.1",
        "http://www.example.org/pub/WWW/TheProject.html",
      ],
      ["CONNECT www.example.com:80 HTTP/1.1", "www.example.com:80"],
      ["OPTIONS * HTTP/1.1", "*"],
      ["OPTIONS http://www.example.org:8001 HTTP/1.1", "http://www.example.org:8001"],
    ]
  ) {
    const [message] = expectMessages("request", `${line}\r\nHost: www.example.org\r\n\r\n`, 1);
    assert.equal(message.target, target);
  }
});

test("RFC 9112 7.1: a chunked body with extensions and trailer fields", () => {
  const wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: Expires\r\n\r\n" +
    "1a; ignore-stuff-here\r\nabcdefghijklmnopqrstuvwxyz\r\n10\r\n1234567890abcdef\r\n0\r\n" +
    "Expires: Wed, 21 Oct 2015 07:28:00 GMT\r\n\r\n";
  const [message] = expectMessages("response", bytes(wire), 1);
  assert.equal(latin1(message.body), "abcdefghijklmnopqrstuvwxyz1234567890abcdef");
  assert.deepEqual(message.trailers, [["Expires", "Wed, 21 Oct 2015 07:28:00 GMT"]]);
});

test("RFC 9110 10.1.1: Expect: 100-continue in a request", () => {
  const [message] = expectMessages(
    "request",
    "PUT /somewhere/fun HTTP/1.1\r\nHost: origin.example.com\r\nContent-Type: video/h264\r\n" +
      "Content-Length: 4\r\nExpect: 100-continue\r\n\r\nh264",
    1,
  );
  assert.equal(latin1(message.body), "h264");
});
