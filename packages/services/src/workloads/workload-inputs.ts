import { workloadOf, type TWorkloadSubmission } from "@koi/contracts/workloads/workloads";
import type { TWorkloadSpec } from "@koi/contracts/agent/commands";
import type { TReplicaGroup, TSelectOptions, TWorkload } from "@koi/planner";
import type { Workload } from "@koi/db";
import { readSpec } from "./read-stored-json.ts";

const HOUR_MS = 3_600_000;

/**
 * The planner's view of what is left to do now: batch work shrinks to the requests not yet done
 * and the hours left to the (fixed) deadline, so a replan sizes for the remainder.
 */
export function remainingWorkload(w: Pick<Workload, "spec" | "deadlineAt" | "progressDone">, now: Date): TWorkload {
  const base = workloadOf(readSpec(w));
  if (base.kind !== "batch") return base;
  const requests = Math.max(1, Math.ceil(base.requests - w.progressDone));
  const hoursLeft = w.deadlineAt ? (w.deadlineAt.getTime() - now.getTime()) / HOUR_MS : base.deadlineHours;
  // The planner needs a positive horizon; a passed deadline becomes "now", which it reports as infeasible.
  return { ...base, requests, deadlineHours: Math.max(hoursLeft, 1 / 3600) };
}

/**
 * The planner's options for a submission. Prefill/decode splits are offered only when the
 * submission allows them, and only on pools whose agent declares `pd_disaggregation`
 * (`splitPoolIds`, from buildOrgCapacity's owners): other engines cannot run role-tagged replicas.
 */
export function selectOptionsFor(s: TWorkloadSubmission, splitPoolIds: readonly string[] = []): TSelectOptions {
  const split = s.allowDisaggregation === true && splitPoolIds.length > 0;
  return {
    ...(s.allowedMarkets ? { allowedMarkets: s.allowedMarkets } : {}),
    ...(s.budgetUsd !== undefined ? { budget: s.budgetUsd } : {}),
    ...(split ? { allowDisaggregation: true, disaggregationPoolIds: splitPoolIds } : {}),
  };
}

/** What the engine is told to run (deploy payload); batch input (where Orca reads it) passes through. */
export function workloadSpecFor(w: Pick<Workload, "deadlineAt" | "spec">, remaining: TWorkload): TWorkloadSpec {
  if (remaining.kind === "batch") {
    const input = readSpec(w).input;
    return {
      kind: "batch",
      model: remaining.model,
      requests: remaining.requests,
      avgInputTokens: Math.round(remaining.avgInputTokens),
      avgOutputTokens: Math.round(remaining.avgOutputTokens),
      ...(w.deadlineAt ? { deadlineAt: w.deadlineAt.toISOString() } : {}),
      ...(remaining.priority ? { priority: remaining.priority } : {}),
      ...(input ? { input } : {}),
    };
  }
  return {
    kind: "online",
    model: remaining.model,
    avgInputTokens: Math.round(remaining.avgInputTokens),
    avgOutputTokens: Math.round(remaining.avgOutputTokens),
    requestsPerSecond: remaining.requestsPerSecond,
    ...(remaining.priority ? { priority: remaining.priority } : {}),
  };
}

export function tokensPerRequest(s: TWorkloadSubmission): number {
  return s.avgInputTokens + s.avgOutputTokens;
}

/** The replica group with the most GPUs: the one a single assignment runs. */
export function largestGroup(groups: readonly TReplicaGroup[]): TReplicaGroup | undefined {
  return groups.reduce<TReplicaGroup | undefined>(
    (best, g) => (!best || g.count * g.tp * (g.pp ?? 1) > best.count * best.tp * (best.pp ?? 1) ? g : best),
    undefined,
  );
}
