// Happy Eyeballs (RFC 8305) over real loopback routes. A name's addresses come
// from a `lookup` option (as with Node's `connect`); the routes are real: a
// listener, a closed port, or a Deno peer whose accept queue is full, so that a
// connect to it hangs (its SYN is dropped) until the peer starts accepting.

import assert from "node:assert/strict";
import {
  type AddressInfo,
  connect,
  createServer,
  type NetError,
  once,
  type Server,
  type Socket,
} from "../../net/mod.ts";
import type { LookupAddress } from "../../adapters/mod.ts";
import { runtimeName, test } from "../_harness.ts";
import { delay, startDenoPeer } from "../_peers.ts";

const rt = runtimeName;

/** A lookup answering `::1` for IPv6 and `127.0.0.1` for IPv4, each after a delay. */
function dualStackLookup(delays: { 4?: number; 6?: number } = {}) {
  const asked: Array<4 | 6> = [];
  const lookup = async (_name: string, { family }: { family: 4 | 6 }) => {
    asked.push(family);
    await delay(delays[family] ?? 0);
    return [{ address: family === 6 ? "::1" : "127.0.0.1", family }] as LookupAddress[];
  };
  return { lookup, asked };
}

async function listenOn(server: Server, host: string, port = 0): Promise<number> {
  const listening = once(server, "listening");
  server.listen(port, host);
  await listening;
  return (server.address() as AddressInfo).port;
}

async function closeServer(server: Server): Promise<void> {
  const closed = once(server, "close");
  server.close();
  await closed;
}

function attemptsOf(socket: Socket): string[] {
  const seen: string[] = [];
  socket.on("connectionAttempt", (address) => seen.push(`try ${address}`));
  socket.on("connectionAttemptFailed", (address, _port, _family, error) => {
    seen.push(`fail ${address} ${error.code}`);
  });
  socket.on("connect", () => seen.push(`connected ${socket.remoteAddress}`));
  return seen;
}

test(`happy eyeballs (${rt}): IPv6 first; a refusal moves on at once`, async () => {
  const server = createServer((socket) => socket.end());
  const port = await listenOn(server, "127.0.0.1");
  const { lookup, asked } = dualStackLookup();
  // An attempt delay far beyond the test deadline: only the refusal can start IPv4.
  const client = connect({
    port,
    host: "dual.test",
    lookup,
    autoSelectFamilyAttemptTimeout: 60_000,
  });
  const seen = attemptsOf(client);
  await once(client, "connect");
  assert.deepEqual(asked.sort(), [4, 6]);
  assert.deepEqual(seen, [
    "try ::1",
    "fail ::1 ECONNREFUSED",
    "try 127.0.0.1",
    "connected 127.0.0.1",
  ]);
  client.destroy();
  await closeServer(server);
});

test(`happy eyeballs (${rt}): a hanging IPv6 route does not hold up IPv4`, async () => {
  const blackhole = await startDenoPeer(["blackhole", "::1"]);
  const server = createServer((socket) => socket.end());
  try {
    await listenOn(server, "127.0.0.1", blackhole.info.port);
    const { lookup } = dualStackLookup();
    const client = connect({
      port: blackhole.info.port,
      host: "dual.test",
      lookup,
      autoSelectFamilyAttemptTimeout: 100,
    });
    const seen = attemptsOf(client);
    await once(client, "connect");
    // ::1 never answered: the second attempt started on the timer.
    assert.deepEqual(seen, ["try ::1", "try 127.0.0.1", "connected 127.0.0.1"]);
    client.destroy();
    await closeServer(server);
  } finally {
    await blackhole.stop();
  }
});

test(`happy eyeballs (${rt}): a slow but working route still wins when the others fail`, async () => {
  const blackhole = await startDenoPeer(["blackhole", "::1"]);
  try {
    const { lookup } = dualStackLookup();
    // Nothing listens on 127.0.0.1 at that port: IPv4 is refused, IPv6 is slow.
    const client = connect({
      port: blackhole.info.port,
      host: "dual.test",
      lookup,
      autoSelectFamilyAttemptTimeout: 50,
    });
    const seen = attemptsOf(client);
    client.on("connectionAttemptFailed", () => blackhole.send("accept"));
    await once(client, "connect");
    assert.deepEqual(seen, [
      "try ::1",
      "try 127.0.0.1",
      "fail 127.0.0.1 ECONNREFUSED",
      "connected ::1",
    ]);
    client.destroy();
    await once(client, "close");
  } finally {
    await blackhole.stop();
  }
});

test(`happy eyeballs (${rt}): connectTimeout gives up with ETIMEDOUT`, async () => {
  const blackhole = await startDenoPeer(["blackhole", "::1"]);
  try {
    const client = connect({ port: blackhole.info.port, host: "::1", connectTimeout: 200 });
    let timeouts = 0;
    client.on("timeout", () => timeouts++);
    const closed = new Promise((resolve) => client.on("close", resolve));
    const [error] = await once(client, "error");
    assert.equal((error as NetError).code, "ETIMEDOUT");
    assert.match((error as Error).message, /timed out after 200 ms/);
    assert.equal(await closed, true);
    assert.equal(timeouts, 0);
  } finally {
    await blackhole.stop();
  }
});

test(`happy eyeballs (${rt}): an idle timeout fires while connecting`, async () => {
  const blackhole = await startDenoPeer(["blackhole", "127.0.0.1"]);
  try {
    const client = connect({ port: blackhole.info.port, host: "127.0.0.1", timeout: 100 });
    await once(client, "timeout");
    assert.equal(client.connecting, true);
    client.destroy();
    await once(client, "close");
  } finally {
    await blackhole.stop();
  }
});

test(`happy eyeballs (${rt}): an IPv4 answer waits briefly for the IPv6 one`, async () => {
  const server = createServer((socket) => socket.end());
  server.listen(0); // "::", both families
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  try {
    // IPv6 answers 20 ms after IPv4: within the 50 ms resolution delay, so IPv6 goes first.
    const early = connect({ port, host: "dual.test", lookup: dualStackLookup({ 6: 20 }).lookup });
    const earlySeen = attemptsOf(early);
    await once(early, "connect");
    assert.deepEqual(earlySeen, ["try ::1", "connected ::1"]);
    early.destroy();
    // IPv6 answers 400 ms after IPv4: IPv4 does not wait that long.
    const late = connect({ port, host: "dual.test", lookup: dualStackLookup({ 6: 400 }).lookup });
    const lateSeen = attemptsOf(late);
    await once(late, "connect");
    assert.deepEqual(lateSeen, ["try 127.0.0.1", "connected 127.0.0.1"]);
    late.destroy();
    await delay(400); // let the late lookup finish
  } finally {
    await closeServer(server);
  }
});

test(`happy eyeballs (${rt}): when every address fails, the error names each`, async () => {
  const server = createServer();
  const port = await listenOn(server, "127.0.0.1");
  await closeServer(server);
  const client = connect({ port, host: "dual.test", lookup: dualStackLookup().lookup });
  const [error] = await once(client, "error");
  assert.equal((error as NetError).code, "ECONNREFUSED");
  assert.match((error as Error).message, /::1 \(ECONNREFUSED\), 127\.0\.0\.1 \(ECONNREFUSED\)/);
});

test(`happy eyeballs (${rt}): family 4 asks for and tries IPv4 only`, async () => {
  const server = createServer((socket) => socket.end());
  const port = await listenOn(server, "127.0.0.1");
  const { lookup, asked } = dualStackLookup();
  const client = connect({ port, host: "dual.test", lookup, family: 4 });
  const seen = attemptsOf(client);
  await once(client, "connect");
  assert.deepEqual(asked, [4]);
  assert.deepEqual(seen, ["try 127.0.0.1", "connected 127.0.0.1"]);
  client.destroy();
  await closeServer(server);
});

test(`happy eyeballs (${rt}): a name with no address is ENOTFOUND`, async () => {
  const client = connect({ port: 80, host: "nothing.test", lookup: () => Promise.resolve([]) });
  const [error] = await once(client, "error");
  assert.equal((error as NetError).code, "ENOTFOUND");
});
