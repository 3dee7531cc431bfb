import { describe, expect, it } from "vitest";
import { estimateBetweenChunks, secondsSinceCounts } from "./estimate-between-chunks.ts";

const base = { countedRequests: 1_000, chunkRequests: 500, avgOutputTokens: 200 };

describe("estimateBetweenChunks", () => {
  it("adds the requests the tokens generated since the last count stand for", () => {
    // 2,000 output tokens/s for 30 s at 200 tokens a request: 300 requests.
    expect(estimateBetweenChunks({ ...base, secondsSinceCount: 30, outputTokensPerSecond: 2_000 })).toBe(1_300);
  });

  it("never claims the chunk in flight is finished", () => {
    expect(estimateBetweenChunks({ ...base, secondsSinceCount: 600, outputTokensPerSecond: 2_000 })).toBe(1_475);
  });

  it("is the count itself without throughput, time or a chunk size", () => {
    expect(estimateBetweenChunks({ ...base, secondsSinceCount: 30, outputTokensPerSecond: 0 })).toBe(1_000);
    expect(estimateBetweenChunks({ ...base, secondsSinceCount: 0, outputTokensPerSecond: 2_000 })).toBe(1_000);
    expect(
      estimateBetweenChunks({ ...base, chunkRequests: 0, secondsSinceCount: 30, outputTokensPerSecond: 2_000 }),
    ).toBe(1_000);
    expect(
      estimateBetweenChunks({ ...base, avgOutputTokens: 0, secondsSinceCount: 30, outputTokensPerSecond: 2_000 }),
    ).toBe(1_000);
  });

  it("never takes requests away: a negative time, throughput or chunk size adds nothing", () => {
    // A clock set back between two reports, or figures from a broken report.
    expect(estimateBetweenChunks({ ...base, secondsSinceCount: -30, outputTokensPerSecond: 2_000 })).toBe(1_000);
    expect(estimateBetweenChunks({ ...base, secondsSinceCount: 30, outputTokensPerSecond: -2_000 })).toBe(1_000);
    expect(
      estimateBetweenChunks({ ...base, chunkRequests: -500, secondsSinceCount: 30, outputTokensPerSecond: 2_000 }),
    ).toBe(1_000);
  });
});

describe("secondsSinceCounts", () => {
  it("counts from the first report that showed each count", () => {
    const points = [
      { t: 100, count: 0 },
      { t: 130, count: 0 },
      { t: 160, count: 1 },
      { t: 190, count: 1 },
      { t: 220, count: 1 },
      { t: 250, count: 2 },
    ];
    expect(secondsSinceCounts(points)).toEqual([0, 30, 0, 30, 60, 0]);
    expect(secondsSinceCounts([])).toEqual([]);
  });
});
