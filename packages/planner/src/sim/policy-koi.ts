import { TP_DEGREES } from "@koi/catalog";
import { forecastFinish } from "../forecast/forecast-finish.ts";
import { recommendAction, type TCurrentGroup } from "../forecast/recommend-action.ts";
import { rebalanceForUrgent, type TRunningWorkload } from "../rebalance/rebalance-for-urgent.ts";
import { PRIORITY_RANK, type TCapacity, type TPlan, type TWorkload } from "../types.ts";
import type { TFleetAction, TFleetPolicy, TFleetView, TJobView } from "./fleet-types.ts";
import { createOnlineScaler } from "./koi-online-scaler.ts";
import { batchTokensPerSecond } from "./replica-throughput.ts";

export type TSelect = (workload: TWorkload, capacity: TCapacity) => TPlan | Promise<TPlan>;

export type TKoiPolicyOptions = {
  select: TSelect;
  /** Plan batch work to finish this fraction early. */
  margin?: number;
  /** Let a new allocation run this long before judging it by its progress. */
  settleSeconds?: number;
  online?: { headroom?: number; downscaleAfterMinutes?: number };
};

/**
 * Koi's policy: the optimiser places each job at arrival on the live free capacity (spot
 * included); the forecaster re-judges every job each tick and adds GPUs when at risk or drops
 * them when far ahead; an urgent job that does not fit borrows GPUs from lower-priority jobs with
 * slack (rebalancer); a preemption triggers an immediate top-up; online services run Tuna-style on
 * spot with serverless fallback.
 */
export function createKoiPolicy(options: TKoiPolicyOptions): TFleetPolicy {
  const margin = options.margin ?? 0.1;
  const settle = options.settleSeconds ?? 1200;
  const scaleOnline = createOnlineScaler((spec, rps, capacity) => {
    const plan = options.select(
      {
        kind: "online",
        model: spec.model,
        avgInputTokens: spec.inputTokens,
        avgOutputTokens: spec.outputTokens,
        requestsPerSecond: rps,
        ttftP95Ms: spec.ttftP95Ms,
        tpotP95Ms: spec.tpotP95Ms,
      },
      capacity,
    );
    if (plan instanceof Promise) throw new Error("the online scaler needs a synchronous optimiser (selectGpusWith)");
    return plan.replicas;
  }, options.online);

  const freeCapacity = (view: TFleetView): TCapacity => ({
    pools: view.pools.map((p) => ({
      id: p.id,
      gpuType: p.gpuType,
      market: p.market,
      available: Math.max(0, p.capacity - p.used),
      pricePerGpuHour: p.pricePerGpuHour,
    })),
  });
  const addPlan = (
    view: TFleetView,
    workloadId: string,
    plan: { replicas: { poolId: string; tp: number; count: number }[] },
  ): TFleetAction[] =>
    plan.replicas.map((g) => {
      const pool = view.pools.find((p) => p.id === g.poolId);
      if (pool) pool.used += g.tp * g.count;
      return { kind: "add", workloadId, poolId: g.poolId, tp: g.tp, count: g.count };
    });
  const groupsOf = (view: TFleetView, job: TJobView): TCurrentGroup[] => {
    const groups = new Map<string, TCurrentGroup>();
    for (const r of view.replicas) {
      if (r.workloadId !== job.spec.id) continue;
      const key = `${r.poolId}|${r.tp}`;
      const g = groups.get(key);
      if (g) g.count++;
      else {
        const pool = view.pools.find((p) => p.id === r.poolId)!;
        groups.set(key, {
          poolId: r.poolId,
          gpuType: r.gpuType,
          market: r.market,
          tp: r.tp,
          count: 1,
          role: "both",
          tokensPerSecond: batchTokensPerSecond(
            job.spec.model,
            r.gpuType,
            r.tp,
            job.spec.inputTokens,
            job.spec.outputTokens,
          ),
          pricePerHour: pool.pricePerGpuHour * r.tp,
        });
      }
    }
    return [...groups.values()];
  };

  const placeNew = async (view: TFleetView, job: TJobView): Promise<TFleetAction[]> => {
    const window = job.spec.deadline - view.now - view.trace.startupSeconds;
    const remainingRequests = Math.max(
      1,
      Math.ceil(((job.totalTokens - job.completedTokens) / job.totalTokens) * job.spec.requests),
    );
    const workload: TWorkload = {
      kind: "batch",
      model: job.spec.model,
      avgInputTokens: job.spec.inputTokens,
      avgOutputTokens: job.spec.outputTokens,
      requests: remainingRequests,
      deadlineHours: Math.max(0.05, (window * (1 - margin)) / 3600),
      priority: job.spec.priority,
    };
    const plan = await options.select(workload, freeCapacity(view));
    if (plan.feasible || PRIORITY_RANK[job.spec.priority] < PRIORITY_RANK.high) return addPlan(view, job.spec.id, plan);
    return borrowFor(view, job, plan);
  };

  /** Urgent/high job the free capacity cannot carry: borrow from lower-priority jobs with slack. */
  const borrowFor = (view: TFleetView, job: TJobView, fallback: TPlan): TFleetAction[] => {
    const running: TRunningWorkload[] = [...view.jobs.values()]
      .filter((j) => j.doneAt === null && j.spec.id !== job.spec.id && j.spec.arrival <= view.now)
      .map((j) => ({
        id: j.spec.id,
        priority: j.spec.priority,
        deadline: j.spec.deadline,
        remainingWork: j.totalTokens - j.completedTokens,
        allocation: groupsOf(view, j).map((g) => ({
          poolId: g.poolId,
          gpus: g.count * g.tp,
          ratePerGpu: g.tokensPerSecond / g.tp,
          step: g.tp,
        })),
      }));
    const ratePerGpuByPool: Record<string, number> = {};
    const stepByPool: Record<string, number> = {};
    for (const p of view.pools) {
      for (const tp of TP_DEGREES) {
        const tps = batchTokensPerSecond(job.spec.model, p.gpuType, tp, job.spec.inputTokens, job.spec.outputTokens);
        if (tps > 0 && tps / tp > (ratePerGpuByPool[p.id] ?? 0)) {
          ratePerGpuByPool[p.id] = tps / tp;
          stepByPool[p.id] = tp;
        }
      }
    }
    const result = rebalanceForUrgent({
      running,
      free: freeCapacity(view),
      now: view.now,
      startupSeconds: view.trace.startupSeconds,
      safetyMargin: margin,
      urgent: {
        id: job.spec.id,
        priority: job.spec.priority,
        deadline: job.spec.deadline,
        remainingWork: job.totalTokens - job.completedTokens,
        ratePerGpuByPool,
        stepByPool,
      },
    });
    if (!result.feasible) return addPlan(view, job.spec.id, fallback);
    const actions: TFleetAction[] = [];
    for (const a of result.actions) {
      const theirs = view.replicas.filter((r) => r.workloadId === a.workloadId && r.poolId === a.poolId);
      let gpus = a.gpus;
      for (const r of theirs) {
        if (gpus <= 0) break;
        actions.push({ kind: "remove", replicaId: r.id });
        gpus -= r.tp;
      }
    }
    for (const u of result.urgentAllocation) {
      const step = stepByPool[u.poolId] ?? 1;
      actions.push({
        kind: "add",
        workloadId: job.spec.id,
        poolId: u.poolId,
        tp: step,
        count: Math.floor(u.gpus / step),
      });
    }
    return actions;
  };

  const review = async (view: TFleetView, job: TJobView, forceRisk: boolean): Promise<TFleetAction[]> => {
    const current = groupsOf(view, job);
    if (current.length === 0) return placeNew(view, job);
    const since = job.allocationChangedAt + view.trace.startupSeconds;
    const samples = job.samples.filter((s) => s.t >= since);
    if (!forceRisk && (view.now - job.allocationChangedAt < settle || samples.length < 2)) return [];
    const modelled = current.reduce((s, g) => s + g.tokensPerSecond * g.count, 0);
    const f = forecastFinish({
      samples: samples.length >= 2 ? samples : job.samples.slice(-2),
      modelledRate: modelled,
      deadline: job.spec.deadline,
      now: view.now,
      halfLifeSeconds: 3600,
    });
    const rec = await recommendAction({
      status: forceRisk ? "at-risk" : f.status,
      observedRate: f.rate.mean,
      observedRateSd: f.rate.sd,
      remainingTokens: job.totalTokens - job.completedTokens,
      now: view.now,
      deadline: job.spec.deadline,
      current,
      free: freeCapacity(view),
      forecastLine: f.explanation,
      margin,
      job: {
        model: job.spec.model,
        avgInputTokens: job.spec.inputTokens,
        avgOutputTokens: job.spec.outputTokens,
        priority: job.spec.priority,
      },
      startupSeconds: view.trace.startupSeconds,
      select: options.select,
    });
    if (rec.kind === "add") return addPlan(view, job.spec.id, rec);
    if (rec.kind !== "remove") return [];
    const actions: TFleetAction[] = [];
    for (const g of rec.remove) {
      const theirs = view.replicas.filter(
        (r) => r.workloadId === job.spec.id && r.poolId === g.poolId && r.tp === g.tp,
      );
      for (const r of theirs.slice(0, g.count)) actions.push({ kind: "remove", replicaId: r.id });
    }
    return actions;
  };

  return {
    name: "koi",
    serverlessFallback: true,
    async onEvent(view, event) {
      switch (event.kind) {
        case "start":
        case "online":
          return scaleOnline(view);
        case "job-arrival":
          return placeNew(view, view.jobs.get(event.jobId)!);
        case "job-done":
          return view.replicas
            .filter((r) => r.workloadId === null)
            .map((r): TFleetAction => ({ kind: "remove", replicaId: r.id }));
        case "preemption": {
          const job = event.replica.workloadId === null ? undefined : view.jobs.get(event.replica.workloadId);
          return job && job.doneAt === null ? review(view, job, true) : [];
        }
        case "tick": {
          const actions: TFleetAction[] = [];
          const active = [...view.jobs.values()]
            .filter((j) => j.spec.arrival <= view.now && j.doneAt === null)
            .sort((a, b) => a.spec.deadline - b.spec.deadline);
          for (const job of active) actions.push(...(await review(view, job, false)));
          return actions;
        }
      }
    },
  };
}
