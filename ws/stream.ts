/**
 * {@linkcode WebSocketStream}: the WHATWG `WebSocketStream` shape (`opened`,
 * `closed`, `close()`) over wirestack's {@linkcode WebSocket}, with real
 * back-pressure both ways: the readable stops reading from the socket while
 * its queue is full (the peer's TCP window then fills), and each write waits
 * while more than `highWaterMark` bytes are queued for sending, until the
 * queue drains to `lowWaterMark`. Slow peers can be dropped with the
 * `slowConsumer` policy.
 *
 * @example Echo with back-pressure
 * ```ts ignore
 * import { WebSocketStream } from "./mod.ts";
 *
 * const stream = new WebSocketStream("ws://127.0.0.1:8080/");
 * const { readable, writable } = await stream.opened;
 * await readable.pipeTo(writable);
 * ```
 *
 * @module
 */

import type { CloseCause } from "./events.ts";
import { WebSocket, type WebSocketClientOptions } from "./websocket.ts";

/** Options of a {@linkcode WebSocketStream}. */
export interface WebSocketStreamOptions extends WebSocketClientOptions {
  /** Closes the connection (or aborts the handshake) when it aborts. */
  signal?: AbortSignal;
  /** Messages the readable queues before reading from the socket pauses (default 16). */
  readableHighWaterMark?: number;
  /** Bytes queued for sending above which writes wait (default 1 MiB). */
  highWaterMark?: number;
  /** Bytes the send queue must drain to before waiting writes go on (default 256 KiB). */
  lowWaterMark?: number;
}

/** What `opened` resolves to. */
export interface WebSocketStreamConnection {
  /** Messages: strings for text, `Uint8Array`s for binary. */
  readable: ReadableStream<string | Uint8Array>;
  /** Send messages: strings as text, bytes as binary. */
  writable: WritableStream<string | Uint8Array | ArrayBuffer>;
  /** The selected subprotocol. */
  protocol: string;
  /** The extensions in use. */
  extensions: string;
}

/** What `closed` resolves to. */
export interface WebSocketCloseInfo {
  /** The close code. */
  closeCode: number;
  /** The close reason. */
  reason: string;
  /** Why the connection ended. */
  cause: CloseCause;
}

/**
 * A WebSocket as a pair of streams (see the module doc).
 *
 * @example
 * ```ts ignore
 * import { WebSocketStream } from "./mod.ts";
 *
 * const stream = new WebSocketStream("ws://127.0.0.1:8080/", { highWaterMark: 1 << 20 });
 * const { writable } = await stream.opened;
 * const writer = writable.getWriter();
 * for (let i = 0; i < 1000; i++) await writer.write(new Uint8Array(65536)); // waits when the peer is slow
 * stream.close({ closeCode: 1000, reason: "done" });
 * ```
 */
export class WebSocketStream {
  /** The URL. */
  readonly url: string;
  /** Resolves once open; rejects when the handshake fails. */
  readonly opened: Promise<WebSocketStreamConnection>;
  /** Resolves when the connection closes cleanly; rejects otherwise (with the error). */
  readonly closed: Promise<WebSocketCloseInfo>;
  readonly #socket: WebSocket;

  /**
   * Opens the connection (or wraps an open socket).
   *
   * @param url a `ws:` or `wss:` URL, or an open or opening {@linkcode WebSocket} (a server-side one, say)
   * @param options the client options, the watermarks and an abort signal
   */
  constructor(url: string | URL | WebSocket, options: WebSocketStreamOptions = {}) {
    const socket = url instanceof WebSocket ? url : new WebSocket(url, options);
    this.#socket = socket;
    this.url = socket.url;
    socket.binaryType = "arraybuffer";
    const high = options.highWaterMark ?? 1 << 20;
    const low = options.lowWaterMark ?? Math.min(high, 256 << 10);
    let controller!: ReadableStreamDefaultController<string | Uint8Array>;
    let readerGone = false;
    const readable = new ReadableStream<string | Uint8Array>({
      start(c) {
        controller = c;
      },
      pull() {
        socket.resume();
      },
      cancel() {
        readerGone = true;
        socket.resume();
      },
    }, new CountQueuingStrategy({ highWaterMark: options.readableHighWaterMark ?? 16 }));
    socket.addEventListener("message", (event) => {
      if (readerGone) return;
      const data = (event as MessageEvent).data;
      controller.enqueue(typeof data === "string" ? data : new Uint8Array(data as ArrayBuffer));
      if ((controller.desiredSize ?? 1) <= 0) socket.pause();
    });
    const waitDrain = () =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (socket.bufferedAmount <= low || socket.readyState !== WebSocket.OPEN) {
            socket.removeEventListener("drain", check);
            socket.removeEventListener("close", check);
            resolve();
          }
        };
        socket.addEventListener("drain", check);
        socket.addEventListener("close", check);
        check();
      });
    const writable = new WritableStream<string | Uint8Array | ArrayBuffer>({
      async write(chunk) {
        if (socket.readyState !== WebSocket.OPEN) throw new TypeError("the WebSocket is not open");
        socket.send(chunk);
        if (socket.bufferedAmount > high) await waitDrain();
      },
      close() {
        socket.close(1000);
      },
      abort() {
        socket.close(1000);
      },
    });
    this.opened = new Promise((resolve, reject) => {
      const onOpen = () =>
        resolve({ readable, writable, protocol: socket.protocol, extensions: socket.extensions });
      if (socket.readyState === WebSocket.OPEN) onOpen();
      else socket.addEventListener("open", onOpen, { once: true });
      socket.addEventListener("close", (event) => {
        if (socket.readyState === WebSocket.CLOSED) {
          reject((event as unknown as { error?: Error }).error ?? new Error("closed"));
        }
      }, { once: true });
    });
    this.closed = new Promise((resolve, reject) => {
      socket.addEventListener("close", (event) => {
        const close = event as unknown as {
          code: number;
          reason: string;
          wasClean: boolean;
          cause: CloseCause;
          error?: Error;
        };
        if (!readerGone) {
          try {
            if (close.wasClean) controller.close();
            else controller.error(close.error ?? new Error("the connection closed"));
          } catch {
            // already closed by the reader
          }
        }
        if (close.wasClean) {
          resolve({ closeCode: close.code, reason: close.reason, cause: close.cause });
        } else reject(close.error ?? new Error(`closed with ${close.code}`));
      }, { once: true });
    });
    // Nobody may be listening to these; their outcome is also in the events.
    this.opened.catch(() => {});
    this.closed.catch(() => {});
    const signal = options.signal;
    if (signal !== undefined) {
      const onAbort = () =>
        socket.readyState === WebSocket.CONNECTING ? socket.terminate() : socket.close(1000);
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    }
  }

  /**
   * Starts the close handshake.
   *
   * @param info the close code (1000 or 3000-4999) and reason
   */
  close(info: { closeCode?: number; reason?: string } = {}): void {
    this.#socket.close(
      info.closeCode ?? (info.reason === undefined ? undefined : 1000),
      info.reason,
    );
  }
}
