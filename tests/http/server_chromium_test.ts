// Headless Chromium (puppeteer-core, a node child process) loads a page from
// both faces: the HTML, its script, and the API calls the script makes.

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runtimeName, test } from "../_harness.ts";
import { run } from "./_run.ts";
import { eachFace } from "./_servers.ts";

const rt = runtimeName;
const PEER = fileURLToPath(new URL("../fixtures/http_node_peer.mjs", import.meta.url));

test(
  `Chromium -> server (${rt}): loads a page, its script and 22 API calls`,
  () =>
    eachFace(async (face, port) => {
      const result = await run("node", [PEER, "chromium", String(port)], { timeout: 60_000 });
      const seen = JSON.parse(result.stdout);
      assert.equal(seen.error, undefined, seen.error);
      const expected = Array.from({ length: 20 }, (_, i) => i).join(",");
      assert.equal(seen.title, `done 1 100000 ${expected}`, face);
      assert.ok(seen.statuses.includes("/page.html 200"));
      assert.ok(seen.statuses.includes("/app.js 200"));
      assert.equal(seen.statuses.filter((s: string) => s.startsWith("/api/data 200")).length, 21);
    }),
  { timeout: 60_000 },
);
