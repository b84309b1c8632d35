// A WebSocket echo server for the load and hostile-client runs, on serve(), in
// two builds: `ws`, wirestack's WebSocket server (`upgradeWebSocket` of ws/);
// and `core`, the pieces below it: serve() answers the upgrade with the
// handshake of protocols/websocket and takes the connection over
// (http/takeover.ts), and a WebSocketConnection drives the frames over the
// adapter's Conn, with permessage-deflate from ws/deflate.ts. Both echo every
// message and count connections, messages and close codes.

import type { Conn, NetError } from "../../adapters/mod.ts";
import { type HttpServer, serve, TAKEOVER, type Takeover } from "../../http/mod.ts";
import {
  acceptHandshake,
  WebSocketConnection,
  WebSocketError,
} from "../../protocols/websocket/mod.ts";
import { createDeflateProvider } from "../../ws/deflate.ts";
import { upgradeWebSocket } from "../../ws/mod.ts";

/** What the echo server saw. */
export interface WsEchoStats {
  /** WebSocket connections open now, and the most at once. */
  open: number;
  peak: number;
  /** Messages echoed. */
  messages: number;
  /** Close codes of finished connections (sent or received), counted. */
  closes: Record<number, number>;
}

/** Options of {@linkcode startWsEcho}. */
export interface WsEchoOptions {
  /** The largest message accepted (default: the core's 64 MiB). */
  maxPayload?: number;
  /** Accept permessage-deflate (default true). */
  deflate?: boolean;
  /** serve()'s connection limit (default: serve()'s). */
  maxConnections?: number;
  /** `ws`: wirestack's WebSocket server (default); `core`: the protocol core over the takeover. */
  server?: "ws" | "core";
}

const provider = createDeflateProvider();

function drive(conn: Conn, ws: WebSocketConnection, head: Uint8Array, stats: WsEchoStats): void {
  stats.peak = Math.max(stats.peak, ++stats.open);
  let finished = false;
  const finish = (code: number) => {
    if (finished) return;
    finished = true;
    stats.open--;
    stats.closes[code] = (stats.closes[code] ?? 0) + 1;
    conn.end(() => conn.close());
  };
  const pump = (bytes: Uint8Array | null) => {
    if (bytes !== null && bytes.length > 0) ws.receive(bytes);
    for (let event = ws.nextEvent(); event !== null; event = ws.nextEvent()) {
      if (event.type === "text" || event.type === "binary") {
        stats.messages++;
        conn.send(ws.send(event.data, { binary: event.type === "binary" }));
      } else if (event.type === "close") {
        const output = ws.takeOutput();
        if (output !== null) conn.send(output);
        finish(event.code);
        return;
      }
    }
    const output = ws.takeOutput();
    if (output !== null) conn.send(output);
  };
  conn.attach({
    onData: (chunk) => pump(chunk),
    onEnd: () => {
      ws.receiveEnd();
      pump(null);
      finish(1006);
    },
    onDrain: () => {},
    onError: (_error: NetError) => {
      if (!finished) {
        finished = true;
        stats.open--;
        stats.closes[1006] = (stats.closes[1006] ?? 0) + 1;
      }
      conn.close();
    },
  }, { chunks: "borrowed" });
  pump(head);
}

/** The `ws` build: wirestack's own WebSocket server side. */
function upgradeToWs(request: Request, options: WsEchoOptions, stats: WsEchoStats) {
  let upgraded;
  try {
    upgraded = upgradeWebSocket(request, {
      maxPayload: options.maxPayload,
      deflate: options.deflate ?? true,
    });
  } catch (error) {
    if (!(error instanceof WebSocketError)) throw error;
    return new Response(error.message, { status: error.status ?? 400 });
  }
  const { socket, response } = upgraded;
  socket.binaryType = "arraybuffer";
  let opened = false;
  socket.onopen = () => {
    opened = true;
    stats.peak = Math.max(stats.peak, ++stats.open);
  };
  socket.onmessage = (event) => {
    stats.messages++;
    socket.send(event.data as string | ArrayBuffer);
  };
  socket.onclose = (event) => {
    if (opened) stats.open--;
    stats.closes[event.code] = (stats.closes[event.code] ?? 0) + 1;
  };
  return response;
}

/** Starts the echo server on 127.0.0.1 and a free port. */
export async function startWsEcho(
  options: WsEchoOptions = {},
): Promise<{ server: HttpServer; port: number; stats: WsEchoStats }> {
  const stats: WsEchoStats = { open: 0, peak: 0, messages: 0, closes: {} };
  const server = serve(
    { port: 0, hostname: "127.0.0.1", maxConnections: options.maxConnections },
    (request) => {
      if (options.server !== "core") return upgradeToWs(request, options, stats);
      const headers: Array<[string, string]> = [];
      request.headers.forEach((value, name) => headers.push([name, value]));
      let accepted;
      try {
        accepted = acceptHandshake(
          { method: request.method, httpVersion: "1.1", headers },
          { perMessageDeflate: options.deflate ?? true },
        );
      } catch (error) {
        if (!(error instanceof WebSocketError)) throw error;
        return new Response(error.message, { status: error.status ?? 400 });
      }
      const takeover: Takeover = (conn, head) => {
        const ws = new WebSocketConnection({
          role: "server",
          maxPayload: options.maxPayload,
          perMessageDeflate: accepted.perMessageDeflate,
          deflate: provider,
        });
        drive(conn, ws, head, stats);
      };
      return {
        status: 101,
        statusText: "Switching Protocols",
        headers: accepted.headers,
        body: null,
        [TAKEOVER]: takeover,
      };
    },
  );
  const { port } = await server.listening;
  return { server, port, stats };
}
