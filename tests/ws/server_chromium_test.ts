// Headless Chromium (puppeteer-core, a Node child process) talks to
// wirestack's server, over ws: and wss:: text, binary, a 70 KB message,
// UTF-8, with the permessage-deflate it always offers, and a clean close.

import assert from "node:assert/strict";
import { runtimeName, test } from "../_harness.ts";
import { runPeerClient } from "./_peer_process.ts";
import { serveEcho } from "./_servers.ts";
import { serve } from "../../http/serve.ts";
import { upgradeWebSocket } from "../../ws/upgrade.ts";
import { pki } from "../tls/_pki.ts";

test(
  `Chromium -> wirestack server (${runtimeName}): echoes with permessage-deflate, clean close`,
  async () => {
    const server = await serveEcho({ deflate: true });
    try {
      const seen = await runPeerClient(
        "node",
        ["chromium", `ws://127.0.0.1:${server.port}/`],
        60_000,
      );
      assert.deepEqual(seen.got, [5, "bin3", 70000, 5]);
      assert.equal(seen.code, 1000);
      assert.equal(seen.clean, true);
      assert.match(String(seen.extensions), /^permessage-deflate/);
    } finally {
      await server.close();
    }
  },
  { timeout: 90_000 },
);

test(`Chromium -> wirestack server over wss (${runtimeName}): echoes, clean close`, async () => {
  const { server: issued } = await pki();
  const server = serve({
    port: 0,
    hostname: "127.0.0.1",
    tls: { cert: issued.chain, key: issued.key },
  }, (request) => {
    const { socket, response } = upgradeWebSocket(request, { deflate: true });
    socket.onmessage = (event) => socket.send(event.data);
    return response;
  });
  const { port } = await server.listening;
  try {
    const seen = await runPeerClient("node", ["chromium", `wss://localhost:${port}/`], 60_000);
    assert.deepEqual(seen.got, [5, "bin3", 70000, 5]);
    assert.equal(seen.code, 1000);
    assert.equal(seen.clean, true);
  } finally {
    await server.close();
  }
}, { timeout: 90_000 });
