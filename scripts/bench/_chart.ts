/**
 * A horizontal bar chart of ratios as SVG, drawn by hand: one bar per figure
 * with a goal, on a logarithmic axis centred on 1x (right: wirestack ahead),
 * green when the goal is met, red when not, with the goal as a tick.
 *
 * @module
 */

import type { BenchRun, Results } from "./_results.ts";
import { areaTitle } from "./_markdown.ts";
import { ratio } from "./_report.ts";
import type { Figure } from "./_report.ts";

const WIDTH = 1040;
const LABEL = 480;
const AXIS = 330;
const ROW = 20;
const TOP = 64;
const MIN = 1 / 8;
const MAX = 8;

/** The ratio at which the figure's goal is just met (null: no goal against a peer). */
function goalRatio(figure: Figure): number | null {
  const goal = figure.goal;
  if (goal === null || !("peer" in goal)) return null;
  if ("ratio" in goal) return goal.ratio;
  const theirs = figure.peers[goal.peer];
  if (theirs === undefined || theirs <= 0) return null;
  return theirs / (theirs + goal.overAtMost);
}

function x(value: number): number {
  const clamped = Math.min(MAX, Math.max(MIN, value));
  const span = Math.log(MAX) - Math.log(MIN);
  return LABEL + ((Math.log(clamped) - Math.log(MIN)) / span) * AXIS;
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

interface Bar {
  label: string;
  peer: string;
  ratio: number;
  goal: number;
  met: boolean;
}

function bars(runs: BenchRun[]): Bar[] {
  const out: Bar[] = [];
  for (const run of runs) {
    for (const figure of run.figures) {
      const goal = goalRatio(figure);
      const peer = figure.goal !== null && "peer" in figure.goal ? figure.goal.peer : undefined;
      if (goal === null || peer === undefined) continue;
      const value = ratio(figure, peer);
      if (!Number.isFinite(value)) continue;
      out.push({
        label: `${areaTitle(figure.bench)}: ${figure.figure} (${run.runtime})`,
        peer,
        ratio: value,
        goal,
        met: value >= goal,
      });
    }
  }
  return out;
}

/** The chart of every goal figure in `results` (a note when there is none). */
export function ratioChart(results: Results): string {
  const rows = bars(results.runs);
  const height = TOP + Math.max(1, rows.length) * ROW + 40;
  const m = results.machine;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" ` +
      `viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="bold">wirestack against its peers: ` +
      `how many times better (log scale, right of 1x: wirestack ahead)</text>`,
    `<text x="12" y="40" fill="#555555">${
      escape(
        `${results.mode === "quick" ? "quick smoke run, not a record; " : ""}` +
          `${m.date.slice(0, 10)}, ${m.cores} cores, ${m.cpu}, Deno ${m.deno}, Node ${m.node}. ` +
          `Bar: ratio; tick: goal; green: met, red: not met.`,
      )
    }</text>`,
  );
  for (const tick of [0.125, 0.25, 0.5, 1, 2, 4, 8]) {
    const at = x(tick).toFixed(1);
    parts.push(
      `<line x1="${at}" y1="${TOP - 8}" x2="${at}" y2="${height - 30}" stroke="${
        tick === 1 ? "#333333" : "#dddddd"
      }"/>`,
      `<text x="${at}" y="${height - 16}" text-anchor="middle" fill="#555555">${tick}x</text>`,
    );
  }
  if (rows.length === 0) {
    parts.push(
      `<text x="12" y="${TOP + 14}" fill="#555555">No figures with goals yet: ` +
        `run \`npm run bench\` (full mode) to record them.</text>`,
    );
  }
  rows.forEach((bar, i) => {
    const y = TOP + i * ROW;
    const from = x(1);
    const to = x(bar.ratio);
    const colour = bar.met ? "#2e7d32" : "#c62828";
    parts.push(
      `<text x="${LABEL - 8}" y="${y + 13}" text-anchor="end">${escape(bar.label)}</text>`,
      `<rect x="${Math.min(from, to).toFixed(1)}" y="${y + 3}" width="${
        Math.max(1, Math.abs(to - from)).toFixed(1)
      }" height="${ROW - 6}" fill="${colour}"/>`,
      `<line x1="${x(bar.goal).toFixed(1)}" y1="${y + 1}" x2="${x(bar.goal).toFixed(1)}" y2="${
        y + ROW - 1
      }" stroke="#000000" stroke-width="2"/>`,
      `<text x="${(LABEL + AXIS + 8).toFixed(1)}" y="${y + 13}">${
        escape(`${bar.ratio.toFixed(2)}x ${bar.peer}`)
      }</text>`,
    );
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
