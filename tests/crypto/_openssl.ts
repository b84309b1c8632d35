// Test helpers that drive the `openssl` command line: run it, keep files in a
// scratch directory, and make keys, requests and certificates the way the
// chapter (and every CA tutorial) does.

import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Runs openssl; returns stdout; throws with stderr when it exits non-zero. */
export function openssl(
  args: string[],
  options: { cwd?: string; input?: string | Uint8Array } = {},
): string {
  try {
    return execFileSync("openssl", args, {
      cwd: options.cwd,
      input: options.input,
      encoding: "utf8",
      stdio: ["pipe", "pipe", "pipe"],
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new Error(`openssl ${args.join(" ")} failed: ${stderr.trim()}`);
  }
}

/** Runs openssl and reports whether it succeeded, with stdout and stderr together. */
export function opensslStatus(
  args: string[],
  options: { cwd?: string } = {},
): { ok: boolean; output: string } {
  const result = spawnSync("openssl", args, { cwd: options.cwd, encoding: "utf8" });
  return { ok: result.status === 0, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

/** Key types openssl makes for tests. */
export type TestKeyType = "ec" | "p384" | "ed25519" | "rsa" | "rsa1024";

/** One certificate to make. */
export interface CertSpec {
  /** File stem: `NAME.key`, `NAME.pem`. */
  name: string;
  /** `-subj` form: `/C=US/O=Acme/CN=leaf`. */
  subject: string;
  /** The issuer's stem; omitted for self-signed. */
  issuer?: string;
  /** Key type (default ec, P-256). */
  key?: TestKeyType;
  /** Use the key file of another certificate (same key, new certificate). */
  keyOf?: string;
  /** Extension lines, OpenSSL config syntax (`basicConstraints=critical,CA:TRUE`). */
  ext?: string[];
  /** Validity in days (default 30). */
  days?: number;
  /** Fixed dates (`YYYYMMDDHHMMSSZ`): issued with `openssl ca`. */
  startDate?: string;
  endDate?: string;
  /** Digest (default sha256; the key's own for Ed25519). */
  md?: string;
  /** Extra signing options (`rsa_padding_mode:pss`). */
  sigopt?: string[];
}

/** A scratch directory with openssl-made material; `close()` removes it. */
export class OpensslDir {
  readonly dir: string;
  #serial = 1000;
  #keyTypes = new Map<string, TestKeyType>();

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), "wirestack-openssl-"));
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  read(name: string): string {
    return readFileSync(this.path(name), "utf8");
  }

  readBytes(name: string): Uint8Array {
    return new Uint8Array(readFileSync(this.path(name)));
  }

  write(name: string, text: string | Uint8Array): string {
    writeFileSync(this.path(name), text);
    return this.path(name);
  }

  run(args: string[], input?: string | Uint8Array): string {
    return openssl(args, { cwd: this.dir, input });
  }

  /** Runs openssl for binary output (DER). */
  runBytes(args: string[], input?: string | Uint8Array): Uint8Array {
    try {
      return new Uint8Array(
        execFileSync("openssl", args, { cwd: this.dir, input, stdio: ["pipe", "pipe", "pipe"] }),
      );
    } catch (error) {
      throw new Error(
        `openssl ${args.join(" ")} failed: ${(error as { stderr?: Uint8Array }).stderr}`,
      );
    }
  }

  /** Makes a private key file (PKCS#8 PEM). */
  key(name: string, type: TestKeyType = "ec"): string {
    const args: Record<TestKeyType, string[]> = {
      ec: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
      p384: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
      ed25519: ["-algorithm", "ED25519"],
      rsa: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
      rsa1024: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"],
    };
    this.run(["genpkey", ...args[type], "-out", `${name}.key`]);
    this.#keyTypes.set(`${name}.key`, type);
    return this.read(`${name}.key`);
  }

  /** Makes a certificate as the spec says; returns its PEM. */
  cert(spec: CertSpec): string {
    const keyFile = spec.keyOf !== undefined ? `${spec.keyOf}.key` : `${spec.name}.key`;
    if (spec.keyOf === undefined) this.key(spec.name, spec.key ?? "ec");
    const config = [
      "[req]",
      "distinguished_name = dn",
      "prompt = no",
      "[dn]",
      "[ext]",
      ...(spec.ext ?? []),
      "",
    ].join("\n");
    this.write(`${spec.name}.cnf`, config);
    const md = ["-" + (spec.md ?? "sha256")];
    const sigopt = (spec.sigopt ?? []).flatMap((option) => ["-sigopt", option]);
    const extArgs = (spec.ext ?? []).length > 0
      ? ["-extfile", `${spec.name}.cnf`, "-extensions", "ext"]
      : [];
    if (spec.startDate !== undefined || spec.endDate !== undefined) {
      this.caSign(spec, keyFile, extArgs);
      return this.read(`${spec.name}.pem`);
    }
    if (spec.issuer === undefined) {
      this.run([
        "req",
        "-x509",
        "-new",
        "-key",
        keyFile,
        "-subj",
        spec.subject,
        "-days",
        String(spec.days ?? 30),
        ...this.#mdFor(keyFile, md),
        ...sigopt,
        "-config",
        `${spec.name}.cnf`,
        "-extensions",
        "ext",
        "-set_serial",
        String(this.#serial++),
        "-out",
        `${spec.name}.pem`,
      ]);
    } else {
      this.run([
        "req",
        "-new",
        "-key",
        keyFile,
        "-subj",
        spec.subject,
        "-config",
        `${spec.name}.cnf`,
        "-out",
        `${spec.name}.csr`,
      ]);
      this.run([
        "x509",
        "-req",
        "-in",
        `${spec.name}.csr`,
        "-CA",
        `${spec.issuer}.pem`,
        "-CAkey",
        `${spec.issuer}.key`,
        "-set_serial",
        String(this.#serial++),
        "-days",
        String(spec.days ?? 30),
        ...this.#mdFor(`${spec.issuer}.key`, md),
        ...sigopt,
        ...extArgs,
        "-out",
        `${spec.name}.pem`,
      ]);
    }
    return this.read(`${spec.name}.pem`);
  }

  /** Ed25519 keys take no digest option. */
  #mdFor(keyFile: string, md: string[]): string[] {
    return this.#keyTypes.get(keyFile) === "ed25519" ? [] : md;
  }

  /** Issues through `openssl ca`, the only command of OpenSSL 3.0 that sets arbitrary dates. */
  caSign(spec: CertSpec, keyFile: string, extArgs: string[]): void {
    const db = `${spec.name}.index`;
    this.write(db, "");
    this.write(`${spec.name}.serial`, `${(this.#serial++).toString(16).padStart(4, "0")}\n`);
    const config = [
      "[ca]",
      "default_ca = ca_here",
      "[ca_here]",
      `database = ${db}`,
      "new_certs_dir = .",
      `serial = ${spec.name}.serial`,
      `default_md = ${
        this.#keyTypes.get(spec.issuer === undefined ? keyFile : `${spec.issuer}.key`) === "ed25519"
          ? "default"
          : spec.md ?? "sha256"
      }`,
      "policy = policy_any",
      "unique_subject = no",
      "email_in_dn = yes",
      "[policy_any]",
      "commonName = optional",
      "[req]",
      "distinguished_name = dn",
      "prompt = no",
      "[dn]",
      "[ext]",
      ...(spec.ext ?? []),
      "",
    ].join("\n");
    this.write(`${spec.name}.ca.cnf`, config);
    this.run([
      "req",
      "-new",
      "-key",
      keyFile,
      "-subj",
      spec.subject,
      "-config",
      `${spec.name}.ca.cnf`,
      "-out",
      `${spec.name}.csr`,
    ]);
    const issuerArgs = spec.issuer === undefined
      ? ["-selfsign", "-keyfile", keyFile]
      : ["-cert", `${spec.issuer}.pem`, "-keyfile", `${spec.issuer}.key`];
    this.run([
      "ca",
      "-batch",
      "-notext",
      "-preserveDN",
      "-config",
      `${spec.name}.ca.cnf`,
      ...issuerArgs,
      "-startdate",
      spec.startDate ?? "20200101000000Z",
      "-enddate",
      spec.endDate ?? "20300101000000Z",
      ...(extArgs.length > 0 ? ["-extfile", `${spec.name}.cnf`, "-extensions", "ext"] : []),
      "-in",
      `${spec.name}.csr`,
      "-out",
      `${spec.name}.pem`,
    ]);
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs `fn` with a fresh scratch directory, removed afterwards. */
export async function withOpenssl<T>(fn: (dir: OpensslDir) => T | Promise<T>): Promise<T> {
  const dir = new OpensslDir();
  try {
    return await fn(dir);
  } finally {
    dir.close();
  }
}
