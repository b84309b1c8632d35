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
