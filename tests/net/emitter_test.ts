import assert from "node:assert/strict";
import { Emitter, once } from "../../net/mod.ts";
import { runtimeName, test } from "../_harness.ts";

const rt = runtimeName;

interface Events {
  data: [chunk: Uint8Array];
  message: [msg: string, from: { port: number }];
  ready: [];
  error: [Error];
}

/** An emitter that counts the events it dispatches through EventTarget. */
class Probe extends Emitter<Events> {
  dispatched = 0;
  added: string[] = [];
  override dispatchEvent(event: Event): boolean {
    this.dispatched++;
    return super.dispatchEvent(event);
  }
  protected override listenerAdded(type: string): void {
    this.added.push(type);
  }
}

test(`emitter (${rt}): on/once/off with Node's listener arguments`, () => {
  const emitter = new Probe();
  const seen: string[] = [];
  const onMessage = (msg: string, from: { port: number }) => seen.push(`${msg}@${from.port}`);
  emitter.on("message", onMessage);
  emitter.once("ready", () => seen.push("ready"));
  assert.equal(emitter.emit("message", "hi", { port: 1 }), true);
  assert.equal(emitter.emit("ready"), true);
  assert.equal(emitter.emit("ready"), false, "once listeners run once");
  emitter.off("message", onMessage);
  assert.equal(emitter.emit("message", "gone", { port: 2 }), false);
  assert.deepEqual(seen, ["hi@1", "ready"]);
  assert.deepEqual(emitter.added, ["message", "ready"]);
});

test(`emitter (${rt}): a once listener can be removed by the function given`, () => {
  const emitter = new Emitter<Events>();
  let calls = 0;
  const listener = () => calls++;
  emitter.once("ready", listener);
  assert.deepEqual(emitter.listeners("ready"), [listener]);
  emitter.off("ready", listener);
  emitter.emit("ready");
  assert.equal(calls, 0);
});

test(`emitter (${rt}): listeners run in order; prependListener goes first`, () => {
  const emitter = new Emitter<Events>();
  const order: number[] = [];
  emitter.on("ready", () => order.push(2));
  emitter.on("ready", () => order.push(3));
  emitter.prependListener("ready", () => order.push(1));
  emitter.emit("ready");
  assert.deepEqual(order, [1, 2, 3]);
  assert.equal(emitter.listenerCount("ready"), 3);
  emitter.removeAllListeners("ready");
  assert.equal(emitter.listenerCount("ready"), 0);
});

test(`emitter (${rt}): removing listeners during an emit does not skip the others`, () => {
  const emitter = new Emitter<Events>();
  const order: string[] = [];
  const second = () => order.push("second");
  emitter.on("ready", () => {
    order.push("first");
    emitter.off("ready", second);
  });
  emitter.on("ready", second);
  emitter.on("ready", () => order.push("third"));
  emitter.emit("ready");
  assert.deepEqual(order, ["first", "second", "third"]);
  order.length = 0;
  emitter.emit("ready");
  assert.deepEqual(order, ["first", "third"]);
});

test(`emitter (${rt}): EventTarget listeners get the payload in detail`, () => {
  const emitter = new Probe();
  const details: unknown[] = [];
  emitter.addEventListener("data", (event) => details.push(event.detail));
  emitter.addEventListener("message", (event) => details.push(event.detail));
  emitter.addEventListener("ready", (event) => details.push(event.detail));
  const bytes = new Uint8Array([1, 2]);
  emitter.emit("data", bytes);
  emitter.emit("message", "hi", { port: 7 });
  emitter.emit("ready");
  assert.equal(details[0], bytes, "one argument: detail is it");
  assert.deepEqual(details[1], ["hi", { port: 7 }], "several: detail is the array");
  assert.equal(details[2], null, "none: detail is null");
  assert.ok(emitter instanceof EventTarget);
});

test(`emitter (${rt}): no event is built or dispatched without EventTarget listeners`, () => {
  const emitter = new Probe();
  emitter.on("data", () => {});
  for (let i = 0; i < 100; i++) emitter.emit("data", new Uint8Array(1));
  assert.equal(emitter.dispatched, 0);
  const listener = () => {};
  emitter.addEventListener("data", listener);
  emitter.emit("data", new Uint8Array(1));
  assert.equal(emitter.dispatched, 1);
  emitter.removeEventListener("data", listener);
  emitter.emit("data", new Uint8Array(1));
  assert.equal(emitter.dispatched, 1);
  // Removing a listener that was never added does not hide others.
  emitter.addEventListener("data", listener);
  emitter.removeEventListener("data", () => {});
  emitter.emit("data", new Uint8Array(1));
  assert.equal(emitter.dispatched, 2);
});

test(`emitter (${rt}): once and signal remove EventTarget listeners from the record too`, () => {
  const emitter = new Probe();
  let calls = 0;
  emitter.addEventListener("ready", () => calls++, { once: true });
  emitter.emit("ready");
  emitter.emit("ready");
  assert.equal(calls, 1);
  assert.equal(emitter.dispatched, 1, "after the once listener ran, nothing is dispatched");
  const controller = new AbortController();
  emitter.addEventListener("ready", () => calls++, { signal: controller.signal });
  assert.equal(emitter.listenerCount("ready"), 1);
  controller.abort();
  assert.equal(emitter.listenerCount("ready"), 0);
  emitter.emit("ready");
  assert.equal(calls, 1);
  assert.equal(emitter.dispatched, 1);
  // The same listener twice is one listener, as EventTarget has it.
  const listener = () => calls++;
  emitter.addEventListener("ready", listener);
  emitter.addEventListener("ready", listener);
  assert.equal(emitter.listenerCount("ready"), 1);
  emitter.emit("ready");
  assert.equal(calls, 2);
});

test(`emitter (${rt}): an error nobody listens to is not thrown`, () => {
  const emitter = new Emitter<Events>();
  assert.equal(emitter.emit("error", new Error("unheard")), false);
  let heard: unknown;
  emitter.addEventListener("error", (event) => (heard = event.detail));
  const error = new Error("heard");
  assert.equal(emitter.emit("error", error), true);
  assert.equal(heard, error);
});

test(`emitter (${rt}): once() resolves with the arguments, rejects on error or abort`, async () => {
  const emitter = new Emitter<Events>();
  const message = once(emitter, "message");
  emitter.emit("message", "hi", { port: 9 });
  assert.deepEqual(await message, ["hi", { port: 9 }]);
  const failed = once(emitter, "ready");
  emitter.emit("error", new Error("first"));
  await assert.rejects(failed, /first/);
  assert.equal(emitter.listenerCount("error"), 0, "once() cleans up after itself");
  const controller = new AbortController();
  const aborted = once(emitter, "ready", { signal: controller.signal });
  controller.abort(new Error("stop"));
  await assert.rejects(aborted, /stop/);
  assert.equal(emitter.listenerCount("ready"), 0);
});

test(`emitter (${rt}): eventNames lists both kinds`, () => {
  const emitter = new Emitter<Events>();
  emitter.on("data", () => {});
  emitter.addEventListener("ready", () => {});
  assert.deepEqual(emitter.eventNames().sort(), ["data", "ready"]);
});
