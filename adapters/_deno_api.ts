// The few parts of the `Deno` namespace the Deno adapter uses, typed here so that
// the npm build compiles without Deno's type library. Under Deno they are the real
// functions; under Node `deno` is undefined and nothing here is called.

/** A Deno network address. */
export interface DenoNetAddr {
  transport: "tcp" | "udp";
  hostname: string;
  port: number;
}

/** A Deno Unix socket address. */
export interface DenoUnixAddr {
  transport: "unix" | "unixpacket";
  path: string | null;
}

/** A Deno connection (`Deno.TcpConn`, `Deno.UnixConn`, `Deno.TlsConn`). */
export interface DenoConn {
  readonly localAddr: DenoNetAddr | DenoUnixAddr;
  readonly remoteAddr: DenoNetAddr | DenoUnixAddr;
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  closeWrite(): Promise<void>;
  close(): void;
  setNoDelay?(noDelay?: boolean): void;
  setKeepAlive?(keepAlive?: boolean): void;
  ref(): void;
  unref(): void;
}

/** A Deno listener. */
export interface DenoListener {
  readonly addr: DenoNetAddr | DenoUnixAddr;
  accept(): Promise<DenoConn>;
  close(): void;
  ref(): void;
  unref(): void;
}

/** The `Deno` functions the adapter calls. */
export interface DenoApi {
  listen(
    options: { port: number; hostname?: string; reusePort?: boolean; transport?: "tcp" },
  ): DenoListener;
  connect(
    options: { port: number; hostname?: string; transport?: "tcp"; signal?: AbortSignal },
  ): Promise<DenoConn>;
}

/** The running Deno's namespace, or `undefined` outside Deno. */
export const deno: DenoApi | undefined = (globalThis as { Deno?: DenoApi }).Deno;
