import { TP_DEGREES } from "@koi/catalog";
import type { TMarket } from "../types.ts";
import type { TFleetAction, TFleetPolicy, TFleetView, TJobView } from "./fleet-types.ts";
import { batchTokensPerSecond, bestOnlineShape, peakLoad } from "./replica-throughput.ts";

/**
 * Orca-eligible AWS on-demand instances (ENGINE_CONTRACTS E.1: p4d/p4de/p5, g6e.{12,24,48}xlarge,
 * g5.{12,24,48}xlarge; g6/L4 is not eligible). GPU counts are AWS's, not the solver CSV's.
 */
const INSTANCES = [
  { name: "p5.48xlarge", gpuType: "H100-SXM", gpus: 8 },
  { name: "p4de.24xlarge", gpuType: "A100-80GB", gpus: 8 },
  { name: "g6e.48xlarge", gpuType: "L40S", gpus: 8 },
  { name: "g6e.12xlarge", gpuType: "L40S", gpus: 4 },
];
/** Orca's quota pool caps each instance type at 4. */
const MAX_INSTANCES = 4;

type TConfig = {
  instance: (typeof INSTANCES)[number];
  market: TMarket;
  tp: number;
  poolId: string;
  tokensPerSecond: number;
  costPerHour: number;
};

/**
 * Orca's roofline placement as a baseline: at arrival, each job gets one homogeneous on-demand
 * configuration — the lowest cost per token among (instance, TP) that meets the SLO with at most
 * four instances, else the highest-throughput one — and keeps it to the end: no spot, no
 * rescaling, no preemption of others. Throughput comes from Koi's perf model (the same truth for
 * every policy) rather than Orca's own roofline constants. A job that does not fit the free
 * on-demand capacity waits. Online services, which Orca does not serve, run on on-demand replicas
 * sized for their peak all week. With `markets` it may also buy spot (the markets Koi uses):
 * the same rule over every allowed market's price, and a job whose spot replicas are all reclaimed
 * is placed again (the launch time is paid again).
 */
export function createOrcaRooflinePolicy(options: { markets?: readonly TMarket[] } = {}): TFleetPolicy {
  const markets = options.markets ?? ["on-demand"];
  const waiting = new Set<string>();

  const configs = (view: TFleetView, job: TJobView): TConfig[] => {
    const out: TConfig[] = [];
    for (const instance of INSTANCES)
      for (const pool of view.pools.filter((p) => p.gpuType === instance.gpuType && markets.includes(p.market)))
        for (const tp of TP_DEGREES) {
          if (instance.gpus % tp !== 0) continue;
          const perReplica = batchTokensPerSecond(
            job.spec.model,
            instance.gpuType,
            tp,
            job.spec.inputTokens,
            job.spec.outputTokens,
          );
          if (perReplica <= 0) continue;
          out.push({
            instance,
            market: pool.market,
            tp,
            poolId: pool.id,
            tokensPerSecond: (perReplica * instance.gpus) / tp,
            costPerHour: pool.pricePerGpuHour * instance.gpus,
          });
        }
    return out;
  };

  const place = (view: TFleetView, job: TJobView): TFleetAction[] => {
    const remaining = job.totalTokens - job.completedTokens;
    const window = (job.spec.deadline - view.now - view.trace.startupSeconds) / 3600;
    const options = configs(view, job);
    const free = (poolId: string): number => {
      const p = view.pools.find((x) => x.id === poolId)!;
      return p.capacity - p.used;
    };
    const meeting = options
      .map((c) => ({ c, k: Math.ceil(remaining / (c.tokensPerSecond * 3600 * Math.max(window, 1e-9))) }))
      .filter((x) => window > 0 && x.k <= MAX_INSTANCES)
      .sort((a, b) => a.c.costPerHour / a.c.tokensPerSecond - b.c.costPerHour / b.c.tokensPerSecond || a.k - b.k);
    const fallback = [...options]
      .sort((a, b) => b.tokensPerSecond - a.tokensPerSecond)
      .map((c) => ({ c, k: MAX_INSTANCES }));
    for (const { c, k } of meeting.length > 0 ? meeting : fallback) {
      const n = Math.min(k, Math.floor(free(c.poolId) / c.instance.gpus));
      if (n < (meeting.length > 0 ? k : 1)) continue;
      waiting.delete(job.spec.id);
      const pool = view.pools.find((x) => x.id === c.poolId)!;
      pool.used += n * c.instance.gpus;
      return [
        { kind: "add", workloadId: job.spec.id, poolId: c.poolId, tp: c.tp, count: (n * c.instance.gpus) / c.tp },
      ];
    }
    waiting.add(job.spec.id);
    return [];
  };

  return {
    name:
      markets.length === 1 && markets[0] === "on-demand" ? "orca-roofline" : `orca-roofline (${markets.join(" + ")})`,
    serverlessFallback: false,
    onEvent(view, event) {
      switch (event.kind) {
        case "start":
          return view.trace.services.flatMap((s): TFleetAction[] => {
            const best = view.pools
              .filter((p) => markets.includes(p.market))
              .map((p) => ({ p, shape: bestOnlineShape(s, p.gpuType) }))
              .filter((x) => x.shape !== null)
              .sort(
                (a, b) =>
                  (a.p.pricePerGpuHour * a.shape!.tp) / a.shape!.rps -
                  (b.p.pricePerGpuHour * b.shape!.tp) / b.shape!.rps,
              )[0];
            if (!best) return [];
            const count = Math.ceil(peakLoad(s) / best.shape!.rps);
            best.p.used += count * best.shape!.tp;
            return [{ kind: "add", workloadId: s.id, poolId: best.p.id, tp: best.shape!.tp, count, warm: true }];
          });
        case "job-arrival":
          return place(view, view.jobs.get(event.jobId)!);
        case "preemption": {
          const id = event.replica.workloadId;
          const job = id === null ? undefined : view.jobs.get(id);
          if (
            !job ||
            job.doneAt !== null ||
            view.replicas.some((r) => r.workloadId === id && r.id !== event.replica.id)
          )
            return [];
          return place(view, job);
        }
        case "job-done":
        case "tick": {
          const actions: TFleetAction[] = view.replicas
            .filter((r) => r.workloadId === null)
            .map((r) => ({ kind: "remove", replicaId: r.id }));
          for (const r of view.replicas)
            if (r.workloadId === null) view.pools.find((p) => p.id === r.poolId)!.used -= r.tp;
          for (const id of [...waiting].sort()) actions.push(...place(view, view.jobs.get(id)!));
          return actions;
        }
        default:
          return [];
      }
    },
  };
}
