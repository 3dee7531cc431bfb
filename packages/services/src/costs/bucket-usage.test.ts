import { describe, expect, it } from "vitest";
import { bucketStart, bucketUsage, chooseBucketSize, chooseChartWindow } from "./bucket-usage.ts";

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

  it("uses minutes up to two hours, hours up to two days and days beyond", () => {
    expect(chooseBucketSize(at("2026-05-01T00:00:00Z"), at("2026-05-01T02:00:00Z"))).toBe("minute");
    expect(chooseBucketSize(at("2026-05-01T00:00:00Z"), at("2026-05-01T02:00:01Z"))).toBe("hour");
    expect(chooseBucketSize(at("2026-05-01T00:00:00Z"), at("2026-05-03T00:00:00Z"))).toBe("hour");
    expect(chooseBucketSize(at("2026-05-01T00:00:00Z"), at("2026-05-03T00:00:01Z"))).toBe("day");
  });

  it("starts minute buckets on UTC minutes", () => {
    expect(bucketStart(at("2026-05-01T10:15:42Z"), "minute").toISOString()).toBe("2026-05-01T10:15:00.000Z");
  });
});

describe("chooseChartWindow", () => {
  const week = { from: at("2026-05-01T12:00:00Z"), to: at("2026-05-08T12:00:00Z") };

  it("charts a fresh org's first 40 minutes of spend in minutes over the last hour, not as one bucket at the right edge of a week", () => {
    const rows = [{ at: at("2026-05-08T11:20:00Z") }, { at: at("2026-05-08T11:55:00Z") }];
    const w = chooseChartWindow(rows, week);
    expect(w).toEqual({ from: at("2026-05-08T11:00:00Z"), size: "minute" });
    const buckets = bucketUsage(
      rows.map((r) => ({ ...r, component: "spot", costUsd: 1 })),
      { from: w.from, to: week.to, size: w.size },
    );
    expect(buckets).toHaveLength(60);
    expect(buckets.filter((b) => b.totalUsd > 0).map((b) => b.start.toISOString())).toEqual([
      "2026-05-08T11:20:00.000Z",
      "2026-05-08T11:55:00.000Z",
    ]);
  });

  it("uses hours when the first spend is a day back, and the whole range when it is at the start", () => {
    expect(chooseChartWindow([{ at: at("2026-05-07T09:30:00Z") }], week)).toEqual({
      from: at("2026-05-07T09:00:00Z"),
      size: "hour",
    });
    expect(chooseChartWindow([{ at: at("2026-05-01T12:00:01Z") }], week)).toEqual({
      from: at("2026-05-01T00:00:00Z"),
      size: "day",
    });
  });

  it("with no spend, charts the whole range", () => {
    expect(chooseChartWindow([], week)).toEqual({ from: at("2026-05-01T00:00:00Z"), size: "day" });
  });
});
