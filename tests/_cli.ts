// Runs the `wirestack` CLI as a child process on the runtime the tests run on:
// `deno run -A cli/main.ts` under Deno, `node npm/esm/cli/main.js` under Node.

import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { isDeno } from "./_harness.ts";

/** The command and arguments that start the CLI on this runtime. */
export function cliCommand(args: string[]): [string, string[]] {
  const main = fileURLToPath(
    new URL(isDeno ? "../cli/main.ts" : "../cli/main.js", import.meta.url),
  );
  return isDeno
    ? [process.execPath, ["run", "-A", main, ...args]]
    : [process.execPath, [main, ...args]];
}

/** What a finished CLI run printed and returned. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion (killed after `timeoutMs`), with optional stdin text. */
export function runCli(
  args: string[],
  options: { stdin?: string; timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<CliResult> {
  const [command, argv] = cliCommand(args);
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1", ...options.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
    child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 15_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.stdin ?? "");
  });
}
