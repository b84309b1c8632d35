/**
 * Keys and X.509 certificates on WebCrypto and `@peculiar/x509`: generate and
 * convert keys, parse certificates into plain data, create and sign
 * certificates and requests, verify chains and host names, and run a
 * development CA. I/O-free: PEM text and DER bytes in and out.
 *
 * This module is browser compatible.
 *
 * @example Key, request, CA signs, verify
 * ```ts
 * import {
 *   createCertificate,
 *   createCsr,
 *   generateKeyPair,
 *   signCsr,
 *   verifyCertificateChain,
 * } from "./mod.ts";
 *
 * const caKeys = await generateKeyPair();
 * const ca = await createCertificate({
 *   subject: "CN=Example CA",
 *   publicKey: caKeys.publicKey,
 *   signingKey: caKeys.privateKey,
 *   ca: true,
 * });
 * const keys = await generateKeyPair();
 * const csr = await createCsr({ keys, subject: "CN=localhost", names: ["localhost", "127.0.0.1"] });
 * const certificate = await signCsr(csr, { issuer: { certificate: ca, privateKey: caKeys.privateKey } });
 * const path = await verifyCertificateChain(certificate, { roots: [ca], host: "127.0.0.1" });
 * console.log(path.length); // 2
 * ```
 *
 * @module
 */

export * from "./errors.ts";
export * from "./pem.ts";
export * from "./keys.ts";
export * from "./certificate_types.ts";
export * from "./certificate.ts";
export * from "./create_certificate.ts";
export * from "./csr.ts";
export * from "./host_name.ts";
export * from "./verify_chain.ts";
export * from "./spki_pin.ts";
export * from "./dev_ca.ts";
