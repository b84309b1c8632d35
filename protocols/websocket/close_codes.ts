/**
 * Close status codes (RFC 6455 section 7.4) and which of them may travel in a
 * Close frame.
 *
 * This module is browser compatible.
 *
 * @module
 */

/**
 * The close codes RFC 6455 section 7.4.1 defines, and the three the IANA
 * "WebSocket Close Code Number" registry added since (1012-1014), by name.
 *
 * @example
 * ```ts
 * import { CloseCode } from "./close_codes.ts";
 *
 * console.assert(CloseCode.NORMAL === 1000 && CloseCode.MESSAGE_TOO_BIG === 1009);
 * ```
 */
export const CloseCode = {
  /** 1000: the purpose of the connection has been fulfilled. */
  NORMAL: 1000,
  /** 1001: the endpoint is going away (server shutdown, page navigation). */
  GOING_AWAY: 1001,
  /** 1002: the peer broke the protocol. */
  PROTOCOL_ERROR: 1002,
  /** 1003: a message of a type the endpoint cannot accept. */
  UNSUPPORTED_DATA: 1003,
  /** 1005: no code was present (never sent on the wire). */
  NO_STATUS: 1005,
  /** 1006: the connection closed without a Close frame (never sent on the wire). */
  ABNORMAL: 1006,
  /** 1007: data inconsistent with the message type (invalid UTF-8 in text). */
  INVALID_PAYLOAD: 1007,
  /** 1008: a message that violates the endpoint's policy. */
  POLICY_VIOLATION: 1008,
  /** 1009: a message too big to handle. */
  MESSAGE_TOO_BIG: 1009,
  /** 1010: the server did not negotiate an extension the client needs. */
  MANDATORY_EXTENSION: 1010,
  /** 1011: the endpoint met an unexpected condition. */
  INTERNAL_ERROR: 1011,
  /** 1012: the service is restarting (IANA registry). */
  SERVICE_RESTART: 1012,
  /** 1013: try again later, a temporary condition (IANA registry). */
  TRY_AGAIN_LATER: 1013,
  /** 1014: a gateway or proxy got a bad answer upstream (IANA registry). */
  BAD_GATEWAY: 1014,
  /** 1015: the TLS handshake failed (never sent on the wire). */
  TLS_HANDSHAKE: 1015,
} as const;

/**
 * Whether `code` may appear in a Close frame: 1000-1003, 1007-1014 (1012-1014
 * are registered with IANA after RFC 6455; browsers, `ws` and the current Autobahn
 * suite accept them) and 3000-4999. 1004 is reserved; 1005, 1006 and 1015 are for
 * reporting only; 1016-2999 are unassigned.
 *
 * @param code the status code
 * @returns true when an endpoint may send or accept it on the wire
 *
 * @example
 * ```ts
 * import { isValidCloseCode } from "./close_codes.ts";
 *
 * console.assert(isValidCloseCode(1000));
 * console.assert(isValidCloseCode(4000));
 * console.assert(!isValidCloseCode(1005));
 * ```
 */
export function isValidCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) ||
    (code >= 1007 && code <= 1014) ||
    (code >= 3000 && code <= 4999);
}
