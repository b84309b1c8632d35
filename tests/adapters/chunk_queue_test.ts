// takeChunks: queued chunks into a reader's buffer, whole or cut.

import assert from "node:assert/strict";
import { takeChunks } from "../../adapters/_chunk_queue.ts";
import { test } from "../_harness.ts";

test("takeChunks: whole chunks leave the queue, a cut one keeps its rest in front", () => {
  const queue = [new Uint8Array([1, 2]), new Uint8Array([3, 4, 5]), new Uint8Array([6])];
  const into = new Uint8Array(4);
  assert.equal(takeChunks(queue, into), 4);
  assert.deepEqual([...into], [1, 2, 3, 4]);
  assert.deepEqual(queue.map((chunk) => [...chunk]), [[5], [6]]);
  assert.equal(takeChunks(queue, into), 2);
  assert.deepEqual([...into.subarray(0, 2)], [5, 6]);
  assert.equal(queue.length, 0);
  assert.equal(takeChunks(queue, into), 0);
  assert.equal(takeChunks([new Uint8Array(3)], new Uint8Array(0)), 0);
});
