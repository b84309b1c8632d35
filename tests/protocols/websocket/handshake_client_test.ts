// RFC 6455 section 4.1: the request a client builds, and every check on the
// server's answer.

import assert from "node:assert/strict";
import { test } from "../../_harness.ts";
import {
  acceptHandshake,
  type ClientHandshake,
  computeAcceptKey,
  createClientHandshake,
  isValidKey,
  verifyHandshakeResponse,
} from "../../../protocols/websocket/mod.ts";

type Headers = Array<[string, string]>;

function answer(handshake: ClientHandshake, extra: Headers = [], drop = ""): Headers {
  const headers: Headers = [
    ["Upgrade", "websocket"],
    ["Connection", "Upgrade"],
    ["Sec-WebSocket-Accept", computeAcceptKey(handshake.key)],
    ...extra,
  ];
  return headers.filter(([name]) => name !== drop);
}

test("client handshake: the request line's target and the headers, in order", () => {
  const handshake = createClientHandshake({
    url: "ws://example.com/chat?x=1",
    protocols: ["chat", "superchat"],
    origin: "http://example.com",
    headers: [["Cookie", "a=b"]],
  });
  assert.equal(handshake.target, "/chat?x=1");
  assert.equal(handshake.port, 80);
  assert.equal(handshake.secure, false);
  assert.ok(isValidKey(handshake.key));
  assert.deepEqual(handshake.headers, [
    ["Host", "example.com"],
    ["Upgrade", "websocket"],
    ["Connection", "Upgrade"],
    ["Sec-WebSocket-Key", handshake.key],
    ["Sec-WebSocket-Version", "13"],
    ["Sec-WebSocket-Protocol", "chat, superchat"],
    ["Origin", "http://example.com"],
    ["Cookie", "a=b"],
  ]);
  assert.notEqual(
    createClientHandshake({ url: "ws://a/" }).key,
    handshake.key,
    "a fresh key each time",
  );
});

test("client handshake: URLs: schemes, ports, IPv6, no fragment, credentials", () => {
  const at = (url: string) => createClientHandshake({ url });
  assert.deepEqual([at("wss://h/").port, at("wss://h/").secure, at("wss://h:443/").headers[0][1]], [
    443,
    true,
    "h",
  ]);
  assert.equal(at("ws://h:80").target, "/");
  assert.equal(at("ws://h:8080").headers[0][1], "h:8080");
  assert.equal(at("http://h/").url.protocol, "ws:");
  assert.equal(at("https://h/").secure, true);
  const v6 = at("ws://[::1]:9000/p");
  assert.deepEqual([v6.hostname, v6.port, v6.headers[0][1]], ["::1", 9000, "[::1]:9000"]);
  for (const url of ["ftp://h/", "ws://h/#frag", "ws://h/#", "not a url"]) {
    assert.throws(() => at(url), { code: "ERR_INVALID_URL" }, url);
  }
  const auth = at("ws://user:p%40ss@h/");
  assert.deepEqual(auth.headers.find(([n]) => n === "Authorization"), [
    "Authorization",
    `Basic ${btoa("user:p@ss")}`,
  ]);
});

test("client handshake: subprotocols and custom headers are checked", () => {
  for (const protocols of [["a", "a"], ["a b"], [""], ["x/y"]]) {
    assert.throws(() => createClientHandshake({ url: "ws://h/", protocols }), {
      code: "ERR_INVALID_PROTOCOL",
    });
  }
  assert.deepEqual(createClientHandshake({ url: "ws://h/", protocols: "one" }).protocols, ["one"]);
  for (
    const name of [
      "Host",
      "upgrade",
      "Connection",
      "Sec-WebSocket-Key",
      "sec-websocket-version",
      "Sec-WebSocket-Protocol",
      "Sec-WebSocket-Extensions",
      "Content-Length",
      "Transfer-Encoding",
    ]
  ) {
    assert.throws(() => createClientHandshake({ url: "ws://h/", headers: { [name]: "x" } }), {
      code: "ERR_INVALID_HEADER",
    }, name);
  }
  assert.throws(() => createClientHandshake({ url: "ws://h/", headers: { "X-A": "a\r\nb" } }), {
    code: "ERR_INVALID_HEADER",
  });
  assert.throws(() => createClientHandshake({ url: "ws://h/", headers: { "X A": "a" } }), {
    code: "ERR_INVALID_HEADER",
  });
  const ok = createClientHandshake({
    url: "ws://h/",
    headers: { "X-Token": " t ", Authorization: "Bearer z" },
  });
  assert.deepEqual(ok.headers.slice(-2), [["X-Token", "t"], ["Authorization", "Bearer z"]]);
});

test("client handshake: a correct answer is accepted; the server side accepts the request", () => {
  const handshake = createClientHandshake({
    url: "ws://h/",
    protocols: ["chat"],
    perMessageDeflate: true,
  });
  const accepted = acceptHandshake({
    method: "GET",
    httpVersion: "1.1",
    headers: handshake.headers,
  }, {
    protocols: ["chat"],
    perMessageDeflate: { serverNoContextTakeover: true },
  });
  const result = verifyHandshakeResponse(handshake, { status: 101, headers: accepted.headers });
  assert.equal(result.protocol, "chat");
  assert.deepEqual(result.perMessageDeflate, accepted.perMessageDeflate);
  assert.equal(result.perMessageDeflate?.serverNoContextTakeover, true);
});

test("client handshake: each rule on the answer", () => {
  const handshake = createClientHandshake({
    url: "ws://h/",
    protocols: ["chat"],
    perMessageDeflate: true,
  });
  const fails = (code: string, status: number, headers: Headers) =>
    assert.throws(() => verifyHandshakeResponse(handshake, { status, headers }), { code }, code);
  fails("ERR_HANDSHAKE_STATUS", 200, answer(handshake));
  fails("ERR_HANDSHAKE_STATUS", 426, answer(handshake));
  fails("ERR_HANDSHAKE_UPGRADE", 101, answer(handshake, [], "Upgrade"));
  fails("ERR_HANDSHAKE_UPGRADE", 101, [...answer(handshake, [], "Upgrade"), [
    "Upgrade",
    "websocket, h2c",
  ]]);
  fails("ERR_HANDSHAKE_CONNECTION", 101, answer(handshake, [], "Connection"));
  fails("ERR_HANDSHAKE_CONNECTION", 101, [...answer(handshake, [], "Connection"), [
    "Connection",
    "close",
  ]]);
  fails("ERR_HANDSHAKE_ACCEPT", 101, answer(handshake, [], "Sec-WebSocket-Accept"));
  fails("ERR_HANDSHAKE_ACCEPT", 101, [...answer(handshake, [], "Sec-WebSocket-Accept"), [
    "Sec-WebSocket-Accept",
    computeAcceptKey("dGhlIHNhbXBsZSBub25jZQ=="),
  ]]);
  fails(
    "ERR_HANDSHAKE_DUPLICATE_HEADER",
    101,
    answer(handshake, [["Sec-WebSocket-Accept", computeAcceptKey(handshake.key)]]),
  );
  fails(
    "ERR_HANDSHAKE_PROTOCOL",
    101,
    answer(handshake, [["Sec-WebSocket-Protocol", "superchat"]]),
  );
  fails(
    "ERR_HANDSHAKE_DUPLICATE_HEADER",
    101,
    answer(handshake, [["Sec-WebSocket-Protocol", "chat"], ["Sec-WebSocket-Protocol", "chat"]]),
  );
  fails(
    "ERR_HANDSHAKE_EXTENSIONS",
    101,
    answer(handshake, [["Sec-WebSocket-Extensions", "x-other"]]),
  );
  fails(
    "ERR_HANDSHAKE_EXTENSIONS",
    101,
    answer(handshake, [["Sec-WebSocket-Extensions", "permessage-deflate, permessage-deflate"]]),
  );
  fails(
    "ERR_HANDSHAKE_EXTENSIONS",
    101,
    answer(handshake, [["Sec-WebSocket-Extensions", "permessage-deflate; foo"]]),
  );
  // Lower-case and mixed-case header names are the same headers.
  const mixed = verifyHandshakeResponse(handshake, {
    status: 101,
    headers: [["upgrade", "WebSocket"], ["CONNECTION", "keep-alive, upgrade"], [
      "sec-websocket-accept",
      computeAcceptKey(handshake.key),
    ]],
  });
  assert.equal(mixed.protocol, "");
  // Without an offer, any extension or subprotocol in the answer fails.
  const bare = createClientHandshake({ url: "ws://h/" });
  assert.throws(
    () =>
      verifyHandshakeResponse(bare, {
        status: 101,
        headers: answer(bare, [["Sec-WebSocket-Extensions", "permessage-deflate"]]),
      }),
    { code: "ERR_HANDSHAKE_EXTENSIONS" },
  );
  assert.throws(
    () =>
      verifyHandshakeResponse(bare, {
        status: 101,
        headers: answer(bare, [["Sec-WebSocket-Protocol", "chat"]]),
      }),
    { code: "ERR_HANDSHAKE_PROTOCOL" },
  );
});
