// Child-process peers for the WebSocket interop tests: servers that print
// {"port"} and run until stdin closes, clients that print one JSON result.

import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { denoExecutable } from "../_peers.ts";

const NODE_PEER = fileURLToPath(new URL("../fixtures/ws_node_peer.mjs", import.meta.url));
const DENO_PEER = fileURLToPath(new URL("../fixtures/ws_deno_peer.mjs", import.meta.url));

/** The command line of a peer. */
function commandOf(peer: "node" | "deno", args: string[]): [string, string[]] {
  return peer === "node"
    ? ["node", [NODE_PEER, ...args]]
    : [denoExecutable(), ["run", "-A", "--no-config", DENO_PEER, ...args]];
}

/** A server peer. */
export interface ServerPeer {
  port: number;
  stop(): Promise<void>;
}

/** Starts a server peer and waits for its port. */
export function startPeerServer(peer: "node" | "deno", args: string[]): Promise<ServerPeer> {
  const [command, argv] = commandOf(peer, args);
  const child = spawn(command, argv, {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr.on("data", (chunk: Uint8Array) => (err += new TextDecoder().decode(chunk)));
    child.stdout.on("data", (chunk: Uint8Array) => {
      out += new TextDecoder().decode(chunk);
      const end = out.indexOf("\n");
      if (end < 0) return;
      const { port } = JSON.parse(out.slice(0, end));
      resolve({
        port,
        stop: async () => {
          child.stdin.end();
          const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
          await exited;
          clearTimeout(timer);
        },
      });
    });
    child.once("close", (code) => reject(new Error(`${peer} peer exited (${code}): ${err}`)));
  });
}

/** Runs a client peer to its end and parses its JSON line. */
export function runPeerClient(
  peer: "node" | "deno",
  args: string[],
  timeoutMs = 30_000,
): Promise<Record<string, unknown>> {
  const [command, argv] = commandOf(peer, args);
  const child = spawn(command, argv, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Uint8Array) => (out += new TextDecoder().decode(chunk)));
  child.stderr.on("data", (chunk: Uint8Array) => (err += new TextDecoder().decode(chunk)));
  return new Promise((resolve, reject) => {
    child.once("close", (code) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out.trim().split("\n").pop() ?? ""));
      } catch {
        reject(new Error(`${peer} peer (${code}) printed ${out}: ${err}`));
      }
    });
  });
}
