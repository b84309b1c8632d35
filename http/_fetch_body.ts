// The body of a fetch() request, from any BodyInit (Fetch standard, "extract a
// body"): bytes that can be sent again (strings, buffers, URLSearchParams,
// Blob, FormData), or a stream that is sent once, chunked.

const encoder = new TextEncoder();

/** A request body ready to send. */
export interface ExtractedBody {
  /** The whole body, or `null` for a stream. */
  bytes: Uint8Array | null;
  /** The stream to send (when `bytes` is null). */
  stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | null;
  /** The Content-Type the body implies, if any. */
  type: string | null;
}

/** What `fetch()` accepts as a body. */
export type FetchBody =
  | string
  | ArrayBuffer
  | ArrayBufferView
  | Blob
  | FormData
  | URLSearchParams
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>;

function copy(view: ArrayBufferView | ArrayBuffer): Uint8Array {
  if (view instanceof ArrayBuffer) return new Uint8Array(view.slice(0));
  return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

/** Extracts `body`: synchronously when it is bytes already, else after reading it. */
export function extractBody(body: FetchBody): ExtractedBody | Promise<ExtractedBody> {
  if (typeof body === "string") {
    return { bytes: encoder.encode(body), stream: null, type: "text/plain;charset=UTF-8" };
  }
  if (body instanceof Uint8Array) return { bytes: body.slice(), stream: null, type: null };
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
    return { bytes: copy(body), stream: null, type: null };
  }
  if (body instanceof URLSearchParams) {
    return {
      bytes: encoder.encode(body.toString()),
      stream: null,
      type: "application/x-www-form-urlencoded;charset=UTF-8",
    };
  }
  if (typeof Blob === "function" && body instanceof Blob) {
    return body.arrayBuffer().then((buffer) => ({
      bytes: new Uint8Array(buffer),
      stream: null,
      type: body.type === "" ? null : body.type,
    }));
  }
  if (typeof FormData === "function" && body instanceof FormData) {
    // The runtime's own multipart encoder (boundary included).
    const encoded = new Response(body);
    const type = encoded.headers.get("content-type");
    return encoded.arrayBuffer().then((buffer) => ({
      bytes: new Uint8Array(buffer),
      stream: null,
      type,
    }));
  }
  if (typeof ReadableStream === "function" && body instanceof ReadableStream) {
    if (body.locked) throw new TypeError("the request body stream is locked");
    return { bytes: null, stream: body, type: null };
  }
  if (
    body !== null && typeof (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === "function"
  ) {
    return { bytes: null, stream: body as AsyncIterable<Uint8Array>, type: null };
  }
  return { bytes: encoder.encode(String(body)), stream: null, type: "text/plain;charset=UTF-8" };
}

/** Reads a stream body chunk by chunk, as bytes. */
export function streamReader(
  stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
): { next(): Promise<Uint8Array | null>; cancel(reason: unknown): void } {
  if (typeof ReadableStream === "function" && stream instanceof ReadableStream) {
    const reader = stream.getReader();
    return {
      async next() {
        const { done, value } = await reader.read();
        if (done) return null;
        return toBytes(value);
      },
      cancel(reason) {
        reader.cancel(reason).catch(() => {});
      },
    };
  }
  const iterator = (stream as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  return {
    async next() {
      const { done, value } = await iterator.next();
      return done ? null : toBytes(value);
    },
    cancel(reason) {
      iterator.return?.(reason)?.catch?.(() => {});
    },
  };
}

function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === "string") return encoder.encode(value);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) {
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  throw new TypeError("a request body stream must give Uint8Array chunks");
}
