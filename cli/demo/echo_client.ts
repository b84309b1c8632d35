// One exchange with a demo echo service, on wirestack's `net` and `dgram`
// clients: send a message, read what comes back, time it.

import { createSocket } from "../../dgram/mod.ts";
import { connect, once } from "../../net/mod.ts";

/** What an exchange sent and got. */
export interface EchoExchange {
  service: "tcp" | "udp";
  /** The echo server, `host:port`. */
  server: string;
  /** The client's local port. */
  localPort: number;
  sent: string;
  received: string;
  /** Round trip, ms. */
  ms: number;
}

/** The longest message the form may send. */
export const MAX_MESSAGE = 4096;

const TIMEOUT_MS = 5000;

function deadline<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within 5 s`)), TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Sends `message` to the TCP echo server at `port` and reads until it closes. */
export async function tcpExchange(port: number, message: string): Promise<EchoExchange> {
  const started = performance.now();
  const socket = connect({ host: "127.0.0.1", port });
  try {
    await deadline(once(socket, "connect"), "TCP connect");
    const chunks: Uint8Array[] = [];
    socket.on("data", (bytes) => chunks.push(bytes));
    const ended = once(socket, "end");
    socket.end(message);
    await deadline(ended, "TCP echo");
    const received = new TextDecoder().decode(
      chunks.reduce((all, c) => {
        const out = new Uint8Array(all.length + c.length);
        out.set(all);
        out.set(c, all.length);
        return out;
      }, new Uint8Array(0)),
    );
    return {
      service: "tcp",
      server: `127.0.0.1:${port}`,
      localPort: socket.localPort ?? 0,
      sent: message,
      received,
      ms: performance.now() - started,
    };
  } finally {
    socket.destroy();
  }
}

/** Sends `message` as one datagram to the UDP echo server at `port`, waits for the answer. */
export async function udpExchange(port: number, message: string): Promise<EchoExchange> {
  const started = performance.now();
  const socket = createSocket("udp4");
  try {
    socket.bind(0, "127.0.0.1");
    await once(socket, "listening");
    const answer = once(socket, "message");
    await socket.send(message, port, "127.0.0.1");
    const [bytes] = await deadline(answer, "UDP echo");
    return {
      service: "udp",
      server: `127.0.0.1:${port}`,
      localPort: socket.address().port,
      sent: message,
      received: new TextDecoder().decode(bytes),
      ms: performance.now() - started,
    };
  } finally {
    socket.close();
  }
}
