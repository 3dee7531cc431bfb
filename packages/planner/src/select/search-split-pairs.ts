import type { TCandidate } from "./build-candidates.ts";
import { kvTransferMs, unitServedRate, type TAssignment } from "./evaluate-plan.ts";

// Exact search for prefill/decode split plans. A split plan runs one kind of prefill replica and
// one kind of decode replica (a pool, GPU, TP each): the KV cache of every request crosses the
// network between exactly those two, which is what the pair's rate and TTFT are priced for, and an
// operator runs one prefill fleet and one decode fleet, not a patchwork of GPU types. Enumerating
// the pairs and, per pair, the prefill count is exact over that space and takes microseconds where
// a MILP over every mix took up to seconds.

export type TSplitGoal = {
  kind: "batch" | "online";
  requiredRate: number;
  maxGpus?: number;
  /** Online only: a batch job's budget is on its whole cost, which the caller checks. */
  perHourBudget?: number;
  /** Online: the p95 TTFT target, which the KV hand-off must fit in beside the prefill. */
  ttftP95Ms?: number;
};

type TPairPlan = { prefill: number; decode: number; served: number; costPerHour: number };

/** The pair as the search sees it: each side at its served rate (capped by its network). */
function priced(p: TCandidate, d: TCandidate): [TCandidate, TCandidate] {
  return [
    { ...p, rate: unitServedRate(p) },
    { ...d, rate: unitServedRate(d) },
  ];
}

/** Online: the prefill's p95 TTFT plus the KV hand-off to the decode side fits the target. */
function handOffFits(p: TCandidate, d: TCandidate, ttftP95Ms: number | undefined): boolean {
  return ttftP95Ms === undefined || p.ttftP95Ms + kvTransferMs(p, d) <= ttftP95Ms;
}

/** Most decode replicas that fit beside x prefill replicas (pools, GPU cap, counts). */
function maxDecodes(
  p: TCandidate,
  d: TCandidate,
  x: number,
  poolGpus: ReadonlyMap<string, number>,
  maxGpus: number,
): number {
  const prefillGpus = x * p.gpus;
  if (x > p.maxCount || prefillGpus > maxGpus) return 0;
  if (p.poolId !== d.poolId && prefillGpus > (poolGpus.get(p.poolId) ?? 0)) return 0;
  const decodePool = (poolGpus.get(d.poolId) ?? 0) - (p.poolId === d.poolId ? prefillGpus : 0);
  const room = Math.min(decodePool, maxGpus - prefillGpus);
  return room < 0 ? 0 : Math.min(d.maxCount, Math.floor(room / d.gpus));
}

/**
 * Decode counts worth trying beside x prefill replicas. Prefill-bound plans want just enough decode
 * replicas to match; decode-bound ones as many as fit below that (more amortise the prefill side).
 * The smaller count first, so that on equal cost per request the plan with fewer replicas is kept.
 */
function decodeCounts(p: TCandidate, d: TCandidate, x: number, most: number): number[] {
  const matched = Math.max(1, Math.ceil((x * p.rate) / d.rate - 1e-9));
  return [...new Set([Math.min(matched - 1, most), Math.min(matched, most)])].filter((y) => y >= 1);
}

/** The pair's best counts under the goal: online the cheapest $/h, batch the lowest $/served rate. */
function bestCounts(
  p: TCandidate,
  d: TCandidate,
  goal: TSplitGoal,
  poolGpus: ReadonlyMap<string, number>,
): TPairPlan | undefined {
  const maxGpus = goal.maxGpus ?? Number.POSITIVE_INFINITY;
  const need = goal.requiredRate * (1 - 1e-9);
  if (goal.kind === "online") {
    // Both sides must carry the whole rate; fewer of either serves less, more costs more.
    const x = Math.max(1, Math.ceil(goal.requiredRate / p.rate - 1e-9));
    const y = Math.max(1, Math.ceil(goal.requiredRate / d.rate - 1e-9));
    if (y > maxDecodes(p, d, x, poolGpus, maxGpus)) return undefined;
    const costPerHour = x * p.pricePerHour + y * d.pricePerHour;
    if (goal.perHourBudget !== undefined && costPerHour > goal.perHourBudget * (1 + 1e-9)) return undefined;
    return { prefill: x, decode: y, served: Math.min(x * p.rate, y * d.rate), costPerHour };
  }
  let best: TPairPlan | undefined;
  for (let x = 1; x <= p.maxCount; x += 1) {
    for (const y of decodeCounts(p, d, x, maxDecodes(p, d, x, poolGpus, maxGpus))) {
      const served = Math.min(x * p.rate, y * d.rate);
      if (served < need) continue;
      const costPerHour = x * p.pricePerHour + y * d.pricePerHour;
      const ratio = costPerHour / served;
      // Equal total cost: fewer machines to start, as for colocated plans.
      if (!best || ratio < (best.costPerHour / best.served) * (1 - 1e-12))
        best = { prefill: x, decode: y, served, costPerHour };
    }
  }
  return best;
}

/** The best split plan over every (prefill kind, decode kind) pair, or none that meets the goal. */
export function searchSplitPairs(
  candidates: readonly TCandidate[],
  poolGpus: ReadonlyMap<string, number>,
  goal: TSplitGoal,
): TAssignment | undefined {
  const prefills = candidates.filter((c) => c.role === "prefill" && c.maxCount > 0 && c.rate > 0);
  const decodes = candidates.filter((c) => c.role === "decode" && c.maxCount > 0 && c.rate > 0);
  const score = (plan: TPairPlan) => (goal.kind === "online" ? plan.costPerHour : plan.costPerHour / plan.served);
  let best: { plan: TPairPlan; p: TCandidate; d: TCandidate } | undefined;
  for (const rawP of prefills)
    for (const rawD of decodes) {
      if (!handOffFits(rawP, rawD, goal.ttftP95Ms)) continue;
      const [p, d] = priced(rawP, rawD);
      const plan = bestCounts(p, d, goal, poolGpus);
      if (!plan) continue;
      if (
        !best ||
        score(plan) < score(best.plan) * (1 - 1e-12) ||
        (score(plan) <= score(best.plan) * (1 + 1e-12) && plan.costPerHour < best.plan.costPerHour)
      )
        best = { plan, p: rawP, d: rawD };
    }
  if (!best) return undefined;
  return [
    { candidate: best.p, count: best.plan.prefill },
    { candidate: best.d, count: best.plan.decode },
  ];
}

/**
 * The most rate one prefill kind and one decode kind can serve together from the pools, counting
 * only pairs whose hand-off fits the TTFT target (as `searchSplitPairs` does).
 */
export function maxSplitServed(
  candidates: readonly TCandidate[],
  poolGpus: ReadonlyMap<string, number>,
  maxGpus?: number,
  ttftP95Ms?: number,
): TAssignment {
  const prefills = candidates.filter((c) => c.role === "prefill" && c.maxCount > 0 && c.rate > 0);
  const decodes = candidates.filter((c) => c.role === "decode" && c.maxCount > 0 && c.rate > 0);
  const cap = maxGpus ?? Number.POSITIVE_INFINITY;
  let best: { served: number; assignment: TAssignment } = { served: 0, assignment: [] };
  for (const rawP of prefills)
    for (const rawD of decodes) {
      if (!handOffFits(rawP, rawD, ttftP95Ms)) continue;
      const [p, d] = priced(rawP, rawD);
      for (let x = 1; x <= p.maxCount; x += 1)
        for (const y of decodeCounts(p, d, x, maxDecodes(p, d, x, poolGpus, cap))) {
          const served = Math.min(x * p.rate, y * d.rate);
          if (served > best.served)
            best = {
              served,
              assignment: [
                { candidate: rawP, count: x },
                { candidate: rawD, count: y },
              ],
            };
        }
    }
  return best.assignment;
}
