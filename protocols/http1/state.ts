/**
 * The HTTP/1.1 connection state machine, as tables. Everything that changes
 * the state of a connection is here, and nowhere else: `Connection` reports
 * what happened (an event sent or received, keep-alive lost, a protocol switch
 * proposed) and reads the states back.
 *
 * Each side has its own state. The client's follows what the client sends,
 * the server's what the server sends, whichever side the code runs on:
 *
 * ```
 * client: IDLE --request--> SEND_BODY --end--> DONE
 * server: IDLE --(the client's request)--> SEND_RESPONSE --1xx--> SEND_RESPONSE
 *         SEND_RESPONSE --response--> SEND_BODY --end--> DONE
 * both DONE with keep-alive: both IDLE (the next exchange); without it: MUST_CLOSE
 * ```
 *
 * A request that proposes to switch protocols (CONNECT, or Upgrade) puts the
 * client in MIGHT_SWITCH_PROTOCOL once it is sent; the server accepts with a
 * 101 (upgrade) or a 2xx (CONNECT), and both sides reach SWITCHED_PROTOCOL, or
 * it answers anything else and the client is DONE as usual.
 *
 * The tables are written with names, for people; they are compiled once into
 * arrays of small integers, so that a step costs a few array loads.
 *
 * This module is browser compatible.
 *
 * @example Following one exchange
 * ```ts
 * import { ConnectionState } from "./state.ts";
 *
 * const state = new ConnectionState();
 * state.process("client", "request");
 * state.process("client", "end");
 * state.process("server", "response");
 * state.process("server", "end");
 * console.assert(state.client === "IDLE" && state.server === "IDLE");
 * ```
 *
 * @module
 */

import { HttpError } from "./errors.ts";

/** Which side of the connection. */
export type Role = "client" | "server";

/**
 * The states a side can be in.
 *
 * @example
 * ```ts
 * import { STATES } from "./state.ts";
 *
 * console.assert(STATES.includes("MUST_CLOSE"));
 * ```
 */
export const STATES = [
  "IDLE",
  "SEND_BODY",
  "SEND_RESPONSE",
  "DONE",
  "MUST_CLOSE",
  "CLOSED",
  "MIGHT_SWITCH_PROTOCOL",
  "SWITCHED_PROTOCOL",
  "ERROR",
] as const;

/** The state of one side. */
export type State = typeof STATES[number];

/**
 * What a side does: send a request, a 1xx, a final response, body data, the
 * end of a message, close; or accept a protocol switch (a 101 answering an
 * upgrade, a 2xx answering CONNECT).
 *
 * @example
 * ```ts
 * import { TRANSITION_NAMES } from "./state.ts";
 *
 * console.assert(TRANSITION_NAMES.length === 8);
 * ```
 */
export const TRANSITION_NAMES = [
  "request",
  "informational",
  "response",
  "data",
  "end",
  "closed",
  "accept-upgrade",
  "accept-connect",
] as const;

/** Something a side does. */
export type Transition = typeof TRANSITION_NAMES[number];

/** A protocol switch a request proposes. */
export type SwitchProposal = "upgrade" | "connect";

/** For one role: the state reached from each state by each transition. */
export type TransitionTable = Readonly<
  Partial<Record<State, Readonly<Partial<Record<Transition, State>>>>>
>;

/**
 * The state each side moves to when it sends something, by role, state and
 * transition. A transition missing from the table is a protocol error.
 *
 * @example
 * ```ts
 * import { TRANSITIONS } from "./state.ts";
 *
 * console.assert(TRANSITIONS.client.IDLE?.request === "SEND_BODY");
 * console.assert(TRANSITIONS.server.IDLE?.response === "SEND_BODY"); // an error answer before any request
 * ```
 */
export const TRANSITIONS: Readonly<Record<Role, TransitionTable>> = {
  client: {
    IDLE: { request: "SEND_BODY", closed: "CLOSED" },
    SEND_BODY: { data: "SEND_BODY", end: "DONE" },
    DONE: { closed: "CLOSED" },
    MUST_CLOSE: { closed: "CLOSED" },
    CLOSED: { closed: "CLOSED" },
  },
  server: {
    // A server may answer before any request arrives (400, 408), then close.
    IDLE: { closed: "CLOSED", response: "SEND_BODY" },
    SEND_RESPONSE: {
      informational: "SEND_RESPONSE",
      response: "SEND_BODY",
      "accept-upgrade": "SWITCHED_PROTOCOL",
      "accept-connect": "SWITCHED_PROTOCOL",
    },
    SEND_BODY: { data: "SEND_BODY", end: "DONE" },
    DONE: { closed: "CLOSED" },
    MUST_CLOSE: { closed: "CLOSED" },
    CLOSED: { closed: "CLOSED" },
  },
};

/**
 * Moves that follow from the pair of states rather than from an event:
 * `JOINT_TRANSITIONS[client][server]` gives the new states. Applied after
 * every change until none matches.
 *
 * @example
 * ```ts
 * import { JOINT_TRANSITIONS } from "./state.ts";
 *
 * console.assert(JOINT_TRANSITIONS.CLOSED?.IDLE?.server === "MUST_CLOSE");
 * ```
 */
export const JOINT_TRANSITIONS: Readonly<
  Partial<Record<State, Partial<Record<State, Readonly<{ client?: State; server?: State }>>>>>
> = {
  // The client sent a request: the server now owes a response.
  SEND_BODY: { IDLE: { server: "SEND_RESPONSE" } },
  // The server switched: the client, waiting for that answer, switches too.
  MIGHT_SWITCH_PROTOCOL: { SWITCHED_PROTOCOL: { client: "SWITCHED_PROTOCOL" } },
  // One side is gone or broken: the other can finish at most its current message.
  CLOSED: { DONE: { server: "MUST_CLOSE" }, IDLE: { server: "MUST_CLOSE" } },
  ERROR: { DONE: { server: "MUST_CLOSE" } },
  DONE: { CLOSED: { client: "MUST_CLOSE" }, ERROR: { client: "MUST_CLOSE" } },
  IDLE: { CLOSED: { client: "MUST_CLOSE" } },
};

// ------------------------------------------------------------ compiled form

const S = STATES.length;
const T = TRANSITION_NAMES.length;
const stateIndex = (name: State): number => STATES.indexOf(name);

const IDLE = stateIndex("IDLE");
const DONE = stateIndex("DONE");
const MUST_CLOSE = stateIndex("MUST_CLOSE");
const MIGHT_SWITCH = stateIndex("MIGHT_SWITCH_PROTOCOL");
const ERROR = stateIndex("ERROR");

const CLIENT = 0;
const SERVER = 1;

/** `NEXT[role * S * T + state * T + transition]`: the next state, or -1. */
const NEXT = new Int8Array(2 * S * T).fill(-1);
/** `JOINT[(client * S + server) * 2 + side]`: the new state of a side, or -1. */
const JOINT = new Int8Array(S * S * 2).fill(-1);

for (const [role, table] of [[CLIENT, TRANSITIONS.client], [SERVER, TRANSITIONS.server]] as const) {
  for (const [from, moves] of Object.entries(table)) {
    for (const [transition, to] of Object.entries(moves ?? {})) {
      NEXT[
        role * S * T + stateIndex(from as State) * T +
        TRANSITION_NAMES.indexOf(transition as Transition)
      ] = stateIndex(to as State);
    }
  }
}
for (const [client, row] of Object.entries(JOINT_TRANSITIONS)) {
  for (const [server, change] of Object.entries(row ?? {})) {
    const at = (stateIndex(client as State) * S + stateIndex(server as State)) * 2;
    if (change?.client !== undefined) JOINT[at] = stateIndex(change.client);
    if (change?.server !== undefined) JOINT[at + 1] = stateIndex(change.server);
  }
}

/** The index of a transition name, or -1 (a switch: no keyed lookup on the hot path). */
function transitionIndex(name: Transition): number {
  switch (name) {
    case "request":
      return 0;
    case "informational":
      return 1;
    case "response":
      return 2;
    case "data":
      return 3;
    case "end":
      return 4;
    case "closed":
      return 5;
    case "accept-upgrade":
      return 6;
    case "accept-connect":
      return 7;
    default:
      return -1;
  }
}
for (const name of TRANSITION_NAMES) {
  if (TRANSITION_NAMES[transitionIndex(name)] !== name) throw new Error(`state table: ${name}`);
}

const NO_PROPOSAL = 0;
const UPGRADE = 1;
const CONNECT = 2;
const ACCEPT_UPGRADE = transitionIndex("accept-upgrade");
const ACCEPT_CONNECT = transitionIndex("accept-connect");
const RESPONSE = transitionIndex("response");

/**
 * The states of both sides of one connection, moved only through the tables
 * above. Both sides DONE with keep-alive on starts the next exchange (both
 * IDLE) at once.
 *
 * @example An upgrade the server accepts
 * ```ts
 * import { ConnectionState } from "./state.ts";
 *
 * const state = new ConnectionState();
 * state.process("client", "request");
 * state.proposeSwitch("upgrade");
 * state.process("client", "end");
 * console.assert(state.client === "MIGHT_SWITCH_PROTOCOL");
 * state.process("server", "accept-upgrade");
 * console.assert(state.client === "SWITCHED_PROTOCOL" && state.server === "SWITCHED_PROTOCOL");
 * ```
 */
export class ConnectionState {
  #client = IDLE;
  #server = IDLE;
  #keepAlive = true;
  #proposal = NO_PROPOSAL;
  // The names, kept next to the numbers: reading a state is one field load.
  #clientName: State = "IDLE";
  #serverName: State = "IDLE";

  /** The client side's state. */
  get client(): State {
    return this.#clientName;
  }

  /** The server side's state. */
  get server(): State {
    return this.#serverName;
  }

  /** False once either side said the connection closes after this exchange. */
  get keepAlive(): boolean {
    return this.#keepAlive;
  }

  /** The switch the current request proposes, if any. */
  get proposal(): SwitchProposal | null {
    return this.#proposal === UPGRADE ? "upgrade" : this.#proposal === CONNECT ? "connect" : null;
  }

  /**
   * Moves `role` by `transition`.
   *
   * @param role the side that sent (or received from the peer) the event
   * @param transition what it sent
   * @throws {HttpError} `INVALID_STATE` when the table has no such move
   */
  process(role: Role, transition: Transition): void {
    const side = role === "client" ? CLIENT : SERVER;
    const index = transitionIndex(transition);
    const from = side === CLIENT ? this.#client : this.#server;
    const to = index < 0 ? -1 : NEXT[side * S * T + from * T + index];
    if (to < 0) {
      throw new HttpError(
        "INVALID_STATE",
        `the ${role} cannot send "${transition}" in state ${STATES[from]}`,
      );
    }
    if (index === ACCEPT_UPGRADE && this.#proposal !== UPGRADE) {
      throw new HttpError("INVALID_STATE", "a 101 answers only a request to upgrade");
    }
    if (index === ACCEPT_CONNECT && this.#proposal !== CONNECT) {
      throw new HttpError("INVALID_STATE", "a tunnel opens only for a CONNECT request");
    }
    if (side === CLIENT) this.#client = to;
    else {
      this.#server = to;
      // Any final answer other than the switch declines it.
      if (index === RESPONSE && this.#proposal !== NO_PROPOSAL) {
        this.#proposal = NO_PROPOSAL;
        if (this.#client === MIGHT_SWITCH) this.#client = DONE;
      }
    }
    this.#settle();
  }

  /**
   * The request being sent proposes a protocol switch (before its end is sent).
   *
   * @param proposal `"upgrade"` (an Upgrade field) or `"connect"` (a CONNECT request)
   */
  proposeSwitch(proposal: SwitchProposal): void {
    this.#proposal = proposal === "upgrade" ? UPGRADE : CONNECT;
    this.#settle();
  }

  /** Either side said the connection closes after this exchange. */
  disableKeepAlive(): void {
    this.#keepAlive = false;
    this.#settle();
  }

  /**
   * A side failed: its state becomes ERROR.
   *
   * @param role the side that broke the protocol
   */
  fail(role: Role): void {
    if (role === "client") this.#client = ERROR;
    else this.#server = ERROR;
    this.#settle();
  }

  #settle(): void {
    for (;;) {
      let client = this.#client;
      let server = this.#server;
      if (this.#proposal !== NO_PROPOSAL && client === DONE) client = MIGHT_SWITCH;
      if (!this.#keepAlive) {
        if (client === DONE) client = MUST_CLOSE;
        if (server === DONE) server = MUST_CLOSE;
      }
      const at = (client * S + server) * 2;
      if (JOINT[at] >= 0) client = JOINT[at];
      if (JOINT[at + 1] >= 0) server = JOINT[at + 1];
      if (client === DONE && server === DONE) {
        // Both finished with keep-alive: the next exchange starts.
        client = IDLE;
        server = IDLE;
      }
      if (client === this.#client && server === this.#server) {
        this.#clientName = STATES[client];
        this.#serverName = STATES[server];
        return;
      }
      this.#client = client;
      this.#server = server;
    }
  }
}
