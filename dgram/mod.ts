/**
 * UDP for the chapter's programs, on Deno and on Node: `createSocket("udp4" |
 * "udp6")`, `bind`, `send` (which binds an unbound socket), `close`, broadcast
 * and multicast where the runtime can (see the README's feature table), with
 * the events `listening`, `message` (`(msg, rinfo)`), `error` and `close`,
 * heard through `on` or through `addEventListener` (where `event.detail` is
 * `[msg, rinfo]`).
 *
 * @example Send a datagram to yourself
 * ```ts
 * import { createSocket } from "./mod.ts";
 *
 * const socket = createSocket("udp4");
 * socket.bind(0, "127.0.0.1");
 * socket.addEventListener("message", (event) => {
 *   const [msg, rinfo] = event.detail;
 *   console.log(new TextDecoder().decode(msg), "from port", rinfo.port);
 *   socket.close();
 * });
 * socket.once("listening", () => socket.send("hello", socket.address().port, "127.0.0.1"));
 * ```
 *
 * @module
 */

export * from "./socket.ts";
export { once } from "../net/emitter.ts";
export { NetError, type NetErrorCode } from "../adapters/errors.ts";
