/**
 * The record of a benchmark run (`bench/results.json`): every benchmark on every
 * runtime, whether it ran, and its figures with the ratios and goals worked out.
 *
 * @module
 */

import { describeGoal, type Figure, goalMet, ratio } from "./_report.ts";
import type { Machine } from "./_machine.ts";

/** A figure as recorded: the benchmark's line plus ratios, goal text and verdict. */
export interface RecordedFigure extends Figure {
  /** How many times better wirestack is than each peer (above 1: wirestack ahead). */
  ratios: Record<string, number | null>;
  goalText: string;
  met: boolean | null;
}

/** One benchmark on one runtime. */
export interface BenchRun {
  bench: string;
  runtime: "deno" | "node";
  command: string;
  ok: boolean;
  exitCode: number | null;
  seconds: number;
  /** Whether it printed figures; a benchmark that does not is flagged "no JSON". */
  json: boolean;
  figures: RecordedFigure[];
  log: string;
  error?: string;
}

/** A whole run. */
export interface Results {
  mode: "quick" | "full";
  machine: Machine;
  runs: BenchRun[];
}

/** Adds the ratios against every peer, the goal in words and whether it is met. */
export function record(figure: Figure): RecordedFigure {
  const ratios: Record<string, number | null> = {};
  for (const peer of Object.keys(figure.peers)) {
    const r = ratio(figure, peer);
    ratios[peer] = Number.isFinite(r) ? Number(r.toFixed(3)) : null;
  }
  return { ...figure, ratios, goalText: describeGoal(figure), met: goalMet(figure) };
}

/** Memory figures (bytes per connection, peak RSS) go to a table of their own. */
export function isMemory(figure: Figure): boolean {
  return figure.unit === "B/conn" || figure.unit === "MiB" || /\bRSS\b/.test(figure.figure);
}

/** The peer a figure's ratio is charted against: its goal's, else the first. */
export function mainPeer(figure: Figure): string | undefined {
  const goal = figure.goal;
  if (goal !== null && "peer" in goal) return goal.peer;
  return Object.keys(figure.peers)[0];
}
