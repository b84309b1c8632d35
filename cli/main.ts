#!/usr/bin/env node
/**
 * The `wirestack` command line. Until the full CLI lands, `wirestack demo`
 * (what `npm start` runs) starts a TCP echo server on loopback.
 *
 * Run: `deno run -A cli/main.ts demo` or, from the npm package, `npx wirestack demo`.
 *
 * @module
 */

import process from "node:process";
import { type Conn, transport } from "../adapters/mod.ts";

const USAGE = `usage: wirestack <command> [options]

commands:
  demo [--port N]   start a TCP echo server on 127.0.0.1 (the full demo comes with the CLI issue)
  help              print this text`;

async function echo(conn: Conn): Promise<void> {
  const buffer = new Uint8Array(16384);
  try {
    for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
      await conn.write(buffer.slice(0, n));
    }
  } catch {
    // A peer that resets ends its own session only.
  } finally {
    conn.close();
  }
}

async function demo(args: string[]): Promise<number> {
  const portIndex = args.indexOf("--port");
  const port = portIndex === -1 ? 0 : Number(args[portIndex + 1]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`wirestack: --port needs a number from 0 to 65535`);
    return 2;
  }
  const listener = await transport.listen({ port, hostname: "127.0.0.1" });
  const addr = listener.addr.transport === "unix"
    ? listener.addr.path
    : `${listener.addr.hostname}:${listener.addr.port}`;
  console.log(`wirestack demo (${transport.name}): TCP echo server on ${addr}`);
  console.log(
    `try: echo hello | nc 127.0.0.1 ${
      listener.addr.transport === "unix" ? "" : listener.addr.port
    }`,
  );
  console.log("Ctrl-C stops it.");
  process.once("SIGINT", () => listener.close());
  for await (const conn of listener) void echo(conn);
  console.log("stopped");
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "demo":
      return await demo(rest);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      console.log(USAGE);
      return 0;
    default:
      console.error(`wirestack: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
