/**
 * The server side of the opening handshake (RFC 6455 section 4.2): checks an
 * upgrade request's headers, picks a subprotocol and the extensions, and gives
 * the headers of the `101 Switching Protocols` answer; or says which error
 * answer to give (426 with `Sec-WebSocket-Version: 13` for an unsupported
 * version, 403 for a refused origin, 400 for everything else).
 *
 * The rules, in the order they are checked:
 * 1. the method is `GET` and the HTTP version at least 1.1;
 * 2. `Upgrade` lists `websocket` and `Connection` lists `Upgrade` (both
 *    case-insensitive, both comma lists, possibly over several lines);
 * 3. exactly one non-empty `Host`;
 * 4. exactly one `Sec-WebSocket-Version`, and it is `13` (else 426);
 * 5. exactly one `Sec-WebSocket-Key`, the base64 form of 16 bytes;
 * 6. `Sec-WebSocket-Protocol`, when present, is a list of unique tokens (over
 *    any number of lines); the server picks the first one it speaks, in the
 *    client's order of preference, or none;
 * 7. `Sec-WebSocket-Extensions`, when present, follows the extension grammar;
 *    the first acceptable `permessage-deflate` offer is taken when the server
 *    enables it, unknown extensions are ignored;
 * 8. the `Origin`, when the server checks origins, is accepted (else 403).
 *
 * This module is browser compatible.
 *
 * @module
 */

import { computeAcceptKey, isValidKey } from "./accept_key.ts";
import { WebSocketError, type WebSocketErrorCode } from "./errors.ts";
import { formatExtensions, parseExtensions } from "./extensions.ts";
import { type HeaderList, headerValues } from "./_headers.ts";
import { tokenList } from "./_grammar.ts";
import {
  negotiatePerMessageDeflate,
  type PerMessageDeflateOptions,
  type PerMessageDeflateParams,
} from "./permessage_deflate.ts";

/** An upgrade request as the HTTP/1.1 parser reports it. */
export interface UpgradeRequest {
  /** The request method. */
  method: string;
  /** The HTTP version, `"1.1"` (the form `"HTTP/1.1"` is accepted too). */
  httpVersion: string;
  /** The header fields in wire order, values trimmed. */
  headers: ReadonlyArray<readonly [string, string]>;
}

/** How a server accepts handshakes. */
export interface AcceptHandshakeOptions {
  /**
   * The subprotocols the server speaks. With a list, the first protocol of the
   * client's list that is in it is selected; a function receives the client's
   * list and returns the one to select, or null for none. Default: none.
   */
  protocols?: readonly string[] | ((offered: readonly string[]) => string | null);
  /**
   * Enables `permessage-deflate` (RFC 7692) when the client offers it: `true`
   * for the defaults, or the server's requirements. Default false.
   */
  perMessageDeflate?: boolean | PerMessageDeflateOptions;
  /**
   * Checks the `Origin` (null when the request has none); returning false
   * answers 403. Default: every origin is accepted.
   */
  checkOrigin?: (origin: string | null) => boolean;
}

/** An accepted handshake. */
export interface AcceptedHandshake {
  /** The header fields of the `101 Switching Protocols` response, in order. */
  headers: Array<[string, string]>;
  /** The selected subprotocol, or `""`. */
  protocol: string;
  /** The accepted extensions as answered (the response's `Sec-WebSocket-Extensions`), or `""`. */
  extensions: string;
  /** The agreed `permessage-deflate` parameters, or null when not in use. */
  perMessageDeflate: PerMessageDeflateParams | null;
  /** The subprotocols the client offered, in its order. */
  offeredProtocols: string[];
  /** The `Origin` header, or null. */
  origin: string | null;
}

function reject(
  code: WebSocketErrorCode,
  message: string,
  status = 400,
  headers: Array<[string, string]> = [],
): never {
  throw new WebSocketError(code, message, { status, headers });
}

function single(headers: HeaderList, name: string, display: string): string | null {
  const values = headerValues(headers, name);
  if (values.length > 1) {
    reject("ERR_HANDSHAKE_DUPLICATE_HEADER", `${display} appears ${values.length} times`);
  }
  return values.length === 0 ? null : values[0];
}

function listHas(headers: HeaderList, name: string, display: string, token: string): boolean {
  let found = false;
  for (const value of headerValues(headers, name)) {
    const items = tokenList(value);
    if (items === null) {
      reject(
        name === "upgrade" ? "ERR_HANDSHAKE_UPGRADE" : "ERR_HANDSHAKE_CONNECTION",
        `${display} is not a list of tokens: ${JSON.stringify(value)}`,
      );
    }
    if (items.some((item) => item.toLowerCase() === token)) found = true;
  }
  return found;
}

function supportsHttp11(version: string): boolean {
  const match = /^(?:HTTP\/)?(\d)\.(\d)$/.exec(version);
  if (match === null) return false;
  const major = Number(match[1]);
  return major > 1 || (major === 1 && Number(match[2]) >= 1);
}

/** Parses the client's subprotocol list: unique tokens over any number of lines. */
function parseProtocolList(values: readonly string[]): string[] {
  const offered: string[] = [];
  for (const value of values) {
    const items = tokenList(value);
    if (items === null || (items.length === 0 && value.trim() !== "")) {
      reject(
        "ERR_HANDSHAKE_PROTOCOL",
        `Sec-WebSocket-Protocol is not a list of tokens: ${JSON.stringify(value)}`,
      );
    }
    for (const item of items) {
      if (offered.includes(item)) {
        reject("ERR_HANDSHAKE_PROTOCOL", `Sec-WebSocket-Protocol repeats ${item}`);
      }
      offered.push(item);
    }
  }
  return offered;
}

/**
 * Checks an upgrade request and accepts it.
 *
 * @param request the request line's method and version, and the header pairs
 * @param options the subprotocols, `permessage-deflate`, and the origin check
 * @returns the response headers and what was agreed
 * @throws {WebSocketError} a `ERR_HANDSHAKE_*` code with `status` (400, 403 or
 *   426) and `headers` to answer with
 *
 * @example
 * ```ts
 * import { acceptHandshake } from "./handshake_server.ts";
 *
 * const accepted = acceptHandshake({
 *   method: "GET",
 *   httpVersion: "1.1",
 *   headers: [
 *     ["Host", "server.example.com"],
 *     ["Upgrade", "websocket"],
 *     ["Connection", "Upgrade"],
 *     ["Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="],
 *     ["Sec-WebSocket-Protocol", "chat, superchat"],
 *     ["Sec-WebSocket-Version", "13"],
 *   ],
 * }, { protocols: ["superchat"] });
 * console.assert(accepted.protocol === "superchat");
 * console.assert(accepted.headers[2][1] === "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
 * ```
 */
export function acceptHandshake(
  request: UpgradeRequest,
  options: AcceptHandshakeOptions = {},
): AcceptedHandshake {
  const { headers } = request;
  if (request.method !== "GET") {
    reject("ERR_HANDSHAKE_METHOD", `an upgrade to WebSocket must be a GET, not ${request.method}`);
  }
  if (!supportsHttp11(request.httpVersion)) {
    reject(
      "ERR_HANDSHAKE_HTTP_VERSION",
      `an upgrade to WebSocket needs HTTP/1.1 or later, not ${request.httpVersion}`,
    );
  }
  if (!listHas(headers, "upgrade", "Upgrade", "websocket")) {
    reject("ERR_HANDSHAKE_UPGRADE", "the Upgrade header does not list websocket");
  }
  if (!listHas(headers, "connection", "Connection", "upgrade")) {
    reject("ERR_HANDSHAKE_CONNECTION", "the Connection header does not list Upgrade");
  }
  const host = single(headers, "host", "Host");
  if (host === null || host === "") reject("ERR_HANDSHAKE_HOST", "the Host header is missing");

  const versions = headerValues(headers, "sec-websocket-version");
  if (versions.length !== 1 || versions[0] !== "13") {
    if (versions.length > 1) {
      reject("ERR_HANDSHAKE_DUPLICATE_HEADER", "Sec-WebSocket-Version appears more than once");
    }
    if (versions.length === 0) {
      reject("ERR_HANDSHAKE_VERSION", "the Sec-WebSocket-Version header is missing");
    }
    reject(
      "ERR_HANDSHAKE_VERSION",
      `unsupported Sec-WebSocket-Version ${JSON.stringify(versions[0])}; this server speaks 13`,
      426,
      [["Sec-WebSocket-Version", "13"]],
    );
  }
  const key = single(headers, "sec-websocket-key", "Sec-WebSocket-Key");
  if (key === null) reject("ERR_HANDSHAKE_KEY", "the Sec-WebSocket-Key header is missing");
  if (!isValidKey(key)) {
    reject(
      "ERR_HANDSHAKE_KEY",
      `Sec-WebSocket-Key is not the base64 form of 16 bytes: ${JSON.stringify(key)}`,
    );
  }

  const offeredProtocols = parseProtocolList(headerValues(headers, "sec-websocket-protocol"));
  let protocol = "";
  if (offeredProtocols.length > 0 && options.protocols !== undefined) {
    const choose = options.protocols;
    const chosen = typeof choose === "function"
      ? choose(offeredProtocols)
      : offeredProtocols.find((item) => choose.includes(item)) ?? null;
    if (chosen !== null) {
      if (!offeredProtocols.includes(chosen)) {
        throw new WebSocketError(
          "ERR_INVALID_PROTOCOL",
          `the protocols function chose ${JSON.stringify(chosen)}, which the client did not offer`,
        );
      }
      protocol = chosen;
    }
  }

  const extensionValues = headerValues(headers, "sec-websocket-extensions");
  const offers = extensionValues.length === 0 ? [] : parseExtensions(extensionValues.join(", "));
  let perMessageDeflate: PerMessageDeflateParams | null = null;
  let extensions = "";
  if (options.perMessageDeflate) {
    const deflateOptions = options.perMessageDeflate === true ? {} : options.perMessageDeflate;
    const answer = negotiatePerMessageDeflate(offers, deflateOptions);
    if (answer !== null) {
      perMessageDeflate = answer.params;
      extensions = formatExtensions([answer.response]);
    }
  }

  const origin = single(headers, "origin", "Origin");
  if (options.checkOrigin !== undefined && !options.checkOrigin(origin)) {
    reject("ERR_HANDSHAKE_ORIGIN", `origin ${JSON.stringify(origin)} is not allowed`, 403);
  }

  const responseHeaders: Array<[string, string]> = [
    ["Upgrade", "websocket"],
    ["Connection", "Upgrade"],
    ["Sec-WebSocket-Accept", computeAcceptKey(key)],
  ];
  if (protocol !== "") responseHeaders.push(["Sec-WebSocket-Protocol", protocol]);
  if (extensions !== "") responseHeaders.push(["Sec-WebSocket-Extensions", extensions]);
  return {
    headers: responseHeaders,
    protocol,
    extensions,
    perMessageDeflate,
    offeredProtocols,
    origin,
  };
}
