import type { TWorkload } from "../types.ts";
import type { TCandidate } from "./build-candidates.ts";
import { planCostPerHour, servedRate, type TAssignment } from "./evaluate-plan.ts";
import { paretoSearch } from "./pareto-search.ts";
import { searchSplitPairs } from "./search-split-pairs.ts";

function ratioOf(assignment: TAssignment): number {
  const served = servedRate(assignment);
  return served > 0 ? planCostPerHour(assignment) / served : Number.POSITIVE_INFINITY;
}

export type TOptimiseLimits = {
  requiredRate: number;
  poolGpus: ReadonlyMap<string, number>;
  maxGpus?: number;
  perHourBudget?: number;
};

/**
 * The best plan: the best colocated mix (exact Pareto search) or, when prefill/decode roles are
 * offered, the best split of one prefill kind and one decode kind, whichever scores lower (a tie
 * keeps the colocated plan, which needs no KV hand-off).
 */
export function optimizeSelection(
  workload: TWorkload,
  candidates: readonly TCandidate[],
  allowed: readonly boolean[],
  limits: TOptimiseLimits,
): TAssignment | undefined {
  const goal = {
    kind: workload.kind,
    ...limits,
    ...(workload.kind === "online" ? { ttftP95Ms: workload.ttftP95Ms } : {}),
  };
  const colocated = paretoSearch(
    candidates.filter((c, j) => allowed[j] && c.role === "both"),
    limits.poolGpus,
    goal,
  );
  const splitCandidates = candidates.filter((c, j) => allowed[j] && c.role !== "both");
  if (splitCandidates.length === 0) return colocated;
  const split = searchSplitPairs(splitCandidates, limits.poolGpus, goal);
  if (!split || !colocated) return split ?? colocated;
  const score = (plan: TAssignment) => (workload.kind === "online" ? planCostPerHour(plan) : ratioOf(plan));
  return score(split) < score(colocated) * (1 - 1e-9) ? split : colocated;
}

/** The (GPU, market, TP) family carrying most of a plan's spend. */
export function primaryFamily(assignment: TAssignment): string | undefined {
  const spend = new Map<string, number>();
  for (const { candidate, count } of assignment)
    spend.set(candidate.family, (spend.get(candidate.family) ?? 0) + candidate.pricePerHour * count);
  return [...spend.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

/**
 * The best plan, then up to `count` runners-up that each avoid the main (GPU, market, TP) family of
 * every plan before them, so an alternative is a different kind of plan, not the same plus a replica.
 * Runners-up are colocated plans: the split search runs once, for the plan itself.
 */
export function optimizeWithAlternatives(
  workload: TWorkload,
  candidates: readonly TCandidate[],
  count: number,
  limits: TOptimiseLimits,
): TAssignment[] {
  const plans: TAssignment[] = [];
  const banned = new Set<string>();
  for (let i = 0; i <= count; i += 1) {
    const plan = optimizeSelection(
      workload,
      candidates,
      candidates.map((c) => !banned.has(c.family) && (i === 0 || c.role === "both")),
      limits,
    );
    if (!plan) break;
    plans.push(plan);
    const family = primaryFamily(plan);
    if (family === undefined) break;
    banned.add(family);
  }
  return plans;
}
