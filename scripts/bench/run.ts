/**
 * Runs every benchmark in `scripts/bench/` on both runtimes: under Deno from
 * source and under Node from the built package (`npm/esm/scripts/bench/`).
 * Arguments are passed on (`--quick` for a short smoke run).
 *
 * Run: `npm run bench` (builds first when `npm/` is missing).
 *
 * @module
 */

import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const deno = join(root, "node_modules/.bin/deno");

function benchmarks(): string[] {
  return readdirSync(join(root, "scripts/bench"))
    .filter((name) => name.endsWith(".ts") && name !== "run.ts" && !name.startsWith("_"))
    .sort();
}

function main(): void {
  const args = process.argv.slice(2);
  const names = benchmarks();
  if (names.length === 0) {
    console.log("no benchmarks yet");
    return;
  }
  if (!existsSync(join(root, "npm/esm/scripts/bench"))) {
    execFileSync(deno, ["run", "-A", "scripts/build_npm.ts"], { cwd: root, stdio: "inherit" });
  }
  for (const name of names) {
    console.log(`\n== ${name} on deno ==`);
    execFileSync(deno, ["run", "-A", join("scripts/bench", name), ...args], {
      cwd: root,
      stdio: "inherit",
    });
    console.log(`\n== ${name} on node ==`);
    const built = join("npm/esm/scripts/bench", name.replace(/\.ts$/, ".js"));
    execFileSync("node", [built, ...args], { cwd: root, stdio: "inherit" });
  }
}

main();
