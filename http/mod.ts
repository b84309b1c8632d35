/**
 * HTTP/1.1 for Deno and Node, written once over wirestack's adapters and its
 * sans-I/O core (`protocols/http1`).
 *
 * The server has two faces on one core:
 * - the chapter's {@linkcode createServer}`((req, res) => ...)`, with Node's
 *   `request`, `connection`, `close`, `checkContinue`, `checkExpectation`,
 *   `connect`, `upgrade` and `clientError` events;
 * - the web {@linkcode serve}`(options, handler)`, in the shape of
 *   `Deno.serve`: `Request` in, `Response` out.
 *
 * Both have timeouts and limits with safe defaults (server_options.ts),
 * keep-alive and pipelining, back-pressure both ways, `Expect: 100-continue`,
 * and hand connections over after a 101 or a 2xx to CONNECT (takeover.ts).
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
 * @example The chapter's server
 * ```ts
 * import { createServer } from "./mod.ts";
 * import { once } from "../net/mod.ts";
 *
 * const server = createServer((req, res) => {
 *   res.setHeader("Content-Type", "text/plain");
 *   res.end(`you asked for ${req.url}`);
 * });
 * server.listen(0, "127.0.0.1");
 * await once(server, "listening");
 * const { port } = server.address() as { port: number };
 * console.log(await (await fetch(`http://127.0.0.1:${port}/x`)).text());
 * server.close();
 * ```
 *
 * @example The web server
 * ```ts
 * import { serve } from "./mod.ts";
 *
 * const server = serve({ port: 0, hostname: "127.0.0.1" }, (request) => new Response(request.url));
 * const { port } = await server.listening;
 * console.log(await (await fetch(`http://127.0.0.1:${port}/y`)).text());
 * await server.shutdown();
 * ```
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

// The server (issue 6).
export * from "./server.ts";
export * from "./incoming_message.ts";
export * from "./server_response.ts";
export * from "./server_socket.ts";
export * from "./serve.ts";
export * from "./server_request.ts";
export { installLightResponse, LightResponse } from "./light_response.ts";
export * from "./server_options.ts";
export * from "./takeover.ts";
export type { DevCaInfo, ServerTlsOption } from "./_server_tls.ts";
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
export type { ClientTlsOptions } from "./client_tls.ts";
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
