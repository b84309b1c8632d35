/**
 * The one protocol between the benchmarks and `run.ts`. Given `--json`, a
 * benchmark prints, besides its human-readable output, one JSON line per
 * figure it measured:
 *
 * ```json
 * {"bench":"x509","figure":"parse (all fields)","unit":"us CPU/op","higherIsBetter":false,
 *  "wirestack":16.1,"peers":{"node:crypto":110.9},"goal":{"peer":"node:crypto","ratio":1},
 *  "spread":{"wirestack":0.04,"node:crypto":0.02},"runtime":"node 20.20.2"}
 * ```
 *
 * Values are medians of the benchmark's rounds (give `report` the samples and it
 * takes the median and the spread, `(max - min) / median`). A goal says that
 * wirestack must be at least `ratio` times as good as `peer` (in the figure's
 * direction), at most `overAtMost` above `peer`, or at most `atMost`. `run.ts` finds every
 * `scripts/bench/<name>.ts` without a leading underscore, runs it with `--json`
 * on both runtimes and reads these lines back; a benchmark that prints none is
 * still run, its output kept and flagged "no JSON".
 *
 * @module
 */

import process from "node:process";

/**
 * A goal: at least `ratio` times as good as `peer`; at most `overAtMost` above
 * `peer` (memory overhead); or at most `atMost` in the figure's unit.
 */
export type Goal =
  | { peer: string; ratio: number }
  | { peer: string; overAtMost: number }
  | { atMost: number };

/** One figure of one benchmark on one runtime, as printed with `--json`. */
export interface Figure {
  bench: string;
  figure: string;
  unit: string;
  higherIsBetter: boolean;
  wirestack: number;
  peers: Record<string, number>;
  goal: Goal | null;
  /** Relative spread of the rounds by contender ("wirestack" or a peer name). */
  spread?: Record<string, number>;
  runtime: string;
}

/** What a benchmark gives `report`: a value or the samples of its rounds. */
export interface Measured {
  figure: string;
  unit: string;
  higherIsBetter: boolean;
  wirestack: number | number[];
  peers: Record<string, number | number[]>;
  goal?: Goal | null;
}

/** `deno 2.9.6` or `node 20.20.2`: the runtime this process runs on. */
export function runtimeName(): string {
  const deno = (globalThis as { Deno?: { version: { deno: string } } }).Deno;
  return deno !== undefined ? `deno ${deno.version.deno}` : `node ${process.versions.node}`;
}

/** Whether the command line asked for JSON lines. */
export function jsonRequested(args: readonly string[] = process.argv.slice(2)): boolean {
  return args.includes("--json");
}

/** The median (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** A figure for a console line: whole numbers with separators from 100 up, else two decimals. */
export function formatFigure(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString("en-US") : value.toFixed(2);
}

/** `(max - min) / median` of the samples; 0 for a single sample. */
export function spreadOf(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = median(values);
  return m === 0 ? 0 : (Math.max(...values) - Math.min(...values)) / Math.abs(m);
}

/** Builds the figure `report` prints (exported for `run.ts` and tests of it). */
export function figureOf(bench: string, measured: Measured): Figure {
  const spread: Record<string, number> = {};
  const value = (name: string, v: number | number[]): number => {
    if (typeof v === "number") return v;
    if (v.length > 1) spread[name] = round(spreadOf(v));
    return median(v);
  };
  const peers: Record<string, number> = {};
  for (const [name, v] of Object.entries(measured.peers)) peers[name] = round(value(name, v));
  return {
    bench,
    figure: measured.figure,
    unit: measured.unit,
    higherIsBetter: measured.higherIsBetter,
    wirestack: round(value("wirestack", measured.wirestack)),
    peers,
    goal: measured.goal ?? null,
    ...(Object.keys(spread).length > 0 ? { spread } : {}),
    runtime: runtimeName(),
  };
}

/** Prints one figure as a JSON line when `--json` was given; nothing otherwise. */
export function report(bench: string, measured: Measured): void {
  if (!jsonRequested()) return;
  console.log(JSON.stringify(figureOf(bench, measured)));
}

/** How many times better wirestack is than `peer` (above 1: wirestack ahead). */
export function ratio(figure: Figure, peer: string): number {
  const theirs = figure.peers[peer];
  if (theirs === undefined || figure.wirestack === 0 || theirs === 0) return NaN;
  return figure.higherIsBetter ? figure.wirestack / theirs : theirs / figure.wirestack;
}

/** Whether the figure meets its goal; `null` without a goal. */
export function goalMet(figure: Figure): boolean | null {
  const goal = figure.goal;
  if (goal === null) return null;
  if ("atMost" in goal) return figure.wirestack <= goal.atMost;
  if ("overAtMost" in goal) {
    const theirs = figure.peers[goal.peer];
    return theirs === undefined ? false : figure.wirestack - theirs <= goal.overAtMost;
  }
  return ratio(figure, goal.peer) >= goal.ratio;
}

/** The goal in words: "1.3x node:http", "node:net + 2048 B/conn", "at most 1 ms". */
export function describeGoal(figure: Figure): string {
  const goal = figure.goal;
  if (goal === null) return "";
  if ("atMost" in goal) return `at most ${goal.atMost} ${figure.unit}`;
  if ("overAtMost" in goal) {
    return goal.overAtMost === 0
      ? `at most ${goal.peer}'s`
      : `${goal.peer} + ${goal.overAtMost} ${figure.unit}`;
  }
  return `${goal.ratio}x ${goal.peer}`;
}

/** Reads the figures out of a benchmark's output (other lines are left alone). */
export function parseFigures(output: string): Figure[] {
  const figures: Figure[] = [];
  for (const line of output.split("\n")) {
    if (!line.startsWith('{"bench":')) continue;
    try {
      const figure = JSON.parse(line) as Figure;
      if (typeof figure.figure === "string" && typeof figure.wirestack === "number") {
        figures.push(figure);
      }
    } catch {
      // a human line that happens to start like JSON
    }
  }
  return figures;
}

function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  const digits = Math.abs(value) >= 100 ? 1 : Math.abs(value) >= 1 ? 3 : 4;
  return Number(value.toFixed(digits));
}
