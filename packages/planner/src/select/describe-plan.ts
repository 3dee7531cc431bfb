import type { TAlternative, TPlanOption, TWorkload } from "../types.ts";
import {
  planCostPerHour,
  planGpus,
  planObjective,
  predictedHours,
  servedRate,
  type TAssignment,
} from "./evaluate-plan.ts";
import { formatDuration } from "../forecast/format-duration.ts";

export function toPlanOption(workload: TWorkload, assignment: TAssignment): TPlanOption {
  const rate = servedRate(assignment);
  const costPerHour = planCostPerHour(assignment);
  const option: TPlanOption = {
    replicas: assignment.map(({ candidate: c, count }) => ({
      poolId: c.poolId,
      gpuType: c.gpuType,
      market: c.market,
      tp: c.tp,
      count,
      role: c.role,
    })),
    gpus: planGpus(assignment),
    costPerHour: significant(costPerHour),
    totalCost: assignment.length > 0 ? significant(planObjective(workload, assignment)) : 0,
    tokensPerSecond: round(rate * (workload.avgInputTokens + workload.avgOutputTokens), 1),
  };
  if (workload.kind === "batch" && rate > 0) option.predictedHours = significant(predictedHours(workload, rate));
  // The slowest replica kind sets the tail: report the worst p95 in the plan.
  const ttft = Math.max(0, ...assignment.map((a) => a.candidate.ttftP95Ms));
  const tpot = Math.max(0, ...assignment.map((a) => a.candidate.tpotP95Ms));
  if (workload.kind === "online" && assignment.length > 0)
    option.predictedLatency = { ttftMs: round(ttft, 1), tpotMs: round(tpot, 1) };
  return option;
}

/** Seven significant digits: drops float noise (5.6000000000000005) but keeps tiny costs exact enough. */
function significant(value: number): number {
  return Number(value.toPrecision(7));
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

const money = (v: number) => `$${v.toFixed(2)}`;
const gpusText = (n: number) => `${n} GPU${n === 1 ? "" : "s"}`;

/** "2 × H100-SXM TP4 on spot (pool use1-h100-spot)" style summary. */
export function describeAssignment(assignment: TAssignment): string {
  return assignment
    .map(
      ({ candidate: c, count }) =>
        `${count} × ${c.gpuType} TP${c.tp}${c.role === "both" ? "" : ` ${c.role}`} on ${c.market} (pool ${c.poolId})`,
    )
    .join(" + ");
}

export function toAlternative(workload: TWorkload, assignment: TAssignment, best: TPlanOption): TAlternative {
  const option = toPlanOption(workload, assignment);
  return { ...option, costDelta: round(option.totalCost - best.totalCost, 2), summary: describeAssignment(assignment) };
}

function runnerUp(workload: TWorkload, best: TPlanOption, alternatives: readonly TAlternative[]): string {
  const next = alternatives[0];
  if (!next) return "No other kind of replica can meet the target, so there is no runner-up.";
  const pct = best.totalCost > 0 ? ` (+${((next.costDelta / best.totalCost) * 100).toFixed(1)}%)` : "";
  const unit = workload.kind === "batch" ? " in total" : "/h";
  return `The runner-up, ${next.summary}, would cost ${money(next.totalCost)}${unit}, ${money(next.costDelta)} more${pct}.`;
}

export function explainFeasible(
  workload: TWorkload,
  modelName: string,
  assignment: TAssignment,
  best: TPlanOption,
  alternatives: readonly TAlternative[],
  context: { safetyMargin: number; options: number },
): string {
  const chosen = describeAssignment(assignment);
  const margin = `${Math.round(context.safetyMargin * 100)}%`;
  if (workload.kind === "batch") {
    const hours = best.predictedHours ?? 0;
    const tokens = workload.requests * (workload.avgInputTokens + workload.avgOutputTokens);
    return (
      `Run ${chosen}: ${gpusText(best.gpus)} at ${money(best.costPerHour)}/h for a predicted ${hours.toFixed(2)} h, ${money(best.totalCost)} in total, ` +
      `finishing ${workload.requests.toLocaleString("en-US")} requests (${(tokens / 1e6).toFixed(1)}M tokens of ${modelName}) within the ${formatDuration(workload.deadlineHours * 3600)} deadline with a ${margin} safety margin. ` +
      `Of ${context.options} replica options that fit, this has the lowest cost per token; because every replica runs until the job is done, total cost does not change with the replica count, ` +
      `so the plan uses the fewest GPUs that still meet the deadline. ${runnerUp(workload, best, alternatives)}`
    );
  }
  const latency = best.predictedLatency;
  return (
    `Serve ${workload.requestsPerSecond} req/s of ${modelName} (plus a ${margin} margin) on ${chosen}: ${gpusText(best.gpus)} at ${money(best.costPerHour)}/h. ` +
    `Each replica is sized to the load at which its predicted p95 TTFT (${latency?.ttftMs ?? 0} ms) and TPOT (${latency?.tpotMs ?? 0} ms) stay within the ` +
    `${workload.ttftP95Ms} ms / ${workload.tpotP95Ms} ms targets; of ${context.options} replica options that meet them, this mix has the lowest hourly cost. ${runnerUp(workload, best, alternatives)}`
  );
}
