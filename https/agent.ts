/**
 * The HTTPS agent, as Node's `https.Agent`: an HTTP {@linkcode Agent} whose
 * options may carry the TLS client options flat (`ca`, `cert`, `key`,
 * `servername`, `checkPeer` ...), used for every connection it opens, and
 * {@linkcode globalAgent}, the one `https.request` uses when given none.
 *
 * @module
 */

import {
  Agent as HttpAgent,
  type AgentOptions as HttpAgentOptions,
  type ClientTlsOptions,
} from "../http/mod.ts";
import { clientTlsOf } from "./_tls_fields.ts";

/** Options of an HTTPS {@linkcode Agent}: the HTTP agent's, and TLS client options flat or under `tls`. */
export interface AgentOptions extends HttpAgentOptions, ClientTlsOptions {}

/**
 * A keep-alive pool for HTTPS (and HTTP) requests. Connections are pooled
 * per origin and TLS options; verification is on unless an option turns it
 * off loudly (`dangerouslyDisableVerification`).
 *
 * @example An agent that trusts a private CA
 * ```ts
 * import { Agent } from "./mod.ts";
 *
 * const agent = new Agent({ ca: [], maxSockets: 8 });
 * console.log(agent.maxSockets); // 8
 * agent.destroy();
 * ```
 */
export class Agent extends HttpAgent {
  /** The TLS options of this agent's connections (flat ones merged under `tls`). */
  readonly options: ClientTlsOptions;

  /**
   * Creates an HTTPS agent.
   *
   * @param options limits, timeouts, proxy, and TLS options (flat, as Node's, or under `tls`)
   */
  constructor(options: AgentOptions = {}) {
    const tls = clientTlsOf(options) ?? {};
    super({ ...options, tls });
    this.options = tls;
  }
}

/**
 * The agent `https.request` and `https.get` use when given none (Node's
 * `https.globalAgent`): the runtime's roots, keep-alive, free connections
 * kept 4 s.
 *
 * @example
 * ```ts
 * import { globalAgent } from "./mod.ts";
 *
 * console.log(globalAgent.stats().open);
 * ```
 */
export const globalAgent: Agent = new Agent();
