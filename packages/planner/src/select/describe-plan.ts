import type { TAlternative, TPlanOption, TWorkload } from "../types.ts";
import {
  kvTransferMs,
  planCostPerHour,
  planGpus,
  planObjective,
  predictedHours,
  servedRate,
  type TAssignment,
} from "./evaluate-plan.ts";
import { formatDuration } from "../forecast/format-duration.ts";
import { riskFactor } from "./build-candidates.ts";

/** Served rate with each batch unit at its median throughput (the planned rate is P90 and deadline-adjusted). */
function medianRate(assignment: TAssignment): number {
  return servedRate(
    assignment.map((a) => ({ ...a, candidate: { ...a.candidate, rate: a.candidate.rateP50 ?? a.candidate.rate } })),
  );
}
import { formatUsd } from "@koi/catalog/format-usd";

export function toPlanOption(workload: TWorkload, assignment: TAssignment): TPlanOption {
  const rate = servedRate(assignment);
  const costPerHour = planCostPerHour(assignment);
  const startup = Math.max(0, ...assignment.map((a) => a.candidate.startupHours));
  const option: TPlanOption = {
    replicas: assignment.map(({ candidate: c, count }) => ({
      poolId: c.poolId,
      gpuType: c.gpuType,
      market: c.market,
      tp: c.tp,
      count: count * c.replicasPerUnit,
      role: c.role,
      ...(c.pp > 1 ? { pp: c.pp } : {}),
      ...(c.machines !== undefined ? { machines: count * c.machines } : {}),
      ...(c.instanceType !== undefined ? { instanceType: c.instanceType } : {}),
    })),
    gpus: planGpus(assignment),
    costPerHour: significant(costPerHour),
    totalCost: assignment.length > 0 ? significant(planObjective(workload, assignment)) : 0,
    tokensPerSecond: round(medianRate(assignment) * (workload.avgInputTokens + workload.avgOutputTokens), 1),
  };
  if (assignment.length > 0) option.startupHours = significant(startup);
  if (workload.kind === "batch" && rate > 0) {
    const median = medianRate(assignment);
    // Reported hours run from the decision: start-up, then the work at the median and at P90.
    option.predictedHours = significant(startup + predictedHours(workload, median));
    const p90 = servedRate(
      assignment.map((a) => ({
        ...a,
        candidate: {
          ...a.candidate,
          rate: (a.candidate.rateP50 ?? a.candidate.rate) * riskFactor("p90", a.candidate.gpuType),
        },
      })),
    );
    option.predictedHoursP90 = significant(startup + predictedHours(workload, p90));
  }
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

const gpusText = (n: number) => `${n} GPU${n === 1 ? "" : "s"}`;

/**
 * "2 × H100-SXM TP4 on spot (pool use1-h100-spot)", or with machines "2 × L40S TP4 PP2 on 4 ×
 * g6e.12xlarge, on-demand (pool …)"; split plans read "Prefill: … Decode: …".
 */
export function describeAssignment(assignment: TAssignment): string {
  const one = ({ candidate: c, count }: TAssignment[number]) => {
    const layout = `${c.gpuType} TP${c.tp}${c.pp > 1 ? ` PP${c.pp}` : ""}`;
    const where =
      c.machines !== undefined
        ? `on ${count * c.machines} × ${c.instanceType ?? `${c.gpus / c.machines}-GPU machine`}, ${c.market}`
        : `on ${c.market}`;
    return `${count * c.replicasPerUnit} × ${layout} ${where} (${c.poolLabel})`;
  };
  const prefill = assignment.filter((a) => a.candidate.role === "prefill");
  const decode = assignment.filter((a) => a.candidate.role === "decode");
  if (prefill.length > 0 && decode.length > 0)
    return `Prefill: ${prefill.map(one).join(" + ")}; Decode: ${decode.map(one).join(" + ")}`;
  return assignment.map(one).join(" + ");
}

export function toAlternative(workload: TWorkload, assignment: TAssignment, best: TPlanOption): TAlternative {
  const option = toPlanOption(workload, assignment);
  return { ...option, costDelta: round(option.totalCost - best.totalCost, 2), summary: describeAssignment(assignment) };
}

/**
 * Why a split plan splits, with what it pays for it: the KV cache of every prompt crosses the
 * network from a prefill machine to a decode machine. Empty for colocated plans.
 */
function explainSplit(workload: TWorkload, assignment: TAssignment): string {
  const p = assignment.find((a) => a.candidate.role === "prefill")?.candidate;
  const d = assignment.find((a) => a.candidate.role === "decode")?.candidate;
  if (!p || !d) return "";
  const ms = kvTransferMs(p, d);
  const gbps = Math.min(p.networkGbps / (p.machines ?? 1), d.networkGbps / (d.machines ?? 1));
  const within = workload.kind === "online" ? ` within the ${workload.ttftP95Ms} ms TTFT target` : "";
  return (
    `Prefill and decode run on separate replicas because that costs less than any plan where every replica does both: ` +
    `each request's KV cache (${(p.kvBytesPerRequest / 1e6).toFixed(1)} MB) moves from prefill to decode in ${ms.toFixed(1)} ms ` +
    `over ${gbps} Gbit/s${within}. `
  );
}

function runnerUp(workload: TWorkload, best: TPlanOption, alternatives: readonly TAlternative[]): string {
  const next = alternatives[0];
  if (!next) return "No other kind of replica can meet the target, so there is no runner-up.";
  const pct = best.totalCost > 0 ? ` (+${((next.costDelta / best.totalCost) * 100).toFixed(1)}%)` : "";
  const unit = workload.kind === "batch" ? " in total" : "/h";
  return `The runner-up, ${next.summary}, would cost ${formatUsd(next.totalCost)}${unit}, ${formatUsd(next.costDelta)} more${pct}.`;
}

export function explainFeasible(
  workload: TWorkload,
  modelName: string,
  assignment: TAssignment,
  best: TPlanOption,
  alternatives: readonly TAlternative[],
  context: { safetyMargin: number; options: number; risk: "p50" | "p90" },
): string {
  const chosen = describeAssignment(assignment);
  const margin = `${Math.round(context.safetyMargin * 100)}%`;
  if (workload.kind === "batch") {
    const hours = best.predictedHours ?? 0;
    const tokens = workload.requests * (workload.avgInputTokens + workload.avgOutputTokens);
    const startup = formatDuration((best.startupHours ?? 0) * 3600);
    const gpuTypes = [...new Set(assignment.map((a) => a.candidate.gpuType))];
    const factor = Math.min(...gpuTypes.map((g) => riskFactor("p90", g)));
    const risk =
      context.risk === "p90"
        ? `It is sized to meet the deadline at the model's P90: it plans on ${(factor * 100).toFixed(0)}% of the predicted throughput, the low end of the model's band on measured runs it was not fitted to, so it finishes in time in 9 of 10 such jobs (P90 finish ${(best.predictedHoursP90 ?? hours).toFixed(2)} h), plus a ${margin} safety margin. `
        : `It is sized at the model's median throughput with a ${margin} safety margin (P90 finish ${(best.predictedHoursP90 ?? hours).toFixed(2)} h). `;
    return (
      `Run ${chosen}: ${gpusText(best.gpus)} at ${formatUsd(best.costPerHour)}/h, ${formatUsd(best.totalCost)} in total, ` +
      `finishing ${workload.requests.toLocaleString("en-US")} requests (${(tokens / 1e6).toFixed(1)}M tokens of ${modelName}) in a predicted ${hours.toFixed(2)} h ` +
      `(${startup} of it start-up: provisioning and model load) within the ${formatDuration(workload.deadlineHours * 3600)} deadline. ${risk}` +
      `Of ${context.options} replica options that fit, this has the lowest cost per token; because every replica runs until the job is done, total cost does not change with the replica count, ` +
      `so the plan uses the fewest GPUs that still meet the deadline. ${explainSplit(workload, assignment)}${runnerUp(workload, best, alternatives)}`
    );
  }
  const latency = best.predictedLatency;
  return (
    `Serve ${workload.requestsPerSecond} req/s of ${modelName} (plus a ${margin} margin) on ${chosen}: ${gpusText(best.gpus)} at ${formatUsd(best.costPerHour)}/h. ` +
    `Each replica is sized to the load at which its predicted p95 TTFT (${latency?.ttftMs ?? 0} ms) and TPOT (${latency?.tpotMs ?? 0} ms) stay within the ` +
    `${workload.ttftP95Ms} ms / ${workload.tpotP95Ms} ms targets; of ${context.options} replica options that meet them, this mix has the lowest hourly cost. ${explainSplit(workload, assignment)}${runnerUp(workload, best, alternatives)}`
  );
}

/**
 * `plan` with runners-up another search found (the search over every pool, before its plan was
 * re-sized onto one pool): priced against `plan`, the dearer ones only, cheapest first, and the
 * reason's runner-up sentence rewritten to match them.
 */
export function rebaseAlternatives<P extends TPlanOption & { alternatives: TAlternative[]; reason: string }>(
  workload: TWorkload,
  plan: P,
  found: readonly TAlternative[],
): P {
  const alternatives = found
    .map((a) => ({ ...a, costDelta: round(a.totalCost - plan.totalCost, 2) }))
    .filter((a) => a.costDelta >= 0)
    .sort((a, b) => a.totalCost - b.totalCost);
  const said = runnerUp(workload, plan, plan.alternatives);
  // A function, so the dollar signs of the new sentence are not read as replacement patterns.
  return { ...plan, alternatives, reason: plan.reason.replace(said, () => runnerUp(workload, plan, alternatives)) };
}
