// A short slice of each HTTP/1.1 fuzz target (tests/protocols/http1/_fuzz.ts);
// `npm run fuzz` runs a million inputs of each.

import { fuzzTests } from "../../_fuzz.ts";
import { HTTP1_TARGETS } from "./_fuzz.ts";

fuzzTests(HTTP1_TARGETS);
