import { describe, expect, it } from "vitest";
import { selectGpusWith } from "../select/select-gpus.ts";
import { boundFleetHindsight } from "./bound-fleet-hindsight.ts";
import { boundOnlineIntegral } from "./bound-online-integral.ts";
import { generateFleetTrace } from "./generate-fleet-trace.ts";
import { createKoiPolicy } from "./policy-koi.ts";
import { createOrcaRooflinePolicy } from "./policy-orca-roofline.ts";
import { createStaticFleetPolicy, sizeStaticFleet } from "./policy-static-fleet.ts";
import { simulateFleet } from "./simulate-fleet.ts";

describe("fleet policies on a one-day trace", async () => {
  const select = (w: Parameters<typeof selectGpusWith>[0], c: Parameters<typeof selectGpusWith>[1]) =>
    selectGpusWith(w, c, { safetyMargin: 0, alternatives: 0, risk: "p50" });
  const trace = generateFleetTrace({ seed: 5, days: 1 });
  const sizing = sizeStaticFleet(trace, "H100-SXM")!;
  const odTrace = {
    ...trace,
    pools: trace.pools.map((p) =>
      p.id === "H100-SXM/on-demand" ? { ...p, capacity: Math.max(p.capacity, sizing.totalGpus) } : p,
    ),
  };
  const [koi, od, orca, lp, lpBatch] = await Promise.all([
    simulateFleet(trace, createKoiPolicy({ select })),
    simulateFleet(odTrace, createStaticFleetPolicy("od", odTrace, "H100-SXM")),
    simulateFleet(trace, createOrcaRooflinePolicy()),
    boundFleetHindsight(trace),
    boundFleetHindsight({ ...trace, services: [] }),
  ]);
  const tight = lpBatch.cost.total + boundOnlineIntegral(trace).cost;

  it("Koi meets the SLOs and costs less than the static and Orca baselines", () => {
    expect(koi.batch.attainment).toBe(1);
    expect(koi.online.attainment).toBeGreaterThan(0.99);
    expect(koi.cost.total).toBeLessThan(orca.cost.total);
    expect(koi.cost.total).toBeLessThan(0.4 * od.cost.total);
  });

  it("no policy beats either lower bound, and the whole-replica bound is the tighter one", () => {
    expect(lp.status).toBe("Optimal");
    expect(tight).toBeGreaterThanOrEqual(lp.cost.total - 1e-6);
    for (const r of [koi, od, orca]) expect(r.cost.total).toBeGreaterThanOrEqual(tight);
  });

  it("sizes no L4 fleet when a model cannot serve on L4 within its SLO", () => {
    expect(sizeStaticFleet(trace, "L4")).toBeNull();
    expect(sizing.totalGpus).toBe(sizing.onlineGpus + sizing.batchGpus);
  });
});
