// wirestack's net against Deno's own sockets (Deno.listen, Deno.connect) in a
// child process: the other runtime's sockets under Node, a second Deno under Deno.

import assert from "node:assert/strict";
import { type AddressInfo, connect, createServer, once } from "../../net/mod.ts";
import { runtimeName, test } from "../_harness.ts";
import { concat, pattern, runDenoPeer, startDenoPeer } from "../_peers.ts";

const rt = runtimeName;

for (const host of ["127.0.0.1", "::1"]) {
  test(`net (${rt}) client <-> Deno.listen on ${host}: 1 MB echo, half-close`, async () => {
    const peer = await startDenoPeer(["echo-server", host]);
    try {
      const client = connect({ port: peer.info.port, host });
      const closed = once(client, "close");
      const parts: Uint8Array[] = [];
      client.on("data", (chunk) => parts.push(chunk));
      const message = pattern(1024 * 1024);
      client.end(message);
      await once(client, "end");
      assert.deepEqual(concat(parts), message);
      assert.deepEqual(await closed, [false]);
    } finally {
      await peer.stop();
    }
  });

  test(`Deno.connect <-> net (${rt}) server on ${host}: 1 MB echo, half-close`, async () => {
    const server = createServer({ allowHalfOpen: true }, (socket) => {
      socket.on("data", (chunk) => socket.write(chunk));
      socket.on("end", () => socket.end());
    });
    server.listen(0, host);
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    const result = await runDenoPeer(["client", host, String(port), String(1024 * 1024)]);
    assert.deepEqual(result, { sent: 1024 * 1024, received: 1024 * 1024, same: true });
    const closed = once(server, "close");
    server.close();
    await closed;
  });
}
