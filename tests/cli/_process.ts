// A long-running `wirestack` command as a child process (servers, listeners,
// the demo): wait for what it prints, feed its stdin, stop it with a signal.

import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { cliCommand } from "../_cli.ts";

/** A running CLI process. */
export interface CliProcess {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Waits until stdout or stderr matches `pattern` (fails after `ms`); returns the match. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpExecArray>;
  /** Sends `signal` (default SIGINT) and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Resolves with the exit code once the process ended. */
  exited: Promise<number | null>;
}

/** Starts `wirestack ...args` on the runtime of the tests. */
export function startCli(args: string[], env: Record<string, string> = {}): CliProcess {
  const [command, argv] = cliCommand(args);
  const child = spawn(command, argv, {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", ...env },
  });
  let stdout = "";
  let stderr = "";
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((waiter) => waiter());
  child.stdout!.setEncoding("utf8").on("data", (text: string) => {
    stdout += text;
    wake();
  });
  child.stderr!.setEncoding("utf8").on("data", (text: string) => {
    stderr += text;
    wake();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on("close", (code) => {
      wake();
      resolve(code);
    })
  );
  let ended = false;
  exited.then(() => (ended = true));
  const killer = setTimeout(() => child.kill("SIGKILL"), 90_000);
  exited.then(() => clearTimeout(killer));
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    waitFor(pattern, ms = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(stdout) ?? pattern.exec(stderr);
          if (match !== null || ended) {
            waiters.delete(check);
            clearTimeout(timer);
            if (match !== null) resolve(match);
            else reject(new Error(`exited before printing ${pattern}: ${stdout} ${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${pattern} within ${ms} ms: ${stdout} ${stderr}`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
    async stop(signal = "SIGINT") {
      if (!ended) child.kill(signal);
      return await exited;
    },
  };
}
