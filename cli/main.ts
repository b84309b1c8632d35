#!/usr/bin/env node
/**
 * The `wirestack` command line: `wirestack <command> [options]`.
 *
 * Exit codes: 0 success, 1 failure, 2 bad usage. Errors print as one line;
 * `--debug` adds the stack trace. Every command takes `--help`.
 *
 * Run: `deno run -A cli/main.ts <command>` from source, or `npx wirestack
 * <command>` from the npm package.
 *
 * @module
 */

import process from "node:process";
import { parseArgs } from "node:util";
import { type Command, UsageError } from "./_command.ts";
import { demo } from "./commands/demo.ts";
import { cert } from "./commands/cert.ts";
import { proxy } from "./commands/proxy.ts";
import { ws } from "./commands/ws.ts";

/** Every command, in the order `--help` lists them. */
const COMMANDS: Command[] = [demo, cert, proxy, ws];

function usage(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  const lines = COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `usage: wirestack <command> [options]\n\ncommands:\n${lines.join("\n")}\n\n` +
    `Every command takes --help. Exit codes: 0 success, 1 failure, 2 bad usage.`;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" && !error.message.includes(code)
      ? `${error.message} (${code})`
      : error.message;
  }
  return String(error);
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    console.log(usage());
    return 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) {
    console.error(`wirestack: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const debug = rest.includes("--debug");
  const controller = new AbortController();
  const stop = () => controller.abort(new Error("interrupted"));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: {
        ...command.options,
        help: { type: "boolean", short: "h" },
        debug: { type: "boolean" },
      },
      allowPositionals: true,
      strict: true,
    });
    if (values.help === true) {
      console.log(command.help);
      return 0;
    }
    return await command.run({ values, positionals, signal: controller.signal });
  } catch (error) {
    const usageProblem = error instanceof UsageError ||
      (error as { code?: unknown }).code?.toString().startsWith("ERR_PARSE_ARGS") === true;
    console.error(`wirestack ${name}: ${messageOf(error)}`);
    if (debug && error instanceof Error && error.stack) console.error(error.stack);
    if (usageProblem) console.error(`see: wirestack ${name} --help`);
    return usageProblem ? 2 : 1;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}

process.exitCode = await main(process.argv.slice(2));
