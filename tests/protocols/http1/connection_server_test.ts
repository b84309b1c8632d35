// Connection in the server role: reading requests from one reused buffer,
// pipelining, keep-alive, Expect: 100-continue, Upgrade and CONNECT, the
// framing it adds to responses, and what it refuses to write.

import assert from "node:assert/strict";
import { test } from "../../_harness.ts";
import { Connection, HttpError, type NextEvent } from "../../../protocols/http1/mod.ts";
import { bytes, latin1, traceEveryWay } from "./_split.ts";

/** Events until need-data or paused. */
function drain(http: Connection): NextEvent[] {
  const events: NextEvent[] = [];
  for (;;) {
    const event = http.nextEvent();
    events.push(event);
    if (event.type === "need-data" || event.type === "paused" || event.type === "closed") {
      return events;
    }
  }
}

const types = (events: NextEvent[]) => events.map((event) => event.type);

test("server: a request read into one reused buffer, cut anywhere, reads the same", () => {
  const wire =
    "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello worldGET /next HTTP/1.1\r\nHost: a\r\n\r\n";
  const trace = traceEveryWay("server", wire);
  assert.deepEqual(trace, [
    'request POST /echo [["Host","a"],["Content-Length","11"]]',
    'end body="hello world"',
    "answered",
    'request GET /next [["Host","a"]]',
    'end body=""',
    "answered",
    "closed",
  ]);
});

test("server: chunked bodies and trailers, cut anywhere, read the same", () => {
  const trace = traceEveryWay(
    "server",
    "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nSum: 5\r\n\r\n",
  );
  assert.deepEqual(trace, [
    'request POST /up [["Host","a"],["Transfer-Encoding","chunked"]]',
    'trailers [["Sum","5"]]',
    'end body="abcde"',
    "answered",
    "closed",
  ]);
});

test("server: errors, cut anywhere, come at the same offset", () => {
  const trace = traceEveryWay("server", "GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n");
  assert.deepEqual(trace, ["error INVALID_HEADER_NAME @28"]);
});

test("server: a complete request's body is a view of the received bytes (no copy)", () => {
  const http = new Connection("server");
  const buffer = new Uint8Array(1024);
  const wire = bytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello");
  buffer.set(wire);
  http.receive(buffer.subarray(0, wire.length));
  const [head, data, end, paused] = drain(http);
  assert.equal(head.type, "request");
  assert.equal(data.type, "data");
  assert.equal(end.type, "end");
  assert.equal(paused.type, "paused");
  if (data.type !== "data") return;
  assert.equal(data.data.buffer, buffer.buffer);
  assert.equal(data.data.byteOffset, wire.length - 5);
  assert.equal(latin1(data.data), "hello");
});

test("server: pipelined requests pause until each response is sent", () => {
  const http = new Connection("server");
  http.receive(bytes("GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n"));
  assert.deepEqual(types(drain(http)), ["request", "end", "paused"]);
  // still paused until the response ends
  assert.equal(http.nextEvent().type, "paused");
  assert.equal(http.ourState, "SEND_RESPONSE");
  const head = http.sendHead({ status: 200, headers: [["Content-Type", "text/plain"]] });
  assert.equal(
    latin1(head),
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n",
  );
  assert.equal(http.nextEvent().type, "paused");
  assert.equal(latin1(http.sendData(bytes("one"))), "3\r\none\r\n");
  assert.equal(latin1(http.sendEnd()), "0\r\n\r\n");
  assert.equal(http.ourState, "IDLE");
  const second = drain(http);
  assert.deepEqual(types(second), ["request", "end", "paused"]);
  assert.equal(second[0].type === "request" && second[0].target, "/2");
  http.sendMessage({ status: 204 });
  assert.deepEqual(types(drain(http)), ["need-data"]);
  assert.equal(http.bufferedBytes, 0);
});

test("server: reading while paused keeps the queued bytes (receive copies them)", () => {
  const http = new Connection("server");
  const buffer = new Uint8Array(64);
  const first = bytes("GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n");
  buffer.set(first);
  http.receive(buffer.subarray(0, first.length));
  assert.deepEqual(types(drain(http)), ["request", "end", "paused"]);
  // this server reads again while paused, into the same buffer: receive() must have copied
  http.receive(new Uint8Array(0));
  buffer.fill(0x21);
  http.sendMessage({ status: 204 });
  const second = drain(http);
  assert.equal(second[0].type === "request" && second[0].target, "/2");
});

test("server: Connection: close and HTTP/1.0 decide keep-alive, and the response says so", () => {
  const close = new Connection("server");
  close.receive(
    bytes("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /ignored HTTP/1.1\r\n\r\n"),
  );
  assert.deepEqual(types(drain(close)), ["request", "end", "paused"]);
  assert.equal(close.keepAlive, false);
  const answer = latin1(close.sendMessage({ status: 200 }, bytes("bye")));
  assert.equal(answer, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbye");
  assert.equal(close.ourState, "MUST_CLOSE");
  assert.equal(close.theirState, "MUST_CLOSE");
  assert.equal(close.nextEvent().type, "paused"); // nothing more is parsed
  close.receiveEnd();
  assert.equal(close.nextEvent().type, "closed");

  const old = new Connection("server");
  old.receive(bytes("GET / HTTP/1.0\r\n\r\n"));
  drain(old);
  assert.match(latin1(old.sendMessage({ status: 200 }, bytes("x"))), /Connection: close\r\n/);
  assert.equal(old.ourState, "MUST_CLOSE");

  const kept = new Connection("server");
  kept.receive(bytes("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  drain(kept);
  assert.match(latin1(kept.sendMessage({ status: 200 }, bytes("x"))), /Connection: keep-alive\r\n/);
  assert.equal(kept.ourState, "IDLE");
});

test("server: a streamed response to HTTP/1.0 is delimited by closing", () => {
  const http = new Connection("server");
  http.receive(bytes("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  drain(http);
  assert.equal(
    latin1(http.sendHead({ status: 200 })),
    "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n",
  );
  assert.equal(latin1(http.sendData(bytes("raw"))), "raw");
  assert.equal(http.sendEnd().length, 0);
  assert.equal(http.ourState, "MUST_CLOSE");
  assert.throws(
    () => http.sendHead({ status: 200 }),
    (error: HttpError) => error.code === "INVALID_STATE",
  );
});

test("server: Expect: 100-continue is reported; 100 Continue, then the body", () => {
  const http = new Connection("server");
  http.receive(
    bytes("PUT /f HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"),
  );
  const [head, more] = drain(http);
  assert.equal(head.type === "request" && head.expectContinue, true);
  assert.equal(more.type, "need-data");
  assert.equal(http.clientIsWaitingFor100Continue, true);
  assert.equal(latin1(http.sendHead({ status: 100 })), "HTTP/1.1 100 Continue\r\n\r\n");
  assert.equal(http.clientIsWaitingFor100Continue, false);
  assert.equal(http.ourState, "SEND_RESPONSE");
  http.receive(bytes("data"));
  assert.deepEqual(types(drain(http)), ["data", "end", "paused"]);
  http.sendMessage({ status: 201 });
  assert.equal(http.ourState, "IDLE");
  // in HTTP/1.0 the expectation is ignored (RFC 9110 10.1.1)
  const old = new Connection("server");
  old.receive(bytes("PUT /f HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n"));
  const [oldHead] = drain(old);
  assert.equal(oldHead.type === "request" && oldHead.expectContinue, false);
});

test("server: a final response instead of 100 Continue; the body is still read after it", () => {
  const http = new Connection("server");
  http.receive(
    bytes("PUT /f HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"),
  );
  drain(http);
  http.sendMessage({ status: 417 });
  assert.equal(http.clientIsWaitingFor100Continue, false);
  assert.equal(http.ourState, "DONE");
  http.receive(bytes("dataGET / HTTP/1.1\r\nHost: a\r\n\r\n"));
  assert.deepEqual(types(drain(http)), ["data", "end", "request", "end", "paused"]);
});

test("server: an accepted upgrade hands back the bytes after the request", () => {
  const http = new Connection("server");
  http.receive(bytes(
    "GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n\x81\x85abcd",
  ));
  const [head, end, paused] = drain(http);
  assert.equal(head.type === "request" && head.upgrade, true);
  assert.equal(end.type, "end");
  assert.equal(paused.type, "paused");
  assert.equal(http.theirState, "MIGHT_SWITCH_PROTOCOL");
  const answer = http.sendHead({
    status: 101,
    headers: [["Upgrade", "websocket"], ["Connection", "Upgrade"], [
      "Sec-WebSocket-Accept",
      "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
    ]],
  });
  assert.match(latin1(answer), /^HTTP\/1\.1 101 Switching Protocols\r\n/);
  assert.equal(http.ourState, "SWITCHED_PROTOCOL");
  assert.equal(http.theirState, "SWITCHED_PROTOCOL");
  assert.equal(http.nextEvent().type, "paused");
  assert.equal(latin1(http.takeTrailingData()), "\x81\x85abcd");
});

test("server: a declined upgrade goes on with HTTP", () => {
  const http = new Connection("server");
  http.receive(bytes(
    "GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n",
  ));
  drain(http);
  http.sendMessage({ status: 426, headers: [["Upgrade", "websocket"]] });
  assert.equal(http.ourState, "IDLE");
  const next = drain(http);
  assert.equal(next[0].type === "request" && next[0].target, "/next");
  // a 101 without a request to upgrade is refused
  http.sendMessage({ status: 204 });
  http.receive(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
  drain(http);
  assert.throws(() => http.sendHead({ status: 101 }), { code: "INVALID_STATE" });
  // Upgrade without the upgrade connection option is not a request to upgrade
  const plain = new Connection("server");
  plain.receive(bytes("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n"));
  const [head] = drain(plain);
  assert.equal(head.type === "request" && head.upgrade, false);
  // nor in HTTP/1.0 (RFC 9110 7.8)
  const old = new Connection("server");
  old.receive(bytes("GET / HTTP/1.0\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n"));
  const [oldHead] = drain(old);
  assert.equal(oldHead.type === "request" && oldHead.upgrade, false);
});

test("server: CONNECT accepted with a 2xx opens a tunnel; refused, HTTP goes on", () => {
  const tunnel = new Connection("server");
  tunnel.receive(bytes("CONNECT db.example:5432 HTTP/1.1\r\nHost: db.example:5432\r\n\r\nSTARTUP"));
  const [head] = drain(tunnel);
  assert.equal(head.type === "request" && head.upgrade, true);
  const answer = tunnel.sendHead({ status: 200, reason: "Connection Established" });
  assert.equal(latin1(answer), "HTTP/1.1 200 Connection Established\r\n\r\n");
  assert.equal(tunnel.ourState, "SWITCHED_PROTOCOL");
  assert.equal(latin1(tunnel.takeTrailingData()), "STARTUP");

  const refused = new Connection("server");
  refused.receive(
    bytes(
      "CONNECT db.example:5432 HTTP/1.1\r\nHost: db.example:5432\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
    ),
  );
  drain(refused);
  refused.sendMessage({ status: 403 }, bytes("no"));
  assert.equal(refused.ourState, "IDLE");
  const next = drain(refused);
  assert.equal(next[0].type === "request" && next[0].method, "GET");
});

test("server: HEAD gets the Content-Length of the body but not the body; 204 and 304 get neither", () => {
  const http = new Connection("server");
  http.receive(bytes("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n"));
  drain(http);
  assert.equal(
    latin1(http.sendMessage({ status: 200 }, bytes("twelve bytes"))),
    "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n",
  );
  http.receive(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
  drain(http);
  assert.equal(
    latin1(http.sendMessage({ status: 304, headers: [["ETag", '"x"']] })),
    'HTTP/1.1 304 Not Modified\r\nETag: "x"\r\n\r\n',
  );
  http.receive(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
  drain(http);
  assert.throws(() => http.sendMessage({ status: 204 }, bytes("body")), {
    code: "INVALID_ARGUMENT",
  });
  assert.equal(latin1(http.sendHead({ status: 204 })), "HTTP/1.1 204 No Content\r\n\r\n");
  assert.throws(() => http.sendData(bytes("x")), { code: "INVALID_STATE" });
  http.sendEnd();
  assert.equal(http.ourState, "IDLE");
});

test("server: Content-Length given by the handler is honored and checked", () => {
  const http = new Connection("server");
  http.receive(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
  drain(http);
  const head = http.sendHead({ status: 200, headers: [["Content-Length", "5"]] });
  assert.equal(latin1(head), "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
  const piece = bytes("abc");
  assert.equal(http.sendData(piece), piece); // no framing, no copy
  assert.throws(() => http.sendData(bytes("def")), { code: "BODY_LENGTH_MISMATCH" });
  assert.throws(() => http.sendEnd(), { code: "BODY_LENGTH_MISMATCH" });
  http.sendData(bytes("de"));
  http.sendEnd();
  assert.equal(http.ourState, "IDLE");
  http.receive(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
  drain(http);
  assert.throws(
    () => http.sendMessage({ status: 200, headers: [["Content-Length", "3"]] }, bytes("four")),
    { code: "BODY_LENGTH_MISMATCH" },
  );
  assert.throws(
    () => http.sendMessage({ status: 200, headers: [["Content-Length", "0x3"]] }, bytes("abc")),
    { code: "INVALID_ARGUMENT" },
  );
});

test("server: a whole body with Transfer-Encoding: chunked goes out as one chunk", () => {
  const http = new Connection("server");
  http.receive(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
  drain(http);
  const bytesOut = http.sendMessage(
    { status: 200, headers: [["Transfer-Encoding", "chunked"]] },
    bytes("hi"),
  );
  assert.equal(
    latin1(bytesOut),
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
  );
  assert.equal(http.ourState, "IDLE");
});

test("server: a streamed chunked response may end with trailers", () => {
  const http = new Connection("server");
  http.receive(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
  drain(http);
  http.sendHead({ status: 200, headers: [["Trailer", "Digest"]] });
  assert.equal(http.sendData(new Uint8Array(0)).length, 0);
  assert.equal(latin1(http.sendEnd([["Digest", "sha-256=x"]])), "0\r\nDigest: sha-256=x\r\n\r\n");
  http.receive(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
  drain(http);
  http.sendHead({ status: 200, headers: [["Content-Length", "0"]] });
  assert.throws(() => http.sendEnd([["Digest", "x"]]), { code: "INVALID_STATE" });
});

test("server: refused fields leave the connection able to answer", () => {
  const http = new Connection("server");
  http.receive(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
  drain(http);
  for (
    const headers of [
      [["X-Injected", "a\r\nSet-Cookie: evil=1"]],
      [["X-Nul", "a\0b"]],
      [["Bad Name", "x"]],
      [["X\r\nInjected", "x"]],
      [["", "x"]],
    ] as Array<Array<[string, string]>>
  ) {
    assert.throws(() => http.sendMessage({ status: 200, headers }, bytes("x")), HttpError);
    assert.equal(http.ourState, "SEND_RESPONSE");
  }
  assert.throws(() => http.sendMessage({ status: 200, reason: "OK\r\nX: y" }), {
    code: "INVALID_ARGUMENT",
  });
  assert.throws(() => http.sendMessage({ status: 1000 }), { code: "INVALID_ARGUMENT" });
  http.sendMessage({ status: 200 }, bytes("fine"));
  assert.equal(http.ourState, "IDLE");
});

test("server: a bad request throws with the status to answer, which can still be sent", () => {
  const http = new Connection("server");
  http.receive(
    bytes("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
  );
  let error: HttpError | undefined;
  try {
    drain(http);
  } catch (caught) {
    error = caught as HttpError;
  }
  assert.equal(error?.code, "CONFLICTING_CONTENT_LENGTH");
  assert.equal(error?.status, 400);
  assert.equal(http.theirState, "ERROR");
  assert.throws(() => http.nextEvent(), (again: HttpError) => again === error);
  const answer = latin1(http.sendMessage({ status: error!.status }, bytes("bad request")));
  assert.match(answer, /^HTTP\/1\.1 400 Bad Request\r\n/);
  assert.match(answer, /Connection: close\r\n/);
  assert.equal(http.ourState, "MUST_CLOSE");
});

test("server: a request broken in its body is answered with Connection: close", () => {
  const http = new Connection("server");
  http.receive(bytes("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"));
  const events: string[] = [];
  assert.throws(() => {
    for (;;) events.push(http.nextEvent().type);
  }, { code: "INVALID_CHUNK_SIZE" });
  assert.deepEqual(events, ["request"]);
  assert.equal(http.ourState, "SEND_RESPONSE");
  const answer = latin1(http.sendMessage({ status: 400 }));
  assert.match(answer, /Connection: close\r\n/);
  assert.equal(http.ourState, "MUST_CLOSE");
});

test("server: the end of the stream between requests is closed; inside one, INCOMPLETE_MESSAGE", () => {
  const idle = new Connection("server");
  idle.receiveEnd();
  assert.equal(idle.nextEvent().type, "closed");
  assert.equal(idle.theirState, "CLOSED");
  assert.throws(() => idle.receive(bytes("x")), { code: "INVALID_STATE" });

  const cut = new Connection("server");
  cut.receive(bytes("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc"));
  assert.deepEqual(types(drain(cut)), ["request", "data", "need-data"]);
  cut.receiveEnd();
  assert.throws(() => cut.nextEvent(), { code: "INCOMPLETE_MESSAGE" });
});

test("server: an early answer (before any request) closes the connection", () => {
  const http = new Connection("server");
  const answer = latin1(http.sendMessage({ status: 408 }));
  assert.equal(
    answer,
    "HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
  );
  assert.equal(http.ourState, "MUST_CLOSE");
  assert.throws(() => http.sendHead({ status: 100 }), { code: "INVALID_STATE" });
});

test("server: a role other than server or client is refused", () => {
  assert.throws(() => new Connection("proxy" as "server"), { code: "INVALID_ARGUMENT" });
});
