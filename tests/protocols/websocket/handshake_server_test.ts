// RFC 6455 section 4.2: every rule a server checks on an upgrade request, and
// the answer it gives.

import assert from "node:assert/strict";
import { test } from "../../_harness.ts";
import {
  acceptHandshake,
  type AcceptHandshakeOptions,
  computeAcceptKey,
  WebSocketError,
} from "../../../protocols/websocket/mod.ts";

const KEY = "dGhlIHNhbXBsZSBub25jZQ==";
type Headers = Array<[string, string]>;

function base(): Headers {
  return [
    ["Host", "server.example.com"],
    ["Upgrade", "websocket"],
    ["Connection", "Upgrade"],
    ["Sec-WebSocket-Key", KEY],
    ["Origin", "http://example.com"],
    ["Sec-WebSocket-Version", "13"],
  ];
}

function without(name: string, headers = base()): Headers {
  return headers.filter(([key]) => key.toLowerCase() !== name.toLowerCase());
}

function accept(
  headers: Headers,
  options: AcceptHandshakeOptions = {},
  method = "GET",
  httpVersion = "1.1",
) {
  return acceptHandshake({ method, httpVersion, headers }, options);
}

function rejected(
  headers: Headers,
  code: string,
  status = 400,
  options: AcceptHandshakeOptions = {},
  method = "GET",
  httpVersion = "1.1",
): WebSocketError {
  try {
    accept(headers, options, method, httpVersion);
  } catch (error) {
    assert.ok(error instanceof WebSocketError, String(error));
    assert.equal(error.code, code, error.message);
    assert.equal(error.status, status);
    return error;
  }
  assert.fail(`expected ${code}`);
}

test("server handshake: the RFC's example request is accepted with the RFC's accept value", () => {
  const accepted = accept([...base(), ["Sec-WebSocket-Protocol", "chat, superchat"]], {
    protocols: ["chat"],
  });
  assert.deepEqual(accepted.headers, [
    ["Upgrade", "websocket"],
    ["Connection", "Upgrade"],
    ["Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="],
    ["Sec-WebSocket-Protocol", "chat"],
  ]);
  assert.equal(accepted.origin, "http://example.com");
  assert.deepEqual(accepted.offeredProtocols, ["chat", "superchat"]);
  assert.equal(computeAcceptKey(KEY), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
});

test("server handshake: method GET and HTTP/1.1 or later", () => {
  rejected(base(), "ERR_HANDSHAKE_METHOD", 400, {}, "POST");
  rejected(base(), "ERR_HANDSHAKE_METHOD", 400, {}, "get");
  rejected(base(), "ERR_HANDSHAKE_HTTP_VERSION", 400, {}, "GET", "1.0");
  rejected(base(), "ERR_HANDSHAKE_HTTP_VERSION", 400, {}, "GET", "HTTP/0.9");
  assert.ok(accept(base(), {}, "GET", "HTTP/1.1"));
  assert.ok(accept(base(), {}, "GET", "2.0"));
});

test("server handshake: Upgrade lists websocket, case-insensitively, over lists and lines", () => {
  rejected(without("Upgrade"), "ERR_HANDSHAKE_UPGRADE");
  rejected([...without("Upgrade"), ["Upgrade", "h2c"]], "ERR_HANDSHAKE_UPGRADE");
  rejected([...without("Upgrade"), ["Upgrade", "websocket/13"]], "ERR_HANDSHAKE_UPGRADE");
  rejected([...without("Upgrade"), ["Upgrade", "web socket"]], "ERR_HANDSHAKE_UPGRADE");
  assert.ok(accept([...without("Upgrade"), ["upgrade", "WebSocket"]]));
  assert.ok(accept([...without("Upgrade"), ["Upgrade", "h2c, websocket"]]));
  assert.ok(accept([...without("Upgrade"), ["Upgrade", "h2c"], ["Upgrade", "websocket"]]));
});

test("server handshake: Connection lists Upgrade, case-insensitively, among other tokens", () => {
  rejected(without("Connection"), "ERR_HANDSHAKE_CONNECTION");
  rejected([...without("Connection"), ["Connection", "keep-alive"]], "ERR_HANDSHAKE_CONNECTION");
  rejected(
    [...without("Connection"), ["Connection", "keep-alive; upgrade"]],
    "ERR_HANDSHAKE_CONNECTION",
  );
  assert.ok(accept([...without("Connection"), ["Connection", "keep-alive, Upgrade"]]));
  assert.ok(accept([...without("Connection"), ["CONNECTION", "upgrade"]]));
});

test("server handshake: exactly one non-empty Host", () => {
  rejected(without("Host"), "ERR_HANDSHAKE_HOST");
  rejected([...without("Host"), ["Host", ""]], "ERR_HANDSHAKE_HOST");
  rejected([...base(), ["Host", "other.example.com"]], "ERR_HANDSHAKE_DUPLICATE_HEADER");
});

test("server handshake: version 13 only; a wrong version gets 426 and Sec-WebSocket-Version: 13", () => {
  for (const version of ["8", "12", "14", "013", "13, 8", ""]) {
    const error = rejected(
      [...without("Sec-WebSocket-Version"), ["Sec-WebSocket-Version", version]],
      "ERR_HANDSHAKE_VERSION",
      426,
    );
    assert.deepEqual(error.headers, [["Sec-WebSocket-Version", "13"]]);
  }
  const missing = rejected(without("Sec-WebSocket-Version"), "ERR_HANDSHAKE_VERSION", 400);
  assert.deepEqual(missing.headers, []);
  rejected([...base(), ["Sec-WebSocket-Version", "13"]], "ERR_HANDSHAKE_DUPLICATE_HEADER");
});

test("server handshake: exactly one key, the base64 form of 16 bytes", () => {
  rejected(without("Sec-WebSocket-Key"), "ERR_HANDSHAKE_KEY");
  for (
    const key of [
      "",
      "dGhlIHNhbXBsZSBub25jZQ",
      "dGhlIHNhbXBsZSBub25jZQ=",
      "dGhlIHNhbXBsZSBub25jZQ===",
      "dGhlIHNhbXBsZSBub25j",
      "dGhl!HNhbXBsZSBub25jZQ==",
      "dGhlIHNhbXBsZSBub25jZQo=",
    ]
  ) {
    rejected([...without("Sec-WebSocket-Key"), ["Sec-WebSocket-Key", key]], "ERR_HANDSHAKE_KEY");
  }
  rejected([...base(), ["Sec-WebSocket-Key", KEY]], "ERR_HANDSHAKE_DUPLICATE_HEADER");
});

test("server handshake: subprotocols are unique tokens; the first the server speaks, in the client's order", () => {
  const headers = (
    ...values: string[]
  ): Headers => [...base(), ...values.map((v): [string, string] => ["Sec-WebSocket-Protocol", v])];
  assert.equal(accept(headers("a, b, c"), { protocols: ["c", "b"] }).protocol, "b");
  assert.equal(accept(headers("a", "b"), { protocols: ["b"] }).protocol, "b");
  assert.equal(accept(headers("a, b"), { protocols: ["x"] }).protocol, "");
  assert.equal(accept(headers("a, b")).protocol, "");
  assert.equal(accept(headers("a, b"), { protocols: (offered) => offered.at(-1)! }).protocol, "b");
  assert.equal(accept(headers("a, b"), { protocols: () => null }).headers.length, 3);
  assert.throws(() => accept(headers("a"), { protocols: () => "z" }), {
    code: "ERR_INVALID_PROTOCOL",
  });
  rejected(headers("a, a"), "ERR_HANDSHAKE_PROTOCOL");
  rejected(headers("a", "a"), "ERR_HANDSHAKE_PROTOCOL");
  rejected(headers("a b"), "ERR_HANDSHAKE_PROTOCOL");
  rejected(headers("chat/1"), "ERR_HANDSHAKE_PROTOCOL");
  rejected(headers('"chat"'), "ERR_HANDSHAKE_PROTOCOL");
});

test("server handshake: extensions follow the grammar; permessage-deflate only when enabled", () => {
  const headers = (value: string): Headers => [...base(), ["Sec-WebSocket-Extensions", value]];
  const offer = headers("permessage-deflate; client_max_window_bits");
  assert.equal(accept(offer).extensions, "");
  assert.equal(accept(offer).perMessageDeflate, null);
  const enabled = accept(offer, { perMessageDeflate: true });
  assert.equal(enabled.extensions, "permessage-deflate");
  assert.deepEqual(enabled.headers.at(-1), ["Sec-WebSocket-Extensions", "permessage-deflate"]);
  assert.equal(
    accept(headers("x-webkit-deflate-frame"), { perMessageDeflate: true }).extensions,
    "",
  );
  rejected(headers("permessage-deflate; ="), "ERR_HANDSHAKE_EXTENSIONS");
  rejected(headers("permessage-deflate;; a"), "ERR_HANDSHAKE_EXTENSIONS");
  rejected(headers('permessage-deflate; a="b c"'), "ERR_HANDSHAKE_EXTENSIONS");
  rejected(headers("permessage-deflate a"), "ERR_HANDSHAKE_EXTENSIONS");
});

test("server handshake: an origin check answers 403", () => {
  const options = { checkOrigin: (origin: string | null) => origin === "https://good.example" };
  rejected(base(), "ERR_HANDSHAKE_ORIGIN", 403, options);
  assert.ok(accept([...without("Origin"), ["Origin", "https://good.example"]], options));
  rejected(without("Origin"), "ERR_HANDSHAKE_ORIGIN", 403, options);
  rejected([...base(), ["Origin", "x"]], "ERR_HANDSHAKE_DUPLICATE_HEADER");
});

// Found by fuzzing (tests/protocols/websocket/_fuzz.ts, ws/handshake): a refusal
// for a malformed Sec-WebSocket-Extensions carried its status but no headers,
// unlike every other refusal, so a server building its answer from
// `error.headers` found nothing to iterate.
test("server handshake: every refusal carries the headers of its answer", () => {
  for (const value of ['"', "permessage-deflate; =", ",;", 'a; b="c']) {
    const error = rejected(
      [...base(), ["Sec-WebSocket-Extensions", value]],
      "ERR_HANDSHAKE_EXTENSIONS",
    );
    assert.deepEqual(error.headers, []);
  }
  assert.deepEqual(rejected(without("Host"), "ERR_HANDSHAKE_HOST").headers, []);
});
