/**
 * The chapter's TCP client: connects, sends one message, prints what the echo
 * server sends back, and ends.
 *
 * Run:
 *
 *     deno run -A examples/tcp_echo_client.ts <port> [message] [host]
 *     node npm/esm/examples/tcp_echo_client.js <port> [message] [host]
 *
 * `host` defaults to `localhost`: a name with IPv6 and IPv4 addresses is tried
 * both ways at once (Happy Eyeballs).
 *
 * @module
 */

import process from "node:process";
import { connect } from "../net/mod.ts";

const [portText, message = "hello, echo", host = "localhost"] = process.argv.slice(2);
if (portText === undefined) {
  console.error("usage: tcp_echo_client <port> [message] [host]");
  process.exit(2);
}

const socket = connect({ port: Number(portText), host, connectTimeout: 5000 }, () => {
  console.log(`connected to ${socket.remoteAddress}:${socket.remotePort}`);
  socket.end(message);
});

const decoder = new TextDecoder();
socket.on("data", (bytes) => console.log(`echo: ${decoder.decode(bytes)}`));
socket.on("end", () => console.log("server ended"));
socket.on("error", (error) => {
  console.error(`failed: ${error.message}`);
  process.exitCode = 1;
});
socket.on(
  "close",
  () => console.log(`closed (${socket.bytesWritten} bytes out, ${socket.bytesRead} in)`),
);
