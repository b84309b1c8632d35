// Per-connection state, outside the bytes a connection buffers, stays under
// 1 KiB: measured on the engine's heap with 2,000 live connections, each
// after a request and its response.

import assert from "node:assert/strict";
import process from "node:process";
import v8 from "node:v8";
import vm from "node:vm";
import { test } from "../../_harness.ts";
import { Connection } from "../../../protocols/http1/mod.ts";
import { bytes } from "./_split.ts";

function collector(): () => void {
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as () => void;
}

test("connection: under 1 KiB of state per connection", () => {
  const gc = collector();
  const request = bytes("GET /index.html HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n");
  const count = 2000;
  const live: Connection[] = [];
  // warm up: compile everything, allocate the shared tables and slabs
  for (let i = 0; i < 50; i++) exchange(new Connection("server"), request);
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < count; i++) {
    const http = new Connection("server");
    exchange(http, request);
    live.push(http);
  }
  gc();
  gc();
  const perConnection = (process.memoryUsage().heapUsed - before) / count;
  assert.equal(live.length, count);
  assert.ok(
    perConnection > 0 && perConnection < 1024,
    `${perConnection.toFixed(0)} bytes per connection`,
  );
});

function exchange(http: Connection, request: Uint8Array): void {
  http.receive(request);
  for (;;) {
    const event = http.nextEvent();
    if (event.type === "paused") http.sendMessage({ status: 204 });
    else if (event.type === "need-data") return;
  }
}
