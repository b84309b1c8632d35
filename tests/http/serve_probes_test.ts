// Raw-socket probes of serve(): framing, smuggling, limits, keep-alive,
// pipelining and semantics, strict to RFC 9110 and RFC 9112. Each probe sends
// bytes exactly as written and reads what the server answers.

import assert from "node:assert/strict";
import { runtimeName, test } from "../_harness.ts";
import { bodyText, header, probe } from "./_probe.ts";
import { startServe } from "./_servers.ts";
import { serve } from "../../http/mod.ts";

const rt = runtimeName;
const H = "Host: example.com\r\n";

async function withServer(
  fn: (port: number) => Promise<void>,
  options: Parameters<typeof startServe>[0] = {},
): Promise<void> {
  const { server, port } = await startServe({
    headersTimeout: 2000,
    requestTimeout: 4000,
    keepAliveTimeout: 2000,
    ...options,
  });
  try {
    await fn(port);
  } finally {
    await server.close();
  }
}

/** Asserts one error answer, with `Connection: close`, then the close. */
function assertRefused(
  result: Awaited<ReturnType<typeof probe>>,
  status: number,
  answered = 0,
): void {
  assert.equal(result.parseError, null, result.text);
  assert.equal(result.responses.length, answered + 1, result.text);
  const last = result.responses[answered];
  assert.equal(last.status, status, result.text);
  assert.equal(header(last, "connection"), "close");
  assert.ok(result.closed, "the server closes after refusing");
}

// ---- framing ----------------------------------------------------------------

test(`serve probes (${rt}): Content-Length body, then the next request in the same packet`, () =>
  withServer(async (port) => {
    const result = await probe(
      port,
      `POST /echo HTTP/1.1\r\n${H}Content-Length: 5\r\n\r\nhelloGET / HTTP/1.1\r\n${H}\r\n`,
      { responses: 2 },
    );
    assert.deepEqual(result.responses.map(bodyText), ["hello", "hello"]);
    assert.equal(header(result.responses[0], "content-length"), "5");
  }));

test(`serve probes (${rt}): chunked body with extensions and trailers`, () =>
  withServer(async (port) => {
    const result = await probe(
      port,
      `POST /echo HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n` +
        `5;name=value\r\nhello\r\nA\r\n, chunked!\r\n0\r\nX-Trailer: yes\r\n\r\n`,
      { responses: 1 },
    );
    assert.equal(bodyText(result.responses[0]), "hello, chunked!");
  }));

test(`serve probes (${rt}): chunked body cut into single bytes`, () =>
  withServer(async (port) => {
    const request =
      `POST /echo HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n`;
    const result = await probe(port, request.split(""), { responses: 1 });
    assert.equal(bodyText(result.responses[0]), "abc");
  }));

for (
  const [name, body] of [
    ["a chunk size that is not hex", "zz\r\nhello\r\n0\r\n\r\n"],
    ["a chunk longer than its size", "3\r\nhello\r\n0\r\n\r\n"],
    ["a chunk size with a sign", "+5\r\nhello\r\n0\r\n\r\n"],
    ["a chunk line ending with LF only", "5\nhello\r\n0\r\n\r\n"],
    ["a chunk size past 2^53", "fffffffffffffffff\r\nx\r\n0\r\n\r\n"],
  ]
) {
  test(`serve probes (${rt}): 400 for ${name}`, () =>
    withServer(async (port) => {
      const result = await probe(
        port,
        `POST /echo HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n${body}`,
      );
      assertRefused(result, 400);
    }));
}

for (
  const [name, value] of [
    ["not a number", "five"],
    ["negative", "-5"],
    ["with a sign", "+5"],
    ["two different values in one field", "5, 6"],
    ["a list of equal values", "5, 5"],
    ["too large", "99999999999999999999"],
  ]
) {
  test(`serve probes (${rt}): 400 for a Content-Length ${name}`, () =>
    withServer(async (port) => {
      const result = await probe(
        port,
        `POST /echo HTTP/1.1\r\n${H}Content-Length: ${value}\r\n\r\nhello`,
      );
      assertRefused(result, 400);
    }));
}

test(`serve probes (${rt}): repeated equal Content-Length fields are one length`, () =>
  withServer(async (port) => {
    const result = await probe(
      port,
      `POST /echo HTTP/1.1\r\n${H}Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello`,
      { responses: 1 },
    );
    assert.equal(bodyText(result.responses[0]), "hello");
  }));

test(`serve probes (${rt}): 400 for a request line ending with LF only`, () =>
  withServer(async (port) => {
    assertRefused(await probe(port, `GET / HTTP/1.1\n${H}\r\n`), 400);
  }));

test(`serve probes (${rt}): 400 for garbage after a complete request`, () =>
  withServer(async (port) => {
    const result = await probe(port, `GET / HTTP/1.1\r\n${H}\r\nNOT HTTP AT ALL\r\n\r\n`);
    assertRefused(result, 400, 1);
    assert.equal(bodyText(result.responses[0]), "hello");
  }));

test(`serve probes (${rt}): empty lines before a request are skipped (RFC 9112 2.2)`, () =>
  withServer(async (port) => {
    const result = await probe(port, `\r\n\r\nGET / HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
    assert.equal(result.responses[0].status, 200);
  }));

// ---- smuggling ---------------------------------------------------------------

test(`serve probes (${rt}): Content-Length with Transfer-Encoding is refused, nothing smuggled`, () =>
  withServer(async (port) => {
    const result = await probe(
      port,
      `POST /echo HTTP/1.1\r\n${H}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n` +
        `0\r\n\r\nGET /method HTTP/1.1\r\n${H}\r\n`,
    );
    assertRefused(result, 400);
  }));

test(`serve probes (${rt}): Transfer-Encoding in HTTP/1.0 is refused, nothing smuggled`, () =>
  withServer(async (port) => {
    const result = await probe(
      port,
      `POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\nContent-Length: 28\r\n\r\n` +
        `0\r\n\r\nGET /method HTTP/1.1\r\n${H}\r\n`,
    );
    assertRefused(result, 400);
    const only = await probe(
      port,
      `POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /method HTTP/1.1\r\n${H}\r\n`,
    );
    assertRefused(only, 400);
  }));

for (
  const [name, value, status] of [
    ["chunked twice", "chunked, chunked", 400],
    ["chunked not last", "chunked, gzip", 400],
    ["gzip then chunked", "gzip, chunked", 501],
    ["identity alone (chunked not final: RFC 9112 6.3)", "identity", 400],
    ["an unknown coding alone", "xchunked", 400],
    ["an empty list element", "chunked,", 400],
  ] as const
) {
  test(`serve probes (${rt}): Transfer-Encoding ${name} gets ${status}`, () =>
    withServer(async (port) => {
      const result = await probe(
        port,
        `POST /echo HTTP/1.1\r\n${H}Transfer-Encoding: ${value}\r\n\r\n0\r\n\r\n`,
      );
      assertRefused(result, status);
    }));
}

test(`serve probes (${rt}): Transfer-Encoding in two fields, chunked twice, is refused`, () =>
  withServer(async (port) => {
    const result = await probe(
      port,
      `POST /echo HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    );
    assertRefused(result, 400);
  }));

for (
  const [name, head] of [
    ["whitespace before the colon", `Content-Length : 5\r\n`],
    ["a folded line (obs-fold)", `X-Folded: a\r\n b\r\n`],
    ["NUL in a value", `X-Nul: a\0b\r\n`],
    ["a bare CR in a value", `X-Cr: a\rb\r\n`],
    ["a space in a field name", `X Name: a\r\n`],
    ["an empty field name", `: a\r\n`],
    ["whitespace before the first field", ` X-Lead: a\r\n`],
  ]
) {
  test(`serve probes (${rt}): 400 for ${name}`, () =>
    withServer(async (port) => {
      const result = await probe(port, `GET / HTTP/1.1\r\n${head}${H}\r\n`);
      assertRefused(result, 400);
    }));
}

for (
  const [name, line] of [
    ["two spaces after the method", "GET  / HTTP/1.1"],
    ["a tab as separator", "GET\t/ HTTP/1.1"],
    ["no version", "GET /"],
    ["a lower-case version", "GET / http/1.1"],
    ["a fragment in the target", "GET /#top HTTP/1.1"],
    ["a space in the target", "GET /a b HTTP/1.1"],
    ["an asterisk target for GET", "GET * HTTP/1.1"],
    ["a version with two minor digits", "GET / HTTP/1.10"],
  ]
) {
  test(`serve probes (${rt}): 400 for ${name}`, () =>
    withServer(async (port) => {
      assertRefused(await probe(port, `${line}\r\n${H}\r\n`), 400);
    }));
}

// ---- limits --------------------------------------------------------------------

test(`serve probes (${rt}): a target just under the limit is served, one past it gets 414`, () =>
  withServer(async (port) => {
    const under = "/" + "a".repeat(8191);
    const ok = await probe(port, `GET ${under} HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
    assert.equal(ok.responses[0].status, 404);
    const over = "/" + "a".repeat(8192);
    assertRefused(await probe(port, `GET ${over} HTTP/1.1\r\n${H}\r\n`), 414);
  }, { maxHeaderSize: 32768 }));

test(`serve probes (${rt}): 256 header fields are served, 257 get 431`, () =>
  withServer(async (port) => {
    const fields = (n: number) => Array.from({ length: n }, (_, i) => `X-F${i}: ${i}\r\n`).join("");
    const ok = await probe(port, `GET / HTTP/1.1\r\n${H}${fields(255)}\r\n`, { responses: 1 });
    assert.equal(ok.responses[0].status, 200);
    assertRefused(await probe(port, `GET / HTTP/1.1\r\n${H}${fields(256)}\r\n`), 431);
  }));

test(`serve probes (${rt}): a head just under 16 KiB is served, one over it gets 431`, () =>
  withServer(async (port) => {
    const start = `GET / HTTP/1.1\r\n${H}X-Big: `;
    const fill = (size: number) => "b".repeat(size - start.length - 4);
    const ok = await probe(port, `${start}${fill(16384)}\r\n\r\n`, { responses: 1 });
    assert.equal(ok.responses[0].status, 200);
    assertRefused(await probe(port, `${start}${fill(16385)}\r\n\r\n`), 431);
  }));

test(`serve probes (${rt}): a body at the limit is read, one past it gets 413`, () =>
  withServer(async (port) => {
    const ok = await probe(
      port,
      `POST /length HTTP/1.1\r\n${H}Content-Length: 100\r\n\r\n${"x".repeat(100)}`,
      { responses: 1 },
    );
    assert.equal(bodyText(ok.responses[0]), "100");
    assertRefused(
      await probe(
        port,
        `POST /length HTTP/1.1\r\n${H}Content-Length: 101\r\n\r\n${"x".repeat(101)}`,
      ),
      413,
    );
    const chunked = await probe(
      port,
      `POST /length HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n64\r\n${
        "x".repeat(100)
      }\r\n1\r\nx\r\n0\r\n\r\n`,
    );
    assertRefused(chunked, 413);
  }, { maxBodySize: 100 }));

// ---- keep-alive ------------------------------------------------------------------

test(`serve probes (${rt}): HTTP/1.1 keeps the connection, announcing Keep-Alive`, () =>
  withServer(async (port) => {
    const result = await probe(
      port,
      [`GET / HTTP/1.1\r\n${H}\r\n`, { wait: 50 }, `GET /method HTTP/1.1\r\n${H}\r\n`],
      { responses: 2, settle: 50 },
    );
    assert.deepEqual(result.responses.map(bodyText), ["hello", "GET"]);
    assert.equal(header(result.responses[0], "keep-alive"), "timeout=2");
    assert.equal(header(result.responses[0], "connection"), undefined);
    assert.equal(result.closed, false);
  }));

test(`serve probes (${rt}): Connection: close is answered with close, then the server closes`, () =>
  withServer(async (port) => {
    const result = await probe(
      port,
      `GET / HTTP/1.1\r\n${H}Connection: close\r\n\r\nGET /method HTTP/1.1\r\n${H}\r\n`,
    );
    assert.equal(result.responses.length, 1);
    assert.equal(header(result.responses[0], "connection"), "close");
    assert.ok(result.closed);
  }));

test(`serve probes (${rt}): HTTP/1.0 closes by default, keeps alive when asked`, () =>
  withServer(async (port) => {
    const plain = await probe(port, `GET / HTTP/1.0\r\n\r\n`);
    assert.equal(plain.responses.length, 1);
    assert.ok(plain.text.startsWith("HTTP/1.1 200 OK\r\n"), "always an HTTP/1.1 status line");
    assert.equal(header(plain.responses[0], "connection"), "close");
    assert.ok(plain.closed);
    const kept = await probe(
      port,
      [
        `GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n`,
        { wait: 50 },
        `GET /method HTTP/1.0\r\nConnection: keep-alive\r\n\r\n`,
      ],
      { responses: 2, settle: 50 },
    );
    assert.equal(kept.responses.length, 2);
    assert.equal(header(kept.responses[0], "connection"), "keep-alive");
    assert.equal(kept.closed, false);
  }));

test(`serve probes (${rt}): a streamed response to HTTP/1.0 is delimited by the close`, () =>
  withServer(async (port) => {
    const result = await probe(port, `GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n`);
    assert.ok(result.closed);
    assert.equal(result.text.includes("Transfer-Encoding"), false);
    assert.ok(result.text.endsWith("\r\n\r\none,two,three"), result.text);
  }));

test(`serve probes (${rt}): maxRequestsPerConnection closes after the last one`, () =>
  withServer(async (port) => {
    const result = await probe(
      port,
      `GET / HTTP/1.1\r\n${H}\r\nGET / HTTP/1.1\r\n${H}\r\nGET / HTTP/1.1\r\n${H}\r\n`,
    );
    assert.equal(result.responses.length, 2);
    assert.equal(header(result.responses[0], "connection"), undefined);
    assert.equal(header(result.responses[1], "connection"), "close");
    assert.ok(result.closed);
  }, { maxRequestsPerConnection: 2 }));

test(`serve probes (${rt}): an unread request body is skipped, the next request served`, () =>
  withServer(async (port) => {
    const result = await probe(
      port,
      `POST /ignore HTTP/1.1\r\n${H}Content-Length: 10\r\n\r\n0123456789GET /method HTTP/1.1\r\n${H}\r\n`,
      { responses: 2 },
    );
    assert.deepEqual(result.responses.map(bodyText), ["ignored", "GET"]);
  }));

// ---- pipelining ---------------------------------------------------------------------

test(`serve probes (${rt}): 100 pipelined requests in one packet, answered in order`, () =>
  withServer(async (port) => {
    let packet = "";
    for (let i = 0; i < 100; i++) {
      packet += i % 3 === 0
        ? `GET /slow?ms=${i % 7} HTTP/1.1\r\n${H}\r\n`
        : `POST /echo HTTP/1.1\r\n${H}Content-Length: ${String(i).length}\r\n\r\n${i}`;
    }
    const result = await probe(port, packet, { responses: 100, deadline: 5000 });
    assert.equal(result.responses.length, 100);
    result.responses.forEach((response, i) => {
      assert.equal(bodyText(response), i % 3 === 0 ? "slow" : String(i));
    });
  }));

test(`serve probes (${rt}): a malformed request after good ones: answers, then 400`, () =>
  withServer(async (port) => {
    const result = await probe(
      port,
      `GET / HTTP/1.1\r\n${H}\r\nGET /method HTTP/1.1\r\n${H}\r\nGET / HTTP/1.1\r\nBad Name: x\r\n${H}\r\n`,
    );
    assertRefused(result, 400, 2);
  }));

// ---- semantics -----------------------------------------------------------------------

test(`serve probes (${rt}): HEAD has the GET's Content-Length and no body`, () =>
  withServer(async (port) => {
    const result = await probe(
      port,
      `HEAD /big?n=1234 HTTP/1.1\r\n${H}\r\nGET /method HTTP/1.1\r\n${H}\r\n`,
      { responses: 2, methods: ["HEAD", "GET"] },
    );
    assert.equal(header(result.responses[0], "content-length"), "1234");
    assert.equal(result.responses[0].body.length, 0);
    assert.equal(bodyText(result.responses[1]), "GET");
  }));

test(`serve probes (${rt}): HEAD of a streamed response: the head alone, the connection goes on`, () =>
  withServer(async (port) => {
    const result = await probe(
      port,
      `HEAD /stream HTTP/1.1\r\n${H}\r\nGET /method HTTP/1.1\r\n${H}\r\n`,
      { responses: 2, methods: ["HEAD", "GET"] },
    );
    assert.equal(result.responses[0].status, 200);
    assert.equal(result.responses[0].body.length, 0);
    assert.equal(bodyText(result.responses[1]), "GET");
  }));

test(`serve probes (${rt}): a CONNECT answered 2xx without a takeover closes the connection`, async () => {
  const server = serve(
    { port: 0, hostname: "127.0.0.1" },
    () => new Response(null, { status: 200 }),
  );
  const { port } = await server.listening;
  const result = await probe(
    port,
    `CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\nGET / HTTP/1.1\r\n${H}\r\n`,
    { methods: ["CONNECT"] },
  );
  assert.ok(result.text.startsWith("HTTP/1.1 200 OK\r\n"), result.text);
  assert.equal(result.text.split("HTTP/1.1").length, 2, "one answer: the tunnel has no owner");
  assert.ok(result.closed);
  await server.close();
});

test(`serve probes (${rt}): methods keep their case; unknown ones get 501`, () =>
  withServer(async (port) => {
    assertRefused(await probe(port, `get / HTTP/1.1\r\n${H}\r\n`), 501);
    assertRefused(await probe(port, `FOO / HTTP/1.1\r\n${H}\r\n`), 501);
    const known = await probe(port, `PATCH /method HTTP/1.1\r\n${H}Content-Length: 0\r\n\r\n`, {
      responses: 1,
    });
    assert.equal(bodyText(known.responses[0]), "PATCH");
  }));

test(`serve probes (${rt}): extra methods can be allowed`, () =>
  withServer(async (port) => {
    const result = await probe(port, `PURGE /method HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
    assert.equal(bodyText(result.responses[0]), "PURGE");
  }, { methods: ["PURGE"] }));

test(`serve probes (${rt}): HTTP/2.0 and HTTP/0.9 get 505; HTTP/1.1 status lines always`, () =>
  withServer(async (port) => {
    assertRefused(await probe(port, `GET / HTTP/2.0\r\n${H}\r\n`), 505);
    assertRefused(await probe(port, `GET / HTTP/3.0\r\n${H}\r\n`), 505);
    const future = await probe(port, `GET / HTTP/1.2\r\n${H}\r\n`, { responses: 1 });
    assert.ok(future.text.startsWith("HTTP/1.1 200 OK\r\n"));
  }));

test(`serve probes (${rt}): Host missing, repeated or invalid in HTTP/1.1 gets 400`, () =>
  withServer(async (port) => {
    assertRefused(await probe(port, `GET / HTTP/1.1\r\n\r\n`), 400);
    assertRefused(await probe(port, `GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n`), 400);
    assertRefused(await probe(port, `GET / HTTP/1.1\r\nHost: a b\r\n\r\n`), 400);
    assertRefused(await probe(port, `GET / HTTP/1.1\r\nHost: a@b\r\n\r\n`), 400);
    assertRefused(await probe(port, `GET / HTTP/1.1\r\nHost: a:99x\r\n\r\n`), 400);
    const old = await probe(port, `GET / HTTP/1.0\r\n\r\n`);
    assert.equal(old.responses[0].status, 200, "HTTP/1.0 needs no Host");
    const v6 = await probe(port, `GET /url HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n`, { responses: 1 });
    assert.equal(bodyText(v6.responses[0]), "http://[::1]:8080/url");
  }));

test(`serve probes (${rt}): absolute-form targets are the URL; authority-form only for CONNECT`, () =>
  withServer(async (port) => {
    const absolute = await probe(
      port,
      `GET http://example.com/url?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n`,
      { responses: 1 },
    );
    assert.equal(bodyText(absolute.responses[0]), "http://example.com/url?q=1");
    assertRefused(await probe(port, `GET example.com:80 HTTP/1.1\r\n${H}\r\n`), 400);
    const options = await probe(port, `OPTIONS * HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
    assert.equal(options.responses[0].status, 404);
  }));

test(`serve probes (${rt}): Expect: 100-continue gets 100 once the body is read`, () =>
  withServer(async (port) => {
    const result = await probe(
      port,
      [`POST /echo HTTP/1.1\r\n${H}Content-Length: 5\r\nExpect: 100-continue\r\n\r\n`, {
        wait: 100,
      }, "hello"],
      { responses: 1 },
    );
    assert.ok(
      result.text.startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"),
      result.text,
    );
    assert.equal(bodyText(result.responses[1]), "hello");
  }));

test(`serve probes (${rt}): no 100 Continue when the handler answers without the body`, () =>
  withServer(async (port) => {
    const result = await probe(
      port,
      `POST /ignore HTTP/1.1\r\n${H}Content-Length: 5\r\nExpect: 100-continue\r\n\r\n`,
    );
    assert.ok(result.text.startsWith("HTTP/1.1 200 OK\r\n"), result.text);
    assert.equal(header(result.responses[0], "connection"), "close");
    assert.ok(result.closed, "the body may or may not come: the connection closes");
  }));

test(`serve probes (${rt}): an HTTP/1.0 client gets no 100 Continue`, () =>
  withServer(async (port) => {
    const result = await probe(
      port,
      [
        `POST /echo HTTP/1.0\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n`,
        { wait: 100 },
        "hello",
      ],
      { responses: 1 },
    );
    assert.ok(result.text.startsWith("HTTP/1.1 200 OK\r\n"), result.text);
    assert.equal(bodyText(result.responses[0]), "hello");
  }));

test(`serve probes (${rt}): an unknown expectation gets 417`, () =>
  withServer(async (port) => {
    assertRefused(
      await probe(
        port,
        `POST /echo HTTP/1.1\r\n${H}Content-Length: 5\r\nExpect: teapot\r\n\r\nhello`,
      ),
      417,
    );
  }));

test(`serve probes (${rt}): 204 and 304 have no body and no Content-Length`, () =>
  withServer(async (port) => {
    const result = await probe(
      port,
      `GET /status/204 HTTP/1.1\r\n${H}\r\nGET /status/304 HTTP/1.1\r\n${H}\r\nGET / HTTP/1.1\r\n${H}\r\n`,
      { responses: 3 },
    );
    assert.deepEqual(result.responses.map((r) => r.status), [204, 304, 200]);
    assert.equal(header(result.responses[0], "content-length"), undefined);
    assert.equal(header(result.responses[1], "content-length"), undefined);
    assert.equal(bodyText(result.responses[2]), "hello");
  }));

test(`serve probes (${rt}): a throwing handler gets 500, the connection goes on`, () =>
  withServer(async (port) => {
    const result = await probe(
      port,
      `GET /throw HTTP/1.1\r\n${H}\r\nGET /method HTTP/1.1\r\n${H}\r\n`,
      { responses: 2 },
    );
    assert.equal(result.responses[0].status, 500);
    assert.equal(bodyText(result.responses[1]), "GET");
  }));

test(`serve probes (${rt}): every response has an IMF-fixdate Date`, () =>
  withServer(async (port) => {
    const result = await probe(port, `GET / HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
    const date = header(result.responses[0], "date") ?? "";
    assert.match(
      date,
      /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$/,
    );
    assert.ok(Math.abs(Date.parse(date) - Date.now()) < 5000);
  }));

test(`serve probes (${rt}): a streamed response is chunked`, () =>
  withServer(async (port) => {
    const result = await probe(port, `GET /stream HTTP/1.1\r\n${H}\r\n`, { responses: 1 });
    assert.equal(header(result.responses[0], "transfer-encoding"), "chunked");
    assert.equal(bodyText(result.responses[0]), "one,two,three");
  }));
