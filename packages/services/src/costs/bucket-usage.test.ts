import { describe, expect, it } from "vitest";
import { bucketStart, bucketUsage, chooseBucketSize } from "./bucket-usage.ts";

const at = (iso: string) => new Date(iso);

describe("bucketUsage", () => {
  it("fills every hour in the range and stacks by component", () => {
    const rows = [
      { at: at("2026-05-01T10:15:00Z"), component: "spot", costUsd: 2 },
      { at: at("2026-05-01T10:45:00Z"), component: "serverless", costUsd: 1 },
      { at: at("2026-05-01T12:00:00Z"), component: "spot", costUsd: 3 },
    ];
    const b = bucketUsage(rows, { from: at("2026-05-01T10:00:00Z"), to: at("2026-05-01T13:00:00Z"), size: "hour" });
    expect(b.map((x) => x.start.toISOString())).toEqual([
      "2026-05-01T10:00:00.000Z",
      "2026-05-01T11:00:00.000Z",
      "2026-05-01T12:00:00.000Z",
    ]);
    expect(b[0]).toMatchObject({ spot: 2, serverless: 1, totalUsd: 3 });
    expect(b[1]!.totalUsd).toBe(0);
    expect(b[2]).toMatchObject({ spot: 3, totalUsd: 3 });
  });

  it("drops rows outside the range and counts unknown components in the total only", () => {
    const rows = [
      { at: at("2026-04-30T23:59:59Z"), component: "spot", costUsd: 5 },
      { at: at("2026-05-02T00:00:00Z"), component: "spot", costUsd: 5 },
      { at: at("2026-05-01T03:00:00Z"), component: "mystery", costUsd: 1 },
    ];
    const b = bucketUsage(rows, { from: at("2026-05-01T00:00:00Z"), to: at("2026-05-02T00:00:00Z"), size: "day" });
    expect(b).toHaveLength(1);
    expect(b[0]).toMatchObject({ totalUsd: 1, spot: 0 });
  });

  it("starts buckets on UTC boundaries", () => {
    expect(bucketStart(at("2026-05-01T10:59:59.999Z"), "hour").toISOString()).toBe("2026-05-01T10:00:00.000Z");
    expect(bucketStart(at("2026-05-01T23:59:59Z"), "day").toISOString()).toBe("2026-05-01T00:00:00.000Z");
  });

  it("uses hours up to two days and days beyond", () => {
    expect(chooseBucketSize(at("2026-05-01T00:00:00Z"), at("2026-05-03T00:00:00Z"))).toBe("hour");
    expect(chooseBucketSize(at("2026-05-01T00:00:00Z"), at("2026-05-03T00:00:01Z"))).toBe("day");
  });
});
