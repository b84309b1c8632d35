// `wirestack tcp` and `wirestack udp` as processes: listeners that echo,
// clients fed on stdin, a single-connection listener talked to by node:net,
// and failures (refused, unknown host, bad HOST:PORT).

import assert from "node:assert/strict";
import * as dgram from "node:dgram";
import * as net from "node:net";
import { runCli } from "../_cli.ts";
import { isDeno, runtimeName, test } from "../_harness.ts";
import { startCli } from "./_process.ts";

const rt = runtimeName;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test(`cli (${rt}): wirestack tcp --listen --echo, and a tcp client relaying stdin`, async () => {
  const listener = startCli(["tcp", "--listen", "0", "--echo"]);
  try {
    const port = (await listener.waitFor(/listening on 127\.0\.0\.1:(\d+) \(echo\)/))[1];
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i}\n`).join("");
    const result = await runCli(["tcp", `127.0.0.1:${port}`], { stdin: lines });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, lines);
    assert.match(result.stderr, /connected to 127\.0\.0\.1:\d+/);
  } finally {
    await listener.stop();
  }
  assert.match(listener.stderr, /stopped/);
  if (!isDeno) assert.equal(await listener.exited, 0);
});

test(`cli (${rt}): wirestack tcp --listen relays one connection both ways`, async () => {
  const listener = startCli(["tcp", "--listen", "0"]);
  try {
    const port = Number((await listener.waitFor(/listening on 127\.0\.0\.1:(\d+)/))[1]);
    const socket = net.connect(port, "127.0.0.1");
    await new Promise<void>((resolve, reject) =>
      socket.once("connect", resolve).once("error", reject)
    );
    let got = "";
    socket.setEncoding("utf8").on("data", (text: string) => (got += text));
    socket.write("to the listener\n");
    await listener.waitFor(/to the listener\n/);
    listener.child.stdin!.end("to the client\n");
    await new Promise<void>((resolve) => socket.once("end", resolve));
    assert.equal(got, "to the client\n");
    socket.end();
    assert.equal(await listener.exited, 0, listener.stderr);
    assert.match(listener.stderr, /connection from 127\.0\.0\.1:\d+/);
  } finally {
    await listener.stop();
  }
});

test(`cli (${rt}): wirestack udp --listen --echo, and a udp client sending stdin lines`, async () => {
  const listener = startCli(["udp", "--listen", "0", "--echo"]);
  try {
    const port = (await listener.waitFor(/listening on 127\.0\.0\.1:(\d+) \(UDP, echo\)/))[1];
    const result = await runCli(["udp", `127.0.0.1:${port}`, "--wait", "1"], {
      stdin: "one\ntwo\nthree\n",
    });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.split("\n").filter(Boolean).sort(), ["one", "three", "two"]);
    await listener.waitFor(/three\n/);
  } finally {
    await listener.stop();
  }
  assert.match(listener.stderr, /stopped/);
});

test(`cli (${rt}): wirestack udp --listen prints datagrams and answers the last sender`, async () => {
  const listener = startCli(["udp", "--listen", "0"]);
  const peer = dgram.createSocket("udp4");
  try {
    const port = Number((await listener.waitFor(/listening on 127\.0\.0\.1:(\d+)/))[1]);
    await new Promise<void>((resolve) => peer.bind(0, "127.0.0.1", resolve));
    const answer = new Promise<string>((resolve) =>
      peer.once("message", (bytes) => resolve(new TextDecoder().decode(bytes)))
    );
    peer.send("datagram in\n", port, "127.0.0.1");
    await listener.waitFor(/datagram in\n/);
    listener.child.stdin!.write("reply out\n");
    assert.equal(await answer, "reply out\n");
  } finally {
    peer.close();
    await listener.stop();
  }
});

test(
  `cli (${rt}): wirestack tcp and udp failures: one line, exit 1; bad usage exit 2`,
  async () => {
    const refused = await runCli(["tcp", `127.0.0.1:${await freePort()}`]);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /^wirestack tcp: cannot connect to 127\.0\.0\.1:\d+: connection refused \(ECONNREFUSED\)\n$/,
    );
    const unknown = await runCli(["tcp", "no-such-host.invalid:7"]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /host name not found \(ENOTFOUND\)/);
    const udpUnknown = await runCli(["udp", "no-such-host.invalid:7"], { stdin: "x\n" });
    assert.equal(udpUnknown.code, 1);
    assert.match(
      udpUnknown.stderr,
      /^wirestack udp: cannot send to no-such-host\.invalid:7: host name not found \(ENOTFOUND\)\n$/,
    );
    for (
      const [args, message] of [
        [["tcp"], /needs one HOST:PORT/],
        [["tcp", "localhost"], /needs HOST:PORT/],
        [["tcp", "localhost:99999"], /needs HOST:PORT/],
        [["tcp", "127.0.0.1:7", "--echo"], /--echo goes with --listen/],
        [["tcp", "--listen", "http"], /--listen needs a port number/],
        [["udp", "::1:7"], /needs HOST:PORT/],
        [["udp", "127.0.0.1:7", "--wait", "x"], /--wait needs a number/],
        [["udp", "--listen", "0", "127.0.0.1:7"], /--listen takes no HOST:PORT/],
      ] as const
    ) {
      const result = await runCli([...args]);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
    for (const command of ["tcp", "udp"]) {
      const help = await runCli([command, "--help"]);
      assert.equal(help.code, 0);
      assert.match(help.stdout, new RegExp(`usage: wirestack ${command} HOST:PORT`));
    }
  },
  { timeout: 60_000 },
);
