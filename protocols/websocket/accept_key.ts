/**
 * The opening handshake's key and accept values (RFC 6455 sections 4.1 and 4.2.2).
 *
 * This module is browser compatible.
 *
 * @module
 */

import { sha1 } from "@noble/hashes/legacy.js";

/**
 * The GUID every `Sec-WebSocket-Accept` is derived with.
 *
 * @example
 * ```ts
 * import { WEBSOCKET_GUID } from "./accept_key.ts";
 *
 * console.assert(WEBSOCKET_GUID.length === 36);
 * ```
 */
export const WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** Sec-WebSocket-Key: the base64 form of 16 bytes. */
const KEY_FORMAT = /^[A-Za-z0-9+/]{22}==$/;

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary);
}

/**
 * The `Sec-WebSocket-Accept` value for a `Sec-WebSocket-Key`: the base64 SHA-1
 * of the key followed by {@linkcode WEBSOCKET_GUID}.
 *
 * @param key the client's key
 * @returns the accept value
 *
 * @example The example of RFC 6455 section 1.3
 * ```ts
 * import { computeAcceptKey } from "./accept_key.ts";
 *
 * console.assert(computeAcceptKey("dGhlIHNhbXBsZSBub25jZQ==") === "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
 * ```
 */
export function computeAcceptKey(key: string): string {
  const text = key + WEBSOCKET_GUID;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return base64(sha1(bytes));
}

/**
 * A fresh `Sec-WebSocket-Key`: 16 bytes from `crypto.getRandomValues`, base64.
 *
 * @returns the key
 *
 * @example
 * ```ts
 * import { generateKey, isValidKey } from "./accept_key.ts";
 *
 * console.assert(isValidKey(generateKey()));
 * ```
 */
export function generateKey(): string {
  return base64(crypto.getRandomValues(new Uint8Array(16)));
}

/**
 * Whether a `Sec-WebSocket-Key` value has the required form: base64 of 16 bytes
 * (22 characters and `==`).
 *
 * @param key the value
 * @returns true when it is well formed
 *
 * @example
 * ```ts
 * import { isValidKey } from "./accept_key.ts";
 *
 * console.assert(isValidKey("dGhlIHNhbXBsZSBub25jZQ=="));
 * console.assert(!isValidKey("dGhlIHNhbXBsZSBub25jZQ"));
 * ```
 */
export function isValidKey(key: string): boolean {
  return KEY_FORMAT.test(key);
}
