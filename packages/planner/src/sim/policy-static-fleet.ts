import type { TFleetAction, TFleetPolicy, TFleetTrace, TFleetView } from "./fleet-types.ts";
import { bestBatchShape, bestOnlineShape, peakLoad } from "./replica-throughput.ts";

export type TStaticFleetSizing = {
  gpuType: string;
  onlineGpus: number;
  batchGpus: number;
  totalGpus: number;
  costPerHour: number;
};

/**
 * Size an always-on on-demand fleet of one GPU type for the trace's peak: every online service
 * at its peak rate, plus the largest number of GPUs the batch jobs whose windows overlap need at
 * once (each job's replicas sized to finish inside its own window). Null when a model does not fit.
 */
export function sizeStaticFleet(trace: TFleetTrace, gpuType: string): TStaticFleetSizing | null {
  let onlineGpus = 0;
  for (const s of trace.services) {
    const shape = bestOnlineShape(s, gpuType);
    if (!shape) return null;
    onlineGpus += Math.ceil(peakLoad(s) / shape.rps) * shape.tp;
  }
  const deltas: [number, number][] = [];
  for (const j of trace.jobs) {
    const shape = bestBatchShape(j.model, gpuType, j.inputTokens, j.outputTokens);
    if (!shape) return null;
    const gpus =
      jobReplicas(
        j.requests * (j.inputTokens + j.outputTokens),
        shape.tokensPerSecond,
        j.deadline - j.arrival - trace.reassignSeconds,
      ) * shape.tp;
    deltas.push([j.arrival, gpus], [j.deadline, -gpus]);
  }
  deltas.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0;
  let batchGpus = 0;
  for (const [, d] of deltas) batchGpus = Math.max(batchGpus, (running += d));
  const pool = trace.pools.find((p) => p.gpuType === gpuType && p.market === "on-demand");
  if (!pool) return null;
  const totalGpus = onlineGpus + batchGpus;
  return { gpuType, onlineGpus, batchGpus, totalGpus, costPerHour: totalGpus * pool.pricePerGpuHour };
}

function jobReplicas(tokens: number, replicaRate: number, windowSeconds: number): number {
  return Math.max(1, Math.ceil(tokens / (replicaRate * Math.max(600, windowSeconds))));
}

/**
 * Static baseline: the fleet above runs all week. Online services keep their peak replicas; batch
 * jobs take warm GPUs from the idle part in deadline order, sized to finish in time, and get more
 * while idle GPUs remain and the job is behind. Never shrinks, never uses spot or serverless.
 */
export function createStaticFleetPolicy(name: string, trace: TFleetTrace, gpuType: string): TFleetPolicy {
  const sizing = sizeStaticFleet(trace, gpuType);
  if (!sizing) throw new Error(`${gpuType} cannot serve every model in the trace`);
  const poolId = trace.pools.find((p) => p.gpuType === gpuType && p.market === "on-demand")!.id;

  const schedule = (view: TFleetView): TFleetAction[] => {
    const idle = view.replicas.filter((r) => r.workloadId === null && r.poolId === poolId);
    let idleGpus = idle.reduce((sum, r) => sum + r.tp, 0);
    const actions: TFleetAction[] = [];
    const pending = [...view.jobs.values()]
      .filter((j) => j.spec.arrival <= view.now && j.doneAt === null)
      .sort((a, b) => a.spec.deadline - b.spec.deadline);
    for (const job of pending) {
      const shape = bestBatchShape(job.spec.model, gpuType, job.spec.inputTokens, job.spec.outputTokens)!;
      const have = view.replicas.filter((r) => r.workloadId === job.spec.id).length;
      const remaining = job.totalTokens - job.completedTokens;
      const want = jobReplicas(
        remaining,
        shape.tokensPerSecond,
        job.spec.deadline - view.now - view.trace.reassignSeconds,
      );
      const add = Math.min(want - have, Math.floor(idleGpus / shape.tp));
      if (add <= 0) continue;
      // Carve the replicas out of idle GPUs (whatever shape they were left in); the rest stays idle.
      let collected = 0;
      while (collected < add * shape.tp) {
        const r = idle.shift()!;
        collected += r.tp;
        actions.push({ kind: "remove", replicaId: r.id });
      }
      idleGpus -= add * shape.tp;
      actions.push({ kind: "add", workloadId: job.spec.id, poolId, tp: shape.tp, count: add, warm: true });
      if (collected > add * shape.tp)
        actions.push({ kind: "add", workloadId: null, poolId, tp: 1, count: collected - add * shape.tp, warm: true });
    }
    return actions;
  };

  return {
    name,
    serverlessFallback: false,
    onEvent(view, event) {
      if (event.kind === "start") {
        const actions: TFleetAction[] = view.trace.services.map((s) => {
          const shape = bestOnlineShape(s, gpuType)!;
          return {
            kind: "add",
            workloadId: s.id,
            poolId,
            tp: shape.tp,
            count: Math.ceil(peakLoad(s) / shape.rps),
            warm: true,
          };
        });
        actions.push({ kind: "add", workloadId: null, poolId, tp: 1, count: sizing.batchGpus, warm: true });
        return actions;
      }
      if (event.kind === "job-arrival" || event.kind === "job-done" || event.kind === "tick") return schedule(view);
      return [];
    },
  };
}
