import type { TWorkload } from "../types.ts";
import type { TCandidate } from "./build-candidates.ts";

// The one definition of what a set of replica counts delivers and costs; the optimiser and the
// brute-force oracle both score plans with it.

export type TAssignment = { candidate: TCandidate; count: number }[];

export type TLimits = {
  /** Cap on GPUs in the plan. */
  maxGpus?: number;
  /** Batch: total dollars; online: dollars per hour. */
  budget?: number;
};

/**
 * What one unit serves. A prefill or decode unit of a split plan is also capped by its network:
 * every request's prompt KV cache leaves a prefill machine and arrives at a decode machine.
 */
export function unitServedRate(c: TCandidate): number {
  if (c.role === "both" || c.kvBytesPerRequest <= 0) return c.rate;
  return Math.min(c.rate, (c.networkGbps * 1e9) / 8 / c.kvBytesPerRequest);
}

/** Milliseconds to ship one request's KV cache from one prefill machine to one decode machine. */
export function kvTransferMs(p: TCandidate, d: TCandidate): number {
  const perMachineGbps = Math.min(p.networkGbps / (p.machines ?? 1), d.networkGbps / (d.machines ?? 1));
  return ((p.kvBytesPerRequest * 8) / (perMachineGbps * 1e9)) * 1000;
}

/** Requests per second the plan serves: colocated replicas plus matched prefill/decode pairs. */
export function servedRate(assignment: TAssignment): number {
  let both = 0;
  let prefill = 0;
  let decode = 0;
  for (const { candidate: c, count } of assignment) {
    if (c.role === "both") both += c.rate * count;
    else if (c.role === "prefill") prefill += unitServedRate(c) * count;
    else decode += unitServedRate(c) * count;
  }
  return both + Math.min(prefill, decode);
}

export function planCostPerHour(assignment: TAssignment): number {
  return assignment.reduce((sum, a) => sum + a.candidate.pricePerHour * a.count, 0);
}

export function planGpus(assignment: TAssignment): number {
  return assignment.reduce((sum, a) => sum + a.candidate.gpus * a.count, 0);
}

/** Requests per second the plan must serve (safety margin included). */
export function requiredRate(workload: TWorkload, safetyMargin: number): number {
  if (workload.kind === "online") return workload.requestsPerSecond * (1 + safetyMargin);
  return (workload.requests * (1 + safetyMargin)) / (workload.deadlineHours * 3600);
}

/** Hours to finish a batch workload at the plan's rate. */
export function predictedHours(workload: TWorkload, rate: number): number {
  return workload.kind === "batch" ? workload.requests / (rate * 3600) : 1;
}

/**
 * The objective. Batch: total cost = $/h × hours to finish — every replica runs until the job is
 * done, so this is W·Σcost/Σrate and more replicas of the same kind cost the same in total. Online:
 * dollars per hour, since the service runs indefinitely.
 */
export function planObjective(workload: TWorkload, assignment: TAssignment): number {
  const perHour = planCostPerHour(assignment);
  if (workload.kind === "online") return perHour;
  const rate = servedRate(assignment);
  return rate > 0 ? perHour * predictedHours(workload, rate) : Number.POSITIVE_INFINITY;
}

/** Whether a plan meets the rate, GPU and budget constraints (pool sizes are the caller's to respect). */
export function isFeasible(
  workload: TWorkload,
  assignment: TAssignment,
  safetyMargin: number,
  limits: TLimits,
): boolean {
  const rate = servedRate(assignment);
  if (rate < requiredRate(workload, safetyMargin) * (1 - 1e-9)) return false;
  if (workload.kind === "online") {
    // A split plan's first token waits for the KV hand-off after the prefill.
    for (const p of assignment)
      for (const d of assignment)
        if (
          p.candidate.role === "prefill" &&
          d.candidate.role === "decode" &&
          p.candidate.ttftP95Ms + kvTransferMs(p.candidate, d.candidate) > workload.ttftP95Ms
        )
          return false;
  }
  if (limits.maxGpus !== undefined && planGpus(assignment) > limits.maxGpus) return false;
  if (limits.budget !== undefined && planObjective(workload, assignment) > limits.budget * (1 + 1e-9)) return false;
  return true;
}
