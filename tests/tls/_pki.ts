// Certificates for the TLS tests, made with wirestack's own crypto/ (a dev CA
// and friends), once per process: a root and a leaf for localhost, 127.0.0.1
// and ::1 (with its chain), a client certificate, an expired leaf, a
// self-signed leaf, a root nobody trusts and leaves for SNI tests.

import {
  createCertificate,
  createDevCa,
  exportPrivateKey,
  generateKeyPair,
  importPrivateKey,
  issueDevCertificate,
} from "../../crypto/mod.ts";

/** A certificate (PEM), its chain as a server sends it, and its key (PKCS#8 PEM). */
export interface Issued {
  cert: string;
  chain: string;
  key: string;
}

/** Everything the TLS tests need. */
export interface Pki {
  /** The trusted development root (PEM). */
  root: string;
  /** A root no test trusts, and a leaf it issued for localhost. */
  otherRoot: string;
  untrusted: Issued;
  /** localhost, 127.0.0.1, ::1; serverAuth and clientAuth. */
  server: Issued;
  /** A second certificate for the same names (reload tests). */
  server2: Issued;
  /** A client certificate (CN=client). */
  client: Issued;
  /** localhost, expired a day ago. */
  expired: Issued;
  /** localhost, self-signed (not a CA). */
  selfSigned: Issued;
  /** a.test (exact SNI) and *.wild.test (wildcard SNI). */
  exact: Issued;
  wildcard: Issued;
}

let made: Promise<Pki> | undefined;

async function issue(
  issuer: { certificate: string; privateKey: CryptoKey } | null,
  subject: string,
  names: string[],
  dates: { notBefore?: Date; notAfter?: Date } = {},
  purposes: string[] = ["serverAuth", "clientAuth"],
): Promise<Issued> {
  const keys = await generateKeyPair();
  const cert = await createCertificate({
    subject,
    publicKey: keys.publicKey,
    signingKey: issuer?.privateKey ?? keys.privateKey,
    ...(issuer === null ? {} : { issuer: issuer.certificate }),
    names,
    extendedKeyUsage: purposes,
    ...dates,
  });
  const key = await exportPrivateKey(keys.privateKey);
  return { cert, chain: issuer === null ? cert : cert + issuer.certificate, key };
}

async function make(): Promise<Pki> {
  const ca = await createDevCa({ name: "wirestack test root", constrained: false });
  const caKey = await importPrivateKey(ca.privateKey);
  const issuer = { certificate: ca.certificate, privateKey: caKey };
  const otherKeys = await generateKeyPair();
  const otherRoot = await createCertificate({
    subject: "CN=nobody trusts this root",
    publicKey: otherKeys.publicKey,
    signingKey: otherKeys.privateKey,
    ca: true,
  });
  const names = ["localhost", "127.0.0.1", "::1"];
  const server = await issueDevCertificate(ca, names);
  const server2 = await issueDevCertificate(ca, names);
  const day = 86_400_000;
  return {
    root: ca.certificate,
    otherRoot,
    untrusted: await issue(
      { certificate: otherRoot, privateKey: otherKeys.privateKey },
      "CN=localhost",
      names,
    ),
    server: { cert: server.certificate, chain: server.chain, key: server.privateKey },
    server2: { cert: server2.certificate, chain: server2.chain, key: server2.privateKey },
    client: await issue(issuer, "CN=client", [], {}, ["clientAuth"]),
    expired: await issue(issuer, "CN=localhost", names, {
      notBefore: new Date(Date.now() - 30 * day),
      notAfter: new Date(Date.now() - day),
    }),
    selfSigned: await issue(null, "CN=localhost", names),
    exact: await issue(issuer, "CN=a.test", ["a.test"]),
    wildcard: await issue(issuer, "CN=*.wild.test", ["*.wild.test"]),
  };
}

/** The test PKI (made on first use, then shared by every test of the process). */
export function pki(): Promise<Pki> {
  return made ??= make();
}
