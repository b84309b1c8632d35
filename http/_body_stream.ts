// A request body as a web `ReadableStream` over an exchange, pulled: nothing is
// read from the client (and no `100 Continue` sent) until the first read, and
// the connection stops reading whenever the stream's reader falls behind.

import type { BodySink, Exchange } from "./_exchange.ts";

/** The body of `exchange` as a stream; `onRead` runs on the first read (the body is then disturbed). */
export function requestBodyStream(
  exchange: Exchange,
  onRead?: () => void,
): ReadableStream<Uint8Array> {
  let started = false;
  let controller: ReadableStreamDefaultController<Uint8Array>;
  const sink: BodySink = {
    data(chunk) {
      controller.enqueue(chunk);
      return (controller.desiredSize ?? 0) > 0;
    },
    end() {
      controller.close();
    },
    error(error) {
      controller.error(error);
    },
  };
  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    pull() {
      if (!started) {
        started = true;
        onRead?.();
        exchange.readBody(sink);
      } else exchange.resumeBody();
    },
    cancel() {
      if (!started) onRead?.();
      started = true;
      exchange.discardBody();
    },
  }, { highWaterMark: 0 });
}
