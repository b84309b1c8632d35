// Raw WebSocket peers for the Autobahn-style tests: frames built byte by byte
// (any flags, any opcode, masked or not), a raw client that talks to a server
// under test over node:net, a raw server that a client under test connects
// to, and a reader of the frames the other side sends back.

import { createServer, type Server, Socket } from "node:net";
import { computeAcceptKey } from "../../protocols/websocket/mod.ts";
import { inflateMessage } from "./_deflate_peer.ts";

/** One frame to put on the wire. */
export interface RawFrame {
  opcode: number;
  payload?: Uint8Array | string;
  fin?: boolean;
  rsv?: number; // 0-7: RSV1 = 4, RSV2 = 2, RSV3 = 1
  mask?: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Builds a frame's bytes. */
export function frame(spec: RawFrame): Uint8Array {
  const payload = typeof spec.payload === "string"
    ? encoder.encode(spec.payload)
    : spec.payload ?? new Uint8Array(0);
  const masked = spec.mask ?? false;
  const n = payload.length;
  const lengthBytes = n < 126 ? 0 : n < 65536 ? 2 : 8;
  const out = new Uint8Array(2 + lengthBytes + (masked ? 4 : 0) + n);
  out[0] = ((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | spec.opcode;
  out[1] = (masked ? 0x80 : 0) | (n < 126 ? n : n < 65536 ? 126 : 127);
  let at = 2;
  if (lengthBytes === 2) {
    out[2] = n >>> 8;
    out[3] = n & 0xff;
    at = 4;
  } else if (lengthBytes === 8) {
    new DataView(out.buffer).setUint32(6, n);
    at = 10;
  }
  if (masked) {
    const key = crypto.getRandomValues(new Uint8Array(4));
    out.set(key, at);
    at += 4;
    for (let i = 0; i < n; i++) out[at + i] = payload[i] ^ key[i & 3];
  } else out.set(payload, at);
  return out;
}

/** A Close frame's payload. */
export function closePayload(code: number, reason: string | Uint8Array = ""): Uint8Array {
  const bytes = typeof reason === "string" ? encoder.encode(reason) : reason;
  const out = new Uint8Array(2 + bytes.length);
  out[0] = code >>> 8;
  out[1] = code & 0xff;
  out.set(bytes, 2);
  return out;
}

/** A frame as read back. */
export interface ReadFrame {
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  payload: Uint8Array;
}

/** Incremental frame reader (either role's frames; unmasks). */
export class FrameReader {
  #buffer = new Uint8Array(0);
  readonly frames: ReadFrame[] = [];

  push(chunk: Uint8Array): void {
    const joined = new Uint8Array(this.#buffer.length + chunk.length);
    joined.set(this.#buffer);
    joined.set(chunk, this.#buffer.length);
    let at = 0;
    for (;;) {
      if (joined.length - at < 2) break;
      const b0 = joined[at];
      const b1 = joined[at + 1];
      let n = b1 & 0x7f;
      let header = 2;
      if (n === 126) {
        if (joined.length - at < 4) break;
        n = (joined[at + 2] << 8) | joined[at + 3];
        header = 4;
      } else if (n === 127) {
        if (joined.length - at < 10) break;
        n = new DataView(joined.buffer, joined.byteOffset + at + 6, 4).getUint32(0);
        header = 10;
      }
      const masked = (b1 & 0x80) !== 0;
      if (masked) header += 4;
      if (joined.length - at < header + n) break;
      const payload = joined.slice(at + header, at + header + n);
      if (masked) {
        const key = joined.subarray(at + header - 4, at + header);
        for (let i = 0; i < n; i++) payload[i] ^= key[i & 3];
      }
      this.frames.push({
        fin: (b0 & 0x80) !== 0,
        rsv: (b0 >> 4) & 7,
        opcode: b0 & 0x0f,
        masked,
        payload,
      });
      at += header + n;
    }
    this.#buffer = joined.slice(at);
  }
}

/** What a peer saw from the other side. */
export interface Transcript {
  /** Every frame, in order. */
  frames: ReadFrame[];
  /** Whole messages, reassembled: `t:` text or `b:` hex, pings as `ping:` hex, pongs as `pong:` hex. */
  messages: string[];
  /** The code of the Close frame received (1005 when it had none), or null. */
  closeCode: number | null;
  /** The Close frame's reason. */
  closeReason: string;
  /** Whether the TCP connection ended. */
  ended: boolean;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Summarizes frames into messages and the close. */
export function transcript(frames: ReadFrame[], ended: boolean): Transcript {
  const messages: string[] = [];
  let closeCode: number | null = null;
  let closeReason = "";
  let parts: Uint8Array[] = [];
  let type = 0;
  let compressed = false;
  for (const f of frames) {
    if (f.opcode === 8) {
      closeCode = f.payload.length >= 2 ? (f.payload[0] << 8) | f.payload[1] : 1005;
      closeReason = decoder.decode(f.payload.subarray(2));
      continue;
    }
    if (f.opcode === 9) messages.push(`ping:${hex(f.payload)}`);
    else if (f.opcode === 10) messages.push(`pong:${hex(f.payload)}`);
    else {
      if (f.opcode !== 0) {
        type = f.opcode;
        compressed = (f.rsv & 4) !== 0;
        parts = [];
      }
      parts.push(f.payload);
      if (f.fin) {
        const size = parts.reduce((sum, p) => sum + p.length, 0);
        const whole = new Uint8Array(size);
        let at = 0;
        for (const p of parts) {
          whole.set(p, at);
          at += p.length;
        }
        const data = compressed ? inflateMessage(whole) : whole;
        messages.push(type === 1 ? `t:${decoder.decode(data)}` : `b:${hex(data)}`);
      }
    }
  }
  return { frames, messages, closeCode, closeReason, ended };
}

/** `t:` form of a text message, `b:` form of a binary one (as in transcripts). */
export function textMessage(text: string): string {
  return `t:${text}`;
}

/** `b:` form of binary bytes. */
export function binaryMessage(bytes: Uint8Array): string {
  return `b:${hex(bytes)}`;
}

/** Waits for the socket to close, or `ms`. */
function collect(
  socket: Socket,
  state: { ended: boolean },
  ms: number,
): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      socket.off("close", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (state.ended) return done();
    socket.on("close", done);
  });
}

/** One exchange of a raw client with a server under test. */
export interface ClientScript {
  /** Extra handshake headers (`Sec-WebSocket-Extensions` ...). */
  headers?: Record<string, string>;
  /** The chunks to write, in order (a number waits that many milliseconds). */
  send: Array<Uint8Array | number>;
  /** Milliseconds to wait for the server to close after the last chunk (default 3000). */
  wait?: number;
}

/** The raw client's result: the server's response head and its frames. */
export interface ClientRun extends Transcript {
  /** The response head. */
  head: string;
}

/** Connects a raw client to `ws://127.0.0.1:port/`, plays the script, and reads until closed. */
export async function rawClient(port: number, script: ClientScript): Promise<ClientRun> {
  const socket = new Socket();
  const reader = new FrameReader();
  const state = { ended: false };
  let head: string | null = null;
  let pending = new Uint8Array(0);
  let gotHead!: () => void;
  const headArrived = new Promise<void>((resolve) => (gotHead = resolve));
  socket.on("data", (chunk: Uint8Array) => {
    if (head !== null) return reader.push(chunk);
    const joined = new Uint8Array(pending.length + chunk.length);
    joined.set(pending);
    joined.set(chunk, pending.length);
    const text = decoder.decode(joined);
    const end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      pending = joined;
      return;
    }
    head = text.slice(0, end);
    const bodyAt = encoder.encode(text.slice(0, end + 4)).length;
    reader.push(joined.subarray(bodyAt));
    gotHead();
  });
  socket.on("error", () => {});
  socket.on("close", () => {
    state.ended = true;
    gotHead();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
    socket.connect(port, "127.0.0.1");
  });
  socket.setNoDelay(true);
  const lines = [
    "GET /case HTTP/1.1",
    `Host: 127.0.0.1:${port}`,
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version: 13",
  ];
  for (const [name, value] of Object.entries(script.headers ?? {})) lines.push(`${name}: ${value}`);
  socket.write(lines.join("\r\n") + "\r\n\r\n");
  await headArrived;
  for (const item of script.send) {
    if (state.ended) break;
    if (typeof item === "number") await new Promise((resolve) => setTimeout(resolve, item));
    else socket.write(item);
  }
  await collect(socket, state, script.wait ?? 3000);
  socket.destroy();
  return { ...transcript(reader.frames, state.ended), head: head ?? "" };
}

/** A raw server for a client under test: each connection runs `script`. */
export interface RawServer {
  port: number;
  /** Resolves with the transcript of the next connection's client frames. */
  next(): Promise<Transcript>;
  close(): Promise<void>;
}

/** What the raw server does after the handshake. */
export interface ServerScript {
  /** Extra answer header lines. */
  headers?: Record<string, string>;
  /** The chunks to write (numbers wait). */
  send: Array<Uint8Array | number>;
  /** Milliseconds to wait for the client to close (default 3000). */
  wait?: number;
  /** Close TCP after a Close frame arrived (as a server should; default true). */
  closeAfterClose?: boolean;
}

/** Starts a raw server; `scriptFor(n)` gives the script of the n-th connection. */
export async function rawServer(scriptFor: (index: number) => ServerScript): Promise<RawServer> {
  const results: Array<Promise<Transcript>> = [];
  const waiting: Array<(value: Promise<Transcript>) => void> = [];
  let count = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    const script = scriptFor(count++);
    const result = serveOne(socket, script);
    const waiter = waiting.shift();
    if (waiter !== undefined) waiter(result);
    else results.push(result);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    next() {
      const ready = results.shift();
      if (ready !== undefined) return ready;
      return new Promise<Promise<Transcript>>((resolve) => waiting.push(resolve)).then((p) => p);
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function serveOne(socket: Socket, script: ServerScript): Promise<Transcript> {
  const reader = new FrameReader();
  const state = { ended: false };
  let request = "";
  let upgraded = false;
  let gotRequest!: (key: string) => void;
  const requestArrived = new Promise<string>((resolve) => (gotRequest = resolve));
  socket.setNoDelay(true);
  socket.on("error", () => {});
  socket.on("close", () => {
    state.ended = true;
    gotRequest("");
  });
  socket.on("data", (chunk: Uint8Array) => {
    if (upgraded) {
      reader.push(chunk);
      if ((script.closeAfterClose ?? true) && reader.frames.some((f) => f.opcode === 8)) {
        setTimeout(() => socket.end(), 10);
      }
      return;
    }
    request += decoder.decode(chunk);
    const end = request.indexOf("\r\n\r\n");
    if (end < 0) return;
    upgraded = true;
    const key = /sec-websocket-key:\s*(\S+)/i.exec(request)?.[1] ?? "";
    const rest = encoder.encode(request.slice(end + 4));
    if (rest.length > 0) reader.push(rest);
    gotRequest(key);
  });
  const key = await requestArrived;
  if (key !== "") {
    const lines = [
      "HTTP/1.1 101 Switching Protocols",
      "Upgrade: websocket",
      "Connection: Upgrade",
      `Sec-WebSocket-Accept: ${computeAcceptKey(key)}`,
    ];
    for (const [name, value] of Object.entries(script.headers ?? {})) {
      lines.push(`${name}: ${value}`);
    }
    socket.write(lines.join("\r\n") + "\r\n\r\n");
    for (const item of script.send) {
      if (state.ended) break;
      if (typeof item === "number") await new Promise((resolve) => setTimeout(resolve, item));
      else socket.write(item);
    }
  }
  await collect(socket, state, script.wait ?? 3000);
  socket.destroy();
  return transcript(reader.frames, state.ended);
}
