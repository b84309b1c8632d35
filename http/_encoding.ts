// Node's string encodings for body chunks (`res.write(text, "latin1")`,
// `req.setEncoding("hex")`), on plain `Uint8Array`s.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The encodings understood. */
export type BufferEncoding =
  | "utf8"
  | "utf-8"
  | "latin1"
  | "binary"
  | "ascii"
  | "hex"
  | "base64"
  | "base64url";

/** Encodes `text` as bytes. */
export function encodeString(text: string, encoding: string | undefined): Uint8Array {
  switch (encoding) {
    case undefined:
    case "utf8":
    case "utf-8":
      return encoder.encode(text);
    case "latin1":
    case "binary":
    case "ascii": {
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
      return bytes;
    }
    case "hex": {
      const bytes = new Uint8Array(text.length >>> 1);
      for (let i = 0; i < bytes.length; i++) {
        const byte = parseInt(text.slice(2 * i, 2 * i + 2), 16);
        if (Number.isNaN(byte)) return bytes.subarray(0, i);
        bytes[i] = byte;
      }
      return bytes;
    }
    case "base64":
    case "base64url": {
      const binary = atob(
        text.replace(/-/g, "+").replace(/_/g, "/").replace(/[^A-Za-z0-9+/]/g, ""),
      );
      return encodeString(binary, "latin1");
    }
    default:
      throw new TypeError(`unknown encoding ${JSON.stringify(encoding)}`);
  }
}

/** Decodes `bytes` as text. */
export function decodeBytes(bytes: Uint8Array, encoding: string): string {
  switch (encoding) {
    case "utf8":
    case "utf-8":
      return decoder.decode(bytes);
    case "latin1":
    case "binary":
    case "ascii": {
      let text = "";
      for (let i = 0; i < bytes.length; i += 8192) {
        text += String.fromCharCode(...bytes.subarray(i, i + 8192));
      }
      return text;
    }
    case "hex": {
      let text = "";
      for (const byte of bytes) text += byte.toString(16).padStart(2, "0");
      return text;
    }
    case "base64":
      return btoa(decodeBytes(bytes, "latin1"));
    case "base64url":
      return btoa(decodeBytes(bytes, "latin1")).replace(/\+/g, "-").replace(/\//g, "_").replace(
        /=+$/,
        "",
      );
    default:
      throw new TypeError(`unknown encoding ${JSON.stringify(encoding)}`);
  }
}
