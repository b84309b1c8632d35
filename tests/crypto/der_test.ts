import assert from "node:assert/strict";
import {
  encode,
  oid,
  readElement,
  readOid,
  readString,
  readTime,
  smallInteger,
  TAG,
  unsignedInteger,
} from "../../crypto/_der.ts";
import { CertificateError } from "../../crypto/mod.ts";
import { test } from "../_harness.ts";

const bytes = (...values: number[]) => new Uint8Array(values);
const malformed = (fn: () => unknown) =>
  assert.throws(
    fn,
    (error: unknown) => error instanceof CertificateError && error.code === "malformed",
  );

test("DER: lengths must be definite, minimal and inside the container", () => {
  assert.deepEqual(readElement(bytes(0x04, 0x02, 1, 2), 0), {
    tag: 4,
    offset: 0,
    start: 2,
    end: 4,
  });
  const long = new Uint8Array(3 + 200);
  long.set([0x04, 0x81, 200]);
  assert.equal(readElement(long, 0).end, 203);
  malformed(() => readElement(bytes(0x30, 0x80, 0, 0), 0)); // indefinite
  malformed(() => readElement(bytes(0x04, 0x81, 0x05, 1, 2, 3, 4, 5), 0)); // long form for < 128
  malformed(() => readElement(bytes(0x04, 0x82, 0x00, 0x81, ...new Array(0x81).fill(0)), 0)); // leading zero
  malformed(() => readElement(bytes(0x04, 0x03, 1, 2), 0)); // past the end
  malformed(() => readElement(bytes(0x04, 0x02, 1, 2), 0, 3)); // past the limit
  malformed(() => readElement(bytes(0x1f, 0x81, 0x01, 0x00), 0)); // high tag number
  malformed(() => readElement(bytes(0x04), 0));
  malformed(() => readElement(bytes(0x04, 0x85, 1, 1, 1, 1, 1), 0)); // 5 length octets
});

// Found by fuzzing (tests/crypto/_fuzz.ts, x509/certificate, on Node): an
// element with tag 0 (end-of-contents, which only indefinite lengths have) in
// the parameters of an unknown key algorithm was read as a value.
test("DER: tag 0 (end-of-contents) is no element", () => {
  malformed(() => readElement(bytes(0x00, 0x00), 0));
  malformed(() => readElement(bytes(0x00, 0x01, 0x00), 0));
  assert.equal(readElement(bytes(0x05, 0x00), 0).tag, TAG.NULL);
});

// Found by fuzzing (x509/certificate, on Node): a primitive SEQUENCE (tag 0x10)
// as algorithm parameters. DER has SEQUENCE and SET constructed, every other
// universal type primitive (X.690 8.9, 8.11, 10.2).
test("DER: universal tags in the form DER gives them", () => {
  malformed(() => readElement(bytes(0x10, 0x00), 0)); // primitive SEQUENCE
  malformed(() => readElement(bytes(0x11, 0x00), 0)); // primitive SET
  malformed(() => readElement(bytes(0x24, 0x00), 0)); // constructed OCTET STRING
  malformed(() => readElement(bytes(0x22, 0x03, 0x02, 0x01, 0x00), 0)); // constructed INTEGER
  assert.equal(readElement(bytes(0x30, 0x00), 0).tag, TAG.SEQUENCE);
  assert.equal(readElement(bytes(0x31, 0x00), 0).tag, TAG.SET);
  assert.equal(readElement(bytes(0xa0, 0x00), 0).tag, 0xa0); // context tags: either form
  assert.equal(readElement(bytes(0x80, 0x00), 0).tag, 0x80);
});

test("DER: OIDs round-trip; non-minimal arcs are refused", () => {
  for (
    const dotted of [
      "1.2.840.113549.1.1.11",
      "2.5.29.17",
      "2.999.3",
      "0.9.2342.19200300.100.1.25",
      "1.3.6.1.4.1.311.60.2.1.3",
    ]
  ) {
    const der = oid(dotted);
    assert.equal(readOid(der, readElement(der, 0)), dotted);
    assert.equal(readOid(der, readElement(der, 0)), dotted, "cached");
  }
  malformed(() =>
    readOid(bytes(0x06, 0x02, 0x80, 0x01), readElement(bytes(0x06, 0x02, 0x80, 0x01), 0))
  );
  malformed(() => readOid(bytes(0x06, 0x01, 0x81), readElement(bytes(0x06, 0x01, 0x81), 0)));
});

test("DER: integers are encoded minimally with a sign octet when needed", () => {
  assert.deepEqual(unsignedInteger(bytes(0x80)), bytes(0x02, 0x02, 0x00, 0x80));
  assert.deepEqual(unsignedInteger(bytes(0x00, 0x00, 0x7f)), bytes(0x02, 0x01, 0x7f));
  assert.deepEqual(unsignedInteger(bytes()), bytes(0x02, 0x01, 0x00));
  assert.deepEqual(smallInteger(65537), bytes(0x02, 0x03, 0x01, 0x00, 0x01));
  assert.deepEqual(encode(0x30, new Uint8Array(130)).subarray(0, 3), bytes(0x30, 0x81, 130));
});

test("DER: times are read strictly (UTCTime window, seconds, Z, real dates)", () => {
  const time = (tag: number, text: string) => {
    const der = encode(tag, new TextEncoder().encode(text));
    return readTime(der, readElement(der, 0));
  };
  assert.equal(time(TAG.UTC_TIME, "491231235959Z").toISOString(), "2049-12-31T23:59:59.000Z");
  assert.equal(time(TAG.UTC_TIME, "500101000000Z").toISOString(), "1950-01-01T00:00:00.000Z");
  assert.equal(
    time(TAG.GENERALIZED_TIME, "20500101000000Z").toISOString(),
    "2050-01-01T00:00:00.000Z",
  );
  malformed(() => time(TAG.UTC_TIME, "4912312359Z"));
  malformed(() => time(TAG.UTC_TIME, "491231235959+"));
  malformed(() => time(TAG.GENERALIZED_TIME, "20500101000000.5Z"));
  malformed(() => time(TAG.UTC_TIME, "490231000000Z"));
  malformed(() => time(TAG.UTC_TIME, "491331000000Z"));
  malformed(() => time(TAG.UTC_TIME, "4912312a5959Z"));
});

test("DER: strings of every directory type decode; bad UTF-8 is refused", () => {
  const read = (tag: number, content: Uint8Array) => {
    const der = encode(tag, content);
    return readString(der, readElement(der, 0));
  };
  assert.equal(
    read(TAG.UTF8_STRING, new TextEncoder().encode("\u00dcn\u00ef \u65e5\u672c")),
    "\u00dcn\u00ef \u65e5\u672c",
  );
  assert.equal(read(TAG.PRINTABLE_STRING, new TextEncoder().encode("Acme")), "Acme");
  assert.equal(read(TAG.BMP_STRING, bytes(0x00, 0x41, 0x65, 0xe5)), "A\u65e5");
  assert.equal(read(TAG.UNIVERSAL_STRING, bytes(0, 0, 0, 0x41, 0, 1, 0xf6, 0x00)), "A\u{1f600}");
  assert.equal(read(TAG.T61_STRING, bytes(0x41, 0xe9)), "A\u00e9");
  malformed(() => read(TAG.UTF8_STRING, bytes(0xc3, 0x28)));
  malformed(() => read(TAG.BMP_STRING, bytes(0x00)));
  malformed(() => read(TAG.INTEGER, bytes(1)));
});
