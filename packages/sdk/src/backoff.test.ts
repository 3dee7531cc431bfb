import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fullJitterDelayMs, heartbeatDelayMs, parseRetryAfterMs, retryDelayMs } from "./backoff.ts";

describe("backoff", () => {
  it("full jitter stays in [0, min(cap, base·2^attempt)]", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.double({ min: 0, max: 0.9999999, noNaN: true }),
        (attempt, r) => {
          const delay = fullJitterDelayMs(attempt, { baseMs: 500, capMs: 60_000 }, () => r);
          return delay >= 0 && delay <= Math.min(60_000, 500 * 2 ** attempt);
        },
      ),
    );
  });

  it("heartbeat delay is the server interval ± 10 %", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3600 }),
        fc.double({ min: 0, max: 0.9999999, noNaN: true }),
        (interval, r) => {
          const delay = heartbeatDelayMs(interval, () => r);
          return delay >= Math.max(1000, interval * 900) - 1 && delay <= Math.max(1000, interval * 1100) + 1;
        },
      ),
    );
    expect(heartbeatDelayMs(10, () => 0)).toBe(9000);
    expect(heartbeatDelayMs(10, () => 0.9999999)).toBe(11_000);
  });

  it("Retry-After as seconds or HTTP date wins over jitter, plus at most 10 %", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfterMs("2", now)).toBe(2000);
    expect(parseRetryAfterMs("Thu, 01 Jan 2026 00:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfterMs("soon", now)).toBeUndefined();
    expect(parseRetryAfterMs(null, now)).toBeUndefined();
    expect(retryDelayMs(9, 2000, { baseMs: 500, capMs: 60_000 }, () => 0)).toBe(2000);
    expect(retryDelayMs(0, 2000, { baseMs: 500, capMs: 60_000 }, () => 0.99)).toBeLessThanOrEqual(2200);
  });
});
