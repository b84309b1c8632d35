// The Autobahn-style case table, shared by the server and client tests: each
// case is what the tester sends (frames masked when the tester is the client)
// and what the echoing side under test must answer.

import { deflateRawSync } from "./_deflate_peer.ts";
import { binaryMessage, closePayload, frame, textMessage } from "./_frames.ts";

/** One case. */
export interface Case {
  /** Autobahn-like section and name. */
  name: string;
  /** The chunks to send (numbers wait that many ms); `mask` for a tester acting as client. */
  send(mask: boolean): Array<Uint8Array | number>;
  /** Messages the side under test must send back, in order (`t:`, `b:`, `pong:`). */
  messages?: string[];
  /** Close codes accepted from the side under test (the first is what a good peer sends). */
  close: number[];
  /** Offer permessage-deflate (the case needs the extension). */
  deflate?: string;
}

const enc = new TextEncoder();
const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const bytes = (n: number, seed = 1) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const closeNormal = (mask: boolean) => frame({ opcode: 8, payload: closePayload(1000), mask });
/** Pause before the tester's Close, so answers can come first. */
const PAUSE = 30;

function echoCase(
  name: string,
  frames: (mask: boolean) => Uint8Array[],
  messages: string[],
  options: { split?: number; deflate?: string } = {},
): Case {
  return {
    name,
    send(mask) {
      const all = frames(mask);
      const out: Array<Uint8Array | number> = [];
      if (options.split !== undefined) {
        const joined = new Uint8Array(all.reduce((n, f) => n + f.length, 0));
        let at = 0;
        for (const f of all) {
          joined.set(f, at);
          at += f.length;
        }
        for (let i = 0; i < joined.length; i += options.split) {
          out.push(joined.subarray(i, i + options.split));
        }
      } else out.push(...all);
      out.push(PAUSE, closeNormal(mask));
      return out;
    },
    messages,
    close: [1000],
    ...(options.deflate === undefined ? {} : { deflate: options.deflate }),
  };
}

function failCase(
  name: string,
  frames: (mask: boolean) => Array<Uint8Array | number>,
  close: number[],
  messages?: string[],
  deflate?: string,
): Case {
  return {
    name,
    send: (mask) => [...frames(mask), PAUSE, closeNormal(mask)],
    close,
    ...(messages === undefined ? {} : { messages }),
    ...(deflate === undefined ? {} : { deflate }),
  };
}

const cases: Case[] = [];

// 1. Framing: text and binary at the length-encoding edges, whole and cut into pieces.
for (const n of [0, 1, 125, 126, 127, 128, 65535, 65536, 300000]) {
  const text = "*".repeat(n);
  cases.push(
    echoCase(`1.1 text of ${n} bytes`, (m) => [frame({ opcode: 1, payload: text, mask: m })], [
      textMessage(text),
    ]),
  );
  const data = bytes(n);
  cases.push(
    echoCase(`1.2 binary of ${n} bytes`, (m) => [frame({ opcode: 2, payload: data, mask: m })], [
      binaryMessage(data),
    ]),
  );
}
for (const split of [1, 2, 3, 7, 997]) {
  const text = "Hello, wirestack! ".repeat(20);
  cases.push(
    echoCase(
      `1.3 text written ${split} bytes at a time`,
      (m) => [frame({ opcode: 1, payload: text, mask: m })],
      [textMessage(text)],
      { split },
    ),
  );
}

// 2. Pings and pongs.
for (const n of [0, 1, 124, 125]) {
  const data = bytes(n, 7);
  cases.push(
    echoCase(`2.1 ping with ${n} bytes`, (m) => [frame({ opcode: 9, payload: data, mask: m })], [
      `pong:${hex(data)}`,
    ]),
  );
}
cases.push(
  failCase("2.2 ping with 126 bytes", (m) => [frame({ opcode: 9, payload: bytes(126), mask: m })], [
    1002,
  ]),
);
cases.push(
  echoCase(
    "2.3 unsolicited pong is ignored",
    (
      m,
    ) => [
      frame({ opcode: 10, payload: "hb", mask: m }),
      frame({ opcode: 1, payload: "after", mask: m }),
    ],
    [textMessage("after")],
  ),
);
cases.push(
  echoCase(
    "2.4 ten pings, ten pongs",
    (m) => Array.from({ length: 10 }, (_, i) => frame({ opcode: 9, payload: `p${i}`, mask: m })),
    Array.from({ length: 10 }, (_, i) => `pong:${hex(enc.encode(`p${i}`))}`),
  ),
);
cases.push(
  echoCase(
    "2.5 ping written a byte at a time",
    (m) => [frame({ opcode: 9, payload: "slow ping", mask: m })],
    [`pong:${hex(enc.encode("slow ping"))}`],
    { split: 1 },
  ),
);
cases.push(
  failCase(
    "2.6 fragmented ping",
    (
      m,
    ) => [
      frame({ opcode: 9, payload: "a", fin: false, mask: m }),
      frame({ opcode: 0, payload: "b", mask: m }),
    ],
    [1002],
  ),
);
cases.push(
  failCase(
    "2.7 pong with 126 bytes",
    (m) => [frame({ opcode: 10, payload: bytes(126), mask: m })],
    [1002],
  ),
);

// 3. Reserved bits.
for (const rsv of [1, 2, 3, 4, 5, 6, 7]) {
  cases.push(
    failCase(
      `3.${rsv} RSV=${rsv} on text`,
      (m) => [frame({ opcode: 1, payload: "x", rsv, mask: m })],
      [1002],
    ),
  );
}
cases.push(
  failCase("3.8 RSV on binary", (m) => [frame({ opcode: 2, payload: bytes(3), rsv: 2, mask: m })], [
    1002,
  ]),
);
cases.push(
  failCase("3.9 RSV on ping", (m) => [frame({ opcode: 9, payload: "x", rsv: 1, mask: m })], [1002]),
);
cases.push(
  failCase(
    "3.10 RSV on close",
    (m) => [frame({ opcode: 8, payload: closePayload(1000), rsv: 4, mask: m })],
    [1002],
  ),
);
cases.push(
  failCase(
    "3.11 RSV after a good message",
    (
      m,
    ) => [
      frame({ opcode: 1, payload: "ok", mask: m }),
      PAUSE,
      frame({ opcode: 1, payload: "x", rsv: 2, mask: m }),
    ],
    [1002],
    [textMessage("ok")],
  ),
);

// 4. Opcodes.
for (const opcode of [3, 4, 5, 6, 7, 11, 12, 13, 14, 15]) {
  cases.push(
    failCase(
      `4.${opcode} reserved opcode ${opcode}`,
      (m) => [frame({ opcode, payload: "x", mask: m })],
      [1002],
    ),
  );
}
cases.push(
  failCase(
    "4.16 reserved opcode after a good message",
    (m) => [frame({ opcode: 1, payload: "ok", mask: m }), PAUSE, frame({ opcode: 5, mask: m })],
    [1002],
    [textMessage("ok")],
  ),
);

// 5. Fragmentation.
cases.push(
  echoCase(
    "5.1 text in two fragments",
    (
      m,
    ) => [
      frame({ opcode: 1, payload: "frag", fin: false, mask: m }),
      frame({ opcode: 0, payload: "ment", mask: m }),
    ],
    [textMessage("fragment")],
  ),
);
cases.push(
  echoCase(
    "5.2 binary in three fragments",
    (
      m,
    ) => [
      frame({ opcode: 2, payload: bytes(10), fin: false, mask: m }),
      frame({ opcode: 0, payload: bytes(0), fin: false, mask: m }),
      frame({ opcode: 0, payload: bytes(5, 3), mask: m }),
    ],
    [binaryMessage(new Uint8Array([...bytes(10), ...bytes(5, 3)]))],
  ),
);
cases.push(
  echoCase(
    "5.3 ping between fragments",
    (
      m,
    ) => [
      frame({ opcode: 1, payload: "a", fin: false, mask: m }),
      frame({ opcode: 9, payload: "mid", mask: m }),
      frame({ opcode: 0, payload: "b", mask: m }),
    ],
    [`pong:${hex(enc.encode("mid"))}`, textMessage("ab")],
  ),
);
cases.push(
  echoCase(
    "5.4 pong between fragments",
    (
      m,
    ) => [
      frame({ opcode: 1, payload: "a", fin: false, mask: m }),
      frame({ opcode: 10, payload: "mid", mask: m }),
      frame({ opcode: 0, payload: "b", mask: m }),
    ],
    [textMessage("ab")],
  ),
);
cases.push(
  echoCase(
    "5.5 fragments and interleaved pings written a byte at a time",
    (
      m,
    ) => [
      frame({ opcode: 1, payload: "a", fin: false, mask: m }),
      frame({ opcode: 9, payload: "mid", mask: m }),
      frame({ opcode: 0, payload: "b", mask: m }),
    ],
    [`pong:${hex(enc.encode("mid"))}`, textMessage("ab")],
    { split: 1 },
  ),
);
cases.push(
  echoCase(
    "5.6 a hundred 1-byte fragments",
    (m) =>
      Array.from(
        { length: 100 },
        (_, i) => frame({ opcode: i === 0 ? 1 : 0, payload: "z", fin: i === 99, mask: m }),
      ),
    [
      textMessage("z".repeat(100)),
    ],
  ),
);
cases.push(
  echoCase(
    "5.7 empty fragments",
    (
      m,
    ) => [
      frame({ opcode: 1, payload: "", fin: false, mask: m }),
      frame({ opcode: 0, payload: "", fin: false, mask: m }),
      frame({ opcode: 0, payload: "", mask: m }),
    ],
    [textMessage("")],
  ),
);
cases.push(
  failCase(
    "5.8 continuation without a start",
    (m) => [frame({ opcode: 0, payload: "x", mask: m })],
    [1002],
  ),
);
cases.push(
  failCase(
    "5.9 unfinished continuation without a start",
    (m) => [frame({ opcode: 0, payload: "x", fin: false, mask: m })],
    [1002],
  ),
);
cases.push(
  failCase(
    "5.10 new text while a message is fragmented",
    (
      m,
    ) => [
      frame({ opcode: 1, payload: "a", fin: false, mask: m }),
      frame({ opcode: 1, payload: "b", mask: m }),
    ],
    [1002],
  ),
);
cases.push(
  failCase(
    "5.11 new binary while a message is fragmented",
    (
      m,
    ) => [
      frame({ opcode: 2, payload: "a", fin: false, mask: m }),
      frame({ opcode: 2, payload: "b", mask: m }),
    ],
    [1002],
  ),
);
cases.push(
  failCase(
    "5.12 fragmented close",
    (m) => [frame({ opcode: 8, payload: closePayload(1000), fin: false, mask: m })],
    [1002],
  ),
);
cases.push(
  failCase(
    "5.13 continuation after a whole message",
    (
      m,
    ) => [
      frame({ opcode: 1, payload: "a", mask: m }),
      PAUSE,
      frame({ opcode: 0, payload: "b", mask: m }),
    ],
    [1002],
    [textMessage("a")],
  ),
);

// 6. UTF-8.
const valid = [
  "\u03ba\u03cc\u03c3\u03bc\u03b5",
  "\u0080",
  "\u07ff",
  "\u0800",
  "\uffff",
  "\u{10000}",
  "\u{10ffff}",
  "\ud7ff\ue000\ufffd",
  "Hello-\u00b5@\u00df\u00f6\u00e4\u00fc\u00e0\u00e1-UTF-8!!",
  "a\u0000b",
];
for (const [i, text] of valid.entries()) {
  cases.push(
    echoCase(
      `6.1.${i} valid UTF-8 ${JSON.stringify(text).slice(0, 24)}`,
      (m) => [frame({ opcode: 1, payload: text, mask: m })],
      [textMessage(text)],
    ),
  );
  const data = enc.encode(text);
  cases.push(
    echoCase(
      `6.2.${i} valid UTF-8 split into 1-byte fragments`,
      (m) =>
        Array.from({ length: Math.max(1, data.length) }, (_, k) =>
          frame({
            opcode: k === 0 ? 1 : 0,
            payload: data.subarray(k, k + 1),
            fin: k === Math.max(1, data.length) - 1,
            mask: m,
          })),
      [textMessage(text)],
    ),
  );
}
const invalid: number[][] = [
  [0x80],
  [0xbf],
  [0xc0, 0xaf],
  [0xc1, 0xbf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xed, 0xbf, 0xbf],
  [0xf0, 0x80, 0x80, 0xaf],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf5, 0x80, 0x80, 0x80],
  [0xfe],
  [0xff],
  [
    0xce,
    0xba,
    0xe1,
    0xbd,
    0xb9,
    0xcf,
    0x83,
    0xce,
    0xbc,
    0xce,
    0xb5,
    0xed,
    0xa0,
    0x80,
    0x65,
    0x64,
    0x69,
    0x74,
    0x65,
    0x64,
  ],
  [0x61, 0xc3],
  [0xe2, 0x82],
];
for (const [i, seq] of invalid.entries()) {
  const data = new Uint8Array(seq);
  cases.push(
    failCase(
      `6.3.${i} invalid UTF-8 ${hex(data).slice(0, 20)}`,
      (m) => [frame({ opcode: 1, payload: data, mask: m })],
      [1007],
    ),
  );
  cases.push(
    failCase(
      `6.4.${i} invalid UTF-8 in fragments`,
      (m) =>
        Array.from({ length: data.length }, (_, k) =>
          frame({
            opcode: k === 0 ? 1 : 0,
            payload: data.subarray(k, k + 1),
            fin: k === data.length - 1,
            mask: m,
          })),
      [1007],
    ),
  );
}
// Fail fast: the bad byte comes in an unfinished fragment; the rest never comes.
cases.push(
  failCase(
    "6.5 fail fast on a bad byte in the first fragment",
    (m) => [frame({ opcode: 1, payload: new Uint8Array([0x61, 0xff]), fin: false, mask: m }), 3000],
    [1007],
  ),
);
cases.push(failCase("6.6 fail fast on a bad byte mid-frame", (m) => {
  const whole = frame({
    opcode: 1,
    payload: new Uint8Array([0x61, 0x62, 0xc0, 0x80, ...bytes(40)]),
    mask: m,
  });
  return [whole.subarray(0, m ? 10 : 6), 3000]; // header, key, "ab", 0xc0 0x80 ... and no more
}, [1007]));

// 7. Close.
cases.push(
  failCase("7.1 close without payload", (m) => [frame({ opcode: 8, mask: m })], [1000, 1005]),
);
cases.push(
  failCase(
    "7.2 close with a 1-byte payload",
    (m) => [frame({ opcode: 8, payload: new Uint8Array([3]), mask: m })],
    [1002],
  ),
);
cases.push(
  failCase(
    "7.3 close with 123-byte reason",
    (m) => [frame({ opcode: 8, payload: closePayload(1000, "r".repeat(123)), mask: m })],
    [1000],
  ),
);
cases.push(
  failCase(
    "7.4 close with 124-byte reason (control frame too long)",
    (m) => [frame({ opcode: 8, payload: closePayload(1000, "r".repeat(124)), mask: m })],
    [1002],
  ),
);
cases.push(
  failCase(
    "7.5 close with invalid UTF-8 reason",
    (
      m,
    ) => [
      frame({
        opcode: 8,
        payload: closePayload(1000, new Uint8Array([0xce, 0xba, 0xff])),
        mask: m,
      }),
    ],
    [1007, 1002],
  ),
);
cases.push(
  failCase(
    "7.6 text after close is ignored",
    (
      m,
    ) => [
      frame({ opcode: 8, payload: closePayload(1000), mask: m }),
      frame({ opcode: 1, payload: "late", mask: m }),
    ],
    [1000],
    [],
  ),
);
cases.push(
  failCase(
    "7.7 ping after close is ignored",
    (
      m,
    ) => [
      frame({ opcode: 8, payload: closePayload(1000), mask: m }),
      frame({ opcode: 9, payload: "late", mask: m }),
    ],
    [1000],
    [],
  ),
);
for (const code of [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999]) {
  cases.push(
    failCase(
      `7.8 valid close code ${code}`,
      (m) => [frame({ opcode: 8, payload: closePayload(code, "x"), mask: m })],
      [code],
    ),
  );
}
for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535]) {
  cases.push(
    failCase(
      `7.9 invalid close code ${code}`,
      (m) => [frame({ opcode: 8, payload: closePayload(code), mask: m })],
      [1002],
    ),
  );
}

// 9. Larger messages, in pieces.
for (const n of [1 << 16, 1 << 18, 1 << 20]) {
  const data = bytes(n, 5);
  cases.push(
    echoCase(`9.1 binary of ${n} bytes`, (m) => [frame({ opcode: 2, payload: data, mask: m })], [
      binaryMessage(data),
    ]),
  );
  cases.push(
    echoCase(
      `9.2 binary of ${n} bytes in 4 KiB fragments`,
      (m) =>
        Array.from({ length: n / 4096 }, (_, k) =>
          frame({
            opcode: k === 0 ? 2 : 0,
            payload: data.subarray(k * 4096, (k + 1) * 4096),
            fin: k === n / 4096 - 1,
            mask: m,
          })),
      [binaryMessage(data)],
    ),
  );
}

// 12-13. permessage-deflate: compressed messages from the tester, each a final
// block (so they inflate alone, with or without context takeover).
const OFFER = "permessage-deflate; client_no_context_takeover; server_no_context_takeover";
for (const n of [1, 100, 4096, 65536]) {
  const text = "compress me ".repeat(Math.ceil(n / 12)).slice(0, n);
  cases.push(
    echoCase(
      `12.1 compressed text of ${n} bytes`,
      (m) => [frame({ opcode: 1, rsv: 4, payload: deflateRawSync(enc.encode(text)), mask: m })],
      [textMessage(text)],
      { deflate: OFFER },
    ),
  );
}
cases.push(echoCase(
  "12.2 compressed message in fragments",
  (m) => {
    const compressed = deflateRawSync(enc.encode("x".repeat(5000)));
    const half = compressed.length >> 1;
    return [
      frame({ opcode: 1, rsv: 4, fin: false, payload: compressed.subarray(0, half), mask: m }),
      frame({ opcode: 0, payload: compressed.subarray(half), mask: m }),
    ];
  },
  [textMessage("x".repeat(5000))],
  { deflate: OFFER },
));
cases.push(
  echoCase(
    "12.3 uncompressed message on a deflate connection",
    (m) => [frame({ opcode: 1, payload: "plain", mask: m })],
    [textMessage("plain")],
    { deflate: OFFER },
  ),
);
cases.push(
  failCase(
    "12.4 RSV1 on a continuation frame",
    (
      m,
    ) => [
      frame({ opcode: 1, rsv: 4, fin: false, payload: deflateRawSync(enc.encode("a")), mask: m }),
      frame({ opcode: 0, rsv: 4, payload: new Uint8Array(0), mask: m }),
    ],
    [1002],
    undefined,
    OFFER,
  ),
);
cases.push(
  failCase(
    "12.5 RSV1 on a ping",
    (m) => [frame({ opcode: 9, rsv: 4, payload: "x", mask: m })],
    [1002],
    undefined,
    OFFER,
  ),
);
cases.push(
  failCase(
    "12.6 garbage compressed data",
    (
      m,
    ) => [frame({ opcode: 1, rsv: 4, payload: new Uint8Array([0xff, 0xff, 0xff, 0xff]), mask: m })],
    [1007],
    undefined,
    OFFER,
  ),
);
cases.push(
  failCase(
    "12.7 compressed invalid UTF-8",
    (
      m,
    ) => [
      frame({
        opcode: 1,
        rsv: 4,
        payload: deflateRawSync(new Uint8Array([0x61, 0xff, 0x62])),
        mask: m,
      }),
    ],
    [1007],
    undefined,
    OFFER,
  ),
);

// Answers to what came before an error or a Close in the same write still go
// out first (Autobahn 3.3, 4.1.3, 5.15 and 7.1.x send them in one chop).
cases.push(
  failCase(
    "3.12 text, RSV, ping in one write",
    (
      m,
    ) => [
      concat([
        frame({ opcode: 1, payload: "Hello", mask: m }),
        frame({ opcode: 1, payload: "x", rsv: 3, mask: m }),
        frame({ opcode: 9, mask: m }),
      ]),
    ],
    [1002],
    [textMessage("Hello")],
  ),
);
cases.push(
  failCase(
    "4.17 text, reserved opcode, ping in one write",
    (
      m,
    ) => [
      concat([
        frame({ opcode: 1, payload: "Hello", mask: m }),
        frame({ opcode: 5, mask: m }),
        frame({ opcode: 9, mask: m }),
      ]),
    ],
    [1002],
    [textMessage("Hello")],
  ),
);
cases.push(
  failCase(
    "5.14 two fragments, a continuation with nothing to continue, text, in one write",
    (
      m,
    ) => [
      concat([
        frame({ opcode: 1, payload: "frag1", fin: false, mask: m }),
        frame({ opcode: 0, payload: "frag2", mask: m }),
        frame({ opcode: 0, payload: "x", fin: false, mask: m }),
        frame({ opcode: 1, payload: "y", mask: m }),
      ]),
    ],
    [1002],
    [textMessage("frag1frag2")],
  ),
);
cases.push(
  failCase(
    "7.10 text then close in one write",
    (
      m,
    ) => [
      concat([
        frame({ opcode: 1, payload: "last words", mask: m }),
        frame({ opcode: 8, payload: closePayload(1000), mask: m }),
      ]),
    ],
    [1000],
    [textMessage("last words")],
  ),
);
cases.push(
  failCase(
    "7.11 ping then close in one write",
    (
      m,
    ) => [
      concat([
        frame({ opcode: 9, payload: "p", mask: m }),
        frame({ opcode: 8, payload: closePayload(1000), mask: m }),
      ]),
    ],
    [1000],
    [`pong:${hex(enc.encode("p"))}`],
  ),
);

/** Every case. */
export const CASES: readonly Case[] = cases;

/** The cases needing no extension. */
export const PLAIN_CASES: readonly Case[] = cases.filter((c) => c.deflate === undefined);

/** The deflate cases. */
export const DEFLATE_CASES: readonly Case[] = cases.filter((c) => c.deflate !== undefined);
