// The CI-sized version of scripts/reliability/ws_load.ts: a few hundred `ws`
// clients held open at once on one server, each exchanging messages, then
// closing cleanly; and a zip bomb that must close with 1009. Both on
// wirestack's WebSocket server (ws/) and on the protocol core under it driven
// over serve()'s takeover (tests/http/_ws_echo.ts).

import assert from "node:assert/strict";
import { runtimeName, test } from "../_harness.ts";
import { startWsEcho } from "./_ws_echo.ts";
import { closeWsClients, exchange, openWsClients } from "./_ws_load_client.ts";

const rt = runtimeName;

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

for (
  const [kind, deflate] of [["ws", false], ["ws", true], ["core", false], ["core", true]] as const
) {
  test(
    `ws load (${rt}, ${kind} server): 200 ws clients at once, 10 messages each${
      deflate ? ", compressed" : ""
    }`,
    async () => {
      const { server, port, stats } = await startWsEcho({ server: kind });
      try {
        const clients = await openWsClients(port, 200, { deflate });
        await until(() => stats.open === 200, "200 open connections on the server");
        const echoed = await Promise.all(clients.map((client, id) => exchange(client, id, 10)));
        assert.equal(echoed.reduce((a, b) => a + b, 0), 2000);
        assert.equal(stats.messages, 2000);
        assert.deepEqual(await closeWsClients(clients), { 1000: 200 });
        await until(() => stats.open === 0, "the server to close every connection");
        assert.deepEqual(stats.closes, { 1000: 200 });
      } finally {
        await server.close();
      }
    },
    { timeout: 60_000 },
  );
}

for (const kind of ["ws", "core"] as const) {
  test(
    `ws hostile (${rt}, ${kind} server): a zip bomb (64 MiB of zeros in 64 KiB) closes with 1009`,
    async () => {
      const { server, port, stats } = await startWsEcho({ maxPayload: 1 << 20, server: kind });
      try {
        const [bomber, bystander] = await openWsClients(port, 2, { deflate: true });
        const closed = new Promise<number>((resolve) => bomber.once("close", resolve));
        bomber.send(new Uint8Array(64 << 20), { compress: true });
        assert.equal(await closed, 1009);
        assert.equal(await exchange(bystander, 1, 4), 4);
        await closeWsClients([bystander]);
        await until(() => stats.open === 0, "the server to close both connections");
        assert.deepEqual(stats.closes, { 1000: 1, 1009: 1 });
      } finally {
        await server.close();
      }
    },
    { timeout: 60_000 },
  );
}
