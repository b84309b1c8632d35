/**
 * HTTP/1.1 for the chapter's programs, on Deno and on Node, over wirestack's
 * adapters and its sans-I/O core (`protocols/http1`).
 *
 * The client, two faces on one core:
 * - `request(url | options, callback?)` and `get()`: Node's `http.request`,
 *   a {@linkcode ClientRequest} with the chapter's events (`socket`,
 *   `response`, `continue`, `information`, `upgrade`, `connect`, `timeout`,
 *   `error`, `close`) and a {@linkcode ClientResponse} whose body is a web
 *   stream and `data`/`end` events;
 * - `fetch(input, init)`: the WHATWG signature, real `Response` objects,
 *   redirects, abort, decoding, and `agent`, `maxRedirects`, `timeouts`;
 * - {@linkcode Agent}: the keep-alive pool under both (limits, queue, LIFO
 *   reuse, self-healing, retries, statistics, timings, proxies), and
 *   {@linkcode globalAgent};
 * - errors: {@linkcode HttpClientError} (stable `code`, `phase`, `reused`);
 * - `createProxy()`: a forward proxy server (absolute-form and CONNECT).
 *
 * @example Two faces, one pool
 * ```ts ignore
 * import { Agent, fetch, request } from "./mod.ts";
 *
 * const agent = new Agent({ maxSockets: 10 });
 * const response = await fetch("http://127.0.0.1:8000/", { agent });
 * console.log(response.status, await response.text());
 * request("http://127.0.0.1:8000/", { agent }, (res) => res.resume()).end();
 * ```
 *
 * @module
 */

// The client (issue 7).
export {
  Agent,
  type AgentOptions,
  type AgentStats,
  globalAgent,
  type ProxyOptions,
} from "./agent.ts";
export {
  ClientRequest,
  type ClientRequestEvents,
  get,
  type InformationInfo,
  request,
  type RequestOptions,
} from "./client_request.ts";
export { ClientResponse, type ClientResponseEvents } from "./client_response.ts";
export { ClientSocket, type ClientSocketEvents } from "./client_socket.ts";
export {
  CLIENT_ERROR_CODES,
  type ClientErrorCode,
  type ClientPhase,
  HttpClientError,
  type HttpClientErrorCode,
  type HttpClientErrorDetails,
} from "./client_errors.ts";
export {
  type ClientTimeouts,
  DEFAULT_TIMEOUTS,
  type ResolvedTimeouts,
  resolveTimeouts,
} from "./client_timeouts.ts";
export { bypassesProxy, type ProxyEnv, proxyFromEnv } from "./client_proxy_env.ts";
export { fetch, type FetchInit } from "./fetch.ts";
export { FetchResponse } from "./fetch_response.ts";
export type { RequestTimings } from "./_client_exchange.ts";
export type { PoolStats } from "./_client_pool.ts";
export type { ClientHeadersInit } from "./_client_headers.ts";
export type { FetchBody } from "./_fetch_body.ts";
export {
  createProxy,
  type ProxyLogEntry,
  ProxyServer,
  type ProxyServerEvents,
  type ProxyServerOptions,
} from "./proxy.ts";
