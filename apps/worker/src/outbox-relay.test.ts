import { describe, expect, it } from "vitest";
import { rowRetryDelayMs } from "./outbox-relay.ts";

describe("rowRetryDelayMs", () => {
  it("doubles per failure from 250 ms and stops at a minute", () => {
    expect([1, 2, 3, 4].map(rowRetryDelayMs)).toEqual([250, 500, 1000, 2000]);
    expect(rowRetryDelayMs(30)).toBe(60_000);
  });
});
