/**
 * The events of the HTTP/1.1 core, all in one place: what a reader produces
 * from bytes (a request or response head, body data, trailers, the end of a
 * message, the end of the connection) and the two signals that are not events
 * (`NEED_DATA`: feed more bytes; `PAUSED`: the peer is ahead of us).
 *
 * Events are plain read-only objects told apart by `type`. Headers are always
 * `[name, value]` pairs in wire order: names as received, values without the
 * surrounding optional whitespace.
 *
 * This module is browser compatible.
 *
 * @example Switching on an event
 * ```ts
 * import { Connection } from "./mod.ts";
 *
 * const server = new Connection("server");
 * server.receive(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
 * for (;;) {
 *   const event = server.nextEvent();
 *   if (event.type === "request") console.log(event.method, event.target);
 *   if (event.type === "end" || event.type === "need-data" || event.type === "paused") break;
 * }
 * ```
 *
 * @module
 */

/** A header field as received or to send: `[name, value]`. */
export type HeaderField = [name: string, value: string];

/** Header fields in wire order. The one representation of headers in wirestack's HTTP core. */
export type HeaderList = HeaderField[];

/** A request head as the server side receives it. */
export interface RequestHead {
  /** Tells the event apart. */
  readonly type: "request";
  /** The method, case-sensitive (`get` is not `GET`). */
  readonly method: string;
  /** The request-target exactly as received (origin, absolute, authority or asterisk form). */
  readonly target: string;
  /** The version as received: `"1.1"`, `"1.0"`, or a higher 1.x processed as 1.1. */
  readonly version: string;
  /** The header fields in wire order, values trimmed of optional whitespace. */
  readonly headers: HeaderList;
  /** Whether this message allows the connection to carry another message afterwards. */
  readonly keepAlive: boolean;
  /** The request carries `Expect: 100-continue` (HTTP/1.1 only; ignored in 1.0 as RFC 9110 10.1.1 asks). */
  readonly expectContinue: boolean;
  /**
   * The request asks to leave HTTP/1.1 on this connection: a `CONNECT`, or an
   * HTTP/1.1 request with an `Upgrade` field and the `upgrade` connection option.
   * Whether it does depends on the answer.
   */
  readonly upgrade: boolean;
  /** The body length when the head fixes it (0 when there is no body); `null` when chunked. */
  readonly contentLength: number | null;
  /** The body uses the chunked transfer coding. */
  readonly chunked: boolean;
}

/** A response head (final or 1xx informational) as the client side receives it. */
export interface ResponseHead {
  /** Tells the event apart. */
  readonly type: "response";
  /** The status code (100-599). Below 200 it is an informational response, a message of its own. */
  readonly status: number;
  /** The reason phrase as received (may be empty; Latin-1). */
  readonly reason: string;
  /** The version as received: `"1.1"`, `"1.0"`, or a higher 1.x. */
  readonly version: string;
  /** The header fields in wire order, values trimmed of optional whitespace. */
  readonly headers: HeaderList;
  /** Whether this message allows the connection to carry another message afterwards. */
  readonly keepAlive: boolean;
  /**
   * The connection leaves HTTP/1.1 after this head: a 101 (Switching Protocols)
   * or a 2xx answer to `CONNECT`. The bytes after the head belong to the new protocol.
   */
  readonly upgrade: boolean;
  /** The body length when the head fixes it (0 for bodiless responses); `null` when chunked or read until close. */
  readonly contentLength: number | null;
  /** The body uses the chunked transfer coding. */
  readonly chunked: boolean;
}

/**
 * A piece of a body. `data` may be a view into the bytes last given to
 * `receive()`: it stays valid until the next `receive()`; copy it to keep it longer.
 */
export interface BodyData {
  /** Tells the event apart. */
  readonly type: "data";
  /** The body bytes (already de-chunked). */
  readonly data: Uint8Array;
}

/** The trailer section of a chunked message (only sent when it has fields). */
export interface Trailers {
  /** Tells the event apart. */
  readonly type: "trailers";
  /** The trailer fields in wire order. */
  readonly trailers: HeaderList;
}

/** The end of a message. */
export interface MessageEnd {
  /** Tells the event apart. */
  readonly type: "end";
}

/** The peer closed its side of the connection between messages. */
export interface ConnectionClosed {
  /** Tells the event apart. */
  readonly type: "closed";
}

/** The reader needs more bytes before it can produce an event. */
export interface NeedData {
  /** Tells the signal apart. */
  readonly type: "need-data";
}

/**
 * The peer is ahead of us: it finished a message (or asked to switch
 * protocols) and we have not finished our side of the exchange. Send the
 * response (server) and ask again; bytes already received stay queued.
 */
export interface Paused {
  /** Tells the signal apart. */
  readonly type: "paused";
}

/** Everything a reader produces from bytes. */
export type Http1Event =
  | RequestHead
  | ResponseHead
  | BodyData
  | Trailers
  | MessageEnd
  | ConnectionClosed;

/** What `Connection.nextEvent()` returns: an event, or a signal to feed more bytes or wait. */
export type NextEvent = Http1Event | NeedData | Paused;

/**
 * The one `MessageEnd` value (events of this type carry no data).
 *
 * @example
 * ```ts
 * import { MESSAGE_END } from "./events.ts";
 *
 * console.assert(MESSAGE_END.type === "end");
 * ```
 */
export const MESSAGE_END: MessageEnd = Object.freeze({ type: "end" as const });

/**
 * The one `ConnectionClosed` value.
 *
 * @example
 * ```ts
 * import { CONNECTION_CLOSED } from "./events.ts";
 *
 * console.assert(CONNECTION_CLOSED.type === "closed");
 * ```
 */
export const CONNECTION_CLOSED: ConnectionClosed = Object.freeze({ type: "closed" as const });

/**
 * The one `NeedData` value.
 *
 * @example
 * ```ts
 * import { NEED_DATA } from "./events.ts";
 *
 * console.assert(NEED_DATA.type === "need-data");
 * ```
 */
export const NEED_DATA: NeedData = Object.freeze({ type: "need-data" as const });

/**
 * The one `Paused` value.
 *
 * @example
 * ```ts
 * import { PAUSED } from "./events.ts";
 *
 * console.assert(PAUSED.type === "paused");
 * ```
 */
export const PAUSED: Paused = Object.freeze({ type: "paused" as const });
