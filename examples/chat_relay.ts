/**
 * The chapter's relay: clients are paired as they come, and each pair's sockets
 * are piped into each other (`a.readable.pipeTo(b.writable)` is the chapter's
 * `a.pipe(b)`), so two people can chat through the server. Back-pressure comes
 * with the pipe: a slow reader slows its partner down instead of filling memory.
 *
 * Run (Ctrl-C stops it), then connect two clients, such as `nc 127.0.0.1 <port>`:
 *
 *     deno run -A examples/chat_relay.ts [port]
 *     node npm/esm/examples/chat_relay.js [port]
 *
 * @module
 */

import process from "node:process";
import { type AddressInfo, createServer, type Socket } from "../net/mod.ts";

const port = Number(process.argv[2] ?? 0);
let waiting: Socket | null = null;

function pair(a: Socket, b: Socket): void {
  a.write("you are connected to a partner: say hello\n");
  b.write("you are connected to a partner: say hello\n");
  // Each direction ends the other side when its source ends (half-close), and
  // an error on either socket tears both down.
  a.readable.pipeTo(b.writable).catch(() => b.destroy());
  b.readable.pipeTo(a.writable).catch(() => a.destroy());
}

// allowHalfOpen: a client that ends its side can still read its partner's last words.
const server = createServer({ allowHalfOpen: true }, (socket) => {
  console.log(`${socket.remoteAddress}:${socket.remotePort} joined`);
  socket.on("error", () => {});
  socket.on("close", () => {
    if (waiting === socket) waiting = null;
  });
  if (waiting === null || waiting.destroyed) {
    waiting = socket;
    socket.write("waiting for a partner...\n");
    return;
  }
  const partner = waiting;
  waiting = null;
  pair(partner, socket);
});

server.listen(port, "127.0.0.1", () => {
  const { address, port } = server.address() as AddressInfo;
  console.log(`chat relay listening on ${address}:${port}`);
});

process.on("SIGINT", () => process.exit(0));
