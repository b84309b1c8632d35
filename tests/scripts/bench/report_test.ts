// The benchmark protocol and the record built from it: medians and spreads,
// ratios in the figure's direction, every kind of goal, reading figures out of
// mixed output, and regenerating BENCHMARKS.md without touching its notes.

import assert from "node:assert/strict";
import { test } from "../../_harness.ts";
import {
  describeGoal,
  type Figure,
  figureOf,
  goalMet,
  median,
  parseFigures,
  ratio,
  spreadOf,
} from "../../../scripts/bench/_report.ts";
import { BEGIN, END, generatedSection, mergeInto } from "../../../scripts/bench/_markdown.ts";
import { ratioChart } from "../../../scripts/bench/_chart.ts";
import { record, type Results } from "../../../scripts/bench/_results.ts";

const cpu = (wirestack: number, peer: number, goal: Figure["goal"]): Figure => ({
  bench: "demo",
  figure: "echo",
  unit: "us CPU/op",
  higherIsBetter: false,
  wirestack,
  peers: { raw: peer },
  goal,
  runtime: "node 20.20.2",
});

test("median and spread of samples", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
  assert.equal(spreadOf([10]), 0);
  assert.equal(spreadOf([9, 10, 11]), 0.2);
});

test("figureOf takes medians and spreads of sample arrays, values as they are", () => {
  const figure = figureOf("demo", {
    figure: "parse",
    unit: "us CPU/op",
    higherIsBetter: false,
    wirestack: [2, 1, 3],
    peers: { a: 5, b: [10, 20, 30] },
  });
  assert.equal(figure.wirestack, 2);
  assert.deepEqual(figure.peers, { a: 5, b: 20 });
  assert.deepEqual(figure.spread, { wirestack: 1, b: 1 });
  assert.equal(figure.goal, null);
  assert.match(figure.runtime, /^(deno|node) \d/);
});

test("ratios point the figure's way: above 1, wirestack ahead", () => {
  assert.equal(ratio(cpu(10, 20, null), "raw"), 2);
  const rate = { ...cpu(30, 10, null), higherIsBetter: true };
  assert.equal(ratio(rate, "raw"), 3);
  assert.ok(Number.isNaN(ratio(cpu(10, 20, null), "nobody")));
});

test("goals: a ratio against a peer, an overhead over a peer, an absolute bound", () => {
  assert.equal(goalMet(cpu(10, 20, null)), null);
  assert.equal(goalMet(cpu(10, 13, { peer: "raw", ratio: 1.3 })), true);
  assert.equal(goalMet(cpu(10, 12, { peer: "raw", ratio: 1.3 })), false);
  assert.equal(goalMet(cpu(3000, 1000, { peer: "raw", overAtMost: 2048 })), true);
  assert.equal(goalMet(cpu(3100, 1000, { peer: "raw", overAtMost: 2048 })), false);
  assert.equal(goalMet(cpu(5, 1, { atMost: 5 })), true);
  assert.equal(goalMet(cpu(6, 1, { atMost: 5 })), false);
  assert.equal(describeGoal(cpu(1, 1, { peer: "raw", ratio: 0.9 })), "0.9x raw");
  assert.equal(describeGoal(cpu(1, 1, { peer: "raw", overAtMost: 0 })), "at most raw's");
});

test("parseFigures keeps the figure lines and skips everything else", () => {
  const line = JSON.stringify(cpu(10, 20, { peer: "raw", ratio: 1 }));
  const output = `human line\n{"port": 80}\n${line}\n{"bench": broken\n`;
  const figures = parseFigures(output);
  assert.equal(figures.length, 1);
  assert.equal(figures[0].wirestack, 10);
});

const results = (figures: Figure[]): Results => ({
  mode: "full",
  machine: {
    cores: 2,
    cpu: "Test CPU",
    os: "Test OS",
    deno: "2.9.6",
    node: "20.20.2",
    date: "2026-11-29T01:00:00.000Z",
  },
  runs: [{
    bench: "demo",
    runtime: "node",
    command: "node npm/esm/scripts/bench/demo.js",
    ok: true,
    exitCode: 0,
    seconds: 1,
    json: figures.length > 0,
    figures: figures.map(record),
    log: "bench/logs/demo.node.log",
  }],
});

test("the generated section replaces the previous one and keeps the notes", () => {
  const notes = "# Benchmarks\n\nIntro.\n\n## Notes\n\nHand-written | with a pipe.\n";
  const first = mergeInto(
    notes,
    generatedSection(results([cpu(10, 20, { peer: "raw", ratio: 1 })]), "docs/b.svg"),
  );
  assert.ok(first.startsWith("# Benchmarks\n\nIntro.\n\n" + BEGIN));
  assert.ok(first.endsWith(`${END}\n\n## Notes\n\nHand-written | with a pipe.\n`));
  assert.match(
    first,
    /\| node \| echo \| us CPU\/op \| raw \| 20\.0 \| 10\.0 \| 2\.00x \| 1x raw \| yes \|/,
  );
  assert.match(first, /Goals met: 1 of 1\./);
  const second = mergeInto(first, generatedSection(results([]), "docs/b.svg"));
  assert.equal(second.split(BEGIN).length, 2);
  assert.match(second, /`demo` on node: no JSON/);
  assert.ok(second.endsWith(`${END}\n\n## Notes\n\nHand-written | with a pipe.\n`));
});

test("the chart draws one bar per goal, escapes labels, and says when it has none", () => {
  const figure = { ...cpu(10, 20, { peer: "raw", ratio: 1 }), figure: "a <b> & c" };
  const svg = ratioChart(results([figure, cpu(10, 20, null)]));
  assert.ok(svg.startsWith("<svg "));
  assert.equal(svg.match(/<rect /g)?.length, 2); // the background and one bar
  assert.match(svg, /a &lt;b&gt; &amp; c/);
  assert.match(svg, /2\.00x raw/);
  assert.match(ratioChart(results([])), /No figures with goals yet/);
});
