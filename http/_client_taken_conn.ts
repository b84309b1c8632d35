// The connection of an accepted upgrade (101) or CONNECT tunnel (2xx), handed
// to whoever asked for it. The adapter connection stays attached to the pool's
// connection object, which forwards every event here; this class offers the
// whole `Conn` contract again (handler or promise way) to the new owner, and
// keeps what arrives before the owner attaches.

import type { Addr, AttachOptions, Conn, ConnHandler, NetError, TlsInfo } from "../adapters/mod.ts";

interface PendingRead {
  into: Uint8Array;
  resolve(n: number | null): void;
  reject(error: unknown): void;
}

/** A `Conn` taken over from the HTTP client after an upgrade or CONNECT. */
export class TakenConn implements Conn {
  readonly #conn: Conn;
  #handler: ConnHandler | null = null;
  #queue: Uint8Array[] = [];
  #ended = false;
  #error: NetError | null = null;
  #paused = false;
  #delivered = false;
  #closed = false;
  #pending: PendingRead | null = null;
  #flushing = false;
  /** The caller's read buffer (`attach({ buffer })`): chunks are copied into it. */
  #buffer: Uint8Array | null = null;

  /**
   * @param conn the adapter connection (already attached to the pool's connection)
   * @param ended whether its peer already half-closed
   */
  constructor(conn: Conn, ended: boolean) {
    this.#conn = conn;
    this.#ended = ended;
  }

  get localAddr(): Addr {
    return this.#conn.localAddr;
  }

  get remoteAddr(): Addr {
    return this.#conn.remoteAddr;
  }

  get tls(): TlsInfo | undefined {
    return this.#conn.tls;
  }

  get writableLength(): number {
    return this.#conn.writableLength;
  }

  /** The runtime socket under the adapter connection (for a TLS upgrade). */
  get raw(): unknown {
    return (this.#conn as { raw?: unknown }).raw;
  }

  // ---- events forwarded by the pool's connection ----------------------------------

  deliver(chunk: Uint8Array): void {
    const handler = this.#handler;
    if (handler !== null && !this.#paused && this.#queue.length === 0) {
      this.#hand(handler, chunk);
      return;
    }
    const pending = this.#pending;
    if (pending !== null && this.#queue.length === 0) {
      this.#pending = null;
      const n = Math.min(chunk.length, pending.into.length);
      pending.into.set(chunk.subarray(0, n));
      if (n < chunk.length) this.#queue.push(chunk.subarray(n));
      pending.resolve(n);
      return;
    }
    this.#queue.push(chunk);
  }

  deliverEnd(): void {
    this.#ended = true;
    this.#settle();
  }

  deliverDrain(): void {
    this.#handler?.onDrain();
  }

  deliverError(error: NetError): void {
    if (this.#error !== null) return;
    this.#error = error;
    this.#settle();
  }

  /** Hands the end or the error on, once the queued bytes are out. */
  #settle(): void {
    if (this.#queue.length > 0 || this.#delivered) return;
    const handler = this.#handler;
    if (handler !== null) {
      if (this.#paused) return;
      this.#delivered = true;
      if (this.#error !== null) handler.onError(this.#error);
      else handler.onEnd();
      return;
    }
    const pending = this.#pending;
    if (pending !== null) {
      this.#pending = null;
      if (this.#error !== null) pending.reject(this.#error);
      else pending.resolve(null);
    }
  }

  // ---- the promise way ---------------------------------------------------------------

  read(into: Uint8Array): Promise<number | null> {
    if (this.#queue.length > 0) {
      const chunk = this.#queue[0];
      const n = Math.min(chunk.length, into.length);
      into.set(chunk.subarray(0, n));
      if (n === chunk.length) this.#queue.shift();
      else this.#queue[0] = chunk.subarray(n);
      return Promise.resolve(n);
    }
    if (this.#error !== null) return Promise.reject(this.#error);
    if (this.#ended || this.#closed) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      this.#pending = { into, resolve, reject };
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.#conn.write(bytes);
  }

  closeWrite(): Promise<void> {
    return this.#conn.closeWrite();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#conn.close();
    const pending = this.#pending;
    if (pending !== null) {
      this.#pending = null;
      pending.resolve(null);
    }
  }

  // ---- the handler way ----------------------------------------------------------------

  attach(handler: ConnHandler, options: AttachOptions = {}): void {
    if (this.#handler !== null) throw new Error("attach() called twice");
    this.#handler = handler;
    this.#buffer = options.buffer ?? null;
    this.#paused = options.paused ?? false;
    if (this.#paused) this.#conn.pause();
    else this.#scheduleFlush();
  }

  /** Hands a chunk over: as it is, or copied into the caller's buffer piece by piece. */
  #hand(handler: ConnHandler, chunk: Uint8Array): void {
    const buffer = this.#buffer;
    if (buffer === null) {
      handler.onData(chunk);
      return;
    }
    for (let at = 0; at < chunk.length;) {
      const n = Math.min(buffer.length, chunk.length - at);
      buffer.set(chunk.subarray(at, at + n));
      at += n;
      handler.onData(buffer.subarray(0, n));
    }
  }

  #scheduleFlush(): void {
    if (this.#flushing) return;
    if (this.#queue.length === 0 && !this.#ended && this.#error === null) return;
    this.#flushing = true;
    // Never inside attach() or resume(), as the contract says.
    queueMicrotask(() => {
      this.#flushing = false;
      this.#flush();
    });
  }

  #flush(): void {
    const handler = this.#handler as ConnHandler;
    while (this.#queue.length > 0 && !this.#paused && !this.#closed) {
      this.#hand(handler, this.#queue.shift() as Uint8Array);
    }
    if (!this.#closed) this.#settle();
  }

  pause(): void {
    this.#paused = true;
    this.#conn.pause();
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#conn.resume();
    this.#scheduleFlush();
  }

  send(bytes: Uint8Array, callback?: (error?: NetError) => void): boolean {
    return this.#conn.send(bytes, callback);
  }

  cork(): void {
    this.#conn.cork();
  }

  uncork(): void {
    this.#conn.uncork();
  }

  end(callback?: (error?: NetError) => void): void {
    this.#conn.end(callback);
  }

  setNoDelay(noDelay?: boolean): void {
    this.#conn.setNoDelay(noDelay);
  }

  setKeepAlive(enable?: boolean, initialDelayMs?: number): void {
    this.#conn.setKeepAlive(enable, initialDelayMs);
  }

  setRef(ref: boolean): void {
    this.#conn.setRef(ref);
  }
}
