// Matching a presented DNS identifier against a reference host name
// (RFC 6125 section 6.4, RFC 9525 section 6.3).

/**
 * Whether a presented DNS identifier (a SAN dNSName) matches a reference host
 * name, both already lowercased. Wildcards: `*` must be the whole left-most
 * label, at least two labels must follow it (`*.com` matches nothing), and it
 * stands for exactly one non-empty label.
 */
export function dnsNameMatches(presented: string, host: string): boolean {
  let pattern = presented.toLowerCase();
  if (pattern.endsWith(".")) pattern = pattern.slice(0, -1);
  if (!pattern.includes("*")) return pattern === host;
  if (!pattern.startsWith("*.")) return false;
  const suffix = pattern.slice(1); // ".example.com"
  if (suffix.includes("*")) return false;
  if (suffix.split(".").length < 3) return false; // "*.com": a wildcard over one label
  const dot = host.indexOf(".");
  if (dot <= 0) return false;
  return host.slice(dot) === suffix;
}
