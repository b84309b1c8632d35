// parseCertificate against \`openssl x509 -text\`, node:crypto and @peculiar/x509
// on random certificates (tests/crypto/_random_certificates.ts: random names,
// SANs, extensions, key types, validity, serials), made by wirestack and by
// OpenSSL. A short slice here; \`npm run fuzz -- --target x509/openssl\` runs more.

import { fuzzTests } from "../_fuzz.ts";
import { OPENSSL_DIFFERENTIAL_TARGETS } from "./_fuzz.ts";

fuzzTests(OPENSSL_DIFFERENTIAL_TARGETS);
