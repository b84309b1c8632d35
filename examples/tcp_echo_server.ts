/**
 * The chapter's TCP echo server: every byte a client sends comes back.
 *
 * Run (Ctrl-C stops it):
 *
 *     deno run -A examples/tcp_echo_server.ts [port]          # Deno, from source
 *     node npm/esm/examples/tcp_echo_server.js [port]         # Node, after npm run build
 *
 * Then talk to it with examples/tcp_echo_client.ts, or `nc 127.0.0.1 <port>`.
 *
 * @module
 */

import process from "node:process";
import { type AddressInfo, createServer } from "../net/mod.ts";

const port = Number(process.argv[2] ?? 0);

const server = createServer((socket) => {
  const peer = `${socket.remoteAddress}:${socket.remotePort}`;
  console.log(`${peer} connected`);
  socket.on("data", (bytes) => socket.write(bytes));
  socket.on("end", () => console.log(`${peer} ended`));
  socket.on("error", (error) => console.log(`${peer} failed: ${error.message}`));
  socket.setTimeout(60_000, () => socket.end("idle for a minute, bye\n"));
});

server.on("error", (error) => {
  console.error(`cannot listen: ${error.message}`);
  process.exit(1);
});

server.listen(port, "127.0.0.1", () => {
  const { address, port } = server.address() as AddressInfo;
  console.log(`echo server listening on ${address}:${port}`);
});

process.on("SIGINT", () => {
  server.close(() => console.log("stopped"));
  process.exit(0);
});
