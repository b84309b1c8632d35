// `openssl s_server` and `openssl s_client` as TLS peers for interop tests,
// with the certificates of `_pki.ts` written to a scratch directory.

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Pki } from "./_pki.ts";

/** The test PKI as files: `root.pem`, `server.pem` (chain), `server.key`, `client.pem` ... */
export interface PkiFiles {
  dir: string;
  path(name: string): string;
  remove(): void;
}

/** Writes the PKI's certificates and keys to a fresh directory. */
export function writePki(pki: Pki): PkiFiles {
  const dir = mkdtempSync(join(tmpdir(), "wirestack-tls-"));
  writeFileSync(join(dir, "root.pem"), pki.root);
  writeFileSync(join(dir, "other-root.pem"), pki.otherRoot);
  for (const name of ["server", "client", "expired", "selfSigned", "untrusted"] as const) {
    writeFileSync(join(dir, `${name}.pem`), pki[name].chain);
    writeFileSync(join(dir, `${name}.key`), pki[name].key);
  }
  return {
    dir,
    path: (name) => join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A running `openssl s_server`. */
export interface SServer {
  port: number;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Waits for it to exit (it serves one connection: `-naccept 1`), killing it after `ms`. */
  exited(ms?: number): Promise<string>;
}

function collect(child: ChildProcess): { text(): string; closed: Promise<void> } {
  let text = "";
  const decoder = new TextDecoder();
  child.stdout?.on("data", (chunk: Uint8Array) => (text += decoder.decode(chunk)));
  child.stderr?.on("data", (chunk: Uint8Array) => (text += decoder.decode(chunk)));
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  return { text: () => text, closed };
}

/**
 * Starts `openssl s_server -rev` (answers each line reversed) on a free
 * loopback port, for one connection, with extra arguments.
 */
export async function startSServer(args: string[]): Promise<SServer> {
  const child = spawn(
    "openssl",
    ["s_server", "-accept", "127.0.0.1:0", "-naccept", "1", "-rev", ...args],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  const out = collect(child);
  const started = Date.now();
  let port = 0;
  while (port === 0) {
    const match = /ACCEPT 127\.0\.0\.1:(\d+)/.exec(out.text());
    if (match !== null) port = Number(match[1]);
    else if (child.exitCode !== null || Date.now() - started > 5000) {
      child.kill("SIGKILL");
      throw new Error(`openssl s_server did not start: ${out.text()}`);
    } else await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return {
    port,
    output: out.text,
    async exited(ms = 5000) {
      const timer = setTimeout(() => child.kill("SIGKILL"), ms);
      child.stdin?.end();
      await out.closed;
      clearTimeout(timer);
      return out.text();
    },
  };
}

/** The result of an `openssl s_client` run. */
export interface SClientResult {
  code: number | null;
  /** stdout then stderr. */
  output: string;
  /** What it printed to stdout (the session summary and the bytes received). */
  stdout: string;
}

/**
 * Runs `openssl s_client -connect 127.0.0.1:PORT` with extra arguments, sends
 * `input`, and collects what it printed until it exits (killed after `ms`).
 */
export async function runSClient(
  port: number,
  args: string[],
  input: string,
  ms = 5000,
): Promise<SClientResult> {
  const child = spawn(
    "openssl",
    ["s_client", "-connect", `127.0.0.1:${port}`, "-ign_eof", ...args],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  const decoder = new TextDecoder();
  child.stdout?.on("data", (chunk: Uint8Array) => (stdout += decoder.decode(chunk)));
  child.stderr?.on("data", (chunk: Uint8Array) => (stderr += decoder.decode(chunk)));
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  child.stdin?.end(input);
  const timer = setTimeout(() => child.kill("SIGKILL"), ms);
  await closed;
  clearTimeout(timer);
  return { code: child.exitCode, output: stdout + stderr, stdout };
}
