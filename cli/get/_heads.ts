// Cuts the request and response heads out of a tapped connection's bytes
// (see _tap.ts): the first head each way, and the next response head after
// an interim (1xx) one. Heads are shown as Latin-1, byte for byte.

import type { Conn } from "../../adapters/mod.ts";
import type { TapObserver } from "./_tap.ts";

/** Where the heads go. */
export interface HeadSink {
  /** A connection opened, to `remote` (with TLS when `tls` is set). */
  connected(remote: string, tls: Conn["tls"]): void;
  /** The request head as sent (CRLFs included, the blank line too). */
  requestHead(head: string): void;
  /** A response head as received. */
  responseHead(head: string): void;
}

/** Most bytes kept while looking for the end of a head. */
const MAX_HEAD = 256 * 1024;

/** Bytes as ISO-8859-1 text, one character per byte (TextDecoder's "latin1" is windows-1252). */
function latin1(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return text;
}

class HeadCutter {
  #text = "";
  #done = false;
  readonly #onHead: (head: string) => boolean;

  /** `onHead` returns true to look for one more head (after a 1xx). */
  constructor(onHead: (head: string) => boolean) {
    this.#onHead = onHead;
  }

  reset(): void {
    this.#text = "";
    this.#done = false;
  }

  push(bytes: Uint8Array): void {
    if (this.#done) return;
    this.#text += latin1(bytes);
    for (;;) {
      const end = this.#text.indexOf("\r\n\r\n");
      if (end < 0) {
        if (this.#text.length > MAX_HEAD) this.#done = true;
        return;
      }
      const head = this.#text.slice(0, end + 4);
      this.#text = this.#text.slice(end + 4);
      if (!this.#onHead(head)) {
        this.#done = true;
        this.#text = "";
        return;
      }
    }
  }
}

/** An observer for `tapTransport` that reports heads to `sink`. */
export function headObserver(sink: HeadSink): TapObserver {
  const sent = new HeadCutter((head) => {
    sink.requestHead(head);
    return false;
  });
  const received = new HeadCutter((head) => {
    sink.responseHead(head);
    const status = /^HTTP\/\d\.\d (\d{3})/.exec(head)?.[1];
    return status !== undefined && status.startsWith("1") && status !== "101";
  });
  return {
    onOpen(conn) {
      sent.reset();
      received.reset();
      const addr = conn.remoteAddr;
      const remote = addr.transport === "unix"
        ? addr.path
        : addr.family === "IPv6"
        ? `[${addr.hostname}]:${addr.port}`
        : `${addr.hostname}:${addr.port}`;
      sink.connected(remote, conn.tls);
    },
    onSend: (bytes) => sent.push(bytes),
    onReceive: (bytes) => received.push(bytes),
  };
}
