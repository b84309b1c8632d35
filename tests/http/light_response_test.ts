// LightResponse against the runtime's own Response: the same answers for the
// same constructions, the same errors, and the global replacement on Node.

import assert from "node:assert/strict";
import { installLightResponse, LightResponse } from "../../http/mod.ts";
import { runtimeName, test } from "../_harness.ts";

const rt = runtimeName;
const Native = globalThis.Response;

type Init = ConstructorParameters<typeof Response>;

const CASES: Array<[string, () => Init]> = [
  ["no body", () => [null]],
  ["a string", () => ["hello"]],
  [
    "a string with headers",
    () => ["hi", { status: 201, statusText: "Yes", headers: { "X-A": " 1 " } }],
  ],
  ["bytes", () => [new Uint8Array([1, 2, 3])]],
  ["an ArrayBuffer", () => [new Uint8Array([4, 5]).buffer]],
  ["a DataView", () => [new DataView(new Uint8Array([6, 7, 8]).buffer, 1)]],
  ["URLSearchParams", () => [new URLSearchParams({ a: "1", b: "x y" })]],
  ["a Blob", () => [new Blob(["blob"], { type: "text/x-blob" })]],
  [
    "a stream",
    () => [new ReadableStream({ start: (c) => (c.enqueue(new Uint8Array([9])), c.close()) })],
  ],
  ["an explicit content-type", () => ["{}", { headers: [["content-type", "application/json"]] }]],
  ["a 204", () => [null, { status: 204 }]],
  [
    "repeated headers",
    () => ["x", {
      headers: [["set-cookie", "a=1"], ["set-cookie", "b=2"], ["x-v", "1"], ["X-V", "2"]],
    }],
  ],
];

async function describe(response: Response): Promise<unknown> {
  const before = response.bodyUsed;
  const text = await response.text();
  return {
    status: response.status,
    statusText: response.statusText,
    ok: response.ok,
    type: response.type,
    url: response.url,
    redirected: response.redirected,
    headers: [...response.headers],
    before,
    text,
    after: response.bodyUsed,
  };
}

for (const [name, make] of CASES) {
  test(`LightResponse (${rt}): ${name} reads as the runtime's Response`, async () => {
    const light = new LightResponse(...make()) as unknown as Response;
    const native = new Native(...make());
    assert.deepEqual(await describe(light), await describe(native));
  });
}

test(`LightResponse (${rt}): the same errors as the runtime's Response`, () => {
  const attempts: Init[] = [
    [null, { status: 199 }],
    [null, { status: 600 }],
    ["x", { status: 204 }],
    ["x", { status: 304 }],
    [null, { statusText: "bad\nline" }],
    [null, { headers: { "bad name": "x" } }],
    [null, { headers: { ok: "a\r\nb" } }],
  ];
  for (const args of attempts) {
    let nativeError: unknown;
    try {
      new Native(...args);
    } catch (error) {
      nativeError = error;
    }
    assert.ok(nativeError instanceof Error, `the runtime accepts ${JSON.stringify(args)}`);
    assert.throws(
      () => new LightResponse(...args),
      (error: Error) => error.constructor === (nativeError as Error).constructor,
      JSON.stringify(args),
    );
  }
});

test(`LightResponse (${rt}): json, redirect, error; clone, used bodies, every reader`, async () => {
  const json = LightResponse.json({ a: [1] }, { status: 202, headers: { "x-y": "z" } });
  assert.deepEqual(
    await describe(json as unknown as Response),
    await describe(Native.json({ a: [1] }, { status: 202, headers: { "x-y": "z" } })),
  );
  const redirect = LightResponse.redirect("https://example.com/a b", 308);
  assert.equal(redirect.status, 308);
  assert.equal(redirect.headers.get("location"), "https://example.com/a%20b");
  assert.throws(() => LightResponse.redirect("https://example.com/", 200), RangeError);
  assert.equal(LightResponse.error().type, "error");
  assert.equal(LightResponse.error().status, 0);

  const original = new LightResponse("twice");
  const copy = original.clone();
  assert.equal(await original.text(), "twice");
  assert.equal(await copy.text(), "twice");
  assert.equal(original.bodyUsed, true);
  await assert.rejects(original.text(), TypeError);
  assert.throws(() => original.clone(), TypeError);

  const streamed = new LightResponse(
    new ReadableStream({ start: (c) => (c.enqueue(new Uint8Array([1, 2])), c.close()) }),
  );
  const [a, b] = [streamed, streamed.clone()];
  assert.deepEqual([...new Uint8Array(await a.arrayBuffer())], [1, 2]);
  assert.deepEqual([...await b.bytes()], [1, 2]);

  assert.deepEqual(await new LightResponse('{"k":1}').json(), { k: 1 });
  assert.equal(
    (await new LightResponse("abc", { headers: { "content-type": "text/x" } }).blob()).type,
    "text/x",
  );
  const form = await new LightResponse(new URLSearchParams({ q: "1" })).formData();
  assert.equal(form.get("q"), "1");
  const data = new FormData();
  data.set("field", "value");
  const multipart = new LightResponse(data);
  assert.match(multipart.headers.get("content-type") ?? "", /^multipart\/form-data; boundary=/);
  assert.equal((await multipart.formData()).get("field"), "value");
  const body = new LightResponse("streamed").body as ReadableStream<Uint8Array>;
  assert.equal(await new Native(body).text(), "streamed");
});

test(`LightResponse (${rt}): installed as the global Response on Node only`, () => {
  const installed = installLightResponse();
  assert.equal(installed, rt === "node");
  if (rt === "node") {
    assert.equal(globalThis.Response, LightResponse);
    assert.ok(new Response("x") instanceof Response);
    assert.ok(new Native("x") instanceof Response, "the runtime's responses are instances too");
    assert.ok(new Response("x") instanceof Native, "and light ones are the runtime's");
    assert.equal(Object.prototype.toString.call(new Response("x")), "[object Response]");
  } else {
    assert.equal(globalThis.Response, Native);
  }
});
