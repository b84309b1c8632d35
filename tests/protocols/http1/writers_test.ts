// The serializers: exact bytes, framing fields, refusing header injection,
// and a round trip through the reader.

import assert from "node:assert/strict";
import { test } from "../../_harness.ts";
import {
  HttpError,
  parseMessages,
  STATUS_TEXT,
  writeLastChunk,
  writeRequest,
  writeResponse,
} from "../../../protocols/http1/mod.ts";
import { bytes, latin1 } from "./_split.ts";

test("writeResponse: status line, fields in order, framing fields, body in one array", () => {
  const body = bytes("Hello World! My content includes a trailing CRLF.\r\n");
  const out = writeResponse(
    {
      status: 200,
      headers: [["Date", "Mon, 27 Jul 2009 12:28:53 GMT"], ["Server", "Apache"], [
        "Content-Type",
        "text/plain",
      ]],
    },
    { contentLength: body.length, body },
  );
  assert.equal(
    latin1(out),
    "HTTP/1.1 200 OK\r\nDate: Mon, 27 Jul 2009 12:28:53 GMT\r\nServer: Apache\r\nContent-Type: text/plain\r\n" +
      "Content-Length: 51\r\n\r\nHello World! My content includes a trailing CRLF.\r\n",
  );
  assert.equal(latin1(writeResponse({ status: 404 })), "HTTP/1.1 404 Not Found\r\n\r\n");
  assert.equal(latin1(writeResponse({ status: 299 })), "HTTP/1.1 299 \r\n\r\n");
  assert.equal(latin1(writeResponse({ status: 200, reason: "Fine" })), "HTTP/1.1 200 Fine\r\n\r\n");
  assert.equal(latin1(writeResponse({ status: 200, reason: "" })), "HTTP/1.1 200 \r\n\r\n");
  assert.equal(latin1(writeResponse({ status: 200, version: "1.0" })), "HTTP/1.0 200 OK\r\n\r\n");
  assert.equal(
    latin1(writeResponse({ status: 200 }, { chunked: true, connection: "close" })),
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
  );
  assert.equal(
    latin1(writeResponse({ status: 200 }, { contentLength: 0, connection: "keep-alive" })),
    "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n",
  );
  assert.equal(STATUS_TEXT[431], "Request Header Fields Too Large");
});

test("writeRequest: request line, fields, body", () => {
  assert.equal(
    latin1(
      writeRequest({ method: "GET", target: "/hello.txt", headers: [["Host", "www.example.com"]] }),
    ),
    "GET /hello.txt HTTP/1.1\r\nHost: www.example.com\r\n\r\n",
  );
  assert.equal(
    latin1(
      writeRequest({ method: "POST", target: "/", version: "1.0" }, {
        contentLength: 2,
        body: bytes("hi"),
      }),
    ),
    "POST / HTTP/1.0\r\nContent-Length: 2\r\n\r\nhi",
  );
  assert.equal(
    latin1(writeRequest({ method: "OPTIONS", target: "*" })),
    "OPTIONS * HTTP/1.1\r\n\r\n",
  );
});

test("writers: Latin-1 obs-text passes; characters past U+00FF do not", () => {
  const out = writeResponse({ status: 200, headers: [["X-Name", "caf\xe9"]] });
  assert.equal(latin1(out), "HTTP/1.1 200 OK\r\nX-Name: caf\xe9\r\n\r\n");
  assert.throws(() => writeResponse({ status: 200, headers: [["X-Name", "caf\u0113"]] }), {
    code: "INVALID_HEADER_VALUE",
  });
  assert.throws(() => writeResponse({ status: 200, headers: [["X-Nam\u00e9", "v"]] }), {
    code: "INVALID_HEADER_NAME",
  });
});

test("writers: refuse header injection through names, values, reasons, methods and targets", () => {
  const injections: Array<[string, string]> = [
    ["X", "a\r\nSet-Cookie: stolen=1"],
    ["X", "a\nb"],
    ["X", "a\rb"],
    ["X", "a\0b"],
    ["X", "a\x01b"],
    ["X", "a\x7fb"],
    ["X", " leading"],
    ["X", "trailing\t"],
    ["X\r\nY", "v"],
    ["X Y", "v"],
    ["X:", "v"],
    ["", "v"],
  ];
  for (const field of injections) {
    assert.throws(
      () => writeResponse({ status: 200, headers: [field] }),
      (error: HttpError) =>
        error instanceof HttpError && /^INVALID_HEADER_(NAME|VALUE)$/.test(error.code),
      JSON.stringify(field),
    );
    assert.throws(() => writeRequest({ method: "GET", target: "/", headers: [field] }), HttpError);
    assert.throws(() => writeLastChunk([field]), HttpError);
  }
  assert.throws(() => writeResponse({ status: 200, reason: "OK\r\nX: y" }), {
    code: "INVALID_ARGUMENT",
  });
  assert.throws(() => writeRequest({ method: "GET /x", target: "/" }), {
    code: "INVALID_ARGUMENT",
  });
  assert.throws(() => writeRequest({ method: "", target: "/" }), { code: "INVALID_ARGUMENT" });
  for (const target of ["/a b", "/a\r\nX: y", "", "/caf\xe9", "/\x7f"]) {
    assert.throws(() => writeRequest({ method: "GET", target }), { code: "INVALID_ARGUMENT" });
  }
  for (const status of [99, 600, 200.5, NaN]) {
    assert.throws(() => writeResponse({ status }), { code: "INVALID_ARGUMENT" });
  }
  assert.throws(() => writeResponse({ status: 200 }, { contentLength: -1 }), {
    code: "INVALID_ARGUMENT",
  });
  assert.throws(
    () => writeResponse({ status: 200, headers: [["X", 1 as unknown as string]] }),
    { code: "INVALID_ARGUMENT" },
  );
});

test("writeLastChunk: the last chunk, trailers, the final CRLF; no framing trailers", () => {
  assert.equal(latin1(writeLastChunk()), "0\r\n\r\n");
  assert.equal(latin1(writeLastChunk([["A", "1"], ["B", "2"]])), "0\r\nA: 1\r\nB: 2\r\n\r\n");
  for (const name of ["Content-Length", "transfer-encoding", "Host"]) {
    assert.throws(() => writeLastChunk([[name, "1"]]), { code: "FORBIDDEN_TRAILER" });
  }
});

test("writers: what they write, the reader reads back unchanged", () => {
  const headers: Array<[string, string]> = [
    ["Host", "example.com"],
    ["X-Empty", ""],
    ["X-Inner", "a  b\tc"],
    ["X-Latin", "\xe9t\xe9"],
    ["x-dup", "1"],
    ["X-Dup", "2"],
  ];
  const body = bytes("payload");
  const request = writeRequest({ method: "PATCH", target: "/r?x=1", headers }, {
    contentLength: body.length,
    body,
  });
  const parsed = parseMessages("request", request);
  assert.equal(parsed.error, null);
  assert.deepEqual(parsed.messages[0].headers, [...headers, ["Content-Length", "7"]]);
  assert.equal(latin1(parsed.messages[0].body), "payload");
  const response = writeResponse({ status: 418, headers }, { chunked: true });
  const all = new Uint8Array(response.length + 5);
  all.set(response);
  all.set(writeLastChunk(), response.length);
  const back = parseMessages("response", all);
  assert.equal(back.error, null);
  assert.equal(back.messages[0].status, 418);
  assert.equal(back.messages[0].reason, "I'm a teapot");
});

test("writers: many responses in a row are independent arrays", () => {
  const outs = Array.from(
    { length: 500 },
    (_, i) => writeResponse({ status: 200, headers: [["N", String(i)]] }),
  );
  outs.forEach((out, i) => assert.equal(latin1(out), `HTTP/1.1 200 OK\r\nN: ${i}\r\n\r\n`));
});
