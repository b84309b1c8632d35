/**
 * The chapter's UDP socket: Node's `dgram.Socket` over wirestack's adapters
 * (`Deno.listenDatagram`, or `node:dgram`).
 *
 * @module
 */

import {
  type DatagramHandler,
  type DatagramSocket,
  type NetAddr,
  NetError,
  type Transport,
  transport as runtimeTransport,
} from "../adapters/mod.ts";
import { Emitter } from "../net/emitter.ts";
import { isIP } from "../net/ip.ts";

/** Where a datagram came from, as Node's `rinfo`. */
export interface RemoteInfo {
  /** The sender's IP address. */
  address: string;
  /** `"IPv4"` or `"IPv6"`. */
  family: "IPv4" | "IPv6";
  /** The sender's port. */
  port: number;
  /** The datagram's size in bytes. */
  size: number;
}

/** A bound address, as `address()` reports it. */
export interface DgramAddressInfo {
  /** The IP address. */
  address: string;
  /** `"IPv4"` or `"IPv6"`. */
  family: "IPv4" | "IPv6";
  /** The port. */
  port: number;
}

/** The events of a UDP {@linkcode Socket} and the arguments their listeners get. */
export interface DgramSocketEvents {
  /** The socket is bound. */
  listening: [];
  /** A datagram arrived: its bytes (the listener's to keep) and where from. */
  message: [msg: Uint8Array, rinfo: RemoteInfo];
  /** A send without callback failed, or receiving failed. The socket goes on. */
  error: [error: Error];
  /** The socket is closed. */
  close: [];
  /** `connect()` set the default peer. */
  connect: [];
}

/** Options of {@linkcode createSocket}. */
export interface DgramSocketOptions {
  /** `"udp4"` or `"udp6"`. */
  type: "udp4" | "udp6";
  /** Sets `SO_REUSEADDR`, so several sockets can bind one port (default `false`). */
  reuseAddr?: boolean;
  /** On `"::"`, IPv6 only (Node only; default `false`). */
  ipv6Only?: boolean;
  /** Closes the socket when it aborts. */
  signal?: AbortSignal;
  /** The adapter to use (default: the running runtime's). */
  transport?: Transport;
}

/** Where {@linkcode Socket.bind} binds. */
export interface BindOptions {
  /** The port; 0 or absent picks a free one. */
  port?: number;
  /** The address; absent: every address of the socket's family. */
  address?: string;
}

/** A datagram to send: bytes, text (sent as UTF-8), or a list of them (joined). */
export type Message = Uint8Array | string | ReadonlyArray<Uint8Array | string>;

/** The callback form of `send`: the error, or `null` and the bytes sent. */
export type SendCallback = (error: Error | null, bytes: number) => void;

/**
 * The largest UDP payload over IPv4: 65,535 minus the IP and UDP headers.
 *
 * @example
 * ```ts
 * import { MAX_UDP4_PAYLOAD } from "./mod.ts";
 *
 * console.assert(MAX_UDP4_PAYLOAD === 65_535 - 20 - 8);
 * ```
 */
export const MAX_UDP4_PAYLOAD = 65507;
/**
 * The largest UDP payload over IPv6 (without jumbograms): 65,535 minus the UDP header.
 *
 * @example
 * ```ts
 * import { MAX_UDP6_PAYLOAD } from "./mod.ts";
 *
 * console.assert(MAX_UDP6_PAYLOAD === 65_535 - 8);
 * ```
 */
export const MAX_UDP6_PAYLOAD = 65527;

const encoder = new TextEncoder();

function toBytes(message: Message): Uint8Array {
  if (typeof message === "string") return encoder.encode(message);
  if (message instanceof Uint8Array) return message;
  const parts = message.map((part) => typeof part === "string" ? encoder.encode(part) : part);
  if (parts.length === 1) return parts[0];
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

function notRunning(syscall: string): NetError {
  return new NetError("ERR_SOCKET_CLOSED", `${syscall} on a closed UDP socket`, { syscall });
}

function noop(): void {}

/**
 * A UDP socket: Node's `dgram.Socket`. Create it with {@linkcode createSocket}.
 *
 * `send` binds an unbound socket to a free port first, as Node's does. Every
 * method that talks to the system returns a promise as well as taking Node's
 * callback; a failed `send` without callback is also emitted as `error`. An
 * `error` nobody listens to is dropped: UDP errors concern one datagram.
 *
 * Runtimes differ in what they can set (see the README's feature table): Deno's
 * own UDP always allows broadcast, and has no unicast TTL and no multicast
 * interface choice; those reject with `ENOTSUP` there.
 *
 * @example A UDP server and client
 * ```ts
 * import { createSocket } from "./mod.ts";
 *
 * const server = createSocket("udp4");
 * server.on("message", (msg, rinfo) => server.send(msg, rinfo.port, rinfo.address));
 * server.bind(0, "127.0.0.1");
 * await new Promise((resolve) => server.once("listening", resolve));
 *
 * const client = createSocket("udp4");
 * client.on("message", (msg) => {
 *   console.log(new TextDecoder().decode(msg)); // "ping"
 *   client.close();
 *   server.close();
 * });
 * await client.send("ping", server.address().port, "127.0.0.1");
 * ```
 */
export class Socket extends Emitter<DgramSocketEvents> {
  /** The socket's type: `"udp4"` or `"udp6"`. */
  readonly type: "udp4" | "udp6";
  readonly #transport: Transport;
  readonly #options: DgramSocketOptions;
  #binding: Promise<DatagramSocket> | null = null;
  #socket: DatagramSocket | null = null;
  #closed = false;
  #ref = true;
  #remote: { address: string; port: number } | null = null;

  /**
   * Creates an unbound UDP socket.
   *
   * @param options see {@linkcode DgramSocketOptions}
   */
  constructor(options: DgramSocketOptions) {
    super();
    if (options.type !== "udp4" && options.type !== "udp6") {
      throw new NetError("EINVAL", `the socket type must be "udp4" or "udp6", not ${options.type}`);
    }
    this.type = options.type;
    this.#options = options;
    this.#transport = options.transport ?? runtimeTransport;
    const signal = options.signal;
    if (signal !== undefined) {
      if (signal.aborted) queueMicrotask(() => this.close());
      else {
        const onAbort = () => this.close();
        signal.addEventListener("abort", onAbort, { once: true });
        this.once("close", () => signal.removeEventListener("abort", onAbort));
      }
    }
  }

  /**
   * Binds the socket, then emits `listening`. A failure is emitted as `error`.
   *
   * @param options the port and address
   * @param callback added as a `listening` listener
   * @returns this socket
   *
   * @example
   * ```ts
   * import { createSocket } from "./mod.ts";
   *
   * const socket = createSocket("udp6").bind({ port: 0, address: "::1" });
   * socket.once("listening", () => socket.close());
   * ```
   */
  bind(options?: BindOptions, callback?: () => void): this;
  /**
   * Binds the socket to `address:port`.
   *
   * @param port the port (0: any free one)
   * @param address the address (default: every address of the family)
   * @param callback added as a `listening` listener
   * @returns this socket
   */
  bind(port?: number, address?: string, callback?: () => void): this;
  /**
   * Binds the socket to `port` on every address.
   *
   * @param port the port
   * @param callback added as a `listening` listener
   * @returns this socket
   */
  bind(port: number, callback: () => void): this;
  bind(
    target?: BindOptions | number,
    addressOrCallback?: string | (() => void),
    maybeCallback?: () => void,
  ): this {
    let options: BindOptions;
    let callback: (() => void) | undefined;
    if (typeof target === "object") {
      options = target;
      callback = typeof addressOrCallback === "function" ? addressOrCallback : maybeCallback;
    } else if (typeof addressOrCallback === "function") {
      options = { port: target };
      callback = addressOrCallback;
    } else {
      options = { port: target, address: addressOrCallback };
      callback = maybeCallback;
    }
    if (this.#closed) throw notRunning("bind");
    if (this.#binding !== null) {
      throw new NetError("EINVAL", "the socket is already bound", { syscall: "bind" });
    }
    const port = options.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new NetError("EINVAL", `bind needs a port from 0 to 65535, not ${port}`, {
        syscall: "bind",
      });
    }
    if (callback !== undefined) this.once("listening", callback);
    this.#startBinding(port, options.address);
    return this;
  }

  #startBinding(port: number, address: string | undefined): Promise<DatagramSocket> {
    const binding = this.#transport.bindDatagram({
      type: this.type,
      port,
      ...(address === undefined ? {} : { hostname: address }),
      ...(this.#options.reuseAddr ? { reuseAddress: true } : {}),
      ...(this.#options.ipv6Only ? { ipv6Only: true } : {}),
    }).then((socket) => {
      if (this.#closed) {
        socket.close();
        throw notRunning("bind");
      }
      this.#socket = socket;
      if (!this.#ref) socket.setRef(false);
      socket.attach(this.#handler);
      this.emit("listening");
      return socket;
    });
    binding.catch((error: Error) => {
      if (!this.#closed) {
        this.emit("error", error);
        this.#closeNow();
      }
    });
    this.#binding = binding;
    return binding;
  }

  /** The bound socket; binds to a free port first if nobody called `bind`. */
  #bound(syscall: string): Promise<DatagramSocket> {
    if (this.#closed) return Promise.reject(notRunning(syscall));
    return this.#binding ?? this.#startBinding(0, undefined);
  }

  readonly #handler: DatagramHandler = {
    onMessage: (bytes: Uint8Array, from: NetAddr) => {
      const remote = this.#remote;
      if (remote !== null && (from.port !== remote.port || from.hostname !== remote.address)) {
        return; // a connected socket hears its peer only
      }
      this.emit("message", bytes, {
        address: from.hostname,
        family: from.family,
        port: from.port,
        size: bytes.length,
      });
    },
    onError: (error: NetError) => {
      this.emit("error", error);
    },
  };

  /**
   * Sends one datagram to `address:port` (or to the peer set with `connect`).
   * Binds an unbound socket first. A message over the UDP limit (65,507 bytes
   * over IPv4, 65,527 over IPv6) fails with `EMSGSIZE` without being sent.
   *
   * @param msg the datagram: bytes, text, or a list joined into one
   * @param port the destination port (omit on a connected socket)
   * @param address the destination (default `127.0.0.1` / `::1`); a name is resolved
   * @param callback Node's form: called with the error or `(null, bytes)`
   * @returns the number of bytes sent; the promise never goes unhandled, so it
   * may be ignored when a callback or an `error` listener is used
   *
   * @example
   * ```ts ignore
   * await socket.send("hello", 41234, "127.0.0.1");
   * ```
   */
  send(msg: Message, port?: number, address?: string, callback?: SendCallback): Promise<number>;
  /**
   * Sends `length` bytes of `msg` from `offset`.
   *
   * @param msg the bytes
   * @param offset where the datagram starts in `msg`
   * @param length how many bytes to send
   * @param port the destination port
   * @param address the destination
   * @param callback Node's form
   * @returns the number of bytes sent
   */
  send(
    msg: Uint8Array | string,
    offset: number,
    length: number,
    port?: number,
    address?: string,
    callback?: SendCallback,
  ): Promise<number>;
  /**
   * Sends to the connected peer, Node's callback form.
   *
   * @param msg the datagram
   * @param callback called with the error or `(null, bytes)`
   * @returns the number of bytes sent
   */
  send(msg: Message, callback: SendCallback): Promise<number>;
  send(msg: Message, ...rest: Array<number | string | SendCallback | undefined>): Promise<number> {
    const callback = typeof rest[rest.length - 1] === "function"
      ? rest.pop() as SendCallback
      : undefined;
    while (rest.length > 0 && rest[rest.length - 1] === undefined) rest.pop();
    let bytes: Uint8Array;
    let port: number | undefined;
    let address: string | undefined;
    try {
      bytes = toBytes(msg);
      if (rest.length >= 3 || (rest.length === 2 && typeof rest[1] === "number")) {
        const [offset, length] = rest as number[];
        if (
          !Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 ||
          offset + length > bytes.length
        ) {
          throw new NetError(
            "EINVAL",
            `offset ${offset} and length ${length} do not fit a ${bytes.length}-byte message`,
            { syscall: "send" },
          );
        }
        bytes = bytes.subarray(offset, offset + length);
        [port, address] = rest.slice(2) as [number | undefined, string | undefined];
      } else {
        [port, address] = rest as [number | undefined, string | undefined];
      }
      const remote = this.#remote;
      if (remote !== null) {
        if (port !== undefined) {
          throw new NetError("EINVAL", "send() with an address on a connected socket", {
            syscall: "send",
          });
        }
        port = remote.port;
        address = remote.address;
      }
      if (port === undefined || !Number.isInteger(port) || port <= 0 || port > 65535) {
        throw new NetError("EINVAL", `send needs a port from 1 to 65535, not ${port}`, {
          syscall: "send",
        });
      }
      const limit = this.type === "udp4" ? MAX_UDP4_PAYLOAD : MAX_UDP6_PAYLOAD;
      if (bytes.length > limit) {
        throw new NetError(
          "EMSGSIZE",
          `a ${bytes.length}-byte datagram is over the UDP limit of ${limit} bytes ` +
            `over ${this.type === "udp4" ? "IPv4" : "IPv6"}`,
          { syscall: "send" },
        );
      }
    } catch (error) {
      return this.#settleSend(Promise.reject(error), callback);
    }
    const to = address ?? (this.type === "udp4" ? "127.0.0.1" : "::1");
    const destination = port;
    const sent = this.#bound("send").then(async (socket) => {
      const hostname = isIP(to) !== 0 ? to : await this.#resolve(to);
      return socket.send(bytes, { hostname, port: destination });
    });
    return this.#settleSend(sent, callback);
  }

  async #resolve(name: string): Promise<string> {
    const family = this.type === "udp4" ? 4 : 6;
    const [first] = await this.#transport.lookup(name, { family });
    return first.address;
  }

  #settleSend(sent: Promise<number>, callback: SendCallback | undefined): Promise<number> {
    sent.then(
      (bytes) => callback?.(null, bytes),
      (error: Error) => {
        if (callback !== undefined) callback(error, 0);
        else this.emit("error", error);
      },
    );
    sent.catch(noop); // the promise may be ignored: failures went to the callback or `error`
    return sent;
  }

  /**
   * Sets the default peer: `send` without an address goes there, and only its
   * datagrams are heard. Binds first if needed, then emits `connect`.
   *
   * @param port the peer's port
   * @param address the peer's address (default `127.0.0.1` / `::1`)
   * @param callback added as a `connect` listener
   * @returns once connected
   *
   * @example
   * ```ts ignore
   * await socket.connect(41234, "127.0.0.1");
   * await socket.send("to the peer");
   * ```
   */
  async connect(port: number, address?: string, callback?: () => void): Promise<void> {
    if (this.#remote !== null) {
      throw new NetError("EINVAL", "the socket is already connected", { syscall: "connect" });
    }
    if (!Number.isInteger(port) || port <= 0 || port > 65535) {
      throw new NetError("EINVAL", `connect needs a port from 1 to 65535, not ${port}`, {
        syscall: "connect",
      });
    }
    await this.#bound("connect");
    const to = address ?? (this.type === "udp4" ? "127.0.0.1" : "::1");
    this.#remote = { address: isIP(to) !== 0 ? to : await this.#resolve(to), port };
    if (callback !== undefined) this.once("connect", callback);
    this.emit("connect");
  }

  /**
   * Forgets the default peer set with `connect`.
   *
   * @example
   * ```ts ignore
   * socket.disconnect();
   * ```
   */
  disconnect(): void {
    if (this.#remote === null) {
      throw new NetError("ENOTCONN", "the socket is not connected", { syscall: "disconnect" });
    }
    this.#remote = null;
  }

  /**
   * The peer set with `connect`.
   *
   * @returns its address and port
   *
   * @example
   * ```ts ignore
   * console.log(socket.remoteAddress().port);
   * ```
   */
  remoteAddress(): DgramAddressInfo {
    const remote = this.#remote;
    if (remote === null) {
      throw new NetError("ENOTCONN", "the socket is not connected", { syscall: "getpeername" });
    }
    return {
      address: remote.address,
      family: isIP(remote.address) === 6 ? "IPv6" : "IPv4",
      port: remote.port,
    };
  }

  /**
   * The bound address. Throws while the socket is not bound yet.
   *
   * @returns the address, family and port
   *
   * @example
   * ```ts ignore
   * console.log(socket.address().port);
   * ```
   */
  address(): DgramAddressInfo {
    const socket = this.#socket;
    if (socket === null || this.#closed) {
      throw new NetError("ENOTCONN", "the socket is not bound", { syscall: "getsockname" });
    }
    const addr = socket.addr;
    return { address: addr.hostname, family: addr.family, port: addr.port };
  }

  /**
   * Closes the socket, then emits `close`.
   *
   * @param callback added as a `close` listener
   * @returns this socket
   *
   * @example
   * ```ts ignore
   * socket.close(() => console.log("closed"));
   * ```
   */
  close(callback?: () => void): this {
    if (this.#closed) {
      if (callback !== undefined) queueMicrotask(callback);
      return this;
    }
    if (callback !== undefined) this.once("close", callback);
    this.#closeNow();
    return this;
  }

  #closeNow(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket?.close();
    this.#socket = null;
    queueMicrotask(() => this.emit("close"));
  }

  /**
   * Allows sending to broadcast addresses (such as `255.255.255.255`).
   *
   * @param flag on or off (off is `ENOTSUP` on Deno's own UDP)
   * @returns once set
   *
   * @example
   * ```ts ignore
   * await socket.setBroadcast(true);
   * ```
   */
  setBroadcast(flag: boolean): Promise<void> {
    return this.#bound("setBroadcast").then((socket) => socket.setBroadcast(flag));
  }

  /**
   * Sets the unicast time-to-live (hops). Node only.
   *
   * @param ttl 1 to 255
   * @returns once set
   *
   * @example
   * ```ts ignore
   * await socket.setTTL(64);
   * ```
   */
  setTTL(ttl: number): Promise<void> {
    return this.#bound("setTTL").then((socket) => socket.setTTL(ttl));
  }

  /**
   * Sets the multicast time-to-live (0 keeps datagrams on this host).
   *
   * @param ttl 0 to 255
   * @returns once set
   *
   * @example
   * ```ts ignore
   * await socket.setMulticastTTL(1);
   * ```
   */
  setMulticastTTL(ttl: number): Promise<void> {
    return this.#bound("setMulticastTTL").then((socket) => socket.setMulticastTTL(ttl));
  }

  /**
   * Loops sent multicast datagrams back to local listeners (on by default).
   *
   * @param flag on or off
   * @returns once set
   *
   * @example
   * ```ts ignore
   * await socket.setMulticastLoopback(false);
   * ```
   */
  setMulticastLoopback(flag: boolean): Promise<void> {
    return this.#bound("setMulticastLoopback").then((socket) => socket.setMulticastLoopback(flag));
  }

  /**
   * Chooses the interface multicast datagrams leave by. Node only.
   *
   * @param interfaceAddress the interface's address (`127.0.0.1` for loopback)
   * @returns once set
   *
   * @example
   * ```ts ignore
   * await socket.setMulticastInterface("127.0.0.1");
   * ```
   */
  setMulticastInterface(interfaceAddress: string): Promise<void> {
    return this.#bound("setMulticastInterface").then((socket) =>
      socket.setMulticastInterface(interfaceAddress)
    );
  }

  /**
   * Joins a multicast group. Bind first (to the group's port).
   *
   * @param group the group address (`239.0.0.0/8` for local use)
   * @param interfaceAddress the interface's address (default: the system's choice)
   * @returns once joined
   *
   * @example
   * ```ts ignore
   * await socket.addMembership("239.255.0.1", "127.0.0.1");
   * ```
   */
  addMembership(group: string, interfaceAddress?: string): Promise<void> {
    return this.#joined("addMembership").then((socket) =>
      socket.addMembership(group, interfaceAddress)
    );
  }

  /**
   * Leaves a multicast group.
   *
   * @param group the group address
   * @param interfaceAddress the interface given to `addMembership`
   * @returns once left
   *
   * @example
   * ```ts ignore
   * await socket.dropMembership("239.255.0.1", "127.0.0.1");
   * ```
   */
  dropMembership(group: string, interfaceAddress?: string): Promise<void> {
    return this.#joined("dropMembership").then((socket) =>
      socket.dropMembership(group, interfaceAddress)
    );
  }

  #joined(syscall: string): Promise<DatagramSocket> {
    if (this.#binding === null && !this.#closed) {
      return Promise.reject(
        new NetError("EINVAL", `${syscall} needs a bound socket: call bind() first`, { syscall }),
      );
    }
    return this.#bound(syscall);
  }

  /**
   * Lets the process exit while the socket is open.
   *
   * @returns this socket
   *
   * @example
   * ```ts ignore
   * socket.unref();
   * ```
   */
  unref(): this {
    this.#ref = false;
    this.#socket?.setRef(false);
    return this;
  }

  /**
   * Keeps the process alive while the socket is open (the default).
   *
   * @returns this socket
   *
   * @example
   * ```ts ignore
   * socket.ref();
   * ```
   */
  ref(): this {
    this.#ref = true;
    this.#socket?.setRef(true);
    return this;
  }
}

/**
 * Creates a UDP socket, as Node's `dgram.createSocket`.
 *
 * @param type `"udp4"` or `"udp6"`, or the options
 * @param onMessage added as a `message` listener
 * @returns the unbound socket
 *
 * @example The chapter's UDP server
 * ```ts
 * import { createSocket } from "./mod.ts";
 *
 * const server = createSocket("udp4", (msg, rinfo) => {
 *   console.log(`${rinfo.address}:${rinfo.port} sent ${msg.length} bytes`);
 * });
 * server.bind(0, "127.0.0.1", () => server.close());
 * ```
 */
export function createSocket(
  type: "udp4" | "udp6" | DgramSocketOptions,
  onMessage?: (msg: Uint8Array, rinfo: RemoteInfo) => void,
): Socket {
  const socket = new Socket(typeof type === "string" ? { type } : type);
  if (onMessage !== undefined) socket.on("message", onMessage);
  return socket;
}
