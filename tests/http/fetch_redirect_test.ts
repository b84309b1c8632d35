// fetch() redirects by the Fetch standard's rules, against raw servers.

import assert from "node:assert/strict";
import { fetch } from "../../http/mod.ts";
import { test } from "../_harness.ts";
import { latin1, rejectsWithCode, withRaw } from "./_client_helpers.ts";
import { rawServer, respond } from "./_raw_server.ts";

test("fetch: 301, 302, 303, 307 and 308 are followed; url and redirected say so", async () => {
  await withRaw((request, c) => {
    const step = Number(request.path.slice(1));
    const statuses = [301, 302, 303, 307, 308];
    if (step < statuses.length) {
      c.write(respond(statuses[step], "moving", { Location: `/${step + 1}` }, "Moved"));
    } else c.write(respond(200, `arrived after ${step}`));
  }, async (server, agent) => {
    const response = await fetch(`${server.origin}/0#frag`, { agent });
    assert.equal(await response.text(), "arrived after 5");
    assert.equal(response.redirected, true);
    assert.equal(response.url, `${server.origin}/5`);
    assert.equal(server.accepted, 1, "redirect bodies are drained and the connection reused");
    const direct = await fetch(`${server.origin}/5`, { agent });
    assert.equal(direct.redirected, false);
    await direct.body?.cancel();
  });
});

test("fetch: 301/302 turn a POST into a GET, 303 anything but HEAD; the body fields go", async () => {
  await withRaw((request, c) => {
    if (request.path.startsWith("/from")) {
      const status = Number(request.path.slice(5));
      c.write(respond(status, "", { Location: "/to" }));
    } else {
      const fields = ["content-type", "content-length", "x-keep"].map((name) =>
        `${name}=${request.headers[name] ?? "-"}`
      );
      c.write(respond(200, `${request.method} ${latin1(request.body)} ${fields.join(" ")}`));
    }
  }, async (server, agent) => {
    const init = (method: string) => ({
      agent,
      method,
      body: "payload",
      headers: { "content-type": "text/plain", "x-keep": "kept" },
    });
    for (const status of [301, 302]) {
      assert.equal(
        await (await fetch(`${server.origin}/from${status}`, init("POST"))).text(),
        "GET  content-type=- content-length=- x-keep=kept",
      );
      assert.equal(
        await (await fetch(`${server.origin}/from${status}`, init("PUT"))).text(),
        "PUT payload content-type=text/plain content-length=7 x-keep=kept",
      );
    }
    assert.equal(
      await (await fetch(`${server.origin}/from303`, init("PUT"))).text(),
      "GET  content-type=- content-length=- x-keep=kept",
    );
    const head = await fetch(`${server.origin}/from303`, { agent, method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(server.requests.at(-1)?.method, "HEAD");
  });
});

test("fetch: 307 and 308 send the same method and body again", async () => {
  await withRaw((request, c) => {
    if (request.path === "/307") c.write(respond(307, "", { Location: "/308" }));
    else if (request.path === "/308") c.write(respond(308, "", { Location: "/done" }));
    else c.write(respond(200, `${request.method} ${latin1(request.body)}`));
  }, async (server, agent) => {
    const response = await fetch(`${server.origin}/307`, {
      agent,
      method: "POST",
      body: new URLSearchParams({ a: "1", b: "two" }),
    });
    assert.equal(await response.text(), "POST a=1&b=two");
  });
});

test("fetch: a 307 cannot send a stream body twice: TypeError", async () => {
  await withRaw(
    (_, c) => c.write(respond(307, "", { Location: "/again" })),
    async (server, agent) => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("once"));
          controller.close();
        },
      });
      await rejectsWithCode(
        fetch(server.origin, { agent, method: "POST", body, duplex: "half" }),
        "REDIRECT_FAILED",
      );
    },
  );
});

test("fetch: more than maxRedirects (20 by default) is TOO_MANY_REDIRECTS", async () => {
  await withRaw((request, c) => {
    c.write(respond(302, "", { Location: `/n${Number(request.path.slice(2) || 0) + 1}` }));
  }, async (server, agent) => {
    await rejectsWithCode(fetch(`${server.origin}/n0`, { agent }), "TOO_MANY_REDIRECTS");
    assert.equal(server.requests.length, 21);
    await rejectsWithCode(
      fetch(`${server.origin}/n0`, { agent, maxRedirects: 2 }),
      "TOO_MANY_REDIRECTS",
    );
    assert.equal(server.requests.length, 24);
    await rejectsWithCode(
      fetch(`${server.origin}/n0`, { agent, maxRedirects: 0 }),
      "TOO_MANY_REDIRECTS",
    );
  });
});

test("fetch: a loop back to the same URL stops too", async () => {
  await withRaw(
    (_, c) => c.write(respond(301, "", { Location: "/loop" })),
    async (server, agent) => {
      await rejectsWithCode(fetch(`${server.origin}/loop`, { agent }), "TOO_MANY_REDIRECTS");
    },
  );
});

test("fetch: Location is resolved against the current URL", async () => {
  await withRaw((request, c) => {
    const hops: Record<string, string> = {
      "/a/b/c": "../d?x=1",
      "/a/d?x=1": "?y=2",
      "/a/d?y=2": `//127.0.0.1:${c.socket.localPort}/final`,
    };
    const next = hops[request.path];
    c.write(next !== undefined ? respond(302, "", { Location: next }) : respond(200, request.path));
  }, async (server, agent) => {
    const response = await fetch(`${server.origin}/a/b/c`, { agent });
    assert.equal(await response.text(), "/final");
    assert.equal(response.url, `${server.origin}/final`);
  });
});

test("fetch: a Location that is no URL, or not http(s), is a TypeError", async () => {
  await withRaw((request, c) => {
    const targets: Record<string, string> = {
      "/bad": "http://[::1",
      "/ftp": "ftp://example.com/file",
      "/data": "data:text/plain,hi",
      "/file": "file:///etc/passwd",
    };
    c.write(respond(302, "", { Location: targets[request.path] }));
  }, async (server, agent) => {
    for (const path of ["/bad", "/ftp", "/data", "/file"]) {
      await rejectsWithCode(fetch(`${server.origin}${path}`, { agent }), "REDIRECT_FAILED");
    }
  });
});

test("fetch: Authorization, Cookie and Proxy-Authorization stay within the origin", async () => {
  const other = await rawServer((request, c) => {
    const seen = ["authorization", "cookie", "proxy-authorization", "x-custom"].map((name) =>
      `${name}=${request.headers[name] ?? "-"}`
    );
    c.write(respond(200, seen.join(" ")));
  });
  try {
    await withRaw((request, c) => {
      if (request.path === "/same") c.write(respond(302, "", { Location: "/cross" }));
      else if (request.path === "/cross") {
        c.write(respond(302, "", { Location: `${other.origin}/landing` }));
      }
    }, async (server, agent) => {
      const response = await fetch(`${server.origin}/same`, {
        agent,
        headers: {
          authorization: "Bearer secret",
          cookie: "session=1",
          "proxy-authorization": "Basic x",
          "x-custom": "yes",
        },
      });
      assert.equal(
        await response.text(),
        "authorization=- cookie=- proxy-authorization=- x-custom=yes",
      );
      const cross = server.requests.find((request) => request.path === "/cross");
      assert.equal(cross?.headers.authorization, "Bearer secret", "same origin keeps them");
      assert.equal(cross?.headers.cookie, "session=1");
    });
  } finally {
    await other.close();
  }
});

test('fetch: redirect: "manual" returns the real 3xx; "error" fails', async () => {
  await withRaw(
    (_, c) => c.write(respond(302, "see other", { Location: "/elsewhere" }, "Found")),
    async (server, agent) => {
      const manual = await fetch(server.origin, { agent, redirect: "manual" });
      assert.equal(manual.status, 302);
      assert.equal(manual.statusText, "Found");
      assert.equal(manual.headers.get("location"), "/elsewhere");
      assert.equal(await manual.text(), "see other");
      assert.equal(manual.redirected, false);
      await rejectsWithCode(fetch(server.origin, { agent, redirect: "error" }), "REDIRECT_FAILED");
      assert.equal(server.requests.length, 2);
    },
  );
});

test("fetch: a 3xx without Location, a 300 and a 304 are responses", async () => {
  await withRaw((request, c) => {
    if (request.path === "/300") c.write(respond(300, "choices", { Location: "/x" }));
    else if (request.path === "/304") c.write("HTTP/1.1 304 Not Modified\r\nLocation: /x\r\n\r\n");
    else c.write(respond(302, "nowhere"));
  }, async (server, agent) => {
    assert.equal((await fetch(`${server.origin}/300`, { agent })).status, 300);
    assert.equal((await fetch(`${server.origin}/304`, { agent })).status, 304);
    const noLocation = await fetch(`${server.origin}/302`, { agent });
    assert.equal(noLocation.status, 302);
    assert.equal(await noLocation.text(), "nowhere");
  });
});

test("fetch: a redirect with a large or endless body is followed without reading it all", async () => {
  await withRaw((request, c) => {
    if (request.path === "/big") {
      c.write("HTTP/1.1 302 Found\r\nLocation: /endless\r\nContent-Length: 10000000\r\n\r\n");
      c.write("x".repeat(1000));
    } else if (request.path === "/endless") {
      c.write("HTTP/1.1 302 Found\r\nLocation: /done\r\nTransfer-Encoding: chunked\r\n\r\n");
      c.every(1, () => c.write(`1000\r\n${"y".repeat(4096)}\r\n`));
    } else c.write(respond(200, "done"));
  }, async (server, agent) => {
    assert.equal(await (await fetch(`${server.origin}/big`, { agent })).text(), "done");
  });
});

test("fetch: a Request as input: its method, fields, body and signal", async () => {
  await withRaw((request, c) => {
    if (request.path === "/moved") c.write(respond(307, "", { Location: "/final" }));
    else {
      c.write(
        respond(
          200,
          `${request.method} ${request.headers["x-r"]} ${request.headers["content-length"]} ${
            latin1(request.body)
          }`,
        ),
      );
    }
  }, async (server, agent) => {
    const input = new Request(`${server.origin}/moved`, {
      method: "PATCH",
      headers: { "x-r": "from-request" },
      body: "request body",
    });
    const response = await fetch(input, { agent });
    assert.equal(await response.text(), "PATCH from-request 12 request body");
    assert.equal(input.bodyUsed, true);
  });
});
