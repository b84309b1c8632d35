/**
 * `npm test`: every check and every test, in order, stopping at the first
 * failure, then one summary line per runtime with its counts.
 *
 * 1. `npm run lint` (format, lint, layer rules, documentation, type check)
 * 2. `npm run test:deno` (source and documentation examples on Deno)
 * 3. `npm run build` (the npm package)
 * 4. `npm run test:node` (the built tests on Node)
 * 5. `npm run test:pack` (the tarball, installed and imported on both runtimes)
 * 6. `npm run bench -- --quick` (every benchmark briefly on both runtimes, so that
 *    none can rot; fails only when one cannot run, never on its figures)
 *
 * Run: `npm test` (or `deno run -A scripts/run_tests.ts`).
 *
 * @module
 */

import { spawn } from "node:child_process";

const STEPS = ["lint", "test:deno", "build", "test:node", "test:pack", "bench -- --quick"] as const;

/** Runs `npm run <step>` (arguments after `--`), echoing its output, and returns that output. */
function runStep(step: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", ...step.split(" ")], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Uint8Array) => {
      process.stdout.write(chunk);
      output += new TextDecoder().decode(chunk);
    });
    child.stderr.on("data", (chunk: Uint8Array) => {
      process.stderr.write(chunk);
      output += new TextDecoder().decode(chunk);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

function plain(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, "");
}

async function main(): Promise<void> {
  const started = Date.now();
  const summary: string[] = [];
  for (const step of STEPS) {
    console.log(`\n=== npm run ${step} ===`);
    const { code, output } = await runStep(step);
    if (step === "test:deno") {
      const line = plain(output).match(/^(ok|FAILED) \| \d+ passed.*$/m)?.[0];
      summary.push(`deno test:  ${line ?? "no summary line"}`);
    }
    if (step === "test:node") {
      const count = (name: string) =>
        plain(output).match(new RegExp(`^# ${name} (\\d+)$`, "m"))?.[1] ?? "?";
      summary.push(
        `node --test: pass ${count("pass")} | fail ${count("fail")} | tests ${count("tests")}`,
      );
    }
    if (step.startsWith("bench")) {
      const line = plain(output).match(/^bench: (\d+ of \d+ runs ok.*?) \(\d+ s\)/m)?.[1];
      summary.push(`bench --quick: ${line ?? "no summary line"}`);
    }
    if (code !== 0) {
      console.error(`\nnpm test: step "${step}" failed (exit ${code})`);
      process.exit(code);
    }
  }
  console.log(`\n=== summary (${((Date.now() - started) / 1000).toFixed(0)} s) ===`);
  for (const line of summary) console.log(line);
}

await main();
