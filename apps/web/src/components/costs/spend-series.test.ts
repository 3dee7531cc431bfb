import { describe, expect, it } from "vitest";
import { bucketLabel, describeSpend, spendChartData, type TSpendBucket } from "./spend-series";

const bucket = (iso: string, spot: number, serverless = 0): TSpendBucket => ({
  start: new Date(iso),
  totalUsd: spot + serverless,
  spot,
  serverless,
  "on-demand": 0,
  reserved: 0,
  "on-prem": 0,
  router: 0,
});

describe("spend chart series", () => {
  const buckets = [
    bucket("2026-05-08T11:00:00Z", 0),
    bucket("2026-05-08T11:01:00Z", 1.5, 0.25),
    bucket("2026-05-08T11:02:00Z", 2),
  ];
  const to = new Date("2026-05-08T11:02:40Z");

  it("repeats the last bucket at the end, so the bucket still filling has its width", () => {
    const data = spendChartData(buckets, to);
    expect(data.map((d) => d.t)).toEqual([...buckets.map((b) => b.start.getTime()), to.getTime()]);
    expect(data.at(-1)).toMatchObject({ spot: 2, serverless: 0 });
  });

  it("adds nothing when there are no buckets", () => {
    expect(spendChartData([], to)).toEqual([]);
  });

  it("labels buckets in UTC, by their size", () => {
    expect(bucketLabel(Date.parse("2026-05-08T11:02:00Z"), "minute")).toBe("May 8, 11:02");
    expect(bucketLabel(Date.parse("2026-05-08T00:00:00Z"), "day")).toBe("May 8");
  });

  it("says the total, how many buckets had spend and the busiest one", () => {
    expect(describeSpend({ buckets, bucket: "minute", chartFrom: buckets[0]!.start, to })).toBe(
      "$3.75 spent from May 8, 11:00 to May 8, 11:02 (UTC), in 2 of 3 minutes; the most in one minute was $2.00, at May 8, 11:02.",
    );
    expect(describeSpend({ buckets: [bucket("2026-05-08T11:00:00Z", 0)], bucket: "hour", chartFrom: to, to })).toBe(
      "No spend from May 8, 11:02 to May 8, 11:02 (UTC).",
    );
  });
});
