// A short slice of each WebSocket fuzz target (tests/protocols/websocket/_fuzz.ts);
// `npm run fuzz` runs a million inputs of each.

import { fuzzTests } from "../../_fuzz.ts";
import { WEBSOCKET_TARGETS } from "./_fuzz.ts";

fuzzTests(WEBSOCKET_TARGETS);
