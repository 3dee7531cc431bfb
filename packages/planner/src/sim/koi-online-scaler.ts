import type { TCapacity, TReplicaGroup } from "../types.ts";
import type { TFleetAction, TFleetView, TOnlineServiceSpec } from "./fleet-types.ts";
import { onlineReplicaRps } from "./replica-throughput.ts";

/** The optimiser's cheapest replica mix serving `requestsPerSecond` from `capacity`. */
export type TPlanMix = (
  spec: TOnlineServiceSpec,
  requestsPerSecond: number,
  capacity: TCapacity,
) => readonly TReplicaGroup[];

/**
 * Tuna-style online scaling: spot replicas follow the load (trend-extrapolated over the VM
 * startup, plus headroom); the router sends what they cannot carry to serverless, so spot never
 * has to cover bursts or its own boot time. A shortfall is filled with the optimiser's cheapest
 * mix for the missing rate on the spot capacity free right now (on demand only when spot is
 * full). Surplus replicas, dearest per request first, go only after the smaller fleet has
 * sufficed for `downscaleAfterMinutes`, like SkyServe's downscale delay.
 */
export function createOnlineScaler(
  planMix: TPlanMix,
  options: { headroom?: number; downscaleAfterMinutes?: number } = {},
) {
  const headroom = options.headroom ?? 1.05;
  const downAfter = options.downscaleAfterMinutes ?? 10;
  const history = new Map<string, number[]>();
  const surplusSince = new Map<string, number>();

  return (view: TFleetView): TFleetAction[] => {
    const actions: TFleetAction[] = [];
    for (const { spec, loadRps } of view.services) {
      const past = history.get(spec.id) ?? [];
      past.push(loadRps);
      if (past.length > 4) past.shift();
      history.set(spec.id, past);
      const trend = past.length > 1 ? (loadRps - past[0]!) / (past.length - 1) : 0;
      const target = Math.max(loadRps, loadRps + trend * (view.trace.startupSeconds / 300)) * headroom;
      const rate = (gpuType: string, tp: number): number =>
        onlineReplicaRps(spec.model, gpuType, tp, spec.inputTokens, spec.outputTokens, spec.ttftP95Ms, spec.tpotP95Ms);
      const mine = view.replicas.filter((r) => r.workloadId === spec.id);
      let have = mine.reduce((s, r) => s + rate(r.gpuType, r.tp), 0);

      if (have < target) {
        surplusSince.delete(spec.id);
        for (const market of ["spot", "on-demand"] as const) {
          if (have >= target) break;
          const capacity: TCapacity = {
            pools: view.pools
              .filter((p) => p.market === market)
              .map((p) => ({
                id: p.id,
                gpuType: p.gpuType,
                market: p.market,
                available: Math.max(0, p.capacity - p.used),
                pricePerGpuHour: p.pricePerGpuHour,
              })),
          };
          for (const g of planMix(spec, target - have, capacity)) {
            actions.push({ kind: "add", workloadId: spec.id, poolId: g.poolId, tp: g.tp, count: g.count });
            const pool = view.pools.find((p) => p.id === g.poolId);
            if (pool) pool.used += g.tp * g.count;
            have += g.count * rate(g.gpuType, g.tp);
          }
        }
        continue;
      }
      const price = (poolId: string): number => view.pools.find((p) => p.id === poolId)?.pricePerGpuHour ?? 0;
      const removable = [...mine].sort(
        (a, b) => (price(b.poolId) * b.tp) / rate(b.gpuType, b.tp) - (price(a.poolId) * a.tp) / rate(a.gpuType, a.tp),
      );
      const drop = removable.filter((r) => {
        const after = have - rate(r.gpuType, r.tp);
        if (after < target) return false;
        have = after;
        return true;
      });
      if (drop.length === 0) {
        surplusSince.delete(spec.id);
        continue;
      }
      const since = surplusSince.get(spec.id) ?? view.now;
      surplusSince.set(spec.id, since);
      if (view.now - since < downAfter * 60) continue;
      for (const r of drop) actions.push({ kind: "remove", replicaId: r.id });
      surplusSince.delete(spec.id);
    }
    return actions;
  };
}
