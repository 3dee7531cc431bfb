import type { TWorkload } from "../types.ts";
import type { TCandidate } from "./build-candidates.ts";
import { planCostPerHour, servedRate, type TAssignment } from "./evaluate-plan.ts";
import type { TSelectionMilp } from "./selection-milp.ts";

function toAssignment(candidates: readonly TCandidate[], counts: readonly number[]): TAssignment {
  return candidates.flatMap((candidate, j) => ((counts[j] ?? 0) > 0 ? [{ candidate, count: counts[j] ?? 0 }] : []));
}

function ratioOf(assignment: TAssignment): number {
  const served = servedRate(assignment);
  return served > 0 ? planCostPerHour(assignment) / served : Number.POSITIVE_INFINITY;
}

/**
 * A feasible starting plan, fast: fill colocated replicas in order of $ per request/s, honouring
 * pool sizes and the GPU cap. Dinkelbach needs a feasible ratio to start from.
 */
function greedyStart(candidates: readonly TCandidate[], requiredRate: number, limits: TOptimiseLimits): TAssignment | undefined {
  const left = new Map(limits.poolGpus);
  let gpusLeft = limits.maxGpus ?? Number.POSITIVE_INFINITY;
  let served = 0;
  const plan: TAssignment = [];
  const order = candidates.filter((c) => c.role === "both").sort((a, b) => a.pricePerHour / a.rate - b.pricePerHour / b.rate);
  for (const candidate of order) {
    if (served >= requiredRate) break;
    if (candidate.maxCount <= 0) continue;
    const room = Math.min(left.get(candidate.poolId) ?? 0, gpusLeft);
    const count = Math.min(Math.floor(room / candidate.tp), candidate.maxCount, Math.ceil((requiredRate - served) / candidate.rate));
    if (count <= 0) continue;
    plan.push({ candidate, count });
    served += count * candidate.rate;
    left.set(candidate.poolId, (left.get(candidate.poolId) ?? 0) - count * candidate.tp);
    gpusLeft -= count * candidate.tp;
  }
  return served >= requiredRate * (1 - 1e-9) ? plan : undefined;
}

/**
 * Among plans with the same total cost, prefer the lowest $/h — the fewest GPUs to acquire and
 * cold-start, finishing closest to (but within) the deadline. Removing a replica never lowers the
 * ratio below the optimum, so this keeps the total cost exact; it drops replicas while the plan
 * stays feasible at the optimal ratio.
 */
function trimReplicas(best: TAssignment, lambda: number, requiredRate: number): TAssignment {
  let plan = best;
  for (let improved = true; improved; ) {
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
 * Batch: minimise total cost = W·(Σ price·x)/(Σ rate·x), a ratio, by Dinkelbach's method: each
 * step solves the MILP min Σ price·x − λ·served and sets λ to the new plan's ratio; when no plan
 * beats λ, λ is optimal. It starts from a greedy plan, which is usually optimal or close.
 */
function optimiseBatch(milp: TSelectionMilp, candidates: readonly TCandidate[], limits: TOptimiseLimits): TAssignment | undefined {
  const prices = candidates.map((c) => c.pricePerHour);
  let best = greedyStart(candidates, limits.requiredRate, limits);
  let lambda = best ? ratioOf(best) : 0;
  for (let iteration = 0; iteration < 50; iteration += 1) {
    // Accurate to a millionth of the plan's $/h: far inside the 0.5% the brute-force test allows.
    const step = milp.solve(prices, lambda, 1e-6 * Math.max(1e-3, lambda * limits.requiredRate));
    if (step.status === "infeasible") return undefined;
    const next = toAssignment(candidates, step.counts);
    const ratio = ratioOf(next);
    if (best !== undefined && !(ratio < lambda * (1 - 1e-9))) break;
    best = next;
    lambda = ratio;
  }
  return best && trimReplicas(best, lambda, limits.requiredRate);
}

/** Online: minimise $/h subject to serving the peak rate within the latency targets. */
function optimiseOnline(milp: TSelectionMilp, candidates: readonly TCandidate[]): TAssignment | undefined {
  const solution = milp.solve(candidates.map((c) => c.pricePerHour), 0);
  return solution.status === "optimal" ? toAssignment(candidates, solution.counts) : undefined;
}

export type TOptimiseLimits = { requiredRate: number; poolGpus: ReadonlyMap<string, number>; maxGpus?: number };

export function optimise(
  workload: TWorkload,
  milp: TSelectionMilp,
  candidates: readonly TCandidate[],
  allowed: readonly boolean[],
  limits: TOptimiseLimits,
): TAssignment | undefined {
  milp.setAllowed(allowed);
  if (workload.kind === "online") return optimiseOnline(milp, candidates);
  return optimiseBatch(milp, candidates.map((c, j) => (allowed[j] ? c : { ...c, maxCount: 0 })), limits);
}

/** The (GPU, market, TP) family carrying most of a plan's spend. */
export function primaryFamily(assignment: TAssignment): string | undefined {
  const spend = new Map<string, number>();
  for (const { candidate, count } of assignment) spend.set(candidate.family, (spend.get(candidate.family) ?? 0) + candidate.pricePerHour * count);
  return [...spend.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

/**
 * The best plan, then up to `count` runners-up that each avoid the main (GPU, market, TP) family of
 * every plan before them, so an alternative is a different kind of plan, not the same plus a replica.
 */
export function optimiseWithAlternatives(
  workload: TWorkload,
  milp: TSelectionMilp,
  candidates: readonly TCandidate[],
  count: number,
  limits: TOptimiseLimits,
): TAssignment[] {
  const plans: TAssignment[] = [];
  const banned = new Set<string>();
  for (let i = 0; i <= count; i += 1) {
    const plan = optimise(workload, milp, candidates, candidates.map((c) => !banned.has(c.family)), limits);
    if (!plan) break;
    plans.push(plan);
    const family = primaryFamily(plan);
    if (family === undefined) break;
    banned.add(family);
  }
  return plans;
}
