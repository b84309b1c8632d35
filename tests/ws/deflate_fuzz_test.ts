// A short slice of each fuzz target of the DEFLATE provider (tests/ws/_fuzz.ts);
// `npm run fuzz` runs a million inputs of each.

import { fuzzTests } from "../_fuzz.ts";
import { DEFLATE_TARGETS } from "./_fuzz.ts";

fuzzTests(DEFLATE_TARGETS);
