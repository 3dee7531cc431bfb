import type { TWorkload } from "../types.ts";
import type { TCandidate } from "./build-candidates.ts";
import {
  isFeasible,
  planCostPerHour,
  planGpus,
  planObjective,
  type TAssignment,
  type TLimits,
} from "./evaluate-plan.ts";

// The oracle the optimiser is tested against: try every combination of replica counts. Only for
// small instances — it is exponential in the number of candidates.

export type TBruteForceResult = { assignment: TAssignment; objective: number; costPerHour: number };

const MAX_COMBINATIONS = 5_000_000;

/** Every vector of counts for one pool's candidates that fits in `gpus` GPUs. */
function poolChoices(candidates: readonly TCandidate[], gpus: number): number[][] {
  const out: number[][] = [];
  const walk = (i: number, left: number, counts: number[]) => {
    if (i === candidates.length) {
      out.push(counts);
      return;
    }
    const c = candidates[i] as TCandidate;
    for (let n = 0; n * c.gpus <= left && n <= c.maxCount; n += 1) walk(i + 1, left - n * c.gpus, [...counts, n]);
  };
  walk(0, gpus, []);
  return out;
}

/** The plans Koi makes: colocated replicas of any kinds, or one prefill kind with one decode kind. */
function isPlanShape(assignment: TAssignment): boolean {
  const roles = assignment.map((a) => a.candidate.role);
  if (roles.every((r) => r === "both")) return true;
  return roles.length === 2 && roles.includes("prefill") && roles.includes("decode");
}

export function bruteForceSelect(
  workload: TWorkload,
  candidates: readonly TCandidate[],
  poolGpus: ReadonlyMap<string, number>,
  safetyMargin: number,
  limits: TLimits = {},
): TBruteForceResult | undefined {
  const pools = [...new Set(candidates.map((c) => c.poolId))];
  const groups = pools.map((poolId) => {
    const members = candidates.filter((c) => c.poolId === poolId);
    return { members, choices: poolChoices(members, poolGpus.get(poolId) ?? 0) };
  });
  const combinations = groups.reduce((n, g) => n * g.choices.length, 1);
  if (combinations > MAX_COMBINATIONS)
    throw new Error(`brute force would try ${combinations} plans; keep instances small`);

  let best: TBruteForceResult | undefined;
  const walk = (g: number, assignment: TAssignment) => {
    if (limits.maxGpus !== undefined && planGpus(assignment) > limits.maxGpus) return;
    if (g === groups.length) {
      if (!isPlanShape(assignment) || !isFeasible(workload, assignment, safetyMargin, limits)) return;
      const objective = planObjective(workload, assignment);
      const costPerHour = planCostPerHour(assignment);
      if (
        !best ||
        objective < best.objective * (1 - 1e-12) ||
        (objective <= best.objective * (1 + 1e-12) && costPerHour < best.costPerHour)
      ) {
        best = { assignment, objective, costPerHour };
      }
      return;
    }
    const group = groups[g] as (typeof groups)[number];
    for (const counts of group.choices) {
      const added = group.members.flatMap((candidate, i) =>
        (counts[i] ?? 0) > 0 ? [{ candidate, count: counts[i] ?? 0 }] : [],
      );
      walk(g + 1, [...assignment, ...added]);
    }
  };
  walk(0, []);
  return best;
}
