import { TP_DEGREES } from "@koi/catalog";
import type { TSustainedRate } from "../online/latency-at-rate.ts";
import type { TFleetTrace, TOnlineServiceSpec, TPoolSpec } from "./fleet-types.ts";
import { measuredRate } from "./measured-rate.ts";
import { peakLoad } from "./replica-throughput.ts";

/** One service's spot placement: a pool, a TP and the replicas it needs at the week's busiest minute. */
export type TSpotPlacement = { pool: TPoolSpec; tp: number; rate: TSustainedRate; peakReplicas: number };

function spotVariants(spec: TOnlineServiceSpec, trace: TFleetTrace, fraction: number): TSpotPlacement[] {
  const peak = peakLoad(spec);
  return trace.pools
    .filter((p) => p.market === "spot")
    .flatMap((pool) =>
      TP_DEGREES.flatMap((tp) => {
        const rate = measuredRate(spec, trace, pool.gpuType, tp);
        return rate ? [{ pool, tp, rate, peakReplicas: Math.max(1, Math.ceil(peak / (rate.rps * fraction))) }] : [];
      }),
    );
}

/**
 * Where an operator puts every service at once when each runs on one GPU type: the combination
 * cheapest per request whose replicas at the busiest minute (target_qps = `fraction` of the
 * measured rate) fit every spot pool together. Services on one pool compete for its GPUs in the
 * simulator as on a real cloud, so a placement that overfills a pool cannot meet the SLO at peak.
 * Null when no combination fits.
 */
export function fitSpotVariants(trace: TFleetTrace, fraction: number): Map<string, TSpotPlacement> | null {
  const options = trace.services.map((s) => spotVariants(s, trace, fraction));
  const meanLoad = trace.services.map((s) => s.loadRps.reduce((a, b) => a + b, 0) / Math.max(1, s.loadRps.length));
  let best: { cost: number; pick: TSpotPlacement[] } | null = null;
  const pick: TSpotPlacement[] = [];
  const used = new Map<string, number>();
  const search = (i: number, cost: number): void => {
    if (best && cost >= best.cost) return;
    if (i === options.length) {
      best = { cost, pick: [...pick] };
      return;
    }
    for (const v of options[i] ?? []) {
      const gpus = v.peakReplicas * v.tp;
      const taken = used.get(v.pool.id) ?? 0;
      if (taken + gpus > v.pool.capacity) continue;
      used.set(v.pool.id, taken + gpus);
      pick.push(v);
      search(i + 1, cost + ((v.pool.pricePerGpuHour * v.tp) / (v.rate.rps * fraction)) * (meanLoad[i] ?? 0));
      pick.pop();
      used.set(v.pool.id, taken);
    }
  };
  search(0, 0);
  const found = best as { cost: number; pick: TSpotPlacement[] } | null;
  return found ? new Map(trace.services.map((s, i) => [s.id, found.pick[i] as TSpotPlacement])) : null;
}
