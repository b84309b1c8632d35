/**
 * {@linkcode Agent}: the connection pool under `request()` and `fetch()` (the
 * chapter's HTTP agent), and {@linkcode globalAgent}, the one they use when
 * given none.
 *
 * One pool per route: an origin (`http://host:port`), a Unix socket, a forward
 * proxy (every origin of plain http shares the proxy's connections), or a
 * CONNECT tunnel through a proxy to an origin. Connections are opened in one
 * place (keyed by route and TLS options), so `https://` changes nothing on
 * the request path: the TLS handshake (verification on, ALPN `http/1.1`)
 * runs over the TCP connection or the proxy's CONNECT tunnel.
 *
 * The pool heals itself, which is where Node's agent and undici hurt most
 * ("socket hang up", ECONNRESET on a reused socket):
 * - a connection back from a response is checked for a FIN, RST or stray
 *   bytes before it is reused (two turns of the event loop), and keeps being
 *   watched while free;
 * - free connections retire at `idleTimeout` (4 s), or before the server's
 *   `Keep-Alive: timeout=` hint runs out (a second or half of it early),
 *   whichever is sooner; `Keep-Alive: max=` counts down;
 * - a request that fails on a reused connection before any byte of the
 *   response is sent once more on a new connection, when none of it was
 *   written or when it is idempotent (GET, HEAD, OPTIONS, TRACE, PUT, DELETE)
 *   with a body that can be sent again; never a POST that may have reached
 *   the server.
 *
 * @example Pool limits and statistics
 * ```ts
 * import { Agent, fetch } from "./mod.ts";
 *
 * const agent = new Agent({ maxSockets: 10, idleTimeout: 10_000 });
 * // const response = await fetch("http://127.0.0.1:8000/", { agent });
 * console.log(agent.stats()); // { open: 0, idle: 0, busy: 0, pending: 0, ... }
 * agent.destroy();
 * ```
 *
 * @module
 */

import type { Transport } from "../adapters/mod.ts";
import type { ConnectionOptions } from "../protocols/http1/mod.ts";
import type { ClientTimeouts, ResolvedTimeouts } from "./client_timeouts.ts";
import type { ProxyEnv } from "./client_proxy_env.ts";
import type { ClientTlsOptions } from "./client_tls.ts";
import type { PoolStats } from "./_client_pool.ts";
import { AgentCore } from "./_client_agent_core.ts";

/** A proxy for an {@linkcode Agent}. */
export interface ProxyOptions {
  /** The proxy's URL (`http://user:password@proxy:3128`); credentials become `Proxy-Authorization`. */
  url: string | URL;
  /** Fields sent to the proxy (with each request, or with CONNECT for a tunnel). */
  headers?: Record<string, string> | Array<[string, string]>;
  /** Hosts reached directly, in `no_proxy` syntax (see `client_proxy_env.ts`). */
  noProxy?: string;
}

/** Options of an {@linkcode Agent}. Every limit has a default. */
export interface AgentOptions {
  /** Keeps connections for more requests (default `true`; `false`: one request per connection). */
  keepAlive?: boolean;
  /** The idle delay before TCP keep-alive probes, in milliseconds (default 1000; Node only). */
  keepAliveMsecs?: number;
  /** Connections per route, open or opening (default `Infinity`, as Node's agent). */
  maxSockets?: number;
  /** Connections over all routes (default `Infinity`). */
  maxTotalSockets?: number;
  /** Free connections kept per route; more are closed (default 256, as Node's agent). */
  maxFreeSockets?: number;
  /** Milliseconds a free connection is kept (default 4000, under the 5 s of common servers). */
  idleTimeout?: number;
  /** Which free connection goes first: the most recently used (`"lifo"`, default) or the oldest. */
  scheduling?: "lifo" | "fifo";
  /** Requests that may wait for a connection, per route (default `Infinity`). */
  maxQueue?: number;
  /** Default timeouts of the requests made through this agent. */
  timeouts?: ClientTimeouts;
  /** Limits of the response parser (`maxHeaderSize` 16 KiB, `maxHeaderCount` 100 ...). */
  limits?: ConnectionOptions;
  /** A proxy for every request (except `noProxy` hosts). */
  proxy?: string | URL | ProxyOptions | null;
  /** Reads the proxy from `http_proxy`, `https_proxy`, `no_proxy` ... with curl's rules (default `false`). */
  proxyFromEnv?: boolean;
  /** The environment read by `proxyFromEnv` (default: the process environment). */
  env?: ProxyEnv;
  /** Only this IP family (4 or 6); 0 (default) for both, raced (Happy Eyeballs). */
  family?: 0 | 4 | 6;
  /** Resolves names (default: the system resolver). */
  lookup?: (hostname: string, options: { family: 4 | 6 }) => Promise<
    Array<{ address: string; family: 4 | 6 }>
  >;
  /** The socket layer (default: the running runtime's). */
  transport?: Transport;
  /**
   * TLS options of every `https://` connection (`ca`, `servername`, `cert`
   * and `key`, `checkPeer`, `verifyPeer` ...; default: the runtime's roots,
   * host names checked). See `client_tls.ts`.
   */
  tls?: ClientTlsOptions;
}

/** The statistics of an {@linkcode Agent}: its counts now, in total, and per route. */
export interface AgentStats extends PoolStats {
  /** Connections opened so far. */
  created: number;
  /** Requests dispatched so far. */
  requests: number;
  /** Requests sent again after a failure on a reused connection. */
  retries: number;
  /** The counts of each route (`http://host:port`, `forward|...`, `tunnel|...|...`, `unix:...`). */
  routes: Record<string, PoolStats>;
}

let coreOfAgent: (agent: Agent) => AgentCore;

/**
 * The working part of `agent` (its pools): for the request faces and the
 * proxy. Not part of the public API.
 */
export function coreOf(agent: Agent): AgentCore {
  return coreOfAgent(agent);
}

/**
 * A keep-alive connection pool with per-route queues, limits, self-healing
 * reuse, statistics and proxies.
 *
 * @example One agent for many requests, then destroy it
 * ```ts
 * import { Agent, request } from "./mod.ts";
 *
 * const agent = new Agent({ maxSockets: 4, maxFreeSockets: 2, idleTimeout: 2000 });
 * const req = request("http://127.0.0.1:9/", { agent });
 * req.on("error", (error) => console.log(error.code, error.phase)); // "ECONNREFUSED" "connect"
 * req.end();
 * await new Promise((resolve) => req.on("close", resolve));
 * agent.destroy();
 * ```
 */
export class Agent {
  static {
    coreOfAgent = (agent) => agent.#core;
  }

  readonly #core: AgentCore;

  /**
   * Creates an agent.
   *
   * @param options limits, timeouts and proxy (every one has a default)
   */
  constructor(options: AgentOptions = {}) {
    this.#core = new AgentCore(options);
  }

  /** Whether connections are kept for more requests. */
  get keepAlive(): boolean {
    return this.#core.keepAlive;
  }

  /** Connections per route, open or opening. */
  get maxSockets(): number {
    return this.#core.maxSockets;
  }

  /** Connections over all routes. */
  get maxTotalSockets(): number {
    return this.#core.maxTotalSockets;
  }

  /** Free connections kept per route. */
  get maxFreeSockets(): number {
    return this.#core.maxFreeSockets;
  }

  /** Milliseconds a free connection is kept. */
  get idleTimeout(): number {
    return this.#core.idleTimeout;
  }

  /** The default timeouts of requests through this agent. */
  get timeouts(): ResolvedTimeouts {
    return this.#core.timeouts;
  }

  /** Whether `destroy()` was called. */
  get destroyed(): boolean {
    return this.#core.destroyed;
  }

  /**
   * The pool counts now (open, idle, busy, connecting, pending), the totals
   * so far, and the counts of each route.
   *
   * @returns a fresh snapshot
   *
   * @example
   * ```ts
   * import { Agent } from "./mod.ts";
   *
   * const agent = new Agent();
   * const { open, idle, pending, routes } = agent.stats();
   * console.log(open, idle, pending, Object.keys(routes));
   * ```
   */
  stats(): AgentStats {
    return this.#core.stats();
  }

  /**
   * Closes every connection and fails every request waiting or running with
   * `AGENT_DESTROYED`. Connections already taken over (upgrades, tunnels)
   * are their new owners'.
   *
   * @example
   * ```ts
   * import { Agent } from "./mod.ts";
   *
   * const agent = new Agent();
   * agent.destroy();
   * console.assert(agent.destroyed);
   * ```
   */
  destroy(): void {
    this.#core.destroy();
  }
}

/**
 * The agent `request()` and `fetch()` use when given none: keep-alive, no
 * limit on connections per origin (as Node's global agent), free connections
 * kept 4 s. Free connections do not keep the process alive.
 *
 * @example
 * ```ts
 * import { globalAgent } from "./mod.ts";
 *
 * console.log(globalAgent.stats().open);
 * ```
 */
export const globalAgent: Agent = new Agent();
