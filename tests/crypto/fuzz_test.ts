// A short slice of each certificate and key fuzz target (tests/crypto/_fuzz.ts);
// `npm run fuzz` runs a million inputs of each.

import { fuzzTests } from "../_fuzz.ts";
import { CRYPTO_TARGETS } from "./_fuzz.ts";

fuzzTests(CRYPTO_TARGETS);
