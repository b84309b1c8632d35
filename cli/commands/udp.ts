// `wirestack udp`: netcat for UDP on wirestack's `dgram`: each line of stdin
// is one datagram; datagrams received go to stdout.

import process from "node:process";
import { createSocket, type RemoteInfo, type Socket } from "../../dgram/mod.ts";
import { once } from "../../net/mod.ts";
import { parseHostPort, showHostPort } from "../_address.ts";
import { type Command, flag, portOption, stringOption, UsageError } from "../_command.ts";
import { CliNetError } from "../_net_errors.ts";
import { readStdin, stopStdin, writeStdout } from "../_stdio.ts";

/** The biggest datagram sent; longer lines are cut into several. */
const MAX_DATAGRAM = 65507;

/** Splits stdin into lines (newline kept), each at most MAX_DATAGRAM bytes. */
async function* stdinLines(): AsyncGenerator<Uint8Array> {
  let pending = new Uint8Array(0);
  for await (const chunk of readStdin()) {
    const joined = new Uint8Array(pending.length + chunk.length);
    joined.set(pending);
    joined.set(chunk, pending.length);
    let start = 0;
    for (let i = 0; i < joined.length; i++) {
      if (joined[i] === 0x0a || i - start + 1 === MAX_DATAGRAM) {
        yield joined.slice(start, i + 1);
        start = i + 1;
      }
    }
    pending = joined.slice(start);
  }
  if (pending.length > 0) yield pending;
}

function familyOf(host: string): "udp4" | "udp6" {
  return host.includes(":") ? "udp6" : "udp4";
}

async function bound(socket: Socket, port: number, host: string | undefined): Promise<void> {
  const failed = once(socket, "error");
  socket.bind(port, host);
  await Promise.race([once(socket, "listening"), failed.then(([error]) => Promise.reject(error))]);
  failed.catch(() => {});
}

/** `wirestack udp`. */
export const udp: Command = {
  name: "udp",
  summary: "netcat for UDP: send stdin lines as datagrams, print what comes back",
  help: `usage: wirestack udp HOST:PORT [--wait SECONDS]
       wirestack udp --listen PORT [--host ADDRESS] [--echo]

Sends each line of stdin as one datagram to HOST:PORT and prints the datagrams
that come back. After the end of stdin it waits for answers until no datagram
has arrived for --wait seconds (default 1), then exits. With --listen, prints
every datagram received; with --echo also sends it back to its sender; without
--echo, stdin lines go to the last sender heard from. Ctrl-C stops it.

options:
  -l, --listen PORT    listen instead of sending first (0: any free port)
      --host ADDRESS   the address to listen on (default 127.0.0.1)
      --echo           send every datagram back (with --listen)
      --wait SECONDS   how long to wait for answers after stdin ends (default 1)

examples:
  wirestack udp --listen 7001 --echo
  echo hello | wirestack udp 127.0.0.1:7001`,
  options: {
    listen: { type: "string", short: "l" },
    host: { type: "string" },
    echo: { type: "boolean" },
    wait: { type: "string" },
  },
  async run(input) {
    const listen = stringOption(input, "listen");
    const waitText = stringOption(input, "wait");
    const waitMs = waitText === undefined ? 1000 : Number(waitText) * 1000;
    if (!(waitMs >= 0) || !Number.isFinite(waitMs)) {
      throw new UsageError(`--wait needs a number of seconds, not "${waitText}"`);
    }
    const stopped = new Promise<void>((resolve) => {
      if (input.signal.aborted) resolve();
      input.signal.addEventListener("abort", () => resolve(), { once: true });
    });
    if (listen === undefined) {
      if (flag(input, "echo")) throw new UsageError("--echo goes with --listen");
      if (input.positionals.length !== 1) throw new UsageError("needs one HOST:PORT");
      const { host, port } = parseHostPort(input.positionals[0]);
      const socket = createSocket(familyOf(host));
      let last = performance.now();
      let failure: unknown;
      socket.on("message", (bytes) => {
        last = performance.now();
        void writeStdout(bytes);
      });
      socket.on("error", (error) => (failure ??= error));
      try {
        await bound(socket, 0, undefined);
        for await (const line of stdinLines()) {
          if (input.signal.aborted) break;
          try {
            await socket.send(line, port, host);
          } catch (error) {
            throw new CliNetError(`cannot send to ${showHostPort(host, port)}`, error);
          }
          last = performance.now();
        }
        while (!input.signal.aborted && failure === undefined) {
          const left = last + waitMs - performance.now();
          if (left <= 0) break;
          let timer: ReturnType<typeof setTimeout> | undefined;
          await Promise.race([stopped, new Promise((r) => (timer = setTimeout(r, left)))]);
          clearTimeout(timer);
        }
        if (failure !== undefined) {
          throw new CliNetError(`UDP to ${showHostPort(host, port)} failed`, failure);
        }
        return 0;
      } finally {
        stopStdin();
        socket.close();
      }
    }
    if (input.positionals.length > 0) throw new UsageError("--listen takes no HOST:PORT");
    const port = portOption(input, "listen", 0);
    const host = stringOption(input, "host") ?? "127.0.0.1";
    const echoing = flag(input, "echo");
    const socket = createSocket(familyOf(host));
    let peer: RemoteInfo | undefined;
    socket.on("message", (bytes, from) => {
      peer = from;
      void writeStdout(bytes);
      if (echoing) socket.send(bytes, from.port, from.address).catch(() => {});
    });
    socket.on("error", () => {});
    try {
      await bound(socket, port, host);
    } catch (error) {
      throw new CliNetError(`cannot listen on ${showHostPort(host, port)}`, error);
    }
    process.stderr.write(
      `listening on ${showHostPort(host, socket.address().port)} (UDP${echoing ? ", echo" : ""})\n`,
    );
    if (!echoing) {
      void (async () => {
        for await (const line of stdinLines()) {
          if (peer !== undefined) await socket.send(line, peer.port, peer.address).catch(() => {});
        }
      })().catch(() => {});
    }
    await stopped;
    if (!echoing) stopStdin();
    socket.close();
    process.stderr.write("stopped\n");
    return 0;
  },
};
