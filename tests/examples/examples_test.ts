// The chapter's examples, run as programs on the runtime the tests run on:
// `deno run -A examples/x.ts` under Deno, `node npm/esm/examples/x.js` under Node.

import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { connect, once } from "../../net/mod.ts";
import { isDeno, runtimeName, test } from "../_harness.ts";

function exampleCommand(name: string, args: string[]): [string, string[]] {
  const file = fileURLToPath(
    new URL(`../../examples/${name}.${isDeno ? "ts" : "js"}`, import.meta.url),
  );
  return isDeno
    ? [process.execPath, ["run", "-A", file, ...args]]
    : [process.execPath, [file, ...args]];
}

/** A running example and its output so far. */
interface Running {
  child: ChildProcess;
  output(): string;
  /** Waits until the output matches `pattern`, and returns the match. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  /** Waits for the exit; resolves to the exit code. */
  exited: Promise<number | null>;
}

function start(name: string, args: string[] = []): Running {
  const [command, argv] = exampleCommand(name, args);
  const child = spawn(command, argv, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  let text = "";
  const waiters: Array<() => void> = [];
  const onText = (chunk: Uint8Array) => {
    text += new TextDecoder().decode(chunk);
    for (const wake of waiters.splice(0)) wake();
  };
  child.stdout?.on("data", onText);
  child.stderr?.on("data", onText);
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  return {
    child,
    output: () => text,
    exited,
    async waitFor(pattern) {
      for (;;) {
        const match = text.match(pattern);
        if (match !== null) return match;
        if (child.exitCode !== null) throw new Error(`${name} exited: ${text}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          child.once("close", () => resolve());
        });
      }
    },
  };
}

async function stop(running: Running): Promise<void> {
  running.child.kill("SIGKILL");
  await running.exited;
}

test(`examples (${runtimeName}): TCP echo server and client`, async () => {
  const server = start("tcp_echo_server");
  try {
    const [, port] = await server.waitFor(/listening on 127\.0\.0\.1:(\d+)/);
    const client = start("tcp_echo_client", [port, "hello from the test", "127.0.0.1"]);
    assert.equal(await client.exited, 0, client.output());
    assert.match(client.output(), /echo: hello from the test/);
    assert.match(client.output(), /closed \(19 bytes out, 19 in\)/);
    await server.waitFor(/ended/);
  } finally {
    await stop(server);
  }
});

test(`examples (${runtimeName}): the chat relay pipes two clients together`, async () => {
  const relay = start("chat_relay");
  try {
    const [, portText] = await relay.waitFor(/listening on 127\.0\.0\.1:(\d+)/);
    const port = Number(portText);
    const decoder = new TextDecoder();
    const alice = connect({ port, host: "127.0.0.1", allowHalfOpen: true });
    let aliceHeard = "";
    alice.on("data", (bytes) => (aliceHeard += decoder.decode(bytes)));
    await once(alice, "data"); // waiting for a partner
    const bob = connect({ port, host: "127.0.0.1", allowHalfOpen: true });
    let bobHeard = "";
    bob.on("data", (bytes) => (bobHeard += decoder.decode(bytes)));
    await once(bob, "data"); // connected
    const aliceClosed = once(alice, "close");
    const bobClosed = once(bob, "close");
    alice.write("hi bob\n");
    while (!bobHeard.includes("hi bob")) await once(bob, "data");
    bob.end("bye alice\n");
    await once(alice, "end");
    alice.end();
    await Promise.all([aliceClosed, bobClosed]);
    assert.match(aliceHeard, /waiting for a partner/);
    assert.match(aliceHeard, /bye alice/);
    assert.match(bobHeard, /hi bob/);
  } finally {
    await stop(relay);
  }
});

test(`examples (${runtimeName}): UDP server and client`, async () => {
  const server = start("udp_server");
  try {
    const [, port] = await server.waitFor(/listening on 127\.0\.0\.1:(\d+)/);
    const client = start("udp_client", [port, "shout this"]);
    assert.equal(await client.exited, 0, client.output());
    assert.match(client.output(), /answer from 127\.0\.0\.1:\d+: SHOUT THIS/);
    await server.waitFor(/sent 10 bytes: shout this/);
  } finally {
    await stop(server);
  }
});
