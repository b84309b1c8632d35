// Real peers for network tests: a child process running Deno's own sockets
// (tests/fixtures/deno_peer.mjs), on either runtime, and small helpers.

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { isDeno } from "./_harness.ts";

/** The Deno executable: this one under Deno, the npm-installed one under Node. */
export function denoExecutable(): string {
  if (isDeno) return process.execPath;
  let dir = new URL("./", import.meta.url);
  for (let i = 0; i < 8; i++) {
    const candidate = fileURLToPath(new URL("node_modules/.bin/deno", dir));
    if (existsSync(candidate)) return candidate;
    dir = new URL("../", dir);
  }
  throw new Error("node_modules/.bin/deno not found above the tests");
}

const PEER = fileURLToPath(new URL("./fixtures/deno_peer.mjs", import.meta.url));

/** A running Deno peer process. */
export interface DenoPeer {
  /** The first JSON line the peer printed. */
  info: { port: number; filled?: number };
  /** Sends a line to the peer's stdin. */
  send(line: string): void;
  /** Closes its stdin and waits for it to exit. */
  stop(): Promise<void>;
}

/** Reads the first JSON line from a child's stdout. */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    let errors = "";
    const onData = (chunk: Uint8Array) => {
      text += new TextDecoder().decode(chunk);
      const end = text.indexOf("\n");
      if (end >= 0) {
        child.stdout?.off("data", onData);
        resolve(text.slice(0, end));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Uint8Array) => (errors += new TextDecoder().decode(chunk)));
    child.once("exit", (code) => reject(new Error(`deno peer exited (${code}): ${errors}`)));
  });
}

/** Starts `deno_peer.mjs` in a server mode and waits for its port. */
export async function startDenoPeer(args: string[]): Promise<DenoPeer> {
  const child = spawn(
    denoExecutable(),
    ["run", "-A", "--no-config", "--unstable-net", PEER, ...args],
    { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } },
  );
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const info = JSON.parse(await firstLine(child));
  child.stdout?.resume();
  return {
    info,
    send: (line) => child.stdin?.write(`${line}\n`),
    stop: async () => {
      child.stdin?.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs `deno_peer.mjs` in a client mode to completion and returns its JSON answer. */
export async function runDenoPeer(args: string[]): Promise<Record<string, unknown>> {
  const child = spawn(
    denoExecutable(),
    ["run", "-A", "--no-config", "--unstable-net", PEER, ...args],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } },
  );
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const line = await firstLine(child);
  await exited;
  return JSON.parse(line);
}

/** `n` bytes of a recognisable pattern (the same as the Deno peer's). */
export function pattern(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = (i * 7 + 3) % 251;
  return bytes;
}

/** Joins chunks into one array. */
export function concat(parts: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all;
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
