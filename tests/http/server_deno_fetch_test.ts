// Deno's fetch against both faces (a deno child process, on either runtime).

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runtimeName, test } from "../_harness.ts";
import { denoExecutable } from "../_peers.ts";
import { run } from "./_run.ts";
import { eachFace } from "./_servers.ts";

const rt = runtimeName;
const PEER = fileURLToPath(new URL("../fixtures/http_deno_peer.mjs", import.meta.url));

test(`Deno fetch -> server (${rt}): GET, POST, streamed upload, HEAD, 30 at once`, () =>
  eachFace(async (face, port) => {
    const result = await run(denoExecutable(), ["run", "-A", "--no-config", PEER, String(port)]);
    const seen = JSON.parse(result.stdout);
    assert.equal(seen.error, undefined, seen.error);
    assert.equal(seen.get[0], 200);
    assert.equal(seen.get[2], "hello");
    assert.deepEqual(seen.json, { a: 1 }, face);
    assert.equal(seen.stream, "400000");
    assert.deepEqual(seen.head, [200, "321", ""]);
    assert.equal(seen.many, true);
  }));
