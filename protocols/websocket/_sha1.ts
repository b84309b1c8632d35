/**
 * SHA-1 (FIPS 180-4), synchronous, for the one place WebSocket needs it: the
 * `Sec-WebSocket-Accept` value of a 60-byte input. (WebCrypto's digest is
 * asynchronous, which would make the handshake asynchronous for no gain.)
 * Not for any security purpose.
 *
 * This module is browser compatible.
 *
 * @module
 */

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

/** The SHA-1 digest of `data` (20 bytes). */
export function sha1(data: Uint8Array): Uint8Array {
  const length = data.length;
  const blockCount = ((length + 8) >>> 6) + 1;
  const words = new Int32Array(blockCount * 16);
  for (let i = 0; i < length; i++) words[i >>> 2] |= data[i] << (24 - (i & 3) * 8);
  words[length >>> 2] |= 0x80 << (24 - (length & 3) * 8);
  const bits = length * 8;
  words[blockCount * 16 - 2] = Math.floor(bits / 0x100000000);
  words[blockCount * 16 - 1] = bits | 0;

  let h0 = 0x67452301;
  let h1 = 0xefcdab89 | 0;
  let h2 = 0x98badcfe | 0;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0 | 0;
  const w = new Int32Array(80);
  for (let block = 0; block < blockCount; block++) {
    for (let t = 0; t < 16; t++) w[t] = words[block * 16 + t];
    for (let t = 16; t < 80; t++) w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    for (let t = 0; t < 80; t++) {
      let f: number;
      let k: number;
      if (t < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (t < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (t < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc | 0;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6 | 0;
      }
      const temp = (rotl(a, 5) + f + e + k + w[t]) | 0;
      e = d;
      d = c;
      c = rotl(b, 30);
      b = a;
      a = temp;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  const out = new Uint8Array(20);
  const view = new DataView(out.buffer);
  view.setInt32(0, h0);
  view.setInt32(4, h1);
  view.setInt32(8, h2);
  view.setInt32(12, h3);
  view.setInt32(16, h4);
  return out;
}
