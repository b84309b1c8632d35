// The echo servers under test: the CLI (`wirestack ws --listen 0 --echo`), and
// the API through both faces of the HTTP server.

import { spawn } from "node:child_process";
import process from "node:process";
import { createServer } from "../../http/server.ts";
import { serve } from "../../http/serve.ts";
import { upgradeWebSocket, WebSocketServer } from "../../ws/upgrade.ts";
import type { UpgradeOptions } from "../../ws/upgrade.ts";
import { cliCommand } from "../_cli.ts";

/** A running echo server. */
export interface EchoServer {
  port: number;
  close(): Promise<void>;
}

/** `serve()` + `upgradeWebSocket`, echoing. */
export async function serveEcho(options: UpgradeOptions = {}): Promise<EchoServer> {
  const server = serve({ port: 0, hostname: "127.0.0.1" }, (request) => {
    const { socket, response } = upgradeWebSocket(request, options);
    socket.binaryType = "arraybuffer";
    socket.onmessage = (event) => socket.send(event.data);
    return response;
  });
  await server.listening;
  return { port: server.addr.port, close: () => server.close() };
}

/** `createServer` + `WebSocketServer.handleUpgrade`, echoing. */
export async function nodeFaceEcho(options: UpgradeOptions = {}): Promise<EchoServer> {
  const wss = new WebSocketServer(options);
  const server = createServer((_req, res) => res.end("no"));
  server.on("upgrade", (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.binaryType = "arraybuffer";
      ws.onmessage = (event) => ws.send(event.data);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `wirestack ws --listen 0 --echo` with extra flags, as a child process. */
export function cliEcho(flags: string[] = []): Promise<EchoServer> {
  const [command, argv] = cliCommand(["ws", "--listen", "0", "--echo", ...flags]);
  const child = spawn(command, argv, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stderr.on("data", (chunk: Uint8Array) => (err += new TextDecoder().decode(chunk)));
    child.stdout.on("data", (chunk: Uint8Array) => {
      out += new TextDecoder().decode(chunk);
      const match = /ws:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (match !== null) {
        resolve({
          port: Number(match[1]),
          close: async () => {
            child.kill("SIGTERM");
            await exited;
            child.stdout.destroy();
            child.stderr.destroy();
          },
        });
      }
    });
    child.once("close", (code) => reject(new Error(`the CLI server exited (${code}): ${err}`)));
  });
}
