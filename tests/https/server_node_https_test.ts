// Node's https client and undici (node child processes, on either runtime)
// against both faces of wirestack's HTTPS server, trusting the test root.

import assert from "node:assert/strict";
import { runtimeName, test } from "../_harness.ts";
import { run } from "../http/_run.ts";
import { eachHttpsFace, PEER, pkiFiles } from "./_https.ts";

const rt = runtimeName;

test(`node:https -> HTTPS server (${rt}): keep-alive agent with ca, GET and a 100 kB POST`, async () => {
  const files = await pkiFiles();
  try {
    await eachHttpsFace(async ({ face, port }) => {
      const result = await run("node", [PEER, "node-https", String(port), files.ca]);
      const seen = JSON.parse(result.stdout);
      assert.equal(seen.error, undefined, seen.error);
      assert.deepEqual(seen.first, {
        status: 200,
        body: "hello over https:",
        reused: false,
        alpn: "http/1.1",
      }, face);
      assert.equal(seen.second.status, 200);
      assert.equal(seen.second.body, "x".repeat(100_000));
      assert.equal(seen.second.reused, true, `${face}: the TLS connection is kept`);
    });
  } finally {
    files.remove();
  }
});

test(`undici -> HTTPS server (${rt}): a pool with connect.ca, GETs and a POST`, async () => {
  const files = await pkiFiles();
  try {
    await eachHttpsFace(async ({ face, port }) => {
      const result = await run("node", [PEER, "undici", String(port), files.ca]);
      const seen = JSON.parse(result.stdout);
      assert.equal(seen.error, undefined, seen.error);
      assert.deepEqual(seen, {
        statuses: [200, 200, 200],
        body: "hello over https:",
        echoed: 50_000,
      }, face);
    });
  } finally {
    files.remove();
  }
});
