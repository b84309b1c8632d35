// The demo's live channel with `ws` (the npm package, in a Node process) as
// the peer: over wss trusting the development root, chat messages to every
// open socket, the stats pushed every second, a page from another origin
// refused, and 1001 (going away) to every socket when the demo stops.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runtimeName, test } from "../_harness.ts";
import { startCli } from "./_process.ts";

const rt = runtimeName;
const PEER = fileURLToPath(new URL("../fixtures/demo_ws_peer.mjs", import.meta.url));

test(
  `cli (${rt}): wirestack demo's live channel: chat over wss, stats pushed, other origins refused`,
  async () => {
    const data = mkdtempSync(join(tmpdir(), "wirestack-demo-ws-"));
    const demo = startCli(
      ["demo", "--port", "0", "--http-port", "0", "--tcp-port", "0", "--udp-port", "0"],
      { WIRESTACK_DATA_DIR: data },
    );
    try {
      const origin = (await demo.waitFor(/page +(https:\/\/localhost:\d+)\//, 30_000))[1];
      const peer = spawn("node", [
        PEER,
        `${origin.replace("https:", "wss:")}/ws`,
        join(data, "dev-ca", "rootCA.pem"),
        origin,
      ], { stdio: ["ignore", "pipe", "pipe"] });
      const lines: Array<Record<string, unknown>> = [];
      let waiting: (() => void) | undefined;
      let text = "";
      peer.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        text += chunk;
        for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n")) {
          lines.push(JSON.parse(text.slice(0, end)));
          text = text.slice(end + 1);
          waiting?.();
        }
      });
      const exited = new Promise((resolve) => peer.on("close", resolve));
      const line = async (n: number) => {
        while (lines.length < n && peer.exitCode === null) {
          await new Promise<void>((resolve) => (waiting = resolve));
        }
        assert.ok(lines.length >= n, "the peer ended early");
        assert.equal(lines[n - 1].error, undefined, String(lines[n - 1].error));
        return lines[n - 1];
      };
      const killer = setTimeout(() => peer.kill(), 40_000);
      try {
        const seen = await line(1) as {
          websocket: boolean;
          chat: Array<{ text: string; self: boolean; from: string }>;
          later: { connections: Array<{ service: string }> };
          refused: number;
        };
        assert.equal(seen.websocket, true);
        const [toA, toB] = seen.chat;
        assert.deepEqual([toA.text, toA.self, toB.text, toB.self], [
          "hello room",
          true,
          "hello room",
          false,
        ]);
        assert.equal(toA.from, toB.from);
        assert.equal(seen.later.connections.filter((row) => row.service === "ws").length, 2);
        assert.equal(seen.later.connections.filter((row) => row.service === "https").length, 0);
        assert.equal(seen.refused, 403);
        await demo.stop("SIGINT");
        assert.deepEqual((await line(2)).closes, [1001, 1001]);
      } finally {
        clearTimeout(killer);
        peer.kill();
        await exited;
      }
    } finally {
      await demo.stop();
      rmSync(data, { recursive: true, force: true });
    }
    assert.match(demo.stdout, /stopped/);
  },
  { timeout: 60_000 },
);
