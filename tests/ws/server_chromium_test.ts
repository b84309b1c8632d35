// Headless Chromium (puppeteer-core, a Node child process) talks to
// wirestack's server: text, binary, a 70 KB message, UTF-8, with the
// permessage-deflate it always offers, and a clean close.

import assert from "node:assert/strict";
import { runtimeName, test } from "../_harness.ts";
import { runPeerClient } from "./_peer_process.ts";
import { serveEcho } from "./_servers.ts";

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
