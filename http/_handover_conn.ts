// The `Conn` a takeover callback gets (see takeover.ts). The runtime connection
// stays attached to the server's connection object, which forwards every event
// here once the server has let go; this object is a full `Conn` of its own, so
// its new owner can `attach` its handler (or `read`) as on any connection.

import { type AttachOptions, type Conn, type ConnHandler, NetError } from "../adapters/mod.ts";
import { takeChunks } from "../adapters/_chunk_queue.ts";

/** Bytes that may wait unread (the promise way) before reading pauses. */
const READ_HIGH_WATER = 65536;

interface PendingRead {
  into: Uint8Array;
  resolve(n: number | null): void;
  reject(error: unknown): void;
}

/** A connection handed over by the HTTP server after a 101 or a 2xx to CONNECT. */
export class HandoverConn implements Conn {
  readonly #inner: Conn;
  readonly #borrowed: boolean;
  readonly #release: () => void;
  #handler: ConnHandler | null = null;
  #copy = false;
  #buffer: Uint8Array | null = null;
  #paused = true;
  #reading = false;
  #ended = false;
  #endDelivered = false;
  #error: NetError | null = null;
  #closed = false;
  #queue: Uint8Array[] = [];
  #queued = 0;
  #pending: PendingRead | null = null;

  /**
   * @param inner the runtime connection, paused, attached to the server's handler
   * @param borrowed whether the chunks that handler receives are only borrowed
   * @param release tells the server the connection is closed
   */
  constructor(inner: Conn, borrowed: boolean, release: () => void) {
    this.#inner = inner;
    this.#borrowed = borrowed;
    this.#release = release;
  }

  get localAddr(): Conn["localAddr"] {
    return this.#inner.localAddr;
  }

  get remoteAddr(): Conn["remoteAddr"] {
    return this.#inner.remoteAddr;
  }

  get tls(): Conn["tls"] {
    return this.#inner.tls;
  }

  get writableLength(): number {
    return this.#inner.writableLength;
  }

  /** The runtime socket, where the adapter exposes it (for a TLS upgrade). */
  get raw(): unknown {
    return (this.#inner as { raw?: unknown }).raw;
  }

  // ---- what the server forwards -------------------------------------------------

  /** Bytes from the runtime connection. */
  deliverData(chunk: Uint8Array): void {
    if (this.#closed) return;
    const handler = this.#handler;
    if (handler === null) {
      this.#enqueue(this.#borrowed ? chunk.slice() : chunk);
      return;
    }
    if (this.#queued > 0) {
      this.#queue.push(this.#borrowed ? chunk.slice() : chunk);
      this.#queued += chunk.length;
      return;
    }
    this.#toHandler(handler, chunk);
  }

  /** The peer half-closed. */
  deliverEnd(): void {
    this.#ended = true;
    if (this.#closed) return;
    if (this.#handler === null) this.#settleRead();
    else if (this.#queued === 0) this.#deliverEndToHandler();
  }

  /** The send queue drained. */
  deliverDrain(): void {
    if (!this.#closed) this.#handler?.onDrain();
  }

  /** The connection failed. */
  deliverError(error: NetError): void {
    if (this.#error !== null) return;
    this.#error = error;
    const pending = this.#pending;
    if (pending !== null) {
      this.#pending = null;
      pending.reject(error);
    }
    if (!this.#closed) this.#handler?.onError(error);
  }

  // ---- reading, the promise way ----------------------------------------------------

  read(into: Uint8Array): Promise<number | null> {
    if (this.#handler !== null) {
      return Promise.reject(
        new NetError("EINVAL", "read() on a connection in handler mode", { syscall: "read" }),
      );
    }
    if (this.#queued > 0) return Promise.resolve(this.#take(into));
    if (this.#closed) return Promise.resolve(null);
    if (this.#error !== null) return Promise.reject(this.#error);
    if (this.#ended) return Promise.resolve(null);
    if (this.#pending !== null) {
      return Promise.reject(
        new NetError("EINVAL", "read while another read is pending", { syscall: "read" }),
      );
    }
    this.#setReading(true);
    return new Promise((resolve, reject) => {
      this.#pending = { into, resolve, reject };
    });
  }

  #enqueue(chunk: Uint8Array): void {
    const pending = this.#pending;
    if (pending !== null && this.#queued === 0) {
      this.#pending = null;
      const n = Math.min(chunk.length, pending.into.length);
      pending.into.set(chunk.subarray(0, n));
      if (n < chunk.length) this.#enqueue(chunk.subarray(n));
      pending.resolve(n);
      return;
    }
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    if (this.#queued > READ_HIGH_WATER) this.#setReading(false);
  }

  #take(into: Uint8Array): number {
    const n = takeChunks(this.#queue, into);
    this.#queued -= n;
    return n;
  }

  #settleRead(): void {
    const pending = this.#pending;
    if (pending !== null && this.#queued === 0) {
      this.#pending = null;
      pending.resolve(null);
    }
  }

  #setReading(on: boolean): void {
    if (this.#reading === on || this.#closed) return;
    this.#reading = on;
    if (on) this.#inner.resume();
    else this.#inner.pause();
  }

  // ---- reading, the handler way ----------------------------------------------------

  attach(handler: ConnHandler, options: AttachOptions = {}): void {
    if (this.#handler !== null) {
      throw new NetError("EINVAL", "attach() called twice", { syscall: "read" });
    }
    this.#handler = handler;
    this.#buffer = options.buffer ?? null;
    this.#copy = this.#borrowed && options.chunks !== "borrowed" && this.#buffer === null;
    const pending = this.#pending;
    if (pending !== null) {
      this.#pending = null;
      pending.reject(new NetError("EINVAL", "the connection switched to handler mode"));
    }
    this.#paused = options.paused ?? false;
    if (this.#queued > 0 || this.#ended) queueMicrotask(() => this.#flush());
    this.#reading = false;
    if (!this.#paused) this.#setReading(true);
  }

  #toHandler(handler: ConnHandler, chunk: Uint8Array): void {
    const buffer = this.#buffer;
    if (buffer === null) {
      handler.onData(this.#copy ? chunk.slice() : chunk);
      return;
    }
    for (let at = 0; at < chunk.length;) {
      if (this.#paused || this.#closed) {
        const rest = chunk.subarray(at);
        this.#queue.push(this.#borrowed ? rest.slice() : rest);
        this.#queued += rest.length;
        return;
      }
      const n = Math.min(buffer.length, chunk.length - at);
      buffer.set(chunk.subarray(at, at + n));
      at += n;
      handler.onData(buffer.subarray(0, n));
    }
  }

  #flush(): void {
    const handler = this.#handler as ConnHandler;
    while (this.#queue.length > 0 && !this.#paused && !this.#closed) {
      const chunk = this.#queue.shift() as Uint8Array;
      this.#queued -= chunk.length;
      this.#toHandler(handler, chunk);
    }
    if (this.#queued === 0 && !this.#paused && this.#ended) this.#deliverEndToHandler();
  }

  #deliverEndToHandler(): void {
    if (this.#endDelivered || this.#closed || this.#error !== null) return;
    this.#endDelivered = true;
    this.#handler?.onEnd();
  }

  pause(): void {
    this.#paused = true;
    this.#setReading(false);
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    if (this.#queued > 0 || this.#ended) queueMicrotask(() => this.#flush());
    this.#setReading(true);
  }

  // ---- writing and the rest: the runtime connection's own ------------------------

  write(bytes: Uint8Array): Promise<void> {
    return this.#inner.write(bytes);
  }

  closeWrite(): Promise<void> {
    return this.#inner.closeWrite();
  }

  send(bytes: Uint8Array, callback?: (error?: NetError) => void): boolean {
    return this.#inner.send(bytes, callback);
  }

  cork(): void {
    this.#inner.cork();
  }

  uncork(): void {
    this.#inner.uncork();
  }

  end(callback?: (error?: NetError) => void): void {
    this.#inner.end(callback);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#inner.close();
    this.#settleRead();
    this.#release();
  }

  setNoDelay(noDelay?: boolean): void {
    this.#inner.setNoDelay(noDelay);
  }

  setKeepAlive(enable?: boolean, initialDelayMs?: number): void {
    this.#inner.setKeepAlive(enable, initialDelayMs);
  }

  setRef(ref: boolean): void {
    this.#inner.setRef(ref);
  }
}
