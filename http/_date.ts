// The `Date` field of responses (RFC 9110 6.6.1), an IMF-fixdate computed at
// most once per second: `toUTCString()` costs about 0.4 us, a clock read about
// 0.02 us.

let cachedSecond = -1;
let cachedValue = "";

/** The current time as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), cached per second. */
export function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedValue = new Date(second * 1000).toUTCString();
  }
  return cachedValue;
}

let cachedField: [string, string] = ["Date", ""];

/** The `Date` field as a `[name, value]` pair, the same array all second long. */
export function dateField(): [string, string] {
  const value = httpDate();
  if (cachedField[1] !== value) cachedField = ["Date", value];
  return cachedField;
}
