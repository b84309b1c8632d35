// Raw-socket probes for the HTTP server tests: send bytes exactly as given
// (node:net, Node's own sockets under Node, Deno's Node layer under Deno), read
// what comes back until the server closes or a deadline, and parse it with the
// strict HTTP/1.1 core.

import * as nodeNet from "node:net";
import { type ParsedResponse, parseMessages } from "../../protocols/http1/mod.ts";

/** A step of a probe: bytes to send, or a pause in milliseconds. */
export type ProbeStep = string | Uint8Array | { wait: number } | { end: true };

/** What a probe saw. */
export interface ProbeResult {
  /** Everything received, as Latin-1 text. */
  text: string;
  /** Everything received. */
  bytes: Uint8Array;
  /** The server closed (FIN or reset) before the deadline. */
  closed: boolean;
  /** The server reset the connection. */
  reset: boolean;
  /** Milliseconds from the first byte sent to the close (or the deadline). */
  ms: number;
  /** The responses, parsed strictly (HEAD answers need `methods`). */
  responses: ParsedResponse[];
  /** The parse error of the received bytes, if any (ignoring a cut last message). */
  parseError: string | null;
}

/** Options of {@linkcode probe}. */
export interface ProbeOptions {
  /** Stop waiting this long after the last step (default 1000 ms). */
  deadline?: number;
  /** Stop as soon as this many final responses arrived (and `settle` ms passed). */
  responses?: number;
  /** After the responses arrived, wait this long for a close (default 0). */
  settle?: number;
  /** The request methods the responses answer, for HEAD framing (default GET). */
  methods?: string[];
  /** Connect to this host (default 127.0.0.1). */
  host?: string;
}

function toBytes(step: string | Uint8Array): Uint8Array {
  if (typeof step !== "string") return step;
  const bytes = new Uint8Array(step.length);
  for (let i = 0; i < step.length; i++) bytes[i] = step.charCodeAt(i);
  return bytes;
}

function latin1(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 4096) {
    text += String.fromCharCode(...bytes.subarray(i, i + 4096));
  }
  return text;
}

function finals(bytes: Uint8Array, methods: string[] | undefined): {
  responses: ParsedResponse[];
  error: string | null;
} {
  const { messages, error } = parseMessages("response", bytes, {
    requestMethod: methods ?? "GET",
  });
  return {
    responses: messages,
    error: error === null || error.code === "INCOMPLETE_MESSAGE" ? null : error.message,
  };
}

/** Sends the steps on a fresh connection to `port` and collects the answer. */
export function probe(
  port: number,
  steps: ProbeStep | ProbeStep[],
  options: ProbeOptions = {},
): Promise<ProbeResult> {
  const list = Array.isArray(steps) ? steps : [steps];
  return new Promise((resolve, reject) => {
    const socket = nodeNet.connect({
      port,
      host: options.host ?? "127.0.0.1",
      allowHalfOpen: true,
    });
    socket.setNoDelay(true);
    const chunks: Uint8Array[] = [];
    let total = 0;
    let closed = false;
    let reset = false;
    let started = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settleTimer: ReturnType<typeof setTimeout> | undefined;
    let done = false;
    let pause: { timer: ReturnType<typeof setTimeout>; resolve(): void } | null = null;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(settleTimer);
      if (pause !== null) {
        clearTimeout(pause.timer);
        pause.resolve();
      }
      const ms = Date.now() - started;
      socket.destroy();
      const bytes = new Uint8Array(total);
      let at = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, at);
        at += chunk.length;
      }
      const parsed = finals(bytes, options.methods);
      resolve({
        text: latin1(bytes),
        bytes,
        closed,
        reset,
        ms,
        responses: parsed.responses,
        parseError: parsed.error,
      });
    };
    const count = () => {
      if (options.responses === undefined) return;
      const bytes = new Uint8Array(total);
      let at = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, at);
        at += chunk.length;
      }
      const got = finals(bytes, options.methods).responses.filter((r) => r.status >= 200).length;
      if (got >= options.responses && settleTimer === undefined) {
        settleTimer = setTimeout(finish, options.settle ?? 0);
      }
    };
    socket.on("data", (chunk: Uint8Array) => {
      chunks.push(new Uint8Array(chunk));
      total += chunk.length;
      count();
    });
    socket.on("end", () => {
      closed = true;
      finish();
    });
    socket.on("error", (error: Error & { code?: string }) => {
      if (error.code === "ECONNRESET" || error.code === "EPIPE") {
        closed = true;
        reset = true;
        finish();
      } else if (!done) {
        done = true;
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      }
    });
    socket.on("close", () => {
      closed = true;
      finish();
    });
    socket.once("connect", async () => {
      started = Date.now();
      for (const step of list) {
        if (done) return;
        if (typeof step === "object" && "wait" in step) {
          await new Promise<void>((resolve) => {
            pause = {
              timer: setTimeout(() => {
                pause = null;
                resolve();
              }, step.wait),
              resolve,
            };
          });
        } else if (typeof step === "object" && "end" in step) {
          socket.end();
        } else if (!socket.destroyed && socket.writable) {
          socket.write(toBytes(step as string | Uint8Array));
        }
      }
      if (!done) timer = setTimeout(finish, options.deadline ?? 1000);
    });
  });
}

/** The value of a header of a parsed response (first one, any case), or `undefined`. */
export function header(response: ParsedResponse, name: string): string | undefined {
  const lower = name.toLowerCase();
  return response.headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

/** The body of a parsed response as text. */
export function bodyText(response: ParsedResponse): string {
  return new TextDecoder().decode(response.body);
}
