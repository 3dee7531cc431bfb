import type { TWorkload } from "../types.ts";
import type { TCandidate } from "./build-candidates.ts";
import { planCostPerHour, servedRate, type TAssignment } from "./evaluate-plan.ts";
import { paretoSearch } from "./pareto-search.ts";
import type { TSelectionMilp } from "./selection-milp.ts";

function toAssignment(candidates: readonly TCandidate[], counts: readonly number[]): TAssignment {
  return candidates.flatMap((candidate, j) => ((counts[j] ?? 0) > 0 ? [{ candidate, count: counts[j] ?? 0 }] : []));
}

function ratioOf(assignment: TAssignment): number {
  const served = servedRate(assignment);
  return served > 0 ? planCostPerHour(assignment) / served : Number.POSITIVE_INFINITY;
}

/**
 * Among plans with the same total cost, prefer the lowest $/h — the fewest GPUs to acquire and
 * cold-start, finishing closest to (but within) the deadline. Removing a replica never lowers the
 * ratio below the optimum, so this keeps the total cost exact; it drops replicas while the plan
 * stays feasible at the optimal ratio.
 */
function trimReplicas(best: TAssignment, lambda: number, requiredRate: number): TAssignment {
  let plan = best;
  for (let improved = true; improved;) {
    improved = false;
    for (let i = 0; i < plan.length && !improved; i += 1) {
      const trial = plan.flatMap((a, k) => (k !== i ? [a] : a.count > 1 ? [{ ...a, count: a.count - 1 }] : []));
      if (servedRate(trial) >= requiredRate * (1 - 1e-9) && ratioOf(trial) <= lambda * (1 + 1e-9)) {
        plan = trial;
        improved = true;
      }
    }
  }
  return plan;
}

/**
 * Optimality gap for the prefill/decode MILP: plans within 0.2% of the optimum are accepted, inside
 * the 0.5% the brute-force comparison allows; proving the last fraction of a percent costs HiGHS
 * most of its time on covering problems like this one.
 */
const MILP_GAP = 2e-3;

/**
 * Batch with prefill/decode pairs: total cost = W·(Σ price·x)/served is a ratio, minimised by
 * Dinkelbach's method — each step solves the MILP min Σ price·x − λ·served and sets λ to the new
 * plan's ratio; when no plan beats λ, λ is optimal. It starts from the best colocated plan, so the
 * MILP only has to look for strictly better split plans (cutoff just below zero).
 */
function optimizeBatchPairs(
  milp: TSelectionMilp,
  candidates: readonly TCandidate[],
  start: TAssignment | undefined,
  requiredRate: number,
): TAssignment | undefined {
  const prices = candidates.map((c) => c.pricePerHour);
  let best = start;
  let lambda = best ? ratioOf(best) : 0;
  for (let iteration = 0; iteration < 50; iteration += 1) {
    const gap = MILP_GAP * Math.max(1e-3, lambda * requiredRate);
    const step = milp.solve(prices, lambda, { absoluteGap: gap, cutoff: best ? -gap : undefined });
    if (step.status === "infeasible") break;
    const next = toAssignment(candidates, step.counts);
    const ratio = ratioOf(next);
    if (best !== undefined && !(ratio < lambda * (1 - 1e-9))) break;
    best = next;
    lambda = ratio;
  }
  return best && trimReplicas(best, lambda, requiredRate);
}

/** Online with prefill/decode pairs: the cheapest $/h, searching only below the colocated optimum. */
function optimizeOnlinePairs(
  milp: TSelectionMilp,
  candidates: readonly TCandidate[],
  start: TAssignment | undefined,
): TAssignment | undefined {
  const cutoff = start ? planCostPerHour(start) * (1 - 1e-9) : undefined;
  const solution = milp.solve(
    candidates.map((c) => c.pricePerHour),
    0,
    { relativeGap: MILP_GAP, cutoff },
  );
  if (solution.status === "infeasible") return start;
  const split = toAssignment(candidates, solution.counts);
  return start && planCostPerHour(start) <= planCostPerHour(split) ? start : split;
}

export type TOptimiseLimits = {
  requiredRate: number;
  poolGpus: ReadonlyMap<string, number>;
  maxGpus?: number;
  perHourBudget?: number;
};

export function optimizeSelection(
  workload: TWorkload,
  milp: () => TSelectionMilp,
  candidates: readonly TCandidate[],
  allowed: readonly boolean[],
  limits: TOptimiseLimits,
): TAssignment | undefined {
  // Colocated plans have a fast exact search; it is the answer unless prefill/decode pairs beat it.
  const colocated = paretoSearch(
    candidates.filter((c, j) => allowed[j] && c.role === "both"),
    limits.poolGpus,
    { kind: workload.kind, ...limits },
  );
  if (!candidates.some((c, j) => allowed[j] && c.role !== "both")) return colocated;
  const model = milp();
  model.setAllowed(allowed);
  if (workload.kind === "online") return optimizeOnlinePairs(model, candidates, colocated);
  return optimizeBatchPairs(
    model,
    candidates.map((c, j) => (allowed[j] ? c : { ...c, maxCount: 0 })),
    colocated,
    limits.requiredRate,
  );
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
 * Runners-up are colocated plans: the exact split search runs once, for the plan itself.
 */
export function optimizeWithAlternatives(
  workload: TWorkload,
  milp: () => TSelectionMilp,
  candidates: readonly TCandidate[],
  count: number,
  limits: TOptimiseLimits,
): TAssignment[] {
  const plans: TAssignment[] = [];
  const banned = new Set<string>();
  for (let i = 0; i <= count; i += 1) {
    const plan = optimizeSelection(
      workload,
      milp,
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
