// SHA-1 and SHA-256 (FIPS 180-4), synchronous. WebCrypto's digest is async, but
// certificate fingerprints, key identifiers and SPKI pins are needed inside
// synchronous code (a TLS peer-verification callback, the certificate parser),
// and certificates are small. SHA-1 serves only fingerprints and key identifiers
// (RFC 5280 4.2.1.2), never a signature.
//
// The hot path allocates nothing: whole blocks are read from the input where
// they lie, only the padded tail goes through a reused 128-byte buffer, and the
// state words are turned into hex or base64 directly.

const K256 = new Int32Array([
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
]);

const W = new Int32Array(80);
const TAIL = new Uint8Array(128);
/** The state of the last hash: 8 words for SHA-256, the first 5 for SHA-1. */
const STATE = new Int32Array(8);

type Compress = (block: Uint8Array, offset: number) => void;

function compress256(m: Uint8Array, offset: number): void {
  for (let t = 0; t < 16; t++) {
    const i = offset + 4 * t;
    W[t] = (m[i] << 24) | (m[i + 1] << 16) | (m[i + 2] << 8) | m[i + 3];
  }
  for (let t = 16; t < 64; t++) {
    const w15 = W[t - 15];
    const w2 = W[t - 2];
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[t] = (W[t - 16] + s0 + W[t - 7] + s1) | 0;
  }
  let a = STATE[0], b = STATE[1], c = STATE[2], d = STATE[3];
  let e = STATE[4], f = STATE[5], g = STATE[6], h = STATE[7];
  for (let t = 0; t < 64; t++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K256[t] + W[t]) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  STATE[0] += a;
  STATE[1] += b;
  STATE[2] += c;
  STATE[3] += d;
  STATE[4] += e;
  STATE[5] += f;
  STATE[6] += g;
  STATE[7] += h;
}

function compress1(m: Uint8Array, offset: number): void {
  for (let t = 0; t < 16; t++) {
    const i = offset + 4 * t;
    W[t] = (m[i] << 24) | (m[i + 1] << 16) | (m[i + 2] << 8) | m[i + 3];
  }
  for (let t = 16; t < 80; t++) {
    const x = W[t - 3] ^ W[t - 8] ^ W[t - 14] ^ W[t - 16];
    W[t] = (x << 1) | (x >>> 31);
  }
  let a = STATE[0], b = STATE[1], c = STATE[2], d = STATE[3], e = STATE[4];
  let t = 0;
  for (; t < 20; t++) {
    const temp = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + W[t]) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = temp;
  }
  for (; t < 40; t++) {
    const temp = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + W[t]) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = temp;
  }
  for (; t < 60; t++) {
    const temp = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + 0x8f1bbcdc + W[t]) |
      0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = temp;
  }
  for (; t < 80; t++) {
    const temp = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0xca62c1d6 + W[t]) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = temp;
  }
  STATE[0] += a;
  STATE[1] += b;
  STATE[2] += c;
  STATE[3] += d;
  STATE[4] += e;
}

/** Runs the compression over message[start, end) with FIPS 180 padding; the result is in STATE. */
function run(compress: Compress, message: Uint8Array, start: number, end: number): void {
  let offset = start;
  for (; offset + 64 <= end; offset += 64) compress(message, offset);
  const rest = end - offset;
  TAIL.fill(0);
  TAIL.set(message.subarray(offset, end));
  TAIL[rest] = 0x80;
  const tailLength = rest + 9 <= 64 ? 64 : 128;
  const bits = (end - start) * 8;
  const high = Math.floor(bits / 0x100000000);
  TAIL[tailLength - 8] = high >>> 24;
  TAIL[tailLength - 7] = (high >>> 16) & 255;
  TAIL[tailLength - 6] = (high >>> 8) & 255;
  TAIL[tailLength - 5] = high & 255;
  TAIL[tailLength - 4] = (bits >>> 24) & 255;
  TAIL[tailLength - 3] = (bits >>> 16) & 255;
  TAIL[tailLength - 2] = (bits >>> 8) & 255;
  TAIL[tailLength - 1] = bits & 255;
  compress(TAIL, 0);
  if (tailLength === 128) compress(TAIL, 64);
}

function start256(): void {
  STATE[0] = 0x6a09e667;
  STATE[1] = 0xbb67ae85 | 0;
  STATE[2] = 0x3c6ef372;
  STATE[3] = 0xa54ff53a | 0;
  STATE[4] = 0x510e527f;
  STATE[5] = 0x9b05688c | 0;
  STATE[6] = 0x1f83d9ab;
  STATE[7] = 0x5be0cd19;
}

function start1(): void {
  STATE[0] = 0x67452301;
  STATE[1] = 0xefcdab89 | 0;
  STATE[2] = 0x98badcfe | 0;
  STATE[3] = 0x10325476;
  STATE[4] = 0xc3d2e1f0 | 0;
}

function stateBytes(words: number): Uint8Array {
  const out = new Uint8Array(words * 4);
  for (let i = 0; i < words; i++) {
    out[4 * i] = STATE[i] >>> 24;
    out[4 * i + 1] = (STATE[i] >>> 16) & 255;
    out[4 * i + 2] = (STATE[i] >>> 8) & 255;
    out[4 * i + 3] = STATE[i] & 255;
  }
  return out;
}

const HEX = "0123456789abcdef";

function stateHex(words: number): string {
  let text = "";
  for (let i = 0; i < words; i++) {
    const word = STATE[i];
    for (let shift = 28; shift >= 0; shift -= 4) text += HEX[(word >>> shift) & 15];
  }
  return text;
}

/** SHA-256 of `message`: 32 bytes. */
export function sha256(message: Uint8Array): Uint8Array {
  start256();
  run(compress256, message, 0, message.length);
  return stateBytes(8);
}

/** SHA-256 of `message[start, end)` as lowercase hex, without allocating buffers. */
export function sha256Hex(message: Uint8Array, start = 0, end = message.length): string {
  start256();
  run(compress256, message, start, end);
  return stateHex(8);
}

/** SHA-1 of `message`: 20 bytes. For fingerprints and key identifiers only. */
export function sha1(message: Uint8Array): Uint8Array {
  start1();
  run(compress1, message, 0, message.length);
  return stateBytes(5);
}

/** SHA-1 of `message[start, end)` as lowercase hex. */
export function sha1Hex(message: Uint8Array, start = 0, end = message.length): string {
  start1();
  run(compress1, message, start, end);
  return stateHex(5);
}
