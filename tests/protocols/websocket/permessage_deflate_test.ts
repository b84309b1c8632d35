// RFC 7692 section 7.1: negotiation of permessage-deflate, both roles, with the
// validity rules of every parameter and several offers.

import assert from "node:assert/strict";
import { test } from "../../_harness.ts";
import {
  acceptPerMessageDeflate,
  formatExtensions,
  negotiatePerMessageDeflate,
  offerPerMessageDeflate,
  parseExtensions,
  type PerMessageDeflateOptions,
} from "../../../protocols/websocket/mod.ts";

function negotiate(offer: string, options: PerMessageDeflateOptions = {}) {
  const answer = negotiatePerMessageDeflate(parseExtensions(offer), options);
  return answer === null
    ? null
    : { ...answer.params, response: formatExtensions([answer.response]) };
}

test("extensions: parsing lists, parameters, quoted values and empty elements", () => {
  assert.deepEqual(parseExtensions('a, b; x=1; y, ,c;z="9"'), [
    { name: "a", params: [] },
    { name: "b", params: [["x", "1"], ["y", null]] },
    { name: "c", params: [["z", "9"]] },
  ]);
  assert.deepEqual(parseExtensions(' a ; x = "1\\0" '), [{ name: "a", params: [["x", "10"]] }]);
  assert.deepEqual(parseExtensions(""), []);
  for (
    const bad of [
      "a;",
      "a; x=",
      "a; =1",
      'a; x="1 2"',
      'a; x="1',
      "a b",
      "a; x=1 2",
      "(a)",
      'a; x=""',
    ]
  ) {
    assert.throws(() => parseExtensions(bad), { code: "ERR_HANDSHAKE_EXTENSIONS" }, bad);
  }
});

test("server negotiation: defaults, and what the client asks for", () => {
  assert.deepEqual(negotiate("permessage-deflate"), {
    serverNoContextTakeover: false,
    clientNoContextTakeover: false,
    serverMaxWindowBits: 15,
    clientMaxWindowBits: 15,
    response: "permessage-deflate",
  });
  assert.deepEqual(
    negotiate(
      "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=12",
    ),
    {
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
      serverMaxWindowBits: 10,
      clientMaxWindowBits: 12,
      response:
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=12",
    },
  );
  assert.equal(negotiate('permessage-deflate; server_max_window_bits="8"')?.serverMaxWindowBits, 8);
});

test("server negotiation: the server's own requirements", () => {
  const forced = negotiate("permessage-deflate; client_max_window_bits", {
    serverNoContextTakeover: true,
    clientNoContextTakeover: true,
    serverMaxWindowBits: 11,
    clientMaxWindowBits: 9,
  });
  assert.equal(
    forced?.response,
    "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=11; client_max_window_bits=9",
  );
  // The smaller of the offer's and the server's window.
  assert.equal(
    negotiate("permessage-deflate; server_max_window_bits=10", { serverMaxWindowBits: 12 })
      ?.serverMaxWindowBits,
    10,
  );
  assert.equal(
    negotiate("permessage-deflate; client_max_window_bits=12", { clientMaxWindowBits: 10 })
      ?.clientMaxWindowBits,
    10,
  );
  // Without client_max_window_bits in the offer the client's window cannot be limited.
  const unlimited = negotiate("permessage-deflate", { clientMaxWindowBits: 9 });
  assert.equal(unlimited?.clientMaxWindowBits, 15);
  assert.equal(unlimited?.response, "permessage-deflate");
  assert.throws(() => negotiate("permessage-deflate", { serverMaxWindowBits: 16 }), {
    code: "ERR_INVALID_OPTION",
  });
});

test("server negotiation: offers with unknown, repeated or invalid parameters are declined", () => {
  for (
    const offer of [
      "permessage-deflate; foo",
      "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
      "permessage-deflate; server_no_context_takeover=1",
      "permessage-deflate; client_no_context_takeover=true",
      "permessage-deflate; server_max_window_bits",
      "permessage-deflate; server_max_window_bits=7",
      "permessage-deflate; server_max_window_bits=16",
      "permessage-deflate; server_max_window_bits=010",
      "permessage-deflate; server_max_window_bits=0x9",
      "permessage-deflate; client_max_window_bits=1.0",
      "permessage-deflate; client_max_window_bits=8; client_max_window_bits=9",
      "x-webkit-deflate-frame",
    ]
  ) {
    assert.equal(negotiate(offer), null, offer);
  }
});

test("server negotiation: the first acceptable of several offers is taken", () => {
  const answer = negotiate(
    "permessage-deflate; server_max_window_bits=7, permessage-deflate; server_max_window_bits=9; client_max_window_bits, permessage-deflate",
  );
  assert.equal(answer?.serverMaxWindowBits, 9);
  assert.equal(answer?.response, "permessage-deflate; server_max_window_bits=9");
  // Autobahn 13.7: [(True, 8), (True, 0), (False, 0)]
  const autobahn = negotiate(
    "permessage-deflate; client_no_context_takeover; client_max_window_bits=8, permessage-deflate; client_no_context_takeover; client_max_window_bits, permessage-deflate; client_max_window_bits",
  );
  assert.equal(autobahn?.clientMaxWindowBits, 8);
  assert.equal(autobahn?.clientNoContextTakeover, true);
});

test("client offer and answer checks", () => {
  assert.equal(
    formatExtensions([offerPerMessageDeflate()]),
    "permessage-deflate; client_max_window_bits",
  );
  const options = {
    serverNoContextTakeover: true,
    clientNoContextTakeover: true,
    serverMaxWindowBits: 10,
    clientMaxWindowBits: 12,
  };
  assert.equal(
    formatExtensions([offerPerMessageDeflate(options)]),
    "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=12",
  );
  const accept = (answer: string, opts: PerMessageDeflateOptions = {}) =>
    acceptPerMessageDeflate(parseExtensions(answer)[0], opts);
  assert.deepEqual(accept("permessage-deflate"), {
    serverNoContextTakeover: false,
    clientNoContextTakeover: false,
    serverMaxWindowBits: 15,
    clientMaxWindowBits: 15,
  });
  // The server may add either no_context_takeover, and name its window, unasked.
  assert.deepEqual(
    accept(
      "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits=8",
    ),
    {
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
      serverMaxWindowBits: 9,
      clientMaxWindowBits: 8,
    },
  );
  assert.equal(
    accept("permessage-deflate; server_max_window_bits=9; server_no_context_takeover", options)
      .serverMaxWindowBits,
    9,
  );
  for (
    const [answer, opts] of [
      ["permessage-deflate; foo", {}],
      ["permessage-deflate; client_max_window_bits", {}],
      ["permessage-deflate; client_max_window_bits=16", {}],
      ["permessage-deflate; server_max_window_bits", {}],
      ["permessage-deflate; server_max_window_bits=08", {}],
      ["permessage-deflate; server_no_context_takeover=1", {}],
      ["permessage-deflate; server_no_context_takeover; server_no_context_takeover", {}],
      ["permessage-deflate; client_max_window_bits=13", { clientMaxWindowBits: 12 }],
      ["permessage-deflate; server_max_window_bits=11; server_no_context_takeover", options],
      ["permessage-deflate; server_max_window_bits=10", options],
      ["permessage-deflate; server_no_context_takeover", options],
    ] as Array<[string, PerMessageDeflateOptions]>
  ) {
    assert.throws(() => accept(answer, opts), { code: "ERR_HANDSHAKE_EXTENSIONS" }, answer);
  }
});
