// The state table (state.ts): every move it allows, the ones it refuses, and
// the moves that follow from the pair of states.

import assert from "node:assert/strict";
import { test } from "../../_harness.ts";
import {
  ConnectionState,
  HttpError,
  JOINT_TRANSITIONS,
  type Role,
  STATES,
  type Transition,
  TRANSITION_NAMES,
  TRANSITIONS,
} from "../../../protocols/http1/mod.ts";

test("state: one keep-alive exchange returns both sides to IDLE", () => {
  const state = new ConnectionState();
  state.process("client", "request");
  assert.equal(state.client, "SEND_BODY");
  assert.equal(state.server, "SEND_RESPONSE");
  state.process("client", "data");
  state.process("client", "end");
  assert.equal(state.client, "DONE");
  state.process("server", "informational");
  state.process("server", "response");
  state.process("server", "data");
  state.process("server", "end");
  assert.equal(state.client, "IDLE");
  assert.equal(state.server, "IDLE");
});

test("state: without keep-alive, DONE becomes MUST_CLOSE, then CLOSED", () => {
  const state = new ConnectionState();
  state.process("client", "request");
  state.disableKeepAlive();
  state.process("client", "end");
  assert.equal(state.client, "MUST_CLOSE");
  state.process("server", "response");
  state.process("server", "end");
  assert.equal(state.server, "MUST_CLOSE");
  state.process("client", "closed");
  state.process("server", "closed");
  assert.equal(state.client, "CLOSED");
  assert.equal(state.server, "CLOSED");
});

test("state: a side that closes makes the other finish and close", () => {
  const idle = new ConnectionState();
  idle.process("client", "closed");
  assert.equal(idle.server, "MUST_CLOSE");
  const serverGone = new ConnectionState();
  serverGone.process("server", "closed");
  assert.equal(serverGone.client, "MUST_CLOSE");
  const done = new ConnectionState();
  done.process("client", "request");
  done.process("server", "response");
  done.process("server", "end");
  assert.equal(done.server, "DONE");
  done.process("client", "data");
  done.process("client", "end");
  assert.equal(done.client, "IDLE");
});

test("state: switching protocols, accepted and declined", () => {
  const accepted = new ConnectionState();
  accepted.process("client", "request");
  accepted.proposeSwitch("connect");
  assert.equal(accepted.proposal, "connect");
  accepted.process("client", "end");
  assert.equal(accepted.client, "MIGHT_SWITCH_PROTOCOL");
  assert.throws(() => accepted.process("server", "accept-upgrade"), { code: "INVALID_STATE" });
  accepted.process("server", "accept-connect");
  assert.equal(accepted.client, "SWITCHED_PROTOCOL");
  assert.equal(accepted.server, "SWITCHED_PROTOCOL");

  const declined = new ConnectionState();
  declined.process("client", "request");
  declined.proposeSwitch("upgrade");
  declined.process("client", "end");
  declined.process("server", "informational"); // a 100 is not an answer
  assert.equal(declined.client, "MIGHT_SWITCH_PROTOCOL");
  declined.process("server", "response");
  assert.equal(declined.client, "DONE");
  assert.equal(declined.proposal, null);
  declined.process("server", "end");
  assert.equal(declined.client, "IDLE");
});

test("state: an error leaves the other side only its current message", () => {
  const state = new ConnectionState();
  state.process("client", "request");
  state.process("client", "end");
  state.process("server", "response");
  state.fail("server");
  assert.equal(state.server, "ERROR");
  assert.equal(state.client, "MUST_CLOSE");
});

/** A state where `role` is in `target`, reached through real moves only. */
function reach(role: Role, target: string): ConnectionState | null {
  const state = new ConnectionState();
  const client = (t: Transition) => state.process("client", t);
  const server = (t: Transition) => state.process("server", t);
  const paths: Record<string, () => void> = role === "client"
    ? {
      IDLE: () => {},
      SEND_BODY: () => client("request"),
      DONE: () => (client("request"), client("end")),
      MUST_CLOSE: () => (state.disableKeepAlive(), client("request"), client("end")),
      CLOSED: () => client("closed"),
      MIGHT_SWITCH_PROTOCOL:
        () => (client("request"), state.proposeSwitch("upgrade"), client("end")),
      SWITCHED_PROTOCOL:
        () => (client("request"),
          state.proposeSwitch("upgrade"),
          client("end"),
          server("accept-upgrade")),
      ERROR: () => state.fail("client"),
    }
    : {
      IDLE: () => {},
      SEND_RESPONSE: () => client("request"),
      SEND_BODY: () => (client("request"), server("response")),
      DONE: () => (client("request"), server("response"), server("end")),
      MUST_CLOSE:
        () => (state.disableKeepAlive(), client("request"), server("response"), server("end")),
      CLOSED: () => server("closed"),
      SWITCHED_PROTOCOL:
        () => (client("request"), state.proposeSwitch("upgrade"), server("accept-upgrade")),
      ERROR: () => state.fail("server"),
    };
  const path = paths[target];
  if (path === undefined) return null;
  path();
  assert.equal(role === "client" ? state.client : state.server, target);
  return state;
}

test("state: every move the table does not list is refused, every listed one is taken", () => {
  let checked = 0;
  for (const role of ["client", "server"] as Role[]) {
    for (const from of STATES) {
      for (const transition of TRANSITION_NAMES as readonly Transition[]) {
        const state = reach(role, from);
        if (state === null) continue; // not reachable for this role
        const listed = TRANSITIONS[role][from]?.[transition];
        const needsProposal = transition === "accept-upgrade" || transition === "accept-connect";
        if (listed === undefined || needsProposal) {
          if (listed === undefined) {
            assert.throws(
              () => state.process(role, transition),
              HttpError,
              `${role} ${from} ${transition}`,
            );
          }
        } else {
          state.process(role, transition);
        }
        checked++;
      }
    }
  }
  assert.ok(checked >= 100);
  assert.throws(() => new ConnectionState().process("client", "nonsense" as Transition), HttpError);
});

test("state: the joint table only names real states", () => {
  for (const [client, row] of Object.entries(JOINT_TRANSITIONS)) {
    assert.ok((STATES as readonly string[]).includes(client));
    for (const [server, change] of Object.entries(row ?? {})) {
      assert.ok((STATES as readonly string[]).includes(server));
      for (const to of [change?.client, change?.server]) {
        if (to !== undefined) assert.ok((STATES as readonly string[]).includes(to));
      }
    }
  }
});
