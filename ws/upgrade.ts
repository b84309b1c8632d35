/**
 * The server side: {@linkcode upgradeWebSocket} for `serve()` handlers (the
 * shape of `Deno.upgradeWebSocket`), {@linkcode WebSocketServer} for the
 * `upgrade` event of `createServer` (the shape of the `ws` package's
 * `handleUpgrade`), and {@linkcode broadcast}, which encodes a message once
 * for many receivers.
 *
 * @example A chat room on `serve()`
 * ```ts ignore
 * import { serve } from "../http/mod.ts";
 * import { broadcast, upgradeWebSocket, type WebSocket } from "./mod.ts";
 *
 * const room = new Set<WebSocket>();
 * serve({ port: 8080 }, (request) => {
 *   const { socket, response } = upgradeWebSocket(request, { deflate: true });
 *   socket.onopen = () => room.add(socket);
 *   socket.onmessage = (event) => broadcast(room, event.data);
 *   socket.onclose = () => room.delete(socket);
 *   return response;
 * });
 * ```
 *
 * @module
 */

import type { Conn } from "../adapters/mod.ts";
import type { IncomingMessage } from "../http/incoming_message.ts";
import type { ResponseLike } from "../http/serve.ts";
import { TAKEOVER, type Takeover } from "../http/takeover.ts";
import type { Socket } from "../net/socket.ts";
import {
  type AcceptedHandshake,
  acceptHandshake,
  type AcceptHandshakeOptions,
  PreparedMessage,
  WebSocketConnection,
  WebSocketError,
} from "../protocols/websocket/mod.ts";
import { deflateSettings } from "./_deflate_settings.ts";
import { connTransport, socketTransport, type Transport } from "./_transport.ts";
import type { WebSocketOptions } from "./options.ts";
import { SERVER_SIDE, sessionOfSocket, startServerSide, WebSocket } from "./websocket.ts";

/** Options of the server side. */
export interface UpgradeOptions extends WebSocketOptions {
  /**
   * The subprotocols the server speaks (the first of the client's list that
   * is in it is selected), or a function choosing one. Default: none.
   */
  protocols?: AcceptHandshakeOptions["protocols"];
  /** Refuses origins (403) when it returns false. Default: any origin. */
  checkOrigin?: (origin: string | null) => boolean;
}

/** A 101 response carrying the takeover of the connection (what `serve()` writes). */
export interface UpgradeResponse extends ResponseLike {
  /** Always 101. */
  readonly status: 101;
  /** The handshake's answer fields. */
  readonly headers: Array<[string, string]>;
  /** Takes the connection over once the head is written. */
  readonly [TAKEOVER]: Takeover;
}

function accept(
  method: string,
  httpVersion: string,
  headers: ReadonlyArray<readonly [string, string]>,
  options: UpgradeOptions,
): AcceptedHandshake {
  const deflate = deflateSettings(options.deflate);
  return acceptHandshake({ method, httpVersion, headers }, {
    ...(options.protocols === undefined ? {} : { protocols: options.protocols }),
    ...(options.checkOrigin === undefined ? {} : { checkOrigin: options.checkOrigin }),
    perMessageDeflate: deflate === null ? false : deflate.negotiate,
  });
}

function serverConnection(
  accepted: AcceptedHandshake,
  options: UpgradeOptions,
): WebSocketConnection {
  const deflate = deflateSettings(options.deflate);
  return new WebSocketConnection({
    role: "server",
    ...(options.maxPayload === undefined ? {} : { maxPayload: options.maxPayload }),
    perMessageDeflate: accepted.perMessageDeflate,
    ...(accepted.perMessageDeflate !== null && deflate !== null
      ? {
        deflate: deflate.provider,
        ...(deflate.threshold === undefined ? {} : { compressionThreshold: deflate.threshold }),
      }
      : {}),
  });
}

function start(
  socket: WebSocket,
  accepted: AcceptedHandshake,
  options: UpgradeOptions,
  transport: Transport,
  head: Uint8Array,
): void {
  startServerSide(socket, {
    connection: serverConnection(accepted, options),
    transport,
    head,
    options,
    protocol: accepted.protocol,
    extensions: accepted.extensions,
  });
}

/**
 * Accepts a WebSocket upgrade inside a `serve()` handler: returns the socket
 * (`CONNECTING` until the 101 is written, then `OPEN`) and the response to
 * return from the handler.
 *
 * @param request the upgrade request
 * @param options subprotocols, compression, limits, heartbeat
 * @returns the server-side socket and the 101 response
 * @throws {WebSocketError} for a request that is no valid upgrade; its
 *   `status` (400, 403 or 426) and `headers` say what to answer
 *
 * @example Echo server
 * ```ts ignore
 * import { serve } from "../http/mod.ts";
 * import { upgradeWebSocket } from "./mod.ts";
 *
 * serve({ port: 8080 }, (request) => {
 *   const { socket, response } = upgradeWebSocket(request);
 *   socket.onmessage = (event) => socket.send(event.data);
 *   return response;
 * });
 * ```
 */
export function upgradeWebSocket(
  request: Request,
  options: UpgradeOptions = {},
): { socket: WebSocket; response: UpgradeResponse } {
  const accepted = accept(request.method, "1.1", [...request.headers], options);
  const socket = new WebSocket(request.url, SERVER_SIDE);
  const takeover: Takeover = (conn: Conn, head: Uint8Array) => {
    start(socket, accepted, options, connTransport(conn), head);
  };
  return {
    socket,
    response: {
      status: 101,
      statusText: "Switching Protocols",
      headers: accepted.headers,
      body: null,
      [TAKEOVER]: takeover,
    },
  };
}

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  403: "Forbidden",
  426: "Upgrade Required",
};

/** Options of a {@linkcode WebSocketServer}. */
export interface WebSocketServerOptions extends UpgradeOptions {
  /** Keeps the open sockets in `clients` (default true). */
  clientTracking?: boolean;
}

/**
 * Accepts upgrades from the `upgrade` event of `createServer`, as the `ws`
 * package's `handleUpgrade` does, and keeps the open sockets in `clients`.
 *
 * @example
 * ```ts ignore
 * import { createServer } from "../http/mod.ts";
 * import { WebSocketServer } from "./mod.ts";
 *
 * const wss = new WebSocketServer({ maxPayload: 1 << 20 });
 * const server = createServer();
 * server.on("upgrade", (req, socket, head) => {
 *   wss.handleUpgrade(req, socket, head, (ws) => {
 *     ws.onmessage = (event) => wss.broadcast(event.data);
 *   });
 * });
 * server.listen(8080);
 * ```
 */
export class WebSocketServer {
  /** The open sockets (when `clientTracking` is on). */
  readonly clients: Set<WebSocket> = new Set();
  readonly #options: WebSocketServerOptions;

  /**
   * Creates a server that accepts upgrades handed to it.
   *
   * @param options how to accept and run connections
   */
  constructor(options: WebSocketServerOptions = {}) {
    this.#options = options;
  }

  /**
   * Answers an upgrade request on its raw socket: a 101 and a socket for
   * `callback`, or an error answer (400, 403, 426) and the socket closed.
   *
   * @param req the request of the `upgrade` event
   * @param socket its socket
   * @param head the bytes after the request head
   * @param callback receives the open socket (reading starts after it returns)
   * @returns false when the request was refused
   */
  handleUpgrade(
    req: IncomingMessage,
    socket: Socket,
    head: Uint8Array,
    callback: (ws: WebSocket, req: IncomingMessage) => void,
  ): boolean {
    const raw = req.rawHeaders;
    const pairs: Array<[string, string]> = [];
    for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i], raw[i + 1]]);
    let accepted: AcceptedHandshake;
    try {
      accepted = accept(req.method ?? "GET", req.httpVersion, pairs, this.#options);
    } catch (error) {
      const status = error instanceof WebSocketError && error.status !== undefined
        ? error.status
        : 400;
      const extra = error instanceof WebSocketError ? error.headers ?? [] : [];
      const lines = [
        `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Bad Request"}`,
        "Connection: close",
        "Content-Length: 0",
      ];
      for (const [name, value] of extra) lines.push(`${name}: ${value}`);
      socket.end(new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n"));
      return false;
    }
    const lines = ["HTTP/1.1 101 Switching Protocols"];
    for (const [name, value] of accepted.headers) lines.push(`${name}: ${value}`);
    socket.write(new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n"));
    const ws = new WebSocket(
      `ws://${req.headers.host ?? "localhost"}${req.url ?? "/"}`,
      SERVER_SIDE,
    );
    if (this.#options.clientTracking ?? true) {
      ws.addEventListener("open", () => this.clients.add(ws));
      ws.addEventListener("close", () => this.clients.delete(ws));
    }
    start(ws, accepted, this.#options, socketTransport(socket), head);
    callback(ws, req);
    return true;
  }

  /**
   * Starts the close handshake with every client (1001, "going away", by
   * default). New upgrades are still accepted: stop the HTTP server first.
   *
   * @param code the close code (default 1001)
   * @param reason the close reason (default none)
   */
  close(code = 1001, reason?: string): void {
    for (const client of this.clients) client.close(code, reason);
  }

  /**
   * Sends a message to every open client, encoded once.
   *
   * @param data the message
   * @returns how many clients it was queued for
   */
  broadcast(data: string | ArrayBufferLike | ArrayBufferView): number {
    return broadcast(this.clients, data);
  }
}

/**
 * Sends one message to many sockets, framing it once: server sockets without
 * compression all write the very same bytes; those compressing without
 * context takeover share one compressed frame. Sockets not open are skipped.
 *
 * @param sockets the receivers
 * @param data the message (a string is text, anything else binary)
 * @returns how many sockets it was queued for
 *
 * @example
 * ```ts ignore
 * import { broadcast } from "./mod.ts";
 *
 * setInterval(() => broadcast(room, JSON.stringify({ now: Date.now() })), 1000);
 * ```
 */
export function broadcast(
  sockets: Iterable<WebSocket>,
  data: string | ArrayBufferLike | ArrayBufferView | PreparedMessage,
): number {
  const message = data instanceof PreparedMessage ? data : new PreparedMessage(
    typeof data === "string"
      ? data
      : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data),
  );
  let sent = 0;
  for (const socket of sockets) {
    if (socket.readyState !== WebSocket.OPEN || sessionOfSocket(socket) === null) continue;
    socket.sendPrepared(message);
    sent++;
  }
  return sent;
}
