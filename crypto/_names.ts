// Distinguished names (RFC 5280 4.1.2.4): DER to RFC 4514/2253 text and
// attribute lists, a canonical form for issuer-subject matching (RFC 5280 7.1),
// and text back to DER for the certificates and requests wirestack creates.

import { toHex } from "./_bytes.ts";
import {
  checkAny,
  type DerElement,
  encode,
  expectElement,
  malformed,
  oid,
  readElement,
  readOid,
  readString,
  sequence,
  TAG,
} from "./_der.ts";
import { NAME_ATTRIBUTE_OIDS, NAME_ATTRIBUTES } from "./_oids.ts";
import { CertificateError } from "./errors.ts";

/** One attribute of a distinguished name. */
export interface NameAttribute {
  /** The short name OpenSSL prints (`CN`, `O`, `C` ...), or the dotted OID for unknown types. */
  type: string;
  /** The attribute type's OID. */
  oid: string;
  /** The value as text (`#` and hex of the DER for values that are not strings). */
  value: string;
}

/** A parsed name. */
export interface ParsedName {
  /** RFC 4514 (RFC 2253) text: most specific RDN first, `+` inside a multi-valued RDN. */
  text: string;
  /** The attributes in the same order as `text`. */
  attributes: NameAttribute[];
}

const STRING_TAGS = new Set<number>([
  TAG.UTF8_STRING,
  TAG.PRINTABLE_STRING,
  TAG.T61_STRING,
  TAG.IA5_STRING,
  TAG.VISIBLE_STRING,
  TAG.UNIVERSAL_STRING,
  TAG.BMP_STRING,
]);

/** Escapes an attribute value for RFC 4514 text. */
function escapeValue(value: string): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === "\\" || c === '"' || c === "+" || c === "," || c === ";" || c === "<" || c === ">") {
      out += "\\" + c;
    } else if (c === "\0") {
      out += "\\00";
    } else if ((i === 0 && (c === " " || c === "#")) || (i === value.length - 1 && c === " ")) {
      out += "\\" + c;
    } else {
      out += c;
    }
  }
  return out;
}

/** Reads a DER Name (an RDNSequence). */
export function parseName(bytes: Uint8Array, name: DerElement): ParsedName {
  return readName(bytes, name, false) as ParsedName;
}

/**
 * The form two names that match under RFC 5280 7.1 share (case and inner
 * spaces folded, string types ignored), from the DER of a Name.
 */
export function canonicalName(der: Uint8Array): string {
  return readName(der, readElement(der, 0, der.length), true) as string;
}

function readName(
  bytes: Uint8Array,
  name: DerElement,
  wantCanonical: boolean,
): ParsedName | string {
  if (name.tag !== TAG.SEQUENCE) malformed("a Name is not a SEQUENCE");
  const rdns: NameAttribute[][] = [];
  let canonical = "";
  for (let offset = name.start; offset < name.end;) {
    const set = expectElement(bytes, offset, name.end, TAG.SET, "RelativeDistinguishedName");
    offset = set.end;
    const rdn: NameAttribute[] = [];
    for (let inner = set.start; inner < set.end;) {
      const ava = expectElement(bytes, inner, set.end, TAG.SEQUENCE, "AttributeTypeAndValue");
      inner = ava.end;
      const typeElement = expectElement(bytes, ava.start, ava.end, TAG.OID, "attribute type");
      const valueElement = expectElement(
        bytes,
        typeElement.end,
        ava.end,
        bytes[typeElement.end],
        "attribute value",
      );
      if (valueElement.end !== ava.end) malformed("extra data in an AttributeTypeAndValue");
      const attributeOid = readOid(bytes, typeElement);
      const shortName = NAME_ATTRIBUTES[attributeOid];
      let value: string;
      if (STRING_TAGS.has(valueElement.tag) && shortName !== undefined) {
        value = readString(bytes, valueElement);
        if (wantCanonical) value = value.trim().replace(/\s+/g, " ").toLowerCase();
      } else {
        checkAny(bytes, valueElement);
        value = "#" + toHex(bytes, valueElement.offset, valueElement.end);
      }
      rdn.push({ type: shortName ?? attributeOid, oid: attributeOid, value });
      if (wantCanonical) canonical += (rdn.length > 1 ? "+" : "/") + attributeOid + "=" + value;
    }
    if (rdn.length === 0) malformed("empty RelativeDistinguishedName");
    rdns.push(rdn);
  }
  if (wantCanonical) return canonical;
  const attributes: NameAttribute[] = [];
  let text = "";
  for (let i = rdns.length - 1; i >= 0; i--) {
    const rdn = rdns[i];
    // Fully reversed, inside multi-valued RDNs too, as OpenSSL's RFC 2253 output.
    for (let j = rdn.length - 1; j >= 0; j--) {
      const attribute = rdn[j];
      attributes.push(attribute);
      if (text !== "") text += j === rdn.length - 1 ? "," : "+";
      text += attribute.type + "=" +
        (attribute.value.startsWith("#") && attribute.type === attribute.oid
          ? attribute.value
          : escapeValue(attribute.value));
    }
  }
  return { text, attributes };
}

// ---- text to DER -----------------------------------------------------------

interface TextAttribute {
  oid: string;
  value: string | Uint8Array;
}

/** `raw` without surrounding whitespace, but a trailing space escaped as `\ ` (RFC 4514 2.4) stays. */
function trimValue(raw: string): string {
  const text = raw.trimStart();
  let end = text.length;
  while (end > 0 && /\s/.test(text[end - 1])) {
    let backslashes = 0;
    for (let i = end - 2; i >= 0 && text[i] === "\\"; i--) backslashes++;
    if (backslashes % 2 === 1) break; // escaped: part of the value
    end--;
  }
  return text.slice(0, end);
}

function unescapeValue(raw: string): string | Uint8Array {
  const text = trimValue(raw);
  if (text.startsWith("#")) {
    const hex = text.slice(1);
    if (!/^([0-9a-fA-F]{2})+$/.test(hex)) {
      throw new CertificateError("bad-option", `bad hex value "${raw}"`);
    }
    return new Uint8Array(hex.match(/../g)!.map((pair) => parseInt(pair, 16)));
  }
  const quoted = text.length >= 2 && text.startsWith('"') && text.endsWith('"');
  const body = quoted ? text.slice(1, -1) : text;
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  const chars = Array.from(body);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c !== "\\") {
      bytes.push(...encoder.encode(c));
      continue;
    }
    const pair = (chars[i + 1] ?? "") + (chars[i + 2] ?? "");
    if (/^[0-9a-fA-F]{2}$/.test(pair)) {
      bytes.push(parseInt(pair, 16));
      i += 2;
    } else if (i + 1 < chars.length) {
      bytes.push(...encoder.encode(chars[i + 1]));
      i += 1;
    } else {
      throw new CertificateError("bad-option", `dangling backslash in "${raw}"`);
    }
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    throw new CertificateError("bad-option", `value "${raw}" is not UTF-8`);
  }
}

/** Splits on `separator` where it is not escaped by a backslash or inside quotes. */
function splitUnescaped(text: string, separators: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\" && i + 1 < text.length) {
      current += c + text[i + 1];
      i++;
    } else if (c === '"') {
      quoted = !quoted;
      current += c;
    } else if (!quoted && separators.includes(c)) {
      parts.push(current);
      current = "";
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

function parseAttribute(text: string): TextAttribute {
  const equals = text.indexOf("=");
  if (equals <= 0) throw new CertificateError("bad-option", `"${text.trim()}" is not TYPE=value`);
  const type = text.slice(0, equals).trim();
  const attributeOid = /^\d+(\.\d+)+$/.test(type) ? type : NAME_ATTRIBUTE_OIDS[type.toLowerCase()];
  if (attributeOid === undefined) {
    throw new CertificateError("bad-option", `unknown name attribute type "${type}"`);
  }
  return { oid: attributeOid, value: unescapeValue(text.slice(equals + 1)) };
}

/**
 * RDNs in DER order (least specific first) from RFC 4514 text (`CN=a,O=b`: most
 * specific first) or OpenSSL's slash form (`/O=b/CN=a`: DER order).
 */
export function parseNameText(text: string): TextAttribute[][] {
  const trimmed = trimValue(text);
  if (trimmed === "") return [];
  if (trimmed.startsWith("/")) {
    return splitUnescaped(trimmed.slice(1), "/").filter((part) => part.trim() !== "").map((rdn) =>
      splitUnescaped(rdn, "+").map(parseAttribute)
    );
  }
  return splitUnescaped(trimmed, ",;").map((rdn) => splitUnescaped(rdn, "+").map(parseAttribute))
    .reverse();
}

const IA5_TYPES = new Set(["1.2.840.113549.1.9.1", "0.9.2342.19200300.100.1.25"]);
const PRINTABLE_TYPES = new Set(["2.5.4.6", "2.5.4.5", "2.5.4.46", "1.3.6.1.4.1.311.60.2.1.3"]);

function encodeValue(attributeOid: string, value: string | Uint8Array): Uint8Array {
  if (value instanceof Uint8Array) return value;
  const bytes = new TextEncoder().encode(value);
  if (PRINTABLE_TYPES.has(attributeOid)) {
    if (!/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value)) {
      throw new CertificateError("bad-option", `"${value}" is not a PrintableString`);
    }
    if (attributeOid === "2.5.4.6" && !/^[A-Z]{2}$/.test(value)) {
      throw new CertificateError("bad-option", `country "${value}" is not two capital letters`);
    }
    return encode(TAG.PRINTABLE_STRING, bytes);
  }
  if (IA5_TYPES.has(attributeOid)) {
    if (/[\u0080-\uffff]/.test(value)) {
      throw new CertificateError("bad-option", `"${value}" is not ASCII`);
    }
    return encode(TAG.IA5_STRING, bytes);
  }
  return encode(TAG.UTF8_STRING, bytes);
}

/** DER of a Name from text (see {@linkcode parseNameText}). */
export function encodeName(text: string): Uint8Array {
  const rdns = parseNameText(text).map((rdn) => {
    const avas = rdn.map((attribute) =>
      sequence(oid(attribute.oid), encodeValue(attribute.oid, attribute.value))
    );
    // DER orders SET OF by encoding.
    avas.sort(compareBytes);
    return encode(TAG.SET, ...avas);
  });
  return sequence(...rdns);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
