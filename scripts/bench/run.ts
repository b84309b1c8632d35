/**
 * `npm run bench`: every benchmark in `scripts/bench/` on both runtimes, under
 * Deno from source and under Node from the build (`npm/esm/scripts/bench/`,
 * built first when missing or older than the sources). A benchmark is any
 * `scripts/bench/<name>.ts` not starting with `_` (this file aside); each is run
 * with `--json` and reports one JSON line per figure (`_report.ts`); one that
 * prints none is still run, its output kept and flagged "no JSON".
 *
 * - Full mode (no flag): the benchmarks one at a time, each with its own
 *   rounds; writes `bench/results.json`, regenerates the tables of
 *   `BENCHMARKS.md` (the hand-written notes outside the markers are kept) and
 *   the chart `BENCHMARKS.svg`. Run it on a quiet machine.
 * - `--quick`: a smoke run (each benchmark briefly, two at a time): writes
 *   `bench/results.json` (and `bench/BENCHMARKS.quick.md`,
 *   `bench/benchmarks.quick.svg`), never the record. Exits 0 whether or not the
 *   goals are met; non-zero only when a benchmark cannot run.
 * - `--only a,b`: those benchmarks only (in full mode, the other benchmarks'
 *   figures of the previous full run are kept in the record).
 * - `--runtime deno|node`, `--jobs N` (benchmarks at once), `--timeout S`
 *   (per benchmark), `--report` (regenerate `BENCHMARKS.md` and the chart from
 *   `bench/results.json` without running anything). Other arguments are passed
 *   on to the benchmarks (`--rounds 7`).
 *
 * Logs: `bench/logs/<name>.<runtime>.log`.
 *
 * Run: `npm run bench [-- --quick] [-- --only tls]`.
 *
 * @module
 */

import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { ratioChart } from "./_chart.ts";
import { describeMachine } from "./_machine.ts";
import { byArea, generatedSection, mergeInto } from "./_markdown.ts";
import { parseFigures } from "./_report.ts";
import { type BenchRun, record, type Results } from "./_results.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const deno = join(root, "node_modules/.bin/deno");
const out = join(root, "bench");
const resultsFile = join(out, "results.json");
const CHART = "BENCHMARKS.svg";

type Runtime = "deno" | "node";

interface Options {
  quick: boolean;
  only: string[];
  runtimes: Runtime[];
  jobs: number;
  timeout: number;
  reportOnly: boolean;
  passOn: string[];
}

function parseArgs(args: string[]): Options {
  const options: Options = {
    quick: false,
    only: [],
    runtimes: ["deno", "node"],
    jobs: 0,
    timeout: 0,
    reportOnly: false,
    passOn: [],
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const next = args[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === "--quick") options.quick = true;
    else if (arg === "--only") options.only.push(...value().split(",").filter(Boolean));
    else if (arg === "--runtime") options.runtimes = [value() as Runtime];
    else if (arg === "--jobs") options.jobs = Number(value());
    else if (arg === "--timeout") options.timeout = Number(value());
    else if (arg === "--report") options.reportOnly = true;
    else if (arg !== "--json") options.passOn.push(arg);
  }
  if (options.jobs <= 0) options.jobs = options.quick ? 2 : 1;
  if (options.timeout <= 0) options.timeout = options.quick ? 180 : 3600;
  for (const runtime of options.runtimes) {
    if (runtime !== "deno" && runtime !== "node") throw new Error(`unknown runtime ${runtime}`);
  }
  return options;
}

/** The benchmarks: `scripts/bench/*.ts` without `_` helpers and this runner. */
function benchmarks(): string[] {
  return readdirSync(join(root, "scripts/bench"))
    .filter((name) => name.endsWith(".ts") && name !== "run.ts" && !name.startsWith("_"))
    .map((name) => name.slice(0, -3))
    .sort();
}

/** The newest modification time of the TypeScript sources the build compiles. */
function newestSource(dir = root, depth = 0): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (
        depth === 0 && ["node_modules", "npm", "bench", "coverage", "docs"].includes(entry.name)
      ) {
        continue;
      }
      newest = Math.max(newest, newestSource(path, depth + 1));
    } else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the npm package when a built benchmark is missing or the sources are newer. */
function ensureBuild(names: string[]): void {
  const built = join(root, "npm/esm/mod.js");
  const missing = !existsSync(built) ||
    names.some((name) => !existsSync(join(root, `npm/esm/scripts/bench/${name}.js`)));
  if (!missing && statSync(built).mtimeMs >= newestSource()) return;
  console.log("bench: building the npm package (npm/) first");
  const result = spawnSync(deno, ["run", "-A", "scripts/build_npm.ts"], {
    cwd: root,
    stdio: "inherit",
  });
  if (result.status !== 0) throw new Error("the build failed");
}

function commandOf(name: string, runtime: Runtime, options: Options): [string, string[]] {
  const args = ["--json", ...(options.quick ? ["--quick"] : []), ...options.passOn];
  return runtime === "deno"
    ? [deno, ["run", "-A", `scripts/bench/${name}.ts`, ...args]]
    : ["node", [`npm/esm/scripts/bench/${name}.js`, ...args]];
}

/** Runs one benchmark on one runtime, keeping its output; never throws. */
function runBench(name: string, runtime: Runtime, options: Options, echo: boolean) {
  const [command, args] = commandOf(name, runtime, options);
  const log = `bench/logs/${name}.${runtime}.log`;
  const started = performance.now();
  return new Promise<BenchRun>((resolve) => {
    // A process group of its own, so that a timeout ends the benchmark's children too.
    const child = spawn(command, args, {
      cwd: root,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let error: string | undefined;
    const take = (chunk: Uint8Array, stream: { write(text: string): unknown }) => {
      const text = new TextDecoder().decode(chunk);
      output += text;
      if (echo) {
        stream.write(text.split("\n").filter((line) => !line.startsWith('{"bench":')).join("\n"));
      }
    };
    child.stdout.on("data", (chunk: Uint8Array) => take(chunk, process.stdout));
    child.stderr.on("data", (chunk: Uint8Array) => take(chunk, process.stderr));
    const timer = setTimeout(() => {
      error = `timed out after ${options.timeout} s`;
      try {
        process.kill(-(child.pid as number), "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, options.timeout * 1000);
    child.on("error", (e) => (error = e.message));
    child.on("close", (code) => {
      clearTimeout(timer);
      writeFileSync(join(root, log), `$ ${[command, ...args].join(" ")}\n${output}`);
      const figures = parseFigures(output).map(record);
      resolve({
        bench: name,
        runtime,
        command: [
          runtime === "deno" ? "node_modules/.bin/deno" : command,
          ...args.filter((a) => a !== "--json"),
        ].join(" "),
        ok: code === 0 && error === undefined,
        exitCode: code,
        seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
        json: figures.length > 0,
        figures,
        log,
        ...(error !== undefined ? { error } : {}),
      });
    });
  });
}

function summaryLine(run: BenchRun): string {
  const goals = run.figures.filter((f) => f.met !== null);
  const met = goals.filter((f) => f.met).length;
  const status = run.ok ? "ok  " : "FAIL";
  const what = !run.ok
    ? `${run.error ?? `exit ${run.exitCode}`}, see ${run.log}`
    : run.json
    ? `${run.figures.length} figures, goals met ${met} of ${goals.length}`
    : `no JSON (output kept in ${run.log})`;
  return `${status} ${`${run.bench} on ${run.runtime}`.padEnd(24)} ${
    run.seconds.toFixed(1).padStart(6)
  } s  ${what}`;
}

async function runAll(names: string[], options: Options): Promise<BenchRun[]> {
  const tasks = names.flatMap((name) => options.runtimes.map((runtime) => ({ name, runtime })));
  const runs: BenchRun[] = [];
  const echo = !options.quick && options.jobs === 1;
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const { name, runtime } = tasks[next++];
      if (echo) console.log(`\n== ${name} on ${runtime} ==`);
      const run = await runBench(name, runtime, options, echo);
      runs.push(run);
      console.log(summaryLine(run));
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.jobs, tasks.length) }, worker));
  const order = (run: BenchRun) =>
    tasks.findIndex((t) => t.name === run.bench && t.runtime === run.runtime);
  return runs.sort((a, b) => order(a) - order(b));
}

function readResults(): Results | null {
  if (!existsSync(resultsFile)) return null;
  return JSON.parse(readFileSync(resultsFile, "utf8")) as Results;
}

/** The text as `deno fmt` lays it out (tables aligned), so that `npm run lint` stays clean. */
function formatted(text: string, ext: "md" | "svg"): string {
  const result = spawnSync(deno, ["fmt", "-q", `--ext=${ext}`, "-"], { input: text, cwd: root });
  return result.status === 0 ? result.stdout.toString() : text;
}

/** Writes BENCHMARKS.md's generated part and the chart (the record: full runs only). */
function writeRecord(results: Results, markdownFile: string, chartFile: string, chartLink: string) {
  const existing = existsSync(markdownFile) ? readFileSync(markdownFile, "utf8") : null;
  writeFileSync(
    markdownFile,
    formatted(mergeInto(existing, generatedSection(results, chartLink)), "md"),
  );
  mkdirSync(dirname(chartFile), { recursive: true });
  writeFileSync(chartFile, formatted(ratioChart(results), "svg"));
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  mkdirSync(join(out, "logs"), { recursive: true });
  if (options.reportOnly) {
    const results = readResults();
    if (results === null) throw new Error("no bench/results.json: run `npm run bench` first");
    writeRecord(results, join(root, "BENCHMARKS.md"), join(root, CHART), CHART);
    console.log(`bench: BENCHMARKS.md and ${CHART} written from bench/results.json`);
    return;
  }
  const all = benchmarks();
  const unknown = options.only.filter((name) => !all.includes(name));
  if (unknown.length > 0) throw new Error(`no such benchmark: ${unknown.join(", ")}`);
  const names = options.only.length > 0 ? options.only : all;
  if (options.runtimes.includes("node")) ensureBuild(names);
  const started = performance.now();
  console.log(
    `bench: ${names.length} benchmark(s) on ${options.runtimes.join(" and ")}, ${
      options.quick ? "quick smoke run" : "full run"
    }, ${options.jobs} at a time`,
  );
  const runs = await runAll(names, options);
  const mode = options.quick ? "quick" : "full";
  const previous = readResults();
  // A full run of some benchmarks keeps the others' figures from the last full run.
  const kept = previous?.mode === mode && options.only.length > 0
    ? previous.runs.filter((old) =>
      !runs.some((r) => r.bench === old.bench && r.runtime === old.runtime)
    )
    : [];
  const results: Results = {
    mode,
    machine: describeMachine(deno),
    runs: [...kept, ...runs].sort((a, b) =>
      byArea(a.bench, b.bench) || a.runtime.localeCompare(b.runtime)
    ),
  };
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  if (options.quick) {
    writeRecord(
      results,
      join(out, "BENCHMARKS.quick.md"),
      join(out, "benchmarks.quick.svg"),
      "benchmarks.quick.svg",
    );
  } else {
    writeRecord(results, join(root, "BENCHMARKS.md"), join(root, CHART), CHART);
  }
  const failed = runs.filter((run) => !run.ok);
  const figures = runs.flatMap((run) => run.figures);
  const goals = figures.filter((f) => f.met !== null);
  console.log(
    `\nbench: ${
      runs.length - failed.length
    } of ${runs.length} runs ok, ${figures.length} figures, ` +
      `goals met ${goals.filter((f) => f.met).length} of ${goals.length} ` +
      `(${((performance.now() - started) / 1000).toFixed(0)} s); bench/results.json` +
      (options.quick ? "" : `, BENCHMARKS.md and ${CHART}`) + " written",
  );
  for (const run of runs.filter((r) => !r.json && r.ok)) {
    console.log(`bench: ${run.bench} on ${run.runtime} printed no JSON figures`);
  }
  if (failed.length > 0) {
    for (const run of failed) console.error(`bench: ${summaryLine(run)}`);
    process.exit(1);
  }
}

await main();
