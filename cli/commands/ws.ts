// `wirestack ws`: a WebSocket client (interactive, like wscat, or an echo
// peer) and a WebSocket server on loopback (printing, or echoing).

import process from "node:process";
import { createInterface } from "node:readline";
import { serve } from "../../http/serve.ts";
import { LightResponse } from "../../http/light_response.ts";
import { WebSocketError } from "../../protocols/websocket/mod.ts";
import { broadcast, upgradeWebSocket } from "../../ws/upgrade.ts";
import { WebSocket } from "../../ws/websocket.ts";
import type { WebSocketOptions } from "../../ws/options.ts";
import {
  type Command,
  type CommandInput,
  flag,
  portOption,
  stringList,
  stringOption,
  UsageError,
} from "../_command.ts";

function sharedOptions(input: CommandInput): WebSocketOptions {
  const raw = stringOption(input, "max-payload");
  const options: WebSocketOptions = {};
  if (raw !== undefined) {
    if (!/^\d+$/.test(raw)) throw new UsageError(`--max-payload needs a byte count, not "${raw}"`);
    options.maxPayload = Number(raw);
  }
  if (flag(input, "deflate")) options.deflate = true;
  return options;
}

function show(data: string | ArrayBuffer): string {
  if (typeof data === "string") return data;
  const bytes = new Uint8Array(data);
  const hex = Array.from(bytes.subarray(0, 64), (b) => b.toString(16).padStart(2, "0")).join(" ");
  return `[binary ${bytes.length} bytes] ${hex}${bytes.length > 64 ? " ..." : ""}`;
}

/**
 * Stops reading stdin. Deno cannot cancel a pending read of stdin, which then
 * keeps the process alive: once the command has returned (and its exit code
 * is set), an unreferenced timer ends the process if nothing else did.
 */
function releaseStdin(): void {
  process.stdin.destroy();
  const timer = setTimeout(() => process.exit(), 200) as unknown as { unref?: () => void };
  timer.unref?.();
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

async function listen(input: CommandInput, port: number): Promise<number> {
  const options = sharedOptions(input);
  const echo = flag(input, "echo");
  const protocols = stringList(input, "protocol");
  const room = new Set<WebSocket>();
  const server = serve({ port, hostname: "127.0.0.1" }, (request) => {
    let upgrade;
    try {
      upgrade = upgradeWebSocket(request, {
        ...options,
        ...(protocols.length > 0 ? { protocols } : {}),
      });
    } catch (error) {
      const status = error instanceof WebSocketError ? error.status ?? 400 : 400;
      const headers = error instanceof WebSocketError ? error.headers ?? [] : [];
      return new LightResponse(`${(error as Error).message}\n`, { status, headers });
    }
    const { socket, response } = upgrade;
    socket.binaryType = "arraybuffer";
    socket.onopen = () => room.add(socket);
    socket.onclose = () => room.delete(socket);
    socket.onmessage = echo
      ? (event) => socket.send(event.data)
      : (event) => console.log(show(event.data));
    return response;
  });
  await server.listening;
  console.log(`wirestack ws listening on ws://127.0.0.1:${server.addr.port}/`);
  let lines: ReturnType<typeof createInterface> | null = null;
  if (!echo) {
    lines = createInterface({ input: process.stdin });
    lines.on("line", (line) => broadcast(room, line));
  }
  try {
    await untilAborted(input.signal);
    for (const socket of room) socket.close(1001, "server going away");
  } finally {
    if (lines !== null) {
      lines.close();
      releaseStdin();
    }
    await server.shutdown();
  }
  return 0;
}

async function connect(input: CommandInput, url: string): Promise<number> {
  const options = sharedOptions(input);
  const echo = flag(input, "echo");
  const headers: Array<[string, string]> = [];
  for (const header of stringList(input, "header")) {
    const colon = header.indexOf(":");
    if (colon <= 0) throw new UsageError(`--header needs "Name: value", not "${header}"`);
    headers.push([header.slice(0, colon).trim(), header.slice(colon + 1).trim()]);
  }
  const protocols = stringList(input, "protocol");
  let socket: WebSocket;
  try {
    socket = new WebSocket(url, { ...options, headers, protocols });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  socket.binaryType = "arraybuffer";
  let lines: ReturnType<typeof createInterface> | null = null;
  const closed = new Promise<number>((resolve) => {
    socket.onclose = (event) => {
      lines?.close();
      if (!echo) {
        console.error(
          `closed: ${event.code}${event.reason ? ` ${event.reason}` : ""} (${event.cause}${
            event.error && !event.wasClean ? `: ${event.error.message}` : ""
          })`,
        );
      }
      resolve(event.wasClean ? 0 : 1);
    };
  });
  socket.onerror = (event) => {
    if (socket.readyState !== WebSocket.CLOSED && event.error instanceof Error && !echo) {
      console.error(`error: ${event.error.message}`);
    }
  };
  if (echo) {
    socket.onmessage = (event) => socket.send(event.data);
  } else {
    socket.onmessage = (event) => console.log(show(event.data));
    socket.onopen = () => {
      console.error(`connected to ${socket.url}${socket.protocol ? ` (${socket.protocol})` : ""}`);
      lines = createInterface({ input: process.stdin });
      lines.on("line", (line) => {
        if (socket.readyState === WebSocket.OPEN) socket.send(line);
      });
      lines.on("close", () => socket.close(1000));
    };
  }
  const onAbort = () => socket.close(1000);
  input.signal.addEventListener("abort", onAbort, { once: true });
  const code = await closed;
  input.signal.removeEventListener("abort", onAbort);
  if (lines !== null) releaseStdin();
  return code;
}

/** `wirestack ws`. */
export const ws: Command = {
  name: "ws",
  summary: "a WebSocket client (interactive or echo) or server (--listen)",
  help: `usage: wirestack ws URL [options]
       wirestack ws --listen PORT [options]

With a URL, connects to it: every line of standard input is sent as a text
message, every message received is printed (binary ones in hex), and the
command exits when the connection closes (0 after a clean close, 1 otherwise).
With --listen, serves WebSocket on 127.0.0.1 at any path: messages received are
printed and lines of standard input are sent to every client. Ctrl-C stops it.

options:
  --listen PORT        run a server on 127.0.0.1:PORT (0: any free port)
  --echo               send every message back instead (client: ignores stdin)
  --max-payload N      the largest message accepted, in bytes (default 67108864)
  --deflate            offer (client) or accept (server) permessage-deflate
  --protocol NAME      a subprotocol to offer or accept (repeatable)
  --header "N: V"      a request header for the client (repeatable)

examples:
  wirestack ws --listen 9001 --echo
  wirestack ws ws://127.0.0.1:9001/ --header "Authorization: Bearer abc"`,
  options: {
    listen: { type: "string" },
    echo: { type: "boolean" },
    "max-payload": { type: "string" },
    deflate: { type: "boolean" },
    protocol: { type: "string", multiple: true },
    header: { type: "string", multiple: true },
  },
  run(input) {
    const listenPort = stringOption(input, "listen");
    if (listenPort !== undefined) {
      if (input.positionals.length > 0) throw new UsageError("--listen takes no URL");
      return listen(input, portOption(input, "listen", 0));
    }
    if (input.positionals.length !== 1) {
      throw new UsageError("give one ws:// URL, or --listen PORT");
    }
    return connect(input, input.positionals[0]);
  },
};
