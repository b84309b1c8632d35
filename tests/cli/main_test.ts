import assert from "node:assert/strict";
import { runCli } from "../_cli.ts";
import { runtimeName, test } from "../_harness.ts";

test(`cli (${runtimeName}): --help lists the commands and exits 0`, async () => {
  const result = await runCli(["--help"]);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /usage: wirestack <command>/);
  assert.match(result.stdout, /demo/);
});

test(`cli (${runtimeName}): an unknown command exits 2 with one clear line`, async () => {
  const result = await runCli(["no-such-command"]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /unknown command "no-such-command"/);
});

test(`cli (${runtimeName}): a bad option exits 2 without a stack trace`, async () => {
  const result = await runCli(["demo", "--port", "99999"]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--port needs a port number/);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
});

test(`cli (${runtimeName}): every command answers --help with exit 0`, async () => {
  const result = await runCli(["demo", "--help"]);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /usage: wirestack demo/);
});
