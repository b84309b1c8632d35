// fetch() aborts and timeouts: the signal stops everything (body reads
// included) with its reason; the timeouts model ends requests with its codes.

import assert from "node:assert/strict";
import { fetch, HttpClientError } from "../../http/mod.ts";
import { test } from "../_harness.ts";
import { rejectsWithCode, sleep, until, withRaw } from "./_client_helpers.ts";
import { respond } from "./_raw_server.ts";

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("expected a rejection");
}

test("fetch: an aborted signal rejects at once with its reason, and connects nowhere", async () => {
  await withRaw((_, c) => c.write(respond(200, "x")), async (server, agent) => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(fetch(server.origin, { agent, signal: controller.signal }));
    assert.ok(error instanceof DOMException && error.name === "AbortError");
    const reason = new Error("mine");
    const custom = await rejection(
      fetch(server.origin, { agent, signal: AbortSignal.abort(reason) }),
    );
    assert.equal(custom, reason);
    await sleep(20);
    assert.equal(server.accepted, 0);
  });
});

test("fetch: aborting while waiting for the response rejects with AbortError", async () => {
  await withRaw(() => {}, async (server, agent) => {
    const controller = new AbortController();
    const pending = fetch(server.origin, { agent, signal: controller.signal });
    await sleep(30);
    controller.abort();
    const error = await rejection(pending);
    assert.ok(error instanceof DOMException && error.name === "AbortError");
    assert.equal(agent.stats().open, 0, "the connection of an aborted request is closed");
  });
});

test("fetch: AbortSignal.timeout rejects with TimeoutError, before or during the body", async () => {
  await withRaw((request, c) => {
    if (request.path === "/head") c.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhal");
  }, async (server, agent) => {
    const silent = await rejection(
      fetch(`${server.origin}/silent`, { agent, signal: AbortSignal.timeout(50) }),
    );
    assert.ok(silent instanceof DOMException && silent.name === "TimeoutError");
    const response = await fetch(`${server.origin}/head`, {
      agent,
      signal: AbortSignal.timeout(80),
    });
    const stalled = await rejection(response.text());
    assert.ok(stalled instanceof DOMException && stalled.name === "TimeoutError");
  });
});

test("fetch: aborting while queued leaves the running request alone", async () => {
  await withRaw(
    (request, c) =>
      c.later(request.path === "/slow" ? 150 : 0, () => c.write(respond(200, request.path))),
    async (server, agent) => {
      const slow = fetch(`${server.origin}/slow`, { agent });
      const controller = new AbortController();
      const queued = fetch(`${server.origin}/queued`, { agent, signal: controller.signal });
      await until(() => agent.stats().busy === 1);
      assert.equal(agent.stats().pending, 1);
      controller.abort();
      await assert.rejects(queued, (error: unknown) => error instanceof DOMException);
      assert.equal(agent.stats().pending, 0);
      assert.equal(await (await slow).text(), "/slow");
      assert.equal(await (await fetch(`${server.origin}/after`, { agent })).text(), "/after");
      assert.equal(server.accepted, 1);
    },
    { maxSockets: 1 },
  );
});

test("fetch: aborting after the head fails body reads with AbortError and drops the connection", async () => {
  await withRaw((request, c) => {
    if (request.connection === 1) c.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npart");
    else c.write(respond(200, "fresh"));
  }, async (server, agent) => {
    const controller = new AbortController();
    const response = await fetch(server.origin, { agent, signal: controller.signal });
    controller.abort();
    const error = await rejection(response.text());
    assert.ok(error instanceof DOMException && error.name === "AbortError");
    assert.equal(await (await fetch(server.origin, { agent })).text(), "fresh");
    assert.equal(server.accepted, 2);
  });
});

test("fetch: aborting after the whole body arrived but before it was read still fails the read", async () => {
  await withRaw((_, c) => c.write(respond(200, "complete")), async (server, agent) => {
    const controller = new AbortController();
    const response = await fetch(server.origin, { agent, signal: controller.signal });
    await sleep(20); // the body is in
    controller.abort();
    const error = await rejection(response.text());
    assert.ok(error instanceof DOMException && error.name === "AbortError");
    // the connection was released with the complete response, and is reused
    assert.equal(await (await fetch(server.origin, { agent })).text(), "complete");
    assert.equal(server.accepted, 1);
  });
});

test("fetch: aborting after the body was read changes nothing", async () => {
  await withRaw((_, c) => c.write(respond(200, "read")), async (server, agent) => {
    const controller = new AbortController();
    const response = await fetch(server.origin, { agent, signal: controller.signal });
    assert.equal(await response.text(), "read");
    controller.abort();
    assert.equal(response.bodyUsed, true);
  });
});

test("fetch: aborting while a stream body is being sent", async () => {
  await withRaw(() => {}, async (server, agent) => {
    const controller = new AbortController();
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(stream) {
        pulls++;
        await sleep(5);
        stream.enqueue(new Uint8Array(1000));
      },
    });
    const pending = fetch(server.origin, {
      agent,
      method: "POST",
      body,
      signal: controller.signal,
    });
    await sleep(40);
    controller.abort();
    await assert.rejects(pending, (error: unknown) => error instanceof DOMException);
    assert.ok(pulls > 0);
  });
});

test("fetch: cancelling the body closes the connection; the next request opens another", async () => {
  await withRaw((request, c) => {
    c.write(`HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n${"z".repeat(1000)}`);
    void request;
  }, async (server, agent) => {
    const response = await fetch(server.origin, { agent });
    await response.body?.cancel();
    const again = await fetch(server.origin, { agent });
    await again.body?.cancel();
    assert.equal(server.accepted, 2);
  });
});

test("fetch: timeouts.firstByte, idle and total end requests with their codes", async () => {
  await withRaw((request, c) => {
    if (request.path === "/stall-body") c.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    if (request.path === "/trickle") {
      c.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
      c.every(20, () => c.write("1\r\nx\r\n"));
    }
  }, async (server, agent) => {
    const first = await rejectsWithCode(
      fetch(`${server.origin}/silent`, { agent, timeouts: { firstByte: 50 } }),
      "FIRST_BYTE_TIMEOUT",
      { phase: "head" },
    );
    assert.equal(first.reused, false);
    const response = await fetch(`${server.origin}/stall-body`, { agent, timeouts: { idle: 50 } });
    await rejectsWithCode(response.text(), "IDLE_TIMEOUT", { phase: "body" });
    const trickle = await fetch(`${server.origin}/trickle`, {
      agent,
      timeouts: { idle: 200, total: 150 },
    });
    await rejectsWithCode(trickle.text(), "TOTAL_TIMEOUT");
  });
});

test("fetch: an unread body stops being read ahead, and the idle timeout frees its connection", async () => {
  await withRaw((request, c) => {
    if (request.path === "/big") {
      c.write("HTTP/1.1 200 OK\r\nContent-Length: 50000000\r\n\r\n");
      c.every(1, () => c.write(new Uint8Array(65536)));
    } else c.write(respond(200, "next"));
  }, async (server, agent) => {
    const response = await fetch(`${server.origin}/big`, { agent, timeouts: { idle: 150 } });
    assert.equal(response.status, 200);
    // maxSockets 1: the next request waits for the connection the unread body holds
    const next = await fetch(`${server.origin}/next`, { agent });
    assert.equal(await next.text(), "next");
    await rejectsWithCode(response.arrayBuffer(), "IDLE_TIMEOUT");
  }, { maxSockets: 1 });
});

test("fetch: a refused connection is ECONNREFUSED in the connect phase", async () => {
  await withRaw(() => {}, async (server, agent) => {
    const port = server.port;
    await server.close();
    const cause = await rejectsWithCode(
      fetch(`http://127.0.0.1:${port}/`, { agent }),
      "ECONNREFUSED",
      {
        phase: "connect",
      },
    );
    assert.ok(cause instanceof HttpClientError);
  });
});

test("fetch: an unknown host is ENOTFOUND in the dns phase", async () => {
  await withRaw(() => {}, async (_, agent) => {
    await rejectsWithCode(fetch("http://no-such-host.invalid/", { agent }), "ENOTFOUND", {
      phase: "dns",
    });
  });
});

test("fetch: requests the standard refuses are TypeErrors", async () => {
  await withRaw(() => {}, async (server, agent) => {
    await rejectsWithCode(
      fetch(`${server.origin}`, { agent, method: "GET", body: "x" }),
      "INVALID_REQUEST",
    );
    await rejectsWithCode(
      fetch(`${server.origin}`, { agent, method: "CONNECT" }),
      "INVALID_REQUEST",
    );
    await rejectsWithCode(
      fetch(`${server.origin}`, { agent, method: "bad method" }),
      "INVALID_REQUEST",
    );
    await rejectsWithCode(fetch("http://user:pass@127.0.0.1:1/", { agent }), "INVALID_REQUEST");
    await rejectsWithCode(fetch("ftp://127.0.0.1/", { agent }), "UNSUPPORTED_PROTOCOL");
    await rejectsWithCode(fetch("not a url", { agent }), "INVALID_REQUEST");
    await rejectsWithCode(
      fetch(server.origin, { agent, headers: { "x-bad": "a\r\nInjected: yes" } }),
      "INVALID_REQUEST",
    );
    assert.equal(server.requests.length, 0);
  });
});

test("fetch: https to a server that does not answer TLS: TLS_TIMEOUT in the tls phase", async () => {
  await withRaw(() => {}, async (server, agent) => {
    await rejectsWithCode(
      fetch(`https://127.0.0.1:${server.port}/`, { agent, timeouts: { tls: 300 } }),
      "TLS_TIMEOUT",
      {
        phase: "tls",
      },
    );
    assert.equal(server.accepted, 1);
  });
});

test("fetch: a Content-Length given with a body fetch holds is replaced by the real one", async () => {
  await withRaw(
    (request, c) =>
      c.write(respond(200, `${request.headers["content-length"]} ${request.body.length}`)),
    async (server, agent) => {
      const response = await fetch(server.origin, {
        agent,
        method: "POST",
        body: "four",
        headers: { "content-length": "100", "transfer-encoding": "chunked" },
      });
      assert.equal(await response.text(), "4 4");
    },
  );
});
