// Connection in the client role: the requests it writes, and responses read
// knowing the request (HEAD, CONNECT), 1xx messages, bodies until close,
// early responses, upgrades, and strict limits.

import assert from "node:assert/strict";
import { test } from "../../_harness.ts";
import { Connection, HttpError, type NextEvent } from "../../../protocols/http1/mod.ts";
import { bytes, latin1, traceEveryWay } from "./_split.ts";

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
const HOST: [string, string] = ["Host", "example.com"];

test("client: requests are written with the framing they need", () => {
  const http = new Connection("client");
  assert.equal(
    latin1(http.sendMessage({ method: "GET", target: "/a?b", headers: [HOST] })),
    "GET /a?b HTTP/1.1\r\nHost: example.com\r\n\r\n",
  );
  http.receive(bytes("HTTP/1.1 204 No Content\r\n\r\n"));
  drain(http);
  assert.equal(
    latin1(http.sendMessage({ method: "POST", target: "/", headers: [HOST] }, bytes("{}"))),
    "POST / HTTP/1.1\r\nHost: example.com\r\nContent-Length: 2\r\n\r\n{}",
  );
  http.receive(bytes("HTTP/1.1 204 No Content\r\n\r\n"));
  drain(http);
  assert.equal(
    latin1(http.sendMessage({ method: "PUT", target: "/", headers: [HOST] })),
    "PUT / HTTP/1.1\r\nHost: example.com\r\nContent-Length: 0\r\n\r\n",
  );
  http.receive(bytes("HTTP/1.1 204 No Content\r\n\r\n"));
  drain(http);
  // streamed: the caller says chunked
  http.sendHead({
    method: "POST",
    target: "/s",
    headers: [HOST, ["Transfer-Encoding", "chunked"]],
  });
  assert.equal(latin1(http.sendData(bytes("abc"))), "3\r\nabc\r\n");
  assert.equal(latin1(http.sendEnd()), "0\r\n\r\n");
  assert.equal(http.ourState, "DONE");
});

test("client: an HTTP/1.1 request needs exactly one Host", () => {
  const http = new Connection("client");
  assert.throws(() => http.sendHead({ method: "GET", target: "/" }), { code: "INVALID_HOST" });
  assert.throws(
    () => http.sendHead({ method: "GET", target: "/", headers: [HOST, ["host", "b"]] }),
    { code: "INVALID_HOST" },
  );
  assert.equal(http.ourState, "IDLE");
  http.sendHead({ method: "GET", target: "/", version: "1.0" });
  assert.equal(http.ourState, "SEND_BODY");
});

test("client: a response to HEAD has no body; the connection is reused", () => {
  const http = new Connection("client");
  http.sendMessage({ method: "HEAD", target: "/", headers: [HOST] });
  http.receive(bytes("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"));
  const events = drain(http);
  assert.deepEqual(types(events), ["response", "end", "need-data"]);
  assert.equal(events[0].type === "response" && events[0].contentLength, 0);
  assert.equal(http.ourState, "IDLE");
  assert.equal(http.theirState, "IDLE");
});

test("client: every 1xx is a message of its own before the final response", () => {
  const trace = traceEveryWay(
    "client",
    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
  );
  assert.deepEqual(trace, [
    "response 100 []",
    'end body=""',
    'response 103 [["Link","</a>"]]',
    'end body=""',
    'response 200 [["Content-Length","2"]]',
    'end body="ok"',
    "closed",
  ]);
});

test("client: Expect: 100-continue waits for the 100, then the body", () => {
  const http = new Connection("client");
  http.sendHead({
    method: "PUT",
    target: "/f",
    headers: [HOST, ["Content-Length", "4"], ["Expect", "100-continue"]],
  });
  assert.equal(http.clientIsWaitingFor100Continue, true);
  http.receive(bytes("HTTP/1.1 100 Continue\r\n\r\n"));
  assert.deepEqual(types(drain(http)), ["response", "end", "need-data"]);
  assert.equal(http.clientIsWaitingFor100Continue, false);
  http.sendData(bytes("data"));
  http.sendEnd();
  http.receive(bytes("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"));
  assert.deepEqual(types(drain(http)), ["response", "end", "need-data"]);
  assert.equal(http.ourState, "IDLE");
});

test("client: a body without length runs until the connection closes", () => {
  const trace = traceEveryWay(
    "client",
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nstream until close",
  );
  assert.deepEqual(trace, [
    'response 200 [["Content-Type","text/plain"]]',
    'end body="stream until close"',
    "closed",
  ]);
});

test("client: a response can come before the request body is sent (early response)", () => {
  const http = new Connection("client");
  http.sendHead({ method: "POST", target: "/", headers: [HOST, ["Content-Length", "10"]] });
  http.receive(bytes("HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\n\r\n"));
  assert.deepEqual(types(drain(http)), ["response", "end", "paused"]);
  assert.equal(http.theirState, "DONE");
  http.sendData(bytes("0123456789"));
  http.sendEnd();
  assert.equal(http.ourState, "IDLE");
});

test("client: a response nobody asked for is UNEXPECTED_RESPONSE", () => {
  const http = new Connection("client");
  http.receive(bytes("HTTP/1.1 408 Request Timeout\r\n\r\n"));
  assert.throws(() => http.nextEvent(), { code: "UNEXPECTED_RESPONSE", offset: 0 });
  assert.equal(http.theirState, "ERROR");
  const closed = new Connection("client");
  closed.receiveEnd();
  assert.equal(closed.nextEvent().type, "closed");
});

test("client: 101 switches protocols, and the bytes after it are handed back", () => {
  const http = new Connection("client");
  http.sendMessage({
    method: "GET",
    target: "/chat",
    headers: [HOST, ["Upgrade", "websocket"], ["Connection", "Upgrade"]],
  });
  assert.equal(http.ourState, "MIGHT_SWITCH_PROTOCOL");
  http.receive(
    bytes(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x02hi",
    ),
  );
  const events = drain(http);
  assert.deepEqual(types(events), ["response", "end", "paused"]);
  assert.equal(events[0].type === "response" && events[0].upgrade, true);
  assert.equal(http.ourState, "SWITCHED_PROTOCOL");
  assert.equal(http.theirState, "SWITCHED_PROTOCOL");
  assert.equal(latin1(http.takeTrailingData()), "\x81\x02hi");
});

test("client: a declined upgrade is an ordinary response", () => {
  const http = new Connection("client");
  http.sendMessage({
    method: "GET",
    target: "/chat",
    headers: [HOST, ["Upgrade", "websocket"], ["Connection", "Upgrade"]],
  });
  http.receive(bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nno"));
  assert.deepEqual(types(drain(http)), ["response", "data", "end", "need-data"]);
  assert.equal(http.ourState, "IDLE");
  // and a 101 that answers a request that did not ask is an error
  http.sendMessage({ method: "GET", target: "/", headers: [HOST] });
  http.receive(bytes("HTTP/1.1 101 Switching Protocols\r\n\r\n"));
  assert.throws(() => http.nextEvent(), { code: "UNEXPECTED_RESPONSE" });
});

test("client: CONNECT through a proxy: a 2xx opens the tunnel, whatever its framing fields", () => {
  const http = new Connection("client");
  http.sendMessage({
    method: "CONNECT",
    target: "origin.example:443",
    headers: [["Host", "origin.example:443"]],
  });
  http.receive(
    bytes("HTTP/1.1 200 Connection Established\r\nContent-Length: 50\r\n\r\n\x16\x03\x03"),
  );
  const events = drain(http);
  assert.deepEqual(types(events), ["response", "end", "paused"]);
  assert.equal(events[0].type === "response" && events[0].upgrade, true);
  assert.equal(http.ourState, "SWITCHED_PROTOCOL");
  assert.equal(latin1(http.takeTrailingData()), "\x16\x03\x03");
});

test("client: Connection: close in the response ends reuse", () => {
  const http = new Connection("client");
  http.sendMessage({ method: "GET", target: "/", headers: [HOST] });
  http.receive(bytes("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"));
  drain(http);
  assert.equal(http.keepAlive, false);
  assert.equal(http.ourState, "MUST_CLOSE");
  assert.equal(http.theirState, "MUST_CLOSE");
  assert.throws(() => http.sendHead({ method: "GET", target: "/", headers: [HOST] }), HttpError);
});

test("client: our own Connection: close is honored, and later bytes are not parsed", () => {
  const http = new Connection("client");
  http.sendMessage({ method: "GET", target: "/", headers: [HOST, ["Connection", "close"]] });
  http.receive(bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n\r\n"));
  assert.deepEqual(types(drain(http)), ["response", "data", "end", "paused"]);
  assert.equal(http.ourState, "MUST_CLOSE");
  http.receiveEnd();
  assert.equal(http.nextEvent().type, "closed");
});

test("client: a response head over the limit fails at once, never waits", () => {
  const http = new Connection("client", { maxHeaderSize: 100 });
  http.sendMessage({ method: "GET", target: "/", headers: [HOST] });
  http.receive(bytes(`HTTP/1.1 200 OK\r\nX: ${"a".repeat(200)}`));
  assert.throws(() => http.nextEvent(), { code: "HEADERS_TOO_LARGE", offset: 100 });
});

test("client: sendClose moves our side to CLOSED", () => {
  const http = new Connection("client");
  http.sendClose();
  assert.equal(http.ourState, "CLOSED");
  assert.equal(http.theirState, "MUST_CLOSE");
});

test("client: the server closing before any response is NO_RESPONSE (a proxy answers 502)", () => {
  const http = new Connection("client");
  http.sendMessage({ method: "GET", target: "/", headers: [HOST] });
  http.receiveEnd();
  assert.throws(() => http.nextEvent(), { code: "NO_RESPONSE", status: 502 });
  // pipelined responses read one request at a time, every way
  const trace = traceEveryWay(
    "client",
    "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb",
    { requests: 2 },
  );
  assert.deepEqual(trace, [
    'response 200 [["Content-Length","1"]]',
    'end body="a"',
    'response 200 [["Content-Length","1"]]',
    'end body="b"',
    "closed",
  ]);
});
