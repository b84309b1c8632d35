/**
 * The takeover contract between the HTTP server and the protocols that leave
 * HTTP/1.1 on a connection (WebSocket after a `101`, a tunnel after a `2xx`
 * answer to `CONNECT`).
 *
 * A response handed to the server may carry a callback under
 * {@linkcode TAKEOVER} (`Symbol.for("wirestack.upgrade")`). After writing that
 * response's head (for a 101: status line and headers, no body), the server
 * stops reading, detaches from the connection, stops its timers for it, and
 * calls the callback with the `Conn` and the bytes received after the request
 * head (maybe none). From then on the connection belongs to the callback: the
 * server never answers on it again, `shutdown()` does not wait for it, and
 * `close()` still closes it.
 *
 * The `Conn` handed over follows the adapter contract (`adapters/types.ts`):
 * call `attach(handler)` (or `read()`) to read, `send`/`write` to write, and
 * `close()` when done.
 *
 * @example Accept a CONNECT tunnel and echo what comes through it
 * ```ts ignore
 * import { serve, TAKEOVER, type Takeover } from "./mod.ts";
 *
 * serve({ port: 8080 }, (request) => {
 *   const takeover: Takeover = (conn, head) => {
 *     if (head.length > 0) conn.send(head);
 *     conn.attach({
 *       onData: (bytes) => conn.send(bytes),
 *       onEnd: () => conn.end(() => conn.close()),
 *       onDrain: () => {},
 *       onError: () => conn.close(),
 *     });
 *   };
 *   return { status: 200, statusText: "", headers: [], body: null, [TAKEOVER]: takeover };
 * });
 * ```
 *
 * @module
 */

import type { Conn } from "../adapters/mod.ts";

/**
 * The well-known symbol under which a response carries its takeover callback:
 * `Symbol.for("wirestack.upgrade")`, the same in every copy of wirestack.
 *
 * @example
 * ```ts
 * import { TAKEOVER } from "./takeover.ts";
 *
 * console.assert(TAKEOVER === Symbol.for("wirestack.upgrade"));
 * ```
 */
export const TAKEOVER: unique symbol = Symbol.for("wirestack.upgrade");

/**
 * Takes a connection over after the response that carried it: `conn` is the
 * connection (attach a handler or read from it), `head` the bytes that came
 * after the request's head (the first bytes of the new protocol; may be empty).
 */
export type Takeover = (conn: Conn, head: Uint8Array) => void;
