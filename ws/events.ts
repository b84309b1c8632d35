/**
 * The events a {@linkcode WebSocket} dispatches besides `open` and `message`
 * (a standard `MessageEvent`): a `CloseEvent` that also says why the
 * connection ended, and an `ErrorEvent` carrying the error.
 *
 * @example Telling a heartbeat timeout from a peer's close
 * ```ts ignore
 * socket.addEventListener("close", (event) => {
 *   console.log(event.code, event.reason, event.wasClean, event.cause);
 * });
 * ```
 *
 * @module
 */

import type { WebSocketError } from "../protocols/websocket/mod.ts";

/**
 * Why a connection ended:
 * - `"remote"`: the peer sent a Close frame first (its code is `code`);
 * - `"local"`: this end called `close()` and the peer answered;
 * - `"protocol-error"`: the peer broke RFC 6455 (or sent a message above
 *   `maxPayload`); this end closed with 1002, 1007, 1009 or 1011 (`error`
 *   says what happened);
 * - `"heartbeat-timeout"`: no Pong came back within the heartbeat's deadline;
 * - `"close-timeout"`: the peer did not answer a Close frame in time;
 * - `"network-error"`: the connection broke (`error` is the `NetError`), or
 *   ended without a close handshake;
 * - `"handshake"`: the opening handshake failed (`error` says why).
 */
export type CloseCause =
  | "remote"
  | "local"
  | "protocol-error"
  | "heartbeat-timeout"
  | "close-timeout"
  | "network-error"
  | "handshake";

/** What a {@linkcode CloseEvent} is made from. */
export interface CloseEventInit extends EventInit {
  /** The close code (1005 when the peer's Close had none, 1006 without a close handshake). */
  code?: number;
  /** The reason. */
  reason?: string;
  /** Whether both Close frames were exchanged. */
  wasClean?: boolean;
  /** Why the connection ended (default `"network-error"`). */
  cause?: CloseCause;
  /** The error behind a close that was not clean. */
  error?: Error | WebSocketError;
}

/**
 * The `close` event of a {@linkcode WebSocket}: the WHATWG `CloseEvent`
 * (`code`, `reason`, `wasClean`) with `cause` and `error` added.
 *
 * @example
 * ```ts
 * import { CloseEvent } from "./events.ts";
 *
 * const event = new CloseEvent("close", { code: 1000, wasClean: true, cause: "local" });
 * console.assert(event.code === 1000 && event.cause === "local");
 * ```
 */
export class CloseEvent extends Event {
  /** The close code. */
  readonly code: number;
  /** The close reason. */
  readonly reason: string;
  /** Whether the close handshake completed. */
  readonly wasClean: boolean;
  /** Why the connection ended. */
  readonly cause: CloseCause;
  /** The error behind the close, when there was one. */
  readonly error: Error | undefined;

  /**
   * Creates a close event.
   *
   * @param type the event type (`"close"`)
   * @param init code, reason, wasClean, cause and error
   */
  constructor(type: string, init: CloseEventInit = {}) {
    super(type, init);
    this.code = init.code ?? 0;
    this.reason = init.reason ?? "";
    this.wasClean = init.wasClean ?? false;
    this.cause = init.cause ?? "network-error";
    this.error = init.error;
  }
}

/**
 * The `error` event of a {@linkcode WebSocket}, carrying the error (a
 * `WebSocketError`, an `HttpClientError` or a `NetError`). A `close` event
 * always follows.
 *
 * @example
 * ```ts
 * import { ErrorEvent } from "./events.ts";
 *
 * const event = new ErrorEvent("error", { error: new Error("refused"), message: "refused" });
 * console.assert(event.message === "refused");
 * ```
 */
export class ErrorEvent extends Event {
  /** The error. */
  readonly error: unknown;
  /** Its message. */
  readonly message: string;

  /**
   * Creates an error event.
   *
   * @param type the event type (`"error"`)
   * @param init the error and its message
   */
  constructor(type: string, init: EventInit & { error?: unknown; message?: string } = {}) {
    super(type, init);
    this.error = init.error;
    this.message = init.message ?? (init.error instanceof Error ? init.error.message : "");
  }
}
