// Standard input and output for the CLI, the same on both runtimes (through
// `node:process`, which Deno provides): writes that wait when stdout is full.

import process from "node:process";

/** Writes `bytes` to stdout, waiting while its buffer is full. */
export function writeStdout(bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = process.stdout.write(bytes, (error) => (error ? reject(error) : undefined));
    if (ok) resolve();
    else process.stdout.once("drain", () => resolve());
  });
}

/** The chunks of stdin until it ends. */
export async function* readStdin(): AsyncGenerator<Uint8Array> {
  for await (const chunk of process.stdin) {
    yield typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk as Uint8Array;
  }
}

/** Stops reading stdin (so that an open terminal does not keep the process alive). */
export function stopStdin(): void {
  process.stdin.pause();
  process.stdin.destroy();
}
