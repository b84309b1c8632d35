// The demo's TCP and UDP echo servers, on wirestack's `net` and `dgram`,
// counted in the demo's stats.

import { createSocket, type Socket as UdpSocket } from "../../dgram/mod.ts";
import { createServer, once, type Server, type Socket } from "../../net/mod.ts";
import { showHostPort } from "../_address.ts";
import type { Stats } from "./stats.ts";

/** A running echo server. */
export interface EchoServer {
  /** The port it listens on. */
  port: number;
  /** Stops it (open TCP connections are ended). */
  close(): Promise<void>;
}

/** Starts the TCP echo server on `host`. */
export async function tcpEcho(host: string, port: number, stats: Stats): Promise<EchoServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const row = stats.opened(
      "tcp",
      showHostPort(socket.remoteAddress ?? "?", socket.remotePort ?? 0),
    );
    socket.on("data", (bytes) => {
      stats.bytes(bytes.length, row);
      if (!socket.write(bytes)) {
        socket.pause();
        socket.once("drain", () => socket.resume());
      }
    });
    socket.on("end", () => socket.end());
    socket.on("error", () => socket.destroy());
    socket.once("close", () => {
      sockets.delete(socket);
      stats.closed(row);
    });
  });
  server.listen(port, host);
  await once(server, "listening");
  return {
    port: (server.address() as { port: number }).port,
    async close() {
      const closed = once(server, "close");
      server.close();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/** Starts the UDP echo server on `host`. */
export async function udpEcho(host: string, port: number, stats: Stats): Promise<EchoServer> {
  const socket: UdpSocket = createSocket(host.includes(":") ? "udp6" : "udp4");
  socket.on("message", (bytes, from) => {
    stats.datagram(bytes.length);
    socket.send(bytes, from.port, from.address).catch(() => {});
  });
  socket.on("error", () => {});
  socket.bind(port, host);
  await once(socket, "listening");
  return {
    port: socket.address().port,
    async close() {
      const closed = once(socket, "close");
      socket.close();
      await closed;
    },
  };
}
