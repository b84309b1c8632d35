// The request methods a server knows by default: those of the IANA HTTP Method
// Registry (RFC 9110 9.3, PATCH from RFC 5789, QUERY, and the WebDAV family).
// Methods are case-sensitive (RFC 9110 9.1): `get` is not `GET`, and a server
// answers 501 to a method it does not know.

/** The registered methods. */
export const REGISTERED_METHODS: readonly string[] = [
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "CONNECT",
  "OPTIONS",
  "TRACE",
  "PATCH",
  "QUERY",
  "ACL",
  "BASELINE-CONTROL",
  "BIND",
  "CHECKIN",
  "CHECKOUT",
  "COPY",
  "LABEL",
  "LINK",
  "LOCK",
  "MERGE",
  "MKACTIVITY",
  "MKCALENDAR",
  "MKCOL",
  "MKREDIRECTREF",
  "MKWORKSPACE",
  "MOVE",
  "ORDERPATCH",
  "PROPFIND",
  "PROPPATCH",
  "REBIND",
  "REPORT",
  "SEARCH",
  "UNBIND",
  "UNCHECKOUT",
  "UNLINK",
  "UNLOCK",
  "UPDATE",
  "UPDATEREDIRECTREF",
  "VERSION-CONTROL",
];

const DEFAULT_SET: ReadonlySet<string> = new Set(REGISTERED_METHODS);

/** The set of methods a server accepts: the registered ones plus `extra`. */
export function methodSet(extra: Iterable<string> | undefined): ReadonlySet<string> {
  if (extra === undefined) return DEFAULT_SET;
  const set = new Set(REGISTERED_METHODS);
  for (const method of extra) set.add(method);
  return set;
}
