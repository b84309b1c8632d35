/**
 * The events a {@linkcode WebSocketConnection} reports: small immutable
 * records with a `type`.
 *
 * This module is browser compatible.
 *
 * @module
 */

import type { WebSocketError } from "./errors.ts";

/** A complete text message. Its bytes are valid UTF-8 (checked as they arrived). */
export interface TextMessageEvent {
  /** Discriminant. */
  readonly type: "text";
  /** The message's UTF-8 bytes (owned by the receiver: not reused by the connection). */
  readonly data: Uint8Array;
}

/** A complete binary message. */
export interface BinaryMessageEvent {
  /** Discriminant. */
  readonly type: "binary";
  /** The message's bytes (owned by the receiver). */
  readonly data: Uint8Array;
}

/** A Ping frame. Unless `autoPong` is off, the connection has queued the Pong. */
export interface PingEvent {
  /** Discriminant. */
  readonly type: "ping";
  /** The ping's application data (0-125 bytes). */
  readonly data: Uint8Array;
}

/** A Pong frame (an answer to a ping, or unsolicited as a heartbeat). */
export interface PongEvent {
  /** Discriminant. */
  readonly type: "pong";
  /** The pong's application data (0-125 bytes). */
  readonly data: Uint8Array;
}

/** Why a connection closed. */
export type CloseInitiator =
  /** The peer sent a Close frame first; the connection answered it. */
  | "remote"
  /** This end sent a Close frame first; the peer answered it. */
  | "local"
  /** The peer broke the protocol; this end sent a Close frame with the error's code. */
  | "error"
  /** The transport ended before the close handshake finished (code 1006). */
  | "transport";

/** The connection is closed: no more frames are sent or read. */
export interface CloseEvent {
  /** Discriminant. */
  readonly type: "close";
  /**
   * The close code: the peer's (1005 when its Close frame had none) for a clean
   * close, the code sent for a protocol error, 1006 when the transport ended.
   */
  readonly code: number;
  /** The reason that came with the code (`""` when none). */
  readonly reason: string;
  /** Whether both Close frames were exchanged. */
  readonly wasClean: boolean;
  /** Who or what ended the connection. */
  readonly initiator: CloseInitiator;
  /** For `initiator: "error"`, what the peer did wrong. */
  readonly error?: WebSocketError;
}

/** Any event a connection reports. */
export type WebSocketEvent =
  | TextMessageEvent
  | BinaryMessageEvent
  | PingEvent
  | PongEvent
  | CloseEvent;
