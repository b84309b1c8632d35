// One accepted connection of an HTTP server: it feeds the bytes it reads to
// the sans-I/O core (`protocols/http1`), turns requests into exchanges for the
// server's face, writes responses, and enforces the timeouts and limits.
//
// Reading: the connection is attached in handler mode. Chunks are borrowed on
// Deno (the adapter reads every chunk into the same memory) and owned on Node
// (each chunk is fresh memory anyway); what the core keeps past `onData` is
// copied first (`receive(EMPTY)`), body pieces handed to a reader are copied
// when borrowed. Reading pauses while a reader does not keep up (request body
// back-pressure) and while more than PIPELINE_LIMIT bytes of pipelined requests
// wait; otherwise it goes on while a handler works, so that a client that goes
// away is noticed (the request's signal aborts).
//
// Timers: no timer per connection. The server's ticker checks each
// connection's deadline (headers, request, keep-alive, linger) and its idle
// time against a clock it refreshes on every tick.

import { type Conn, type ConnHandler, NetError } from "../adapters/mod.ts";
import {
  checkHost,
  Connection,
  type HeaderList,
  HttpError,
  type NextEvent,
  type RequestHead,
} from "../protocols/http1/mod.ts";
import { dateField } from "./_date.ts";
import { Exchange } from "./_exchange.ts";
import { HandoverConn } from "./_handover_conn.ts";
import {
  HAS_CLOSE,
  HAS_DATE,
  HAS_KEEP_ALIVE,
  HAS_LENGTH,
  HAS_TRANSFER_ENCODING,
  inspectFields,
} from "./_header_pairs.ts";
import type { ServerCore } from "./_server_core.ts";
import { ServerSocket } from "./server_socket.ts";
import type { Takeover } from "./takeover.ts";

/** Bytes of pipelined requests kept while a response is pending, before reading pauses. */
const PIPELINE_LIMIT = 65536;
/** Whole responses with bodies larger than this go out as head and body, without a copy. */
const COPY_LIMIT = 16384;

const EMPTY = new Uint8Array(0);

// Phases.
const WAIT_HEAD = 0;
const IN_REQUEST = 1;
const LINGER = 2;
const TAKEN = 3;
const CLOSED = 4;

// What the deadline is for.
const NO_DEADLINE = 0;
const HEADERS_DEADLINE = 1;
const KEEP_ALIVE_DEADLINE = 2;
const REQUEST_DEADLINE = 3;
const LINGER_DEADLINE = 4;

// Why reading is paused (bits).
const PAUSE_BODY = 1;
const PAUSE_PIPELINE = 2;
const PAUSE_TAKEN = 4;

const CLOSE_FIELD: [string, string] = ["Connection", "close"];

function lowerEquals(text: string, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    if ((text.charCodeAt(i) | 0x20) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** Whether an Expect value holds only `100-continue` members. */
function onlyContinue(value: string): boolean {
  if (value.length === 12) return lowerEquals(value, "100-continue");
  for (const member of value.split(",")) {
    const token = member.trim();
    if (token !== "" && (token.length !== 12 || !lowerEquals(token, "100-continue"))) return false;
  }
  return true;
}

/** A Host value made of letters, digits, dots and dashes, with an optional port: surely valid. */
function plainHost(value: string): boolean {
  const length = value.length;
  if (length === 0) return false;
  let i = 0;
  for (; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x3a) break;
    if (
      !((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) ||
        c === 0x2e || c === 0x2d)
    ) return false;
  }
  if (i === 0) return false;
  if (i === length) return true;
  const digits = length - i - 1;
  if (digits < 1 || digits > 5) return false;
  for (i++; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** The error a request's signal aborts with when its client goes away. */
function clientGone(what: string): HttpError {
  return new HttpError("INCOMPLETE_MESSAGE", what);
}

/** An accepted connection, driven by the server (see the file comment). */
export class ServerConnection implements ConnHandler {
  readonly core: ServerCore;
  readonly conn: Conn;
  readonly http: Connection;
  /** The exchange in progress (requests are answered one after the other). */
  exchange: Exchange | null = null;
  /** Responses completed on this connection. */
  requests = 0;
  /** This connection's own idle timeout (`socket.setTimeout`), instead of the server's. */
  idleTimeout: number | undefined = undefined;
  phase = WAIT_HEAD;
  deadline = 0;
  deadlineKind = HEADERS_DEADLINE;
  lastActive: number;

  readonly #borrowed: boolean;
  #requestDeadline = 0;
  #headStarted = false;
  #pause = 0;
  #processing = false;
  #peerEnded = false;
  #ended = false;
  #closeAfterResponse = false;
  #writeBlocked = false;
  /** The response being sent has no body (HEAD, 204, 304, a tunnel). */
  #bodiless = false;
  #chunk: Uint8Array = EMPTY;
  #handover: HandoverConn | null = null;
  #socket: ServerSocket | null = null;

  constructor(core: ServerCore, conn: Conn, borrowed: boolean) {
    this.core = core;
    this.conn = conn;
    this.#borrowed = borrowed;
    this.http = new Connection("server", core.limits.reader);
    const now = core.clock;
    this.lastActive = now;
    // The first request's head must be complete within headersTimeout of the accept.
    this.#armHeaders(now);
  }

  /** The connection as the faces show it (made on first use). */
  get socket(): ServerSocket {
    return this.#socket ??= new ServerSocket(this);
  }

  /** Whether the connection waits for a request and has received none of it. */
  get idle(): boolean {
    return (this.phase === WAIT_HEAD && !this.#headStarted) ||
      (this.phase === LINGER && this.#ended);
  }

  /** Whether the connection was handed over (101, CONNECT), even if closed since. */
  get takenOver(): boolean {
    return this.#handover !== null;
  }

  // ---- timers -------------------------------------------------------------------------

  #armHeaders(start: number): void {
    const limits = this.core.limits;
    this.#requestDeadline = limits.requestTimeout > 0 ? start + limits.requestTimeout : 0;
    const headers = limits.headersTimeout > 0 ? start + limits.headersTimeout : 0;
    this.deadline =
      headers !== 0 && (this.#requestDeadline === 0 || headers < this.#requestDeadline)
        ? headers
        : this.#requestDeadline;
    this.deadlineKind = HEADERS_DEADLINE;
  }

  /** The server's ticker: fires the deadline or the idle timeout when due. */
  tick(now: number): void {
    try {
      this.#tick(now);
    } catch (error) {
      this.#unexpected(error);
    }
  }

  #tick(now: number): void {
    if (this.deadline !== 0 && now >= this.deadline) {
      this.#onDeadline();
      return;
    }
    const idle = this.idleTimeout ?? this.core.limits.idleTimeout;
    if (idle > 0 && this.phase === IN_REQUEST && now - this.lastActive >= idle) {
      if (this.core.face.timeout?.(this) === true || (this.#socket?.timedOut() ?? false)) {
        this.lastActive = now; // a `timeout` listener decides
        return;
      }
      const exchange = this.exchange;
      const error = new HttpError("INCOMPLETE_MESSAGE", `no activity for ${idle} ms`);
      if (exchange !== null && !exchange.requestComplete && !exchange.responseStarted) {
        exchange.failBody(error);
        this.#answerError(408); // a stalled request body
      } else this.destroy(error);
    }
  }

  #onDeadline(): void {
    switch (this.deadlineKind) {
      case HEADERS_DEADLINE:
        // Part of a head arrived: 408. Nothing of a request yet: just close.
        if (this.#headStarted) this.#answerError(408);
        else this.destroy();
        return;
      case KEEP_ALIVE_DEADLINE:
        this.destroy();
        return;
      case REQUEST_DEADLINE: {
        const exchange = this.exchange;
        const error = new HttpError(
          "INCOMPLETE_MESSAGE",
          `the request was not received within ${this.core.limits.requestTimeout} ms`,
        );
        if (exchange !== null && !exchange.responseStarted) {
          exchange.failBody(error);
          this.#answerError(408);
        } else this.destroy(error);
        return;
      }
      default:
        this.destroy();
    }
  }

  // ---- reading --------------------------------------------------------------------------

  onData(chunk: Uint8Array): void {
    try {
      this.#onData(chunk);
    } catch (error) {
      this.#unexpected(error);
    }
    this.#release();
  }

  /**
   * Something threw where nothing should (a listener of the request body's
   * events, say): report it, answer 500 if nothing was sent yet, else close.
   * Never lets it reach the runtime's event loop, where it would end the process.
   */
  #unexpected(error: unknown): void {
    this.#processing = false;
    const exchange = this.exchange;
    if (exchange !== null && this.phase === IN_REQUEST) {
      this.handlerFailed(exchange, error);
      if (!exchange.responseDone) this.destroy(error instanceof Error ? error : undefined);
    } else {
      this.core.face.handlerError?.(error);
      this.destroy(error instanceof Error ? error : undefined);
    }
    if (this.phase < LINGER) {
      try {
        this.#process(); // the events after the one whose listener threw
      } catch (again) {
        this.core.face.handlerError?.(again);
        this.destroy(again instanceof Error ? again : undefined);
      }
    }
  }

  #onData(chunk: Uint8Array): void {
    this.lastActive = this.core.clock;
    if (this.phase >= LINGER) {
      if (this.phase === TAKEN) this.#handover?.deliverData(chunk);
      return;
    }
    if (this.phase === WAIT_HEAD && !this.#headStarted) {
      this.#headStarted = true;
      if (this.requests > 0) this.#armHeaders(this.core.clock);
    }
    this.#chunk = chunk;
    try {
      this.http.receive(chunk);
    } catch (error) {
      this.#protocolError(error);
      return;
    }
    this.#process();
  }

  /** What the core still holds of a borrowed chunk is copied before the adapter reuses it. */
  #release(): void {
    this.#chunk = EMPTY;
    if (
      this.#borrowed && this.phase < LINGER && !this.#peerEnded && this.http.bufferedBytes > 0
    ) {
      try {
        this.http.receive(EMPTY);
      } catch (error) {
        this.#protocolError(error);
      }
    }
  }

  onEnd(): void {
    try {
      this.#onEnd();
    } catch (error) {
      this.#unexpected(error);
    }
  }

  #onEnd(): void {
    if (this.phase === TAKEN) {
      this.#handover?.deliverEnd();
      return;
    }
    this.#peerEnded = true;
    if (this.phase === LINGER) {
      if (this.#ended) this.destroy();
      return;
    }
    if (this.phase === CLOSED) return;
    const exchange = this.exchange;
    if (exchange !== null && exchange.requestComplete && !exchange.responseDone) {
      exchange.peerEnded(clientGone("the client closed its side of the connection"));
    }
    this.http.receiveEnd();
    this.#process();
  }

  onDrain(): void {
    this.lastActive = this.core.clock;
    if (this.phase === TAKEN) {
      this.#handover?.deliverDrain();
      return;
    }
    this.#writeBlocked = false;
    try {
      this.exchange?.drained();
    } catch (error) {
      this.#unexpected(error);
    }
  }

  onError(error: NetError): void {
    if (this.phase === TAKEN) {
      this.#handover?.deliverError(error);
      return;
    }
    this.destroy(error);
  }

  /** Pulls events from the core until it needs bytes, waits for a response, or must stop. */
  #process(): void {
    if (this.#processing) return;
    this.#processing = true;
    try {
      while (this.phase < LINGER) {
        let event: NextEvent;
        try {
          event = this.http.nextEvent();
        } catch (error) {
          this.#protocolError(error);
          return;
        }
        switch (event.type) {
          case "request":
            this.#onRequest(event);
            break;
          case "data": {
            const exchange = this.exchange as Exchange;
            let data = event.data;
            if (exchange.discarding) break;
            if (this.#borrowed || data.buffer !== this.#chunk.buffer) data = data.slice();
            if (!exchange.pushBody(data)) {
              this.#setPause(PAUSE_BODY, true);
              return;
            }
            break;
          }
          case "trailers":
            (this.exchange as Exchange).trailers = event.trailers;
            break;
          case "end":
            this.#onRequestEnd();
            break;
          case "paused": {
            const exchange = this.exchange;
            if (exchange !== null && exchange.request === RAW_TAKEOVER) {
              this.core.face.rawTakeover?.(exchange);
              return;
            }
            if (this.http.bufferedBytes > PIPELINE_LIMIT) this.#setPause(PAUSE_PIPELINE, true);
            return;
          }
          case "need-data":
            this.#setPause(PAUSE_BODY, false);
            return;
          case "closed":
            this.#closeGracefully();
            return;
        }
      }
    } finally {
      this.#processing = false;
    }
  }

  #onRequest(head: RequestHead): void {
    this.#headStarted = false;
    const exchange = new Exchange(this, head);
    this.exchange = exchange;
    this.phase = IN_REQUEST;
    this.deadline = this.#requestDeadline;
    this.deadlineKind = REQUEST_DEADLINE;
    const status = this.#check(head);
    if (status !== 0) {
      exchange.discardBody();
      this.#answerError(status);
      return;
    }
    const face = this.core.face;
    if (head.upgrade && face.wantsRawTakeover?.(exchange) === true) {
      exchange.request = RAW_TAKEOVER; // handed over once the core pauses
      return;
    }
    try {
      face.request(exchange);
    } catch (error) {
      this.handlerFailed(exchange, error);
    }
  }

  /** The status a request that the core accepted must still be refused with, or 0. */
  #check(head: RequestHead): number {
    const method = head.method;
    if (method !== "GET" && method !== "POST" && !this.core.limits.methods.has(method)) return 501;
    const headers = head.headers;
    let hosts = 0;
    let host = "";
    let otherExpectation = false;
    for (let i = 0; i < headers.length; i++) {
      const name = headers[i][0];
      const length = name.length;
      if (length === 4) {
        if ((name.charCodeAt(0) | 0x20) === 0x68 && lowerEquals(name, "host")) {
          hosts++;
          host = headers[i][1];
        }
      } else if (
        length === 6 && (name.charCodeAt(0) | 0x20) === 0x65 && lowerEquals(name, "expect")
      ) {
        if (!onlyContinue(headers[i][1])) otherExpectation = true;
      }
    }
    // RFC 9112 3.2: one valid Host (the common case is checked here, the rest by the core's rules).
    if (hosts !== 1 || !plainHost(host)) {
      if (checkHost(head) !== null) return 400;
    }
    // RFC 9110 10.1.1: only 100-continue is known; an HTTP/1.0 client's expectations are ignored.
    if (otherExpectation && head.version !== "1.0") {
      if (this.core.face.unknownExpectation?.(this.exchange as Exchange) !== true) return 417;
    }
    return 0;
  }

  #onRequestEnd(): void {
    const exchange = this.exchange as Exchange;
    exchange.endBody();
    if (this.deadlineKind === REQUEST_DEADLINE) {
      this.deadline = 0;
      this.deadlineKind = NO_DEADLINE;
    }
    if (exchange.responseDone && this.phase === IN_REQUEST) this.#nextRequest();
  }

  /** The exchange's reader caught up: read again. */
  bodyConsumed(_exchange: Exchange): void {
    if ((this.#pause & PAUSE_BODY) === 0) return;
    this.#pause &= ~PAUSE_BODY;
    if (!this.#processing) this.#process();
    if (this.phase < LINGER) this.#applyPause();
  }

  #setPause(bit: number, on: boolean): void {
    const before = this.#pause;
    this.#pause = on ? before | bit : before & ~bit;
    if ((before === 0) !== (this.#pause === 0)) this.#applyPause();
  }

  #reading = true;

  #applyPause(): void {
    const read = this.#pause === 0;
    if (read === this.#reading) return;
    this.#reading = read;
    if (read) this.conn.resume();
    else this.conn.pause();
  }

  // ---- errors ---------------------------------------------------------------------------

  #protocolError(error: unknown): void {
    const httpError = error instanceof HttpError
      ? error
      : new HttpError("INTERNAL_ERROR", String(error), { cause: error });
    const exchange = this.exchange;
    if (exchange !== null) exchange.failBody(httpError);
    if (this.#peerEnded && httpError.code === "INCOMPLETE_MESSAGE") {
      // The client closed in the middle of a message: nobody to answer.
      this.destroy(httpError);
      return;
    }
    if (this.core.face.clientError?.(httpError, this) === true) {
      // The face's listener answers and closes; HTTP is over on this connection.
      this.phase = LINGER;
      this.exchange = null;
      this.deadline = this.core.clock + this.core.limits.lingerTimeout;
      this.deadlineKind = LINGER_DEADLINE;
      return;
    }
    if (exchange !== null && exchange.responseStarted) {
      this.destroy(httpError);
      return;
    }
    this.#answerError(httpError.status >= 400 ? httpError.status : 400);
  }

  /** Answers `status` with an empty body and closes (after lingering). */
  #answerError(status: number): void {
    const exchange = this.exchange;
    let bytes: Uint8Array;
    try {
      bytes = this.http.sendMessage(
        { status, headers: [dateField(), CLOSE_FIELD] },
        EMPTY,
      );
    } catch {
      this.destroy();
      return;
    }
    this.conn.send(bytes);
    if (exchange !== null) exchange.abort(clientGone(`answered ${status}`));
    this.#lingerClose();
  }

  /** A handler threw or its promise rejected: 500 when nothing was sent yet, else close. */
  handlerFailed(exchange: Exchange, error: unknown): void {
    this.core.face.handlerError?.(error);
    if (exchange.responseDone || this.phase >= LINGER) return;
    if (exchange.responseStarted) {
      exchange.abortResponse(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    try {
      exchange.respond(
        500,
        undefined,
        [["Content-Type", "text/plain;charset=UTF-8"]],
        INTERNAL_ERROR_BODY,
      );
    } catch {
      this.destroy();
    }
  }

  // ---- writing ------------------------------------------------------------------------

  /**
   * The fields the server adds to a response head: Date, and either
   * `Connection: close` or `Keep-Alive: timeout=N` (an HTTP/1.0 client that asked to keep
   * the connection also gets `Connection: keep-alive`, from the core).
   */
  #completeFields(
    exchange: Exchange,
    status: number,
    fields: HeaderList,
    lengthKnown: boolean,
  ): void {
    const found = inspectFields(fields);
    if ((found & HAS_DATE) === 0 && exchange.sendDate) fields.push(dateField());
    const head = exchange.head;
    const http = this.http;
    const core = this.core;
    const connect = head.method === "CONNECT" && status >= 200 && status < 300;
    const bodiless = status === 204 || status === 304 || head.method === "HEAD" || connect;
    this.#bodiless = bodiless;
    // A 2xx to CONNECT opens a tunnel; without a takeover nobody owns it: close.
    const closing = connect || (found & HAS_CLOSE) !== 0 || !http.keepAlive || core.draining ||
      this.#peerEnded || this.requests + 1 >= core.limits.maxRequestsPerConnection ||
      http.clientIsWaitingFor100Continue ||
      (!bodiless && !lengthKnown && head.version === "1.0" &&
        (found & (HAS_LENGTH | HAS_TRANSFER_ENCODING)) === 0);
    this.#closeAfterResponse = closing;
    if (closing) {
      if ((found & HAS_CLOSE) === 0) fields.push(CLOSE_FIELD);
    } else {
      const keepAlive = core.limits.keepAliveField;
      if (keepAlive !== null && (found & HAS_KEEP_ALIVE) === 0) {
        fields.push(keepAlive);
      }
    }
  }

  #send(bytes: Uint8Array): boolean {
    if (bytes.length === 0) return !this.#writeBlocked;
    this.lastActive = this.core.clock;
    if (!this.conn.send(bytes)) this.#writeBlocked = true;
    return !this.#writeBlocked;
  }

  /** A whole response. Returns false when the connection is gone. */
  sendWhole(
    exchange: Exchange,
    status: number,
    reason: string | undefined,
    fields: HeaderList,
    body: Uint8Array | null,
  ): boolean {
    if (this.phase >= LINGER || exchange !== this.exchange) return false;
    this.#completeFields(exchange, status, fields, true);
    const http = this.http;
    if (body !== null && body.length > COPY_LIMIT && exchange.head.method !== "HEAD") {
      fields.push(["Content-Length", String(body.length)]);
      const head = http.sendHead({ status, reason, headers: fields });
      const data = http.sendData(body);
      http.sendEnd();
      this.conn.cork();
      this.#send(head);
      this.#send(data);
      this.conn.uncork();
    } else {
      this.#send(http.sendMessage({ status, reason, headers: fields }, body ?? EMPTY));
    }
    return true;
  }

  /** The head of a streamed response, with its first piece of body. */
  sendStreamHead(
    exchange: Exchange,
    status: number,
    reason: string | undefined,
    fields: HeaderList,
    first: Uint8Array | null,
  ): boolean {
    if (this.phase >= LINGER || exchange !== this.exchange) return false;
    this.#completeFields(exchange, status, fields, false);
    const http = this.http;
    const head = http.sendHead({ status, reason, headers: fields });
    if (first === null || first.length === 0 || http.ourState !== "SEND_BODY") {
      return this.#send(head);
    }
    if (this.#bodiless) return this.#send(head);
    const data = http.sendData(first);
    this.conn.cork();
    this.#send(head);
    const accepted = this.#send(data);
    this.conn.uncork();
    return accepted;
  }

  /** A piece of a streamed body (dropped for responses without a body: HEAD, 204, 304). */
  sendBody(exchange: Exchange, chunk: Uint8Array): boolean {
    if (this.phase >= LINGER || exchange !== this.exchange) return false;
    if (chunk.length === 0 || this.#bodiless || this.http.ourState !== "SEND_BODY") {
      return !this.#writeBlocked; // HEAD, 204, 304: the body is not sent
    }
    return this.#send(this.http.sendData(chunk));
  }

  /** The end of a streamed body. Returns false when the connection is gone. */
  sendEnd(exchange: Exchange, trailers?: HeaderList): boolean {
    if (this.phase >= LINGER || exchange !== this.exchange) return false;
    const http = this.http;
    if (http.ourState === "SEND_BODY") {
      this.#send(http.sendEnd(http.ourState === "SEND_BODY" ? trailers : undefined));
    }
    return true;
  }

  /** A 1xx response. */
  sendInformational(exchange: Exchange, status: number, fields: HeaderList | null): void {
    if (this.phase >= LINGER || exchange !== this.exchange) return;
    if (exchange.head.version === "1.0") return; // HTTP/1.0 clients get no 1xx (RFC 9110 15.2)
    this.#send(this.http.sendHead({ status, headers: fields ?? [] }));
  }

  /** The response is complete: go on with the next request, or close. */
  responseDone(exchange: Exchange): void {
    if (exchange !== this.exchange) return;
    this.requests++;
    if (this.#closeAfterResponse || !this.http.keepAlive) {
      exchange.discardBody();
      this.#lingerClose();
      return;
    }
    if (!exchange.requestComplete) {
      // The rest of the request body is read and dropped, then the next request.
      exchange.discardBody();
      return;
    }
    this.#nextRequest();
  }

  #nextRequest(): void {
    this.exchange = null;
    this.phase = WAIT_HEAD;
    const now = this.core.clock;
    if (this.http.bufferedBytes > 0) {
      this.#headStarted = true;
      this.#armHeaders(now);
    } else {
      this.#headStarted = false;
      const keepAlive = this.core.limits.keepAliveTimeout;
      this.deadline = keepAlive > 0 ? now + keepAlive : 0;
      this.deadlineKind = KEEP_ALIVE_DEADLINE;
    }
    this.#setPause(PAUSE_PIPELINE, false);
    if (!this.#processing) {
      this.#process();
      this.#release();
    }
  }

  // ---- taking over --------------------------------------------------------------------

  /**
   * Writes the head of a 101 (or of a 2xx to CONNECT; `status` 0: no response at
   * all), stops reading and timing, and hands the connection to `takeover`.
   */
  takeOver(
    exchange: Exchange,
    status: number,
    reason: string | undefined,
    fields: HeaderList | null,
    takeover: Takeover,
  ): void {
    if (this.phase >= LINGER || exchange !== this.exchange) return;
    if (status !== 0) {
      const request = exchange.head;
      const connect = request.method === "CONNECT";
      const switches = connect ? status >= 200 && status < 300 : status === 101 && request.upgrade;
      if (!switches) {
        throw new HttpError(
          "INVALID_STATE",
          `a ${status} does not switch protocols for ${request.method} ${request.target}`,
        );
      }
      this.#send(this.http.sendHead({ status, reason, headers: fields ?? [] }));
    }
    this.exchange = null;
    this.phase = TAKEN;
    this.deadline = 0;
    this.deadlineKind = NO_DEADLINE;
    this.#setPause(PAUSE_TAKEN, true);
    const rest = this.http.takeTrailingData();
    const handover = new HandoverConn(this.conn, this.#borrowed, () => this.#handoverClosed());
    this.#handover = handover;
    this.core.connectionTakenOver(this);
    if (this.#peerEnded) handover.deliverEnd();
    takeover(handover, rest);
  }

  #handoverClosed(): void {
    this.phase = CLOSED;
    this.core.connectionClosed(this);
    this.#socket?.closed(false);
  }

  // ---- closing ------------------------------------------------------------------------

  /**
   * Ends our side once the queued bytes are out, reads and drops what the client
   * still sends (so that its last response is not lost to a reset), and closes
   * when the client closes too, or after lingerTimeout.
   */
  #lingerClose(): void {
    if (this.phase >= LINGER) return;
    this.phase = LINGER;
    this.exchange = null;
    try {
      this.http.sendClose();
    } catch {
      // a state that has no close transition (a tunnel that was not taken over)
    }
    const linger = this.core.limits.lingerTimeout;
    this.deadline = this.core.clock + linger;
    this.deadlineKind = LINGER_DEADLINE;
    this.#pause = 0;
    this.#applyPause();
    this.conn.end((error) => {
      this.#ended = true;
      if (error !== undefined || this.#peerEnded) this.destroy();
    });
  }

  /** The client closed between requests: end our side, then close. */
  #closeGracefully(): void {
    this.#lingerClose();
  }

  /** Closes the connection now; an exchange in progress is aborted. */
  destroy(error?: Error): void {
    if (this.phase === CLOSED) return;
    this.phase = CLOSED;
    this.deadline = 0;
    this.conn.close();
    // A taken-over connection's owner hears of it (else its timers would run on).
    this.#handover?.deliverError(
      new NetError("ECONNABORTED", "the server closed the connection", { syscall: "close" }),
    );
    const exchange = this.exchange;
    this.exchange = null;
    if (exchange !== null) exchange.abort(error ?? clientGone("the connection was closed"));
    this.core.connectionClosed(this);
    this.#socket?.closed(error !== undefined);
  }
}

/** Marks an exchange whose connection goes to the face's `upgrade` or `connect` listeners. */
const RAW_TAKEOVER = Symbol("raw takeover");

const INTERNAL_ERROR_BODY = new TextEncoder().encode("Internal Server Error");
