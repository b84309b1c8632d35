// base64url (RFC 4648 section 5) for JWK numbers.

import { fromBase64, toBase64 } from "./_bytes.ts";
import { malformed } from "./_der.ts";

/** base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Bytes of base64url text (padding optional). */
export function fromBase64Url(text: string): Uint8Array {
  const standard = text.replace(/-/g, "+").replace(/_/g, "/");
  const padded = standard + "===".slice((standard.length + 3) % 4);
  const bytes = fromBase64(padded);
  if (bytes === undefined) malformed("bad base64url in a JWK");
  return bytes;
}
