// Fetch's "extract a body" for the objects a `Response` (or `Request`) is made
// from, done lazily: a string stays a string until it is sent or read, bytes stay
// the caller's bytes (the standard copies them; not copying saves a copy of every
// body, 150 us per MiB on a busy server: the caller must not change them until
// they are sent), a stream stays a stream. FormData bodies (multipart with a
// generated boundary) are left to the runtime's own classes.

/** What a body is kept as: text, bytes, a stream, a Blob, or nothing. */
export type BodySource = string | Uint8Array | ReadableStream<Uint8Array> | Blob | null;

/** A body and the `Content-Type` it implies (`null`: none). */
export interface ExtractedBody {
  source: BodySource;
  type: string | null;
}

const TEXT = "text/plain;charset=UTF-8";
const FORM = "application/x-www-form-urlencoded;charset=UTF-8";

/** Fetch's "extract a body"; `null` for a FormData body, which the runtime's class must encode. */
export function extractBody(init: unknown): ExtractedBody | null {
  if (init === null || init === undefined) return { source: null, type: null };
  if (typeof init === "string") return { source: init, type: TEXT };
  if (init instanceof Uint8Array) return { source: init, type: null };
  if (init instanceof ArrayBuffer) return { source: new Uint8Array(init), type: null };
  if (ArrayBuffer.isView(init)) {
    return { source: new Uint8Array(init.buffer, init.byteOffset, init.byteLength), type: null };
  }
  if (init instanceof ReadableStream) {
    if (init.locked) throw new TypeError("the body stream is locked");
    return { source: init as ReadableStream<Uint8Array>, type: null };
  }
  if (init instanceof URLSearchParams) return { source: init.toString(), type: FORM };
  if (typeof Blob !== "undefined" && init instanceof Blob) {
    return { source: init, type: init.type === "" ? null : init.type };
  }
  if (typeof FormData !== "undefined" && init instanceof FormData) return null;
  if (typeof SharedArrayBuffer !== "undefined" && init instanceof SharedArrayBuffer) {
    return { source: new Uint8Array(init.slice(0)), type: null };
  }
  return { source: String(init), type: TEXT };
}

const encoder = new TextEncoder();

/** The bytes of a string or byte source (not of streams or Blobs). */
export function sourceBytes(source: string | Uint8Array): Uint8Array {
  return typeof source === "string" ? encoder.encode(source) : source;
}

/** A stream over a source that is not one yet. */
export function sourceStream(source: Exclude<BodySource, null>): ReadableStream<Uint8Array> {
  if (source instanceof ReadableStream) return source;
  if (typeof Blob !== "undefined" && source instanceof Blob) {
    return source.stream() as ReadableStream<Uint8Array>;
  }
  const bytes = sourceBytes(source as string | Uint8Array);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (bytes.length > 0) controller.enqueue(bytes);
      controller.close();
    },
  });
}
