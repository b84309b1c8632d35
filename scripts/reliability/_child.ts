// Child processes for the reliability runs: a script of this folder started on
// the same runtime (Deno from source, Node from the build), talking in JSON
// lines on stdin and stdout; and the process figures the runs report.

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readdirSync, readlinkSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";

const deno = (globalThis as { Deno?: { execPath(): string } }).Deno;

/** The name of the running runtime. */
export const runtime: "deno" | "node" = deno !== undefined ? "deno" : "node";

/** The command line arguments, on either runtime. */
export function args(): string[] {
  return process.argv.slice(2).length > 0
    ? process.argv.slice(2)
    : ((globalThis as { Deno?: { args: string[] } }).Deno?.args ?? []);
}

/** The value of `--name N`, or `fallback`. */
export function numberOption(argv: string[], name: string, fallback: number): number {
  const at = argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(argv[at + 1]);
  if (!(value >= 0)) throw new Error(`${name} needs a number`);
  return value;
}

/** A child process with its stdout as JSON lines. */
export interface Child {
  process: ChildProcess;
  /** The next JSON line the child printed (rejects if it exits first). */
  next(): Promise<Record<string, unknown>>;
  /** Sends a line to the child's stdin. */
  send(line: string): void;
  /** Resolves with the exit code. */
  exited: Promise<number>;
}

/** Starts `scripts/reliability/<name>` (`.ts` on Deno, the built `.js` on Node). */
export function startChild(name: string, argv: string[]): Child {
  const file = fileURLToPath(
    new URL(`./${name}${runtime === "deno" ? ".ts" : ".js"}`, import.meta.url),
  );
  const command = deno !== undefined ? deno.execPath() : process.execPath;
  const full = deno !== undefined ? ["run", "-A", file, ...argv] : [file, ...argv];
  const child = spawn(command, full, { stdio: ["pipe", "pipe", "inherit"] });
  const lines: string[] = [];
  const waiting: Array<
    { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }
  > = [];
  let buffered = "";
  let ended = false;
  const exited = new Promise<number>((resolve) =>
    child.once("exit", (code) => {
      ended = true;
      for (const w of waiting.splice(0)) w.reject(new Error(`${name} exited (${code})`));
      resolve(code ?? 1);
    })
  );
  child.stdout?.on("data", (chunk: Uint8Array) => {
    buffered += new TextDecoder().decode(chunk);
    let at = buffered.indexOf("\n");
    while (at >= 0) {
      lines.push(buffered.slice(0, at));
      buffered = buffered.slice(at + 1);
      at = buffered.indexOf("\n");
    }
    while (lines.length > 0 && waiting.length > 0) {
      waiting.shift()!.resolve(JSON.parse(lines.shift()!));
    }
  });
  return {
    process: child,
    exited,
    send: (line) => child.stdin?.write(`${line}\n`),
    next: () => {
      if (lines.length > 0) return Promise.resolve(JSON.parse(lines.shift()!));
      if (ended) return Promise.reject(new Error(`${name} exited`));
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
  };
}

/** Prints a JSON line (the child's side of {@linkcode Child}). */
export function say(value: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Resolves with the next line of stdin (the child's side of {@linkcode Child.send}). */
export function heard(): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    const onData = (chunk: Uint8Array) => {
      text += new TextDecoder().decode(chunk);
      const at = text.indexOf("\n");
      if (at >= 0) {
        process.stdin.off("data", onData);
        process.stdin.pause();
        resolve(text.slice(0, at));
      }
    };
    process.stdin.on("data", onData);
    process.stdin.resume();
  });
}

/** The soft limit on open files of this process (`ulimit -n`, read from /proc). */
export function fileLimit(): number {
  const soft = execFileSync("prlimit", [
    "--pid",
    String(process.pid),
    "--nofile",
    "--raw",
    "--noheadings",
    "--output=SOFT",
  ]);
  return Number(new TextDecoder().decode(soft).trim());
}

/**
 * Raises this process's limit on open files to at least `needed` (children
 * inherit it), with `prlimit`: as root, or up to the hard limit otherwise.
 */
export function raiseFileLimit(needed: number): number {
  const current = fileLimit();
  if (current >= needed) return current;
  execFileSync("prlimit", ["--pid", String(process.pid), `--nofile=${needed}:${needed}`]);
  return fileLimit();
}

/** Open file descriptors of this process (sockets included), from /proc/self/fd. */
export function openFds(): number {
  return readdirSync("/proc/self/fd").length;
}

/** What each open file descriptor of this process is (`3: socket:[1234]`). */
export function fdList(): string[] {
  return readdirSync("/proc/self/fd").map((fd) => {
    try {
      return `${fd}: ${readlinkSync(`/proc/self/fd/${fd}`)}`;
    } catch {
      return `${fd}: (gone)`;
    }
  });
}

/** Resident set size, JS heap in use and ArrayBuffer memory, in MiB (after a full GC when `gc` is exposed). */
export function memory(): { rssMb: number; heapMb: number; buffersMb: number; gc: boolean } {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const usage = process.memoryUsage();
  return {
    rssMb: Math.round(usage.rss / 2 ** 20),
    heapMb: Math.round(usage.heapUsed / 2 ** 20 * 10) / 10,
    // Deno reports ArrayBuffer memory under `external` only
    buffersMb:
      Math.round((deno !== undefined ? usage.external : usage.arrayBuffers) / 2 ** 20 * 10) /
      10,
    gc: gc !== undefined,
  };
}

/**
 * Collects garbage (when `gc` is exposed) and waits `ms`: sockets closed by a
 * peer are freed over a few turns of the event loop, and V8 frees the memory
 * of collected ArrayBuffers after the collection, concurrently (a count taken
 * at once still shows them).
 */
export function settle(ms = 1000): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves once `check()` is true, polling; rejects after `ms`. */
export async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
