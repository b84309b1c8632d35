// One `test` function for both runtimes. Under Deno it registers a `Deno.test`
// with the op and resource sanitizers on (a test that leaves a socket or a timer
// open fails); under Node it is `node:test`'s `test` with a check of the same
// kind: the handles the test opened (sockets, servers, timers) must be gone
// shortly after it ends. Every test has a deadline.

import { after, test as nodeTest } from "node:test";

/** Options of a test. */
export interface TestOptions {
  /** Milliseconds before the test fails as hung (default 20,000). */
  timeout?: number;
  /** Skips the test; a string says why. */
  skip?: boolean | string;
  /** Keeps Deno's leak sanitizers on (default true). Only for tests of code outside wirestack. */
  sanitize?: boolean;
}

interface DenoTestApi {
  test(definition: {
    name: string;
    fn: () => Promise<void>;
    ignore?: boolean;
    sanitizeOps?: boolean;
    sanitizeResources?: boolean;
  }): void;
}

const denoApi = (globalThis as { Deno?: DenoTestApi }).Deno;

/** True when the tests run under Deno. */
export const isDeno: boolean = denoApi !== undefined;

/** The name of the runtime the tests run under. */
export const runtimeName: "deno" | "node" = isDeno ? "deno" : "node";

const DEFAULT_TIMEOUT = 20_000;

/** How long a Node test file may stay alive after its last test before it fails. */
const EXIT_GRACE_MS = 5_000;

if (denoApi === undefined) {
  // `node --test --test-force-exit` would end a hung file, but on Node 20 it also
  // ends files early while tests are still queued, and silently (seen here: 66 of
  // 87 tests run, exit 0). Instead, once a file's tests are done, an unref'd timer
  // fails the file if something still keeps the process alive.
  after(() => {
    setTimeout(() => {
      const open = (globalThis as unknown as { process: NodeProcess }).process
        .getActiveResourcesInfo();
      console.error(`handles keep the test process alive after its last test: ${open.join(", ")}`);
      (globalThis as unknown as { process: { exit(code: number): never } }).process.exit(1);
    }, EXIT_GRACE_MS).unref();
  });
}

async function withDeadline(name: string, fn: () => unknown, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`test "${name}" did not finish within ${ms} ms`)),
      ms,
    );
  });
  try {
    await Promise.race([fn(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Registers a test on the running runtime's test runner. */
export function test(name: string, fn: () => unknown, options: TestOptions = {}): void {
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  if (denoApi !== undefined) {
    const sanitize = options.sanitize ?? true;
    denoApi.test({
      name,
      ignore: Boolean(options.skip),
      sanitizeOps: sanitize,
      sanitizeResources: sanitize,
      fn: () => withDeadline(name, fn, timeout),
    });
  } else {
    nodeTest(name, { timeout, skip: options.skip ?? false }, async () => {
      const before = openHandles();
      await fn();
      if (options.sanitize ?? true) await expectNoNewHandles(before);
    });
  }
}

/** Handle types whose count must come back down after a test. */
const TRACKED = new Set([
  "TCPWrap",
  "TCPServerWrap",
  "UDPWrap",
  "TLSWrap",
  "PipeWrap",
  "Timeout",
  "PipeServerWrap",
]);

interface NodeProcess {
  getActiveResourcesInfo(): string[];
}

function openHandles(): Map<string, number> {
  const counts = new Map<string, number>();
  const info = (globalThis as unknown as { process: NodeProcess }).process.getActiveResourcesInfo();
  for (const type of info) if (TRACKED.has(type)) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

function leaked(before: Map<string, number>): string[] {
  const found: string[] = [];
  for (const [type, count] of openHandles()) {
    const extra = count - (before.get(type) ?? 0);
    if (extra > 0) found.push(`${type} +${extra}`);
  }
  return found;
}

/** Waits up to 250 ms for closed handles to go (Node closes them asynchronously). */
async function expectNoNewHandles(before: Map<string, number>): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < 250) {
    if (leaked(before).length === 0) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const found = leaked(before);
  if (found.length > 0) {
    throw new Error(`Leaks detected: ${found.join(", ")} still open after the test`);
  }
}
