/**
 * `https.request` and `https.get`, as Node's: `http.request` with `https:`
 * as the default protocol, {@linkcode globalAgent} as the default agent, and
 * the TLS client options accepted flat (`ca`, `cert`, `key`, `servername`
 * ...) or under `tls`. A URL of another scheme is refused, as Node does.
 *
 * @module
 */

import {
  type ClientRequest,
  type ClientResponse,
  type ClientTlsOptions,
  HttpClientError,
  request as httpRequest,
  type RequestOptions as HttpRequestOptions,
} from "../http/mod.ts";
import { globalAgent } from "./agent.ts";
import { clientTlsOf } from "./_tls_fields.ts";

/** Options of {@linkcode request}: `http.request`'s, and TLS client options flat or under `tls`. */
export interface RequestOptions extends HttpRequestOptions, ClientTlsOptions {}

function httpsOptions(options: RequestOptions, fromUrl: boolean): HttpRequestOptions {
  const protocol = options.protocol ?? (fromUrl ? undefined : "https:");
  if (protocol !== undefined && protocol !== "https:" && protocol !== "https") {
    throw new HttpClientError(
      "UNSUPPORTED_PROTOCOL",
      `https.request speaks https:, not ${protocol} (use http.request)`,
      { phase: "queue" },
    );
  }
  const tls = clientTlsOf(options);
  const result: HttpRequestOptions = {
    ...options,
    agent: options.agent ?? globalAgent,
    ...(tls === undefined ? {} : { tls }),
  };
  if (protocol !== undefined) result.protocol = protocol;
  return result;
}

function checkUrl(url: string | URL): void {
  const protocol = url instanceof URL ? url.protocol : /^([a-z][a-z0-9+.-]*:)/i.exec(url)?.[1];
  if (protocol?.toLowerCase() !== "https:") {
    throw new HttpClientError(
      "UNSUPPORTED_PROTOCOL",
      `https.request speaks https:, not ${protocol ?? "a URL without a scheme"} (use http.request)`,
      { phase: "queue" },
    );
  }
}

/**
 * Makes an HTTPS request, as Node's `https.request`. Send the body with
 * `write()` and finish with `end()`.
 *
 * @param url where to (`https:` only)
 * @param options method, headers, agent, timeouts, TLS options ...
 * @param callback added as a `response` listener
 * @returns the request
 *
 * @example A request to a server with a private CA
 * ```ts ignore
 * import { request } from "./mod.ts";
 *
 * request("https://localhost:8443/", { ca: rootPem }, (response) => {
 *   console.log(response.statusCode);
 *   response.resume();
 * }).end();
 * ```
 */
export function request(
  url: string | URL,
  options?: RequestOptions,
  callback?: (response: ClientResponse) => void,
): ClientRequest;
/**
 * Makes an HTTPS request described by `options` alone (`protocol` defaults to `https:`).
 *
 * @param options host, port, path, method, headers, agent, TLS options ...
 * @param callback added as a `response` listener
 * @returns the request
 *
 * @example
 * ```ts ignore
 * import { request } from "./mod.ts";
 *
 * request({ host: "localhost", port: 8443, path: "/", ca: rootPem }, (res) => res.resume()).end();
 * ```
 */
export function request(
  options: RequestOptions,
  callback?: (response: ClientResponse) => void,
): ClientRequest;
/**
 * Makes an HTTPS request to a URL.
 *
 * @param url where to (`https:` only)
 * @param callback added as a `response` listener
 * @returns the request
 *
 * @example
 * ```ts ignore
 * import { request } from "./mod.ts";
 *
 * request("https://example.com/", (response) => response.resume()).end();
 * ```
 */
export function request(
  url: string | URL,
  callback?: (response: ClientResponse) => void,
): ClientRequest;
export function request(
  first: string | URL | RequestOptions,
  second?: RequestOptions | ((response: ClientResponse) => void),
  third?: (response: ClientResponse) => void,
): ClientRequest {
  if (typeof first === "string" || first instanceof URL) {
    checkUrl(first);
    if (typeof second === "function") return httpRequest(first, httpsOptions({}, true), second);
    return httpRequest(first, httpsOptions(second ?? {}, true), third);
  }
  return httpRequest(
    httpsOptions(first, false),
    typeof second === "function" ? second : undefined,
  );
}

/**
 * An HTTPS GET request, ended at once (Node's `https.get`).
 *
 * @param url where to (`https:` only)
 * @param options headers, agent, timeouts, TLS options ...
 * @param callback added as a `response` listener
 * @returns the request
 *
 * @example
 * ```ts ignore
 * import { get } from "./mod.ts";
 *
 * get("https://localhost:8443/", { ca: rootPem }, (response) => response.resume());
 * ```
 */
export function get(
  url: string | URL | RequestOptions,
  options?: RequestOptions | ((response: ClientResponse) => void),
  callback?: (response: ClientResponse) => void,
): ClientRequest {
  const req = typeof url === "string" || url instanceof URL
    ? typeof options === "function"
      ? request(url, { method: "GET" }, options)
      : request(url, { ...options, method: "GET" }, callback)
    : request({ ...url, method: "GET" }, typeof options === "function" ? options : callback);
  req.end();
  return req;
}
