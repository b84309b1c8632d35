// The `DatagramSocket` over Deno's own UDP (`Deno.listenDatagram`, unstable net).
//
// Datagrams are received into one reused 64 KiB buffer and copied out at their
// size, so a kept message never pins the buffer. Deno's UDP always allows
// broadcast, has no unicast TTL and no multicast interface setting; multicast
// TTL and loopback are set through the joined groups, so values set before the
// first join are kept and applied when it happens.

import type {
  DenoDatagramConn,
  DenoMulticastV4Membership,
  DenoMulticastV6Membership,
} from "./_deno_api.ts";
import { toAddr } from "./_deno_conn.ts";
import { formatTarget } from "./_addr.ts";
import { NetError, toNetError } from "./errors.ts";
import type { DatagramHandler, DatagramSocket, NetAddr } from "./types.ts";

/** The largest UDP payload there is (65,535 minus the 8-byte UDP header). */
const RECEIVE_SIZE = 65536;
/** Receive errors in a row after which the socket stops receiving. */
const MAX_ERRORS_IN_A_ROW = 64;

type Membership = DenoMulticastV4Membership | DenoMulticastV6Membership;

function unsupported(what: string): Promise<never> {
  return Promise.reject(
    new NetError("ENOTSUP", `${what} is not supported by Deno's UDP sockets`, {
      syscall: "setsockopt",
    }),
  );
}

/** A `DatagramSocket` over a `Deno.DatagramConn`. */
export class DenoDatagramSocket implements DatagramSocket {
  readonly addr: NetAddr;
  readonly #socket: DenoDatagramConn;
  #buffer: Uint8Array | null = null;
  #handler: DatagramHandler | null = null;
  #closed = false;
  #receiving = false;
  readonly #memberships = new Map<string, Membership>();
  #loopback = true;
  #multicastTTL: number | undefined;

  constructor(socket: DenoDatagramConn) {
    this.#socket = socket;
    this.addr = toAddr(socket.addr) as NetAddr;
  }

  async send(bytes: Uint8Array, to: { hostname: string; port: number }): Promise<number> {
    if (this.#closed) {
      throw new NetError("ERR_SOCKET_CLOSED", "send on a closed UDP socket", { syscall: "send" });
    }
    try {
      return await this.#socket.send(bytes, {
        transport: "udp",
        hostname: to.hostname,
        port: to.port,
      });
    } catch (error) {
      throw toNetError(error, "send", formatTarget(to.hostname, to.port));
    }
  }

  async receive(): Promise<[Uint8Array, NetAddr] | null> {
    if (this.#handler !== null) {
      throw new NetError("EINVAL", "receive() on a socket in handler mode", { syscall: "recv" });
    }
    if (this.#receiving) {
      throw new NetError("EINVAL", "receive() while another receive is pending", {
        syscall: "recv",
      });
    }
    this.#receiving = true;
    try {
      return await this.#receiveOne();
    } finally {
      this.#receiving = false;
    }
  }

  async #receiveOne(): Promise<[Uint8Array, NetAddr] | null> {
    if (this.#closed) return null;
    const buffer = this.#buffer ??= new Uint8Array(RECEIVE_SIZE);
    try {
      const [view, from] = await this.#socket.receive(buffer);
      return [view.slice(), toAddr(from) as NetAddr];
    } catch (error) {
      if (this.#closed) return null;
      throw toNetError(error, "recv");
    }
  }

  attach(handler: DatagramHandler): void {
    if (this.#handler !== null || this.#receiving) {
      throw new NetError("EINVAL", "attach() on a socket that is already receiving", {
        syscall: "recv",
      });
    }
    this.#handler = handler;
    queueMicrotask(() => this.#loop(handler));
  }

  async #loop(handler: DatagramHandler): Promise<void> {
    let errors = 0;
    while (!this.#closed) {
      let received: [Uint8Array, NetAddr] | null;
      try {
        received = await this.#receiveOne();
      } catch (error) {
        const netError = error as NetError;
        if (netError.code === "ERR_SOCKET_CLOSED") return;
        handler.onError(netError);
        if (++errors >= MAX_ERRORS_IN_A_ROW) return;
        continue;
      }
      if (received === null) return;
      errors = 0;
      handler.onMessage(received[0], received[1]);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#memberships.clear();
    try {
      this.#socket.close();
    } catch {
      // Already closed.
    }
  }

  setRef(ref: boolean): void {
    if (ref) this.#socket.ref?.();
    else this.#socket.unref?.();
  }

  setBroadcast(flag: boolean): Promise<void> {
    // Deno's UDP sockets are created with SO_BROADCAST on.
    return flag ? Promise.resolve() : unsupported("turning broadcast off");
  }

  setTTL(): Promise<void> {
    return unsupported("setting the unicast TTL");
  }

  async setMulticastTTL(ttl: number): Promise<void> {
    this.#multicastTTL = ttl;
    for (const membership of this.#memberships.values()) {
      if ("setTTL" in membership) await membership.setTTL(ttl).catch(this.#rethrow("setTTL"));
    }
  }

  async setMulticastLoopback(flag: boolean): Promise<void> {
    this.#loopback = flag;
    for (const membership of this.#memberships.values()) {
      await membership.setLoopback(flag).catch(this.#rethrow("setLoopback"));
    }
  }

  setMulticastInterface(): Promise<void> {
    return unsupported("choosing the multicast interface");
  }

  async addMembership(group: string, interfaceAddress?: string): Promise<void> {
    const key = `${group}%${interfaceAddress ?? ""}`;
    if (this.#memberships.has(key)) {
      throw new NetError("EADDRINUSE", `already a member of ${group}`, { syscall: "setsockopt" });
    }
    let membership: Membership;
    try {
      if (group.includes(":")) {
        const index = interfaceAddress === undefined ? 0 : Number(interfaceAddress);
        if (!Number.isInteger(index)) {
          return unsupported("an IPv6 multicast interface given by address (give its index)");
        }
        membership = await this.#socket.joinMulticastV6(group, index);
      } else {
        const v4 = await this.#socket.joinMulticastV4(group, interfaceAddress ?? "0.0.0.0");
        if (this.#multicastTTL !== undefined) await v4.setTTL(this.#multicastTTL);
        membership = v4;
      }
      await membership.setLoopback(this.#loopback);
    } catch (error) {
      throw toNetError(error, "addMembership", group);
    }
    this.#memberships.set(key, membership);
  }

  async dropMembership(group: string, interfaceAddress?: string): Promise<void> {
    const key = `${group}%${interfaceAddress ?? ""}`;
    const membership = this.#memberships.get(key);
    if (membership === undefined) {
      throw new NetError("EADDRNOTAVAIL", `not a member of ${group}`, {
        syscall: "dropMembership",
      });
    }
    this.#memberships.delete(key);
    try {
      await membership.leave();
    } catch (error) {
      throw toNetError(error, "dropMembership", group);
    }
  }

  #rethrow(syscall: string): (error: unknown) => never {
    return (error) => {
      throw toNetError(error, syscall);
    };
  }
}
