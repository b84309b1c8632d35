// `wirestack proxy --port 0` as a process, used by curl.

import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import process from "node:process";
import { cliCommand, runCli } from "../_cli.ts";
import { isDeno, runtimeName, test } from "../_harness.ts";
import { rawServer, respond } from "../http/_raw_server.ts";

test(`cli (${runtimeName}): wirestack proxy forwards curl's requests and logs them; SIGTERM stops it`, async () => {
  const origin = await rawServer((request, c) =>
    c.write(respond(200, `origin saw ${request.path}`))
  );
  const [command, args] = cliCommand(["proxy", "--port", "0"]);
  const child = spawn(command, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
  child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  try {
    for (let i = 0; i < 200 && !/listening on (\S+)/.test(stdout); i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const proxyUrl = /listening on (\S+)/.exec(stdout)?.[1];
    assert.ok(proxyUrl !== undefined, `no address printed: ${stdout} ${stderr}`);
    const body = await new Promise<string>((resolve, reject) => {
      execFile(
        "curl",
        ["-sS", "--max-time", "10", "-x", proxyUrl, `${origin.origin}/via/cli`],
        (error, out) => {
          if (error !== null) reject(error);
          else resolve(out);
        },
      );
    });
    assert.equal(body, "origin saw /via/cli");
    for (let i = 0; i < 100 && !stdout.includes("GET "); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.match(stdout, new RegExp(`GET ${origin.origin}/via/cli 200`));
  } finally {
    child.kill("SIGTERM");
    const code = await exited;
    await origin.close();
    // Deno's child_process reports the signal sent even when the child handled it and exited 0
    if (!isDeno) assert.equal(code, 0, stderr);
    assert.match(stdout, /stopped/, stderr);
  }
});

test(`cli (${runtimeName}): wirestack proxy --help and a bad --auth`, async () => {
  const help = await runCli(["proxy", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /usage: wirestack proxy/);
  const bad = await runCli(["proxy", "--auth", "nocolon"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /USER:PASSWORD/);
});
