import type { TCapacity, TReplicaGroup } from "../types.ts";
import type { TFleetAction, TFleetView, TOnlineServiceSpec, TReplica } from "./fleet-types.ts";
import { onlineReplicaRps } from "./replica-throughput.ts";

/** The optimiser's cheapest replica mix serving `requestsPerSecond` from `capacity`. */
export type TPlanMix = (
  spec: TOnlineServiceSpec,
  requestsPerSecond: number,
  capacity: TCapacity,
) => readonly TReplicaGroup[];

/** One market's pools as optimiser capacity: free GPUs plus those `held` (by pool id) counted as free. */
function capacityOf(view: TFleetView, market: "spot" | "on-demand", held = new Map<string, number>()): TCapacity {
  return {
    pools: view.pools
      .filter((p) => p.market === market)
      .map((p) => ({
        id: p.id,
        gpuType: p.gpuType,
        market: p.market,
        available: Math.max(0, p.capacity - p.used) + (held.get(p.id) ?? 0),
        pricePerGpuHour: p.pricePerGpuHour,
      })),
  };
}

function reserve(view: TFleetView, groups: readonly TReplicaGroup[]): void {
  for (const g of groups) {
    const pool = view.pools.find((p) => p.id === g.poolId);
    if (pool) pool.used += g.tp * g.count;
  }
}

/**
 * Tuna-style online scaling: spot replicas follow the load (trend-extrapolated over the VM
 * startup, plus headroom); the router sends what they cannot carry to serverless, so spot never
 * has to cover bursts or its own boot time. A scale-up moves towards the optimiser's cheapest mix
 * for the whole target (see `towardsCheapestMix`), else fills the shortfall with the cheapest mix
 * for the missing rate on the spot capacity free right now (on demand only when spot is full).
 * Surplus serving replicas, dearest per request first, go only after the smaller fleet has
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

  const fillShortfall = (view: TFleetView, spec: TOnlineServiceSpec, rps: number, rate: TRate): TReplicaGroup[] => {
    const groups: TReplicaGroup[] = [];
    let covered = 0;
    for (const market of ["spot", "on-demand"] as const) {
      if (covered >= rps) break;
      const mix = planMix(spec, rps - covered, capacityOf(view, market));
      reserve(view, mix);
      groups.push(...mix);
      covered += mix.reduce((s, g) => s + g.count * rate(g.gpuType, g.tp), 0);
    }
    return groups;
  };

  /**
   * Replicas added one shortfall at a time end up a poor mix (a 70B service on five TP4 replicas
   * where three TP8 ones serve more for less). So a scale-up adds what the cheapest spot mix for
   * the whole target has beyond the current replicas, when that fits the free GPUs and covers the
   * target; the surplus left over is then dropped dearest per request first, so the fleet
   * converges on that mix. Null when the mix would need GPUs the current replicas still hold.
   */
  const towardsCheapestMix = (
    view: TFleetView,
    spec: TOnlineServiceSpec,
    mine: readonly TReplica[],
    target: number,
    have: number,
    rate: TRate,
  ): TReplicaGroup[] | null => {
    const held = new Map<string, number>();
    for (const r of mine) held.set(r.poolId, (held.get(r.poolId) ?? 0) + r.tp);
    const missing: TReplicaGroup[] = [];
    let added = 0;
    for (const g of planMix(spec, target, capacityOf(view, "spot", held))) {
      const count = g.count - mine.filter((r) => r.poolId === g.poolId && r.tp === g.tp).length;
      if (count <= 0) continue;
      const pool = view.pools.find((p) => p.id === g.poolId)!;
      if (pool.capacity - pool.used < count * g.tp) return null;
      missing.push({ ...g, count });
      added += count * rate(g.gpuType, g.tp);
    }
    if (have + added < target) return null;
    reserve(view, missing);
    return missing;
  };

  return (view: TFleetView): TFleetAction[] => {
    const actions: TFleetAction[] = [];
    for (const { spec, loadRps } of view.services) {
      const past = history.get(spec.id) ?? [];
      past.push(loadRps);
      if (past.length > 4) past.shift();
      history.set(spec.id, past);
      const trend = past.length > 1 ? (loadRps - past[0]!) / (past.length - 1) : 0;
      const target = Math.max(loadRps, loadRps + trend * (view.trace.startupSeconds / 300)) * headroom;
      const rate: TRate = (gpuType, tp) =>
        onlineReplicaRps(spec.model, gpuType, tp, spec.inputTokens, spec.outputTokens, spec.ttftP95Ms, spec.tpotP95Ms);
      const mine = view.replicas.filter((r) => r.workloadId === spec.id);
      let have = mine.reduce((s, r) => s + rate(r.gpuType, r.tp), 0);

      if (have < target) {
        surplusSince.delete(spec.id);
        const groups =
          towardsCheapestMix(view, spec, mine, target, have, rate) ?? fillShortfall(view, spec, target - have, rate);
        for (const g of groups)
          actions.push({ kind: "add", workloadId: spec.id, poolId: g.poolId, tp: g.tp, count: g.count });
        continue;
      }
      const price = (r: TReplica): number =>
        ((view.pools.find((p) => p.id === r.poolId)?.pricePerGpuHour ?? 0) * r.tp) / rate(r.gpuType, r.tp);
      // Only serving replicas go, and only while the serving ones left carry the target: a
      // converging scale-up's new replicas boot for `startupSeconds` while the old ones serve.
      const serving = mine.filter((r) => r.readyAt <= view.now);
      let servingHave = serving.reduce((s, r) => s + rate(r.gpuType, r.tp), 0);
      const drop = [...serving]
        .sort((a, b) => price(b) - price(a))
        .filter((r) => {
          const rps = rate(r.gpuType, r.tp);
          if (have - rps < target || servingHave - rps < target) return false;
          have -= rps;
          servingHave -= rps;
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

type TRate = (gpuType: string, tp: number) => number;
