// The \`ws\` package's frame parser (its Receiver) and a wirestack connection
// reading the same chunks, each reduced to a list of lines ("text <hex>",
// "ping <hex>", "close <code> <reason hex>", "error <close code>"), and the
// differential fuzz target built on them (see frame_decoder_ws_test.ts).

import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import * as ws from "ws";
import {
  cutAt,
  cutsArbitrary,
  fc,
  type FuzzTarget,
  mutate,
  mutationsArbitrary,
  type property,
} from "../../_fuzz.ts";
import { WebSocketConnection } from "../../../protocols/websocket/mod.ts";
import { concat } from "./_peer.ts";
import { WS_DICTIONARY, wsTraffic } from "./_traffic_arbitraries.ts";

/** What a side read, one line per event. */
export type Seen = string[];

/** The part of ws's (undeclared) Receiver this test uses. */
interface WsReceiver {
  on(event: string, listener: (...args: never[]) => void): void;
  write(chunk: Uint8Array): void;
}
const Receiver = (ws as unknown as {
  Receiver: new (
    options: { isServer: boolean; maxPayload: number; allowSynchronousEvents: boolean },
  ) => WsReceiver;
}).Receiver;

/** What ws's Receiver reads from `chunks`. */
export async function withWs(
  chunks: Uint8Array[],
  isServer: boolean,
  maxPayload: number,
): Promise<Seen> {
  const seen: Seen = [];
  const receiver = new Receiver({ isServer, maxPayload, allowSynchronousEvents: true });
  let stopped = false;
  receiver.on("message", (data: Uint8Array, isBinary: boolean) => {
    seen.push(`${isBinary ? "binary" : "text"} ${Buffer.from(data).toString("hex")}`);
  });
  receiver.on("ping", (data: Uint8Array) => seen.push(`ping ${Buffer.from(data).toString("hex")}`));
  receiver.on("pong", (data: Uint8Array) => seen.push(`pong ${Buffer.from(data).toString("hex")}`));
  receiver.on("conclude", (code: number, reason: Uint8Array) => {
    seen.push(`close ${code} ${Buffer.from(reason).toString("hex")}`);
    stopped = true;
  });
  // A Writable reports the error of a write on the next tick.
  receiver.on("error", (error: Error) => {
    if (seen.at(-1)?.startsWith("error")) return;
    const status = Object.getOwnPropertySymbols(error)
      .map((symbol) => (error as unknown as Record<symbol, unknown>)[symbol])
      .find((value) => typeof value === "number");
    seen.push(`error ${status}`);
    stopped = true;
  });
  for (const chunk of chunks) {
    if (stopped) break;
    receiver.write(Buffer.from(chunk));
  }
  await new Promise<void>((resolve) => setImmediate(resolve));
  return seen;
}

/** What a wirestack connection reads from `chunks` (its error codes go to `errors`). */
export function withWirestack(
  chunks: Uint8Array[],
  role: "server" | "client",
  maxPayload: number,
  errors: string[] = [],
): Seen {
  const seen: Seen = [];
  const connection = new WebSocketConnection({ role, maxPayload });
  const hex = (data: Uint8Array) => Buffer.from(data).toString("hex");
  for (const chunk of chunks) {
    connection.receive(chunk);
    for (let event = connection.nextEvent(); event !== null; event = connection.nextEvent()) {
      if (event.type === "close") {
        if (event.initiator === "error") {
          seen.push(`error ${event.code}`);
          errors.push(event.error!.code);
        } else seen.push(`close ${event.code} ${hex(new TextEncoder().encode(event.reason))}`);
      } else seen.push(`${event.type} ${hex(event.data)}`);
    }
  }
  if (!connection.state.startsWith("closed")) connection.dispose();
  return seen;
}

/** Why wirestack may stop with an error where ws reads on (see the top of the file). */
function explained(code: string, theirs: string | undefined): boolean {
  switch (code) {
    case "ERR_NON_MINIMAL_LENGTH":
      return true;
    case "ERR_MESSAGE_TOO_BIG":
      // a frame that breaks a framing rule and is too big: each side names
      // the rule it checks first (wirestack the 2^53 limit of the decoder)
      return theirs === "error 1002";
    case "ERR_LENGTH_TOO_LARGE":
      // a 64-bit length with its top bit set: a protocol error (1002) by RFC
      // 6455 5.2; ws closes with 1009 (too big) for it
      return theirs === "error 1009";
    case "ERR_CLOSE_CODE_NOT_ALLOWED":
      // 1012-1014, which ws takes; it then reads the reason, which may be bad UTF-8
      return /^close 101[234] /.test(theirs ?? "") || theirs === "error 1007";
    case "ERR_INVALID_UTF8":
      // wirestack fails at the first bad byte; ws at the end of the message, if
      // it gets there: it must not have read a text message wirestack refused
      return !(theirs ?? "").startsWith("text ");
    default:
      return false;
  }
}

/** The differential fuzz target against ws's Receiver. */
export const WS_RECEIVER_TARGET: FuzzTarget = {
  name: "ws/ws-receiver",
  about: "ws's Receiver and wirestack read damaged streams alike, but for known differences",
  ciRuns: 900,
  property: () =>
    fc.asyncProperty(
      fc.tuple(
        wsTraffic(),
        fc.option(mutationsArbitrary(WS_DICTIONARY), { nil: null }),
        cutsArbitrary,
        fc.integer({ min: 1, max: 80_000 }), // ws reads a maxPayload of 0 as "no limit"
      ),
      async ([t, mutations, cuts, maxPayload]) => {
        // neither side has an extension: compressed frames (RSV1) fail on both
        const data = concat(t.frames);
        const chunks = cutAt(mutations === null ? data : mutate(data, mutations), cuts);
        const theirs = await withWs(chunks, t.role === "server", maxPayload);
        const errors: string[] = [];
        const ours = withWirestack(chunks, t.role, maxPayload, errors);
        const at = ours.findIndex((event, i) => event !== theirs[i]);
        if (at < 0 && ours.length === theirs.length) return;
        const where = at < 0 ? ours.length : at;
        if (where === ours.length && theirs[where]?.startsWith("error")) {
          // ws checks a length as soon as it has it, wirestack once the whole
          // header (mask key included) is there: a stream cut inside a header
          // gets the same error from wirestack with the header's rest added
          const laterErrors: string[] = [];
          const longer = withWirestack(
            [...chunks, new Uint8Array(14)],
            t.role,
            maxPayload,
            laterErrors,
          );
          assert.ok(
            longer[where] === theirs[where] ||
              (longer[where]?.startsWith("error") && explained(laterErrors[0], theirs[where])),
            `not the same error a few bytes later: ${longer[where]}, ${theirs[where]}`,
          );
          return;
        }
        assert.ok(
          ours[where]?.startsWith("error") && explained(errors[0], theirs[where]),
          `wirestack ${JSON.stringify(ours.slice(where))} (${errors[0]}), ws ${
            JSON.stringify(theirs.slice(where))
          } after ${where} events, from ${
            Buffer.from(concat(chunks)).toString("hex").slice(0, 400)
          }`,
        );
      },
    ) as unknown as ReturnType<typeof property>,
};
