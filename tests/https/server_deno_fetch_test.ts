// Deno's fetch with Deno.createHttpClient({ caCerts }) against both faces of
// wirestack's HTTPS server; the same fetch without the root is refused.
// Deno only (the client is Deno's own).

import assert from "node:assert/strict";
import { isDeno, test } from "../_harness.ts";
import { denoExecutable } from "../_peers.ts";
import { run } from "../http/_run.ts";
import { eachHttpsFace, PEER, pkiFiles } from "./_https.ts";

test(
  "Deno fetch (createHttpClient caCerts) -> HTTPS server (deno): GET, POST; no CA refused",
  async () => {
    const files = await pkiFiles();
    try {
      await eachHttpsFace(async ({ face, port }) => {
        const result = await run(denoExecutable(), [
          "run",
          "-A",
          "--no-config",
          PEER,
          "deno-fetch",
          String(port),
          files.ca,
        ]);
        const seen = JSON.parse(result.stdout);
        assert.equal(seen.error, undefined, seen.error);
        assert.equal(seen.status, 200, face);
        assert.equal(seen.text, "hello over https:");
        assert.equal(seen.echoed, 70_000);
        assert.notEqual(seen.refused, null, "a fetch without the root must fail");
      });
    } finally {
      files.remove();
    }
  },
  {
    skip: isDeno ? false : "Deno's fetch is Deno's own (the Deno test run covers it)",
    timeout: 40_000,
  },
);
