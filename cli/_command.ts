// The shape every `wirestack` subcommand has, and the error that means "bad usage".

import type { ParseArgsConfig } from "node:util";

/** Thrown by a command for bad arguments: the CLI prints the message and exits 2. */
export class UsageError extends Error {
  /** @param message what is wrong with the arguments */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** What a command receives: its parsed options and positional arguments. */
export interface CommandInput {
  /** Option values by long name, as `node:util` `parseArgs` returns them. */
  values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  /** The positional arguments after the command name. */
  positionals: string[];
  /** An abort signal that fires on Ctrl-C (SIGINT) or SIGTERM. */
  signal: AbortSignal;
}

/** One `wirestack` subcommand. */
export interface Command {
  /** The word that selects it (`demo`, `ws`, `cert` ...). */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The full `--help` text (usage line, options, examples). */
  help: string;
  /** The `parseArgs` options (`--help` and `--debug` are added for every command). */
  options: NonNullable<ParseArgsConfig["options"]>;
  /** Runs the command; resolves to the exit code (0 success, 1 failure). */
  run(input: CommandInput): Promise<number>;
}

/** Reads a string option, or `undefined`. */
export function stringOption(input: CommandInput, name: string): string | undefined {
  const value = input.values[name];
  return typeof value === "string" ? value : undefined;
}

/** Reads a boolean flag. */
export function flag(input: CommandInput, name: string): boolean {
  return input.values[name] === true;
}

/** Reads a repeatable string option as a list. */
export function stringList(input: CommandInput, name: string): string[] {
  const value = input.values[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((item): item is string =>
    typeof item === "string"
  );
}

/** Reads a port option (0-65535); throws a `UsageError` for anything else. */
export function portOption(input: CommandInput, name: string, fallback: number): number {
  const raw = stringOption(input, name);
  if (raw === undefined) return fallback;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) {
    throw new UsageError(`--${name} needs a port number from 0 to 65535, not "${raw}"`);
  }
  return port;
}
