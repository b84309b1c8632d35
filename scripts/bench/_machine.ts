/**
 * What a benchmark record says about where it ran: cores, CPU model, operating
 * system, the runtimes' versions and the date.
 *
 * @module
 */

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as os from "node:os";

/** The machine and runtimes a run was made on. */
export interface Machine {
  cores: number;
  cpu: string;
  os: string;
  deno: string;
  node: string;
  date: string;
}

function version(command: string, args: string[]): string {
  try {
    const out = execFileSync(command, args, {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return /(\d+\.\d+\.\d+)/.exec(out)?.[1] ?? out.trim().split("\n")[0];
  } catch {
    return "not found";
  }
}

function osName(): string {
  const release = "/etc/os-release";
  const pretty = existsSync(release)
    ? /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync(release, "utf8"))?.[1]
    : undefined;
  return `${pretty ?? os.type()}, ${os.type()} ${os.release()}`;
}

/** Describes this machine; `deno` is the Deno binary the benchmarks run with. */
export function describeMachine(deno: string): Machine {
  const cpus = os.cpus();
  return {
    cores: typeof os.availableParallelism === "function" ? os.availableParallelism() : cpus.length,
    cpu: cpus[0]?.model.trim() || "unknown CPU",
    os: osName(),
    deno: version(deno, ["--version"]),
    node: version("node", ["--version"]),
    date: new Date().toISOString(),
  };
}
