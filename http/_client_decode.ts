// Content-Encoding decoding of response bodies (RFC 9110 8.4): gzip (and
// x-gzip), deflate and br, in the reverse order of the field, with node:zlib
// (in Node and in Deno's Node compatibility layer, the same zlib in both).
// `DecompressionStream` would do for gzip and deflate, but Deno's refuses
// multi-member gzip (valid per RFC 1952) and Node 20's has no brotli.
//
// "deflate" is the zlib format (RFC 1950); servers that send raw deflate
// (RFC 1951) instead are detected from the first two bytes, as browsers do.
// An empty body decodes to an empty body. Unknown codings leave the body as it
// came (the caller sees `Content-Encoding` and decides).

import zlib from "node:zlib";
import type { HeaderList } from "../protocols/http1/mod.ts";
import { nameIs } from "./_client_headers.ts";

/** What a decoder reports. */
export interface DecoderSink {
  onData(chunk: Uint8Array): void;
  onEnd(): void;
  onError(error: Error): void;
}

/** A body decoder: feed it the encoded bytes, it calls the sink with the decoded ones. */
export interface Decoder {
  write(chunk: Uint8Array): void;
  end(): void;
  /** Stops output (the reader is full) until `resume()`. */
  pause(): void;
  resume(): void;
  destroy(): void;
}

type Coding = "gzip" | "deflate" | "br";
type ZlibStream = zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress;

/**
 * The codings to undo, last applied first, or `null` when there are none or
 * one is unknown (then the body is left as it is).
 */
export function codingsOf(headers: HeaderList): Coding[] | null {
  let codings: Coding[] | null = null;
  for (let i = 0; i < headers.length; i++) {
    if (!nameIs(headers[i][0], "content-encoding")) continue;
    for (const raw of headers[i][1].split(",")) {
      const coding = raw.trim().toLowerCase();
      if (coding === "" || coding === "identity") continue;
      let known: Coding;
      if (coding === "gzip" || coding === "x-gzip") known = "gzip";
      else if (coding === "deflate") known = "deflate";
      else if (coding === "br") known = "br";
      else return null;
      (codings ??= []).push(known);
    }
  }
  if (codings === null || codings.length > 5) return null; // more is an attack, not content
  return codings.reverse();
}

/** A decoder for `codings` (the first undone first) reporting to `sink`. */
export function createDecoder(codings: Coding[], sink: DecoderSink): Decoder {
  let next: DecoderSink = sink;
  let decoder: StageDecoder | null = null;
  for (let i = codings.length - 1; i >= 0; i--) {
    decoder = new StageDecoder(codings[i], next);
    const stage = decoder;
    next = {
      onData: (chunk) => stage.write(chunk),
      onEnd: () => stage.end(),
      onError: (error) => sink.onError(error),
    };
  }
  return decoder as StageDecoder;
}

/** One coding undone by a zlib stream. */
class StageDecoder implements Decoder {
  readonly #coding: Coding;
  readonly #sink: DecoderSink;
  #stream: ZlibStream | null = null;
  #bytesIn = 0;
  #ended = false;
  #failed = false;
  #paused = false;
  /** One byte of a deflate body, kept until the second tells zlib from raw. */
  #held: Uint8Array | null = null;

  constructor(coding: Coding, sink: DecoderSink) {
    this.#coding = coding;
    this.#sink = sink;
  }

  #open(first: Uint8Array): ZlibStream {
    let stream: ZlibStream;
    switch (this.#coding) {
      case "gzip":
        stream = zlib.createGunzip();
        break;
      case "br":
        stream = zlib.createBrotliDecompress();
        break;
      default:
        // zlib header: CM 8 in the low nibble, and the 16-bit header a multiple of 31.
        stream =
          first.length >= 2 && (first[0] & 0x0f) === 8 && ((first[0] << 8) | first[1]) % 31 === 0
            ? zlib.createInflate()
            : zlib.createInflateRaw();
    }
    stream.on("data", (chunk: Uint8Array) => {
      if (!this.#failed) this.#sink.onData(chunk);
    });
    stream.on("end", () => {
      if (!this.#failed) this.#sink.onEnd();
    });
    stream.on("error", (error: Error) => {
      if (this.#failed) return;
      this.#failed = true;
      this.#sink.onError(error);
    });
    if (this.#paused) stream.pause();
    return stream;
  }

  write(chunk: Uint8Array): void {
    if (this.#failed || this.#ended || chunk.length === 0) return;
    if (this.#stream === null) {
      if (this.#bytesIn === 0 && this.#coding === "deflate" && chunk.length === 1) {
        // Too short to tell zlib from raw deflate: wait for one more byte.
        this.#held = chunk.slice();
        this.#bytesIn = 1;
        return;
      }
      const first = this.#held !== null ? concat2(this.#held, chunk) : chunk;
      this.#held = null;
      const stream = this.#stream = this.#open(first);
      this.#bytesIn += chunk.length;
      stream.write(first);
      return;
    }
    this.#bytesIn += chunk.length;
    this.#stream.write(chunk);
  }

  end(): void {
    if (this.#failed || this.#ended) return;
    this.#ended = true;
    let stream = this.#stream;
    if (stream === null) {
      const held = this.#held;
      if (held === null) {
        this.#sink.onEnd(); // an empty body is an empty body, whatever its coding
        return;
      }
      stream = this.#stream = this.#open(held);
      stream.write(held);
      this.#held = null;
    }
    stream.end();
  }

  pause(): void {
    this.#paused = true;
    this.#stream?.pause();
  }

  resume(): void {
    this.#paused = false;
    this.#stream?.resume();
  }

  destroy(): void {
    this.#failed = true;
    this.#stream?.destroy();
  }
}

function concat2(a: Uint8Array, b: Uint8Array): Uint8Array {
  const all = new Uint8Array(a.length + b.length);
  all.set(a);
  all.set(b, a.length);
  return all;
}
