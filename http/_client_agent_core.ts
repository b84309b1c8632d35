// The working part of an Agent: its pools, routes (direct, Unix socket,
// forward proxy, CONNECT tunnel), limits and counters. The public `Agent`
// (agent.ts) is a small shell around it, so that what the pools and the
// request faces call stays out of the public API.

import { type Transport, transport as runtimeTransport } from "../adapters/mod.ts";
import type { ConnectionOptions, HeaderList } from "../protocols/http1/mod.ts";
import { HttpClientError } from "./client_errors.ts";
import { type ResolvedTimeouts, resolveTimeouts } from "./client_timeouts.ts";
import { bypassesProxy, type ProxyEnv, proxyFromEnv } from "./client_proxy_env.ts";
import { toHeaderList } from "./_client_headers.ts";
import { stopIdleTicks } from "./_client_timers.ts";
import type { Exchange } from "./_client_exchange.ts";
import type { OpenOptions, ProxyRoute, Route } from "./_client_connect.ts";
import { Pool, type PoolOwner } from "./_client_pool.ts";
import type { ClientTlsOptions } from "./client_tls.ts";
import { tlsKey } from "./_client_tls_key.ts";
import { type Target, targetOf } from "./_client_url.ts";
import type { AgentOptions, AgentStats, ProxyOptions } from "./agent.ts";

/** Where a request goes, as the agent needs it. */
export interface AgentRequest {
  target: Target;
  /** Ask for a route that can switch protocols (a tunnel through a proxy). */
  upgrade: boolean;
  /** A Unix socket path instead of TCP. */
  socketPath?: string;
  /** TLS options of this request, over the agent's (the request gets pools of its own). */
  tls?: ClientTlsOptions;
}

function proxyRoute(proxy: string | URL | ProxyOptions): { route: ProxyRoute; noProxy: string } {
  const options: ProxyOptions = typeof proxy === "string" || proxy instanceof URL
    ? { url: proxy }
    : proxy;
  const target = targetOf(options.url);
  const authorization = target.credentials === null
    ? null
    : `Basic ${btoa(unescape(encodeURIComponent(target.credentials)))}`;
  return {
    route: { target, authorization, headers: toHeaderList(options.headers) as HeaderList },
    noProxy: options.noProxy ?? "",
  };
}

function processEnv(): ProxyEnv {
  const env = (globalThis as { process?: { env?: ProxyEnv } }).process?.env;
  if (env !== undefined) return env;
  const deno = (globalThis as { Deno?: { env: { toObject(): ProxyEnv } } }).Deno;
  try {
    return deno?.env.toObject() ?? {};
  } catch {
    return {}; // no permission to read the environment
  }
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value > 0)) {
    throw new HttpClientError("INVALID_REQUEST", `${name} must be a number > 0`, {
      phase: "queue",
    });
  }
  return value;
}

/** The pools, routes and counters of one Agent. */
export class AgentCore implements PoolOwner {
  /** Whether connections are kept for more requests. */
  readonly keepAlive: boolean;
  /** TCP keep-alive probe delay. */
  readonly keepAliveMsecs: number;
  /** Connections per route. */
  readonly maxSockets: number;
  /** Connections over all routes. */
  readonly maxTotalSockets: number;
  /** Free connections kept per route. */
  readonly maxFreeSockets: number;
  /** Milliseconds a free connection is kept. */
  readonly idleTimeout: number;
  /** Requests that may wait per route. */
  readonly maxQueue: number;
  /** The default timeouts. */
  readonly timeouts: ResolvedTimeouts;
  /** The parser limits. */
  readonly parserOptions: ConnectionOptions;
  /** Most recently used free connection first. */
  readonly lifo: boolean;

  #destroyed = false;
  #pools = new Map<string, Pool>();
  #open = 0;
  #created = 0;
  #requests = 0;
  #retries = 0;
  #transport: Transport;
  #family: 0 | 4 | 6;
  #lookup: AgentOptions["lookup"];
  #proxy: { route: ProxyRoute; noProxy: string } | null = null;
  #proxyFromEnv: ProxyEnv | null = null;
  #envProxies = new Map<string, { route: ProxyRoute; noProxy: string }>();
  #openOptions: OpenOptions;
  #tls: ClientTlsOptions;

  /**
   * Creates an agent.
   *
   * @param options limits, timeouts and proxy (every one has a default)
   */
  constructor(options: AgentOptions = {}) {
    this.keepAlive = options.keepAlive ?? true;
    this.keepAliveMsecs = positive("keepAliveMsecs", options.keepAliveMsecs, 1000);
    this.maxSockets = positive("maxSockets", options.maxSockets, Infinity);
    this.maxTotalSockets = positive("maxTotalSockets", options.maxTotalSockets, Infinity);
    this.maxFreeSockets = options.maxFreeSockets === 0
      ? 0
      : positive("maxFreeSockets", options.maxFreeSockets, 256);
    this.idleTimeout = positive("idleTimeout", options.idleTimeout, 4000);
    this.maxQueue = positive("maxQueue", options.maxQueue, Infinity);
    this.timeouts = resolveTimeouts(options.timeouts);
    this.parserOptions = options.limits ?? {};
    this.lifo = (options.scheduling ?? "lifo") === "lifo";
    this.#transport = options.transport ?? runtimeTransport;
    this.#family = options.family ?? 0;
    this.#lookup = options.lookup;
    this.#tls = options.tls ?? {};
    if (options.proxy !== undefined && options.proxy !== null) {
      this.#proxy = proxyRoute(options.proxy);
    } else if (options.proxyFromEnv === true) {
      this.#proxyFromEnv = options.env ?? processEnv();
    }
    this.#openOptions = {
      transport: this.#transport,
      timeouts: this.timeouts,
      family: this.#family,
      lookup: this.#lookup,
      maxHeaderSize: this.parserOptions.maxHeaderSize ?? 16384,
    };
  }

  /** Whether `destroy()` was called. */
  get destroyed(): boolean {
    return this.#destroyed;
  }

  /**
   * The pool counts now (open, idle, busy, connecting, pending), the totals
   * so far, and the counts of each route.
   *
   * @returns a fresh snapshot
   */
  stats(): AgentStats {
    const total: AgentStats = {
      open: 0,
      idle: 0,
      busy: 0,
      connecting: 0,
      verifying: 0,
      pending: 0,
      created: this.#created,
      requests: this.#requests,
      retries: this.#retries,
      routes: {},
    };
    for (const [key, pool] of this.#pools) {
      const stats = pool.stats();
      total.routes[key] = stats;
      total.open += stats.open;
      total.idle += stats.idle;
      total.busy += stats.busy;
      total.connecting += stats.connecting;
      total.verifying += stats.verifying;
      total.pending += stats.pending;
    }
    return total;
  }

  /**
   * Closes every connection and fails every request waiting or running with
   * `AGENT_DESTROYED`. Connections already taken over (upgrades, tunnels)
   * are their new owners'.
   */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    const error = new HttpClientError("AGENT_DESTROYED", "the agent was destroyed", {
      phase: "queue",
    });
    for (const pool of [...this.#pools.values()]) pool.destroy(error);
    this.#pools.clear();
    stopIdleTicks();
  }

  // ---- the faces call this ----------------------------------------------------------

  /** Queues `exchange` on its route's pool. Internal: used by `request()` and `fetch()`. */
  dispatch(exchange: Exchange, where: AgentRequest): void {
    this.#requests++;
    if (this.#destroyed) {
      exchange.fail(
        new HttpClientError("AGENT_DESTROYED", "the agent was destroyed", { phase: "queue" }),
      );
      return;
    }
    let route: Route;
    try {
      route = this.#route(where);
    } catch (error) {
      exchange.fail(error as HttpClientError);
      return;
    }
    let pool = this.#pools.get(route.key);
    if (pool === undefined) {
      pool = new Pool(this, route);
      this.#pools.set(route.key, pool);
    } else if (pool.waiting >= this.maxQueue) {
      exchange.fail(
        new HttpClientError(
          "QUEUE_FULL",
          `${pool.waiting} requests already wait for ${route.key}`,
          {
            phase: "queue",
          },
        ),
      );
      return;
    }
    pool.dispatch(exchange);
  }

  #route(where: AgentRequest): Route {
    const target = where.target;
    let tls: ClientTlsOptions | null = null;
    let tlsSuffix = "";
    if (target.protocol === "https:") {
      // The agent's own options are the same for every pool; a request's own
      // make pools of their own, keyed by what they say.
      tls = where.tls === undefined ? this.#tls : { ...this.#tls, ...where.tls };
      if (where.tls !== undefined) tlsSuffix = `|tls|${tlsKey(where.tls)}`;
    }
    if (where.socketPath !== undefined) {
      return {
        key: `unix:${where.socketPath}${target.protocol === "https:" ? "|https" : ""}${tlsSuffix}`,
        kind: "unix",
        origin: target,
        proxy: null,
        socketPath: where.socketPath,
        tls,
      };
    }
    const proxy = this.#proxyFor(target);
    if (proxy === null) {
      return {
        key: target.origin + tlsSuffix,
        kind: "direct",
        origin: target,
        proxy: null,
        socketPath: null,
        tls,
      };
    }
    if (target.protocol === "http:" && !where.upgrade) {
      return {
        key: `forward|${proxy.target.origin}`,
        kind: "forward",
        origin: target,
        proxy,
        socketPath: null,
        tls: null,
      };
    }
    return {
      key: `tunnel|${proxy.target.origin}|${target.origin}${
        where.upgrade ? "|upgrade" : ""
      }${tlsSuffix}`,
      kind: "tunnel",
      origin: target,
      proxy,
      socketPath: null,
      tls,
    };
  }

  #proxyFor(target: Target): ProxyRoute | null {
    const fixed = this.#proxy;
    if (fixed !== null) {
      return fixed.noProxy !== "" && bypassesProxy(target.hostname, fixed.noProxy)
        ? null
        : fixed.route;
    }
    const env = this.#proxyFromEnv;
    if (env === null) return null;
    const url = proxyFromEnv(target.href, env);
    if (url === null) return null;
    let entry = this.#envProxies.get(url);
    if (entry === undefined) {
      entry = proxyRoute(url);
      this.#envProxies.set(url, entry);
    }
    return entry.route;
  }

  // ---- the pools call these -----------------------------------------------------------

  /** Internal: how a pool opens connections. */
  openOptions(exchange: Exchange | null): OpenOptions {
    if (exchange === null || exchange.timeouts === this.timeouts) return this.#openOptions;
    return { ...this.#openOptions, timeouts: exchange.timeouts };
  }

  /** Internal: takes room for one more connection, closing a free one elsewhere if needed. */
  reserve(pool: Pool): boolean {
    if (this.#open >= this.maxTotalSockets) {
      let evicted = false;
      for (const other of this.#pools.values()) {
        if (other !== pool && other.evictOne()) {
          evicted = true;
          break;
        }
      }
      if (!evicted && !pool.evictOne()) return false;
      if (this.#open >= this.maxTotalSockets) return false;
    }
    this.#open++;
    this.#created++;
    return true;
  }

  /** Internal: a connection or an attempt ended. */
  freed(pool: Pool): void {
    this.#open--;
    if (pool.empty && this.#pools.get(pool.route.key) === pool) {
      this.#pools.delete(pool.route.key);
      pool.forgotten();
    }
    this.poke(pool);
  }

  /** Internal: room may have come free (a connection closed, or is free to evict). */
  poke(pool: Pool): void {
    if (this.maxTotalSockets === Infinity || this.#destroyed) return;
    for (const other of this.#pools.values()) {
      if (other !== pool && other.waiting > 0) other.schedule();
    }
  }

  /** Internal: counts a retry. */
  countRetry(): void {
    this.#retries++;
  }
}
