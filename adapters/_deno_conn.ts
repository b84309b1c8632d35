// The `Conn` over a Deno connection (`Deno.TcpConn`, `Deno.UnixConn`, and
// `Deno.TlsConn`, which has the same read/write/closeWrite shape).
//
// Reading: `conn.read(buffer)` straight into our memory (Deno's `readable` stream
// is about 3x slower). In handler mode a loop keeps one read in flight. The read
// size adapts: it starts small (an idle connection pins its pending read's
// memory, so idle connections stay cheap), doubles while reads fill it (to
// 64 KiB), and halves while reads use little of it.
//
// Owned chunks (what `data` events need: the listener may keep them) cost fresh
// memory, and fresh memory is what costs: allocating, zero-filling, page faults,
// collecting. Small reads (below 16 KiB) go into the connection's one buffer
// and are copied out into a pool shared by every connection, as Node's Buffer
// pool does (one allocation per 16 KiB of small chunks; a kept chunk pins at
// most that). Large reads go into a slab that four reads fill one after the
// other, and are handed out as views of it, with no copy (a kept chunk pins at
// most 256 KiB). Borrowed chunks reuse the one buffer; a caller's buffer
// (`attach({ buffer })`) is read into directly.
//
// Writing: one write in flight at a time; what is sent meanwhile queues and goes
// out in one write (small chunks are joined up to 64 KiB).

import { familyOf } from "./_addr.ts";
import type { DenoConn, DenoNetAddr, DenoUnixAddr } from "./_deno_api.ts";
import { NetError, toNetError } from "./errors.ts";
import type { Addr, AttachOptions, Conn, ConnHandler } from "./types.ts";

/** The first read buffer of a connection. */
export const INITIAL_READ_SIZE = 4096;
/** The largest read buffer. */
export const MAX_READ_SIZE = 65536;
/** Reads this large or larger share a slab of SLAB_READS reads (owned chunks). */
const SLAB_THRESHOLD = 16384;
const SLAB_READS = 4;
/** `send` returns `false` once more than this many bytes wait. */
export const WRITE_HIGH_WATER = 16384;
/** Queued chunks are joined into writes of at most this many bytes. */
const JOIN_LIMIT = 65536;

type Callback = (error?: NetError) => void;

const EMPTY: Uint8Array[] = [];

/** Small owned chunks are copied into this pool, shared by every connection. */
const POOL_SIZE = 16384;
let pool = new Uint8Array(POOL_SIZE);
let poolOffset = 0;

/**
 * A fresh copy of `bytes[0, n)`: carved from the shared pool when small (one
 * allocation per 16 KiB, not per read; a kept chunk pins at most that much),
 * its own allocation otherwise.
 */
function copyToPool(bytes: Uint8Array, n: number): Uint8Array {
  if (n > POOL_SIZE >>> 3) return bytes.slice(0, n);
  if (POOL_SIZE - poolOffset < n) {
    pool = new Uint8Array(POOL_SIZE);
    poolOffset = 0;
  }
  const chunk = pool.subarray(poolOffset, poolOffset + n);
  chunk.set(n === bytes.length ? bytes : bytes.subarray(0, n));
  poolOffset = (poolOffset + n + 7) & ~7; // keep chunks 8-byte aligned
  return chunk;
}

/**
 * Read buffers of the first size, given back by closed connections and taken
 * by new ones: a connection that lives for one request (a new TLS handshake
 * per request) would otherwise allocate, zero-fill and later collect 4 KiB of
 * memory outside the heap. Only the connection's own buffer goes back, once no
 * read is under way; chunks read into it are borrowed (valid until `onData`
 * returns) or copied out, so nothing still refers to it.
 */
const freeBuffers: Uint8Array[] = [];
/** Free buffers kept at most (256 KiB). */
const MAX_FREE_BUFFERS = 64;

function takeBuffer(size: number): Uint8Array {
  return (size === INITIAL_READ_SIZE ? freeBuffers.pop() : undefined) ?? new Uint8Array(size);
}

function giveBack(buffer: Uint8Array): void {
  if (buffer.length === INITIAL_READ_SIZE && freeBuffers.length < MAX_FREE_BUFFERS) {
    freeBuffers.push(buffer);
  }
}

/** A Deno address as ours. */
export function toAddr(addr: DenoNetAddr | DenoUnixAddr): Addr {
  if ("hostname" in addr) {
    return {
      transport: addr.transport,
      hostname: addr.hostname,
      port: addr.port,
      family: familyOf(addr.hostname),
    };
  }
  return { transport: "unix", path: addr.path ?? "" };
}

function callAll(callbacks: Callback[] | null, error?: NetError): void {
  if (callbacks === null) return;
  for (const callback of callbacks) callback(error);
}

/** A `Conn` over a Deno connection. */
export class DenoStreamConn implements Conn {
  readonly #conn: DenoConn;
  #localAddr: Addr | undefined;
  #remoteAddr: Addr | undefined;
  #closed = false;
  #error: NetError | null = null;

  // Reading (handler mode).
  #handler: ConnHandler | null = null;
  #owned = true;
  #userBuffer: Uint8Array | null = null;
  #paused = false;
  #pumping = false;
  /** A `conn.read` is under way (`Deno.startTls` refuses a connection with one). */
  #reading = false;
  #flushed: Array<() => void> | null = null;
  #readEnded = false;
  #buffer: Uint8Array | null = null;
  #offset = 0;
  #readSize = INITIAL_READ_SIZE;

  // Writing.
  #queue: Uint8Array[] = EMPTY;
  #queueCallbacks: Array<Callback | undefined> | null = null;
  #inflight: Uint8Array | null = null;
  #inflightCallbacks: Callback[] | null = null;
  #queued = 0;
  #corked = 0;
  #needDrain = false;
  #ending: Callback[] | null = null;
  #writeClosed = false;

  /**
   * @param conn the Deno connection
   * @param readBuffer where handler-mode reads go when `attach` names no buffer
   */
  constructor(conn: DenoConn, readBuffer?: Uint8Array) {
    this.#conn = conn;
    if (readBuffer !== undefined) this.#userBuffer = readBuffer;
    // Deno's TCP sockets start with Nagle's algorithm on (accepted ones too):
    // a write-write-read exchange then waits ~40 ms for the peer's delayed ACK.
    // The contract's default is no delay. (A TLS connection has no such switch.)
    conn.setNoDelay?.(true);
  }

  get localAddr(): Addr {
    return this.#localAddr ??= toAddr(this.#conn.localAddr);
  }

  get remoteAddr(): Addr {
    return this.#remoteAddr ??= toAddr(this.#conn.remoteAddr);
  }

  get writableLength(): number {
    return this.#queued;
  }

  /** The runtime connection, for a TLS upgrade (`Deno.startTls`). */
  get raw(): DenoConn {
    return this.#conn;
  }

  /**
   * Hands the runtime connection over for a TLS upgrade (`Deno.startTls`): stops
   * reading, waits until queued writes are out, and leaves the connection to
   * the caller (closing this `Conn` no longer closes it). No read may be under
   * way: pause from inside `onData`, or never attach.
   */
  async release(): Promise<DenoConn> {
    if (this.#closed) {
      throw new NetError("ERR_SOCKET_CLOSED", "the connection is closed", { syscall: "starttls" });
    }
    if (this.#reading) {
      throw new NetError(
        "EINVAL",
        "a TLS upgrade needs a connection that is not being read: pause it from inside onData",
        { syscall: "starttls" },
      );
    }
    this.#paused = true;
    this.#writeClosed = true;
    if (this.#inflight !== null || this.#queue.length > 0) {
      this.#corked = 0;
      if (this.#inflight === null) this.#next();
      await new Promise<void>((resolve) => (this.#flushed ??= []).push(resolve));
    }
    if (this.#error !== null) throw this.#error;
    if (this.#closed) {
      throw new NetError("ERR_SOCKET_CLOSED", "the connection closed before the upgrade", {
        syscall: "starttls",
      });
    }
    this.#closed = true;
    return this.#conn;
  }

  // ---- the promise way -------------------------------------------------------

  async read(into: Uint8Array): Promise<number | null> {
    if (this.#closed) return null;
    if (this.#handler !== null) {
      throw new NetError("EINVAL", "read() on a connection in handler mode", { syscall: "read" });
    }
    this.#reading = true;
    try {
      return await this.#conn.read(into);
    } catch (error) {
      if (this.#closed) return null;
      throw toNetError(error, "read");
    } finally {
      this.#reading = false;
    }
  }

  write(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.send(bytes, (error) => error === undefined ? resolve() : reject(error));
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
    this.#writeClosed = true;
    this.#wakeFlushed();
    try {
      this.#conn.close();
    } catch {
      // Already closed by the runtime.
    }
    const pending: Callback[] = [];
    if (this.#inflightCallbacks !== null) pending.push(...this.#inflightCallbacks);
    for (const callback of this.#queueCallbacks ?? []) if (callback) pending.push(callback);
    if (this.#ending !== null) pending.push(...this.#ending);
    this.#queue = EMPTY;
    this.#queueCallbacks = null;
    this.#inflightCallbacks = null;
    this.#ending = null;
    this.#queued = 0;
    if (!this.#reading) this.#releaseBuffer();
    if (pending.length > 0) {
      // Made only when someone waits: an Error costs a stack trace.
      const error = new NetError("ERR_SOCKET_CLOSED", "the connection was closed", {
        syscall: "write",
      });
      queueMicrotask(() => callAll(pending, error));
    }
  }

  // ---- the handler way: reading ---------------------------------------------

  attach(handler: ConnHandler, options: AttachOptions = {}): void {
    if (this.#handler !== null) {
      throw new NetError("EINVAL", "attach() called twice", { syscall: "read" });
    }
    this.#handler = handler;
    this.#userBuffer = options.buffer ?? this.#userBuffer;
    this.#owned = options.chunks !== "borrowed" && this.#userBuffer === null;
    this.#paused = options.paused ?? false;
    if (!this.#paused) this.#startPump();
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    if (this.#handler !== null) this.#startPump();
  }

  #startPump(): void {
    if (this.#pumping || this.#readEnded || this.#closed) return;
    this.#pumping = true;
    // The first read starts on a later turn, so no handler call happens inside
    // attach() or resume().
    queueMicrotask(() => this.#pump());
  }

  async #pump(): Promise<void> {
    const handler = this.#handler as ConnHandler;
    const conn = this.#conn;
    try {
      while (!this.#paused && !this.#closed) {
        const view = this.#nextView();
        let n: number | null;
        this.#reading = true;
        try {
          n = await conn.read(view);
        } catch (error) {
          if (!this.#closed) this.#fail(toNetError(error, "read"));
          return;
        } finally {
          this.#reading = false;
        }
        if (this.#closed) return;
        if (n === null) {
          this.#readEnded = true;
          handler.onEnd();
          return;
        }
        handler.onData(this.#chunk(view, n));
      }
    } finally {
      this.#pumping = false;
      if (this.#closed) this.#releaseBuffer();
    }
  }

  /** Gives the read buffer back for other connections (closed, no read under way). */
  #releaseBuffer(): void {
    const buffer = this.#buffer;
    this.#buffer = null;
    if (buffer !== null && buffer.length < SLAB_THRESHOLD && this.#offset === 0) giveBack(buffer);
  }

  /**
   * Where the next read goes: the caller's buffer; the connection's one buffer
   * (borrowed chunks, and small owned reads, copied out after); or the free part
   * of the slab (large owned reads).
   */
  #nextView(): Uint8Array {
    if (this.#userBuffer !== null) return this.#userBuffer;
    const size = this.#readSize;
    let buffer = this.#buffer;
    if (!this.#owned || size < SLAB_THRESHOLD) {
      if (buffer === null || buffer.length !== size) {
        if (buffer !== null && buffer.length < SLAB_THRESHOLD) giveBack(buffer);
        buffer = this.#buffer = takeBuffer(size);
        this.#offset = 0;
      }
      return buffer;
    }
    if (buffer === null || buffer.length - this.#offset < size) {
      buffer = this.#buffer = new Uint8Array(size * SLAB_READS);
      this.#offset = 0;
    }
    return buffer.subarray(this.#offset, this.#offset + size);
  }

  /** The chunk for `n` bytes read into `view`; adapts the read size. */
  #chunk(view: Uint8Array, n: number): Uint8Array {
    if (this.#userBuffer !== null) return view.subarray(0, n);
    const size = view.length;
    if (n === size && size < MAX_READ_SIZE) this.#readSize = size * 2;
    else if (n < size >>> 3 && size > INITIAL_READ_SIZE) this.#readSize = size >>> 1;
    if (!this.#owned) return view.subarray(0, n);
    if (size < SLAB_THRESHOLD) return copyToPool(view, n);
    this.#offset += n;
    return view.subarray(0, n);
  }

  // ---- the handler way: writing ---------------------------------------------

  send(bytes: Uint8Array, callback?: Callback): boolean {
    if (this.#writeClosed) {
      const error = this.#error ??
        new NetError(
          this.#closed ? "ERR_SOCKET_CLOSED" : "EPIPE",
          this.#closed ? "write on a closed connection" : "write after end",
          { syscall: "write" },
        );
      if (callback !== undefined) queueMicrotask(() => callback(error));
      return false;
    }
    this.#queued += bytes.length;
    if (this.#inflight === null && this.#corked === 0) {
      this.#startWrite(bytes, callback === undefined ? null : [callback]);
    } else {
      if (this.#queue === EMPTY) this.#queue = [];
      this.#queue.push(bytes);
      if (callback !== undefined) {
        const callbacks = this.#queueCallbacks ??= [];
        callbacks[this.#queue.length - 1] = callback;
      }
    }
    if (this.#queued < WRITE_HIGH_WATER) return true;
    this.#needDrain = true;
    return false;
  }

  cork(): void {
    this.#corked++;
  }

  uncork(): void {
    if (this.#corked === 0) return;
    if (--this.#corked === 0 && this.#inflight === null) this.#next();
  }

  end(callback?: Callback): void {
    if (this.#ending !== null) {
      if (callback !== undefined) this.#ending.push(callback);
      return;
    }
    if (this.#writeClosed) {
      // Closed, failed, or already half-closed.
      if (callback !== undefined) queueMicrotask(() => callback(this.#error ?? undefined));
      return;
    }
    this.#writeClosed = true;
    this.#corked = 0;
    this.#ending = callback === undefined ? [] : [callback];
    if (this.#inflight === null) this.#next();
  }

  #startWrite(bytes: Uint8Array, callbacks: Callback[] | null): void {
    this.#inflight = bytes;
    this.#inflightCallbacks = callbacks;
    this.#writeNow(bytes);
  }

  /** One write, continued by two functions made once per connection, on its first write. */
  #writeNow(bytes: Uint8Array): void {
    const onWritten = this.#onWritten ??= (n: number) => this.#written(n);
    const onFailed = this.#onWriteFailed ??= (error: unknown) => this.#writeFailed(error);
    this.#conn.write(bytes).then(onWritten, onFailed);
  }

  #onWritten: ((n: number) => void) | null = null;
  #onWriteFailed: ((error: unknown) => void) | null = null;

  #written(n: number): void {
    if (this.#closed) return;
    const inflight = this.#inflight as Uint8Array;
    this.#queued -= n;
    if (n < inflight.length) {
      this.#inflight = inflight.subarray(n);
      this.#writeNow(this.#inflight);
      return;
    }
    const callbacks = this.#inflightCallbacks;
    this.#inflight = null;
    this.#inflightCallbacks = null;
    callAll(callbacks);
    if (this.#closed) return;
    this.#next();
  }

  #writeFailed(error: unknown): void {
    if (this.#closed) return;
    this.#fail(toNetError(error, "write"));
  }

  /** Starts the next write from the queue, or finishes: drain, then FIN. */
  #next(): void {
    const queue = this.#queue;
    if (queue.length > 0 && this.#corked === 0) {
      let count = 1;
      let total = queue[0].length;
      while (count < queue.length && total + queue[count].length <= JOIN_LIMIT) {
        total += queue[count++].length;
      }
      let bytes: Uint8Array;
      if (count === 1) bytes = queue[0];
      else {
        bytes = new Uint8Array(total);
        for (let i = 0, offset = 0; i < count; offset += queue[i++].length) {
          bytes.set(queue[i], offset);
        }
      }
      let callbacks: Callback[] | null = null;
      const queued = this.#queueCallbacks;
      if (queued !== null) {
        for (let i = 0; i < count; i++) {
          const callback = queued[i];
          if (callback !== undefined) (callbacks ??= []).push(callback);
        }
        queued.splice(0, count);
        if (queued.length === 0) this.#queueCallbacks = null;
      }
      queue.splice(0, count);
      this.#startWrite(bytes, callbacks);
      return;
    }
    if (this.#corked > 0) return;
    this.#wakeFlushed();
    if (this.#needDrain) {
      this.#needDrain = false;
      this.#handler?.onDrain();
    }
    if (this.#ending !== null && !this.#closed) this.#shutdown();
  }

  #wakeFlushed(): void {
    const waiters = this.#flushed;
    if (waiters === null) return;
    this.#flushed = null;
    for (const wake of waiters) wake();
  }

  #shutdown(): void {
    const callbacks = this.#ending;
    this.#ending = null;
    this.#conn.closeWrite().then(
      () => callAll(callbacks),
      (error: unknown) => {
        const netError = toNetError(error, "shutdown");
        // Half-closing a connection the peer already reset or closed is not a failure.
        if (netError.code === "ENOTCONN" || netError.code === "ERR_SOCKET_CLOSED") {
          callAll(callbacks);
        } else {
          callAll(callbacks, netError);
        }
      },
    );
  }

  /** A read or write failed: fail every waiting write, tell the handler once. */
  #fail(error: NetError): void {
    if (this.#error !== null) return;
    this.#error = error;
    this.#writeClosed = true;
    const pending: Callback[] = [];
    if (this.#inflightCallbacks !== null) pending.push(...this.#inflightCallbacks);
    for (const callback of this.#queueCallbacks ?? []) if (callback) pending.push(callback);
    if (this.#ending !== null) pending.push(...this.#ending);
    this.#queue = EMPTY;
    this.#queueCallbacks = null;
    this.#inflight = null;
    this.#inflightCallbacks = null;
    this.#ending = null;
    this.#queued = 0;
    this.#wakeFlushed();
    callAll(pending, error);
    this.#handler?.onError(error);
  }

  // ---- options -------------------------------------------------------------------

  setNoDelay(noDelay = true): void {
    if (!this.#closed) this.#conn.setNoDelay?.(noDelay);
  }

  setKeepAlive(enable = true): void {
    // Deno has no setting for the delay before the first probe.
    if (!this.#closed) this.#conn.setKeepAlive?.(enable);
  }

  setRef(ref: boolean): void {
    if (this.#closed) return;
    if (ref) this.#conn.ref();
    else this.#conn.unref();
  }
}
