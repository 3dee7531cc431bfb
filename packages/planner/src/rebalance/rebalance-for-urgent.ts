import { poolLabel, PRIORITY_RANK, usableGpus, type TCapacity, type TPriority } from "../types.ts";
import { maxLendableRate, predictFinishWithLoan } from "./predict-finish-with-loan.ts";

/** Times are epoch seconds; work is in whatever unit the rates use (tokens, requests). */
export type TRunningWorkload = {
  id: string;
  priority: TPriority;
  deadline: number;
  remainingWork: number;
  /** `step`: GPUs per replica (its TP degree); GPUs are lent in whole replicas. */
  allocation: { poolId: string; gpus: number; ratePerGpu: number; step?: number }[];
};

export type TUrgentWorkload = {
  id: string;
  priority: TPriority;
  deadline: number;
  remainingWork: number;
  /** Throughput per GPU of the urgent job in each pool it can run on (absent or 0 = cannot use). */
  ratePerGpuByPool: Record<string, number>;
  /** GPUs per replica in each pool (its TP degree there); default 1. */
  stepByPool?: Record<string, number>;
};

export type TRebalanceAction = {
  workloadId: string;
  kind: "pause" | "shrink";
  poolId: string;
  gpus: number;
  /** When the GPUs come back (the urgent job's latest predicted finish). */
  returnAt: number;
  predictedFinish: number;
  deadline: number;
};

export type TRebalanceResult = {
  feasible: boolean;
  urgentAllocation: { poolId: string; gpus: number; source: "free" | "lent" }[];
  urgentPredictedFinish: number;
  actions: TRebalanceAction[];
  /** Who would miss (including the urgent job) under the best-effort plan, and by how much. */
  misses: { workloadId: string; lateBySeconds: number }[];
  explanation: string;
};

export type TRebalanceInput = {
  running: TRunningWorkload[];
  free: TCapacity;
  urgent: TUrgentWorkload;
  now: number;
  /** Urgent job's rate target is work × (1 + margin) over the time left after startup. */
  safetyMargin?: number;
  /** Victims must still finish work × (1 + victimMargin) by their deadline. */
  victimMargin?: number;
  /** Launch + model load before lent or fresh GPUs produce anything. */
  startupSeconds?: number;
};

/**
 * Finds GPUs for an urgent workload: free capacity first, then GPUs lent by strictly
 * lower-priority workloads, lowest priority first and most slack among equals, each lending only
 * what keeps its own SLO. The lent GPUs come back when the urgent job is done (the bound below),
 * so a victim's check is "work left vs. time left, at the reduced rate until then and the full
 * rate after a restart".
 */
export function rebalanceForUrgent(input: TRebalanceInput): TRebalanceResult {
  const { running, free, urgent, now } = input;
  const labels = new Map(free.pools.map((p) => [p.id, poolLabel(p)]));
  const margin = input.safetyMargin ?? 0.1;
  const victimMargin = input.victimMargin ?? 0.05;
  const startup = input.startupSeconds ?? 600;
  const window = urgent.deadline - now - startup;
  const targetRate = window > 0 ? (urgent.remainingWork * (1 + margin)) / window : Infinity;
  // Lent GPUs return once the urgent job has finished at the target rate; any extra rate it gets
  // only shortens the loan, so victims checked against this bound are safe.
  const returnAt = Number.isFinite(targetRate) ? now + startup + urgent.remainingWork / targetRate : urgent.deadline;
  const urgentRate = (poolId: string): number => urgent.ratePerGpuByPool[poolId] ?? 0;
  const urgentStep = (poolId: string): number => urgent.stepByPool?.[poolId] ?? 1;

  // A job with nothing left to do is on time now (it would otherwise read as "late by ∞" at rate 0).
  if (urgent.remainingWork <= 0) {
    return {
      feasible: true,
      urgentAllocation: [],
      urgentPredictedFinish: now,
      actions: [],
      misses: [],
      explanation: `${urgent.id}: no work left; nothing to rebalance`,
    };
  }
  if (window <= 0) {
    return {
      feasible: false,
      urgentAllocation: [],
      urgentPredictedFinish: Infinity,
      actions: [],
      misses: [{ workloadId: urgent.id, lateBySeconds: Infinity }],
      explanation: `${urgent.id}: the deadline is closer than the ${Math.round(startup / 60)} min it takes to start any GPU`,
    };
  }

  const plan = (respectVictims: boolean) => {
    let rate = 0;
    const alloc: TRebalanceResult["urgentAllocation"] = [];
    const pending = new Map<string, number>();
    const need = (poolId: string): number =>
      Math.ceil((targetRate - rate) / urgentRate(poolId) / urgentStep(poolId) - 1e-9) * urgentStep(poolId);
    const pools = [...free.pools]
      .filter((p) => urgentRate(p.id) > 0)
      .sort((a, b) => a.pricePerGpuHour / urgentRate(a.id) - b.pricePerGpuHour / urgentRate(b.id));
    for (const p of pools) {
      if (rate >= targetRate) break;
      const step = urgentStep(p.id);
      const gpus = Math.min(Math.floor(usableGpus(p) / step) * step, need(p.id));
      if (gpus <= 0) continue;
      alloc.push({ poolId: p.id, gpus, source: "free" });
      rate += gpus * urgentRate(p.id);
    }
    const actions: { w: TRunningWorkload; poolId: string; gpus: number; lentRate: number }[] = [];
    const victims = running
      .filter((w) => PRIORITY_RANK[w.priority] < PRIORITY_RANK[urgent.priority])
      .map((w) => ({ w, full: w.allocation.reduce((s, a) => s + a.gpus * a.ratePerGpu, 0) }))
      // Lowest priority lends first (a low backfill before a high nightly eval), then most slack.
      .sort(
        (a, b) =>
          PRIORITY_RANK[a.w.priority] - PRIORITY_RANK[b.w.priority] ||
          slack(b.w, b.full, now) - slack(a.w, a.full, now) ||
          a.w.id.localeCompare(b.w.id),
      );
    for (const { w, full } of victims) {
      if (rate >= targetRate) break;
      let lendable = respectVictims
        ? maxLendableRate({
            now,
            deadline: w.deadline,
            work: w.remainingWork,
            fullRate: full,
            loanSeconds: returnAt - now,
            restartSeconds: startup,
            margin: victimMargin,
          })
        : full;
      const slices = [...w.allocation]
        .filter((a) => urgentRate(a.poolId) > 0)
        .sort((a, b) => urgentRate(b.poolId) - urgentRate(a.poolId));
      for (const a of slices) {
        if (rate >= targetRate) break;
        const step = a.step ?? 1;
        const have = pending.get(a.poolId) ?? 0;
        const byRate = a.ratePerGpu > 0 ? Math.floor(lendable / a.ratePerGpu / step + 1e-9) * step : a.gpus;
        const wanted = Math.ceil(Math.max(0, need(a.poolId) - have) / step - 1e-9) * step;
        const gpus = Math.min(a.gpus, byRate, wanted);
        if (gpus <= 0) continue;
        lendable -= gpus * a.ratePerGpu;
        actions.push({ w, poolId: a.poolId, gpus, lentRate: gpus * a.ratePerGpu });
        const total = have + gpus;
        const usable = Math.floor(total / urgentStep(a.poolId)) * urgentStep(a.poolId);
        pending.set(a.poolId, total - usable);
        if (usable > 0) {
          alloc.push({ poolId: a.poolId, gpus: usable, source: "lent" });
          rate += usable * urgentRate(a.poolId);
        }
      }
    }
    // GPUs collected in a pool but short of one urgent replica would idle: hand them back.
    for (let i = actions.length - 1; i >= 0; i--) {
      const a = actions[i]!;
      const left = pending.get(a.poolId) ?? 0;
      const step = a.w.allocation.find((x) => x.poolId === a.poolId)?.step ?? 1;
      const giveBack = Math.min(a.gpus, Math.floor(left / step) * step);
      if (giveBack <= 0) continue;
      pending.set(a.poolId, left - giveBack);
      a.lentRate *= (a.gpus - giveBack) / a.gpus;
      a.gpus -= giveBack;
      if (a.gpus === 0) actions.splice(i, 1);
    }
    return { rate, alloc, actions };
  };

  let chosen = plan(true);
  if (chosen.rate < targetRate) chosen = plan(false);

  const urgentFinish = chosen.rate > 0 ? now + startup + urgent.remainingWork / chosen.rate : Infinity;
  const loan = Math.min(urgentFinish, returnAt) - now;
  const byWorkload = new Map<
    string,
    { w: TRunningWorkload; lent: number; gpus: number; slices: typeof chosen.actions }
  >();
  for (const a of chosen.actions) {
    const entry = byWorkload.get(a.w.id) ?? { w: a.w, lent: 0, gpus: 0, slices: [] };
    entry.lent += a.lentRate;
    entry.gpus += a.gpus;
    entry.slices.push(a);
    byWorkload.set(a.w.id, entry);
  }
  const actions: TRebalanceAction[] = [];
  const misses: TRebalanceResult["misses"] = [];
  for (const { w, lent, gpus, slices } of byWorkload.values()) {
    const full = w.allocation.reduce((s, a) => s + a.gpus * a.ratePerGpu, 0);
    const finish = predictFinishWithLoan({
      now,
      work: w.remainingWork,
      fullRate: full,
      lentRate: lent,
      loanSeconds: loan,
      restartSeconds: startup,
    });
    const allocated = w.allocation.reduce((s, a) => s + a.gpus, 0);
    for (const s of slices) {
      actions.push({
        workloadId: w.id,
        kind: gpus >= allocated ? "pause" : "shrink",
        poolId: s.poolId,
        gpus: s.gpus,
        returnAt: now + loan,
        predictedFinish: finish,
        deadline: w.deadline,
      });
    }
    if (finish > w.deadline) misses.push({ workloadId: w.id, lateBySeconds: finish - w.deadline });
  }
  if (urgentFinish > urgent.deadline)
    misses.unshift({ workloadId: urgent.id, lateBySeconds: urgentFinish - urgent.deadline });
  // The second pass ignores victims' safety margins; if nobody actually misses, it still works.
  const feasible = misses.length === 0;
  return {
    feasible,
    urgentAllocation: chosen.alloc,
    urgentPredictedFinish: urgentFinish,
    actions,
    misses,
    explanation: explain(feasible, urgent.id, chosen.alloc, actions, misses, labels),
  };
}

/** Time to spare at the full rate: unbounded for a job with nothing left to do, none for one that never finishes. */
function slack(w: TRunningWorkload, fullRate: number, now: number): number {
  if (w.remainingWork <= 0) return Infinity;
  return fullRate > 0 ? w.deadline - now - w.remainingWork / fullRate : -Infinity;
}

function explain(
  feasible: boolean,
  urgentId: string,
  alloc: TRebalanceResult["urgentAllocation"],
  actions: TRebalanceAction[],
  misses: TRebalanceResult["misses"],
  labels: Map<string, string>,
): string {
  const pool = (id: string) => labels.get(id) ?? `pool ${id}`;
  const gpus = alloc.map((a) => `${a.gpus} GPUs of ${pool(a.poolId)} (${a.source})`).join(", ") || "nothing";
  const moves = actions
    .map(
      (a) =>
        `${a.kind} ${a.workloadId} −${a.gpus} GPUs of ${pool(a.poolId)} (still done ${hours(a.deadline - a.predictedFinish)} early)`,
    )
    .join("; ");
  if (feasible) return `${urgentId} gets ${gpus}${moves ? `; ${moves}` : ""}`;
  const late = misses.map((m) => `${m.workloadId} late by ${hours(m.lateBySeconds)}`).join(", ");
  return `cannot meet every SLO: ${late}; best effort gives ${urgentId} ${gpus}`;
}

function hours(seconds: number): string {
  if (!Number.isFinite(seconds)) return "∞";
  const m = Math.round(Math.abs(seconds) / 60);
  return `${seconds < 0 ? "−" : ""}${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}
