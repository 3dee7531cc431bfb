import { describe, expect, it } from "vitest";
import { downsampleSamples, type TSamplePoint } from "./downsample-samples.ts";

const point = (i: number, over: Partial<TSamplePoint> = {}): TSamplePoint => ({
  at: new Date(i * 1000),
  requestsPerSecond: i,
  tokensPerSecond: 10 * i,
  ttftP95Ms: 100,
  tpotP95Ms: 20,
  spotReplicas: i,
  spotGpuType: null,
  pctSpot: 100,
  serverlessConcurrency: 8,
  costPerHour: 1,
  ...over,
});

describe("downsampleSamples", () => {
  it("keeps short series as they are", () => {
    const s = [point(1), point(2)];
    expect(downsampleSamples(s, 5)).toEqual(s);
  });
  it("averages rates, keeps the worst latency and the last replica count of each bucket", () => {
    const s = [point(1), point(2, { ttftP95Ms: 900, tpotP95Ms: null }), point(3), point(4)];
    const d = downsampleSamples(s, 2);
    expect(d).toHaveLength(2);
    expect(d[0]).toMatchObject({
      at: new Date(2000),
      requestsPerSecond: 1.5,
      ttftP95Ms: 900,
      tpotP95Ms: 20,
      spotReplicas: 2,
      spotGpuType: null,
    });
    expect(d[1]).toMatchObject({ requestsPerSecond: 3.5, spotReplicas: 4 });
  });
});
