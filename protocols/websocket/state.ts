/**
 * The connection state machine, as a table. Everything that changes a
 * connection's state is in {@linkcode TRANSITIONS}; the connection looks its
 * inputs up here and does what the entry says. The table is the same for both
 * roles.
 *
 * | state     | meaning                                                      |
 * | --------- | ------------------------------------------------------------ |
 * | `open`    | messages flow both ways                                      |
 * | `closing` | this end sent a Close frame and waits for the peer's answer |
 * | `closed`  | the close handshake ended (or failed): close the transport  |
 *
 * Besides the next state, an entry says whether the input is reported as an
 * event (`emit`) and what the connection sends back on its own (`reply`): a
 * Pong for a Ping, the echoed Close for a peer's Close, the error's Close for a
 * protocol error. A send with no entry throws `ERR_INVALID_STATE`; a received
 * frame with no entry is dropped unread (nothing after the close handshake is
 * processed, RFC 6455 section 1.4).
 *
 * In the `closed` state the transport should be closed: a server closes the
 * TCP connection at once (RFC 6455 section 7.1.1); a client waits a moment for
 * the server to do it first.
 *
 * This module is browser compatible.
 *
 * @module
 */

/** The state of a connection. */
export type ConnectionState = "open" | "closing" | "closed";

/** What happens to a connection: calls by its owner and frames from the peer. */
export type ConnectionInput =
  | "send-message"
  | "send-ping"
  | "send-pong"
  | "send-close"
  | "receive-message"
  | "receive-ping"
  | "receive-pong"
  | "receive-close"
  | "protocol-error"
  | "transport-end";

/** What a connection does on an input. */
export interface Transition {
  /** The state after the input. */
  readonly next: ConnectionState;
  /** Whether the input is reported as an event. */
  readonly emit: boolean;
  /** The frame sent back without being asked. */
  readonly reply?: "pong" | "close-echo" | "close-error";
}

/**
 * The state table: `TRANSITIONS[state][input]`.
 *
 * @example
 * ```ts
 * import { TRANSITIONS } from "./state.ts";
 *
 * console.assert(TRANSITIONS.open["receive-close"]?.next === "closed");
 * console.assert(TRANSITIONS.closing["send-message"] === undefined);
 * ```
 */
export const TRANSITIONS: Readonly<
  Record<ConnectionState, Readonly<Partial<Record<ConnectionInput, Transition>>>>
> = {
  open: {
    "send-message": { next: "open", emit: false },
    "send-ping": { next: "open", emit: false },
    "send-pong": { next: "open", emit: false },
    "send-close": { next: "closing", emit: false },
    "receive-message": { next: "open", emit: true },
    "receive-ping": { next: "open", emit: true, reply: "pong" },
    "receive-pong": { next: "open", emit: true },
    "receive-close": { next: "closed", emit: true, reply: "close-echo" },
    "protocol-error": { next: "closed", emit: true, reply: "close-error" },
    "transport-end": { next: "closed", emit: true },
  },
  closing: {
    // After its Close frame an endpoint sends no data (RFC 6455 section 5.5.1),
    // and nothing else either: the peer is about to stop reading.
    "receive-message": { next: "closing", emit: true },
    "receive-ping": { next: "closing", emit: true },
    "receive-pong": { next: "closing", emit: true },
    "receive-close": { next: "closed", emit: true },
    "protocol-error": { next: "closed", emit: true },
    "transport-end": { next: "closed", emit: true },
  },
  closed: {
    "transport-end": { next: "closed", emit: false },
  },
};
