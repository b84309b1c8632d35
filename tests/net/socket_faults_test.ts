// Writes after close: a write after end() or destroy() fails with a typed
// error through its callback (and `error` after end), returns false, and never
// throws or crashes the process.

import assert from "node:assert/strict";
import { connect, createServer, type NetError, once } from "../../net/mod.ts";
import { runtimeName, test } from "../_harness.ts";

const rt = runtimeName;

test(`net (${rt}): writes after end() and after destroy() fail typed, never throw`, async () => {
  const server = createServer((socket) => socket.on("data", () => {}));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const client = connect({ port: (server.address() as { port: number }).port, host: "127.0.0.1" });
  await once(client, "connect");
  const seen: string[] = [];
  client.on("error", (error) => seen.push(`error ${(error as NetError).code}`));
  const callback = (what: string) => (error?: Error | null) =>
    seen.push(`${what} ${(error as NetError | undefined)?.code}`);
  client.end();
  assert.equal(client.write("after end", callback("after end")), false);
  client.destroy();
  assert.equal(client.write("after destroy", callback("after destroy")), false);
  await new Promise((resolve) => client.on("close", resolve)); // once() would reject on the error
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(seen.sort(), [
    "after destroy ERR_SOCKET_CLOSED",
    "after end EPIPE",
    "error EPIPE",
  ]);
  server.close();
  await once(server, "close");
});
