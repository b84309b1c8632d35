// IP address text and bytes: strict parsing of IPv4 dotted quads and IPv6
// (RFC 4291 text forms, with an embedded IPv4 tail), and RFC 5952 formatting.

/** The 4 bytes of a strict dotted-quad IPv4 address (no leading zeros, no short forms). */
export function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i];
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    bytes[i] = value;
  }
  return bytes;
}

/** The 16 bytes of an IPv6 address (`::1`, `[::1]`, `::ffff:1.2.3.4`); no zone index. */
export function parseIpv6(input: string): Uint8Array | undefined {
  let text = input;
  if (text.startsWith("[") && text.endsWith("]")) text = text.slice(1, -1);
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(":")) return undefined;
  const words: number[] = [];
  let tail: Uint8Array | undefined;
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const parse = (half: string): number[] | undefined => {
    if (half === "") return [];
    const groups = half.split(":");
    const out: number[] = [];
    for (let i = 0; i < groups.length; i++) {
      const group = groups[i];
      if (group.includes(".")) {
        if (i !== groups.length - 1 || tail !== undefined) return undefined;
        tail = parseIpv4(group);
        if (tail === undefined) return undefined;
        out.push((tail[0] << 8) | tail[1], (tail[2] << 8) | tail[3]);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
      out.push(parseInt(group, 16));
    }
    return out;
  };
  const head = parse(halves[0]);
  if (head === undefined) return undefined;
  if (halves.length === 2 && head.length > 0 && tail !== undefined) return undefined;
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  if (rest === undefined) return undefined;
  if (halves.length === 2) {
    const missing = 8 - head.length - rest.length;
    if (missing < 1) return undefined;
    words.push(...head, ...new Array<number>(missing).fill(0), ...rest);
  } else {
    words.push(...head);
  }
  if (words.length !== 8) return undefined;
  const bytes = new Uint8Array(16);
  words.forEach((word, i) => {
    bytes[2 * i] = word >> 8;
    bytes[2 * i + 1] = word & 255;
  });
  return bytes;
}

/** The bytes of an IPv4 or IPv6 address, or undefined when `text` is neither. */
export function parseIp(text: string): Uint8Array | undefined {
  return parseIpv4(text) ?? parseIpv6(text);
}

/** RFC 5952 text of 4 or 16 address bytes (lowercase, longest zero run compressed). */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return bytes.join(".");
  if (bytes.length !== 16) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((bytes[i] << 8) | bytes[i + 1]);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number) =>
    words.slice(from, to).map((word) => word.toString(16)).join(":");
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

/** Formats a name-constraint address and mask (8 or 32 bytes) as CIDR text. */
export function formatIpRange(bytes: Uint8Array): string {
  const half = bytes.length / 2;
  const address = formatIp(bytes.subarray(0, half));
  let prefix = 0;
  let contiguous = true;
  for (let i = half; i < bytes.length; i++) {
    for (let bit = 7; bit >= 0; bit--) {
      if ((bytes[i] >> bit) & 1) {
        if (!contiguous) return `${address}/${formatIp(bytes.subarray(half))}`;
        prefix++;
      } else {
        contiguous = false;
      }
    }
  }
  return `${address}/${prefix}`;
}

/** Address and mask bytes (8 or 32) of CIDR text (`10.0.0.0/8`, `fd00::/8`). */
export function parseCidr(text: string): Uint8Array | undefined {
  const slash = text.lastIndexOf("/");
  if (slash < 0) return undefined;
  const address = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (address === undefined || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > address.length * 8) return undefined;
  const out = new Uint8Array(address.length * 2);
  for (let i = 0; i < address.length; i++) {
    const bits = Math.max(0, Math.min(8, prefix - 8 * i));
    const mask = (0xff00 >> bits) & 0xff;
    out[address.length + i] = mask;
    out[i] = address[i] & mask;
  }
  return out;
}
