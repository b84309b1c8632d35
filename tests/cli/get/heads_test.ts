import assert from "node:assert/strict";
import type { Conn } from "../../../adapters/mod.ts";
import { headObserver } from "../../../cli/get/_heads.ts";
import { test } from "../../_harness.ts";

const encoder = new TextEncoder();
const conn = {
  remoteAddr: { transport: "tcp", hostname: "::1", port: 8443, family: "IPv6" },
} as unknown as Conn;

function record() {
  const seen: string[] = [];
  const observer = headObserver({
    connected: (remote) => seen.push(`connected ${remote}`),
    requestHead: (head) => seen.push(`request ${head}`),
    responseHead: (head) => seen.push(`response ${head}`),
  });
  return { seen, observer };
}

test("get heads: cut however the bytes arrive, bodies left out", () => {
  const request = "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\n";
  const response = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n";
  for (const step of [1, 3, 1000]) {
    const { seen, observer } = record();
    observer.onOpen(conn);
    const sent = encoder.encode(`${request}body`);
    for (let i = 0; i < sent.length; i += step) observer.onSend(sent.subarray(i, i + step));
    const received = encoder.encode(`${response}okHTTP/1.1 200 OK\r\n\r\n`);
    for (let i = 0; i < received.length; i += step) {
      observer.onReceive(received.subarray(i, i + step));
    }
    assert.deepEqual(seen, [
      "connected [::1]:8443",
      `request ${request}`,
      "response HTTP/1.1 100 Continue\r\n\r\n",
      "response HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n",
    ], `step ${step}`);
  }
});

test("get heads: a new connection starts over; Latin-1 bytes kept as they are", () => {
  const { seen, observer } = record();
  observer.onOpen(conn);
  observer.onReceive(
    new Uint8Array([...encoder.encode("HTTP/1.1 200 OK\r\nX: "), 0xe9, 0x80, 13, 10, 13, 10]),
  );
  observer.onOpen(conn);
  observer.onReceive(
    encoder.encode("HTTP/1.1 101 Switching Protocols\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"),
  );
  assert.deepEqual(seen, [
    "connected [::1]:8443",
    "response HTTP/1.1 200 OK\r\nX: \u00e9\u0080\r\n\r\n",
    "connected [::1]:8443",
    "response HTTP/1.1 101 Switching Protocols\r\n\r\n",
  ]);
});
