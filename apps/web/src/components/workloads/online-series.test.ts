import { describe, expect, it } from "vitest";
import {
  buildRateSeries,
  buildReplicaSeries,
  describeService,
  spotReplicasLabel,
  tableRows,
  targetAxisDomain,
  type TOnlineView,
} from "./online-series";

const view = (over: Partial<TOnlineView> = {}): TOnlineView => ({
  targets: { ttftP95Ms: 2000, tpotP95Ms: 100 },
  expectedRps: 4,
  policy: null,
  policyRefused: null,
  health: null,
  plan: null,
  clockRate: 1,
  plannedAt: null,
  forecast: {
    basis: "recent-level",
    explanation: "",
    points: [{ start: new Date(3000), end: new Date(5000), p10: 1, p50: 2, p90: 3 }],
  },
  samples: [
    {
      at: new Date(1000),
      requestsPerSecond: 2.5,
      tokensPerSecond: 2500,
      ttftP95Ms: 400,
      tpotP95Ms: 40,
      spotReplicas: 2,
      spotGpuType: null,
      pctSpot: 90,
      serverlessConcurrency: 8,
      costPerHour: 0.8,
    },
  ],
  costPerHour: 0.8,
  costPerMillionTokens: 0.09,
  ...over,
});

describe("online service series", () => {
  it("observed rate, then the forecast hour by hour", () => {
    expect(buildRateSeries(view())).toEqual([
      { t: 1000, observed: 2.5 },
      { t: 3000, p50: 2, band: [1, 3] },
      { t: 4999, p50: 2, band: [1, 3] },
    ]);
  });
  it("says the service's state in one sentence", () => {
    expect(describeService(view())).toBe(
      "2.5 req/s now; forecast next hour 2 req/s (P10–P90 1–3); TTFT p95 400 ms (target 2,000), TPOT p95 40 ms (target 100); 2 spot replicas, 10% of requests on serverless.",
    );
    expect(describeService(view({ samples: [] }))).toMatch(/No reports yet/);
  });
  it("table rows keep the newest", () => {
    const rows = Array.from({ length: 100 }, (_, i) => i);
    const picked = tableRows(rows, 10);
    expect(picked).toHaveLength(10);
    expect(picked.at(-1)).toBe(99);
  });

  it("spot replicas: one line per spot service, in the order they served, so a move shows as one line handing over to another", () => {
    const sample = view().samples[0]!;
    const at = (t: number, spotGpuType: string, spotReplicas: number) => ({
      ...sample,
      at: new Date(t),
      spotGpuType,
      spotReplicas,
    });
    const { data, lines } = buildReplicaSeries({
      samples: [at(1, "L4", 8), at(2, "L40S", 3), at(3, "L40S", 4), at(4, "L4", 3)],
    });
    expect(lines).toEqual([
      { key: "spot L4", name: "Spot replicas (L4)" },
      { key: "spot L40S", name: "Spot replicas (L40S)" },
    ]);
    expect(data.map((d) => [d["spot L4"], d["spot L40S"]])).toEqual([
      [8, undefined],
      [undefined, 3],
      [undefined, 4],
      [3, undefined],
    ]);
    expect(spotReplicasLabel(at(2, "L40S", 3))).toBe("3 × L40S");
    expect(buildReplicaSeries(view()).lines).toEqual([{ key: "spot", name: "Spot replicas" }]);
    expect(spotReplicasLabel(sample)).toBe("2");
  });
});

describe("targetAxisDomain", () => {
  it("reaches past a target far above the data, so its dashed line shows", () => {
    const [min, max] = targetAxisDomain(2000);
    expect(min).toBe(0);
    expect(max(260)).toBeGreaterThan(2000);
  });
  it("keeps data above the target on the chart", () => {
    expect(targetAxisDomain(150)[1](400)).toBe(400);
  });
  it("shows the target before any latency is reported", () => {
    expect(targetAxisDomain(150)[1](-Infinity)).toBeGreaterThan(150);
  });
});
