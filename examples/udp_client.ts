/**
 * The chapter's UDP client: sends one datagram (binding a free port on the way)
 * and prints the answer, giving up after two seconds: UDP does not promise one.
 *
 * Run:
 *
 *     deno run -A examples/udp_client.ts <port> [message]
 *     node npm/esm/examples/udp_client.js <port> [message]
 *
 * @module
 */

import process from "node:process";
import { createSocket } from "../dgram/mod.ts";

const [portText, message = "hello, udp"] = process.argv.slice(2);
if (portText === undefined) {
  console.error("usage: udp_client <port> [message]");
  process.exit(2);
}

const client = createSocket("udp4");
const timer = setTimeout(() => {
  console.error("no answer within 2 s");
  client.close();
  process.exitCode = 1;
}, 2000);

client.on("message", (msg, rinfo) => {
  console.log(`answer from ${rinfo.address}:${rinfo.port}: ${new TextDecoder().decode(msg)}`);
  clearTimeout(timer);
  client.close();
});

await client.send(message, Number(portText), "127.0.0.1");
console.log(`sent ${message.length} bytes from port ${client.address().port}`);
