/**
 * Runs the fuzz targets of the test suite (each decoder's `tests/.../_fuzz.ts`)
 * at length: a million inputs per target by default, in batches whose seeds
 * follow from the printed base seed. For each target it prints inputs per
 * second, the slowest input in CPU time (with the command that replays it) and the
 * process's peak RSS; a failure prints fast-check's report, the shrunk
 * counterexample and the command that replays it, and the run goes on with the
 * next target. Exit status 1 when any target failed.
 *
 * Run: `npm run fuzz` (Deno, from source) or `npm run build && node
 * npm/esm/scripts/fuzz.js` (Node), with options:
 *
 * - `--target T` only targets whose name starts with T (repeatable, or `a,b`)
 * - `--runs N` inputs per target (default 1,000,000, or a target's own count;
 *   `--quick` is 2,000)
 * - `--seed S` the base seed (default random; printed)
 * - `--path P` with `--seed` and one `--target`: replay one failure
 * - `--slow-ms M` an input taking more CPU time than this fails the target
 *   (default 2,000: a hang, not a hiccup)
 * - `--json FILE` also write the figures as JSON
 * - `--list` list the targets
 *
 * @module
 */

import { writeFileSync } from "node:fs";
import process from "node:process";
import { type fc, type FuzzTarget, replayCommand, runTarget } from "../tests/_fuzz.ts";
import { CRYPTO_TARGETS, OPENSSL_DIFFERENTIAL_TARGETS } from "../tests/crypto/_fuzz.ts";
import { HTTP1_TARGETS, LLHTTP_TARGETS } from "../tests/protocols/http1/_fuzz.ts";
import { WEBSOCKET_TARGETS } from "../tests/protocols/websocket/_fuzz.ts";
import { WS_RECEIVER_TARGET } from "../tests/protocols/websocket/_ws_receiver.ts";
import { DEFLATE_TARGETS } from "../tests/ws/_fuzz.ts";

const ALL: readonly FuzzTarget[] = [
  ...HTTP1_TARGETS,
  ...LLHTTP_TARGETS,
  ...WEBSOCKET_TARGETS,
  WS_RECEIVER_TARGET,
  ...DEFLATE_TARGETS,
  ...CRYPTO_TARGETS,
  ...OPENSSL_DIFFERENTIAL_TARGETS,
];

const runtime = "Deno" in globalThis ? "deno" : "node";

interface Options {
  targets: string[];
  /** Inputs per target: given by --runs or --quick, else each target's default. */
  runs?: number;
  seed: number;
  path?: string;
  slowMs: number;
  json?: string;
  list: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = {
    targets: [],
    seed: (Math.random() * 2 ** 31) | 0,
    slowMs: 2000,
    list: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === "--target") options.targets.push(...value().split(","));
    else if (arg === "--runs") options.runs = Number(value());
    else if (arg === "--quick") options.runs = 2000;
    else if (arg === "--seed") options.seed = Number(value()) | 0;
    else if (arg === "--path") options.path = value();
    else if (arg === "--slow-ms") options.slowMs = Number(value());
    else if (arg === "--json") options.json = value();
    else if (arg === "--list") options.list = true;
    else throw new Error(`unknown argument ${arg}`);
  }
  if (options.runs !== undefined && !(options.runs >= 1)) {
    throw new Error("--runs must be a positive number");
  }
  return options;
}

/** What one target's run gave. */
interface Figures {
  target: string;
  runtime: string;
  seed: number;
  runs: number;
  seconds: number;
  perSecond: number;
  slowestMs: number;
  slowest: string;
  peakRssMb: number;
  failed: string | null;
}

function rssMb(): number {
  return process.memoryUsage().rss / 2 ** 20;
}

/** CPU time of the process (user + system), in milliseconds: unlike wall time, not inflated by `nice`. */
function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Wraps a target so that each input is timed (between fast-check's before and after hooks). */
function timed(target: FuzzTarget, record: (ms: number, index: number) => void): FuzzTarget {
  return {
    ...target,
    property: () => {
      const property = target.property();
      let started = 0;
      let index = 0;
      const before = () => {
        started = cpuMs();
      };
      const after = () => {
        record(cpuMs() - started, index++);
      };
      // Both hook kinds call the global hook first, as fast-check asks.
      if (property.isAsync()) {
        return (property as fc.IAsyncPropertyWithHooks<[unknown]>)
          .beforeEach(async (global) => {
            await global();
            before();
          })
          .afterEach(async (global) => {
            await global();
            after();
          });
      }
      return (property as fc.IPropertyWithHooks<[unknown]>)
        .beforeEach((global) => {
          global();
          before();
        })
        .afterEach((global) => {
          global();
          after();
        });
    },
  };
}

async function fuzz(target: FuzzTarget, options: Options): Promise<Figures> {
  // a replay runs the one input the path names (and the shrinks it lists)
  const runs = options.path !== undefined ? 1 : options.runs ?? target.runs ?? 1_000_000;
  const batch = Math.min(runs, Math.max(1000, Math.round(runs / 50)));
  const started = performance.now();
  let done = 0;
  let slowestMs = 0;
  let slowest = "";
  let peak = rssMb();
  let failed: string | null = null;
  let lastReport = started;
  for (let index = 0; done < runs; index++) {
    const seed = (options.seed + index) | 0;
    const count = Math.min(batch, runs - done);
    const wrapped = timed(target, (ms, run) => {
      if (ms > slowestMs) {
        slowestMs = ms;
        slowest = replayCommand(target.name, seed, options.path ?? String(run));
      }
    });
    try {
      await runTarget(wrapped, { seed, runs: count, path: options.path });
    } catch (error) {
      failed = (error as Error).message;
      console.log(`\n${failed}`);
      const cause = (error as Error).cause;
      if (cause !== undefined) console.log("cause:", cause);
      break;
    }
    done += count;
    peak = Math.max(peak, rssMb());
    if (slowestMs > options.slowMs) {
      failed = `an input took ${slowestMs.toFixed(0)} ms (over --slow-ms ${options.slowMs}); ` +
        `replay: ${slowest}`;
      console.log(`\n${failed}`);
      break;
    }
    const now = performance.now();
    if (now - lastReport > 10_000 || done === runs) {
      lastReport = now;
      const rate = done / ((now - started) / 1000);
      console.log(
        `  ${target.name}: ${done.toLocaleString("en-US")} inputs, ${rate.toFixed(0)}/s, ` +
          `slowest ${slowestMs.toFixed(1)} ms, RSS ${peak.toFixed(0)} MB`,
      );
    }
    if (options.path !== undefined) break;
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    target: target.name,
    runtime,
    seed: options.seed,
    runs: done,
    seconds: Math.round(seconds),
    perSecond: Math.round(done / seconds),
    slowestMs: Number(slowestMs.toFixed(1)),
    slowest,
    peakRssMb: Math.round(peak),
    failed,
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const selected = ALL.filter((target) =>
    (options.targets.length === 0 ||
      options.targets.some((prefix) => target.name.startsWith(prefix))) &&
    (target.runtime === undefined || target.runtime === runtime)
  );
  if (options.list) {
    for (const target of ALL) {
      const only = target.runtime === undefined ? "" : ` (${target.runtime} only)`;
      console.log(`${target.name.padEnd(32)} ${target.about}${only}`);
    }
    return;
  }
  if (selected.length === 0) throw new Error(`no target matches ${options.targets.join(", ")}`);
  if (options.path !== undefined && selected.length !== 1) {
    throw new Error("--path replays one failure: name exactly one --target");
  }
  console.log(
    `fuzz on ${runtime}: ${selected.length} targets, ${
      options.runs?.toLocaleString("en-US") ?? "1,000,000 (or the target's own count)"
    } inputs each, base seed ${options.seed}`,
  );
  const results: Figures[] = [];
  for (const target of selected) {
    console.log(`\n${target.name}: ${target.about}`);
    results.push(await fuzz(target, options));
  }
  console.log(`\nsummary (${runtime}, base seed ${options.seed})`);
  for (const r of results) {
    console.log(
      `${r.failed === null ? "ok  " : "FAIL"} ${r.target.padEnd(32)} ${
        r.runs.toLocaleString("en-US").padStart(10)
      } inputs ${String(r.seconds).padStart(5)} s ${String(r.perSecond).padStart(7)}/s ` +
        `slowest ${r.slowestMs} ms, peak RSS ${r.peakRssMb} MB`,
    );
    if (r.slowest !== "") console.log(`     slowest input: ${r.slowest}`);
  }
  if (options.json !== undefined) writeFileSync(options.json, JSON.stringify(results, null, 2));
  if (results.some((r) => r.failed !== null)) process.exitCode = 1;
}

await main();
