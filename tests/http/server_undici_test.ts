// undici against both faces (a node child process, on either runtime):
// a keep-alive pool with pipelining, a streamed upload.

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runtimeName, test } from "../_harness.ts";
import { run } from "./_run.ts";
import { eachFace } from "./_servers.ts";

const rt = runtimeName;
const PEER = fileURLToPath(new URL("../fixtures/http_node_peer.mjs", import.meta.url));

test(`undici -> server (${rt}): pooled, pipelined and streamed requests`, () =>
  eachFace(async (face, port) => {
    const result = await run("node", [PEER, "undici", String(port)]);
    const seen = JSON.parse(result.stdout);
    assert.equal(seen.error, undefined, seen.error);
    assert.deepEqual(
      seen,
      { pipelined: true, streamed: "500000", method: "DELETE", status: 200 },
      face,
    );
  }));
