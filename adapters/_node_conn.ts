// The `Conn` over a `net.Socket` (and a `tls.TLSSocket`, which is one).
//
// Handler mode is Node's own socket events with one function call in between:
// `data` chunks (fresh Buffers, always owned) go to `onData`, `socket.write` is
// `send`, Node's `drain` is `onDrain`. The promise way keeps a short queue of
// chunks for `read(into)`, pausing the socket while more than
// READ_HIGH_WATER bytes wait. Nothing reads until the first `read()` or
// `attach()`, so an idle connection holds no buffer of ours.

import type * as net from "node:net";
import { familyOf } from "./_addr.ts";
import { NetError, toNetError } from "./errors.ts";
import type { Addr, AttachOptions, Conn, ConnHandler } from "./types.ts";
import { takeChunks } from "./_chunk_queue.ts";

const EMPTY: Uint8Array[] = [];
const CLOSE_HOOKED = 1;
const DRAIN_HOOKED = 2;

/** Bytes that may wait unread (promise way) before the socket is paused. */
export const READ_HIGH_WATER = 65536;

type Callback = (error?: NetError) => void;

interface PendingRead {
  into: Uint8Array;
  resolve(n: number | null): void;
  reject(error: unknown): void;
}

function tcpAddr(address: string | undefined, port: number | undefined): Addr {
  const hostname = address ?? "";
  return { transport: "tcp", hostname, port: port ?? 0, family: familyOf(hostname) };
}

// The socket's listeners are shared by every connection (no closures per
// connection: idle connections stay small); each finds its NodeConn through a
// symbol on the socket. The NodeConn class fills them in from a static block.
const kConn = Symbol("wirestack.conn");
type TaggedSocket = net.Socket & { [kConn]: NodeConn };
let onSocketData: (this: net.Socket, chunk: Uint8Array) => void;
let onSocketEnd: (this: net.Socket) => void;
let onSocketError: (this: net.Socket, error: Error) => void;
let onSocketClose: (this: net.Socket) => void;
let onSocketDrain: (this: net.Socket) => void;
/** Node's `onread` callback for connections opened with a read buffer. */
export let onSocketRead: (this: net.Socket, nread: number, buffer: Uint8Array) => boolean;

/** A `Conn` over a connected `net.Socket` created with `allowHalfOpen: true`. */
export class NodeConn implements Conn {
  static {
    onSocketData = function (chunk) {
      (this as TaggedSocket)[kConn].#onData(chunk);
    };
    onSocketEnd = function () {
      (this as TaggedSocket)[kConn].#onEnd();
    };
    onSocketError = function (error) {
      (this as TaggedSocket)[kConn].#onError(error);
    };
    onSocketClose = function () {
      (this as TaggedSocket)[kConn].#onClose();
    };
    onSocketDrain = function () {
      (this as TaggedSocket)[kConn].#onDrain();
    };
    onSocketRead = function (nread, buffer) {
      const conn = (this as TaggedSocket)[kConn];
      conn.#onData(buffer.subarray(0, nread));
      return !conn.#paused;
    };
  }

  readonly #socket: net.Socket;
  readonly #unix: { local: string; remote: string } | undefined;
  #localAddr: Addr | undefined;
  #remoteAddr: Addr | undefined;
  #handler: ConnHandler | null = null;
  #nativeBuffer: Uint8Array | null = null;
  #copyBuffer: Uint8Array | null = null;
  #owned = true;
  #reading = false;
  #queue: Uint8Array[] = EMPTY;
  /** Which optional socket listeners are on: CLOSE_HOOKED, DRAIN_HOOKED. */
  #hooked = 0;
  #queued = 0;
  #paused = false;
  #ended = false;
  #endDelivered = false;
  #closed = false;
  #error: NetError | null = null;
  #pending: PendingRead | null = null;
  #drainWaiters: Array<() => void> | null = null;

  /**
   * @param socket a connected socket created with `allowHalfOpen: true`
   * @param unix the local and remote paths, for a Unix domain socket ("" when unnamed)
   */
  constructor(
    socket: net.Socket,
    unix?: { local: string; remote: string },
    nativeReadBuffer?: Uint8Array,
  ) {
    this.#socket = socket;
    this.#unix = unix;
    if (nativeReadBuffer !== undefined) {
      this.#nativeBuffer = nativeReadBuffer;
      this.#reading = true; // Node reads into the buffer and calls onSocketRead
    }
    (socket as TaggedSocket)[kConn] = this;
    // `end` and `error` always; `close` and `drain` only once something waits for
    // them (an idle connection in handler mode needs neither).
    socket.on("end", onSocketEnd);
    socket.on("error", onSocketError);
  }

  get localAddr(): Addr {
    if (this.#localAddr === undefined) {
      const socket = this.#socket;
      this.#localAddr = this.#unix !== undefined
        ? { transport: "unix", path: this.#unix.local }
        : tcpAddr(socket.localAddress, socket.localPort);
    }
    return this.#localAddr;
  }

  get remoteAddr(): Addr {
    if (this.#remoteAddr === undefined) {
      const socket = this.#socket;
      this.#remoteAddr = this.#unix !== undefined
        ? { transport: "unix", path: this.#unix.remote }
        : tcpAddr(socket.remoteAddress, socket.remotePort);
    }
    return this.#remoteAddr;
  }

  get writableLength(): number {
    return this.#socket.writableLength;
  }

  /** The runtime socket, for a TLS upgrade (`tls.connect({ socket })`). */
  get raw(): net.Socket {
    return this.#socket;
  }

  /**
   * Hands the socket over for a TLS upgrade (`tls.connect({ socket })`): takes
   * wirestack's listeners off, stops reading, waits until queued writes are out,
   * and leaves the socket to the caller (closing this `Conn` no longer closes
   * it). Returns the bytes read and not delivered yet, which belong to the
   * upgraded stream.
   */
  async release(): Promise<{ socket: net.Socket; unread: Uint8Array[] }> {
    const socket = this.#socket;
    if (this.#closed || socket.destroyed) {
      throw new NetError("ERR_SOCKET_CLOSED", "the connection is closed", { syscall: "starttls" });
    }
    if (this.#nativeBuffer !== null) {
      throw new NetError("EINVAL", "a connection reading into its own buffer cannot be upgraded", {
        syscall: "starttls",
      });
    }
    this.#closed = true;
    this.#paused = true;
    socket.pause();
    socket.off("data", onSocketData);
    socket.off("end", onSocketEnd);
    socket.off("close", onSocketClose);
    socket.off("drain", onSocketDrain);
    const unread = this.#queue === EMPTY ? [] : this.#queue.splice(0);
    this.#queued = 0;
    if (socket.writableLength > 0) {
      // A write of nothing calls back once everything before it is out.
      await new Promise<void>((resolve) => socket.write(new Uint8Array(0), () => resolve()));
    }
    socket.off("error", onSocketError);
    if (this.#error !== null) throw this.#error;
    if (socket.destroyed) {
      throw new NetError("ERR_SOCKET_CLOSED", "the connection closed before the upgrade", {
        syscall: "starttls",
      });
    }
    return { socket, unread };
  }

  // ---- events from the socket ----------------------------------------------------

  #onData(chunk: Uint8Array): void {
    const handler = this.#handler;
    if (handler !== null && this.#queued === 0) {
      if (this.#copyBuffer !== null) this.#deliverCopied(handler, chunk);
      // Node's own chunks are fresh; those read into a native buffer are borrowed.
      else if (this.#nativeBuffer !== null && this.#owned) handler.onData(chunk.slice());
      else handler.onData(chunk);
      return;
    }
    if (this.#nativeBuffer !== null) chunk = chunk.slice(); // kept past this call
    const pending = this.#pending;
    if (pending !== null && this.#queued === 0) {
      this.#pending = null;
      const n = Math.min(chunk.length, pending.into.length);
      pending.into.set(n === chunk.length ? chunk : chunk.subarray(0, n));
      if (n < chunk.length) this.#enqueue(chunk.subarray(n));
      pending.resolve(n);
      return;
    }
    this.#enqueue(chunk);
  }

  #onEnd(): void {
    this.#ended = true;
    const handler = this.#handler;
    if (handler !== null) {
      if (this.#queued === 0 && !this.#endDelivered) {
        this.#endDelivered = true;
        handler.onEnd();
      }
      return;
    }
    this.#settleEnd();
  }

  #onError(error: Error): void {
    const netError = toNetError(error, (error as { syscall?: string }).syscall ?? "read");
    if (this.#error !== null) return;
    this.#error = netError;
    const pending = this.#pending;
    if (pending !== null) {
      this.#pending = null;
      pending.reject(netError);
    }
    this.#wakeWriters();
    if (!this.#closed) this.#handler?.onError(netError);
  }

  #onClose(): void {
    this.#ended = true;
    this.#settleEnd();
    this.#wakeWriters();
  }

  #onDrain(): void {
    this.#wakeWriters();
    this.#handler?.onDrain();
  }

  // ---- the promise way -------------------------------------------------------

  #enqueue(chunk: Uint8Array): void {
    if (this.#queue === EMPTY) this.#queue = [];
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    if (!this.#paused && this.#queued > READ_HIGH_WATER) {
      this.#paused = true;
      this.#socket.pause();
    }
  }

  #settleEnd(): void {
    const pending = this.#pending;
    if (pending !== null && this.#queued === 0) {
      this.#pending = null;
      if (this.#error !== null && !this.#closed) pending.reject(this.#error);
      else pending.resolve(null);
    }
  }

  #hookClose(): void {
    if ((this.#hooked & CLOSE_HOOKED) !== 0) return;
    this.#hooked |= CLOSE_HOOKED;
    this.#socket.on("close", onSocketClose);
  }

  #hookDrain(): void {
    if ((this.#hooked & DRAIN_HOOKED) !== 0) return;
    this.#hooked |= DRAIN_HOOKED;
    this.#socket.on("drain", onSocketDrain);
  }

  #wakeWriters(): void {
    const waiters = this.#drainWaiters;
    if (waiters === null) return;
    this.#drainWaiters = null;
    for (const wake of waiters) wake();
  }

  #startReading(): void {
    if (this.#reading) return;
    this.#reading = true;
    this.#socket.on("data", onSocketData);
  }

  read(into: Uint8Array): Promise<number | null> {
    if (this.#handler !== null) {
      return Promise.reject(
        new NetError("EINVAL", "read() on a connection in handler mode", { syscall: "read" }),
      );
    }
    this.#startReading();
    this.#hookClose();
    if (this.#queued > 0) return Promise.resolve(this.#take(into));
    if (this.#closed) return Promise.resolve(null);
    if (this.#error !== null) return Promise.reject(this.#error);
    if (this.#ended) return Promise.resolve(null);
    if (this.#pending !== null) {
      return Promise.reject(
        new NetError("EINVAL", "read while another read is pending", { syscall: "read" }),
      );
    }
    return new Promise((resolve, reject) => {
      this.#pending = { into, resolve, reject };
    });
  }

  /** Copies queued bytes into `into`; resumes the socket once the queue is short. */
  #take(into: Uint8Array): number {
    const n = takeChunks(this.#queue, into);
    this.#queued -= n;
    if (this.#paused && this.#queued <= READ_HIGH_WATER / 2) {
      this.#paused = false;
      this.#socket.resume();
    }
    return n;
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.#error !== null) return Promise.reject(this.#error);
    const socket = this.#socket;
    if (this.#closed || socket.destroyed || socket.writableEnded) {
      return Promise.reject(
        new NetError("EPIPE", "write after the connection was closed", { syscall: "write" }),
      );
    }
    if (socket.write(bytes)) return Promise.resolve();
    this.#hookClose();
    this.#hookDrain();
    return new Promise((resolve, reject) => {
      (this.#drainWaiters ??= []).push(() => {
        if (this.#error !== null) reject(this.#error);
        else if (socket.destroyed && socket.writableLength > 0) {
          reject(
            new NetError("EPIPE", "the connection closed before the write was sent", {
              syscall: "write",
            }),
          );
        } else resolve();
      });
    });
  }

  closeWrite(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.end((error) => error === undefined ? resolve() : reject(error));
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.destroy();
    this.#settleEnd();
  }

  // ---- the handler way ---------------------------------------------------------

  attach(handler: ConnHandler, options: AttachOptions = {}): void {
    if (this.#handler !== null) {
      throw new NetError("EINVAL", "attach() called twice", { syscall: "read" });
    }
    this.#handler = handler;
    this.#owned = options.chunks !== "borrowed";
    const buffer = options.buffer;
    if (buffer !== undefined) {
      this.#owned = false;
      if (buffer !== this.#nativeBuffer) this.#copyBuffer = buffer;
    }
    if (this.#pending !== null) {
      const pending = this.#pending;
      this.#pending = null;
      pending.reject(new NetError("EINVAL", "the connection switched to handler mode"));
    }
    this.#paused = options.paused ?? false;
    if (this.#paused) this.#socket.pause();
    if (this.#queued > 0 || this.#ended) queueMicrotask(() => this.#flushQueue());
    this.#startReading();
    if (!this.#paused) this.#socket.resume();
  }

  /** Copies `chunk` into the caller's read buffer, one buffer-full at a time. */
  #deliverCopied(handler: ConnHandler, chunk: Uint8Array): void {
    const buffer = this.#copyBuffer as Uint8Array;
    let at = 0;
    while (at < chunk.length) {
      if (this.#paused || this.#closed) {
        this.#enqueue(chunk.subarray(at)); // the rest waits for resume()
        return;
      }
      const n = Math.min(buffer.length, chunk.length - at);
      buffer.set(chunk.subarray(at, at + n));
      at += n;
      handler.onData(buffer.subarray(0, n));
    }
  }

  /** Hands chunks read the promise way to the handler, then the end if it came. */
  #flushQueue(): void {
    const handler = this.#handler as ConnHandler;
    while (this.#queue.length > 0 && !this.#paused && !this.#closed) {
      const chunk = this.#queue.shift() as Uint8Array;
      this.#queued -= chunk.length;
      if (this.#copyBuffer !== null) this.#deliverCopied(handler, chunk);
      else handler.onData(chunk);
    }
    if (this.#queued > 0 || this.#paused) return;
    if (this.#ended && !this.#endDelivered && !this.#closed && this.#error === null) {
      this.#endDelivered = true;
      handler.onEnd();
    }
  }

  pause(): void {
    this.#paused = true;
    this.#socket.pause();
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    if (this.#queued > 0 || this.#ended) queueMicrotask(() => this.#flushQueue());
    this.#socket.resume();
  }

  send(bytes: Uint8Array, callback?: Callback): boolean {
    const socket = this.#socket;
    if (this.#closed || socket.destroyed || socket.writableEnded || this.#error !== null) {
      if (callback !== undefined) {
        const error = this.#error ??
          new NetError(
            this.#closed || socket.destroyed ? "ERR_SOCKET_CLOSED" : "EPIPE",
            this.#closed || socket.destroyed ? "write on a closed connection" : "write after end",
            { syscall: "write" },
          );
        queueMicrotask(() => callback(error));
      }
      return false;
    }
    const accepted = callback === undefined ? socket.write(bytes) : socket.write(bytes, (error) => {
      callback(error ? toNetError(error, "write") : undefined);
    });
    if (!accepted) this.#hookDrain();
    return accepted;
  }

  cork(): void {
    this.#socket.cork();
  }

  uncork(): void {
    this.#socket.uncork();
  }

  end(callback?: Callback): void {
    const socket = this.#socket;
    if (this.#closed || socket.destroyed || socket.writableFinished) {
      if (callback !== undefined) queueMicrotask(() => callback(this.#error ?? undefined));
      return;
    }
    if (callback === undefined) {
      socket.end();
      return;
    }
    let called = false;
    const once = (error?: NetError) => {
      if (called) return;
      called = true;
      socket.off("close", onClose);
      callback(error);
    };
    // `end`'s callback does not run when the socket is destroyed first.
    const onClose = () => once(this.#error ?? undefined);
    socket.once("close", onClose);
    socket.end(() => once());
  }

  setNoDelay(noDelay = true): void {
    if (this.#unix === undefined && !this.#socket.destroyed) this.#socket.setNoDelay(noDelay);
  }

  setKeepAlive(enable = true, initialDelayMs = 0): void {
    if (this.#unix === undefined && !this.#socket.destroyed) {
      this.#socket.setKeepAlive(enable, initialDelayMs);
    }
  }

  setRef(ref: boolean): void {
    if (ref) this.#socket.ref();
    else this.#socket.unref();
  }
}
