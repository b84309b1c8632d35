/**
 * The DEFLATE implementation the WebSocket layer hands to the protocol core
 * (`protocols/websocket/deflate.ts` defines the interface): pako's port of
 * zlib, driven through its low-level stream API, synchronously.
 *
 * Why pako and not `node:zlib` or `CompressionStream`: permessage-deflate with
 * context takeover needs a sync flush on a stream that keeps its history.
 * `CompressionStream` cannot flush; `node:zlib` can, but only asynchronously
 * (its synchronous entry points close the stream after one call), which costs
 * a thread-pool round trip per message: about 60 us of CPU for a 64-byte
 * message against 3-8 us here. For 64 KiB messages native zlib compresses
 * faster at the same level, which the default level 1 more than makes up (see
 * BENCHMARKS.md, `scripts/bench/ws_deflate.ts`). pako also keeps its memory in
 * ordinary `ArrayBuffer`s the garbage collector reclaims with the connection,
 * instead of native zlib allocations made on thread-pool threads.
 *
 * Memory stays bounded:
 * - one output buffer per provider, shared by its deflaters (compression is
 *   synchronous and the core copies each result before the next call);
 * - an endpoint that compresses without context takeover
 *   (`server_no_context_takeover` on a server) borrows one engine per window
 *   size shared by every such connection, instead of holding 256 KiB each;
 *   likewise for inflating a peer that does not take over its context; a
 *   connection in the middle of a fragmented message keeps the engine, and
 *   another one that needs it meanwhile gets its own;
 * - engines are created on the first compressed message, not per connection;
 * - inflation writes into the core's message buffer, whose room the core caps
 *   at `maxPayload` + 1 bytes, so a zip bomb stops there.
 *
 * @example Round trip through a deflater and an inflater
 * ```ts
 * import { createDeflateProvider } from "./deflate.ts";
 *
 * const provider = createDeflateProvider();
 * const deflater = provider.createDeflater({ windowBits: 15, noContextTakeover: false });
 * const inflater = provider.createInflater({ windowBits: 15, noContextTakeover: false });
 * const text = new TextEncoder().encode("hello hello hello hello");
 * const compressed = deflater.deflate(text).slice(); // ends with 00 00 ff ff
 * inflater.push(compressed);
 * const out = new Uint8Array(64);
 * const n = inflater.read(out, 0, out.length);
 * console.assert(new TextDecoder().decode(out.subarray(0, n)) === "hello hello hello hello");
 * ```
 *
 * @module
 */

import {
  Z_BUF_ERROR,
  Z_DEFAULT_STRATEGY,
  Z_OK,
  Z_STREAM_END,
  Z_SYNC_FLUSH,
  zlibDeflate,
  zlibDeflateEnd,
  zlibDeflateInit2,
  zlibDeflateReset,
  zlibInflate,
  zlibInflateEnd,
  zlibInflateInit2,
  zlibInflateReset,
  ZStream,
} from "pako";
import type {
  DeflateProvider,
  RawDeflateOptions,
  RawDeflater,
  RawInflater,
} from "../protocols/websocket/deflate.ts";

/** How the provider compresses. */
export interface DeflateProviderOptions {
  /** The compression level, 0 (store) to 9 (smallest). Default 1: fastest, like Go's gorilla/websocket. */
  level?: number;
  /** zlib's memLevel, 1 to 9: memory for the match finder (2^(memLevel + 9) bytes). Default 8. */
  memLevel?: number;
}

/** An empty stored block: what a sync flush emits (RFC 7692 section 7.2.1). */
const EMPTY_BLOCK = new Uint8Array([0x00, 0x00, 0x00, 0xff, 0xff]);
const NO_INPUT = new Uint8Array(0);
const Z_DEFLATED = 8;

type Output = Uint8Array<ArrayBuffer>;

function check(status: number, strm: ZStream, what: string): void {
  if (status !== Z_OK) throw new Error(`${what} failed: ${strm.msg || status}`);
}

/** A pako deflate stream. */
class DeflateEngine {
  readonly strm = new ZStream();
  owner: object | null = null;

  constructor(windowBits: number, level: number, memLevel: number) {
    // zlib refuses an 8-bit raw window; 9 bits keeps distances below 250, inside 256.
    const bits = Math.max(9, windowBits);
    check(
      zlibDeflateInit2(this.strm, level, Z_DEFLATED, -bits, memLevel, Z_DEFAULT_STRATEGY),
      this.strm,
      "deflateInit2",
    );
  }

  /** Compresses `data` with a sync flush into the provider's output buffer. */
  deflate(data: Uint8Array, provider: PakoDeflateProvider): Uint8Array {
    const strm = this.strm;
    strm.input = data;
    strm.next_in = 0;
    strm.avail_in = data.length;
    let out = provider.output(data.length + (data.length >>> 3) + 64);
    let produced = 0;
    for (;;) {
      strm.output = out;
      strm.next_out = produced;
      strm.avail_out = out.length - produced;
      const status = zlibDeflate(strm, Z_SYNC_FLUSH);
      if (status !== Z_OK && status !== Z_BUF_ERROR) {
        throw new Error(`deflate failed: ${strm.msg || status}`);
      }
      produced = strm.next_out;
      if (strm.avail_out !== 0) break;
      out = provider.grow(produced);
    }
    strm.input = NO_INPUT;
    // zlib emits nothing for a flush right after a flush with no new input.
    return produced === 0 ? EMPTY_BLOCK : out.subarray(0, produced);
  }

  reset(): void {
    zlibDeflateReset(this.strm);
  }

  end(): void {
    zlibDeflateEnd(this.strm);
  }
}

/** A pako inflate stream. */
class InflateEngine {
  readonly strm = new ZStream();
  owner: object | null = null;
  /** A BFINAL block ended the stream with the input: a sync-flush marker may follow. */
  #ended = false;

  readonly #maxDistance: number;

  constructor(windowBits: number) {
    // zlib deflaters asked for an 8-bit window use 9 bits (zlib's own rule)
    const bits = Math.max(9, windowBits);
    this.#maxDistance = 1 << bits;
    check(zlibInflateInit2(this.strm, -bits), this.strm, "inflateInit2");
    this.#limitDistances();
    this.strm.input = NO_INPUT;
  }

  /**
   * Makes a distance past the window damage, whatever was inflated before.
   * pako's raw mode checks distances only against the bytes it can still
   * see (the window, plus the output of the current call), so a stream
   * reaching too far back inflated or failed depending on how its input and
   * output were cut (found by fuzzing).
   */
  #limitDistances(): void {
    (this.strm as unknown as { state: { dmax: number } }).state.dmax = this.#maxDistance;
  }

  push(data: Uint8Array): void {
    if (this.#ended) {
      this.#ended = false;
      // The 00 00 ff ff a receiver appends after a message that ended with a
      // BFINAL block (RFC 7692 section 7.2.3.4) belongs to no stream.
      if (
        data.length === 4 && data[0] === 0 && data[1] === 0 && data[2] === 0xff && data[3] === 0xff
      ) {
        data = NO_INPUT;
      }
    }
    this.strm.input = data;
    this.strm.next_in = 0;
    this.strm.avail_in = data.length;
  }

  read(output: Uint8Array, offset: number, end: number): number {
    const strm = this.strm;
    strm.output = output as Output;
    strm.next_out = offset;
    strm.avail_out = end - offset;
    for (;;) {
      const status = zlibInflate(strm, Z_SYNC_FLUSH);
      if (status === Z_STREAM_END) {
        // A block with BFINAL set ends the stream; what follows starts a new one.
        const { input, next_in: nextIn, avail_in: availIn } = strm;
        zlibInflateReset(strm);
        this.#limitDistances();
        strm.input = input;
        strm.next_in = nextIn;
        strm.avail_in = availIn;
        if (availIn > 0 && strm.avail_out > 0) continue;
        this.#ended = availIn === 0;
        break;
      }
      if (status !== Z_OK && status !== Z_BUF_ERROR) {
        const error = new Error(`inflate failed: ${strm.msg || status}`);
        throw Object.assign(error, { written: strm.next_out - offset });
      }
      break;
    }
    const written = strm.next_out - offset;
    if (strm.avail_in === 0) strm.input = NO_INPUT;
    return written;
  }

  reset(): void {
    zlibInflateReset(this.strm);
    this.#limitDistances();
    this.#ended = false;
    this.strm.input = NO_INPUT;
    this.strm.avail_in = 0;
  }

  end(): void {
    zlibInflateEnd(this.strm);
  }
}

/**
 * The engine a connection uses: its own, or for an endpoint that resets after
 * every message, one shared per window size while nobody else is using it.
 */
class EngineSlot<E extends { owner: object | null; reset(): void; end(): void }> {
  #own: E | null = null;
  #shared: E | null = null;

  constructor(
    private readonly make: () => E,
    private readonly shared: (() => E) | null,
  ) {}

  get(owner: object): E {
    if (this.#own !== null) return this.#own;
    if (this.shared !== null) {
      const engine = this.#shared ?? this.shared();
      if (engine.owner === null || engine.owner === owner) {
        engine.owner = owner;
        this.#shared = engine;
        return engine;
      }
    }
    this.#own = this.make();
    return this.#own;
  }

  reset(): void {
    if (this.#own !== null) this.#own.reset();
    if (this.#shared !== null) {
      this.#shared.reset();
      this.#shared.owner = null;
      this.#shared = null;
    }
  }

  dispose(): void {
    this.#own?.end();
    this.#own = null;
    if (this.#shared !== null) {
      this.#shared.reset();
      this.#shared.owner = null;
      this.#shared = null;
    }
  }
}

class PakoDeflater implements RawDeflater {
  readonly #slot: EngineSlot<DeflateEngine>;
  readonly #provider: PakoDeflateProvider;

  constructor(slot: EngineSlot<DeflateEngine>, provider: PakoDeflateProvider) {
    this.#slot = slot;
    this.#provider = provider;
  }

  deflate(data: Uint8Array): Uint8Array {
    return this.#slot.get(this).deflate(data, this.#provider);
  }

  reset(): void {
    this.#slot.reset();
  }

  dispose(): void {
    this.#slot.dispose();
  }
}

class PakoInflater implements RawInflater {
  readonly #slot: EngineSlot<InflateEngine>;

  constructor(slot: EngineSlot<InflateEngine>) {
    this.#slot = slot;
  }

  push(data: Uint8Array): void {
    this.#slot.get(this).push(data);
  }

  read(output: Uint8Array, offset: number, end: number): number {
    return this.#slot.get(this).read(output, offset, end);
  }

  reset(): void {
    this.#slot.reset();
  }

  dispose(): void {
    this.#slot.dispose();
  }
}

class PakoDeflateProvider implements DeflateProvider {
  readonly #level: number;
  readonly #memLevel: number;
  #output: Output = new Uint8Array(4096);
  readonly #sharedDeflate = new Map<number, DeflateEngine>();
  readonly #sharedInflate = new Map<number, InflateEngine>();

  constructor(level: number, memLevel: number) {
    this.#level = level;
    this.#memLevel = memLevel;
  }

  createDeflater(options: RawDeflateOptions): RawDeflater {
    const bits = checkBits(options.windowBits);
    const make = () => new DeflateEngine(bits, this.#level, this.#memLevel);
    const shared = options.noContextTakeover
      ? () => getOrMake(this.#sharedDeflate, bits, make)
      : null;
    return new PakoDeflater(new EngineSlot(make, shared), this);
  }

  createInflater(options: RawDeflateOptions): RawInflater {
    const bits = checkBits(options.windowBits);
    const make = () => new InflateEngine(bits);
    const shared = options.noContextTakeover
      ? () => getOrMake(this.#sharedInflate, bits, make)
      : null;
    return new PakoInflater(new EngineSlot(make, shared));
  }

  /** The shared output buffer, at least `size` bytes (a hint; it grows on demand). */
  output(size: number): Output {
    if (this.#output.length < size) this.#output = new Uint8Array(Math.min(size, 1 << 24));
    return this.#output;
  }

  /** Doubles the output buffer, keeping its first `used` bytes. */
  grow(used: number): Output {
    const next = new Uint8Array(this.#output.length * 2);
    next.set(this.#output.subarray(0, used));
    this.#output = next;
    return next;
  }
}

function getOrMake<E>(map: Map<number, E>, bits: number, make: () => E): E {
  let engine = map.get(bits);
  if (engine === undefined) map.set(bits, engine = make());
  return engine;
}

function checkBits(bits: number): number {
  if (!Number.isInteger(bits) || bits < 8 || bits > 15) {
    throw new RangeError(`windowBits must be an integer from 8 to 15, not ${bits}`);
  }
  return bits;
}

/**
 * Creates the DEFLATE provider to hand to `WebSocketConnection`.
 *
 * @param options the compression level and memory level
 * @returns the provider; one can serve every connection of a process
 *
 * @example
 * ```ts
 * import { createDeflateProvider } from "./deflate.ts";
 * import { WebSocketConnection } from "../protocols/websocket/mod.ts";
 *
 * const connection = new WebSocketConnection({
 *   role: "server",
 *   perMessageDeflate: {
 *     serverNoContextTakeover: false,
 *     clientNoContextTakeover: false,
 *     serverMaxWindowBits: 15,
 *     clientMaxWindowBits: 15,
 *   },
 *   deflate: createDeflateProvider(),
 * });
 * console.assert(connection.sendText("x".repeat(2000)).length < 100);
 * ```
 */
export function createDeflateProvider(options: DeflateProviderOptions = {}): DeflateProvider {
  const level = options.level ?? 1;
  const memLevel = options.memLevel ?? 8;
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new RangeError(`level must be an integer from 0 to 9, not ${level}`);
  }
  if (!Number.isInteger(memLevel) || memLevel < 1 || memLevel > 9) {
    throw new RangeError(`memLevel must be an integer from 1 to 9, not ${memLevel}`);
  }
  return new PakoDeflateProvider(level, memLevel);
}
