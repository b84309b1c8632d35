/**
 * `npm run reliability`: the load runs of this folder, one after the other,
 * each in a process of its own, on the runtime this runs on (Deno from source;
 * Node from the build). Options are passed to every run (`--quick` for a run
 * of seconds). Exit status 1 when a run failed.
 *
 * Run: `npm run reliability [-- --quick]`, or `npm run build && node
 * --expose-gc npm/esm/scripts/reliability/run.js`.
 *
 * @module
 */

import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { args, runtime } from "./_child.ts";

const RUNS = ["http_load", "ws_load"];

function run(name: string, argv: string[]): Promise<number> {
  const file = fileURLToPath(
    new URL(`./${name}${runtime === "deno" ? ".ts" : ".js"}`, import.meta.url),
  );
  const deno = (globalThis as { Deno?: { execPath(): string } }).Deno;
  const command = deno !== undefined ? deno.execPath() : process.execPath;
  const full = deno !== undefined
    ? ["run", "-A", "--v8-flags=--expose-gc", file, ...argv]
    : ["--expose-gc", file, ...argv];
  const child = spawn(command, full, { stdio: "inherit" });
  return new Promise((resolve) => child.once("exit", (code) => resolve(code ?? 1)));
}

async function main(): Promise<void> {
  const argv = args();
  let failed = 0;
  for (const name of RUNS) {
    console.log(`\n=== ${name} ===`);
    if (await run(name, argv) !== 0) failed++;
  }
  if (failed > 0) process.exitCode = 1;
}

main();
