// Seeds for the crypto fuzz targets, made once per process: certificates from
// wirestack and from OpenSSL (every key type, v1 and v3, the extensions
// `openssl x509 -text` shows), requests, private keys in every container
// (encrypted PKCS#8 with the fewest iterations allowed, so fuzzing stays fast), public keys,
// and chains that verify (leaf, intermediate, root, host and time).

import { readFileSync } from "node:fs";
import {
  createCertificate,
  createCsr,
  exportPrivateKey,
  exportPublicKey,
  generateKeyPair,
  pemBlocks,
} from "../../crypto/mod.ts";
import { OpensslDir } from "./_openssl.ts";

/** A chain that verifies with its options. */
export interface SeedChain {
  certificates: Uint8Array[];
  root: Uint8Array;
  host: string;
  now: Date;
}

/** Everything the crypto targets start from. */
export interface Corpus {
  certificates: Uint8Array[];
  requests: Uint8Array[];
  privateKeys: Array<{ der: Uint8Array; label: string; passphrase?: string }>;
  publicKeys: Array<{ der: Uint8Array; label: string }>;
  chains: SeedChain[];
}

const derOf = (pem: string) => pemBlocks(pem)[0].der;

async function make(): Promise<Corpus> {
  const now = new Date();
  const rootKeys = await generateKeyPair();
  const interKeys = await generateKeyPair({ algorithm: "P-384" });
  const leafKeys = await generateKeyPair({ algorithm: "Ed25519" });
  const rsaKeys = await generateKeyPair({ algorithm: "RSA" });
  const root = await createCertificate({
    subject: "C=US,O=Fuzz,CN=Fuzz Root",
    publicKey: rootKeys.publicKey,
    signingKey: rootKeys.privateKey,
    ca: { pathLength: 1 },
    nameConstraints: { permitted: ["localhost", "example.com", "127.0.0.0/8", "::1/128"] },
  });
  const inter = await createCertificate({
    subject: "O=Fuzz+OU=Issuing,CN=Fuzz Intermediate",
    publicKey: interKeys.publicKey,
    signingKey: rootKeys.privateKey,
    issuer: root,
    ca: { pathLength: 0 },
    extendedKeyUsage: ["serverAuth", "clientAuth"],
  });
  const leaf = await createCertificate({
    subject: "CN=localhost,emailAddress=a@example.com",
    publicKey: leafKeys.publicKey,
    signingKey: interKeys.privateKey,
    issuer: inter,
    names: [
      "localhost",
      "*.example.com",
      "127.0.0.1",
      "::1",
      "a@example.com",
      "https://example.com/x",
    ],
    extendedKeyUsage: ["serverAuth"],
  });
  const rsaLeaf = await createCertificate({
    subject: "CN=rsa.example.com",
    publicKey: rsaKeys.publicKey,
    signingKey: rootKeys.privateKey,
    issuer: root,
    names: ["rsa.example.com"],
    keyUsage: ["digitalSignature", "keyEncipherment"],
  });
  const selfSigned = await createCertificate({
    subject: "CN=self",
    publicKey: rsaKeys.publicKey,
    signingKey: rsaKeys.privateKey,
    notBefore: new Date("1949-06-01T00:00:00Z"),
    notAfter: new Date("2051-01-01T00:00:00Z"),
  });
  const csr = await createCsr({
    keys: leafKeys,
    subject: "CN=req.example.com,O=Fuzz",
    names: ["req.example.com", "10.0.0.1"],
    keyUsage: ["digitalSignature"],
    extendedKeyUsage: ["clientAuth"],
  });
  const rsaCsr = await createCsr({ keys: rsaKeys, subject: "/CN=rsa" });

  const certificates = [root, inter, leaf, rsaLeaf, selfSigned].map(derOf);
  const requests = [csr, rsaCsr].map(derOf);
  const privateKeys: Corpus["privateKeys"] = [];
  const publicKeys: Corpus["publicKeys"] = [];
  for (const keys of [rootKeys, interKeys, leafKeys, rsaKeys]) {
    const name = keys.privateKey.algorithm.name;
    privateKeys.push({
      der: await exportPrivateKey(keys.privateKey, { encoding: "der" }),
      label: "PRIVATE KEY",
    });
    privateKeys.push({
      der: await exportPrivateKey(keys.privateKey, {
        encoding: "der",
        passphrase: "fuzz",
        iterations: 1000,
      }),
      label: "ENCRYPTED PRIVATE KEY",
      passphrase: "fuzz",
    });
    if (name === "ECDSA") {
      privateKeys.push({
        der: await exportPrivateKey(keys.privateKey, { encoding: "der", format: "sec1" }),
        label: "EC PRIVATE KEY",
      });
    }
    if (name.startsWith("RSA")) {
      privateKeys.push({
        der: await exportPrivateKey(keys.privateKey, { encoding: "der", format: "pkcs1" }),
        label: "RSA PRIVATE KEY",
      });
      publicKeys.push({
        der: await exportPublicKey(keys.publicKey, { encoding: "der", format: "pkcs1" }),
        label: "RSA PUBLIC KEY",
      });
    }
    publicKeys.push({
      der: await exportPublicKey(keys.publicKey, { encoding: "der" }),
      label: "PUBLIC KEY",
    });
  }

  // OpenSSL's own: the extensions wirestack does not write, RSA-PSS, version 1.
  const dir = new OpensslDir();
  try {
    dir.cert({
      name: "ossl-ca",
      subject: "/C=DE/O=OpenSSL Fuzz/CN=OpenSSL CA",
      ext: ["basicConstraints=critical,CA:TRUE,pathlen:2", "keyUsage=critical,keyCertSign,cRLSign"],
    });
    dir.cert({
      name: "ossl-rich",
      subject: "/C=US/ST=CA/L=SF/O=Example/OU=Web/CN=www.example.com/emailAddress=w@example.com",
      issuer: "ossl-ca",
      ext: [
        "basicConstraints=CA:FALSE",
        "keyUsage=critical,digitalSignature,keyAgreement",
        "extendedKeyUsage=serverAuth,clientAuth,codeSigning,1.3.6.1.4.1.99999.1",
        "subjectAltName=DNS:www.example.com,IP:192.0.2.1,IP:2001:db8::1,email:a@example.com,URI:https://example.com/,otherName:1.3.6.1.4.1.311.20.2.3;UTF8:u@example.com,dirName:dir",
        "subjectKeyIdentifier=hash",
        "authorityKeyIdentifier=keyid,issuer",
        "crlDistributionPoints=URI:http://crl.example.com/ca.crl",
        "authorityInfoAccess=OCSP;URI:http://ocsp.example.com/,caIssuers;URI:http://ca.example.com/ca.der",
        "certificatePolicies=2.23.140.1.2.1",
        "nameConstraints=critical,permitted;DNS:.example.com,excluded;IP:10.0.0.0/255.0.0.0",
        "[dir]",
        "CN=Dir",
      ],
    });
    dir.cert({
      name: "ossl-pss",
      subject: "/CN=PSS",
      key: "rsa",
      sigopt: ["rsa_padding_mode:pss"],
    });
    dir.cert({ name: "ossl-p384", subject: "/CN=P-384", key: "p384" });
    dir.cert({ name: "ossl-v1", subject: "/CN=Version One", issuer: "ossl-ca" }); // no extensions: v1
    for (const name of ["ossl-ca", "ossl-rich", "ossl-pss", "ossl-p384", "ossl-v1"]) {
      certificates.push(derOf(dir.read(`${name}.pem`)));
    }
    dir.run([
      "req",
      "-new",
      "-key",
      "ossl-rich.key",
      "-subj",
      "/CN=ossl-req/O=X",
      "-addext",
      "subjectAltName=DNS:a.example,IP:::1",
      "-config",
      "ossl-rich.cnf",
      "-out",
      "req.pem",
    ]);
    requests.push(derOf(dir.read("req.pem")));
    privateKeys.push({ der: derOf(dir.read("ossl-pss.key")), label: "PRIVATE KEY" });
  } finally {
    dir.close();
  }
  for (const file of ["ec-leaf.pem", "inter.pem", "rsa-leaf.pem"]) {
    const pem = readFileSync(new URL(`../fixtures/x509/${file}`, import.meta.url), "utf8");
    for (const block of pemBlocks(pem)) {
      if (block.label === "CERTIFICATE") certificates.push(block.der);
    }
  }

  const chains: SeedChain[] = [
    { certificates: [leaf, inter].map(derOf), root: derOf(root), host: "localhost", now },
    { certificates: [rsaLeaf].map(derOf), root: derOf(root), host: "rsa.example.com", now },
  ];
  return { certificates, requests, privateKeys, publicKeys, chains };
}

let made: Promise<Corpus> | null = null;

/** The corpus, made on first use. */
export function corpus(): Promise<Corpus> {
  return made ??= make();
}
