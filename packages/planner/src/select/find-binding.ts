import { MAX_PLAN_GPUS_PER_POOL, usableGpus, type TBinding, type TCapacityPool, type TWorkload } from "../types.ts";
import type { TCandidate, TCandidateReport } from "./build-candidates.ts";
import { planObjective, predictedHours, servedRate, type TAssignment } from "./evaluate-plan.ts";
import { optimizeSelection } from "./optimize-selection.ts";
import { maxColocatedServed } from "./pareto-search.ts";
import { maxSplitServed } from "./search-split-pairs.ts";
import { formatDuration } from "../forecast/format-duration.ts";
import { formatUsd } from "@koi/catalog/format-usd";

export type TBindingInput = {
  workload: TWorkload;
  pools: readonly TCapacityPool[];
  requiredRate: number;
  maxGpus?: number;
  budget?: number;
  /** Candidates sized by what each pool has free, ignoring quotas. */
  candidatesIgnoringQuota: readonly TCandidate[];
  report: TCandidateReport;
};

export type TBindingResult = { binding: TBinding; assignment: TAssignment };

/** Highest rate one plan can serve under the given pool sizes and GPU cap: colocated or one split pair. */
function maxServed(
  input: TBindingInput,
  poolGpus: ReadonlyMap<string, number>,
  maxGpus?: number,
): { rate: number; assignment: TAssignment } {
  const candidates = input.candidatesIgnoringQuota;
  const colocated = maxColocatedServed(candidates, poolGpus, maxGpus);
  const ttft = input.workload.kind === "online" ? input.workload.ttftP95Ms : undefined;
  const split = maxSplitServed(candidates, poolGpus, maxGpus, ttft);
  const best = servedRate(split) > servedRate(colocated) ? split : colocated;
  return { rate: servedRate(best), assignment: best };
}

function cheapestIgnoringBudget(input: TBindingInput, poolGpus: ReadonlyMap<string, number>): TAssignment | undefined {
  const candidates = input.candidatesIgnoringQuota;
  return optimizeSelection(
    input.workload,
    candidates,
    candidates.map(() => true),
    { requiredRate: input.requiredRate, poolGpus, maxGpus: input.maxGpus },
  );
}

function bestAchievable(
  workload: TWorkload,
  rate: number,
): Pick<TBinding, "bestAchievableHours" | "bestAchievableRequestsPerSecond"> {
  if (workload.kind === "batch")
    return rate > 0 ? { bestAchievableHours: Number(predictedHours(workload, rate).toPrecision(7)) } : {};
  return { bestAchievableRequestsPerSecond: Number(rate.toPrecision(7)) };
}

/**
 * Names the constraint that makes the workload infeasible by relaxing them one at a time, from
 * the physical (fit, latency, GPUs in existence) to the administrative (quota, GPU cap, budget).
 */
export function findBinding(input: TBindingInput): TBindingResult {
  const { workload, report, pools } = input;
  if (input.candidatesIgnoringQuota.length === 0) {
    if (report.unknownGpus.length > 0 && pools.every((p) => report.unknownGpus.includes(p.gpuType))) {
      return {
        binding: {
          constraint: "unknown-gpu",
          detail: `no pool has a GPU type the catalog knows (${[...new Set(report.unknownGpus)].join(", ")})`,
        },
        assignment: [],
      };
    }
    if (report.startupMisfits.length > 0) {
      return {
        binding: {
          constraint: "deadline",
          detail: `start-up (provisioning and model load) takes the whole deadline (${report.startupMisfits.slice(0, 3).join(", ")})`,
        },
        assignment: [],
      };
    }
    if (report.tooFewGpus.length > 0) {
      return {
        binding: {
          constraint: "availability",
          detail: `the pools have too few free GPUs for even one replica (${report.tooFewGpus.slice(0, 3).join(", ")})`,
        },
        assignment: [],
      };
    }
    if (report.latencyMisfits.length > 0) {
      return {
        binding: {
          constraint: "latency",
          detail: `no replica meets the latency targets even one request at a time (tried ${[...new Set(report.latencyMisfits)].join(", ")})`,
        },
        assignment: [],
      };
    }
    if (report.memoryMisfits.length > 0) {
      return {
        binding: {
          constraint: "memory-fit",
          detail: `the model does not fit any offered GPU and TP degree (tried ${[...new Set(report.memoryMisfits)].join(", ")})`,
        },
        assignment: [],
      };
    }
    return {
      binding: { constraint: "availability", detail: "no pool offers GPUs in the allowed markets" },
      assignment: [],
    };
  }
  const all = new Map(pools.map((p) => [p.id, Math.min(p.available, MAX_PLAN_GPUS_PER_POOL)]));
  const everything = maxServed(input, all);
  if (everything.rate < input.requiredRate * (1 - 1e-9)) {
    const achievable = bestAchievable(workload, everything.rate);
    const ceiling = pools.some((p) => p.available > MAX_PLAN_GPUS_PER_POOL)
      ? ` (one plan takes at most ${MAX_PLAN_GPUS_PER_POOL.toLocaleString("en-US")} GPUs from a pool)`
      : "";
    const detail =
      workload.kind === "batch"
        ? `with every available GPU${ceiling} the job needs ${achievable.bestAchievableHours?.toFixed(2)} h, past the ${formatDuration(workload.deadlineHours * 3600)} deadline (after the safety margin)`
        : `every available GPU${ceiling} together serves ${everything.rate.toFixed(2)} req/s within the latency targets, short of the ${input.requiredRate.toFixed(2)} req/s needed (with margin)`;
    return {
      binding: { constraint: workload.kind === "batch" ? "deadline" : "availability", detail, ...achievable },
      assignment: everything.assignment,
    };
  }
  const quota = new Map(pools.map((p) => [p.id, usableGpus(p)]));
  const underQuota = maxServed(input, quota);
  if (underQuota.rate < input.requiredRate * (1 - 1e-9)) {
    return {
      binding: {
        constraint: "quota",
        detail: "enough GPUs are free, but the pools' quotas stop the plan from using them",
        ...bestAchievable(workload, underQuota.rate),
      },
      assignment: underQuota.assignment,
    };
  }
  if (input.maxGpus !== undefined) {
    const capped = maxServed(input, quota, input.maxGpus);
    if (capped.rate < input.requiredRate * (1 - 1e-9)) {
      return {
        binding: {
          constraint: "max-gpus",
          detail: `the ${input.maxGpus}-GPU cap is too small for the target`,
          ...bestAchievable(workload, capped.rate),
        },
        assignment: capped.assignment,
      };
    }
  }
  const cheapest = cheapestIgnoringBudget(input, quota) ?? [];
  const needed = planObjective(workload, cheapest);
  const unit = workload.kind === "batch" ? "" : "/h";
  return {
    binding: {
      constraint: "budget",
      detail: `the cheapest plan that meets the target costs ${formatUsd(needed)}${unit}, over the ${formatUsd(input.budget ?? 0)}${unit} budget`,
    },
    assignment: cheapest,
  };
}
