/**
 * {@linkcode Connection}: one HTTP/1.1 connection, seen from one side
 * (`"server"` or `"client"`), with no I/O. Bytes in, events out
 * (`receive()`, `nextEvent()`); events in, bytes out (`sendHead()`,
 * `sendData()`, `sendEnd()`, `sendMessage()`). It tracks both sides' states
 * through the table of `state.ts`, keep-alive, pipelining, `Expect:
 * 100-continue`, the bodiless rules (HEAD, 1xx, 204, 304), CONNECT and
 * Upgrade.
 *
 * This module is browser compatible.
 *
 * @example A server answering two pipelined requests
 * ```ts
 * import { Connection } from "./connection.ts";
 *
 * const http = new Connection("server");
 * http.receive(new TextEncoder().encode(
 *   "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n",
 * ));
 * const answers: string[] = [];
 * for (let event = http.nextEvent(); event.type !== "need-data"; event = http.nextEvent()) {
 *   if (event.type === "request") answers.push(event.target);
 *   if (event.type === "paused") {
 *     const body = new TextEncoder().encode(answers.at(-1));
 *     http.sendMessage({ status: 200 }, body); // write these bytes to the socket
 *   }
 * }
 * console.assert(answers.join() === "/a,/b");
 * ```
 *
 * @module
 */

import { concat, EMPTY } from "./_bytes.ts";
import { OutgoingFields } from "./_outgoing.ts";
import { encodeChunk, LAST_CHUNK } from "./chunked.ts";
import { HttpError } from "./errors.ts";
import {
  CONNECTION_CLOSED,
  type NextEvent,
  PAUSED,
  type RequestHead,
  type ResponseHead,
} from "./events.ts";
import { MessageReader, type ReaderOptions } from "./readers.ts";
import { ConnectionState, type Role, type State, type Transition } from "./state.ts";
import {
  composeRequest,
  composeResponse,
  type HeaderInit,
  type RequestHeadInit,
  type ResponseHeadInit,
  writeLastChunk,
} from "./writers.ts";

/** Options of a {@linkcode Connection}: the limits of what it reads. */
export type ConnectionOptions = ReaderOptions;

// How our outgoing body is delimited.
const OUT_NONE = 0;
const OUT_LENGTH = 1;
const OUT_CHUNKED = 2;
const OUT_CLOSE = 3;

/** One scratch object: inspecting headers allocates nothing (sends are synchronous). */
const outgoing = new OutgoingFields();

/**
 * One HTTP/1.1 connection from one side, as a state machine.
 *
 * **Reading.** Call `receive(bytes)` with what the socket gave, then
 * `nextEvent()` until it returns `need-data` (read more) or `paused` (finish
 * your side first). Events: `request` / `response` heads (every 1xx response
 * is a head of its own, followed by `end`), `data`, `trailers`, `end`,
 * `closed`. At the end of the stream call `receiveEnd()`. A protocol
 * violation throws an {@linkcode HttpError} whose `status` is the answer a
 * server gives (400, 413, 414, 431, 501, 505); the connection is then unusable.
 *
 * **Buffers.** The connection borrows the array given to `receive()` until
 * `nextEvent()` returns `need-data`: a server may read every request into one
 * reused buffer, as long as it does not read again before that. (Calling
 * `receive()` earlier is allowed: the connection then copies the unconsumed
 * bytes first.) Only a cut head, chunk line or trailer section is copied
 * across calls. Body `data` events are views into the received bytes, valid
 * until the next `receive()`: copy what you keep longer.
 *
 * **Headers** are `[name, value]` pairs in wire order (names as received,
 * values trimmed of optional whitespace). Build objects from them lazily.
 *
 * **Pipelining.** A server gets `paused` once a request is complete and its
 * response is not: send the response (the next request's bytes stay queued),
 * then call `nextEvent()` again.
 *
 * **Writing.** `sendMessage(head, body)` returns a whole message (head and
 * body) in one array: one socket write. For a streamed body: `sendHead()`,
 * then `sendData()` per piece, then `sendEnd()`. The connection adds the
 * framing fields: `Content-Length` for a known body, `Transfer-Encoding:
 * chunked` for a streamed HTTP/1.1 response (an HTTP/1.0 peer gets a body
 * delimited by close), `Connection: close` when the connection will close,
 * `Connection: keep-alive` for an HTTP/1.0 peer that asked to keep it.
 * Header names or values that could inject a line are refused.
 *
 * **Keep-alive.** After each exchange both states return to `IDLE` by
 * themselves. `ourState === "MUST_CLOSE"` (or `keepAlive === false` after the
 * response) means: close the socket after writing what was returned.
 *
 * **Switching protocols.** A request that proposes CONNECT or Upgrade pauses
 * the server until it answers: a 101 (upgrade) or a 2xx (CONNECT) switches
 * both states to `SWITCHED_PROTOCOL` and `takeTrailingData()` returns the
 * bytes received after the request; any other answer declines and HTTP goes
 * on. A client sees the switch in the response (`upgrade: true`).
 *
 * **Expect: 100-continue.** `clientIsWaitingFor100Continue` tells a server
 * that the client waits: send `sendHead({ status: 100 })` to get the body, or
 * answer at once with a final response.
 *
 * @example A client: send a request, read the response
 * ```ts
 * import { Connection } from "./connection.ts";
 *
 * const http = new Connection("client");
 * const wire = http.sendMessage({ method: "GET", target: "/", headers: [["Host", "example.com"]] });
 * console.log(new TextDecoder().decode(wire)); // write it to the socket
 * http.receive(new TextEncoder().encode("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"));
 * const head = http.nextEvent();
 * const data = http.nextEvent();
 * const end = http.nextEvent();
 * console.assert(head.type === "response" && data.type === "data" && end.type === "end");
 * console.assert(http.ourState === "IDLE");
 * ```
 */
export class Connection {
  /** Which side this connection is. */
  readonly role: Role;
  private readonly peer: Role;
  private readonly reader: MessageReader;
  private readonly state = new ConnectionState();
  private error: HttpError | null = null;

  /** The method of the current request (either direction). */
  private method: string | null = null;
  /** Server: the current request's minor version. */
  private peerMinor = 1;
  /** Server: an HTTP/1.0 request asked for keep-alive. */
  private peerAskedKeepAlive = false;
  private waiting100 = false;
  /** The peer's current message is a 1xx (its `end` moves no state). */
  private informational = false;

  private out = OUT_NONE;
  private outRemaining = 0;

  /**
   * Creates a connection.
   *
   * @param role `"server"` (reads requests, writes responses) or `"client"`
   * @param options limits of what the connection reads
   */
  constructor(role: Role, options: ConnectionOptions = {}) {
    if (role !== "server" && role !== "client") {
      throw new HttpError("INVALID_ARGUMENT", `role must be "server" or "client"`);
    }
    this.role = role;
    this.peer = role === "server" ? "client" : "server";
    this.reader = new MessageReader(role === "server" ? "request" : "response", options);
  }

  /** Our side's state. */
  get ourState(): State {
    return this.role === "client" ? this.state.client : this.state.server;
  }

  /** The peer's state. */
  get theirState(): State {
    return this.role === "client" ? this.state.server : this.state.client;
  }

  /** False once either side said the connection closes after the current exchange. */
  get keepAlive(): boolean {
    return this.state.keepAlive;
  }

  /** The client sent `Expect: 100-continue` and no response has started yet. */
  get clientIsWaitingFor100Continue(): boolean {
    return this.waiting100;
  }

  /** Bytes received and not consumed yet (a cut head, pipelined requests). */
  get bufferedBytes(): number {
    return this.reader.buffered;
  }

  // ---------------------------------------------------------------- reading

  /**
   * Hands the connection the next bytes from the socket. They are borrowed
   * until `nextEvent()` returns `need-data`.
   *
   * @param bytes what the socket read
   */
  receive(bytes: Uint8Array): void {
    this.reader.receive(bytes);
  }

  /** Tells the connection that the peer closed its sending side. */
  receiveEnd(): void {
    this.reader.receiveEnd();
  }

  /**
   * The next event from the peer, or `need-data`, or `paused`.
   *
   * @returns an event or a signal
   * @throws {HttpError} when the peer broke HTTP/1.1 (then on every call)
   */
  nextEvent(): NextEvent {
    if (this.error !== null) throw this.error;
    const their = this.theirState;
    switch (their) {
      case "SWITCHED_PROTOCOL":
        if (this.informational) {
          // the end of the 101 (or 2xx to CONNECT) head that switched
          this.informational = false;
          return this.reader.next();
        }
        return PAUSED;
      case "DONE":
      case "MIGHT_SWITCH_PROTOCOL":
        return PAUSED;
      case "MUST_CLOSE":
        // nothing more is parsed on a connection that closes: only its end is news
        this.reader.stopForGood();
        return this.reader.next().type === "closed" ? this.peerClosed() : PAUSED;
      case "CLOSED":
        return CONNECTION_CLOSED;
      default:
        break;
    }
    let event;
    try {
      event = this.reader.next();
      switch (event.type) {
        case "request":
          this.onRequest(event);
          break;
        case "response":
          this.onResponse(event);
          break;
        case "data":
          this.state.process(this.peer, "data");
          if (this.role === "server") this.waiting100 = false;
          break;
        case "end":
          if (this.informational) this.informational = false;
          else {
            this.state.process(this.peer, "end");
            this.afterPeerEnd();
          }
          break;
        case "closed":
          return this.peerClosed();
        default:
          break;
      }
    } catch (error) {
      this.state.fail(this.peer);
      this.error = error instanceof HttpError
        ? error
        : new HttpError("INTERNAL_ERROR", String(error), { cause: error });
      throw this.error;
    }
    return event;
  }

  /** The peer closed its side: a closed event, or an error when a response was owed. */
  private peerClosed(): NextEvent {
    if (this.role === "client" && this.state.server === "SEND_RESPONSE") {
      // the server closed with our request unanswered (a keep-alive race, or a crash)
      const error = new HttpError(
        "NO_RESPONSE",
        "the server closed the connection without a response",
      );
      this.state.fail("server");
      this.error = error;
      throw error;
    }
    if (this.theirState !== "CLOSED") this.state.process(this.peer, "closed");
    return CONNECTION_CLOSED;
  }

  /** Moves the states for a request head read from the client. */
  private onRequest(event: RequestHead): void {
    this.state.process("client", "request");
    this.method = event.method;
    this.peerMinor = event.version === "1.0" ? 0 : 1;
    this.peerAskedKeepAlive = event.version === "1.0" && event.keepAlive;
    this.waiting100 = event.expectContinue;
    if (!event.keepAlive) this.state.disableKeepAlive();
    if (event.upgrade) this.state.proposeSwitch(event.method === "CONNECT" ? "connect" : "upgrade");
  }

  /** Moves the states for a response head read from the server. */
  private onResponse(event: ResponseHead): void {
    const status = event.status;
    this.waiting100 = false;
    let transition: Transition;
    if (status < 200) {
      this.informational = true; // its end moves no state
      transition = status === 101 ? "accept-upgrade" : "informational";
    } else if (event.upgrade) {
      this.informational = true; // the tunnel opens with the head
      transition = "accept-connect";
    } else {
      transition = "response";
    }
    if (
      (transition === "accept-upgrade" || transition === "accept-connect") &&
      this.state.proposal === null
    ) {
      throw new HttpError(
        "UNEXPECTED_RESPONSE",
        `a ${status} answers a request that did not ask to switch protocols`,
      );
    }
    if (transition === "accept-upgrade" && this.state.proposal !== "upgrade") {
      throw new HttpError(
        "UNEXPECTED_RESPONSE",
        "a 101 answers a request that did not ask to upgrade",
      );
    }
    this.state.process("server", transition);
    if (status >= 200 && !event.keepAlive) this.state.disableKeepAlive();
  }

  /** The peer finished a message: stop reading if nothing more will be read. */
  private afterPeerEnd(): void {
    if (this.theirState === "MUST_CLOSE") this.reader.stopForGood();
    this.afterExchange();
  }

  /** When both sides are back to IDLE, the next exchange starts. */
  private afterExchange(): void {
    if (this.state.client === "IDLE" && this.state.server === "IDLE") {
      this.method = null;
      this.reader.requestMethod = null;
      this.out = OUT_NONE;
      this.reader.resume(); // after a declined CONNECT, HTTP goes on
    }
  }

  /**
   * After a protocol switch (or at any time): the bytes received and not
   * parsed, copied out of the connection. For an accepted upgrade or CONNECT
   * these are the first bytes of the new protocol.
   *
   * @returns a new array with the unparsed bytes
   */
  takeTrailingData(): Uint8Array {
    const parts = this.reader.takeRest();
    return parts.length === 1 ? parts[0].slice() : concat(parts);
  }

  // ---------------------------------------------------------------- writing

  /**
   * Serializes the head of our next message: a request (client) or a
   * response (server; a 1xx is a whole message by itself). The framing
   * fields are added as needed; continue with `sendData()` and `sendEnd()`.
   *
   * @param head the request or response head
   * @returns the bytes to write
   * @throws {HttpError} when the state does not allow it, or a field is invalid
   */
  sendHead(head: RequestHeadInit | ResponseHeadInit): Uint8Array {
    return this.role === "client"
      ? this.sendRequestHead(head as RequestHeadInit, null)
      : this.sendResponseHead(head as ResponseHeadInit, null);
  }

  /**
   * Serializes a whole message, head and body, in one array (one socket
   * write). A response to HEAD gets the body's `Content-Length` but not the
   * body; a 204 or 304 must have no body.
   *
   * @param head the request or response head (a final response, not 1xx)
   * @param body the whole body (default: none)
   * @returns the bytes to write
   * @throws {HttpError} when the state does not allow it, or a field is invalid
   */
  sendMessage(head: RequestHeadInit | ResponseHeadInit, body?: Uint8Array): Uint8Array {
    const bytes = this.role === "client"
      ? this.sendRequestHead(head as RequestHeadInit, body ?? EMPTY)
      : this.sendResponseHead(head as ResponseHeadInit, body ?? EMPTY);
    if (this.ourState === "SEND_BODY") this.finishOurs();
    return bytes;
  }

  /**
   * Serializes a piece of our body (framed as a chunk when the body is chunked).
   *
   * @param data the piece
   * @returns the bytes to write (`data` itself when no framing is needed)
   * @throws {HttpError} past the Content-Length, or when no body may be sent
   */
  sendData(data: Uint8Array): Uint8Array {
    this.expectOurs("SEND_BODY", "body data");
    if (data.length === 0) return EMPTY;
    switch (this.out) {
      case OUT_LENGTH:
        if (data.length > this.outRemaining) {
          throw new HttpError(
            "BODY_LENGTH_MISMATCH",
            `${data.length} bytes exceed the ${this.outRemaining} left of the Content-Length`,
          );
        }
        this.outRemaining -= data.length;
        this.state.process(this.role, "data");
        return data;
      case OUT_CHUNKED:
        this.state.process(this.role, "data");
        return encodeChunk(data);
      case OUT_CLOSE:
        this.state.process(this.role, "data");
        return data;
      default:
        throw new HttpError(
          "INVALID_STATE",
          "this message has no body (HEAD, 1xx, 204, 304, CONNECT)",
        );
    }
  }

  /**
   * Serializes the end of our message: the last chunk and trailers when
   * chunked, nothing otherwise.
   *
   * @param trailers trailer fields (chunked bodies only)
   * @returns the bytes to write (may be empty)
   * @throws {HttpError} when the body is shorter than its Content-Length
   */
  sendEnd(trailers?: HeaderInit): Uint8Array {
    this.expectOurs("SEND_BODY", "the end of a message");
    if (trailers !== undefined && trailers.length > 0 && this.out !== OUT_CHUNKED) {
      throw new HttpError("INVALID_STATE", "trailers need a chunked body");
    }
    const bytes = this.out === OUT_CHUNKED ? writeLastChunk(trailers) : EMPTY;
    this.finishOurs();
    return bytes;
  }

  /** Our side closes the connection (we will close the socket). */
  sendClose(): void {
    if (this.ourState !== "CLOSED") this.state.process(this.role, "closed");
  }

  /** Our message is complete: checks its length and moves our state. */
  private finishOurs(): void {
    if (this.out === OUT_LENGTH && this.outRemaining !== 0) {
      throw new HttpError(
        "BODY_LENGTH_MISMATCH",
        `the body ended ${this.outRemaining} bytes short of its Content-Length`,
      );
    }
    this.state.process(this.role, "end");
    this.afterExchange();
  }

  /** Throws unless our side is in `state`. */
  private expectOurs(state: State, what: string): void {
    if (this.ourState !== state) {
      throw new HttpError("INVALID_STATE", `cannot send ${what} in state ${this.ourState}`);
    }
  }

  /** Writes a request head (and the whole body, when given), deciding its framing. */
  private sendRequestHead(head: RequestHeadInit, body: Uint8Array | null): Uint8Array {
    this.expectOurs("IDLE", "a request");
    if (head === null || typeof head !== "object" || typeof head.method !== "string") {
      throw new HttpError("INVALID_ARGUMENT", "a request head needs a method and a target");
    }
    const facts = outgoing.inspect(head.headers ?? EMPTY_FIELDS);
    const modern = head.version !== "1.0";
    if (modern && facts.hosts !== 1) {
      throw new HttpError("INVALID_HOST", "an HTTP/1.1 request needs exactly one Host field");
    }
    if (facts.chunked && !modern) {
      throw new HttpError("INVALID_ARGUMENT", "HTTP/1.0 has no chunked transfer coding");
    }
    let out = OUT_NONE;
    let remaining = 0;
    let contentLength = -1;
    if (facts.chunked) out = OUT_CHUNKED;
    else if (facts.contentLength >= 0) {
      out = OUT_LENGTH;
      remaining = facts.contentLength;
    } else if (body !== null && (body.length > 0 || bodyExpected(head.method))) {
      out = OUT_LENGTH;
      remaining = contentLength = body.length;
    }
    checkWholeBody(body, out, remaining);
    const bytes = out === OUT_CHUNKED && body !== null
      ? concat([composeRequest(head, -1, false, undefined, null), encodeChunk(body), LAST_CHUNK])
      : composeRequest(head, contentLength, false, undefined, out === OUT_LENGTH ? body : null);

    const method = head.method;
    this.state.process("client", "request");
    this.out = out;
    this.outRemaining = body === null ? remaining : 0;
    this.method = method;
    this.reader.requestMethod = method;
    this.waiting100 = facts.expectContinue && modern && body === null;
    if (facts.close || (!modern && !facts.keepAlive)) this.state.disableKeepAlive();
    if (method === "CONNECT") this.state.proposeSwitch("connect");
    else if (modern && facts.upgrade && facts.upgradeOption) this.state.proposeSwitch("upgrade");
    if (body !== null && body.length > 0) this.state.process("client", "data");
    return bytes;
  }

  /** Writes a response head (and the whole body, when given), deciding its framing. */
  private sendResponseHead(head: ResponseHeadInit, body: Uint8Array | null): Uint8Array {
    const ours = this.state.server;
    if (ours !== "SEND_RESPONSE" && ours !== "IDLE") {
      throw new HttpError("INVALID_STATE", `cannot send a response in state ${ours}`);
    }
    if (head === null || typeof head !== "object") {
      throw new HttpError("INVALID_ARGUMENT", "a response head needs a status");
    }
    const status = head.status;
    const facts = outgoing.inspect(head.headers ?? EMPTY_FIELDS);
    if (status >= 100 && status < 200) {
      if (body !== null) throw new HttpError("INVALID_ARGUMENT", "a 1xx response has no body");
      if (ours === "IDLE") throw new HttpError("INVALID_STATE", "a 1xx response answers a request");
      const transition = status === 101 ? "accept-upgrade" : "informational";
      if (status === 101 && this.state.proposal !== "upgrade") {
        throw new HttpError("INVALID_STATE", "a 101 answers only a request to upgrade");
      }
      const bytes = composeResponse(head, -1, false, undefined, null);
      this.waiting100 = false;
      this.state.process("server", transition);
      return bytes;
    }
    const method = this.method;
    const tunnel = this.state.proposal === "connect" && status >= 200 && status < 300;
    const bodiless = tunnel || status === 204 || status === 304 || method === "HEAD";
    // an answer before any request, or to a broken one, ends the connection
    let closing = facts.close || !this.state.keepAlive || ours === "IDLE" ||
      this.state.client === "ERROR";

    let out = OUT_NONE;
    let remaining = 0;
    let contentLength = -1;
    let chunked = false;
    if (bodiless) {
      if (body !== null && body.length > 0 && method !== "HEAD") {
        throw new HttpError("INVALID_ARGUMENT", `a ${status} response has no body`);
      }
      if (method === "HEAD" && body !== null && facts.contentLength < 0 && !facts.chunked) {
        contentLength = body.length; // what a GET would have sent
      }
    } else if (facts.chunked) {
      if (this.peerMinor === 0) {
        throw new HttpError("INVALID_ARGUMENT", "an HTTP/1.0 client cannot read a chunked body");
      }
      out = OUT_CHUNKED;
    } else if (facts.contentLength >= 0) {
      out = OUT_LENGTH;
      remaining = facts.contentLength;
    } else if (body !== null) {
      out = OUT_LENGTH;
      remaining = contentLength = body.length;
    } else if (this.peerMinor >= 1) {
      out = OUT_CHUNKED;
      chunked = true;
    } else {
      out = OUT_CLOSE;
      closing = true;
    }
    if (!bodiless) checkWholeBody(body, out, remaining);
    const connection = closing && !facts.close
      ? "close"
      : !closing && this.peerAskedKeepAlive && !facts.keepAlive
      ? "keep-alive"
      : undefined;
    let bytes: Uint8Array;
    if (out === OUT_CHUNKED && body !== null) {
      const headBytes = composeResponse(head, -1, chunked, connection, null);
      bytes = concat([headBytes, encodeChunk(body), LAST_CHUNK]);
    } else {
      bytes = composeResponse(head, contentLength, chunked, connection, bodiless ? null : body);
    }

    if (closing) this.state.disableKeepAlive();
    this.state.process("server", tunnel ? "accept-connect" : "response");
    this.waiting100 = false;
    this.out = out;
    this.outRemaining = body === null ? remaining : 0;
    if (body !== null && body.length > 0 && !bodiless) this.state.process("server", "data");
    return bytes;
  }
}

const EMPTY_FIELDS: HeaderInit = [];

/** Methods whose requests normally carry content: an empty body still gets `Content-Length: 0`. */
function bodyExpected(method: string): boolean {
  return method === "POST" || method === "PUT" || method === "PATCH";
}

function checkWholeBody(body: Uint8Array | null, out: number, remaining: number): void {
  if (body === null) return;
  if (!(body instanceof Uint8Array)) {
    throw new HttpError("INVALID_ARGUMENT", "a body must be a Uint8Array");
  }
  if (out === OUT_LENGTH && body.length !== remaining) {
    throw new HttpError(
      "BODY_LENGTH_MISMATCH",
      `the body has ${body.length} bytes, the Content-Length says ${remaining}`,
    );
  }
  if (out === OUT_NONE && body.length > 0) {
    throw new HttpError("INVALID_ARGUMENT", "a body needs Content-Length or Transfer-Encoding");
  }
}
