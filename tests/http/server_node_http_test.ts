// Node's http.request against both faces (a node child process, on either runtime).

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runtimeName, test } from "../_harness.ts";
import { run } from "./_run.ts";
import { eachFace } from "./_servers.ts";

const rt = runtimeName;
const PEER = fileURLToPath(new URL("../fixtures/http_node_peer.mjs", import.meta.url));

test(`node:http -> server (${rt}): keep-alive, chunked upload, HEAD, 100-continue, close`, () =>
  eachFace(async (face, port) => {
    const result = await run("node", [PEER, "node-http", String(port)]);
    const seen = JSON.parse(result.stdout);
    assert.equal(seen.error, undefined, seen.error);
    assert.deepEqual(seen, {
      sequential: "GET".repeat(10),
      reused: true,
      upload: "100000",
      chunked: true,
      head: [200, "777", ""],
      continued: { continued: true, body: "hello" },
      closing: ["hello", "close"],
    }, face);
  }));
