// The Autobahn-style case table (tests/ws/_cases.ts) against wirestack's
// echoing server: the CLI (`wirestack ws --listen 0 --echo`), `serve()` with
// `upgradeWebSocket`, and `createServer` with `WebSocketServer`. A raw client
// sends masked frames byte by byte as the case says and checks the answers,
// the close code and that the server closed the TCP connection.

import assert from "node:assert/strict";
import { runtimeName, test } from "../_harness.ts";
import { type Case, DEFLATE_CASES, PLAIN_CASES } from "./_cases.ts";
import { closePayload, frame, rawClient } from "./_frames.ts";
import { cliEcho, type EchoServer, nodeFaceEcho, serveEcho } from "./_servers.ts";

const rt = runtimeName;

async function runCase(port: number, c: Case): Promise<string | null> {
  const result = await rawClient(port, {
    send: c.send(true),
    ...(c.deflate === undefined ? {} : { headers: { "Sec-WebSocket-Extensions": c.deflate } }),
  });
  if (!result.head.startsWith("HTTP/1.1 101")) return `${c.name}: no 101: ${result.head}`;
  if (
    c.deflate !== undefined && !/sec-websocket-extensions: permessage-deflate/i.test(result.head)
  ) {
    return `${c.name}: permessage-deflate not accepted: ${result.head}`;
  }
  if (result.closeCode === null || !c.close.includes(result.closeCode)) {
    return `${c.name}: closed with ${result.closeCode}, expected ${c.close.join(" or ")}`;
  }
  if (c.messages !== undefined) {
    const got = result.messages.map((m) => m.slice(0, 80)).join(" | ");
    const want = c.messages.map((m) => m.slice(0, 80)).join(" | ");
    if (result.messages.join("\n") !== c.messages.join("\n")) {
      return `${c.name}: got [${got}], expected [${want}]`;
    }
  }
  if (!result.ended) return `${c.name}: the server did not close the TCP connection`;
  return null;
}

/** Runs the cases a few at a time; returns the failures. */
async function runAll(server: EchoServer, cases: readonly Case[]): Promise<string[]> {
  const failures: string[] = [];
  for (let i = 0; i < cases.length; i += 8) {
    const batch = await Promise.all(cases.slice(i, i + 8).map((c) => runCase(server.port, c)));
    for (const failure of batch) if (failure !== null) failures.push(failure);
  }
  return failures;
}

const SERVER_ONLY: Case[] = [
  {
    name: "server: an unmasked frame from a client",
    send: () => [frame({ opcode: 1, payload: "bare", mask: false })],
    close: [1002],
  },
  {
    name: "server: an unmasked close",
    send: () => [frame({ opcode: 8, payload: closePayload(1000), mask: false })],
    close: [1002],
  },
];

for (
  const [face, start] of [
    ["CLI", () => cliEcho(["--deflate"])],
    ["serve+upgradeWebSocket", () => serveEcho({ deflate: true })],
    ["createServer+WebSocketServer", () => nodeFaceEcho({ deflate: true })],
  ] as const
) {
  test(
    `server autobahn (${face}, ${rt}): ${
      PLAIN_CASES.length + SERVER_ONLY.length
    } framing, ping, fragmentation, UTF-8 and close cases`,
    async () => {
      const server = await start();
      try {
        const failures = await runAll(server, [...PLAIN_CASES, ...SERVER_ONLY]);
        assert.deepEqual(failures, []);
      } finally {
        await server.close();
      }
    },
    { timeout: 120_000 },
  );

  test(
    `server autobahn (${face}, ${rt}): ${DEFLATE_CASES.length} permessage-deflate cases`,
    async () => {
      const server = await start();
      try {
        assert.deepEqual(await runAll(server, DEFLATE_CASES), []);
      } finally {
        await server.close();
      }
    },
    { timeout: 60_000 },
  );
}

test(
  `server autobahn (${rt}): messages above --max-payload close with 1009, whole or in fragments`,
  async () => {
    for (
      const server of [
        await cliEcho(["--max-payload", "1000"]),
        await serveEcho({ maxPayload: 1000 }),
      ]
    ) {
      try {
        const cases: Case[] = [
          {
            name: "1000 bytes pass",
            send: (
              m,
            ) => [
              frame({ opcode: 2, payload: new Uint8Array(1000), mask: m }),
              30,
              frame({ opcode: 8, payload: closePayload(1000), mask: m }),
            ],
            messages: [`b:${"00".repeat(1000)}`],
            close: [1000],
          },
          {
            name: "1001 bytes",
            send: (m) => [frame({ opcode: 2, payload: new Uint8Array(1001), mask: m })],
            close: [1009],
          },
          {
            name: "1001 bytes announced, 10 sent",
            send: (
              m,
            ) => [
              frame({ opcode: 2, payload: new Uint8Array(1001), mask: m }).subarray(0, 20),
              3000,
            ],
            close: [1009],
          },
          {
            name: "600 + 401 in fragments",
            send: (
              m,
            ) => [
              frame({ opcode: 1, payload: "a".repeat(600), fin: false, mask: m }),
              frame({ opcode: 0, payload: "b".repeat(401), mask: m }),
            ],
            close: [1009],
          },
        ];
        assert.deepEqual(await runAll(server, cases), []);
      } finally {
        await server.close();
      }
    }
  },
  { timeout: 60_000 },
);
