// `wirestack tcp`: netcat for TCP on wirestack's `net`: connect and relay
// stdin to the socket and the socket to stdout, or listen (one connection, or
// every connection with --echo).

import process from "node:process";
import { connect, createServer, once, type Socket } from "../../net/mod.ts";
import { parseHostPort, showHostPort } from "../_address.ts";
import { type Command, flag, portOption, stringOption, UsageError } from "../_command.ts";
import { CliNetError } from "../_net_errors.ts";
import { readStdin, stopStdin, writeStdout } from "../_stdio.ts";

/** Relays stdin to `socket` and `socket` to stdout until the socket closes. */
async function relay(socket: Socket): Promise<void> {
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  let failure: unknown;
  socket.on("error", (error) => (failure = error));
  socket.on("data", (bytes) => {
    socket.pause();
    writeStdout(bytes).then(() => socket.resume(), () => socket.destroy());
  });
  socket.on("end", () => socket.end());
  void (async () => {
    try {
      for await (const chunk of readStdin()) {
        if (socket.destroyed) return;
        if (!socket.write(chunk)) await once(socket, "drain").catch(() => {});
      }
      if (!socket.destroyed) socket.end();
    } catch {
      socket.destroy();
    }
  })();
  await closed;
  stopStdin();
  if (failure !== undefined) throw failure;
}

function echo(socket: Socket): void {
  socket.on("data", (bytes) => {
    if (!socket.write(bytes)) {
      socket.pause();
      socket.once("drain", () => socket.resume());
    }
  });
  socket.on("end", () => socket.end());
  socket.on("error", () => socket.destroy());
}

/** `wirestack tcp`. */
export const tcp: Command = {
  name: "tcp",
  summary: "netcat for TCP: connect or listen, stdin to the socket, the socket to stdout",
  help: `usage: wirestack tcp HOST:PORT
       wirestack tcp --listen PORT [--host ADDRESS] [--echo]

Connects to HOST:PORT and relays stdin to the connection and the connection to
stdout; the end of stdin half-closes the connection, and the command exits when
the peer closes. With --listen, waits for one connection and relays it the
same way; with --echo, sends every connection's bytes back to it and serves
until Ctrl-C. Status lines go to stderr.

options:
  -l, --listen PORT    listen instead of connecting (0: any free port)
      --host ADDRESS   the address to listen on (default 127.0.0.1)
      --echo           echo every connection (with --listen)

examples:
  printf 'GET / HTTP/1.0\\r\\n\\r\\n' | wirestack tcp example.com:80
  wirestack tcp --listen 7000 --echo`,
  options: {
    listen: { type: "string", short: "l" },
    host: { type: "string" },
    echo: { type: "boolean" },
  },
  async run(input) {
    const listen = stringOption(input, "listen");
    if (listen === undefined) {
      if (flag(input, "echo")) throw new UsageError("--echo goes with --listen");
      if (input.positionals.length !== 1) throw new UsageError("needs one HOST:PORT");
      const { host, port } = parseHostPort(input.positionals[0]);
      const socket = connect({ host, port });
      try {
        await once(socket, "connect");
      } catch (error) {
        throw new CliNetError(`cannot connect to ${showHostPort(host, port)}`, error);
      }
      process.stderr.write(`connected to ${showHostPort(socket.remoteAddress ?? host, port)}\n`);
      await relay(socket);
      return 0;
    }
    if (input.positionals.length > 0) throw new UsageError("--listen takes no HOST:PORT");
    const port = portOption(input, "listen", 0);
    const host = stringOption(input, "host") ?? "127.0.0.1";
    const echoing = flag(input, "echo");
    const sockets = new Set<Socket>();
    let first: ((socket: Socket) => void) | undefined;
    const firstConnection = new Promise<Socket>((resolve) => (first = resolve));
    const server = createServer((socket) => {
      if (echoing) {
        sockets.add(socket);
        socket.once("close", () => sockets.delete(socket));
        echo(socket);
      } else if (first !== undefined) {
        first(socket);
        first = undefined;
        server.close();
      } else socket.destroy();
    });
    server.listen(port, host);
    await once(server, "listening");
    const address = server.address() as { port: number };
    process.stderr.write(
      `listening on ${showHostPort(host, address.port)}${echoing ? " (echo)" : ""}\n`,
    );
    const stop = new Promise<null>((resolve) => {
      if (input.signal.aborted) resolve(null);
      input.signal.addEventListener("abort", () => resolve(null), { once: true });
    });
    if (echoing) {
      await stop;
      server.close();
      for (const socket of sockets) socket.end();
      await once(server, "close");
      process.stderr.write("stopped\n");
      return 0;
    }
    const socket = await Promise.race([firstConnection, stop]);
    if (socket === null) {
      server.close();
      return 0;
    }
    process.stderr.write(
      `connection from ${showHostPort(socket.remoteAddress ?? "?", socket.remotePort ?? 0)}\n`,
    );
    input.signal.addEventListener("abort", () => socket.destroy(), { once: true });
    await relay(socket);
    return 0;
  },
};
