// Runs a peer program (curl, wrk, node, deno) to completion.

import { spawn } from "node:child_process";
import process from "node:process";

/** What a program printed and how it ended. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command` with `args`, writing `input` to its stdin, and waits for it. */
export function run(
  command: string,
  args: string[],
  options: { input?: Uint8Array | string; timeout?: number; env?: Record<string, string> } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1", ...options.env },
    });
    let stdout = "";
    let stderr = "";
    const decoder = new TextDecoder();
    child.stdout.on("data", (chunk: Uint8Array) => (stdout += decoder.decode(chunk)));
    child.stderr.on("data", (chunk: Uint8Array) => (stderr += decoder.decode(chunk)));
    child.on("error", reject);
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeout ?? 30_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

/** Whether `command` can be run (`command --version` exits). */
export async function available(command: string): Promise<boolean> {
  try {
    const { code } = await run(command, ["--version"], { timeout: 10_000 });
    return code === 0 || code === 1;
  } catch {
    return false;
  }
}
