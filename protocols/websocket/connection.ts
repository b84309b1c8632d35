/**
 * A WebSocket connection after the handshake, without I/O: bytes in, events
 * out; calls in, bytes out (the h11 model). The same class serves both roles.
 *
 * - `receive(bytes)` reads the peer's bytes (any split; the bytes are not
 *   modified nor kept), then `nextEvent()` returns each complete message,
 *   ping, pong or close until it returns null.
 * - `send`, `sendText`, `sendBinary`, `ping`, `pong` and `close` return the
 *   bytes of the frame to write (a new buffer each time, owned by the caller).
 * - Replies the connection makes on its own (the Pong for a Ping, the echoed
 *   Close, the Close of a protocol error) wait in `takeOutput()`: call it after
 *   every `receive` and write what it returns.
 * - `receiveEnd()` reports that the transport ended.
 *
 * The state machine is the table in `state.ts`. Errors of the peer close the
 * connection with the right code: 1002 for a protocol error, 1007 for invalid
 * UTF-8 or compressed data, 1009 for a message above `maxPayload` (counted
 * after inflation), 1011 for an internal failure; the close event carries the
 * {@linkcode WebSocketError}.
 *
 * This module is browser compatible.
 *
 * @module
 */

import { isValidCloseCode } from "./close_codes.ts";
import type { DeflateProvider } from "./deflate.ts";
import { WebSocketError } from "./errors.ts";
import type { CloseEvent, CloseInitiator, WebSocketEvent } from "./events.ts";
import { buildFrame } from "./_build_frame.ts";
import { FIN, Opcode, RSV1 } from "./frame.ts";
import { FrameDecoder } from "./frame_decoder.ts";
import { MessageReader, type ReaderHost } from "./_message_reader.ts";
import { MessageWriter } from "./_message_writer.ts";
import type { PerMessageDeflateParams } from "./permessage_deflate.ts";
import type { PreparedMessage } from "./prepared_message.ts";
import { type ConnectionInput, type ConnectionState, TRANSITIONS } from "./state.ts";
import { isValidUtf8 } from "./utf8.ts";

/**
 * The default `maxPayload`: 64 MiB.
 *
 * @example
 * ```ts
 * import { DEFAULT_MAX_PAYLOAD } from "./connection.ts";
 *
 * console.assert(DEFAULT_MAX_PAYLOAD === 64 * 1024 * 1024);
 * ```
 */
export const DEFAULT_MAX_PAYLOAD: number = 64 * 1024 * 1024;
/**
 * The default compression threshold: messages under 1 KiB are sent as they are.
 *
 * @example
 * ```ts
 * import { DEFAULT_COMPRESSION_THRESHOLD } from "./connection.ts";
 *
 * console.assert(DEFAULT_COMPRESSION_THRESHOLD === 1024);
 * ```
 */
export const DEFAULT_COMPRESSION_THRESHOLD = 1024;

/** Options of a {@linkcode WebSocketConnection}. */
export interface WebSocketConnectionOptions {
  /** This end's role: a client masks what it sends, a server requires masked frames. */
  role: "server" | "client";
  /** The largest message accepted, in bytes after inflation (default 64 MiB); larger ones close with 1009. */
  maxPayload?: number;
  /** The agreed `permessage-deflate` parameters from the handshake (default: none). */
  perMessageDeflate?: PerMessageDeflateParams | null;
  /** The DEFLATE implementation; required when `perMessageDeflate` is set. */
  deflate?: DeflateProvider;
  /** Messages shorter than this many bytes are sent uncompressed (default 1024). */
  compressionThreshold?: number;
  /** Answers every Ping with a Pong on its own (default true). */
  autoPong?: boolean;
  /** Accepts payload lengths not in their minimal encoding (default false: RFC 6455 forbids them). */
  allowNonMinimalLength?: boolean;
  /** The source of masking keys (default `crypto.getRandomValues`). */
  getRandomValues?: (array: Uint8Array) => Uint8Array;
  /**
   * Delivers each binary message in an `ArrayBuffer` of its own (`data.buffer`
   * is exactly the message), for callers that hand out `ArrayBuffer`s, as the
   * WHATWG `WebSocket` does. Default false: small messages are views of a
   * shared slab, cheaper to make but copied by such a caller.
   */
  binaryOwnsBuffer?: boolean;
}

/** Options of {@linkcode WebSocketConnection.send}. */
export interface SendOptions {
  /** Sends a binary message (default: true for bytes, false for a string). */
  binary?: boolean;
  /**
   * Whether this ends the message (default true). With false, the next `send`
   * continues the same message, which must be of the same type.
   */
  fin?: boolean;
  /** Allows compression of this message (default true; it also needs the extension and the threshold). */
  compress?: boolean;
}

const encoder = new TextEncoder();
/** Thrown through the decoder to stop reading after the close handshake. */
const STOP_READING = Symbol("stop reading");
const decoder = new TextDecoder();
const EMPTY = new Uint8Array(0);

/** Past this many bytes of Pongs waiting, new Pongs replace the last one. */
const MAX_PENDING_PONG_BYTES = 64 * 1024;

function isPong(frame: Uint8Array): boolean {
  return (frame[0] & 0x0f) === Opcode.PONG;
}

/** Shared compressed frames of prepared messages, per deflate provider and window. */
const sharedFrames = new WeakMap<PreparedMessage, Map<DeflateProvider, Map<number, Uint8Array>>>();

function defaultRandom(array: Uint8Array): Uint8Array {
  return crypto.getRandomValues(array as Uint8Array<ArrayBuffer>);
}

/** Cuts `text` to at most `max` UTF-8 bytes at a character boundary. */
function utf8Prefix(text: string, max: number): Uint8Array {
  const bytes = encoder.encode(text);
  if (bytes.length <= max) return bytes;
  let end = max;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

function closePayload(code: number | undefined, reason: Uint8Array): Uint8Array {
  if (code === undefined) return EMPTY;
  const payload = new Uint8Array(2 + reason.length);
  payload[0] = code >>> 8;
  payload[1] = code & 0xff;
  payload.set(reason, 2);
  return payload;
}

/**
 * One WebSocket connection's protocol state.
 *
 * @example A server connection reading a client's masked "Hello"
 * ```ts
 * import { WebSocketConnection } from "./connection.ts";
 *
 * const server = new WebSocketConnection({ role: "server" });
 * server.receive(new Uint8Array([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]));
 * const event = server.nextEvent();
 * console.assert(event?.type === "text" && new TextDecoder().decode(event.data) === "Hello");
 * const reply = server.sendText("Hi"); // write these bytes to the socket
 * console.assert(reply.length === 4);
 * ```
 *
 * @example A client connection through a close handshake
 * ```ts
 * import { WebSocketConnection } from "./connection.ts";
 *
 * const client = new WebSocketConnection({ role: "client" });
 * const closeFrame = client.close(1000, "bye");
 * console.assert(client.state === "closing" && closeFrame.length === 2 + 4 + 5);
 * client.receive(new Uint8Array([0x88, 0x02, 0x03, 0xe8])); // the server's answer
 * const event = client.nextEvent();
 * console.assert(event?.type === "close" && event.code === 1000 && event.wasClean);
 * console.assert(client.state === "closed");
 * ```
 */
export class WebSocketConnection {
  /** This end's role. */
  readonly role: "server" | "client";
  /** The agreed `permessage-deflate` parameters, or null. */
  readonly perMessageDeflate: PerMessageDeflateParams | null;
  /** The largest message accepted. */
  readonly maxPayload: number;

  #state: ConnectionState = "open";
  readonly #decoder: FrameDecoder;
  readonly #reader: MessageReader;
  readonly #writer: MessageWriter;
  readonly #deflate: DeflateProvider | null;
  readonly #ownWindowBits: number;
  readonly #autoPong: boolean;
  #events: WebSocketEvent[] = [];
  #eventHead = 0;
  #output: Uint8Array[] = [];
  /** Bytes of Pongs waiting in `#output`. */
  #pendingPongBytes = 0;

  /**
   * Creates a connection in the `open` state (the handshake is done).
   *
   * @param options the role, limits and negotiated extension
   */
  constructor(options: WebSocketConnectionOptions) {
    this.role = options.role;
    this.maxPayload = options.maxPayload ?? DEFAULT_MAX_PAYLOAD;
    if (!(this.maxPayload >= 0)) {
      throw new WebSocketError("ERR_INVALID_OPTION", "maxPayload must be a non-negative number");
    }
    const params = options.perMessageDeflate ?? null;
    this.perMessageDeflate = params;
    const provider = options.deflate ?? null;
    if (params !== null && provider === null) {
      throw new WebSocketError(
        "ERR_INVALID_OPTION",
        "permessage-deflate was negotiated but no deflate implementation was given",
      );
    }
    this.#deflate = params === null ? null : provider;
    const server = this.role === "server";
    this.#ownWindowBits = params === null
      ? 15
      : server
      ? params.serverMaxWindowBits
      : params.clientMaxWindowBits;
    const peerWindowBits = params === null
      ? 15
      : server
      ? params.clientMaxWindowBits
      : params.serverMaxWindowBits;
    this.#autoPong = options.autoPong ?? true;
    this.#decoder = new FrameDecoder({
      role: this.role,
      allowRsv1: params !== null,
      allowNonMinimalLength: options.allowNonMinimalLength ?? false,
    });
    const host: ReaderHost = {
      message: (opcode, data) => this.#onMessage(opcode, data),
      control: (opcode, data) => this.#onControl(opcode, data),
    };
    const deflate = this.#deflate;
    const peerResets = params !== null &&
      (server ? params.clientNoContextTakeover : params.serverNoContextTakeover);
    const ownResets = params !== null &&
      (server ? params.serverNoContextTakeover : params.clientNoContextTakeover);
    this.#reader = new MessageReader(host, {
      maxPayload: this.maxPayload,
      createInflater: deflate === null
        ? null
        : () =>
          deflate.createInflater({ windowBits: peerWindowBits, noContextTakeover: peerResets }),
      peerNoContextTakeover: peerResets,
      binaryOwnsBuffer: options.binaryOwnsBuffer ?? false,
    });
    const ownWindowBits = this.#ownWindowBits;
    this.#writer = new MessageWriter({
      masked: !server,
      getRandomValues: options.getRandomValues ?? defaultRandom,
      createDeflater: deflate === null
        ? null
        : () => deflate.createDeflater({ windowBits: ownWindowBits, noContextTakeover: ownResets }),
      noContextTakeover: ownResets,
      threshold: options.compressionThreshold ?? DEFAULT_COMPRESSION_THRESHOLD,
    });
  }

  /** The state: `open`, `closing` (our Close sent, waiting for the peer's) or `closed`. */
  get state(): ConnectionState {
    return this.#state;
  }

  /**
   * Reads bytes from the peer. Complete events become available from
   * {@linkcode WebSocketConnection.nextEvent}; replies from
   * {@linkcode WebSocketConnection.takeOutput}. Bytes after the close
   * handshake (or after a protocol error) are dropped.
   *
   * @param bytes the next bytes from the transport (not modified, not kept)
   */
  receive(bytes: Uint8Array): void {
    if (this.#state === "closed") return;
    try {
      this.#decoder.decode(bytes, this.#reader);
    } catch (error) {
      if (error !== STOP_READING) this.#protocolError(error);
    }
  }

  /** Reports that the transport ended (end of stream or a network error). */
  receiveEnd(): void {
    const transition = this.#apply("transport-end");
    if (transition?.emit) {
      this.#closed({ code: 1006, reason: "", wasClean: false, initiator: "transport" });
    }
  }

  /**
   * The next event, in the order the peer sent them.
   *
   * @returns the event, or null when none is waiting
   */
  nextEvent(): WebSocketEvent | null {
    if (this.#eventHead < this.#events.length) {
      const event = this.#events[this.#eventHead++];
      if (this.#eventHead === this.#events.length) {
        this.#events = [];
        this.#eventHead = 0;
      }
      return event;
    }
    return null;
  }

  /**
   * The frames the connection produced on its own (Pongs, Close answers),
   * to be written to the transport now.
   *
   * @returns their bytes, or null when there are none
   */
  takeOutput(): Uint8Array | null {
    const output = this.#output;
    if (output.length === 0) return null;
    this.#output = [];
    this.#pendingPongBytes = 0;
    if (output.length === 1) return output[0];
    let size = 0;
    for (const chunk of output) size += chunk.length;
    const joined = new Uint8Array(size);
    let at = 0;
    for (const chunk of output) {
      joined.set(chunk, at);
      at += chunk.length;
    }
    return joined;
  }

  /**
   * Encodes a message, or a fragment of one (`fin: false`).
   *
   * @param data a string (a text message) or bytes (a binary one, or text with `binary: false`)
   * @param options the message type, fragmentation and compression
   * @returns the frame's bytes
   * @throws {WebSocketError} `ERR_INVALID_STATE` after `close`; `ERR_INVALID_TEXT` for bytes
   *   sent as text that are not UTF-8
   */
  send(data: string | Uint8Array, options: SendOptions = {}): Uint8Array {
    this.#sendable("send-message");
    const isString = typeof data === "string";
    const binary = options.binary ?? !isString;
    const bytes = isString ? encoder.encode(data) : data;
    return this.#writer.message(
      binary ? Opcode.BINARY : Opcode.TEXT,
      bytes,
      options.fin ?? true,
      options.compress ?? true,
      !binary && !isString,
    );
  }

  /**
   * Encodes a text message.
   *
   * @param text the message
   * @returns the frame's bytes
   */
  sendText(text: string): Uint8Array {
    this.#sendWhole();
    return this.#writer.message(Opcode.TEXT, encoder.encode(text), true, true, false);
  }

  /**
   * Encodes a binary message.
   *
   * @param data the message
   * @returns the frame's bytes
   */
  sendBinary(data: Uint8Array): Uint8Array {
    this.#sendWhole();
    return this.#writer.message(Opcode.BINARY, data, true, true, false);
  }

  /**
   * Gives back a frame returned by this connection once it is fully written:
   * the connection may build a later large frame in its memory instead of a
   * new buffer. Optional (a frame never released is simply collected); the
   * caller must not touch the frame afterwards. Anything not built by this
   * connection is ignored.
   *
   * @param frame bytes returned by `send`, `sendBinary` or `takeOutput`, written
   *
   * @example Releasing a written frame
   * ```ts
   * import { WebSocketConnection } from "./connection.ts";
   *
   * const connection = new WebSocketConnection({ role: "server" });
   * const frame = connection.sendBinary(new Uint8Array(65536));
   * // ... once the transport has written `frame`:
   * connection.releaseFrame(frame);
   * const next = connection.sendBinary(new Uint8Array(65536));
   * console.assert(next.buffer === frame.buffer);
   * ```
   */
  releaseFrame(frame: Uint8Array): void {
    this.#writer.release(frame);
  }

  /**
   * Encodes a whole binary message without copying a large payload: a server
   * connection returns `[header, data]` (write both, in order, and leave `data`
   * unchanged until written) when `data` has at least 1 KiB and is not
   * compressed; otherwise one frame, as {@linkcode WebSocketConnection.sendBinary}.
   *
   * @param data the message
   * @param options whether the message may be compressed
   * @returns the frame as one or two byte arrays
   */
  sendBinaryParts(data: Uint8Array, options: { compress?: boolean } = {}): Uint8Array[] {
    this.#sendWhole();
    return this.#writer.messageParts(Opcode.BINARY, data, options.compress ?? true, 1024);
  }

  /**
   * The bytes of a prepared message for this connection. A server connection
   * without compression gets the very frame every such connection gets; one
   * compressing without context takeover gets a compressed frame shared with
   * every connection of the same settings; otherwise the message is encoded
   * for this connection alone.
   *
   * @param message the message, prepared once for all receivers
   * @returns the frame's bytes (do not modify: they are shared)
   */
  sendPrepared(message: PreparedMessage): Uint8Array {
    this.#sendWhole();
    const writer = this.#writer;
    const opcode = message.binary ? Opcode.BINARY : Opcode.TEXT;
    if (this.role === "server" && !writer.wouldCompress(message.data.length)) return message.frame;
    if (!writer.sharesCompression) return writer.message(opcode, message.data, true, true, false);
    const provider = this.#deflate!;
    let byProvider = sharedFrames.get(message);
    if (byProvider === undefined) sharedFrames.set(message, byProvider = new Map());
    let byBits = byProvider.get(provider);
    if (byBits === undefined) byProvider.set(provider, byBits = new Map());
    let frame = byBits.get(this.#ownWindowBits);
    if (frame === undefined) {
      const payload = writer.deflateMessage(message.data);
      frame = buildFrame(FIN | RSV1 | opcode, payload, 0, payload.length, null);
      byBits.set(this.#ownWindowBits, frame);
    }
    return frame;
  }

  /**
   * Encodes a Ping.
   *
   * @param data up to 125 bytes (a string is UTF-8 encoded); default empty
   * @returns the frame's bytes
   */
  ping(data: Uint8Array | string = EMPTY): Uint8Array {
    this.#sendable("send-ping");
    return this.#writer.control(
      Opcode.PING,
      typeof data === "string" ? encoder.encode(data) : data,
    );
  }

  /**
   * Encodes a Pong (unsolicited, as a heartbeat, or when `autoPong` is off).
   *
   * @param data up to 125 bytes (a string is UTF-8 encoded); default empty
   * @returns the frame's bytes
   */
  pong(data: Uint8Array | string = EMPTY): Uint8Array {
    this.#sendable("send-pong");
    return this.#writer.control(
      Opcode.PONG,
      typeof data === "string" ? encoder.encode(data) : data,
    );
  }

  /**
   * Starts the close handshake: encodes a Close frame and moves to `closing`.
   *
   * @param code the status code: 1000-1003, 1007-1011 or 3000-4999; default none
   * @param reason a reason of at most 123 UTF-8 bytes (needs a code); default none
   * @returns the frame's bytes
   * @throws {WebSocketError} `ERR_INVALID_CLOSE_CODE`, `ERR_CLOSE_REASON_TOO_LONG`, `ERR_INVALID_STATE`
   */
  close(code?: number, reason = ""): Uint8Array {
    if (code !== undefined && !(Number.isInteger(code) && isValidCloseCode(code))) {
      throw new WebSocketError("ERR_INVALID_CLOSE_CODE", `${code} may not be sent as a close code`);
    }
    if (code === undefined && reason !== "") {
      throw new WebSocketError("ERR_INVALID_CLOSE_CODE", "a close reason needs a close code");
    }
    const reasonBytes = encoder.encode(reason);
    if (reasonBytes.length > 123) {
      throw new WebSocketError(
        "ERR_CLOSE_REASON_TOO_LONG",
        `a close reason has at most 123 bytes, not ${reasonBytes.length}`,
      );
    }
    this.#sendable("send-close");
    return this.#writer.control(Opcode.CLOSE, closePayload(code, reasonBytes));
  }

  /** Frees the compression contexts. The connection must not be used afterwards. */
  dispose(): void {
    this.#reader.dispose();
    this.#writer.dispose();
  }

  #apply(input: ConnectionInput) {
    const transition = TRANSITIONS[this.#state][input];
    if (transition !== undefined) this.#state = transition.next;
    return transition;
  }

  #sendable(input: ConnectionInput): void {
    if (TRANSITIONS[this.#state][input] === undefined) {
      throw new WebSocketError(
        "ERR_INVALID_STATE",
        `cannot ${input.replace("-", " ")} in the ${this.#state} state`,
      );
    }
    this.#state = TRANSITIONS[this.#state][input]!.next;
  }

  /** Checks that a whole message may be sent now. */
  #sendWhole(): void {
    this.#sendable("send-message");
    if (this.#writer.inMessage) {
      throw new WebSocketError(
        "ERR_INVALID_STATE",
        "a fragmented message is being sent; continue it with send()",
      );
    }
  }

  #onMessage(opcode: number, data: Uint8Array): void {
    if (this.#apply("receive-message") === undefined) return;
    this.#events.push(
      opcode === Opcode.TEXT ? { type: "text", data } : { type: "binary", data },
    );
  }

  #onControl(opcode: number, data: Uint8Array): void {
    if (opcode === Opcode.PING) {
      const transition = this.#apply("receive-ping");
      if (transition === undefined) return;
      this.#events.push({ type: "ping", data });
      if (transition.reply === "pong" && this.#autoPong) {
        const pong = this.#writer.control(Opcode.PONG, data);
        // Every Ping gets its Pong while the replies are taken; past 64 KiB
        // of waiting Pongs, only the latest Ping is answered (RFC 6455
        // section 5.5.3 allows it), so a ping flood cannot grow the output.
        const last = this.#output.length - 1;
        if (
          this.#pendingPongBytes > MAX_PENDING_PONG_BYTES && last >= 0 && isPong(this.#output[last])
        ) {
          this.#output[last] = pong;
        } else {
          this.#output.push(pong);
          this.#pendingPongBytes += pong.length;
        }
      }
    } else if (opcode === Opcode.PONG) {
      if (this.#apply("receive-pong") !== undefined) this.#events.push({ type: "pong", data });
    } else {
      this.#onClose(data);
    }
  }

  #onClose(data: Uint8Array): void {
    if (TRANSITIONS[this.#state]["receive-close"] === undefined) return;
    let code = 1005;
    let reason = "";
    if (data.length === 1) {
      throw new WebSocketError("ERR_INVALID_CLOSE_PAYLOAD", "a Close frame with a 1-byte payload", {
        closeCode: 1002,
      });
    }
    if (data.length >= 2) {
      code = (data[0] << 8) | data[1];
      if (!isValidCloseCode(code)) {
        throw new WebSocketError("ERR_CLOSE_CODE_NOT_ALLOWED", `close code ${code} on the wire`, {
          closeCode: 1002,
        });
      }
      const reasonBytes = data.subarray(2);
      if (!isValidUtf8(reasonBytes)) {
        throw new WebSocketError("ERR_INVALID_UTF8", "a close reason that is not valid UTF-8", {
          closeCode: 1007,
        });
      }
      reason = decoder.decode(reasonBytes);
    }
    const wasOpen = this.#state === "open";
    const transition = this.#apply("receive-close")!;
    if (transition.reply === "close-echo") {
      this.#output.push(
        this.#writer.control(Opcode.CLOSE, code === 1005 ? EMPTY : closePayload(code, EMPTY)),
      );
    }
    this.#closed({ code, reason, wasClean: true, initiator: wasOpen ? "remote" : "local" });
    throw STOP_READING;
  }

  #protocolError(thrown: unknown): void {
    const error = thrown instanceof WebSocketError && thrown.closeCode !== undefined
      ? thrown
      : new WebSocketError("ERR_INTERNAL", "internal error while reading", {
        closeCode: 1011,
        cause: thrown,
      });
    const transition = this.#apply("protocol-error");
    if (transition === undefined) return;
    const code = error.closeCode!;
    const reasonBytes = utf8Prefix(error.message, 123);
    if (transition.reply === "close-error") {
      this.#output.push(this.#writer.control(Opcode.CLOSE, closePayload(code, reasonBytes)));
    }
    this.#closed({
      code,
      reason: decoder.decode(reasonBytes),
      wasClean: false,
      initiator: "error",
      error,
    });
  }

  #closed(event: {
    code: number;
    reason: string;
    wasClean: boolean;
    initiator: CloseInitiator;
    error?: WebSocketError;
  }): void {
    const close: CloseEvent = { type: "close", ...event };
    this.#events.push(close);
    this.dispose();
  }
}
