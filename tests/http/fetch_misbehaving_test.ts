// fetch() against raw servers that misbehave on purpose: framing, 1xx,
// bodiless responses, stray bytes, limits, keep-alive races. Every test uses
// its own Agent and destroys it. (Redirects, decoding, timeouts and aborts are
// in fetch_redirect_test.ts, fetch_decode_test.ts and fetch_abort_test.ts.)

import assert from "node:assert/strict";
import { fetch } from "../../http/mod.ts";
import { test } from "../_harness.ts";
import { rejectsWithCode, sleep, withRaw } from "./_client_helpers.ts";
import { respond } from "./_raw_server.ts";

// ---- framing -----------------------------------------------------------------------------

test("fetch: a Content-Length body, then the connection is reused", async () => {
  await withRaw(
    (request, c) => c.write(respond(200, `hello ${request.path}`)),
    async (server, agent) => {
      assert.equal(await (await fetch(`${server.origin}/a`, { agent })).text(), "hello /a");
      assert.equal(await (await fetch(`${server.origin}/b`, { agent })).text(), "hello /b");
      assert.equal(server.accepted, 1);
    },
  );
});

test("fetch: chunked with extensions and trailers, cut byte by byte", async () => {
  const wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n" +
    '5;ext=1\r\nhello\r\n1;a;b="c"\r\n \r\n5\r\nworld\r\n0\r\nX-Sum: 11\r\n\r\n';
  await withRaw((_, c) => {
    let i = 0;
    const next = () => {
      if (i < wire.length) {
        c.write(wire[i++]);
        c.later(0, next);
      }
    };
    next();
  }, async (server, agent) => {
    const response = await fetch(server.origin, { agent });
    assert.equal(await response.text(), "hello world");
    assert.equal(await (await fetch(server.origin, { agent })).text(), "hello world");
    assert.equal(server.accepted, 1, "a chunked response leaves the connection reusable");
  });
});

test("fetch: a body read until close, and the next request on a new connection", async () => {
  await withRaw((_, c) => {
    c.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil ");
    c.later(20, () => {
      c.write("close");
      c.socket.end();
    });
  }, async (server, agent) => {
    assert.equal(await (await fetch(server.origin, { agent })).text(), "until close");
    assert.equal(await (await fetch(server.origin, { agent })).text(), "until close");
    assert.equal(server.accepted, 2);
  });
});

test("fetch: HTTP/1.0 responses: keep-alive only when asked", async () => {
  await withRaw((request, c) => {
    if (request.path === "/ka") {
      c.write("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nka");
    } else {
      c.write("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nno");
      c.socket.end();
    }
  }, async (server, agent) => {
    assert.equal(await (await fetch(`${server.origin}/ka`, { agent })).text(), "ka");
    assert.equal(await (await fetch(`${server.origin}/ka`, { agent })).text(), "ka");
    assert.equal(server.accepted, 1);
    assert.equal(await (await fetch(`${server.origin}/close`, { agent })).text(), "no");
    assert.equal(await (await fetch(`${server.origin}/ka`, { agent })).text(), "ka");
    assert.equal(server.accepted, 2);
  });
});

const framingErrors: Array<[string, string, string]> = [
  [
    "Content-Length with Transfer-Encoding",
    "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "CONTENT_LENGTH_WITH_TRANSFER_ENCODING",
  ],
  [
    "two different Content-Lengths",
    "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
    "CONFLICTING_CONTENT_LENGTH",
  ],
  [
    "a Content-Length that is not a number",
    "HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n",
    "INVALID_CONTENT_LENGTH",
  ],
  [
    "a signed Content-Length",
    "HTTP/1.1 200 OK\r\nContent-Length: +3\r\n\r\nabc",
    "INVALID_CONTENT_LENGTH",
  ],
  [
    "a transfer coding other than chunked",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
    "UNSUPPORTED_TRANSFER_ENCODING",
  ],
  [
    "chunked in HTTP/1.0",
    "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "TRANSFER_ENCODING_IN_HTTP10",
  ],
  [
    "a status code of four digits",
    "HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n",
    "INVALID_STATUS_LINE",
  ],
  [
    "HTTP/2.0 in the status line",
    "HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n",
    "UNSUPPORTED_VERSION",
  ],
  ["garbage instead of a status line", "SSH-2.0-OpenSSH_9.6\r\n\r\n", "INVALID_VERSION"],
  [
    "NUL in a field value",
    "HTTP/1.1 200 OK\r\nX-A: a\0b\r\nContent-Length: 0\r\n\r\n",
    "INVALID_HEADER_VALUE",
  ],
  [
    "space before a colon",
    "HTTP/1.1 200 OK\r\nX-A : b\r\nContent-Length: 0\r\n\r\n",
    "SPACE_BEFORE_COLON",
  ],
  ["bare LF line ends", "HTTP/1.1 200 OK\nContent-Length: 0\n\n", "BARE_LF"],
  ["a bare CR", "HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 0\r\n\r\n", "BARE_CR"],
];

for (const [name, wire, code] of framingErrors) {
  test(`fetch: ${name} is ${code}`, async () => {
    await withRaw((_, c) => c.write(wire), async (server, agent) => {
      await rejectsWithCode(fetch(server.origin, { agent }), code, { phase: "head" });
    });
  });
}

test("fetch: a body shorter than its Content-Length fails the read", async () => {
  await withRaw((_, c) => {
    c.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort");
    c.socket.end();
  }, async (server, agent) => {
    const response = await fetch(server.origin, { agent });
    await rejectsWithCode(response.text(), "INCOMPLETE_MESSAGE", { phase: "body" });
  });
});

test("fetch: chunked framing broken inside the body fails the read", async () => {
  for (
    const rest of ["zz\r\nhello\r\n0\r\n\r\n", "5\r\nhelloXX0\r\n\r\n", "ffffffffffffffffffff\r\n"]
  ) {
    await withRaw((_, c) => {
      c.write(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${rest}`);
    }, async (server, agent) => {
      const response = await fetch(server.origin, { agent });
      await assert.rejects(response.text(), TypeError);
    });
  }
});

test("fetch: a chunked body cut by the end of the connection fails the read", async () => {
  await withRaw((_, c) => {
    c.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel");
    c.socket.end();
  }, async (server, agent) => {
    const response = await fetch(server.origin, { agent });
    await rejectsWithCode(response.text(), "INCOMPLETE_MESSAGE");
  });
});

test("fetch: equal repeated Content-Lengths are one length; obs-fold is unfolded", async () => {
  await withRaw((_, c) => {
    c.write(
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\nX-Folded: a\r\n  b\r\n\r\nok",
    );
  }, async (server, agent) => {
    const response = await fetch(server.origin, { agent });
    assert.equal(await response.text(), "ok");
    assert.equal(response.headers.get("x-folded"), "a b");
  });
});

// ---- 1xx ----------------------------------------------------------------------------------

test("fetch: 100, 102 and 103 before the final response are skipped", async () => {
  await withRaw((_, c) => {
    c.write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n");
    c.later(10, () => {
      c.write("HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n");
      c.write(respond(201, "made", { "X-Final": "yes" }, "Created"));
    });
  }, async (server, agent) => {
    const response = await fetch(server.origin, { agent, method: "POST", body: "x" });
    assert.equal(response.status, 201);
    assert.equal(response.headers.get("link"), null);
    assert.equal(response.headers.get("x-final"), "yes");
    assert.equal(await response.text(), "made");
    assert.equal((await fetch(server.origin, { agent })).status, 201);
    assert.equal(server.accepted, 1);
  });
});

test("fetch: a 101 nobody asked for is UNEXPECTED_RESPONSE", async () => {
  await withRaw(
    (_, c) => c.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n"),
    async (server, agent) => {
      await rejectsWithCode(fetch(server.origin, { agent }), "UNEXPECTED_RESPONSE");
    },
  );
});

test("fetch: an endless run of 1xx responses stops at a limit", async () => {
  await withRaw((_, c) => {
    c.write("HTTP/1.1 103 Early Hints\r\n\r\n".repeat(200));
  }, async (server, agent) => {
    await rejectsWithCode(fetch(server.origin, { agent }), "TOO_MANY_INFORMATIONAL");
  });
});

// ---- bodiless responses -------------------------------------------------------------------

test("fetch: 204 and 304 have no body whatever their fields say; the connection is reused", async () => {
  await withRaw((request, c) => {
    if (request.path === "/204") c.write("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n");
    else if (request.path === "/304") {
      c.write('HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\nETag: "a"\r\n\r\n');
    } else c.write(respond(200, "after"));
  }, async (server, agent) => {
    const noContent = await fetch(`${server.origin}/204`, { agent });
    assert.equal(noContent.status, 204);
    assert.equal(noContent.body, null);
    const notModified = await fetch(`${server.origin}/304`, { agent });
    assert.equal(notModified.status, 304);
    assert.equal(notModified.body, null);
    assert.equal(await (await fetch(`${server.origin}/next`, { agent })).text(), "after");
    assert.equal(server.accepted, 1);
  });
});

test("fetch: HEAD responses have no body, with Content-Length or chunked", async () => {
  await withRaw((request, c) => {
    if (request.method === "HEAD" && request.path === "/cl") {
      c.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
    } else if (request.method === "HEAD") {
      c.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    } else c.write(respond(200, "get"));
  }, async (server, agent) => {
    const head = await fetch(`${server.origin}/cl`, { agent, method: "HEAD" });
    assert.equal(head.headers.get("content-length"), "1000");
    assert.equal(await head.text(), "");
    const chunked = await fetch(`${server.origin}/te`, { agent, method: "head" });
    assert.equal(await chunked.text(), "");
    assert.equal(await (await fetch(`${server.origin}/x`, { agent })).text(), "get");
    assert.equal(server.accepted, 1);
  });
});

test("fetch: bytes after a 204 are stray: the connection is not reused", async () => {
  await withRaw((request, c) => {
    if (request.path === "/204") c.write("HTTP/1.1 204 No Content\r\n\r\nsurprise");
    else c.write(respond(200, "clean"));
  }, async (server, agent) => {
    assert.equal((await fetch(`${server.origin}/204`, { agent })).status, 204);
    assert.equal(await (await fetch(`${server.origin}/next`, { agent })).text(), "clean");
    assert.equal(server.accepted, 2);
  });
});

// ---- stray bytes ---------------------------------------------------------------------------

test("fetch: a body longer than its Content-Length is cut, and the connection dropped", async () => {
  await withRaw((request, c) => {
    c.write(
      request.connection === 1
        ? "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA"
        : respond(200, "fine"),
    );
  }, async (server, agent) => {
    assert.equal(await (await fetch(server.origin, { agent })).text(), "ok");
    assert.equal(await (await fetch(server.origin, { agent })).text(), "fine");
    assert.equal(server.accepted, 2);
  });
});

test("fetch: bytes on an idle connection retire it (a 408 before closing)", async () => {
  await withRaw((request, c) => {
    c.write(respond(200, `r${request.index}`));
    if (request.connection === 1) {
      c.later(20, () => c.write("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n"));
    }
  }, async (server, agent) => {
    assert.equal(await (await fetch(server.origin, { agent })).text(), "r1");
    await sleep(80);
    assert.equal(await (await fetch(server.origin, { agent })).text(), "r1");
    assert.equal(server.accepted, 2);
  });
});

// ---- limits ----------------------------------------------------------------------------------

test("fetch: a head over 16 KiB fails at once, never waits", async () => {
  await withRaw((_, c) => {
    c.write(`HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(20000)}`); // and never ends it
  }, async (server, agent) => {
    await rejectsWithCode(fetch(server.origin, { agent }), "HEADERS_TOO_LARGE");
  });
});

test("fetch: a head trickled forever stops at the size limit", async () => {
  await withRaw((_, c) => {
    c.write("HTTP/1.1 200 OK\r\n");
    c.every(1, () => c.write(`X-${Math.random()}: ${"v".repeat(500)}\r\n`));
  }, async (server, agent) => {
    await rejectsWithCode(fetch(server.origin, { agent }), "HEADERS_TOO_LARGE");
  }, { limits: { maxHeaderSize: 4096 } });
});

test("fetch: more than 100 header fields is TOO_MANY_HEADERS", async () => {
  const fields = Array.from({ length: 150 }, (_, i) => `X-${i}: ${i}\r\n`).join("");
  await withRaw(
    (_, c) => c.write(`HTTP/1.1 200 OK\r\n${fields}Content-Length: 0\r\n\r\n`),
    async (server, agent) => {
      await rejectsWithCode(fetch(server.origin, { agent }), "TOO_MANY_HEADERS");
    },
  );
});

test("fetch: trailers and chunk extensions over their limits fail the read", async () => {
  await withRaw((request, c) => {
    const body = request.path === "/trailers"
      ? `0\r\nX-T: ${"t".repeat(20000)}\r\n\r\n`
      : `1;${"e".repeat(20000)}\r\na\r\n0\r\n\r\n`;
    c.write(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${body}`);
  }, async (server, agent) => {
    await assert.rejects((await fetch(`${server.origin}/trailers`, { agent })).text(), TypeError);
    await assert.rejects((await fetch(`${server.origin}/ext`, { agent })).text(), TypeError);
  });
});

test("fetch: limits.maxBodySize stops an endless body", async () => {
  await withRaw((_, c) => {
    c.write("HTTP/1.1 200 OK\r\n\r\n");
    c.every(1, () => c.write("x".repeat(4096)));
  }, async (server, agent) => {
    const response = await fetch(server.origin, { agent });
    await rejectsWithCode(response.arrayBuffer(), "BODY_TOO_LARGE");
  }, { limits: { maxBodySize: 100_000 } });
});

// ---- keep-alive races ------------------------------------------------------------------------

test("fetch: a server that closes after every response without saying so: GETs and POSTs go through", async () => {
  await withRaw((request, c) => {
    c.write(respond(200, `${request.method} ${request.index}`));
    c.socket.end();
  }, async (server, agent) => {
    for (let i = 0; i < 4; i++) {
      assert.equal(await (await fetch(server.origin, { agent })).text(), "GET 1");
      const post = await fetch(server.origin, { agent, method: "POST", body: "data" });
      assert.equal(await post.text(), "POST 1");
    }
    assert.equal(server.requests.filter((request) => request.method === "POST").length, 4);
    assert.equal(agent.stats().retries, 0, "the closed connections were seen before reuse");
  });
});

test("fetch: an idle connection the server closed a while ago is not reused", async () => {
  await withRaw((request, c) => {
    c.write(respond(200, `n${request.connection}`));
    c.later(20, () => c.socket.destroy());
  }, async (server, agent) => {
    assert.equal(await (await fetch(server.origin, { agent })).text(), "n1");
    await sleep(60);
    assert.equal(
      await (await fetch(server.origin, { agent, method: "POST", body: "x" })).text(),
      "n2",
    );
  });
});

test("fetch: an idempotent request is sent again once when a reused connection dies before answering", async () => {
  await withRaw((request, c) => {
    if (request.index === 1) c.write(respond(200, `first on ${request.connection}`));
    else c.socket.destroy(); // a keep-alive race: the request arrived as the server closed
  }, async (server, agent) => {
    assert.equal(await (await fetch(server.origin, { agent })).text(), "first on 1");
    const retried = await fetch(`${server.origin}/again`, { agent, method: "PUT", body: "same" });
    assert.equal(await retried.text(), "first on 2");
    const puts = server.requests.filter((request) => request.method === "PUT");
    assert.equal(puts.length, 2);
    assert.equal(agent.stats().retries, 1);
  });
});

test("fetch: a POST is never sent twice after a keep-alive race", async () => {
  await withRaw((request, c) => {
    if (request.index === 1) c.write(respond(200, "first"));
    else c.socket.destroy(); // the POST reached the server, which closed without answering
  }, async (server, agent) => {
    assert.equal(await (await fetch(server.origin, { agent })).text(), "first");
    const error = await fetch(server.origin, { agent, method: "POST", body: "once" }).then(
      () => assert.fail("should fail"),
      (error: TypeError) => error.cause as { code: string; reused: boolean; phase: string },
    );
    assert.ok(["ECONNRESET", "NO_RESPONSE"].includes(error.code), error.code);
    assert.equal(error.reused, true);
    assert.equal(server.requests.filter((request) => request.method === "POST").length, 1);
    assert.equal(agent.stats().retries, 0);
  });
});

test("fetch: a retried request that fails again is an error, not a loop", async () => {
  await withRaw((request, c) => {
    if (request.connection === 1 && request.index === 1) c.write(respond(200, "only"));
    else c.socket.destroy();
  }, async (server, agent) => {
    assert.equal(await (await fetch(server.origin, { agent })).text(), "only");
    const error = await fetch(server.origin, { agent }).then(
      () => assert.fail("should fail"),
      (error: TypeError) => error.cause as { code: string; reused: boolean },
    );
    assert.ok(["ECONNRESET", "NO_RESPONSE"].includes(error.code), error.code);
    assert.equal(error.reused, false, "the retry ran on a fresh connection");
    assert.equal(server.requests.length, 3);
  });
});

test("fetch: Keep-Alive: timeout=1 retires the connection before the server does", async () => {
  await withRaw((request, c) => {
    c.write(respond(200, `c${request.connection}`, { "Keep-Alive": "timeout=1" }));
    c.later(1000, () => c.socket.destroy());
  }, async (server, agent) => {
    assert.equal(await (await fetch(server.origin, { agent })).text(), "c1");
    await sleep(200);
    assert.equal(await (await fetch(server.origin, { agent })).text(), "c1");
    await sleep(700);
    assert.equal(
      await (await fetch(server.origin, { agent, method: "POST", body: "" })).text(),
      "c2",
    );
  });
});

test("fetch: Connection: close in a response ends reuse", async () => {
  await withRaw((request, c) => {
    c.write(respond(200, "x", { Connection: "close" }));
    c.socket.end();
    void request;
  }, async (server, agent) => {
    await (await fetch(server.origin, { agent })).text();
    await (await fetch(server.origin, { agent })).text();
    assert.equal(server.accepted, 2);
  });
});

test("fetch: a reset in the middle of a body fails the read with ECONNRESET", async () => {
  await withRaw((_, c) => {
    c.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial");
    c.later(20, () => c.socket.resetAndDestroy());
  }, async (server, agent) => {
    const response = await fetch(server.origin, { agent });
    const error = await response.text().then(
      () => null,
      (error: TypeError) => error.cause as { code: string; phase: string },
    );
    assert.ok(error !== null);
    assert.ok(["ECONNRESET", "INCOMPLETE_MESSAGE"].includes(error.code), error.code);
    assert.equal(error.phase, "body");
  });
});

test("fetch: 500 requests with maxSockets 10 never open more than 10 connections", async () => {
  await withRaw((request, c) => {
    c.later(request.index % 3, () => c.write(respond(200, request.path)));
  }, async (server, agent) => {
    const results = await Promise.all(
      Array.from(
        { length: 500 },
        (_, i) => fetch(`${server.origin}/${i}`, { agent }).then((r) => r.text()),
      ),
    );
    assert.deepEqual(results, Array.from({ length: 500 }, (_, i) => `/${i}`));
    assert.ok(server.maxOpen <= 10, `at most 10 open, saw ${server.maxOpen}`);
    assert.equal(server.accepted, 10);
    const stats = agent.stats();
    assert.equal(stats.pending, 0);
    assert.ok(stats.open <= 10);
  }, { maxSockets: 10 });
});

test("fetch: an early answer (413) while the body is still being sent is the response", async () => {
  await withRaw(() => {}, async (server, agent) => {
    const response = await fetch(server.origin, {
      agent,
      method: "POST",
      body: new Uint8Array(4 * 1024 * 1024),
    });
    assert.equal(response.status, 413);
    assert.equal(await response.text(), "too big");
  }, {
    onConnection: (c) => {
      let answered = false;
      c.socket.on("data", () => {
        if (answered) return;
        answered = true;
        c.write(respond(413, "too big", { Connection: "close" }, "Content Too Large"));
        c.socket.end();
      });
    },
  });
});

test("fetch: a new connection closed without an answer is NO_RESPONSE, never retried", async () => {
  await withRaw(() => {}, async (server, agent) => {
    const cause = await rejectsWithCode(fetch(server.origin, { agent }), "NO_RESPONSE", {
      phase: "head",
      reused: false,
    });
    assert.ok(cause);
    assert.equal(server.accepted, 1);
  }, { onConnection: (c) => c.socket.once("data", () => c.socket.end()) });
});

test("fetch: a reset right after accepting is ECONNRESET (or NO_RESPONSE), never a hang", async () => {
  await withRaw(() => {}, async (server, agent) => {
    const error = await fetch(server.origin, { agent }).then(
      () => assert.fail("should fail"),
      (error: TypeError) => error.cause as { code: string },
    );
    assert.ok(["ECONNRESET", "NO_RESPONSE", "EPIPE"].includes(error.code), error.code);
  }, { onConnection: (c) => c.socket.once("data", () => c.socket.resetAndDestroy()) });
});

test("fetch: Latin-1 bytes in field values and an empty reason phrase are accepted", async () => {
  await withRaw((_, c) => {
    c.write(
      "HTTP/1.1 200 \r\nX-Name: caf\xe9\r\nX-Empty:\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 2\r\n\r\nok",
    );
  }, async (server, agent) => {
    const response = await fetch(server.origin, { agent });
    assert.equal(response.statusText, "");
    assert.equal(response.headers.get("x-name"), "caf\xe9");
    assert.equal(response.headers.get("x-empty"), "");
    assert.deepEqual(response.headers.getSetCookie(), ["a=1", "b=2"]);
    assert.equal(await response.text(), "ok");
  });
});
