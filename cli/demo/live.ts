// The demo's live channel: a WebSocket at /ws (wss on the HTTPS server) that
// carries chat messages to every open page and pushes the stats every second.
// The page's side is page/live_js.ts.

import type { ServeResponse } from "../../http/mod.ts";
import { broadcast, upgradeWebSocket, type WebSocket, WebSocketError } from "../../ws/mod.ts";
import { showHostPort } from "../_address.ts";
import type { Stats } from "./stats.ts";

/** The longest chat message relayed, in UTF-16 units. */
const MAX_CHAT = 500;

/** The /ws endpoint and its sockets. */
export class LiveChannel {
  readonly #stats: Stats;
  readonly #sockets = new Set<WebSocket>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #next = 1;

  constructor(stats: Stats) {
    this.#stats = stats;
    stats.websocket = true;
    this.#timer = setInterval(() => this.#push(), 1000);
  }

  #push(): void {
    if (this.#sockets.size === 0) return;
    broadcast(this.#sockets, JSON.stringify({ type: "stats", stats: this.#stats.snapshot() }));
  }

  /** Answers an upgrade request to /ws from `remote` (`host:port`). */
  handle(request: Request, remote: { hostname: string; port: number }): ServeResponse {
    const host = request.headers.get("host");
    let upgraded;
    try {
      upgraded = upgradeWebSocket(request, {
        // a page from another site may not talk to the demo (cross-site WebSocket hijacking)
        checkOrigin: (origin) =>
          origin === null || (host !== null && new URL(origin).host === host),
        maxPayload: 4096,
      });
    } catch (error) {
      if (!(error instanceof WebSocketError)) throw error;
      return new Response(`${error.message}\n`, {
        status: error.status ?? 400,
        headers: error.headers ?? [],
      });
    }
    const { socket, response } = upgraded;
    const name = `peer ${this.#next++}`;
    let row: ReturnType<Stats["opened"]> | undefined;
    socket.onopen = () => {
      row = this.#stats.opened("ws", showHostPort(remote.hostname, remote.port));
      this.#sockets.add(socket);
      socket.send(JSON.stringify({ type: "stats", stats: this.#stats.snapshot() }));
    };
    socket.onmessage = (event) => {
      this.#stats.request(row);
      let text: unknown;
      try {
        text = typeof event.data === "string" ? JSON.parse(event.data).text : undefined;
      } catch {
        text = undefined;
      }
      if (typeof text !== "string" || text === "") return;
      const message = { type: "chat", from: name, text: text.slice(0, MAX_CHAT) };
      for (const peer of this.#sockets) {
        peer.send(JSON.stringify({ ...message, self: peer === socket }));
      }
    };
    socket.onclose = () => {
      this.#sockets.delete(socket);
      if (row !== undefined) this.#stats.closed(row);
    };
    socket.onerror = () => {};
    return response;
  }

  /** Closes every socket (1001, going away) and waits for them, at most `ms`. */
  async close(ms = 2000): Promise<void> {
    clearInterval(this.#timer);
    const closing = [...this.#sockets].map((socket) =>
      new Promise<void>((resolve) => {
        socket.addEventListener("close", () => resolve(), { once: true });
        socket.close(1001, "the demo is stopping");
      })
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(closing),
      new Promise((resolve) => (timer = setTimeout(resolve, ms))),
    ]);
    clearTimeout(timer);
  }
}
