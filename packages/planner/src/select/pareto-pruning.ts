import type { TParetoGoal } from "./pareto-search.ts";
import { EPS, type TPoolMenu } from "./pool-menu.ts";

// What lets the exact colocated search (pareto-search.ts) drop partial plans early: bounds on the
// best completion of a partial plan, the Pareto filter, and a greedy plan whose score seeds the
// incumbent. Each may only drop plans that cannot win; a weaker one costs time, not answers.

/** A partial plan: its cost, rate and GPUs, and how it was reached (layer, menu item). */
export type TState = { cost: number; rate: number; gpus: number; parent: number; item: number };

/** Fractional completion over pools[from..]: cheapest cost per unit rate first. */
export type TRelaxation = { unitCost: number; capacity: number }[][];

export function relaxations(menus: readonly TPoolMenu[]): TRelaxation {
  return menus.map((_, k) =>
    menus
      .slice(k)
      .filter((m) => m.bestRatePerGpu > 0)
      .map((m) => ({ unitCost: m.pricePerGpu / m.bestRatePerGpu, capacity: m.gpus * m.bestRatePerGpu }))
      .sort((a, b) => a.unitCost - b.unitCost),
  );
}

/**
 * Online bound: cost of the state plus the cheapest fractional cover of the missing rate. A plan
 * short by the search's own allowance (1e-9 of the rate) counts as meeting it, so the bound may
 * never call such a completion impossible.
 */
export function onlineBound(state: TState, rest: TRelaxation[number] | undefined, required: number): number {
  const allowance = Math.max(EPS, required * 1e-9);
  let missing = required - state.rate;
  let cost = state.cost;
  for (const r of rest ?? []) {
    if (missing <= allowance) break;
    const take = Math.min(missing, r.capacity);
    cost += take * r.unitCost;
    missing -= take;
  }
  return missing > allowance ? Number.POSITIVE_INFINITY : cost;
}

/**
 * Batch bound: the lowest cost/rate any fractional completion can reach. Cost along the cheapest-
 * first fill is convex, so the ratio falls while the next unit is cheaper than the ratio so far:
 * fill to the required rate, then keep adding whole pools while they pull the ratio down.
 */
export function batchBound(state: TState, rest: TRelaxation[number] | undefined, required: number): number {
  let cost = state.cost;
  let rate = state.rate;
  for (const r of rest ?? []) {
    let capacity = r.capacity;
    if (rate < required) {
      const take = Math.min(capacity, required - rate);
      cost += take * r.unitCost;
      rate += take;
      capacity -= take;
    }
    if (rate < required * (1 - 1e-9)) continue;
    if (r.unitCost >= cost / rate) break;
    cost += capacity * r.unitCost;
    rate += capacity;
  }
  return rate >= required * (1 - 1e-9) && rate > 0 ? cost / rate : Number.POSITIVE_INFINITY;
}

/** Keeps states no other state beats on cost, rate and (when capped) GPUs. */
export function paretoFilter(states: TState[], trackGpus: boolean): TState[] {
  states.sort((a, b) => a.cost - b.cost || b.rate - a.rate || a.gpus - b.gpus);
  const kept: TState[] = [];
  let bestRate = Number.NEGATIVE_INFINITY;
  for (const s of states) {
    if (!trackGpus) {
      if (s.rate > bestRate + EPS) {
        kept.push(s);
        bestRate = s.rate;
      }
      continue;
    }
    if (!kept.some((k) => k.rate >= s.rate - EPS && k.gpus <= s.gpus)) kept.push(s);
  }
  return kept;
}

/**
 * A quick feasible plan whose score seeds the incumbent, so pruning starts at the first pool:
 * cheapest-per-rate pools first, each filled up to what is still missing.
 */
export function greedyScore(menus: readonly TPoolMenu[], goal: TParetoGoal): number | undefined {
  let cost = 0;
  let rate = 0;
  let gpusLeft = goal.maxGpus ?? Number.POSITIVE_INFINITY;
  for (const menu of menus) {
    if (rate >= goal.requiredRate * (1 - 1e-9)) break;
    const fits = menu.items.filter((i) => i.gpus <= gpusLeft);
    const enough = fits.find((i) => rate + i.rate >= goal.requiredRate * (1 - 1e-9));
    const item = enough ?? fits[fits.length - 1];
    if (!item) continue;
    cost += item.gpus * menu.pricePerGpu;
    rate += item.rate;
    gpusLeft -= item.gpus;
  }
  if (rate < goal.requiredRate * (1 - 1e-9)) return undefined;
  if (goal.perHourBudget !== undefined && cost > goal.perHourBudget) return undefined;
  return goal.kind === "online" ? cost : cost / rate;
}
