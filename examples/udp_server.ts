/**
 * The chapter's UDP server: prints each datagram with where it came from, and
 * answers with the same text in capitals.
 *
 * Run (Ctrl-C stops it):
 *
 *     deno run -A examples/udp_server.ts [port]
 *     node npm/esm/examples/udp_server.js [port]
 *
 * @module
 */

import process from "node:process";
import { createSocket } from "../dgram/mod.ts";

const port = Number(process.argv[2] ?? 0);
const server = createSocket("udp4");
const decoder = new TextDecoder();

server.on("message", (msg, rinfo) => {
  const text = decoder.decode(msg);
  console.log(`${rinfo.address}:${rinfo.port} sent ${rinfo.size} bytes: ${text}`);
  server.send(text.toUpperCase(), rinfo.port, rinfo.address);
});

server.on("error", (error) => console.error(`error: ${error.message}`));

server.bind(port, "127.0.0.1", () => {
  const { address, port } = server.address();
  console.log(`udp server listening on ${address}:${port}`);
});

process.on("SIGINT", () => {
  server.close();
  process.exit(0);
});
