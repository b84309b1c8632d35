// `wirestack cert`: keys and certificates from the command line: new, csr,
// sign, show, verify, and the development CA (ca). The chapter's openssl
// commands, done by the stack itself.

import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import process from "node:process";
import { rootCertificates } from "node:tls";
import {
  type Certificate,
  CertificateError,
  type CertificateRequest,
  createCertificate,
  createCsr,
  DEV_CA_FILES,
  devCaTrustInstructions,
  exportPrivateKey,
  generateKeyPair,
  importKeyPair,
  importPrivateKey,
  issueDevCertificate,
  type KeyAlgorithm,
  LIFETIME_PRESETS,
  type LifetimePreset,
  loadOrCreateDevCa,
  parseCertificate,
  parseCertificateBundle,
  parseCsr,
  pemBlocks,
  type Purpose,
  signCsr,
  verifyCertificateChain,
} from "../../crypto/mod.ts";
import {
  type Command,
  type CommandInput,
  flag,
  stringList,
  stringOption,
  UsageError,
} from "../_command.ts";
import { dataDirectory, devCaDirectory, fileDevCaStore } from "../../tls/dev_ca_store.ts";
import { certificateText, requestText, toJson } from "./_cert_text.ts";

const HELP = `usage: wirestack cert <subcommand> [options]

subcommands:
  new NAME...      a key and a certificate for NAMEs (DNS names, IPs): from the
                   development CA (default), --self-signed, or --ca CERT --ca-key KEY
  csr NAME...      a key (or --key FILE) and a certificate signing request
  sign CSR         sign a request with --ca CERT --ca-key KEY, or the development CA
  show FILE        print certificates or a request, like openssl x509 -text -noout
  verify CHAIN     verify a chain (leaf first) against --ca ROOT (default: Node's
                   bundled roots; --dev adds the development CA) for --host H
  ca               create the development CA if needed; print where it is and how to trust it

options:
  --out PATH             output file (new, csr: a prefix; sign: the certificate file;
                         default: NAME+N in the current folder, sign: standard output)
  --key-type TYPE        p256 (default), p384, ed25519 or rsa
  --rsa-bits N           RSA size, 2048 (default) to 4096
  --key FILE             csr: use this private key instead of making one
  --subject DN           subject, RFC 4514 (CN=a,O=b) or /O=b/CN=a (default CN=first name)
  --days N               lifetime in days
  --lifetime PRESET      browser (398 days, default), webrtc (30) or webtransport (14)
  --self-signed          new: a self-signed certificate instead of a CA-signed one
  --ca FILE              new, sign: the issuing CA certificate; verify: a trusted root (repeatable)
  --ca-key FILE          new, sign: the issuing CA's private key
  --make-ca              new: make a CA certificate (with --path-length N)
  --path-length N        the CA's path length limit
  --client               new, sign: for client authentication too (clientAuth)
  --passphrase-env VAR   read key passphrases from environment variable VAR (and encrypt written keys)
  --host H               verify: the host name or IP address to check
  --purpose P            verify: server, client or any (default: server with --host, else any)
  --at DATE              verify: check validity at DATE (ISO 8601) instead of now
  --dev                  verify: trust the development CA too
  --json                 show: print JSON instead of text
  --data-dir DIR         where the development CA lives (default: WIRESTACK_DATA_DIR or the
                         user's data directory, e.g. ~/.local/share/wirestack)

examples:
  wirestack cert new localhost 127.0.0.1 ::1
  wirestack cert new example.test --self-signed --lifetime webtransport
  wirestack cert csr api.example.com --out api
  wirestack cert sign api.csr --ca ca.pem --ca-key ca-key.pem --days 90 --out api.pem
  wirestack cert show api.pem
  wirestack cert verify chain.pem --ca root.pem --host api.example.com
  wirestack cert ca`;

const KEY_TYPES: Record<string, KeyAlgorithm> = {
  p256: "P-256",
  p384: "P-384",
  ed25519: "Ed25519",
  rsa: "RSA",
};

function keyType(input: CommandInput): { algorithm: KeyAlgorithm; rsaBits?: number } {
  const name = (stringOption(input, "key-type") ?? "p256").toLowerCase();
  const algorithm = KEY_TYPES[name];
  if (algorithm === undefined) {
    throw new UsageError(`--key-type must be p256, p384, ed25519 or rsa, not "${name}"`);
  }
  const bits = stringOption(input, "rsa-bits");
  return { algorithm, rsaBits: bits === undefined ? undefined : integerOption("rsa-bits", bits) };
}

function integerOption(name: string, raw: string): number {
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${name} needs a whole number, not "${raw}"`);
  return Number(raw);
}

/** Days from --days or --lifetime (default: the browser preset). */
function lifetimeDays(input: CommandInput): number {
  const days = stringOption(input, "days");
  const preset = stringOption(input, "lifetime");
  if (days !== undefined && preset !== undefined) {
    throw new UsageError("give --days or --lifetime, not both");
  }
  if (days !== undefined) return integerOption("days", days);
  if (preset === undefined) return LIFETIME_PRESETS.browser;
  if (!(preset in LIFETIME_PRESETS)) {
    throw new UsageError(`--lifetime must be browser, webrtc or webtransport, not "${preset}"`);
  }
  return LIFETIME_PRESETS[preset as LifetimePreset];
}

function passphrase(input: CommandInput): string | undefined {
  const variable = stringOption(input, "passphrase-env");
  if (variable === undefined) return undefined;
  const value = process.env[variable];
  if (value === undefined) {
    throw new UsageError(`--passphrase-env: the environment variable ${variable} is not set`);
  }
  return value;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
}

/** Reads a file as text when it is PEM, as bytes (DER) otherwise. */
async function readPemOrDer(path: string): Promise<string | Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
  const head = new TextDecoder().decode(bytes.subarray(0, 4096));
  return head.includes("-----BEGIN ") ? new TextDecoder().decode(bytes) : bytes;
}

async function writeOut(path: string, text: string, secret: boolean): Promise<string> {
  const full = resolve(path);
  try {
    await writeFile(full, text, { mode: secret ? 0o600 : 0o644 });
  } catch (error) {
    throw new Error(`cannot write ${full}: ${(error as Error).message}`);
  }
  return full;
}

/** mkcert's naming: the first name, then +N for the others. */
function defaultPrefix(names: string[]): string {
  const first = names[0].replace(/^\*/, "_wildcard").replace(/[^A-Za-z0-9._-]/g, "_");
  return names.length > 1 ? `${first}+${names.length - 1}` : first;
}

async function devCa(
  input: CommandInput,
): Promise<{ certificate: string; privateKey: string; rootPath: string }> {
  const dir = devCaDirectory(dataDirectory(stringOption(input, "data-dir")));
  const { ca, created } = await loadOrCreateDevCa(fileDevCaStore(dir), { unit: userAtHost() });
  const rootPath = join(dir, DEV_CA_FILES.certificate);
  if (created) {
    console.log(`created the development CA in ${dir}`);
    console.log(devCaTrustInstructions(rootPath));
    console.log("");
  }
  return { ...ca, rootPath };
}

function userAtHost(): string {
  const user = process.env.USER ?? process.env.USERNAME ?? "user";
  const host = process.env.HOSTNAME ?? process.env.COMPUTERNAME ?? "localhost";
  return `${user}@${host}`;
}

function defaultSubject(names: string[]): string {
  return `CN=${names[0].replace(/([\\,+"<>;=])/g, "\\$1")}`;
}

async function issuerFrom(
  input: CommandInput,
): Promise<{ certificate: string; privateKey: CryptoKey } | undefined> {
  const caFiles = stringList(input, "ca");
  const caKey = stringOption(input, "ca-key");
  if (caFiles.length === 0 && caKey === undefined) return undefined;
  if (caFiles.length !== 1 || caKey === undefined) {
    throw new UsageError("--ca CERT and --ca-key KEY go together (one each)");
  }
  return {
    certificate: await readText(caFiles[0]),
    privateKey: await importPrivateKey(await readPemOrDer(caKey), {
      passphrase: passphrase(input),
    }),
  };
}

async function runNew(input: CommandInput, names: string[]): Promise<number> {
  const subject = stringOption(input, "subject");
  if (names.length === 0 && subject === undefined) {
    throw new UsageError(
      "cert new needs at least one name (wirestack cert new localhost) or --subject",
    );
  }
  const prefix = stringOption(input, "out") ??
    (names.length > 0 ? defaultPrefix(names) : "certificate");
  const { algorithm, rsaBits } = keyType(input);
  const days = lifetimeDays(input);
  const makeCa = flag(input, "make-ca");
  const pathLength = stringOption(input, "path-length");
  const usages = flag(input, "client") ? ["serverAuth", "clientAuth"] : ["serverAuth"];
  const keys = await generateKeyPair({ algorithm, rsaBits });
  const common = {
    subject: subject ?? defaultSubject(names),
    publicKey: keys.publicKey,
    names,
    lifetimeDays: days,
    ca: makeCa
      ? {
        pathLength: pathLength === undefined ? undefined : integerOption("path-length", pathLength),
      }
      : undefined,
    extendedKeyUsage: makeCa ? undefined : usages,
  };
  const issuer = await issuerFrom(input);
  if (flag(input, "self-signed") && issuer !== undefined) {
    throw new UsageError("--self-signed and --ca do not go together");
  }
  let certificate: string;
  let chain: string;
  let privateKey = keys.privateKey;
  let signedBy: string;
  if (flag(input, "self-signed")) {
    certificate = await createCertificate({ ...common, signingKey: keys.privateKey });
    chain = certificate;
    signedBy = "itself (self-signed)";
  } else if (issuer !== undefined) {
    certificate = await createCertificate({
      ...common,
      signingKey: issuer.privateKey,
      issuer: issuer.certificate,
    });
    chain = certificate + issuer.certificate;
    signedBy = stringList(input, "ca")[0];
  } else {
    if (makeCa) {
      throw new UsageError(
        "the development CA issues end-entity certificates only; add --self-signed",
      );
    }
    const ca = await devCa(input);
    const issued = await issueDevCertificate(ca, names, { lifetime: days, algorithm });
    chain = issued.chain;
    privateKey = await importPrivateKey(issued.privateKey);
    signedBy = `the development CA (${ca.rootPath})`;
  }
  const keyPath = await writeOut(
    `${prefix}-key.pem`,
    await encryptIfAsked(input, privateKey),
    true,
  );
  const certPath = await writeOut(`${prefix}.pem`, chain, false);
  console.log(
    `certificate for ${
      names.length > 0 ? names.join(", ") : common.subject
    }, signed by ${signedBy}, valid ${days} days`,
  );
  console.log(`  certificate (with chain): ${certPath}`);
  console.log(`  private key:              ${keyPath}`);
  return 0;
}

async function encryptIfAsked(input: CommandInput, key: CryptoKey): Promise<string> {
  const secret = passphrase(input);
  return await exportPrivateKey(key, secret === undefined ? {} : { passphrase: secret });
}

async function runCsr(input: CommandInput, names: string[]): Promise<number> {
  const subject = stringOption(input, "subject") ??
    (names.length > 0 ? defaultSubject(names) : undefined);
  if (subject === undefined) throw new UsageError("cert csr needs a name or --subject");
  const prefix = stringOption(input, "out") ??
    (names.length > 0 ? defaultPrefix(names) : "request");
  const keyFile = stringOption(input, "key");
  let keys: CryptoKeyPair;
  if (keyFile !== undefined) {
    keys = await importKeyPair(await readPemOrDer(keyFile), { passphrase: passphrase(input) });
  } else {
    const { algorithm, rsaBits } = keyType(input);
    keys = await generateKeyPair({ algorithm, rsaBits });
    const keyPath = await writeOut(
      `${prefix}-key.pem`,
      await encryptIfAsked(input, keys.privateKey),
      true,
    );
    console.log(`private key: ${keyPath}`);
  }
  const csr = await createCsr({ keys, subject, names: names.length > 0 ? names : undefined });
  console.log(`request:     ${await writeOut(`${prefix}.csr`, csr, false)}`);
  return 0;
}

async function runSign(input: CommandInput, files: string[]): Promise<number> {
  if (files.length !== 1) throw new UsageError("cert sign needs one request file");
  const csr = await readPemOrDer(files[0]);
  const days = lifetimeDays(input);
  const pathLength = stringOption(input, "path-length");
  const makeCa = flag(input, "make-ca");
  const extendedKeyUsage = makeCa
    ? undefined
    : flag(input, "client")
    ? ["serverAuth", "clientAuth"]
    : undefined;
  let issuer = await issuerFrom(input);
  let chainTail = "";
  if (issuer === undefined) {
    const ca = await devCa(input);
    issuer = { certificate: ca.certificate, privateKey: await importPrivateKey(ca.privateKey) };
    chainTail = ca.certificate;
  }
  const certificate = await signCsr(csr, {
    issuer,
    lifetimeDays: days,
    extendedKeyUsage,
    ca: makeCa
      ? {
        pathLength: pathLength === undefined ? undefined : integerOption("path-length", pathLength),
      }
      : undefined,
  });
  const out = stringOption(input, "out");
  if (out === undefined) process.stdout.write(certificate + chainTail);
  else console.log(`certificate: ${await writeOut(out, certificate + chainTail, false)}`);
  return 0;
}

async function runShow(input: CommandInput, files: string[]): Promise<number> {
  if (files.length !== 1) throw new UsageError("cert show needs one file");
  const content = await readPemOrDer(files[0]);
  const json = flag(input, "json");
  if (typeof content !== "string") {
    // DER: a certificate, or else a request.
    let parsed: unknown;
    try {
      parsed = parseCertificate(content);
    } catch (error) {
      if (!(error instanceof CertificateError)) throw error;
      parsed = parseCsr(content);
      console.log(json ? toJson(parsed) : requestText(parsed as CertificateRequest));
      return 0;
    }
    console.log(json ? toJson(parsed) : certificateText(parsed as Certificate));
    return 0;
  }
  if (pemBlocks(content).some((block) => block.label.endsWith("CERTIFICATE REQUEST"))) {
    const request = parseCsr(content);
    console.log(json ? toJson(request) : requestText(request));
    return 0;
  }
  const certificates = parseCertificateBundle(content);
  if (certificates.length === 0) {
    throw new CertificateError(
      "no-certificate",
      `${files[0]} holds no certificate or certificate request`,
    );
  }
  const shown = json
    ? toJson(certificates.length === 1 ? certificates[0] : certificates)
    : certificates.map(certificateText).join("\n\n");
  console.log(shown);
  return 0;
}

async function runVerify(input: CommandInput, files: string[]): Promise<number> {
  if (files.length !== 1) throw new UsageError("cert verify needs one chain file (leaf first)");
  const chain = await readPemOrDer(files[0]);
  const roots: string[] = [];
  for (const file of stringList(input, "ca")) roots.push(await readText(file));
  if (flag(input, "dev")) roots.push((await devCa(input)).certificate);
  if (roots.length === 0) roots.push(...rootCertificates);
  const purpose = stringOption(input, "purpose");
  if (purpose !== undefined && !["server", "client", "any"].includes(purpose)) {
    throw new UsageError(`--purpose must be server, client or any, not "${purpose}"`);
  }
  const at = stringOption(input, "at");
  const now = at === undefined ? undefined : new Date(at);
  if (now !== undefined && Number.isNaN(now.getTime())) {
    throw new UsageError(`--at needs an ISO 8601 date, not "${at}"`);
  }
  const host = stringOption(input, "host");
  const path = await verifyCertificateChain(typeof chain === "string" ? chain : [chain], {
    roots,
    host,
    purpose: purpose as Purpose | undefined,
    now,
  });
  console.log(`OK${host === undefined ? "" : ` for ${host}`}: ${path.length} certificate(s)`);
  path.forEach((certificate, depth) => {
    console.log(`  ${depth}: ${certificate.subject} (until ${certificate.notAfter.toISOString()})`);
  });
  return 0;
}

async function runCa(input: CommandInput): Promise<number> {
  const ca = await devCa(input);
  const root = parseCertificateBundle(ca.certificate)[0];
  console.log(`development CA: ${root.subject}`);
  console.log(`  valid until ${root.notAfter.toISOString()}, SHA-256 ${root.fingerprints.sha256}`);
  console.log(devCaTrustInstructions(ca.rootPath));
  return 0;
}

/** `wirestack cert`. */
export const cert: Command = {
  name: "cert",
  summary: "keys and certificates: new, csr, sign, show, verify, and a development CA",
  help: HELP,
  options: {
    out: { type: "string", short: "o" },
    "key-type": { type: "string" },
    "rsa-bits": { type: "string" },
    key: { type: "string" },
    subject: { type: "string" },
    days: { type: "string" },
    lifetime: { type: "string" },
    "self-signed": { type: "boolean" },
    ca: { type: "string", multiple: true },
    "ca-key": { type: "string" },
    "make-ca": { type: "boolean" },
    "path-length": { type: "string" },
    client: { type: "boolean" },
    "passphrase-env": { type: "string" },
    host: { type: "string" },
    purpose: { type: "string" },
    at: { type: "string" },
    dev: { type: "boolean" },
    json: { type: "boolean" },
    "data-dir": { type: "string" },
  },
  async run(input) {
    const [subcommand, ...rest] = input.positionals;
    switch (subcommand) {
      case "new":
        return await runNew(input, rest);
      case "csr":
        return await runCsr(input, rest);
      case "sign":
        return await runSign(input, rest);
      case "show":
        return await runShow(input, rest);
      case "verify":
        return await runVerify(input, rest);
      case "ca":
        return await runCa(input);
      case undefined:
        throw new UsageError("which one? new, csr, sign, show, verify or ca");
      default:
        throw new UsageError(
          `unknown subcommand "${subcommand}" (new, csr, sign, show, verify, ca)`,
        );
    }
  },
};
