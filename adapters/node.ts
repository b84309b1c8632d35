/**
 * The Node adapter: binds the transport contract to `node:net`.
 *
 * Node pushes data; the contract pulls it. Incoming chunks wait in a short queue
 * (the socket is paused while more than {@linkcode READ_HIGH_WATER} bytes wait),
 * and `read(into)` copies from it. Writes go out with one `socket.write` each and
 * wait for `drain` only when Node reports back-pressure.
 *
 * @module
 */

import * as net from "node:net";
import { familyOf, formatTarget } from "./_addr.ts";
import { NetError, toNetError } from "./errors.ts";
import type { Addr, Conn, ConnectOptions, Listener, ListenOptions, Transport } from "./types.ts";

/** Bytes that may wait unread before the socket is paused. */
export const READ_HIGH_WATER = 65536;

const RESOLVED: Promise<void> = Promise.resolve();

function toAddr(address: string | undefined, port: number | undefined): Addr {
  const hostname = address ?? "";
  return { transport: "tcp", hostname, port: port ?? 0, family: familyOf(hostname) };
}

interface PendingRead {
  into: Uint8Array;
  resolve(n: number | null): void;
  reject(error: unknown): void;
}

/** A `Conn` over a `net.Socket`. */
class NodeConn implements Conn {
  readonly localAddr: Addr;
  readonly remoteAddr: Addr;
  readonly #socket: net.Socket;
  readonly #queue: Uint8Array[] = [];
  #queued = 0;
  #paused = false;
  #ended = false;
  #closed = false;
  #error: NetError | null = null;
  #pending: PendingRead | null = null;
  #drainWaiters: Array<() => void> = [];

  /** @param socket a connected socket created with `allowHalfOpen: true` */
  constructor(socket: net.Socket) {
    this.#socket = socket;
    this.localAddr = toAddr(socket.localAddress, socket.localPort);
    this.remoteAddr = toAddr(socket.remoteAddress, socket.remotePort);
    socket.on("data", (chunk: Uint8Array) => this.#onData(chunk));
    socket.on("end", () => this.#onEnd());
    socket.on("error", (error: Error) => this.#onError(toNetError(error, "read")));
    socket.on("close", () => this.#onClose());
    socket.on("drain", () => this.#wakeWriters());
  }

  #onData(chunk: Uint8Array): void {
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

  #enqueue(chunk: Uint8Array): void {
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    if (!this.#paused && this.#queued > READ_HIGH_WATER) {
      this.#paused = true;
      this.#socket.pause();
    }
  }

  #onEnd(): void {
    this.#ended = true;
    this.#settleEnd();
  }

  #onError(error: NetError): void {
    if (this.#error === null) this.#error = error;
    const pending = this.#pending;
    if (pending !== null) {
      this.#pending = null;
      pending.reject(error);
    }
    this.#wakeWriters();
  }

  #onClose(): void {
    this.#ended = true;
    this.#settleEnd();
    this.#wakeWriters();
  }

  #settleEnd(): void {
    const pending = this.#pending;
    if (pending !== null && this.#queued === 0) {
      this.#pending = null;
      if (this.#error !== null && !this.#closed) pending.reject(this.#error);
      else pending.resolve(null);
    }
  }

  #wakeWriters(): void {
    const waiters = this.#drainWaiters;
    if (waiters.length === 0) return;
    this.#drainWaiters = [];
    for (const wake of waiters) wake();
  }

  read(into: Uint8Array): Promise<number | null> {
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
    const queue = this.#queue;
    let n = 0;
    while (n < into.length && queue.length > 0) {
      const chunk = queue[0];
      const room = into.length - n;
      if (chunk.length <= room) {
        into.set(chunk, n);
        n += chunk.length;
        queue.shift();
      } else {
        into.set(chunk.subarray(0, room), n);
        queue[0] = chunk.subarray(room);
        n += room;
      }
    }
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
    if (socket.write(bytes)) return RESOLVED;
    return new Promise((resolve, reject) => {
      this.#drainWaiters.push(() => {
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
    const socket = this.#socket;
    if (this.#closed || socket.destroyed || socket.writableEnded) return RESOLVED;
    return new Promise((resolve) => socket.end(resolve));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.destroy();
    this.#settleEnd();
  }

  setNoDelay(noDelay = true): void {
    this.#socket.setNoDelay(noDelay);
  }

  setKeepAlive(enable = true, initialDelayMs = 0): void {
    this.#socket.setKeepAlive(enable, initialDelayMs);
  }

  setRef(ref: boolean): void {
    if (ref) this.#socket.ref();
    else this.#socket.unref();
  }
}

/** A `Listener` over a `net.Server`. */
class NodeListener implements Listener {
  readonly #server: net.Server;
  readonly #backlog: net.Socket[] = [];
  #waiters: Array<(conn: Conn | null) => void> = [];
  #closed = false;
  #addr: Addr;

  constructor(server: net.Server) {
    this.#server = server;
    const address = server.address() as net.AddressInfo;
    this.#addr = {
      transport: "tcp",
      hostname: address.address,
      port: address.port,
      family: familyOf(address.address),
    };
    server.on("connection", (socket: net.Socket) => {
      const waiter = this.#waiters.shift();
      if (waiter !== undefined) waiter(new NodeConn(socket));
      else this.#backlog.push(socket);
    });
    // Accept errors (EMFILE and the like) must not crash the process; the
    // listener keeps accepting once the condition passes.
    server.on("error", () => {});
  }

  get addr(): Addr {
    return this.#addr;
  }

  accept(): Promise<Conn | null> {
    const socket = this.#backlog.shift();
    if (socket !== undefined) return Promise.resolve(new NodeConn(socket));
    if (this.#closed) return Promise.resolve(null);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#server.close();
    for (const socket of this.#backlog.splice(0)) socket.destroy();
    for (const waiter of this.#waiters.splice(0)) waiter(null);
  }

  setRef(ref: boolean): void {
    if (ref) this.#server.ref();
    else this.#server.unref();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Conn> {
    for (let conn = await this.accept(); conn !== null; conn = await this.accept()) yield conn;
  }
}

/**
 * The transport for Node (and for Deno's Node compatibility layer).
 *
 * @example Connect, send, read the answer
 * ```ts ignore
 * import { nodeTransport } from "./node.ts";
 *
 * const conn = await nodeTransport.connect({ hostname: "127.0.0.1", port: 7 });
 * await conn.write(new TextEncoder().encode("hello"));
 * const buffer = new Uint8Array(64);
 * const n = await conn.read(buffer);
 * conn.close();
 * ```
 */
export const nodeTransport: Transport = {
  name: "node",

  listen(options: ListenOptions): Promise<Listener> {
    const hostname = options.hostname ?? "0.0.0.0";
    return new Promise((resolve, reject) => {
      const server = net.createServer({ allowHalfOpen: true, noDelay: true });
      const onError = (error: Error) =>
        reject(toNetError(error, "listen", formatTarget(hostname, options.port)));
      server.once("error", onError);
      server.listen({ port: options.port, host: hostname, exclusive: !options.reusePort }, () => {
        server.off("error", onError);
        resolve(new NodeListener(server));
      });
    });
  },

  connect(options: ConnectOptions): Promise<Conn> {
    const hostname = options.hostname ?? "127.0.0.1";
    const target = formatTarget(hostname, options.port);
    const signal = options.signal;
    if (signal?.aborted) {
      return Promise.reject(
        new NetError("ERR_ABORTED", `connect ${target} aborted`, {
          cause: signal.reason,
          syscall: "connect",
        }),
      );
    }
    return new Promise((resolve, reject) => {
      const socket = net.connect({
        port: options.port,
        host: hostname,
        allowHalfOpen: true,
        noDelay: true,
      });
      const onAbort = () => {
        cleanup();
        socket.destroy();
        reject(
          new NetError("ERR_ABORTED", `connect ${target} aborted`, {
            cause: signal?.reason,
            syscall: "connect",
          }),
        );
      };
      const onError = (error: Error) => {
        cleanup();
        socket.destroy();
        reject(toNetError(error, "connect", target));
      };
      const onConnect = () => {
        cleanup();
        resolve(new NodeConn(socket));
      };
      const cleanup = () => {
        socket.off("error", onError);
        socket.off("connect", onConnect);
        signal?.removeEventListener("abort", onAbort);
      };
      socket.once("error", onError);
      socket.once("connect", onConnect);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  },
};
