// wrk against both faces: a second of load on 20 connections, with no error
// and no non-2xx answer.

import assert from "node:assert/strict";
import { runtimeName, test } from "../_harness.ts";
import { run } from "./_run.ts";
import { eachFace } from "./_servers.ts";

const rt = runtimeName;

test(
  `wrk -> server (${rt}): a second of keep-alive load without errors`,
  () =>
    eachFace(async (face, port) => {
      for (const path of ["/", "/big?n=100000"]) {
        const result = await run("wrk", ["-t1", "-c20", "-d1s", `http://127.0.0.1:${port}${path}`]);
        assert.equal(result.code, 0, result.stderr);
        const requests = Number(/(\d+) requests in/.exec(result.stdout)?.[1] ?? 0);
        assert.ok(requests > 500, `${face} ${path}: only ${requests} requests\n${result.stdout}`);
        assert.doesNotMatch(
          result.stdout,
          /Non-2xx|Socket errors/,
          `${face} ${path}\n${result.stdout}`,
        );
      }
    }),
  { timeout: 30_000 },
);
