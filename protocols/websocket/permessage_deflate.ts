/**
 * Negotiation of the `permessage-deflate` extension (RFC 7692 section 7.1),
 * for both roles.
 *
 * - A server picks the first acceptable offer from a client's list and answers
 *   it ({@linkcode negotiatePerMessageDeflate}). An offer is declined when a
 *   parameter is unknown, repeated, or has an invalid value, or when it cannot
 *   meet the server's own requirements.
 * - A client makes one offer ({@linkcode offerPerMessageDeflate}) and checks the
 *   server's answer against it ({@linkcode acceptPerMessageDeflate}); an answer
 *   the offer did not allow fails the connection.
 *
 * Window bits are integers 8 to 15 written without leading zeros (a quoted value
 * is unquoted first). A deflater that cannot use an 8-bit window uses 9 bits:
 * zlib keeps its distances below `2 ** 9 - 262` = 250 bytes, inside an 8-bit
 * window, so an answer of 8 is honoured either way.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { WebSocketError } from "./errors.ts";
import type { ExtensionOffer } from "./extensions.ts";

/**
 * The extension token.
 *
 * @example
 * ```ts
 * import { PERMESSAGE_DEFLATE } from "./permessage_deflate.ts";
 *
 * console.assert(PERMESSAGE_DEFLATE === "permessage-deflate");
 * ```
 */
export const PERMESSAGE_DEFLATE = "permessage-deflate";

/** The parameters both ends agreed on. */
export interface PerMessageDeflateParams {
  /** The server resets its compression history after each message. */
  serverNoContextTakeover: boolean;
  /** The client resets its compression history after each message. */
  clientNoContextTakeover: boolean;
  /** The server's LZ77 window, base-2 logarithm (8 to 15). */
  serverMaxWindowBits: number;
  /** The client's LZ77 window, base-2 logarithm (8 to 15). */
  clientMaxWindowBits: number;
}

/**
 * What an endpoint asks for. On a server these are requirements put on every
 * accepted offer; on a client, what its offer requests.
 */
export interface PerMessageDeflateOptions {
  /**
   * Server: always answer `server_no_context_takeover` (saves the server a
   * compression context per connection). Client: request it. Default false.
   */
  serverNoContextTakeover?: boolean;
  /**
   * Server: always answer `client_no_context_takeover` (saves the server an
   * inflation window per connection). Client: offer it. Default false.
   */
  clientNoContextTakeover?: boolean;
  /**
   * Server: the largest window it compresses with (answered when smaller than
   * what the client allows). Client: requested as `server_max_window_bits`.
   * 8 to 15; default 15, not requested.
   */
  serverMaxWindowBits?: number;
  /**
   * Server: the largest window the client may compress with (a client whose
   * offer does not name `client_max_window_bits` cannot be limited and keeps
   * 15). Client: the
   * window it compresses with, offered as `client_max_window_bits`. 8 to 15;
   * default 15.
   */
  clientMaxWindowBits?: number;
}

/** What {@linkcode negotiatePerMessageDeflate} chose. */
export interface PerMessageDeflateAnswer {
  /** The agreed parameters. */
  params: PerMessageDeflateParams;
  /** The answer, for the response's `Sec-WebSocket-Extensions`. */
  response: ExtensionOffer;
}

function checkBitsOption(name: string, bits: number | undefined): number {
  if (bits === undefined) return 15;
  if (!Number.isInteger(bits) || bits < 8 || bits > 15) {
    throw new WebSocketError("ERR_INVALID_OPTION", `${name} must be an integer from 8 to 15`);
  }
  return bits;
}

function parseBits(value: string | null): number | null {
  if (value === null || !/^(?:[89]|1[0-5])$/.test(value)) return null;
  return Number(value);
}

interface ParsedOffer {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  /** Requested server window, or null when absent. */
  serverMaxWindowBits: number | null;
  /** Absent: null; present without value: true; with value: the bits. */
  clientMaxWindowBits: number | true | null;
}

/** Reads an offer's parameters; null when the offer must be declined. */
function parseOffer(offer: ExtensionOffer): ParsedOffer | null {
  const parsed: ParsedOffer = {
    serverNoContextTakeover: false,
    clientNoContextTakeover: false,
    serverMaxWindowBits: null,
    clientMaxWindowBits: null,
  };
  const seen = new Set<string>();
  for (const [name, value] of offer.params) {
    if (seen.has(name)) return null;
    seen.add(name);
    switch (name) {
      case "server_no_context_takeover":
        if (value !== null) return null;
        parsed.serverNoContextTakeover = true;
        break;
      case "client_no_context_takeover":
        if (value !== null) return null;
        parsed.clientNoContextTakeover = true;
        break;
      case "server_max_window_bits": {
        const bits = parseBits(value);
        if (bits === null) return null;
        parsed.serverMaxWindowBits = bits;
        break;
      }
      case "client_max_window_bits": {
        if (value === null) {
          parsed.clientMaxWindowBits = true;
          break;
        }
        const bits = parseBits(value);
        if (bits === null) return null;
        parsed.clientMaxWindowBits = bits;
        break;
      }
      default:
        return null;
    }
  }
  return parsed;
}

/**
 * Server side: picks the first acceptable `permessage-deflate` offer of a
 * client and answers it. Other extensions in the list are ignored.
 *
 * @param offers the client's `Sec-WebSocket-Extensions`, parsed
 * @param options the server's requirements
 * @returns the agreed parameters and the answer, or null when no offer is acceptable
 *
 * @example A browser's offer
 * ```ts
 * import { parseExtensions } from "./extensions.ts";
 * import { negotiatePerMessageDeflate } from "./permessage_deflate.ts";
 *
 * const answer = negotiatePerMessageDeflate(
 *   parseExtensions("permessage-deflate; client_max_window_bits"),
 *   { serverNoContextTakeover: true },
 * );
 * console.assert(answer?.params.serverNoContextTakeover === true);
 * console.assert(answer?.params.clientMaxWindowBits === 15);
 * ```
 */
export function negotiatePerMessageDeflate(
  offers: readonly ExtensionOffer[],
  options: PerMessageDeflateOptions = {},
): PerMessageDeflateAnswer | null {
  const serverLimit = checkBitsOption("serverMaxWindowBits", options.serverMaxWindowBits);
  const clientLimit = checkBitsOption("clientMaxWindowBits", options.clientMaxWindowBits);
  for (const offer of offers) {
    if (offer.name !== PERMESSAGE_DEFLATE) continue;
    const parsed = parseOffer(offer);
    if (parsed === null) continue;
    const response: ExtensionOffer = { name: PERMESSAGE_DEFLATE, params: [] };

    const serverNoContextTakeover = parsed.serverNoContextTakeover ||
      (options.serverNoContextTakeover ?? false);
    if (serverNoContextTakeover) response.params.push(["server_no_context_takeover", null]);
    const clientNoContextTakeover = parsed.clientNoContextTakeover ||
      (options.clientNoContextTakeover ?? false);
    if (clientNoContextTakeover) response.params.push(["client_no_context_takeover", null]);

    // The server may always use a smaller window than the client allows.
    const serverBits = Math.min(parsed.serverMaxWindowBits ?? 15, serverLimit);
    if (parsed.serverMaxWindowBits !== null || serverBits < 15) {
      response.params.push(["server_max_window_bits", String(serverBits)]);
    }

    // The client's window can only be limited when its offer names the
    // parameter (RFC 7692 section 7.1.2.2); otherwise it keeps 15.
    let clientBits = 15;
    if (parsed.clientMaxWindowBits !== null) {
      const offered = parsed.clientMaxWindowBits === true ? 15 : parsed.clientMaxWindowBits;
      clientBits = Math.min(offered, clientLimit);
      if (clientBits < 15 || parsed.clientMaxWindowBits !== true) {
        response.params.push(["client_max_window_bits", String(clientBits)]);
      }
    }
    return {
      params: {
        serverNoContextTakeover,
        clientNoContextTakeover,
        serverMaxWindowBits: serverBits,
        clientMaxWindowBits: clientBits,
      },
      response,
    };
  }
  return null;
}

/**
 * Client side: the offer for the request's `Sec-WebSocket-Extensions`. It
 * always carries `client_max_window_bits` (bare, or with the requested value),
 * telling the server it may limit the client's window.
 *
 * @param options what to request
 * @returns the offer
 *
 * @example
 * ```ts
 * import { formatExtensions } from "./extensions.ts";
 * import { offerPerMessageDeflate } from "./permessage_deflate.ts";
 *
 * const offer = offerPerMessageDeflate({ serverNoContextTakeover: true });
 * console.assert(
 *   formatExtensions([offer]) === "permessage-deflate; server_no_context_takeover; client_max_window_bits",
 * );
 * ```
 */
export function offerPerMessageDeflate(options: PerMessageDeflateOptions = {}): ExtensionOffer {
  const serverBits = checkBitsOption("serverMaxWindowBits", options.serverMaxWindowBits);
  const clientBits = checkBitsOption("clientMaxWindowBits", options.clientMaxWindowBits);
  const params: Array<[string, string | null]> = [];
  if (options.serverNoContextTakeover) params.push(["server_no_context_takeover", null]);
  if (options.clientNoContextTakeover) params.push(["client_no_context_takeover", null]);
  if (options.serverMaxWindowBits !== undefined) {
    params.push(["server_max_window_bits", String(serverBits)]);
  }
  params.push([
    "client_max_window_bits",
    options.clientMaxWindowBits === undefined ? null : String(clientBits),
  ]);
  return { name: PERMESSAGE_DEFLATE, params };
}

/**
 * Client side: checks the server's answer to {@linkcode offerPerMessageDeflate}
 * and returns the agreed parameters.
 *
 * @param answer the `permessage-deflate` element of the response's extensions
 * @param options the options the offer was made from
 * @returns the agreed parameters
 * @throws {WebSocketError} `ERR_HANDSHAKE_EXTENSIONS` when the offer did not allow the answer
 *
 * @example
 * ```ts
 * import { parseExtensions } from "./extensions.ts";
 * import { acceptPerMessageDeflate } from "./permessage_deflate.ts";
 *
 * const [answer] = parseExtensions("permessage-deflate; client_max_window_bits=10");
 * const params = acceptPerMessageDeflate(answer, {});
 * console.assert(params.clientMaxWindowBits === 10 && params.serverMaxWindowBits === 15);
 * ```
 */
export function acceptPerMessageDeflate(
  answer: ExtensionOffer,
  options: PerMessageDeflateOptions = {},
): PerMessageDeflateParams {
  const fail = (why: string): never => {
    throw new WebSocketError("ERR_HANDSHAKE_EXTENSIONS", `permessage-deflate answer ${why}`);
  };
  if (answer.name !== PERMESSAGE_DEFLATE) fail(`is for ${answer.name}`);
  const offeredClientBits = checkBitsOption("clientMaxWindowBits", options.clientMaxWindowBits);
  const offeredServerBits = options.serverMaxWindowBits === undefined
    ? null
    : checkBitsOption("serverMaxWindowBits", options.serverMaxWindowBits);
  const params: PerMessageDeflateParams = {
    serverNoContextTakeover: false,
    clientNoContextTakeover: options.clientNoContextTakeover ?? false,
    serverMaxWindowBits: 15,
    clientMaxWindowBits: offeredClientBits,
  };
  const seen = new Set<string>();
  for (const [name, value] of answer.params) {
    if (seen.has(name)) fail(`repeats ${name}`);
    seen.add(name);
    switch (name) {
      case "server_no_context_takeover":
        if (value !== null) fail("gives server_no_context_takeover a value");
        params.serverNoContextTakeover = true;
        break;
      case "client_no_context_takeover":
        if (value !== null) fail("gives client_no_context_takeover a value");
        params.clientNoContextTakeover = true;
        break;
      case "server_max_window_bits": {
        const bits = parseBits(value);
        if (bits === null) fail(`has an invalid server_max_window_bits ${JSON.stringify(value)}`);
        if (offeredServerBits !== null && bits! > offeredServerBits) {
          fail(`raises server_max_window_bits to ${bits} above the ${offeredServerBits} offered`);
        }
        params.serverMaxWindowBits = bits!;
        break;
      }
      case "client_max_window_bits": {
        const bits = parseBits(value);
        if (bits === null) fail(`has an invalid client_max_window_bits ${JSON.stringify(value)}`);
        if (bits! > offeredClientBits) {
          fail(`raises client_max_window_bits to ${bits} above the ${offeredClientBits} offered`);
        }
        params.clientMaxWindowBits = bits!;
        break;
      }
      default:
        fail(`has the unknown parameter ${name}`);
    }
  }
  if (options.serverNoContextTakeover && !params.serverNoContextTakeover) {
    fail("ignores the requested server_no_context_takeover");
  }
  if (offeredServerBits !== null && !seen.has("server_max_window_bits")) {
    fail("ignores the requested server_max_window_bits");
  }
  return params;
}
