// A lean, strict DER reader and a small DER writer (X.690). The reader never
// copies: an element is its tag and the offsets of its contents in the source
// bytes. It rejects what DER forbids: indefinite lengths, non-minimal lengths,
// lengths past the end, high tag numbers (X.509 never needs them).

import { CertificateError } from "./errors.ts";

/** Universal tags used by X.509, PKCS#1, PKCS#8 and SEC1. */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  VISIBLE_STRING: 0x1a,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** A context-specific tag `[n]`, constructed or primitive. */
export function contextTag(n: number, constructed: boolean): number {
  return (constructed ? 0xa0 : 0x80) | n;
}

/** One element: its tag byte and where it lies in the source bytes. */
export interface DerElement {
  /** The identifier octet (class, constructed bit and tag number). */
  tag: number;
  /** Offset of the identifier octet. */
  offset: number;
  /** Offset of the first content byte. */
  start: number;
  /** Offset just past the last content byte. */
  end: number;
}

/** Throws the parse error every DER problem becomes. */
export function malformed(what: string): never {
  throw new CertificateError("malformed", `malformed DER: ${what}`);
}

/** Reads the element at `offset`, which must end at or before `limit`. */
export function readElement(bytes: Uint8Array, offset: number, limit = bytes.length): DerElement {
  if (offset + 2 > limit) malformed(`truncated element at byte ${offset}`);
  const tag = bytes[offset];
  if ((tag & 0x1f) === 0x1f) malformed(`high tag number at byte ${offset}`);
  // universal 0 is end-of-contents, which only indefinite lengths (not DER) have
  if (tag === 0) malformed(`end-of-contents octets at byte ${offset}`);
  // universal types: SEQUENCE and SET are constructed, and in DER all others primitive
  if ((tag & 0xc0) === 0 && ((tag & 0x20) !== 0) !== ((tag & 0x1f) === 16 || (tag & 0x1f) === 17)) {
    malformed(`universal tag 0x${tag.toString(16)} in the wrong form at byte ${offset}`);
  }
  let length = bytes[offset + 1];
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0) malformed(`indefinite length at byte ${offset}`);
    if (count > 4) malformed(`length too large at byte ${offset}`);
    if (start + count > limit) malformed(`truncated length at byte ${offset}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[start + i];
    if (length < 0x80 || bytes[start] === 0) malformed(`non-minimal length at byte ${offset}`);
    start += count;
  }
  const end = start + length;
  if (end > limit) malformed(`element at byte ${offset} runs past its container`);
  return { tag, offset, start, end };
}

/** Reads an element and checks its tag. */
export function expectElement(
  bytes: Uint8Array,
  offset: number,
  limit: number,
  tag: number,
  what: string,
): DerElement {
  const element = readElement(bytes, offset, limit);
  if (element.tag !== tag) {
    malformed(`${what}: expected tag 0x${tag.toString(16)}, found 0x${element.tag.toString(16)}`);
  }
  return element;
}

/** The whole encoding of an element (header included), without a copy. */
export function encodingOf(bytes: Uint8Array, element: DerElement): Uint8Array {
  return bytes.subarray(element.offset, element.end);
}

/** The contents of an element, without a copy. */
export function contentsOf(bytes: Uint8Array, element: DerElement): Uint8Array {
  return bytes.subarray(element.start, element.end);
}

const oidCache = new Map<string, string>();

/** The dotted form of an OBJECT IDENTIFIER's contents. */
export function readOid(bytes: Uint8Array, element: DerElement): string {
  const { start, end } = element;
  if (start === end || (bytes[end - 1] & 0x80) !== 0) malformed("bad OBJECT IDENTIFIER");
  // Short OIDs are the common case: cache their dotted form by their bytes.
  let key = "";
  if (end - start <= 12) {
    for (let i = start; i < end; i++) key += String.fromCharCode(bytes[i]);
    const cached = oidCache.get(key);
    if (cached !== undefined) return cached;
  }
  const arcs: number[] = [];
  let value = 0;
  for (let i = start; i < end; i++) {
    const byte = bytes[i];
    if (value === 0 && byte === 0x80) malformed("non-minimal OBJECT IDENTIFIER arc");
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) malformed("OBJECT IDENTIFIER arc too large");
    if ((byte & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = value < 40 ? 0 : value < 80 ? 1 : 2;
        arcs.push(first, value - 40 * first);
      } else {
        arcs.push(value);
      }
      value = 0;
    }
  }
  const dotted = arcs.join(".");
  if (key !== "" && oidCache.size < 1024) oidCache.set(key, dotted);
  return dotted;
}

/** A small non-negative INTEGER as a number (path lengths, versions, iteration counts). */
export function readSmallInteger(bytes: Uint8Array, element: DerElement): number {
  const { start, end } = element;
  if (element.tag !== TAG.INTEGER || start === end) malformed("bad INTEGER");
  if (bytes[start] & 0x80) malformed("negative INTEGER where a count was expected");
  if (end - start > 1 && bytes[start] === 0 && (bytes[start + 1] & 0x80) === 0) {
    malformed("non-minimal INTEGER");
  }
  if (end - start > 6) malformed("INTEGER too large");
  let value = 0;
  for (let i = start; i < end; i++) value = value * 256 + bytes[i];
  return value;
}

/** An INTEGER's magnitude bytes without the sign octet (for serials and RSA numbers). */
export function integerBytes(bytes: Uint8Array, element: DerElement): Uint8Array {
  let { start } = element;
  const { end } = element;
  if (element.tag !== TAG.INTEGER || start === end) malformed("bad INTEGER");
  if (
    end - start > 1 &&
    ((bytes[start] === 0 && (bytes[start + 1] & 0x80) === 0) ||
      (bytes[start] === 0xff && (bytes[start + 1] & 0x80) !== 0))
  ) {
    malformed("non-minimal INTEGER");
  }
  if (bytes[start] === 0 && end - start > 1) start++;
  return bytes.subarray(start, end);
}

/** A BOOLEAN's value; DER allows only 0x00 and 0xff. */
export function readBoolean(bytes: Uint8Array, element: DerElement): boolean {
  if (element.tag !== TAG.BOOLEAN || element.end - element.start !== 1) malformed("bad BOOLEAN");
  const value = bytes[element.start];
  if (value !== 0 && value !== 0xff) malformed("BOOLEAN neither 0x00 nor 0xff");
  return value === 0xff;
}

/** A BIT STRING's bytes without the unused-bits octet; `unused` says how many trailing bits are padding. */
export function readBitString(
  bytes: Uint8Array,
  element: DerElement,
): { bits: Uint8Array; unused: number } {
  if (element.tag !== TAG.BIT_STRING || element.start === element.end) malformed("bad BIT STRING");
  const unused = bytes[element.start];
  if (unused > 7 || (unused > 0 && element.end - element.start === 1)) {
    malformed("bad BIT STRING padding");
  }
  return { bits: bytes.subarray(element.start + 1, element.end), unused };
}

function digits(bytes: Uint8Array, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const d = bytes[i] - 48;
    if (d < 0 || d > 9) malformed("bad digit in a time");
    value = value * 10 + d;
  }
  return value;
}

/**
 * Checks a value of type ANY (an attribute value, algorithm parameters): the
 * universal primitives in it must be well-formed (a BOOLEAN of one octet, an
 * empty NULL, minimal INTEGERs, valid OIDs and BIT STRINGs, strings of whole
 * characters, UTF-8 that decodes), as OpenSSL checks them; constructed values
 * element by element.
 */
export function checkAny(bytes: Uint8Array, element: DerElement, depth = 0): void {
  if (depth > 32) malformed("a value nested too deep");
  if (element.tag & 0x20) {
    for (let at = element.start; at < element.end;) {
      const child = readElement(bytes, at, element.end);
      checkAny(bytes, child, depth + 1);
      at = child.end;
    }
    return;
  }
  const length = element.end - element.start;
  switch (element.tag) {
    case TAG.BOOLEAN:
      readBoolean(bytes, element);
      return;
    case TAG.NULL:
      if (length !== 0) malformed("a NULL with contents");
      return;
    case TAG.INTEGER:
    case 0x0a: // ENUMERATED
      integerBytes(bytes, { ...element, tag: TAG.INTEGER });
      return;
    case TAG.OID:
      readOid(bytes, element);
      return;
    case TAG.BIT_STRING:
      readBitString(bytes, element);
      return;
    case TAG.UTF8_STRING:
    case TAG.BMP_STRING:
    case TAG.UNIVERSAL_STRING:
      readString(bytes, element); // whole characters, valid UTF-8
      return;
  }
}

/** A UTCTime or GeneralizedTime in the DER form RFC 5280 requires (seconds, `Z`, no fraction). */
export function readTime(bytes: Uint8Array, element: DerElement): Date {
  const { start, end } = element;
  let year: number;
  let at: number;
  if (element.tag === TAG.UTC_TIME) {
    if (end - start !== 13) malformed("UTCTime is not YYMMDDHHMMSSZ");
    const yy = digits(bytes, start, 2);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    at = start + 2;
  } else if (element.tag === TAG.GENERALIZED_TIME) {
    if (end - start !== 15) malformed("GeneralizedTime is not YYYYMMDDHHMMSSZ");
    year = digits(bytes, start, 4);
    at = start + 4;
  } else {
    return malformed("expected a time");
  }
  if (bytes[end - 1] !== 0x5a) malformed("time does not end in Z");
  const month = digits(bytes, at, 2);
  const day = digits(bytes, at + 2, 2);
  const hour = digits(bytes, at + 4, 2);
  const minute = digits(bytes, at + 6, 2);
  const second = digits(bytes, at + 8, 2);
  // no leap second: OpenSSL ("Bad time value") and Go refuse :60 too, and no CA writes it
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    malformed("time out of range");
  }
  const time = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(time).getUTCDate() !== day) malformed("no such day");
  return new Date(time);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The text of a directory string or IA5String (UTF-8, printable, IA5, T.61, BMP, universal). */
export function readString(bytes: Uint8Array, element: DerElement): string {
  const { start, end } = element;
  switch (element.tag) {
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case TAG.VISIBLE_STRING:
    case TAG.T61_STRING: {
      // ASCII (T.61 read as Latin-1, as OpenSSL does): a direct loop beats a decoder call.
      let text = "";
      for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i]);
      return text;
    }
    case TAG.UTF8_STRING: {
      let ascii = true;
      for (let i = start; i < end; i++) {
        if (bytes[i] >= 0x80) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        let text = "";
        for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i]);
        return text;
      }
      try {
        return utf8.decode(bytes.subarray(start, end));
      } catch {
        return malformed("bad UTF-8 in a UTF8String");
      }
    }
    case TAG.BMP_STRING: {
      if ((end - start) % 2 !== 0) malformed("odd BMPString length");
      let text = "";
      for (let i = start; i < end; i += 2) {
        text += String.fromCharCode((bytes[i] << 8) | bytes[i + 1]);
      }
      return text;
    }
    case TAG.UNIVERSAL_STRING: {
      if ((end - start) % 4 !== 0) malformed("bad UniversalString length");
      let text = "";
      for (let i = start; i < end; i += 4) {
        const code =
          ((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0;
        if (code > 0x10ffff) malformed("bad UniversalString character");
        text += String.fromCodePoint(code);
      }
      return text;
    }
    default:
      return malformed(`tag 0x${element.tag.toString(16)} is not a string`);
  }
}

// ---- writer -------------------------------------------------------------

function lengthOctets(length: number): number[] {
  if (length < 0x80) return [length];
  const octets: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) octets.unshift(n & 255);
  return [0x80 | octets.length, ...octets];
}

/** One element: `tag`, then the length, then `parts` concatenated. */
export function encode(tag: number, ...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const header = lengthOctets(length);
  const out = new Uint8Array(1 + header.length + length);
  out[0] = tag;
  out.set(header, 1);
  let offset = 1 + header.length;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A SEQUENCE of already-encoded elements. */
export function sequence(...items: Uint8Array[]): Uint8Array {
  return encode(TAG.SEQUENCE, ...items);
}

/** An INTEGER from unsigned big-endian magnitude bytes (a sign octet is added when needed). */
export function unsignedInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  if (trimmed.length === 0) return encode(TAG.INTEGER, new Uint8Array([0]));
  return trimmed[0] & 0x80
    ? encode(TAG.INTEGER, new Uint8Array([0]), trimmed)
    : encode(TAG.INTEGER, trimmed);
}

/** An INTEGER from a small non-negative number. */
export function smallInteger(value: number): Uint8Array {
  const octets: number[] = [];
  for (let n = value; n > 0; n = Math.floor(n / 256)) octets.unshift(n & 255);
  return unsignedInteger(new Uint8Array(octets));
}

/** An OBJECT IDENTIFIER from its dotted form. */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split(".").map(Number);
  const octets: number[] = [];
  const push = (value: number) => {
    const group = [value & 0x7f];
    for (let n = Math.floor(value / 128); n > 0; n = Math.floor(n / 128)) {
      group.unshift(0x80 | (n & 0x7f));
    }
    octets.push(...group);
  };
  push(arcs[0] * 40 + arcs[1]);
  for (const arc of arcs.slice(2)) push(arc);
  return encode(TAG.OID, new Uint8Array(octets));
}

/** An OCTET STRING. */
export function octetString(contents: Uint8Array): Uint8Array {
  return encode(TAG.OCTET_STRING, contents);
}

/** A BIT STRING with no unused bits. */
export function bitString(contents: Uint8Array): Uint8Array {
  return encode(TAG.BIT_STRING, new Uint8Array([0]), contents);
}

/** NULL. */
export const NULL: Uint8Array = new Uint8Array([0x05, 0x00]);
