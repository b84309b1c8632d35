// Drives a sans-I/O `WebSocketConnection` over a transport: reads bytes into
// it, writes what it produces, runs the heartbeat and the close timers, and
// reports one close with its cause once the transport is gone.

import {
  encodeFrame,
  Opcode,
  type PreparedMessage,
  type WebSocketConnection,
  WebSocketError,
} from "../protocols/websocket/mod.ts";
import type { CloseCause } from "./events.ts";
import type { HeartbeatOptions, SlowConsumerOptions } from "./options.ts";
import type { Transport } from "./_transport.ts";

/** What the session reports to the socket object above it. */
export interface SessionHost {
  message(data: Uint8Array, binary: boolean): void;
  ping(data: Uint8Array): void;
  pong(data: Uint8Array): void;
  /** The peer's Close arrived (or a protocol error closed): no more messages. */
  closing(): void;
  closed(info: CloseInfo): void;
  drain(): void;
}

/** How a connection ended. */
export interface CloseInfo {
  code: number;
  reason: string;
  wasClean: boolean;
  cause: CloseCause;
  error?: Error;
}

/** Session settings. */
export interface SessionOptions {
  heartbeat?: HeartbeatOptions;
  closeTimeout?: number;
  slowConsumer?: SlowConsumerOptions;
}

const DEFAULT_CLOSE_TIMEOUT = 10_000;
/** How long an end waits for the other to close TCP after the close handshake. */
const LINGER = 2_000;

/** One live WebSocket over one transport. */
export class Session {
  readonly connection: WebSocketConnection;
  readonly #transport: Transport;
  readonly #host: SessionHost;
  readonly #client: boolean;
  readonly #closeTimeout: number;
  readonly #maxBuffered: number;
  readonly #dropSlow: boolean;
  #info: CloseInfo | null = null;
  #error: Error | null = null;
  #done = false;
  #dispatching = false;
  /** Set while messages that came before the peer's Close are dispatched. */
  #lateAnswers = false;
  #openBeforeReceive = true;
  #paused = false;
  #started = false;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #pongTimer: ReturnType<typeof setTimeout> | undefined;
  #heartbeatTimeout = 0;

  constructor(
    connection: WebSocketConnection,
    transport: Transport,
    host: SessionHost,
    options: SessionOptions = {},
  ) {
    this.connection = connection;
    this.#transport = transport;
    this.#host = host;
    this.#client = connection.role === "client";
    this.#closeTimeout = options.closeTimeout ?? DEFAULT_CLOSE_TIMEOUT;
    const slow = options.slowConsumer;
    this.#maxBuffered = slow === undefined ? Infinity : slow.maxBufferedAmount ?? 16 << 20;
    this.#dropSlow = slow?.policy === "drop";
    const heartbeat = options.heartbeat;
    if (heartbeat !== undefined) {
      const interval = heartbeat.interval ?? 30_000;
      this.#heartbeatTimeout = heartbeat.timeout ?? interval;
      this.#pingTimer = setInterval(() => this.#beat(), interval);
    }
  }

  /** Starts reading; `head` are bytes that came with the handshake. */
  start(head: Uint8Array): void {
    if (this.#done) return;
    const transport = this.#transport;
    transport.start({
      onData: (chunk) => this.#receive(chunk),
      onEnd: () => this.#ended(),
      onDrain: () => this.#host.drain(),
      onError: (error) => {
        this.#error ??= error;
      },
      onClosed: () => this.#transportClosed(),
    });
    this.#started = true;
    if (this.#paused) transport.pause();
    if (head.length > 0) this.#receive(head);
  }

  get bufferedAmount(): number {
    return this.#transport.writableLength;
  }

  /** Whether messages may still be sent. */
  get open(): boolean {
    return this.connection.state === "open" && !this.#done;
  }

  pause(): void {
    this.#paused = true;
    if (this.#started) this.#transport.pause();
  }

  resume(): void {
    this.#paused = false;
    if (this.#started) this.#transport.resume();
  }

  /** Sends a message; false when it waits above the transport's mark (or was dropped). */
  send(data: string | Uint8Array, binary: boolean): boolean {
    if (this.#lateAnswers && !this.#done) return this.#lateSend(data, binary);
    if (!this.open) return false;
    if (this.#transport.writableLength > this.#maxBuffered && this.#slow()) return false;
    const connection = this.connection;
    if (typeof data === "string" && !binary) return this.#write(connection.sendText(data));
    if (!binary) return this.#write(connection.send(data, { binary: false }));
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    if (bytes.length >= 16384) {
      const parts = connection.sendBinaryParts(bytes);
      if (parts.length === 1) return this.#write(parts[0]);
      this.#transport.cork();
      this.#transport.send(parts[0]);
      const more = this.#transport.send(parts[1]);
      this.#transport.uncork();
      return more;
    }
    return this.#write(connection.sendBinary(bytes));
  }

  /** Sends a message prepared once for many receivers. */
  sendPrepared(message: PreparedMessage): boolean {
    if (!this.open) return false;
    if (this.#transport.writableLength > this.#maxBuffered && this.#slow()) return false;
    return this.#write(this.connection.sendPrepared(message));
  }

  ping(data: Uint8Array | string): void {
    if (this.open) this.#write(this.connection.ping(data));
  }

  pong(data: Uint8Array | string): void {
    if (this.open) this.#write(this.connection.pong(data));
  }

  /** Starts the close handshake (validation errors throw before anything is sent). */
  close(code?: number, reason?: string): void {
    if (this.#done || this.connection.state !== "open") return;
    this.#write(this.connection.close(code, reason));
    this.#closeTimer = setTimeout(() => {
      this.#fail(
        "close-timeout",
        new WebSocketError("ERR_CLOSE_TIMEOUT", "the peer did not answer the Close"),
      );
    }, this.#closeTimeout);
  }

  /** Drops the connection at once (no close handshake). */
  terminate(cause: CloseCause = "network-error", error?: Error): void {
    this.#fail(cause, error ?? new WebSocketError("ERR_CONNECTION_CLOSED", "terminated"));
  }

  /**
   * A message answering one that arrived before the peer's Close, in the same
   * read: the core has already moved to `closed`, but its Close answer is not
   * written yet, so the answer still goes out first (uncompressed).
   */
  #lateSend(data: string | Uint8Array, binary: boolean): boolean {
    const payload = typeof data === "string" ? new TextEncoder().encode(data) : data;
    const maskKey = this.#client ? crypto.getRandomValues(new Uint8Array(4)) : undefined;
    return this.#write(encodeFrame({
      opcode: binary ? Opcode.BINARY : Opcode.TEXT,
      payload,
      ...(maskKey === undefined ? {} : { maskKey }),
    }));
  }

  #slow(): boolean {
    if (this.#dropSlow) return true;
    this.#fail(
      "network-error",
      new WebSocketError(
        "ERR_SLOW_CONSUMER",
        "the peer reads too slowly: more than the slow-consumer limit waits",
      ),
    );
    return true;
  }

  #write(bytes: Uint8Array): boolean {
    return this.#transport.send(bytes);
  }

  #receive(chunk: Uint8Array): void {
    if (this.#done) return;
    const connection = this.connection;
    const transport = this.#transport;
    transport.cork();
    try {
      this.#openBeforeReceive = connection.state === "open";
      connection.receive(chunk);
      this.#dispatch();
    } finally {
      transport.uncork();
    }
  }

  #dispatch(): void {
    if (this.#dispatching) return;
    this.#dispatching = true;
    const connection = this.connection;
    const host = this.#host;
    const wasOpen = this.#openBeforeReceive;
    try {
      for (;;) {
        const event = connection.nextEvent();
        if (event === null) break;
        switch (event.type) {
          case "text":
          case "binary":
            this.#lateAnswers = wasOpen && connection.state === "closed";
            host.message(event.data, event.type === "binary");
            this.#lateAnswers = false;
            break;
          case "ping": {
            // Its Pong goes out before answers to later messages.
            const output = connection.takeOutput();
            if (output !== null) this.#write(output);
            host.ping(event.data);
            break;
          }
          case "pong":
            clearTimeout(this.#pongTimer);
            this.#pongTimer = undefined;
            host.pong(event.data);
            break;
          case "close": {
            const output = connection.takeOutput();
            if (output !== null) this.#write(output);
            clearTimeout(this.#closeTimer);
            this.#stopHeartbeat();
            const cause: CloseCause = event.initiator === "remote"
              ? "remote"
              : event.initiator === "local"
              ? "local"
              : event.initiator === "error"
              ? "protocol-error"
              : "network-error";
            this.#info ??= {
              code: event.code,
              reason: event.reason,
              wasClean: event.wasClean,
              cause,
              ...(event.error === undefined ? {} : { error: event.error }),
            };
            host.closing();
            if (event.initiator === "transport") this.#transport.close();
            else {
              // A server closes TCP first; a client lets the server do it (RFC 6455
              // section 7.1.1), and either end gives up waiting after a while.
              if (!this.#client || event.initiator === "error") this.#transport.end();
              this.#closeTimer = setTimeout(() => this.#transport.close(), LINGER);
            }
            break;
          }
        }
      }
      const output = connection.takeOutput();
      if (output !== null) this.#write(output);
    } finally {
      this.#dispatching = false;
    }
  }

  #ended(): void {
    if (this.#done) return;
    if (this.connection.state !== "closed") {
      this.connection.receiveEnd();
      this.#dispatch();
    }
    this.#transport.close();
  }

  #beat(): void {
    if (!this.open) return;
    if (this.#pongTimer !== undefined) return;
    this.#write(this.connection.ping());
    this.#pongTimer = setTimeout(() => {
      this.#fail(
        "heartbeat-timeout",
        new WebSocketError(
          "ERR_HEARTBEAT_TIMEOUT",
          "no Pong came back within the heartbeat timeout",
        ),
      );
    }, this.#heartbeatTimeout);
  }

  #stopHeartbeat(): void {
    clearInterval(this.#pingTimer);
    clearTimeout(this.#pongTimer);
    this.#pingTimer = undefined;
    this.#pongTimer = undefined;
  }

  #fail(cause: CloseCause, error: Error): void {
    if (this.#done) return;
    if (this.#info === null || !this.#info.wasClean) {
      this.#info = { code: 1006, reason: "", wasClean: false, cause, error };
    }
    this.#transport.close();
    if (!this.#started) this.#transportClosed(); // no sink yet to hear of it
  }

  #transportClosed(): void {
    if (this.#done) return;
    if (this.connection.state !== "closed") {
      this.connection.receiveEnd();
      this.#dispatch();
    }
    this.#done = true;
    clearTimeout(this.#closeTimer);
    this.#stopHeartbeat();
    let info = this.#info ?? { code: 1006, reason: "", wasClean: false, cause: "network-error" };
    const error = this.#error;
    if (error !== null && info.cause === "network-error" && info.error === undefined) {
      info = { ...info, error };
    }
    if (info.code === 1006 && info.cause === "network-error" && info.error === undefined) {
      info = {
        ...info,
        error: new WebSocketError(
          "ERR_CONNECTION_CLOSED",
          "the connection closed without a close handshake",
        ),
      };
    }
    this.#host.closed(info);
  }
}
