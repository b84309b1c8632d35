/**
 * `createProxy()`: an HTTP forward proxy server, as `curl -x`, browsers and
 * wirestack's own `Agent({ proxy })` use one.
 *
 * - Absolute-form requests (`GET http://host/path HTTP/1.1`) are sent on
 *   through an `Agent` (pooled, keep-alive), bodies streamed both ways with
 *   back-pressure; hop-by-hop fields (`Connection` and what it names,
 *   `Keep-Alive`, `Proxy-*`, `TE`, `Trailer`, `Transfer-Encoding`, `Upgrade`)
 *   are removed and `Via` is added both ways (RFC 9110 7.6); `Host` follows the
 *   target. An upgrade (WebSocket through a plain proxy) is passed through.
 * - `CONNECT host:port` opens a TCP tunnel (`200 Connection Established`) and
 *   relays bytes both ways.
 * - Loops are refused with `508 Loop Detected`: a request whose `Via` already
 *   names this proxy, or a target that is the proxy itself.
 * - Failures answer as a proxy should: `502` when the origin cannot be
 *   reached or answers badly, `504` when it times out, `400`/`431`/`501` for a
 *   broken request, `407` when `authenticate` refuses.
 *
 * @example A proxy on a free port, used by fetch
 * ```ts ignore
 * import { Agent, createProxy, fetch } from "./mod.ts";
 *
 * const proxy = createProxy();
 * proxy.listen(0, "127.0.0.1");
 * await new Promise((resolve) => proxy.once("listening", resolve));
 * const agent = new Agent({ proxy: `http://127.0.0.1:${proxy.address()?.port}` });
 * console.log((await fetch("http://example.com/", { agent })).status);
 * agent.destroy();
 * proxy.close();
 * ```
 *
 * @module
 */

import {
  type Conn,
  type Listener,
  type NetAddr,
  type Transport,
  transport as runtimeTransport,
} from "../adapters/mod.ts";
import { Emitter } from "../net/emitter.ts";
import type { ConnectionOptions } from "../protocols/http1/mod.ts";
import { Agent } from "./agent.ts";
import { ProxyConnection, type ProxyContext } from "./_proxy_connection.ts";

/** Options of {@linkcode createProxy}. */
export interface ProxyServerOptions {
  /** The pool used to reach origins (default: a new keep-alive `Agent`, destroyed on close). */
  agent?: Agent;
  /** This proxy's name in `Via` (default `wirestack-` and 8 random hex digits). */
  pseudonym?: string;
  /**
   * Checks the `Proxy-Authorization` value (or `null` when absent); `false`
   * answers `407` with `Proxy-Authenticate: Basic realm="wirestack"`. Default: everyone may.
   */
  authenticate?: (authorization: string | null) => boolean;
  /** Whether CONNECT may open a tunnel to `host:port` (default: any). */
  allowTunnel?: (host: string, port: number) => boolean;
  /** Milliseconds to open a tunnel's connection (default 10,000). */
  connectTimeout?: number;
  /** Milliseconds a client connection may stay idle between requests (default 60,000). */
  idleTimeout?: number;
  /** Limits of the request parser (`maxHeaderSize` ...). */
  limits?: ConnectionOptions;
  /** The socket layer (default: the running runtime's). */
  transport?: Transport;
}

/** What the proxy reports for each request it handled (its access log). */
export interface ProxyLogEntry {
  /** The request method (`CONNECT` for tunnels). */
  method: string;
  /** The target: an absolute URL, or `host:port` for CONNECT. */
  target: string;
  /** The status sent to the client. */
  status: number;
  /** The client's address. */
  client: string;
  /** Milliseconds from the request head to the end of the response (or of the tunnel). */
  ms: number;
}

/** The events of a {@linkcode ProxyServer}. */
export interface ProxyServerEvents {
  /** The proxy listens (see `address()`). */
  listening: [];
  /** A request or tunnel ended. */
  log: [entry: ProxyLogEntry];
  /** Listening failed. */
  error: [error: Error];
  /** The proxy stopped. */
  close: [];
}

function randomHex(): string {
  const bytes = new Uint8Array(4);
  crypto.getRandomValues(bytes);
  return [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * A forward proxy server (see the module documentation).
 *
 * @example Listening and stopping
 * ```ts
 * import { createProxy } from "./mod.ts";
 *
 * const proxy = createProxy();
 * proxy.listen(0, "127.0.0.1");
 * await new Promise((resolve) => proxy.once("listening", resolve));
 * console.log(proxy.address()?.port);
 * await proxy.close();
 * ```
 */
export class ProxyServer extends Emitter<ProxyServerEvents> {
  /** The name this proxy gives itself in `Via`. */
  readonly pseudonym: string;
  readonly #options: ProxyServerOptions;
  readonly #agent: Agent;
  readonly #ownAgent: boolean;
  readonly #transport: Transport;
  #listener: Listener | null = null;
  readonly #context: ProxyContext;
  #connections = new Set<ProxyConnection>();
  #closing = false;
  #closed = false;

  /**
   * Made by {@linkcode createProxy}.
   *
   * @param options see {@linkcode ProxyServerOptions}
   */
  constructor(options: ProxyServerOptions = {}) {
    super();
    this.#options = options;
    this.pseudonym = options.pseudonym ?? `wirestack-${randomHex()}`;
    this.#ownAgent = options.agent === undefined;
    this.#agent = options.agent ?? new Agent();
    this.#transport = options.transport ?? runtimeTransport;
    this.#context = {
      options,
      agent: this.#agent,
      transport: this.#transport,
      pseudonym: this.pseudonym,
      forget: (connection) => this.#forget(connection),
      isSelf: (hostname, port) => this.#isSelf(hostname, port),
      log: (entry) => this.emit("log", entry),
    };
  }

  /**
   * Starts listening; emits `listening` (or `error`).
   *
   * @param port the port (0: any free one)
   * @param hostname the address to bind (default `"127.0.0.1"`: a proxy is not for everyone)
   * @param callback added as a `listening` listener
   * @returns this proxy
   */
  listen(port = 0, hostname = "127.0.0.1", callback?: () => void): this {
    if (callback !== undefined) this.once("listening", callback);
    this.#transport.listen({ port, hostname }).then((listener) => {
      if (this.#closing) {
        listener.close();
        return;
      }
      this.#listener = listener;
      this.emit("listening");
      this.#accept(listener).catch((error: Error) => this.emit("error", error));
    }, (error: Error) => this.emit("error", error));
    return this;
  }

  async #accept(listener: Listener): Promise<void> {
    for (;;) {
      let conn: Conn | null;
      try {
        conn = await listener.accept();
      } catch {
        continue; // one peer's failure
      }
      if (conn === null) break;
      const connection = new ProxyConnection(this.#context, conn);
      this.#connections.add(connection);
    }
    if (this.#connections.size === 0) this.#finishClose();
  }

  /** The bound address, once listening. */
  address(): NetAddr | null {
    const addr = this.#listener?.addr;
    return addr !== undefined && addr.transport !== "unix" ? addr : null;
  }

  /**
   * Stops accepting, closes every client connection and tunnel, and (when it
   * made its own) destroys the agent. Resolves once closed.
   *
   * @returns a promise for the end
   */
  close(): Promise<void> {
    if (!this.#closing) {
      this.#closing = true;
      this.#listener?.close();
      for (const connection of [...this.#connections]) connection.close();
      if (this.#ownAgent) this.#agent.destroy();
      if (this.#listener === null) queueMicrotask(() => this.#finishClose());
    }
    return new Promise((resolve) => {
      if (this.#closed) resolve();
      else this.once("close", () => resolve());
    });
  }

  #finishClose(): void {
    if (this.#closed || !this.#closing) return;
    this.#closed = true;
    this.emit("close");
  }

  /** Whether `host:port` is this proxy (a request that would come back). */
  #isSelf(hostname: string, port: number): boolean {
    const addr = this.address();
    if (addr === null || port !== addr.port) return false;
    const host = hostname.toLowerCase();
    return host === addr.hostname || host === "localhost" || host === "127.0.0.1" ||
      host === "::1";
  }

  #forget(connection: ProxyConnection): void {
    this.#connections.delete(connection);
    if (this.#closing && this.#connections.size === 0 && this.#listener !== null) {
      // the accept loop ends on its own once the listener is closed
      queueMicrotask(() => this.#finishClose());
    }
  }
}

/**
 * Creates a forward proxy server; call `listen(port)` to start it.
 *
 * @param options the upstream agent, authentication, limits ...
 * @returns the proxy
 *
 * @example
 * ```ts
 * import { createProxy } from "./mod.ts";
 *
 * const proxy = createProxy({ authenticate: (value) => value === `Basic ${btoa("me:secret")}` });
 * proxy.on("log", (entry) => console.log(entry.method, entry.target, entry.status));
 * await proxy.close();
 * ```
 */
export function createProxy(options: ProxyServerOptions = {}): ProxyServer {
  return new ProxyServer(options);
}
