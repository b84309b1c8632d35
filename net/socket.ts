/**
 * The chapter's TCP socket: a duplex byte stream with Node's events and methods,
 * and web streams (`readable`, `writable`) for `pipeTo`.
 *
 * @module
 */

import {
  type Addr,
  type Conn,
  type ConnHandler,
  type LookupAddress,
  NetError,
  type Transport,
  transport as runtimeTransport,
} from "../adapters/mod.ts";
import { Emitter, type EventMap } from "./emitter.ts";
import { CONNECTION_ATTEMPT_DELAY, happyEyeballs } from "./_happy_eyeballs.ts";
import { nextTurn, type Timer, unrefTimeout } from "./_timers.ts";
import { connectArguments } from "./_connect_arguments.ts";

/** The events of a {@linkcode Socket} and the arguments their listeners get. */
export interface SocketEvents {
  /** An attempt to one address starts (Happy Eyeballs may make several). */
  connectionAttempt: [address: string, port: number, family: 4 | 6];
  /** An attempt to one address failed; others may follow. */
  connectionAttemptFailed: [address: string, port: number, family: 4 | 6, error: NetError];
  /** The connection is established. */
  connect: [];
  /** The socket is ready to use (right after `connect`). */
  ready: [];
  /** Bytes arrived; the chunk is the listener's to keep. */
  data: [chunk: Uint8Array];
  /** The peer ended its side (FIN): no more `data`. */
  end: [];
  /** The write buffer emptied after `write()` returned `false`. */
  drain: [];
  /** Everything written before `end()` was handed to the system, and FIN sent. */
  finish: [];
  /** The socket was idle for the `setTimeout` delay. It stays open. */
  timeout: [];
  /** Something failed (`ECONNREFUSED`, `ECONNRESET`, `EPIPE` ...); `close` follows. */
  error: [error: Error];
  /** The socket is fully closed; `hadError` says whether an `error` came first. */
  close: [hadError: boolean];
}

/** Options of a {@linkcode Socket} (and of `connect`, which adds where to). */
export interface SocketOptions {
  /**
   * Keeps the socket writable after the peer's `end` (default `false`: the
   * socket ends its side too, as Node's does).
   */
  allowHalfOpen?: boolean;
  /** Turns Nagle's algorithm off (default `true`, unlike Node's `false`). */
  noDelay?: boolean;
  /** Turns TCP keep-alive probes on (default `false`). */
  keepAlive?: boolean;
  /** Milliseconds of idleness before the first keep-alive probe (Node only; default 0). */
  keepAliveInitialDelay?: number;
  /** The idle timeout in milliseconds (see `setTimeout`; default none). */
  timeout?: number;
  /** Destroys the socket when it aborts. */
  signal?: AbortSignal;
  /** Chunks the `readable` stream buffers before it stops reading (default 1). */
  readableHighWaterMark?: number;
  /**
   * Node's zero-copy reading: every read goes into `buffer` (the same memory each
   * time) and `callback(bytesRead, buffer)` gets it, instead of `data` events
   * (none are emitted). Returning `false` pauses the socket. No memory is taken
   * per read: the fastest way to consume a socket on either runtime.
   */
  onread?: {
    /** The buffer every read goes into (or a function that makes it, called once). */
    buffer: Uint8Array | (() => Uint8Array);
    /** Called with the bytes read into `buffer[0, bytesRead)`; `false` pauses. */
    callback(bytesRead: number, buffer: Uint8Array): boolean | void;
  };
  /** An already connected adapter connection to wrap (how servers make their sockets). */
  conn?: Conn;
  /** The adapter to connect with (default: the running runtime's). */
  transport?: Transport;
}

/** Where and how {@linkcode Socket.connect} connects. */
export interface SocketConnectOptions {
  /** The port (TCP). */
  port?: number;
  /** The host name or IP address (default `"localhost"`). */
  host?: string;
  /** A Unix domain socket path, instead of `port` and `host`. */
  path?: string;
  /** Only this IP family (4 or 6); 0 (default) for both. */
  family?: 0 | 4 | 6;
  /** Resolves a name (default: the system resolver, `getaddrinfo`). */
  lookup?: (hostname: string, options: { family: 4 | 6 }) => Promise<LookupAddress[]>;
  /**
   * Races the addresses of a name (Happy Eyeballs, RFC 8305; default `true`).
   * With `false`, addresses are tried one after the other.
   */
  autoSelectFamily?: boolean;
  /** Milliseconds before the next address is tried alongside (default 250, at least 10). */
  autoSelectFamilyAttemptTimeout?: number;
  /** Gives up with `ETIMEDOUT` when not connected after this many milliseconds (default none). */
  connectTimeout?: number;
}

/** An address as `address()` reports it. */
export interface AddressInfo {
  /** The IP address. */
  address: string;
  /** `"IPv4"` or `"IPv6"`. */
  family: "IPv4" | "IPv6";
  /** The port. */
  port: number;
}

/** Called once written bytes are handed to the system (`null`), or with the error. */
export type WriteCallback = (error?: Error | null) => void;

// The bits of Socket.#flags.
const ALLOW_HALF_OPEN = 1;
const NO_DELAY = 2;
const KEEP_ALIVE = 4;
const REF = 8;
const CONNECTING = 16;
const CONN_PAUSED = 32;
const END_PENDING = 64;
const DRAINING = 128;
const READ_ENDED = 256;
const WRITE_ENDED = 512;
const FINISHED = 1024;
const DESTROYED = 2048;
const CLOSE_EMITTED = 4096;

/** `write()` returns `false` once this many bytes wait (the adapters' high-water mark too). */
const WRITE_HIGH_WATER = 16384;
/** Bytes read ahead and kept while nobody reads (not flowing), as Node's 16 KiB. */
const READ_AHEAD = 16384;

const encoder = new TextEncoder();

function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === "string" ? encoder.encode(data) : data;
}

function closedError(syscall: string): NetError {
  return new NetError("ERR_SOCKET_CLOSED", `${syscall} on a destroyed socket`, { syscall });
}

// The connection calls the socket through this small object (one per socket)
// instead of closures, and through these functions, which the Socket class
// fills in from a static block so that they can reach its private members.
let socketOnData: (socket: Socket, chunk: Uint8Array) => void;
let socketOnEnd: (socket: Socket) => void;
let socketOnDrain: (socket: Socket) => void;
let socketOnError: (socket: Socket, error: NetError) => void;

class Bridge implements ConnHandler {
  readonly socket: Socket;
  /** Set once the socket gave its connection away (`release()`): nothing more reaches it. */
  released = false;
  constructor(socket: Socket) {
    this.socket = socket;
  }
  onData(chunk: Uint8Array): void {
    if (!this.released) socketOnData(this.socket, chunk);
  }
  onEnd(): void {
    if (!this.released) socketOnEnd(this.socket);
  }
  onDrain(): void {
    if (!this.released) socketOnDrain(this.socket);
  }
  onError(error: NetError): void {
    if (!this.released) socketOnError(this.socket, error);
  }
}

/**
 * A TCP (or Unix domain) socket: Node's `net.Socket`, over wirestack's adapters.
 *
 * Reading starts when a `data` listener is added, when `resume()` is called, or
 * when `readable` is read; until then bytes wait in the system, which pushes
 * back on the peer. `write()` returns `false` once 16 KiB wait, and `drain`
 * says when to go on. An `error` nobody listens to never throws: it is kept in
 * `errored` and the socket closes (see `net/emitter.ts`).
 *
 * @typeParam E the event map, for subclasses that add events (a TLS socket)
 *
 * @example Talk to an echo server
 * ```ts
 * import { type AddressInfo, connect, createServer, once } from "./mod.ts";
 *
 * const server = createServer((socket) => socket.on("data", (bytes) => socket.write(bytes)));
 * server.listen(0, "127.0.0.1");
 * await once(server, "listening");
 *
 * const { port } = server.address() as AddressInfo;
 * const client = connect({ port, host: "127.0.0.1" });
 * client.write("hello");
 * const [reply] = await once(client, "data");
 * console.log(new TextDecoder().decode(reply)); // "hello"
 * client.destroy();
 * server.close();
 * ```
 *
 * @example Pipe one socket into another with web streams
 * ```ts ignore
 * import type { Socket } from "./mod.ts";
 *
 * declare const a: Socket, b: Socket;
 * await a.readable.pipeTo(b.writable); // ends b when a ends
 * ```
 */
export class Socket<E extends SocketEvents & EventMap<E> = SocketEvents> extends Emitter<E> {
  static {
    socketOnData = (socket, chunk) => socket.#onData(chunk);
    socketOnEnd = (socket) => socket.#onEnd();
    socketOnDrain = (socket) => socket.#onDrain();
    socketOnError = (socket, error) => socket.#onError(error);
  }

  /** Bytes received so far. */
  bytesRead = 0;
  /** The error that destroyed the socket, if one did. */
  errored: Error | null = null;

  #transport: Transport;
  /** The socket's yes/no state, one bit each (see the flag constants): one slot, not 13. */
  #flags = REF;
  #conn: Conn | null = null;
  #bridge: Bridge | null = null;
  #keepAliveDelay: number;

  #connectController: AbortController | null = null;
  #pendingWrites: Array<[Uint8Array, WriteCallback | undefined]> | null = null;
  #pendingBytes = 0;
  #bytesWritten = 0;

  #flowing: boolean | null = null;
  #buffer: Uint8Array[] | null = null;
  #buffered = 0;

  #timeoutMs = 0;
  #timer: Timer | undefined;
  #lastActive = 0;

  #readableHighWaterMark: number;
  #onread:
    | { buffer: Uint8Array; callback(bytesRead: number, buffer: Uint8Array): boolean | void }
    | null = null;
  #readable: ReadableStream<Uint8Array> | null = null;
  #controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  #writable: WritableStream<Uint8Array | string> | null = null;

  /**
   * Creates a socket: unconnected (call `connect`), or over an adapter connection.
   *
   * @param options see {@linkcode SocketOptions}
   */
  constructor(options: SocketOptions = {}) {
    super();
    this.#transport = options.transport ?? runtimeTransport;
    this.#set(ALLOW_HALF_OPEN, options.allowHalfOpen ?? false);
    this.#set(NO_DELAY, options.noDelay ?? true);
    this.#set(KEEP_ALIVE, options.keepAlive ?? false);
    this.#keepAliveDelay = options.keepAliveInitialDelay ?? 0;
    this.#readableHighWaterMark = options.readableHighWaterMark ?? 1;
    if (options.onread !== undefined) {
      const { buffer, callback } = options.onread;
      this.#onread = { buffer: typeof buffer === "function" ? buffer() : buffer, callback };
      this.#flowing = true; // as in Node, such a socket reads from the start
    }
    if (options.timeout !== undefined) this.setTimeout(options.timeout);
    const signal = options.signal;
    if (signal !== undefined) {
      if (signal.aborted) queueMicrotask(() => this.destroy(abortError(signal)));
      else {
        const onAbort = () => this.destroy(abortError(signal));
        signal.addEventListener("abort", onAbort, { once: true });
        // A long-lived signal must not keep closed sockets alive.
        this.#self.once("close", () => signal.removeEventListener("abort", onAbort));
      }
    }
    if (options.conn !== undefined) this.#setConn(options.conn);
  }

  #is(flag: number): boolean {
    return (this.#flags & flag) !== 0;
  }

  #set(flag: number, on: boolean): void {
    this.#flags = on ? this.#flags | flag : this.#flags & ~flag;
  }

  // ---- connecting ------------------------------------------------------------

  /**
   * Connects to a TCP port or a Unix socket path. Names resolve to all their
   * addresses, raced IPv6/IPv4 (Happy Eyeballs). Emits `connect`, or `error`
   * then `close`.
   *
   * @param options where to connect, and how
   * @param onConnect added as a `connect` listener
   * @returns this socket
   *
   * @example
   * ```ts ignore
   * import { Socket } from "./mod.ts";
   *
   * const socket = new Socket().connect({ port: 7, host: "::1" }, () => console.log("up"));
   * ```
   */
  connect(options: SocketConnectOptions, onConnect?: () => void): this;
  /**
   * Connects to `host:port`.
   *
   * @param port the port
   * @param host the host name or address (default `"localhost"`)
   * @param onConnect added as a `connect` listener
   * @returns this socket
   */
  connect(port: number, host?: string, onConnect?: () => void): this;
  /**
   * Connects to a Unix domain socket.
   *
   * @param path the socket path
   * @param onConnect added as a `connect` listener
   * @returns this socket
   */
  connect(path: string, onConnect?: () => void): this;
  connect(
    target: SocketConnectOptions | number | string,
    hostOrListener?: string | (() => void),
    maybeListener?: () => void,
  ): this {
    const [options, onConnect] = connectArguments(target, hostOrListener, maybeListener);
    const where = options.path ?? `${options.host ?? "localhost"}:${options.port}`;
    this.establish((signal) => this.openConn(options, signal), where, options.connectTimeout);
    if (onConnect !== undefined) this.#self.once("connect", onConnect);
    return this;
  }

  /**
   * Runs `open` as this socket's connection attempt: the socket is `connecting`
   * meanwhile (writes wait), then takes the connection and emits `connect` (see
   * {@linkcode Socket.connected}), or is destroyed with the error. For
   * subclasses that open their connection another way (a TLS upgrade).
   *
   * @param open opens the connection; must honour `signal`
   * @param where the peer, for error messages
   * @param timeoutMs gives up with `ETIMEDOUT` after this many milliseconds
   */
  protected establish(
    open: (signal: AbortSignal) => Promise<Conn>,
    where: string,
    timeoutMs?: number,
  ): void {
    if (this.#is(CONNECTING) || this.#conn !== null) {
      throw new NetError("EINVAL", "connect() on a socket that is connecting or connected", {
        syscall: "connect",
      });
    }
    if (this.#is(DESTROYED)) throw closedError("connect");
    this.#set(CONNECTING, true);
    const controller = this.#connectController = new AbortController();
    let timer: Timer | undefined;
    if (timeoutMs !== undefined && timeoutMs > 0) {
      timer = setTimeout(() => {
        controller.abort(
          new NetError("ETIMEDOUT", `connect ${where} timed out after ${timeoutMs} ms`, {
            syscall: "connect",
          }),
        );
      }, timeoutMs);
    }
    open(controller.signal).then(
      (conn) => {
        clearTimeout(timer);
        this.#connectController = null;
        if (this.#is(DESTROYED)) {
          conn.close();
          return;
        }
        this.#set(CONNECTING, false);
        this.#setConn(conn);
        this.#flushPending();
        this.connected();
      },
      (error: unknown) => {
        clearTimeout(timer);
        this.#connectController = null;
        if (!this.#is(DESTROYED)) this.destroy(error as Error);
      },
    );
  }

  /**
   * Called once a connection attempt succeeded and the socket took the
   * connection: emits `connect` and `ready`. Subclasses add their own events.
   */
  protected connected(): void {
    this.#self.emit("connect");
    this.#self.emit("ready");
  }

  /**
   * Opens the connection `connect()` asks for: a Unix socket, or TCP to the
   * first address of the host that answers (Happy Eyeballs). Subclasses (TLS)
   * run their handshake over it.
   *
   * @param options where to connect, and how
   * @param signal aborts the attempt
   * @param read `direct: false` keeps the runtime from reading into the
   *   `onread` buffer (a TLS layer reads the TCP connection, not the user)
   * @returns the connection
   */
  protected openConn(
    options: SocketConnectOptions,
    signal: AbortSignal,
    read: { direct: boolean } = { direct: true },
  ): Promise<Conn> {
    const transport = this.#transport;
    if (options.path !== undefined) return transport.connectUnix({ path: options.path, signal });
    const port = options.port;
    if (port === undefined || !Number.isInteger(port) || port < 0 || port > 65535) {
      return Promise.reject(
        new NetError("EINVAL", `connect needs a port from 0 to 65535, not ${port}`, {
          syscall: "connect",
        }),
      );
    }
    const lookup = options.lookup ??
      ((hostname, { family }) => transport.lookup(hostname, { family }));
    return happyEyeballs({
      hostname: options.host ?? "localhost",
      family: options.family ?? 0,
      lookup,
      connect: (address, _family, attemptSignal) =>
        transport.connect({
          hostname: address,
          port,
          signal: attemptSignal,
          ...(this.#onread === null || !read.direct ? {} : { readBuffer: this.#onread.buffer }),
        }),
      attemptDelay: options.autoSelectFamily === false
        ? Infinity
        : options.autoSelectFamilyAttemptTimeout ?? CONNECTION_ATTEMPT_DELAY,
      signal,
      onAttempt: (address, family) => this.#self.emit("connectionAttempt", address, port, family),
      onAttemptFailed: (address, family, error) =>
        this.#self.emit("connectionAttemptFailed", address, port, family, error),
    });
  }

  #setConn(conn: Conn): void {
    this.#conn = conn;
    if (!this.#is(NO_DELAY)) conn.setNoDelay(false);
    if (this.#is(KEEP_ALIVE)) conn.setKeepAlive(true, this.#keepAliveDelay);
    if (!this.#is(REF)) conn.setRef(false);
    this.#bridge = new Bridge(this as unknown as Socket);
    this.#set(CONN_PAUSED, !this.#shouldRead());
    const onread = this.#onread;
    conn.attach(
      this.#bridge,
      onread === null
        ? { paused: this.#is(CONN_PAUSED) }
        : { paused: this.#is(CONN_PAUSED), buffer: onread.buffer },
    );
  }

  #flushPending(): void {
    const pending = this.#pendingWrites;
    const conn = this.#conn as Conn;
    const needDrain = this.#pendingBytes >= WRITE_HIGH_WATER;
    this.#pendingWrites = null;
    this.#pendingBytes = 0;
    let accepted = true;
    if (pending !== null) {
      for (const [bytes, callback] of pending) accepted = this.#send(conn, bytes, callback);
    }
    // A write made while connecting returned false: if the connection takes it
    // all without pushing back, no `drain` would come from it, so say it here.
    if (needDrain && accepted) queueMicrotask(() => this.#onDrain());
    if (this.#is(WRITE_ENDED)) conn.end((error) => this.#onFinish(error));
  }

  // ---- the connection calls these ----------------------------------------------

  #onData(chunk: Uint8Array): void {
    this.bytesRead += chunk.length;
    if (this.#timeoutMs > 0) this.#touch();
    const onread = this.#onread;
    if (onread !== null) {
      // The chunk is a view of onread.buffer from its start.
      if (onread.callback(chunk.length, onread.buffer) === false) this.pause();
      return;
    }
    const controller = this.#controller;
    if (controller !== null && !this.#is(DRAINING)) {
      controller.enqueue(chunk);
      if (this.#flowing === true) this.#self.emit("data", chunk);
      if ((controller.desiredSize ?? 0) <= 0) this.#updateReading();
      return;
    }
    if (this.#flowing === true && !this.#is(DRAINING)) {
      this.#self.emit("data", chunk);
      return;
    }
    // Not flowing: keep the bytes (up to READ_AHEAD) for whoever reads them later.
    (this.#buffer ??= []).push(chunk);
    this.#buffered += chunk.length;
    if (this.#buffered >= READ_AHEAD) this.#updateReading();
  }

  #onEnd(): void {
    this.#set(READ_ENDED, true);
    if (this.#buffered > 0 || this.#is(DRAINING)) {
      this.#set(END_PENDING, true); // `end` comes once the buffered bytes are read
      return;
    }
    this.#deliverEnd();
  }

  #deliverEnd(): void {
    this.#set(END_PENDING, false);
    const controller = this.#controller;
    if (controller !== null) {
      this.#controller = null;
      controller.close();
    }
    this.#self.emit("end");
    if (this.#is(DESTROYED)) return;
    if (!this.#is(ALLOW_HALF_OPEN)) this.end();
    this.#maybeClose();
  }

  #onDrain(): void {
    if (this.#timeoutMs > 0) this.#touch();
    this.#self.emit("drain");
  }

  #onError(error: NetError): void {
    this.destroy(error);
  }

  #onFinish(error?: NetError): void {
    if (error !== undefined) {
      this.destroy(error);
      return;
    }
    if (this.#is(FINISHED) || this.#is(DESTROYED)) return;
    this.#set(FINISHED, true);
    this.#self.emit("finish");
    this.#maybeClose();
  }

  #maybeClose(): void {
    if (this.#is(READ_ENDED) && this.#is(FINISHED) && !this.#is(DESTROYED)) this.destroy();
  }

  // ---- reading -----------------------------------------------------------------

  /**
   * Whether the connection should be read: always while flowing; for the
   * `readable` stream while it has room; otherwise until READ_AHEAD bytes wait,
   * as Node reads ahead, so that the peer's end is seen even if nobody reads.
   */
  #shouldRead(): boolean {
    if (this.#is(READ_ENDED)) return false;
    if (this.#flowing === true) return true;
    if (this.#onread !== null) return false; // paused: onread has no buffer of ours
    const controller = this.#controller;
    if (controller !== null) return (controller.desiredSize ?? 0) > 0;
    return this.#buffered < READ_AHEAD;
  }

  #updateReading(): void {
    const conn = this.#conn;
    if (conn === null || this.#is(DESTROYED)) return;
    const paused = !this.#shouldRead();
    if (paused === this.#is(CONN_PAUSED)) return;
    this.#set(CONN_PAUSED, paused);
    if (paused) conn.pause();
    else conn.resume();
  }

  /**
   * Hands the read-ahead bytes to `data` listeners (or the stream), then the
   * end. Chunks leave `#buffer` one at a time, so that a listener that pauses
   * (or takes the connection away) leaves the rest in place.
   */
  #drainBuffer(): void {
    const buffer = this.#buffer;
    if (buffer !== null) {
      while (buffer.length > 0 && this.#buffer === buffer) {
        if (this.#is(DESTROYED)) return;
        if (this.#flowing !== true && this.#controller === null) {
          // Paused again by a listener: keep the rest.
          this.#set(DRAINING, false);
          this.#updateReading();
          return;
        }
        const chunk = buffer.shift() as Uint8Array;
        this.#buffered -= chunk.length;
        this.#controller?.enqueue(chunk);
        if (this.#flowing === true) this.#self.emit("data", chunk);
      }
      if (this.#buffer === buffer && buffer.length === 0) this.#buffer = null;
    }
    this.#set(DRAINING, false);
    if (this.#is(END_PENDING) && !this.#is(DESTROYED)) this.#deliverEnd();
    else this.#updateReading();
  }

  /** Starts reading when the first `data` listener comes, as Node does. */
  protected override listenerAdded(type: string): void {
    if (type === "data" && this.#flowing === null) this.resume();
  }

  /**
   * Stops `data` events (and reading: the peer is pushed back on) until `resume()`.
   *
   * @returns this socket
   *
   * @example
   * ```ts ignore
   * socket.pause();
   * setTimeout(() => socket.resume(), 100);
   * ```
   */
  pause(): this {
    this.#flowing = false;
    this.#updateReading();
    return this;
  }

  /**
   * Starts or resumes `data` events. Without a `data` listener, the bytes are
   * read and dropped (so that `end` can come).
   *
   * @returns this socket
   *
   * @example
   * ```ts ignore
   * socket.resume();
   * ```
   */
  resume(): this {
    this.#flowing = true;
    if ((this.#buffered > 0 || this.#is(END_PENDING)) && !this.#is(DRAINING)) {
      // As Node does, buffered bytes flow from a later microtask, not from inside resume().
      this.#set(DRAINING, true);
      queueMicrotask(() => this.#drainBuffer());
    }
    this.#updateReading();
    return this;
  }

  /**
   * Whether `pause()` stopped the socket.
   *
   * @returns `true` after `pause()` and before `resume()`
   *
   * @example
   * ```ts ignore
   * if (socket.isPaused()) socket.resume();
   * ```
   */
  isPaused(): boolean {
    return this.#flowing === false;
  }

  /**
   * The bytes the peer sends, as a web stream. Reading it drives the socket
   * (back-pressure: the socket stops reading while the stream is full); it
   * closes at the peer's end, errors on a socket error, and cancelling it
   * destroys the socket. Use either `data` listeners or this stream.
   */
  get readable(): ReadableStream<Uint8Array> {
    return this.#readable ??= new ReadableStream<Uint8Array>({
      start: (controller) => {
        if (this.errored !== null) {
          controller.error(this.errored);
          return;
        }
        this.#controller = controller;
        if (this.#buffered > 0 || this.#is(END_PENDING)) {
          this.#set(DRAINING, true);
          queueMicrotask(() => this.#drainBuffer());
        } else if (this.#is(READ_ENDED) || this.#is(DESTROYED)) {
          this.#controller = null;
          controller.close();
        }
      },
      pull: () => this.#updateReading(),
      cancel: () => {
        this.#controller = null;
        this.destroy();
      },
    }, { highWaterMark: this.#readableHighWaterMark });
  }

  // ---- writing -----------------------------------------------------------------

  /**
   * Sends bytes (a string is sent as UTF-8). Never blocks: returns `false` once
   * 16 KiB wait to be sent, and `drain` tells when to write on. Writes made while
   * connecting wait for the connection.
   *
   * @param data the bytes; the socket owns them from now on (do not change them)
   * @param callback called once the bytes are handed to the system, or with the error
   * @returns `false` when the caller should wait for `drain`
   *
   * @example
   * ```ts ignore
   * if (!socket.write(bytes)) socket.once("drain", () => writeMore());
   * ```
   */
  write(data: Uint8Array | string, callback?: WriteCallback): boolean {
    if (this.#is(DESTROYED)) {
      if (callback !== undefined) queueMicrotask(() => callback(closedError("write")));
      return false;
    }
    if (this.#is(WRITE_ENDED)) {
      const error = new NetError("EPIPE", "write after end", { syscall: "write" });
      if (callback !== undefined) queueMicrotask(() => callback(error));
      this.destroy(error);
      return false;
    }
    const bytes = toBytes(data);
    this.#bytesWritten += bytes.length;
    if (this.#timeoutMs > 0) this.#touch();
    const conn = this.#conn;
    if (conn === null) {
      (this.#pendingWrites ??= []).push([bytes, callback]);
      this.#pendingBytes += bytes.length;
      return this.#pendingBytes < WRITE_HIGH_WATER;
    }
    return this.#send(conn, bytes, callback);
  }

  #send(conn: Conn, bytes: Uint8Array, callback: WriteCallback | undefined): boolean {
    return callback === undefined ? conn.send(bytes) : conn.send(bytes, (error) => {
      callback(error ?? null);
    });
  }

  /**
   * Half-closes: sends what is queued, then FIN. The peer sees `end`; reading
   * goes on until the peer ends too, then the socket closes.
   *
   * @param data last bytes to write first
   * @param callback added as a `finish` listener
   * @returns this socket
   *
   * @example
   * ```ts ignore
   * socket.end("bye\n");
   * ```
   */
  end(data?: Uint8Array | string | (() => void), callback?: () => void): this {
    if (typeof data === "function") {
      callback = data;
      data = undefined;
    }
    if (data !== undefined && !this.#is(WRITE_ENDED)) this.write(data);
    if (callback !== undefined) this.#self.once("finish", callback);
    if (this.#is(WRITE_ENDED) || this.#is(DESTROYED)) return this;
    this.#set(WRITE_ENDED, true);
    const conn = this.#conn;
    if (conn !== null) conn.end((error) => this.#onFinish(error));
    return this;
  }

  /**
   * The bytes the caller writes, as a web stream: each chunk waits for `drain`
   * when the socket pushes back; closing it ends the socket (`end()`), aborting
   * it destroys the socket.
   */
  get writable(): WritableStream<Uint8Array | string> {
    return this.#writable ??= new WritableStream<Uint8Array | string>({
      write: (chunk) => {
        if (this.#is(DESTROYED)) return Promise.reject(this.errored ?? closedError("write"));
        if (this.write(chunk)) return;
        return this.#waitFor("drain");
      },
      close: () => {
        if (this.#is(DESTROYED)) {
          return this.errored === null ? undefined : Promise.reject(this.errored);
        }
        const finished = this.#is(FINISHED) ? undefined : this.#waitFor("finish");
        this.end();
        return finished;
      },
      abort: (reason) => {
        this.destroy(reason instanceof Error ? reason : undefined);
      },
    });
  }

  /** Resolves at `event`; rejects if the socket closes first. */
  #waitFor(event: "drain" | "finish"): Promise<void> {
    return new Promise((resolve, reject) => {
      const self = this.#self;
      const onEvent = () => {
        self.off("close", onClose);
        resolve();
      };
      const onClose = () => {
        self.off(event, onEvent);
        reject(this.errored ?? closedError("write"));
      };
      self.once(event, onEvent);
      self.once("close", onClose);
    });
  }

  /** Bytes written so far (including those still queued). */
  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /** Bytes queued and not yet handed to the system. */
  get writableLength(): number {
    return this.#pendingBytes + (this.#conn?.writableLength ?? 0);
  }

  // ---- closing -----------------------------------------------------------------

  /**
   * Closes both directions at once and releases the socket; queued writes are
   * dropped. With an error, emits `error` (unless nobody listens: then the error
   * is only kept in `errored`), then `close`.
   *
   * @param error the reason, reported as an `error` event
   * @returns this socket
   *
   * @example
   * ```ts ignore
   * socket.destroy();
   * ```
   */
  destroy(error?: Error): this {
    if (this.#is(DESTROYED)) return this;
    this.#set(DESTROYED, true);
    this.#set(CONNECTING, false);
    this.#clearTimer();
    this.#connectController?.abort(closedError("connect"));
    this.#connectController = null;
    this.#conn?.close();
    if (error !== undefined) this.errored = error;
    const controller = this.#controller;
    this.#controller = null;
    if (controller !== null) {
      if (error !== undefined) controller.error(error);
      else controller.close();
    }
    const pending = this.#pendingWrites;
    this.#pendingWrites = null;
    this.#pendingBytes = 0;
    // `error` and `close` come on later turns of the event loop, one each, so
    // that code awaiting one of them can still subscribe to the next.
    const emitClose = () => {
      this.#set(CLOSE_EMITTED, true);
      this.#self.emit("close", error !== undefined);
    };
    nextTurn(() => {
      if (pending !== null) {
        const failure = error ?? closedError("write");
        for (const [, callback] of pending) callback?.(failure);
      }
      if (error === undefined) emitClose();
      else {
        this.#self.emit("error", error);
        nextTurn(emitClose);
      }
    });
    return this;
  }

  /** Whether `destroy()` was called (or the socket closed by itself). */
  get destroyed(): boolean {
    return this.#is(DESTROYED);
  }

  /** Whether `close` has been emitted. */
  get closed(): boolean {
    return this.#is(CLOSE_EMITTED);
  }

  // ---- timeouts and options ----------------------------------------------------

  /**
   * Emits `timeout` after `ms` milliseconds without bytes in or out (once per
   * idle spell; any activity re-arms it). The socket stays open: close it from
   * the listener if that is the policy. `0` turns the timeout off.
   *
   * @param ms the idle time in milliseconds, or 0
   * @param callback added as a `timeout` listener (removed again when `ms` is 0)
   * @returns this socket
   *
   * @example
   * ```ts ignore
   * socket.setTimeout(30_000, () => socket.destroy());
   * ```
   */
  setTimeout(ms: number, callback?: () => void): this {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new NetError("EINVAL", `setTimeout needs a delay of 0 or more, not ${ms}`);
    }
    this.#clearTimer();
    this.#timeoutMs = ms;
    if (callback !== undefined) {
      if (ms === 0) this.#self.off("timeout", callback);
      else this.#self.once("timeout", callback);
    }
    if (ms > 0 && !this.#is(DESTROYED)) {
      this.#lastActive = performance.now();
      this.#timer = unrefTimeout(() => this.#onTimer(), ms);
    }
    return this;
  }

  /** The idle timeout in milliseconds, or `undefined` when there is none. */
  get timeout(): number | undefined {
    return this.#timeoutMs > 0 ? this.#timeoutMs : undefined;
  }

  #touch(): void {
    this.#lastActive = performance.now();
    if (this.#timer === undefined && !this.#is(DESTROYED)) {
      this.#timer = unrefTimeout(() => this.#onTimer(), this.#timeoutMs);
    }
  }

  #onTimer(): void {
    this.#timer = undefined;
    if (this.#is(DESTROYED) || this.#timeoutMs === 0) return;
    const idle = performance.now() - this.#lastActive;
    if (idle + 1 >= this.#timeoutMs) {
      this.#self.emit("timeout");
      return; // re-armed by the next activity
    }
    this.#timer = unrefTimeout(() => this.#onTimer(), this.#timeoutMs - idle);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  /**
   * Turns Nagle's algorithm off (`true`, the default) or on.
   *
   * @param noDelay `true` to send small writes at once
   * @returns this socket
   *
   * @example
   * ```ts ignore
   * socket.setNoDelay(false); // batch small writes
   * ```
   */
  setNoDelay(noDelay = true): this {
    this.#set(NO_DELAY, noDelay);
    this.#conn?.setNoDelay(noDelay);
    return this;
  }

  /**
   * Turns TCP keep-alive probes on or off.
   *
   * @param enable `true` to probe an idle connection
   * @param initialDelay milliseconds before the first probe (Node only)
   * @returns this socket
   *
   * @example
   * ```ts ignore
   * socket.setKeepAlive(true, 60_000);
   * ```
   */
  setKeepAlive(enable = false, initialDelay = 0): this {
    this.#set(KEEP_ALIVE, enable);
    this.#keepAliveDelay = initialDelay;
    this.#conn?.setKeepAlive(enable, initialDelay);
    return this;
  }

  /**
   * Lets the process exit while this socket is open.
   *
   * @returns this socket
   *
   * @example
   * ```ts ignore
   * socket.unref();
   * ```
   */
  unref(): this {
    this.#set(REF, false);
    this.#conn?.setRef(false);
    return this;
  }

  /**
   * Keeps the process alive while this socket is open (the default).
   *
   * @returns this socket
   *
   * @example
   * ```ts ignore
   * socket.ref();
   * ```
   */
  ref(): this {
    this.#set(REF, true);
    this.#conn?.setRef(true);
    return this;
  }

  // ---- addresses and state -------------------------------------------------------

  /**
   * The local address: `{ address, family, port }` for TCP, the path for a Unix
   * socket, `null` before the socket is connected.
   *
   * @returns the local address
   *
   * @example
   * ```ts ignore
   * console.log(socket.address());
   * ```
   */
  address(): AddressInfo | string | null {
    const addr = this.#conn?.localAddr;
    if (addr === undefined) return null;
    if (addr.transport === "unix") return addr.path;
    return { address: addr.hostname, family: addr.family, port: addr.port };
  }

  /** The peer's IP address (TCP). */
  get remoteAddress(): string | undefined {
    return ipOf(this.#conn?.remoteAddr);
  }

  /** The peer's port (TCP). */
  get remotePort(): number | undefined {
    return portOf(this.#conn?.remoteAddr);
  }

  /** The peer's address family (TCP). */
  get remoteFamily(): "IPv4" | "IPv6" | undefined {
    return familyOf(this.#conn?.remoteAddr);
  }

  /** The local IP address (TCP). */
  get localAddress(): string | undefined {
    return ipOf(this.#conn?.localAddr);
  }

  /** The local port (TCP). */
  get localPort(): number | undefined {
    return portOf(this.#conn?.localAddr);
  }

  /** The local address family (TCP). */
  get localFamily(): "IPv4" | "IPv6" | undefined {
    return familyOf(this.#conn?.localAddr);
  }

  /** Whether `connect()` is under way. */
  get connecting(): boolean {
    return this.#is(CONNECTING);
  }

  /** Whether the socket is not connected yet. */
  get pending(): boolean {
    return this.#conn === null && !this.#is(DESTROYED);
  }

  /** `"opening"`, `"open"`, `"readOnly"` (after `end()`), `"writeOnly"` (after the peer's end) or `"closed"`. */
  get readyState(): "opening" | "open" | "readOnly" | "writeOnly" | "closed" {
    if (this.#is(DESTROYED)) return "closed";
    if (this.#is(CONNECTING)) return "opening";
    if (this.#conn === null) return "closed";
    if (this.#is(WRITE_ENDED) && this.#is(READ_ENDED)) return "closed";
    if (this.#is(WRITE_ENDED)) return "readOnly";
    if (this.#is(READ_ENDED)) return "writeOnly";
    return "open";
  }

  /**
   * Takes the connection away from this socket, for a protocol upgrade
   * (STARTTLS, TLS through a proxy tunnel): reading stops at once, read-ahead
   * included, and the bytes read but not delivered yet are handed over with
   * the connection. Call it from inside a `data` listener (on the chunk that
   * ends the plaintext part) or before any byte arrived: a read already under
   * way cannot be taken back (Deno then refuses the upgrade with `EINVAL`).
   * The socket is left destroyed, without closing the connection, and emits
   * `close`; writes made before are sent first by the upgrade.
   *
   * @returns the connection and the unread bytes, oldest first
   *
   * @example A STARTTLS-style upgrade
   * ```ts ignore
   * import { transport } from "../adapters/mod.ts";
   *
   * socket.once("data", () => {
   *   const { conn, unread } = socket.release();
   *   transport.startTls(conn, { servername: "mail.example", unread }).then(useTls);
   * });
   * ```
   */
  release(): { conn: Conn; unread: Uint8Array[] } {
    const conn = this.#conn;
    if (conn === null || this.#is(DESTROYED)) {
      throw new NetError("EINVAL", "release() needs a connected socket", { syscall: "release" });
    }
    conn.pause();
    if (this.#bridge !== null) this.#bridge.released = true;
    const unread = this.#buffer ?? [];
    this.#buffer = null;
    this.#buffered = 0;
    this.#set(END_PENDING, false);
    this.#conn = null;
    this.destroy();
    return { conn, unread };
  }

  /**
   * The adapter connection under this socket (`null` before it connects): for
   * layers that need the transport itself, such as a TLS upgrade.
   */
  get conn(): Conn | null {
    return this.#conn;
  }

  /** The adapter this socket connects with. */
  get transport(): Transport {
    return this.#transport;
  }

  /** This socket typed with its own events, for emitting them whatever `E` is. */
  get #self(): Emitter<SocketEvents> {
    return this as unknown as Emitter<SocketEvents>;
  }
}

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  if (reason instanceof Error) return reason;
  return new NetError("ERR_ABORTED", "the socket was aborted", { cause: reason });
}

function ipOf(addr: Addr | undefined): string | undefined {
  return addr !== undefined && addr.transport !== "unix" ? addr.hostname : undefined;
}

function portOf(addr: Addr | undefined): number | undefined {
  return addr !== undefined && addr.transport !== "unix" ? addr.port : undefined;
}

function familyOf(addr: Addr | undefined): "IPv4" | "IPv6" | undefined {
  return addr !== undefined && addr.transport !== "unix" ? addr.family : undefined;
}
