// Shared steps of the client tests: a raw server and an agent per test, torn
// down whatever happens; checks of fetch() failures.

import assert from "node:assert/strict";
import { Agent, type AgentOptions, HttpClientError } from "../../http/mod.ts";
import { type RawConnection, type RawServer, rawServer, type Scenario } from "./_raw_server.ts";

/** Runs `body` with a raw server and an agent, then destroys both. */
export async function withRaw(
  scenario: Scenario,
  body: (server: RawServer, agent: Agent) => Promise<void>,
  options: AgentOptions & { onConnection?: (connection: RawConnection) => void } = {},
): Promise<void> {
  const { onConnection, ...agentOptions } = options;
  const server = await rawServer(scenario, onConnection);
  const agent = new Agent({ maxSockets: 4, ...agentOptions });
  try {
    await body(server, agent);
  } finally {
    agent.destroy();
    await server.close();
    await settle();
  }
}

/** Lets closed sockets and timers finish (a few turns of the event loop). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 1));
}

/** Asserts that `promise` rejects with fetch's TypeError whose cause has `code`. */
export async function rejectsWithCode(
  promise: Promise<unknown>,
  code: string,
  extra: Partial<Pick<HttpClientError, "phase" | "reused">> = {},
): Promise<HttpClientError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof TypeError, `expected a TypeError, got ${caught}`);
  const cause = (caught as TypeError).cause;
  assert.ok(cause instanceof HttpClientError, `expected an HttpClientError cause, got ${cause}`);
  assert.equal(cause.code, code, `code of ${cause.message}`);
  if (extra.phase !== undefined) assert.equal(cause.phase, extra.phase);
  if (extra.reused !== undefined) assert.equal(cause.reused, extra.reused);
  return cause;
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Latin-1 text of bytes. */
export function latin1(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

/** Waits until `condition()` holds (checked every 2 ms, up to 5 s): for states a loaded machine reaches late. */
export async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 2) {
    if (waited > 5000) throw new Error("the condition never came");
    await sleep(2);
  }
}
