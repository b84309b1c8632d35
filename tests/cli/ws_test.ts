// `wirestack ws` on the current runtime: usage and exit codes, the interactive
// client (stdin lines become text messages, messages are printed), and the
// printing server with lines of stdin broadcast to its clients.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { serve } from "../../http/serve.ts";
import { upgradeWebSocket } from "../../ws/upgrade.ts";
import { WebSocket } from "../../ws/websocket.ts";
import { cliCommand, runCli } from "../_cli.ts";
import { isDeno, runtimeName, test } from "../_harness.ts";

const name = (text: string) => `cli ws (${runtimeName}): ${text}`;

test(name("--help, and bad usage exits 2"), async () => {
  const help = await runCli(["ws", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--listen PORT/);
  assert.match(help.stdout, /--max-payload N/);
  for (
    const args of [
      ["ws"],
      ["ws", "--max-payload", "lots", "ws://127.0.0.1:1/"],
      ["ws", "not a url"],
      ["ws", "--listen", "99999"],
      ["ws", "--header", "no colon", "ws://127.0.0.1:1/"],
    ]
  ) {
    const result = await runCli(args);
    assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, /see: wirestack ws --help/);
  }
}, { timeout: 60_000 });

test(name("the interactive client sends stdin lines and prints messages"), async () => {
  const received: string[] = [];
  const server = serve({ port: 0, hostname: "127.0.0.1" }, (request) => {
    const { socket, response } = upgradeWebSocket(request);
    socket.onmessage = (event) => {
      received.push(String(event.data));
      if (event.data === "bye") {
        socket.send(`got ${received.length} lines, header ${request.headers.get("x-token")}`);
        socket.send(new Uint8Array([0xca, 0xfe]));
        socket.close(4000, "done");
      }
    };
    return response;
  });
  await server.listening;
  try {
    const [command, argv] = cliCommand([
      "ws",
      `ws://127.0.0.1:${server.addr.port}/`,
      "--header",
      "X-Token: abc",
    ]);
    const child = spawn(command, argv, {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
    child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    const code = new Promise<number | null>((resolve) => child.once("close", resolve));
    child.stdin.write("hello\n\u03ba\u03cc\u03c3\u03bc\u03b5\nbye\n"); // stdin stays open: the server's close ends the client
    assert.equal(await code, 0, stderr);
    assert.deepEqual(received, ["hello", "\u03ba\u03cc\u03c3\u03bc\u03b5", "bye"]);
    assert.match(stdout, /got 3 lines, header abc/);
    assert.match(stdout, /\[binary 2 bytes\] ca fe/);
    assert.match(stderr, /closed: 4000 done \(remote\)/);
    child.stdin.destroy();
  } finally {
    await server.close();
  }
}, { timeout: 30_000 });

test(name("--listen prints messages and sends stdin lines to every client"), async () => {
  const [command, argv] = cliCommand(["ws", "--listen", "0"]);
  const child = spawn(command, argv, {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
  child.stderr.resume();
  const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
  try {
    for (let i = 0; i < 1000 && !/ws:\/\/127\.0\.0\.1:\d+\//.test(stdout); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const port = Number(/ws:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout)?.[1]);
    const socket = new WebSocket(`ws://127.0.0.1:${port}/any/path`);
    await new Promise((resolve) => (socket.onopen = resolve));
    const greeting = new Promise<unknown>((
      resolve,
    ) => (socket.onmessage = (event) => resolve(event.data)));
    socket.send("from the client");
    for (let i = 0; i < 1000 && !stdout.includes("from the client"); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.match(stdout, /from the client/);
    child.stdin.write("from the server\n");
    assert.equal(await greeting, "from the server");
    const closed = new Promise<{ code: number }>((resolve) => (socket.onclose = resolve));
    child.kill("SIGINT");
    const closeCode = (await closed).code;
    assert.equal(closeCode, 1001);
    const code = await exited;
    // Deno's child_process reports the signal sent even when the child handled it and exited 0.
    if (!isDeno) assert.equal(code, 0);
  } finally {
    child.kill("SIGKILL");
    await exited;
    child.stdin.destroy();
  }
}, { timeout: 30_000 });
