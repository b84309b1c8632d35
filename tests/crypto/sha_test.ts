import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { toHex } from "../../crypto/_bytes.ts";
import { sha1, sha256 } from "../../crypto/_sha.ts";
import { test } from "../_harness.ts";

test("SHA-1 and SHA-256: FIPS 180 vectors", () => {
  const abc = new TextEncoder().encode("abc");
  assert.equal(
    toHex(sha256(abc)),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  assert.equal(toHex(sha1(abc)), "a9993e364706816aba3e25717850c26c9cd0d89d");
  assert.equal(
    toHex(sha256(new Uint8Array(0))),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  const long = new TextEncoder().encode("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
  assert.equal(
    toHex(sha256(long)),
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  );
  assert.equal(toHex(sha1(long)), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
});

test("SHA-1 and SHA-256: agree with node:crypto at every length around block edges", () => {
  const data = new Uint8Array(300);
  for (let i = 0; i < data.length; i++) data[i] = (i * 131 + 7) & 255;
  for (let length = 0; length <= data.length; length++) {
    const part = data.subarray(0, length);
    assert.equal(
      toHex(sha256(part)),
      createHash("sha256").update(part).digest("hex"),
      `sha256 ${length}`,
    );
    assert.equal(
      toHex(sha1(part)),
      createHash("sha1").update(part).digest("hex"),
      `sha1 ${length}`,
    );
  }
  const big = new Uint8Array(1 << 20).fill(0x61);
  assert.equal(toHex(sha256(big)), createHash("sha256").update(big).digest("hex"));
});
