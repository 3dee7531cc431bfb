import { describe, expect, it } from "vitest";
import type { TFleetTrace } from "./fleet-types.ts";
import { fitSpotVariants } from "./fit-spot-variants.ts";
import { generateFleetTrace } from "./generate-fleet-trace.ts";
import { cheapestVariant } from "./online-policy-baselines.ts";

const DAY: TFleetTrace = generateFleetTrace({ seed: 5, days: 1 });
const gpusByPool = (placements: Iterable<{ pool: { id: string }; tp: number; peakReplicas: number }>) => {
  const used = new Map<string, number>();
  for (const p of placements) used.set(p.pool.id, (used.get(p.pool.id) ?? 0) + p.tp * p.peakReplicas);
  return used;
};

describe("fitSpotVariants", () => {
  it("places every service so that their peak replicas fit each spot pool together", () => {
    const placed = fitSpotVariants(DAY, 0.7)!;
    expect([...placed.keys()]).toEqual(DAY.services.map((s) => s.id));
    for (const [poolId, gpus] of gpusByPool(placed.values()))
      expect(gpus).toBeLessThanOrEqual(DAY.pools.find((p) => p.id === poolId)!.capacity);
  });

  it("moves a service off its cheapest type only when the cheapest types overfill a pool", () => {
    const cheapest = DAY.services.map((s) => cheapestVariant(s, DAY, "spot")!);
    const placed = [...fitSpotVariants(DAY, 0.7)!.values()];
    // On the trace's pools the cheapest types (all on A100 spot) do not fit at peak…
    expect(placed.map((p) => p.pool.id)).not.toEqual(cheapest.map((c) => c.pool.id));
    // …and with room for everything each service keeps its cheapest type.
    const roomy = { ...DAY, pools: DAY.pools.map((p) => ({ ...p, capacity: 10_000 })) };
    const free = [...fitSpotVariants(roomy, 0.7)!.values()];
    expect(free.map((p) => [p.pool.id, p.tp])).toEqual(cheapest.map((c) => [c.pool.id, c.tp]));
  });

  it("sizes each service for its busiest minute at target_qps = fraction × the measured rate", () => {
    const [service] = DAY.services;
    const p = fitSpotVariants(DAY, 0.5)!.get(service!.id)!;
    const peak = Math.max(...service!.loadRps);
    expect(p.peakReplicas).toBe(Math.max(1, Math.ceil(peak / (p.rate.rps * 0.5))));
  });

  it("answers null when no placement fits", () => {
    const tiny = { ...DAY, pools: DAY.pools.map((p) => ({ ...p, capacity: 1 })) };
    expect(fitSpotVariants(tiny, 0.7)).toBeNull();
  });
});
