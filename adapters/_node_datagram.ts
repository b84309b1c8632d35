// The `DatagramSocket` over `node:dgram`: the Node adapter's UDP, and the Deno
// adapter's when `Deno.listenDatagram` is absent (Deno implements `node:dgram`
// itself).

import * as dgram from "node:dgram";
import { familyOf, formatTarget } from "./_addr.ts";
import { NetError, toNetError } from "./errors.ts";
import type { DatagramHandler, DatagramOptions, DatagramSocket, NetAddr } from "./types.ts";

/** Datagrams kept for `receive()` before new ones are dropped (as a full socket buffer would). */
const RECEIVE_QUEUE_LIMIT = 1024;

function fromRinfo(rinfo: dgram.RemoteInfo): NetAddr {
  return {
    transport: "udp",
    hostname: rinfo.address,
    port: rinfo.port,
    family: rinfo.family === "IPv6" ? "IPv6" : "IPv4",
  };
}

function attempt(syscall: string, action: () => void): Promise<void> {
  try {
    action();
    return Promise.resolve();
  } catch (error) {
    return Promise.reject(toNetError(error, syscall));
  }
}

/** A `DatagramSocket` over a bound `dgram.Socket`. */
class NodeDatagramSocket implements DatagramSocket {
  readonly addr: NetAddr;
  readonly #socket: dgram.Socket;
  #handler: DatagramHandler | null = null;
  #queue: Array<[Uint8Array, NetAddr]> = [];
  #waiter: ((received: [Uint8Array, NetAddr] | null) => void) | null = null;
  #closed = false;

  constructor(socket: dgram.Socket) {
    this.#socket = socket;
    const address = socket.address();
    this.addr = {
      transport: "udp",
      hostname: address.address,
      port: address.port,
      family: familyOf(address.address),
    };
    socket.on("message", (message: Uint8Array, rinfo: dgram.RemoteInfo) => {
      const handler = this.#handler;
      if (handler !== null) {
        handler.onMessage(message, fromRinfo(rinfo));
        return;
      }
      const waiter = this.#waiter;
      if (waiter !== null) {
        this.#waiter = null;
        waiter([message, fromRinfo(rinfo)]);
      } else if (this.#queue.length < RECEIVE_QUEUE_LIMIT) {
        this.#queue.push([message, fromRinfo(rinfo)]);
      }
    });
    socket.on("error", (error: Error) => this.#handler?.onError(toNetError(error, "recv")));
    socket.on("close", () => {
      this.#closed = true;
      const waiter = this.#waiter;
      this.#waiter = null;
      waiter?.(null);
    });
  }

  send(bytes: Uint8Array, to: { hostname: string; port: number }): Promise<number> {
    if (this.#closed) {
      return Promise.reject(
        new NetError("ERR_SOCKET_CLOSED", "send on a closed UDP socket", { syscall: "send" }),
      );
    }
    return new Promise((resolve, reject) => {
      try {
        this.#socket.send(bytes, to.port, to.hostname, (error, sent) => {
          if (error) reject(toNetError(error, "send", formatTarget(to.hostname, to.port)));
          else resolve(sent);
        });
      } catch (error) {
        reject(toNetError(error, "send", formatTarget(to.hostname, to.port)));
      }
    });
  }

  receive(): Promise<[Uint8Array, NetAddr] | null> {
    if (this.#handler !== null) {
      return Promise.reject(
        new NetError("EINVAL", "receive() on a socket in handler mode", { syscall: "recv" }),
      );
    }
    const next = this.#queue.shift();
    if (next !== undefined) return Promise.resolve(next);
    if (this.#closed) return Promise.resolve(null);
    if (this.#waiter !== null) {
      return Promise.reject(
        new NetError("EINVAL", "receive() while another receive is pending", { syscall: "recv" }),
      );
    }
    return new Promise((resolve) => (this.#waiter = resolve));
  }

  attach(handler: DatagramHandler): void {
    if (this.#handler !== null || this.#waiter !== null) {
      throw new NetError("EINVAL", "attach() on a socket that is already receiving", {
        syscall: "recv",
      });
    }
    this.#handler = handler;
    const queued = this.#queue;
    this.#queue = [];
    if (queued.length > 0) {
      queueMicrotask(() => {
        for (const [bytes, from] of queued) handler.onMessage(bytes, from);
      });
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#socket.close();
    } catch {
      // Already closed.
    }
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.(null);
  }

  setRef(ref: boolean): void {
    if (ref) this.#socket.ref();
    else this.#socket.unref();
  }

  setBroadcast(flag: boolean): Promise<void> {
    return attempt("setBroadcast", () => this.#socket.setBroadcast(flag));
  }

  setTTL(ttl: number): Promise<void> {
    return attempt("setTTL", () => this.#socket.setTTL(ttl));
  }

  setMulticastTTL(ttl: number): Promise<void> {
    return attempt("setMulticastTTL", () => this.#socket.setMulticastTTL(ttl));
  }

  setMulticastLoopback(flag: boolean): Promise<void> {
    return attempt("setMulticastLoopback", () => this.#socket.setMulticastLoopback(flag));
  }

  setMulticastInterface(interfaceAddress: string): Promise<void> {
    return attempt(
      "setMulticastInterface",
      () => this.#socket.setMulticastInterface(interfaceAddress),
    );
  }

  addMembership(group: string, interfaceAddress?: string): Promise<void> {
    return attempt("addMembership", () => this.#socket.addMembership(group, interfaceAddress));
  }

  dropMembership(group: string, interfaceAddress?: string): Promise<void> {
    return attempt("dropMembership", () => this.#socket.dropMembership(group, interfaceAddress));
  }
}

/** Binds a UDP socket with `node:dgram`. */
export function bindNodeDatagram(options: DatagramOptions): Promise<DatagramSocket> {
  const hostname = options.hostname ?? (options.type === "udp6" ? "::" : "0.0.0.0");
  const port = options.port ?? 0;
  return new Promise((resolve, reject) => {
    let socket: dgram.Socket;
    try {
      socket = dgram.createSocket({
        type: options.type,
        reuseAddr: options.reuseAddress ?? false,
        ipv6Only: options.ipv6Only ?? false,
      });
    } catch (error) {
      reject(toNetError(error, "bind", formatTarget(hostname, port)));
      return;
    }
    const onError = (error: Error) => {
      try {
        socket.close();
      } catch {
        // Never bound: nothing to close.
      }
      reject(toNetError(error, "bind", formatTarget(hostname, port)));
    };
    socket.once("error", onError);
    socket.bind({ port, address: hostname, exclusive: true }, () => {
      socket.off("error", onError);
      resolve(new NodeDatagramSocket(socket));
    });
  });
}
