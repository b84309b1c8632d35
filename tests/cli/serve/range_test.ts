import assert from "node:assert/strict";
import { parseRange } from "../../../cli/serve/_range.ts";
import { test } from "../../_harness.ts";

test("serve range: one range of each form, clipped to the size", () => {
  assert.deepEqual(parseRange("bytes=0-99", 1000), { kind: "partial", start: 0, end: 100 });
  assert.deepEqual(parseRange("bytes=990-2000", 1000), { kind: "partial", start: 990, end: 1000 });
  assert.deepEqual(parseRange("bytes=500-", 1000), { kind: "partial", start: 500, end: 1000 });
  assert.deepEqual(parseRange("bytes=-10", 1000), { kind: "partial", start: 990, end: 1000 });
  assert.deepEqual(parseRange("bytes=-5000", 1000), { kind: "partial", start: 0, end: 1000 });
  assert.deepEqual(parseRange("Bytes = 1-1", 10), { kind: "partial", start: 1, end: 2 });
});

test("serve range: unsatisfiable ranges (416)", () => {
  assert.deepEqual(parseRange("bytes=1000-", 1000), { kind: "unsatisfiable" });
  assert.deepEqual(parseRange("bytes=5000-6000", 1000), { kind: "unsatisfiable" });
  assert.deepEqual(parseRange("bytes=-0", 1000), { kind: "unsatisfiable" });
  assert.deepEqual(parseRange("bytes=0-", 0), { kind: "unsatisfiable" });
});

test("serve range: what is ignored (the whole file is sent)", () => {
  for (
    const header of [
      null,
      "items=0-1",
      "bytes=5-1",
      "bytes=-",
      "bytes=a-b",
      "bytes=0-1,5-6",
      "bytes=1.5-2",
      "bytes 0-1",
      "bytes=99999999999999999999-",
    ]
  ) {
    assert.deepEqual(parseRange(header, 1000), { kind: "whole" }, String(header));
  }
});
