/**
 * The client side of the opening handshake (RFC 6455 section 4.1): the request
 * line and headers for a `ws:` or `wss:` URL with a fresh key, then the checks
 * on the server's answer.
 *
 * The request carries `Host` (port left out when it is the scheme's default),
 * `Upgrade: websocket`, `Connection: Upgrade`, a `Sec-WebSocket-Key` of 16 bytes
 * from `crypto.getRandomValues`, `Sec-WebSocket-Version: 13`, and when asked for
 * `Sec-WebSocket-Protocol`, `Sec-WebSocket-Extensions` and `Origin`. Custom
 * headers follow; they may not replace any of those (nor add a body).
 *
 * The answer fails the connection unless: the status is 101; `Upgrade` is
 * `websocket` and `Connection` lists `Upgrade`; `Sec-WebSocket-Accept` appears
 * once with the value derived from the key; every extension in it was offered
 * (and its parameters are ones the offer allowed); and the subprotocol, when
 * there is one, appears once and was offered.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { computeAcceptKey, generateKey } from "./accept_key.ts";
import { WebSocketError, type WebSocketErrorCode } from "./errors.ts";
import { formatExtensions, parseExtensions } from "./extensions.ts";
import { isFieldValue, isToken, tokenList } from "./_grammar.ts";
import { headerValues } from "./_headers.ts";
import {
  acceptPerMessageDeflate,
  offerPerMessageDeflate,
  PERMESSAGE_DEFLATE,
  type PerMessageDeflateOptions,
  type PerMessageDeflateParams,
} from "./permessage_deflate.ts";

/** What a client connects to, and what it asks for. */
export interface ClientHandshakeOptions {
  /** The URL: `ws:` or `wss:` (`http:` and `https:` are mapped to them). No fragment. */
  url: string | URL;
  /** Subprotocols to offer, in order of preference: unique tokens. Default: none. */
  protocols?: string | readonly string[];
  /** Offers `permessage-deflate`: `true` for the defaults, or what to request. Default false. */
  perMessageDeflate?: boolean | PerMessageDeflateOptions;
  /** The `Origin` to send. Default: none. */
  origin?: string;
  /**
   * Extra header fields, such as `Cookie` or `Authorization`. The handshake's
   * own fields (`Host`, `Upgrade`, `Connection`, `Sec-WebSocket-*`) and body
   * fields (`Content-Length`, `Transfer-Encoding`) are refused.
   */
  headers?: Iterable<readonly [string, string]> | Record<string, string>;
}

/** A prepared client handshake: what to send, and what to check the answer against. */
export interface ClientHandshake {
  /** The normalized URL (`ws:` or `wss:`). */
  url: URL;
  /** Whether the connection needs TLS (`wss:`). */
  secure: boolean;
  /** The host name to connect to (brackets removed from IPv6 literals). */
  hostname: string;
  /** The port to connect to. */
  port: number;
  /** The request target: path and query. */
  target: string;
  /** The request's header fields, in order. */
  headers: Array<[string, string]>;
  /** The `Sec-WebSocket-Key` sent. */
  key: string;
  /** The subprotocols offered. */
  protocols: string[];
  /** The `permessage-deflate` options offered, or null when not offered. */
  perMessageDeflate: PerMessageDeflateOptions | null;
}

/** The server's answer as the HTTP/1.1 parser reports it. */
export interface HandshakeResponse {
  /** The status code. */
  status: number;
  /** The header fields in wire order, values trimmed. */
  headers: ReadonlyArray<readonly [string, string]>;
}

/** What the server agreed to. */
export interface ClientHandshakeResult {
  /** The selected subprotocol, or `""`. */
  protocol: string;
  /** The response's `Sec-WebSocket-Extensions`, or `""`. */
  extensions: string;
  /** The agreed `permessage-deflate` parameters, or null when not in use. */
  perMessageDeflate: PerMessageDeflateParams | null;
}

const RESERVED = new Set([
  "host",
  "upgrade",
  "connection",
  "sec-websocket-key",
  "sec-websocket-version",
  "sec-websocket-protocol",
  "sec-websocket-extensions",
  "sec-websocket-accept",
  "content-length",
  "transfer-encoding",
]);

function invalid(code: WebSocketErrorCode, message: string): never {
  throw new WebSocketError(code, message);
}

function normalizeUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch (cause) {
    throw new WebSocketError("ERR_INVALID_URL", `not a URL: ${String(input)}`, { cause });
  }
  if (url.protocol === "http:") url.protocol = "ws:";
  else if (url.protocol === "https:") url.protocol = "wss:";
  if (url.protocol !== "ws:" && url.protocol !== "wss:") {
    invalid("ERR_INVALID_URL", `a WebSocket URL is ws: or wss:, not ${url.protocol}`);
  }
  if (url.hash !== "" || String(input).includes("#")) {
    invalid("ERR_INVALID_URL", "a WebSocket URL has no fragment");
  }
  return url;
}

function customHeaders(
  input: ClientHandshakeOptions["headers"],
): Array<[string, string]> {
  if (input === undefined) return [];
  const pairs: Array<readonly [string, string]> = Symbol.iterator in input
    ? [...(input as Iterable<readonly [string, string]>)]
    : Object.entries(input as Record<string, string>);
  return pairs.map(([name, value]) => {
    if (!isToken(name)) {
      invalid("ERR_INVALID_HEADER", `${JSON.stringify(name)} is not a header name`);
    }
    if (RESERVED.has(name.toLowerCase())) {
      invalid("ERR_INVALID_HEADER", `${name} is set by the handshake itself`);
    }
    const trimmed = value.trim();
    if (!isFieldValue(trimmed)) {
      invalid("ERR_INVALID_HEADER", `the value of ${name} has a forbidden character`);
    }
    return [name, trimmed];
  });
}

/**
 * Prepares a client handshake.
 *
 * @param options the URL, subprotocols, extensions, origin and extra headers
 * @returns the request's target and headers, and what to check the answer against
 * @throws {WebSocketError} `ERR_INVALID_URL`, `ERR_INVALID_PROTOCOL` or `ERR_INVALID_HEADER`
 *
 * @example
 * ```ts
 * import { createClientHandshake } from "./handshake_client.ts";
 *
 * const handshake = createClientHandshake({ url: "ws://example.com:8080/chat?room=1", protocols: ["chat"] });
 * console.assert(handshake.target === "/chat?room=1" && handshake.port === 8080);
 * console.assert(handshake.headers[0][0] === "Host" && handshake.headers[0][1] === "example.com:8080");
 * ```
 */
export function createClientHandshake(options: ClientHandshakeOptions): ClientHandshake {
  const url = normalizeUrl(options.url);
  const secure = url.protocol === "wss:";
  const protocols = typeof options.protocols === "string"
    ? [options.protocols]
    : [...(options.protocols ?? [])];
  for (const [index, protocol] of protocols.entries()) {
    if (!isToken(protocol)) {
      invalid("ERR_INVALID_PROTOCOL", `${JSON.stringify(protocol)} is not a valid subprotocol`);
    }
    if (protocols.indexOf(protocol) !== index) {
      invalid("ERR_INVALID_PROTOCOL", `the subprotocol ${protocol} is offered twice`);
    }
  }
  const perMessageDeflate = options.perMessageDeflate
    ? (options.perMessageDeflate === true ? {} : options.perMessageDeflate)
    : null;
  const extra = customHeaders(options.headers);
  if (options.origin !== undefined && !isFieldValue(options.origin)) {
    invalid("ERR_INVALID_HEADER", "the origin has a forbidden character");
  }
  const key = generateKey();
  const headers: Array<[string, string]> = [
    ["Host", url.host],
    ["Upgrade", "websocket"],
    ["Connection", "Upgrade"],
    ["Sec-WebSocket-Key", key],
    ["Sec-WebSocket-Version", "13"],
  ];
  if (protocols.length > 0) headers.push(["Sec-WebSocket-Protocol", protocols.join(", ")]);
  if (perMessageDeflate !== null) {
    headers.push([
      "Sec-WebSocket-Extensions",
      formatExtensions([offerPerMessageDeflate(perMessageDeflate)]),
    ]);
  }
  if (options.origin !== undefined) headers.push(["Origin", options.origin]);
  if (
    (url.username !== "" || url.password !== "") &&
    !extra.some(([name]) => name.toLowerCase() === "authorization")
  ) {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    const bytes = new TextEncoder().encode(credentials);
    headers.push(["Authorization", `Basic ${btoa(String.fromCharCode(...bytes))}`]);
  }
  headers.push(...extra);
  const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  return {
    url,
    secure,
    hostname,
    port: url.port === "" ? (secure ? 443 : 80) : Number(url.port),
    target: (url.pathname === "" ? "/" : url.pathname) + url.search,
    headers,
    key,
    protocols,
    perMessageDeflate,
  };
}

function fail(code: WebSocketErrorCode, message: string): never {
  throw new WebSocketError(code, message);
}

/**
 * Checks the server's answer to a handshake.
 *
 * @param handshake what was sent
 * @param response the answer's status and header pairs
 * @returns the subprotocol and extensions the server agreed to
 * @throws {WebSocketError} a `ERR_HANDSHAKE_*` code naming the first rule broken
 *
 * @example
 * ```ts
 * import { computeAcceptKey } from "./accept_key.ts";
 * import { createClientHandshake, verifyHandshakeResponse } from "./handshake_client.ts";
 *
 * const handshake = createClientHandshake({ url: "ws://localhost/" });
 * const result = verifyHandshakeResponse(handshake, {
 *   status: 101,
 *   headers: [
 *     ["Upgrade", "websocket"],
 *     ["Connection", "Upgrade"],
 *     ["Sec-WebSocket-Accept", computeAcceptKey(handshake.key)],
 *   ],
 * });
 * console.assert(result.protocol === "" && result.perMessageDeflate === null);
 * ```
 */
export function verifyHandshakeResponse(
  handshake: ClientHandshake,
  response: HandshakeResponse,
): ClientHandshakeResult {
  const { headers } = response;
  if (response.status !== 101) {
    fail("ERR_HANDSHAKE_STATUS", `the server answered ${response.status}, not 101`);
  }
  const upgrade = headerValues(headers, "upgrade");
  if (upgrade.length !== 1 || upgrade[0].toLowerCase() !== "websocket") {
    fail("ERR_HANDSHAKE_UPGRADE", "the answer's Upgrade header is not websocket");
  }
  const connection = headerValues(headers, "connection").map(tokenList);
  if (!connection.some((items) => items?.some((item) => item.toLowerCase() === "upgrade"))) {
    fail("ERR_HANDSHAKE_CONNECTION", "the answer's Connection header does not list Upgrade");
  }
  const accept = headerValues(headers, "sec-websocket-accept");
  if (accept.length !== 1) {
    fail(
      accept.length === 0 ? "ERR_HANDSHAKE_ACCEPT" : "ERR_HANDSHAKE_DUPLICATE_HEADER",
      `the answer has ${accept.length} Sec-WebSocket-Accept headers`,
    );
  }
  if (accept[0] !== computeAcceptKey(handshake.key)) {
    fail("ERR_HANDSHAKE_ACCEPT", "the answer's Sec-WebSocket-Accept does not match the key");
  }

  const extensionValues = headerValues(headers, "sec-websocket-extensions");
  let perMessageDeflate: PerMessageDeflateParams | null = null;
  let extensions = "";
  if (extensionValues.length > 0) {
    extensions = extensionValues.join(", ");
    const answers = parseExtensions(extensions);
    for (const answer of answers) {
      if (answer.name !== PERMESSAGE_DEFLATE || handshake.perMessageDeflate === null) {
        fail(
          "ERR_HANDSHAKE_EXTENSIONS",
          `the server accepted ${answer.name}, which was not offered`,
        );
      }
      if (perMessageDeflate !== null) {
        fail("ERR_HANDSHAKE_EXTENSIONS", "the server accepted permessage-deflate twice");
      }
      perMessageDeflate = acceptPerMessageDeflate(answer, handshake.perMessageDeflate);
    }
    if (answers.length === 0) extensions = "";
  }

  const protocolValues = headerValues(headers, "sec-websocket-protocol");
  let protocol = "";
  if (protocolValues.length > 1) {
    fail("ERR_HANDSHAKE_DUPLICATE_HEADER", "the answer has more than one Sec-WebSocket-Protocol");
  }
  if (protocolValues.length === 1) {
    protocol = protocolValues[0];
    if (!handshake.protocols.includes(protocol)) {
      fail(
        "ERR_HANDSHAKE_PROTOCOL",
        `the server selected the subprotocol ${JSON.stringify(protocol)}, which was not offered`,
      );
    }
  }
  return { protocol, extensions, perMessageDeflate };
}
