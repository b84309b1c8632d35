// Headless Chromium (puppeteer-core, a node child process) loads a page over
// wirestack's HTTPS, both faces: the leaf is trusted by its SPKI hash
// (--ignore-certificate-errors-spki-list), the page is a secure context.

import assert from "node:assert/strict";
import { spkiSha256 } from "../../crypto/mod.ts";
import { runtimeName, test } from "../_harness.ts";
import { run } from "../http/_run.ts";
import { pki } from "../tls/_pki.ts";
import { eachHttpsFace, PEER } from "./_https.ts";

const rt = runtimeName;

test(
  `Chromium -> HTTPS server (${rt}): a page, its script and 22 API calls, a secure context`,
  async () => {
    const spki = spkiSha256((await pki()).server.cert);
    await eachHttpsFace(async ({ face, port }) => {
      const result = await run("node", [PEER, "chromium", String(port), spki], {
        timeout: 60_000,
      });
      const seen = JSON.parse(result.stdout);
      assert.equal(seen.error, undefined, seen.error);
      const expected = Array.from({ length: 20 }, (_, i) => i).join(",");
      assert.equal(seen.title, `done 1 100000 ${expected}`, face);
      assert.equal(seen.secure, true);
      assert.ok(seen.statuses.includes("/page.html 200"));
      assert.equal(seen.statuses.filter((s: string) => s.startsWith("/api/data 200")).length, 21);
    });
  },
  { timeout: 90_000 },
);
