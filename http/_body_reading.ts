// Reading whole bodies: chunks joined once, text decoded as UTF-8 (a leading BOM
// dropped, bad bytes replaced, as Fetch's "UTF-8 decode" does), JSON parsed.

const decoder = new TextDecoder();

/** The chunks joined into one array (the chunk itself when there is one). */
export function joinChunks(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Fetch's UTF-8 decode. */
export function decodeText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Reads a stream to its end. */
export async function readStream(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!(value instanceof Uint8Array)) {
      throw new TypeError("a body stream must give Uint8Array chunks");
    }
    chunks.push(value);
    total += value.length;
  }
  return joinChunks(chunks, total);
}

/** A fresh ArrayBuffer holding exactly `bytes`. */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) {
    return bytes.buffer as ArrayBuffer;
  }
  return bytes.slice().buffer as ArrayBuffer;
}
