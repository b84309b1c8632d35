/**
 * {@linkcode WebSocket}: the WHATWG `WebSocket` on both runtimes, over
 * wirestack's HTTP client (its `Agent`, proxies and, where the client speaks
 * it, TLS for `wss:`), with what the browser API lacks: custom request
 * headers, `permessage-deflate` settings, `maxPayload`, a heartbeat, `ping()`,
 * and close events that say why (`cause`); `ping`, `pong` (a `MessageEvent`
 * with the bytes) and `drain` (the send queue emptied) events. The server side of
 * `upgradeWebSocket` and `WebSocketServer` hands out the same class.
 *
 * @example Echo one message
 * ```ts ignore
 * import { WebSocket } from "./mod.ts";
 *
 * const socket = new WebSocket("ws://127.0.0.1:8080/", {
 *   headers: { Authorization: "Bearer abc" },
 *   heartbeat: { interval: 20_000 },
 * });
 * socket.onopen = () => socket.send("hello");
 * socket.onmessage = (event) => {
 *   console.log(event.data);
 *   socket.close(1000, "done");
 * };
 * socket.onclose = (event) => console.log(event.code, event.cause);
 * ```
 *
 * @module
 */

import type { Agent } from "../http/agent.ts";
import { request } from "../http/client_request.ts";
import type { ClientTlsOptions } from "../http/client_tls.ts";
import {
  createClientHandshake,
  isValidCloseCode,
  type PreparedMessage,
  verifyHandshakeResponse,
  WebSocketConnection,
  WebSocketError,
} from "../protocols/websocket/mod.ts";
import { deflateSettings } from "./_deflate_settings.ts";
import { type CloseInfo, Session } from "./_session.ts";
import { socketTransport, type Transport } from "./_transport.ts";
import { CloseEvent, ErrorEvent } from "./events.ts";
import type { WebSocketOptions } from "./options.ts";

/** Options of a client {@linkcode WebSocket} (the second argument, instead of protocols). */
export interface WebSocketClientOptions extends WebSocketOptions {
  /** Subprotocols to offer, in order of preference. */
  protocols?: string | string[];
  /** Extra handshake header fields (`Cookie`, `Authorization` ...). */
  headers?: Record<string, string> | Iterable<readonly [string, string]>;
  /** The `Origin` to send (default none). */
  origin?: string;
  /** The HTTP client's pool, with its proxy (default: a one-connection agent). */
  agent?: Agent;
  /** Milliseconds for the opening handshake (default 30,000). */
  handshakeTimeout?: number;
  /** What a `wss:` connection trusts and presents (`ca`, `servername`, a client certificate). */
  tls?: ClientTlsOptions;
}

/** The `binaryType` values: how binary messages are delivered. */
export type BinaryType = "blob" | "arraybuffer";

/** The data `send` accepts. */
export type WebSocketData = string | ArrayBufferLike | ArrayBufferView | Blob;

/** An `on*` handler: a listener, or null. */
export type Handler<E extends Event> = ((event: E) => void) | null;

const CONNECTING = 0 as const;
const OPEN = 1 as const;
const CLOSING = 2 as const;
const CLOSED = 3 as const;

const textDecoder = new TextDecoder();
const encoder = new TextEncoder();

/** The marker of a server-side socket (see `_accept.ts`). */
export const SERVER_SIDE: WebSocketClientOptions = Object.freeze({});

/** What a server hands to a socket once its 101 is written. */
export interface ServerSideInit {
  connection: WebSocketConnection;
  transport: Transport;
  head: Uint8Array;
  options: WebSocketOptions;
  protocol: string;
  extensions: string;
}

let attachServer: (socket: WebSocket, init: ServerSideInit) => void;
let sessionOf: (socket: WebSocket) => Session | null;

/** For `upgrade.ts`: starts a server-side socket on its connection. */
export function startServerSide(socket: WebSocket, init: ServerSideInit): void {
  attachServer(socket, init);
}

/** For `broadcast`: the live session under a socket, or null. */
export function sessionOfSocket(socket: WebSocket): Session | null {
  return sessionOf(socket);
}

function bytesOf(data: ArrayBufferLike | ArrayBufferView): Uint8Array {
  if (ArrayBuffer.isView(data)) {
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  }
  return new Uint8Array(data);
}

function invalidState(message: string): DOMException {
  return new DOMException(message, "InvalidStateError");
}

/**
 * A WebSocket connection with the WHATWG API (see the module doc).
 *
 * @example Connect, send, and close
 * ```ts ignore
 * import { WebSocket } from "./mod.ts";
 *
 * const socket = new WebSocket("ws://127.0.0.1:8080/chat", ["chat"]);
 * socket.binaryType = "arraybuffer";
 * socket.addEventListener("open", () => socket.send(new Uint8Array([1, 2, 3])));
 * socket.addEventListener("close", (event) => console.log(event.code, event.cause));
 * ```
 */
export class WebSocket extends EventTarget {
  /** The state before the handshake completes. */
  static readonly CONNECTING: 0 = CONNECTING;
  /** The state while messages flow. */
  static readonly OPEN: 1 = OPEN;
  /** The state after a Close was sent or received. */
  static readonly CLOSING: 2 = CLOSING;
  /** The state once the connection is gone. */
  static readonly CLOSED: 3 = CLOSED;
  /** {@linkcode WebSocket.CONNECTING} on the instance. */
  readonly CONNECTING: 0 = CONNECTING;
  /** {@linkcode WebSocket.OPEN} on the instance. */
  readonly OPEN: 1 = OPEN;
  /** {@linkcode WebSocket.CLOSING} on the instance. */
  readonly CLOSING: 2 = CLOSING;
  /** {@linkcode WebSocket.CLOSED} on the instance. */
  readonly CLOSED: 3 = CLOSED;

  /** The URL connected to (for a server-side socket, the request's URL). */
  readonly url: string;
  #readyState: number = CONNECTING;
  #protocol = "";
  #extensions = "";
  #binaryType: BinaryType = "blob";
  #session: Session | null = null;
  #abortHandshake: (() => void) | null = null;
  #pendingClose: { code?: number; reason?: string } | null = null;
  #sendChain: Promise<void> | null = null;
  #queued = 0;
  #origin: string | undefined;
  #serverSide = false;

  #onopen: Handler<Event> = null;
  #onmessage: Handler<MessageEvent> = null;
  #onclose: Handler<CloseEvent> = null;
  #onerror: Handler<ErrorEvent> = null;

  static {
    attachServer = (socket, init) => socket.#startServer(init);
    sessionOf = (socket) => socket.#session;
  }

  /**
   * Opens a connection.
   *
   * @param url a `ws:` or `wss:` URL (`http:` and `https:` are mapped to them)
   * @param protocols subprotocols to offer, or the options
   * @throws {DOMException} `SyntaxError` for a bad URL or bad subprotocols
   */
  constructor(url: string | URL, protocols?: string | string[] | WebSocketClientOptions) {
    super();
    const options: WebSocketClientOptions =
      typeof protocols === "string" || Array.isArray(protocols) ? { protocols } : protocols ?? {};
    if (options === SERVER_SIDE) {
      this.url = String(url);
      this.#serverSide = true;
      return;
    }
    let handshake;
    try {
      handshake = createClientHandshake({
        url,
        ...(options.protocols === undefined ? {} : { protocols: options.protocols }),
        ...(options.origin === undefined ? {} : { origin: options.origin }),
        ...(options.headers === undefined ? {} : { headers: options.headers }),
        perMessageDeflate: deflateSettings(options.deflate)?.negotiate ?? false,
      });
    } catch (error) {
      throw new DOMException((error as Error).message, "SyntaxError");
    }
    this.url = handshake.url.href;
    this.#connect(handshake, options);
  }

  /** `CONNECTING` (0), `OPEN` (1), `CLOSING` (2) or `CLOSED` (3). */
  get readyState(): number {
    return this.#readyState;
  }

  /** The subprotocol the server selected, or `""`. */
  get protocol(): string {
    return this.#protocol;
  }

  /** The extensions in use (the response's `Sec-WebSocket-Extensions`), or `""`. */
  get extensions(): string {
    return this.#extensions;
  }

  /** Bytes of frames queued and not yet handed to the system. */
  get bufferedAmount(): number {
    return this.#queued + (this.#session?.bufferedAmount ?? 0);
  }

  /** How binary messages arrive: `"blob"` (default, as WHATWG) or `"arraybuffer"`. */
  get binaryType(): BinaryType {
    return this.#binaryType;
  }

  set binaryType(value: BinaryType) {
    if (value === "blob" || value === "arraybuffer") this.#binaryType = value;
  }

  /** The `open` handler. */
  get onopen(): Handler<Event> {
    return this.#onopen;
  }
  set onopen(handler: Handler<Event>) {
    this.#onopen = this.#swap("open", this.#onopen, handler);
  }

  /** The `message` handler. */
  get onmessage(): Handler<MessageEvent> {
    return this.#onmessage;
  }
  set onmessage(handler: Handler<MessageEvent>) {
    this.#onmessage = this.#swap("message", this.#onmessage, handler);
  }

  /** The `close` handler. */
  get onclose(): Handler<CloseEvent> {
    return this.#onclose;
  }
  set onclose(handler: Handler<CloseEvent>) {
    this.#onclose = this.#swap("close", this.#onclose, handler);
  }

  /** The `error` handler. */
  get onerror(): Handler<ErrorEvent> {
    return this.#onerror;
  }
  set onerror(handler: Handler<ErrorEvent>) {
    this.#onerror = this.#swap("error", this.#onerror, handler);
  }

  /**
   * Sends a message: a string as text, anything else as binary. After
   * `close()` the data is dropped (as WHATWG says).
   *
   * @param data the message
   * @throws {DOMException} `InvalidStateError` while connecting
   */
  send(data: WebSocketData): void {
    if (this.#readyState === CONNECTING) throw invalidState("the WebSocket is still connecting");
    if (this.#readyState !== OPEN) return;
    if (typeof Blob !== "undefined" && data instanceof Blob) {
      // A Blob is read asynchronously; what is sent after it waits its turn.
      const size = data.size;
      const read = data.arrayBuffer();
      this.#later(size, () =>
        read.then(
          (buffer) => void this.#session?.send(new Uint8Array(buffer), true),
          () => {},
        ));
      return;
    }
    if (this.#sendChain !== null) {
      const copy = typeof data === "string" ? data : bytesOf(data as ArrayBufferLike).slice();
      const size = typeof copy === "string" ? encoder.encode(copy).length : copy.length;
      this.#later(size, () => void this.#session?.send(copy, typeof copy !== "string"));
      return;
    }
    const session = this.#session as Session;
    if (typeof data === "string") session.send(data, false);
    else session.send(bytesOf(data as ArrayBufferLike), true);
  }

  /**
   * Starts the close handshake.
   *
   * @param code 1000 or 3000-4999 (default: none sent); a server-side socket
   *   may also send 1001-1003 and 1007-1014
   * @param reason at most 123 UTF-8 bytes
   * @throws {DOMException} `InvalidAccessError` for another code, `SyntaxError` for a long reason
   */
  close(code?: number, reason?: string): void {
    if (code !== undefined && code !== 1000 && !(code >= 3000 && code <= 4999)) {
      // WHATWG limits scripts to these; a server may send any code RFC 6455 allows.
      if (!this.#serverSide || !(Number.isInteger(code) && isValidCloseCode(code))) {
        throw new DOMException(
          `close code ${code} is not 1000 nor 3000-4999`,
          "InvalidAccessError",
        );
      }
    }
    if (reason !== undefined && encoder.encode(reason).length > 123) {
      throw new DOMException("a close reason has at most 123 bytes", "SyntaxError");
    }
    if (this.#readyState === CLOSING || this.#readyState === CLOSED) return;
    if (this.#readyState === CONNECTING) {
      if (this.#abortHandshake !== null) {
        this.#abortHandshake();
        return;
      }
      this.#pendingClose = {
        ...(code === undefined ? {} : { code }),
        ...(reason === undefined ? {} : { reason }),
      };
      this.#readyState = CLOSING;
      return;
    }
    this.#readyState = CLOSING;
    const session = this.#session as Session;
    if (this.#sendChain !== null) {
      this.#later(0, () => session.close(code, reason));
    } else session.close(code, reason);
  }

  /**
   * Sends a Ping (not in the WHATWG API).
   *
   * @param data up to 125 bytes
   */
  ping(data: Uint8Array | string = new Uint8Array(0)): void {
    if (this.#readyState === CONNECTING) throw invalidState("the WebSocket is still connecting");
    this.#session?.ping(data);
  }

  /** Drops the connection without a close handshake (not in the WHATWG API). */
  terminate(): void {
    if (this.#abortHandshake !== null) this.#abortHandshake();
    else this.#session?.terminate("local");
  }

  /**
   * Sends a message prepared once for many receivers (see `broadcast`).
   *
   * @param message the prepared message
   * @returns false when it waits above the transport's mark or was dropped
   */
  sendPrepared(message: PreparedMessage): boolean {
    if (this.#readyState !== OPEN || this.#sendChain !== null) {
      if (this.#readyState === OPEN) {
        this.send(message.binary ? message.data : textDecoder.decode(message.data));
      }
      return false;
    }
    return (this.#session as Session).sendPrepared(message);
  }

  /**
   * Stops reading from the peer (back-pressure; not in the WHATWG API).
   */
  pause(): void {
    this.#session?.pause();
  }

  /** Goes on reading after {@linkcode WebSocket.pause}. */
  resume(): void {
    this.#session?.resume();
  }

  /** Queues a send behind the Blobs being read; the queue empties itself. */
  #later(size: number, step: () => Promise<void> | void): void {
    this.#queued += size;
    const tail: Promise<void> = (this.#sendChain ?? Promise.resolve()).then(step).then(() => {
      this.#queued -= size;
      if (this.#sendChain === tail) this.#sendChain = null;
    });
    this.#sendChain = tail;
  }

  #swap<E extends Event>(type: string, old: Handler<E>, next: Handler<E>): Handler<E> {
    if (old !== null) this.removeEventListener(type, old as EventListener);
    if (typeof next === "function") this.addEventListener(type, next as EventListener);
    return typeof next === "function" ? next : null;
  }

  #startServer(init: ServerSideInit): void {
    this.#protocol = init.protocol;
    this.#extensions = init.extensions;
    this.#open(init.connection, init.transport, init.head, init.options);
  }

  #open(
    connection: WebSocketConnection,
    transport: Transport,
    head: Uint8Array,
    options: WebSocketOptions,
  ): void {
    const session = new Session(connection, transport, {
      message: (data, binary) => this.#message(data, binary),
      ping: (data) => this.dispatchEvent(new MessageEvent("ping", { data })),
      pong: (data) => this.dispatchEvent(new MessageEvent("pong", { data })),
      closing: () => {
        if (this.#readyState === OPEN) this.#readyState = CLOSING;
      },
      closed: (info) => this.#closed(info),
      drain: () => this.dispatchEvent(new Event("drain")),
    }, {
      ...(options.heartbeat === undefined ? {} : { heartbeat: options.heartbeat }),
      ...(options.closeTimeout === undefined ? {} : { closeTimeout: options.closeTimeout }),
      ...(options.slowConsumer === undefined ? {} : { slowConsumer: options.slowConsumer }),
    });
    this.#session = session;
    const pendingClose = this.#pendingClose;
    this.#readyState = OPEN;
    this.dispatchEvent(new Event("open"));
    if (pendingClose !== null && this.#readyState === OPEN) {
      this.close(pendingClose.code, pendingClose.reason);
    }
    // Reading starts once the code that got the socket (the `open` listeners,
    // a `handleUpgrade` callback) has set its handlers.
    queueMicrotask(() => session.start(head));
  }

  #message(data: Uint8Array, binary: boolean): void {
    if (this.#readyState !== OPEN) return;
    let payload: string | ArrayBuffer | Blob;
    if (!binary) payload = textDecoder.decode(data);
    else {
      const buffer = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength
        ? data.buffer as ArrayBuffer
        : data.slice().buffer;
      payload = this.#binaryType === "blob" ? new Blob([buffer]) : buffer;
    }
    this.dispatchEvent(
      new MessageEvent("message", {
        data: payload,
        origin: this.#origin ??= new URL(this.url).origin,
      }),
    );
  }

  #closed(info: CloseInfo): void {
    this.#readyState = CLOSED;
    this.#session = null;
    if (!info.wasClean && info.cause !== "local") {
      this.dispatchEvent(
        new ErrorEvent("error", {
          error: info.error,
          message: info.error?.message ?? "connection closed",
        }),
      );
    }
    this.dispatchEvent(
      new CloseEvent("close", {
        code: info.code,
        reason: info.reason,
        wasClean: info.wasClean,
        cause: info.cause,
        ...(info.error === undefined ? {} : { error: info.error }),
      }),
    );
  }

  #connect(
    handshake: ReturnType<typeof createClientHandshake>,
    options: WebSocketClientOptions,
  ): void {
    const deflate = deflateSettings(options.deflate);
    const target = new URL(handshake.url.href);
    target.protocol = handshake.secure ? "https:" : "http:";
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      this.#abortHandshake = null;
      this.#closed({ code: 1006, reason: "", wasClean: false, cause: "handshake", error });
    };
    const req = request(target, {
      method: "GET",
      headers: handshake.headers,
      setHost: false,
      agent: options.agent ?? false,
      ...(options.tls === undefined ? {} : { tls: options.tls }),
    });
    const timer = setTimeout(() => {
      req.destroy();
      fail(new WebSocketError("ERR_HANDSHAKE_STATUS", "the opening handshake timed out"));
    }, options.handshakeTimeout ?? 30_000);
    this.#abortHandshake = () => {
      req.destroy();
      fail(new WebSocketError("ERR_CONNECTION_CLOSED", "closed before the handshake completed"));
    };
    req.on("error", (error) => fail(error));
    req.on("response", (response) => {
      response.resume();
      req.destroy();
      fail(
        new WebSocketError(
          "ERR_HANDSHAKE_STATUS",
          `the server answered ${response.statusCode}, not 101`,
        ),
      );
    });
    req.on("upgrade", (response, socket, head) => {
      if (settled) {
        socket.destroy();
        return;
      }
      settled = true;
      clearTimeout(timer);
      this.#abortHandshake = null;
      const raw = response.rawHeaders;
      const pairs: Array<[string, string]> = [];
      for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i], raw[i + 1]]);
      let agreed;
      try {
        agreed = verifyHandshakeResponse(handshake, {
          status: response.statusCode,
          headers: pairs,
        });
      } catch (error) {
        socket.destroy();
        this.#closed({
          code: 1006,
          reason: "",
          wasClean: false,
          cause: "handshake",
          error: error as Error,
        });
        return;
      }
      this.#protocol = agreed.protocol;
      this.#extensions = agreed.extensions;
      const connection = new WebSocketConnection({
        role: "client",
        ...(options.maxPayload === undefined ? {} : { maxPayload: options.maxPayload }),
        perMessageDeflate: agreed.perMessageDeflate,
        ...(agreed.perMessageDeflate !== null && deflate !== null
          ? {
            deflate: deflate.provider,
            ...(deflate.threshold === undefined ? {} : { compressionThreshold: deflate.threshold }),
          }
          : {}),
      });
      this.#open(connection, socketTransport(socket), head, options);
    });
    req.end();
  }
}
