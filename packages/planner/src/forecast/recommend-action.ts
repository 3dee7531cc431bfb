import type { TBatchWorkload, TCapacity, TPlan, TPriority, TReplicaGroup } from "../types.ts";
import { formatDuration } from "./format-duration.ts";
import type { TForecastStatus } from "./forecast-finish.ts";
import { formatUsdPerHour } from "@koi/catalog/format-usd";

/** The optimiser (`selectGpus`), injected so callers and tests choose the solver instance. */
export type TSelectGpus = (workload: TBatchWorkload, capacity: TCapacity) => TPlan | Promise<TPlan>;

export type TCurrentGroup = TReplicaGroup & {
  /** Perf-model tokens/s of one replica (the optimiser's own units). */
  tokensPerSecond: number;
  pricePerHour: number;
};

export type TRecommendInput = {
  status: TForecastStatus;
  /** Observed effective rate of the current allocation (forecast posterior mean), tokens/s. */
  observedRate: number;
  /** Sd of that rate; removals keep the lower 90% bound above what is needed. */
  observedRateSd: number;
  remainingTokens: number;
  now: number;
  deadline: number;
  job: { model: string; avgInputTokens: number; avgOutputTokens: number; priority?: TPriority };
  current: TCurrentGroup[];
  free: TCapacity;
  select: TSelectGpus;
  /** Launch + model load before added GPUs produce. */
  startupSeconds?: number;
  /** Plan for remaining × (1 + margin). */
  margin?: number;
  /** The forecast's own line, e.g. "predicted 2h45m (P10 …) vs target 2h". */
  forecastLine: string;
};

export type TRecommendation =
  /** `noRoom`: at risk and more GPUs would help, but the free capacity offered has none that can. */
  | { kind: "hold"; explanation: string; noRoom?: true }
  | { kind: "add"; replicas: TReplicaGroup[]; addedCostPerHour: number; predictedFinish: number; explanation: string }
  | {
      kind: "remove";
      remove: { poolId: string; tp: number; count: number }[];
      savedCostPerHour: number;
      predictedFinish: number;
      explanation: string;
    };

/**
 * What to do about a forecast. At risk: ask the optimiser for the cheapest GPUs, from the free
 * capacity, that finish the part of the work the current allocation cannot do by the deadline
 * (with margin, after their startup), scaled by how the job actually runs versus the perf model.
 * Far ahead: drop the replicas that cost most per token while the lower 90% bound of the kept rate
 * still finishes with margin. Otherwise hold.
 */
export async function recommendAction(input: TRecommendInput): Promise<TRecommendation> {
  const { now, deadline, remainingTokens: remaining, observedRate } = input;
  const startup = input.startupSeconds ?? 600;
  const margin = input.margin ?? 0.1;
  const modelled = input.current.reduce((s, g) => s + g.tokensPerSecond * g.count, 0);
  // How the job really runs relative to the perf model; new GPUs are assumed to behave alike.
  const calib = modelled > 0 && observedRate > 0 ? observedRate / modelled : 1;
  const tokensPerRequest = input.job.avgInputTokens + input.job.avgOutputTokens;

  if (input.status === "at-risk") {
    const window = deadline - now - startup;
    if (window <= 0)
      return {
        kind: "hold",
        explanation: `${input.forecastLine} → too late to add GPUs (startup ${formatDuration(startup)})`,
      };
    const residual = remaining * (1 + margin) - observedRate * (deadline - now);
    if (residual <= 0)
      return { kind: "hold", explanation: `${input.forecastLine} → current GPUs suffice with margin; hold` };
    const workload: TBatchWorkload = {
      kind: "batch",
      model: input.job.model,
      avgInputTokens: input.job.avgInputTokens,
      avgOutputTokens: input.job.avgOutputTokens,
      requests: Math.max(1, Math.ceil(residual / calib / tokensPerRequest)),
      deadlineHours: window / 3600,
      priority: input.job.priority,
    };
    const plan = await input.select(workload, input.free);
    if (plan.replicas.length === 0)
      return {
        kind: "hold",
        explanation: `${input.forecastLine} → no free GPUs can help (${plan.reason})`,
        noRoom: true,
      };
    const added = plan.tokensPerSecond * calib;
    const finish = finishWithAddition(now, remaining, observedRate, added, startup);
    const ok = finish <= deadline ? "✓" : "✗ (best available)";
    return {
      kind: "add",
      replicas: plan.replicas,
      addedCostPerHour: plan.costPerHour,
      predictedFinish: finish,
      explanation: `${input.forecastLine} → ${describe("+", plan.replicas)} → ${formatDuration(finish - now)} ${ok}`,
    };
  }

  if (input.status === "ahead") {
    const needed = (remaining * (1 + margin)) / Math.max(1, deadline - now);
    const lowerRatio =
      observedRate > 0 ? Math.max(0, (observedRate - 1.2816 * input.observedRateSd) / observedRate) : 0;
    const units = input.current
      .flatMap((g) => Array.from({ length: g.count }, () => g))
      .sort((a, b) => b.pricePerHour / b.tokensPerSecond - a.pricePerHour / a.tokensPerSecond);
    let kept = modelled * calib;
    const removed = new Map<TCurrentGroup, number>();
    for (const g of units.slice(0, -1)) {
      const after = kept - g.tokensPerSecond * calib;
      if (after * lowerRatio < needed) continue;
      kept = after;
      removed.set(g, (removed.get(g) ?? 0) + 1);
    }
    if (removed.size === 0)
      return {
        kind: "hold",
        explanation: `${input.forecastLine} → ahead, but every replica is needed for the margin; hold`,
      };
    const remove = [...removed].map(([g, count]) => ({
      poolId: g.poolId,
      tp: g.tp,
      ...(g.pp !== undefined ? { pp: g.pp } : {}),
      count,
      gpuType: g.gpuType,
      market: g.market,
    }));
    const saved = [...removed].reduce((s, [g, count]) => s + g.pricePerHour * count, 0);
    const finish = now + remaining / kept;
    return {
      kind: "remove",
      remove: remove.map(({ poolId, tp, count }) => ({ poolId, tp, count })),
      savedCostPerHour: saved,
      predictedFinish: finish,
      explanation: `${input.forecastLine} → ${describe(
        "−",
        remove.map((r) => ({ ...r, role: "both" as const })),
      )} (saves ${formatUsdPerHour(saved)}) → ${formatDuration(finish - now)} ✓`,
    };
  }
  return { kind: "hold", explanation: `${input.forecastLine} → hold` };
}

function finishWithAddition(now: number, remaining: number, current: number, added: number, startup: number): number {
  if (current * startup >= remaining) return now + remaining / current;
  return now + startup + (remaining - current * startup) / (current + added);
}

function describe(
  sign: string,
  groups: readonly Pick<TReplicaGroup, "gpuType" | "market" | "tp" | "pp" | "count">[],
): string {
  return groups
    .map(
      (g) => `${sign}${g.count * g.tp * (g.pp ?? 1)} ${g.gpuType}${g.market === "on-demand" ? "" : ` (${g.market})`}`,
    )
    .join(", ");
}
