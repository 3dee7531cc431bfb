import type { TCandidate } from "./build-candidates.ts";
import type { TAssignment } from "./evaluate-plan.ts";
import { batchBound, greedyScore, onlineBound, paretoFilter, relaxations, type TState } from "./pareto-pruning.ts";
import { poolMenu, thinMenu, type TMenuItem, type TPoolMenu } from "./pool-menu.ts";

// Exact search for colocated plans (every replica serves prefill and decode). Within a pool every
// replica costs the pool's price per GPU, so a pool is a menu of "use g GPUs for the best rate g
// GPUs can give". Pools are merged one at a time keeping only Pareto-optimal partial plans (no
// other partial plan is cheaper with at least the rate and no more GPUs), and partial plans whose
// best fractional completion cannot beat the incumbent are dropped. Every optimal plan survives
// both filters, so the result is exact; it is tested against brute force. Tenants report the
// capacity, so the work is bounded: past MAX_POOLS_SEARCHED pools, MAX_MENU_ITEMS entries of a
// pool's menu or MAX_LAYER_STATES partial plans the search is no longer exact (docs/planner.md).

/**
 * Pools one search weighs, the best value first. Partial plans multiply with every pool added, and
 * tenants' agents report up to 500 pools each (measured: 500 pools of 1,024 GPUs took 209 s); in
 * 32 pools of up to 1,024 GPUs (MAX_PLAN_GPUS_PER_POOL) a plan has 32,768 GPUs to choose from.
 */
export const MAX_POOLS_SEARCHED = 32;

/**
 * Partial plans kept per pool merged. Below it the search is exact; many large pools of nearly the
 * same value (measured: 500 H100 pools at $1.00–1.06, 170 s) keep thousands of plans that no
 * bound separates, and past it an evenly spread subset goes on, so the plan found may cost a
 * little more than the best one.
 */
export const MAX_LAYER_STATES = 256;

/** At most `max` of `states` (sorted by cost), evenly spread and keeping the first and last. */
function keepSpread<T>(states: T[], max: number): T[] {
  if (states.length <= max) return states;
  return Array.from({ length: max }, (_, i) => states[Math.round((i * (states.length - 1)) / (max - 1))] as T);
}

export type TParetoGoal = { kind: "batch" | "online"; requiredRate: number; maxGpus?: number; perHourBudget?: number };

export function paretoSearch(
  candidates: readonly TCandidate[],
  poolGpus: ReadonlyMap<string, number>,
  goal: TParetoGoal,
): TAssignment | undefined {
  const usable = candidates.filter((c) => c.role === "both" && c.maxCount > 0);
  const byPool = new Map<string, TCandidate[]>();
  for (const c of usable) byPool.set(c.poolId, [...(byPool.get(c.poolId) ?? []), c]);
  const pricePerGpu = (members: TCandidate[]) => (members[0]?.pricePerHour ?? 0) / (members[0]?.gpus ?? 1);
  const valueOf = (members: TCandidate[]) => pricePerGpu(members) / Math.max(0, ...members.map((m) => m.rate / m.gpus));
  const gpusOf = (poolId: string) => Math.min(poolGpus.get(poolId) ?? 0, goal.maxGpus ?? Number.POSITIVE_INFINITY);
  const menus = [...byPool.entries()]
    .filter(([poolId, members]) => members.some((m) => m.gpus <= gpusOf(poolId)))
    // Best value first: good plans appear early and the bounds bite sooner. Ranked before the menus
    // are built, so pools past MAX_POOLS_SEARCHED cost nothing.
    .map(([poolId, members]) => ({ poolId, members, value: valueOf(members) }))
    .sort((a, b) => a.value - b.value)
    .slice(0, MAX_POOLS_SEARCHED)
    .map(({ poolId, members }) => thinMenu(poolMenu(members, gpusOf(poolId), pricePerGpu(members))));
  const rest = relaxations(menus);
  // Most rate the pools from k on can add (each at its fullest): a partial plan that cannot reach
  // the target even so is dropped, which ends searches for plans that do not exist quickly.
  const reachable = menus.map((_, k) =>
    menus.slice(k).reduce((sum, m) => sum + (m.items[m.items.length - 1]?.rate ?? 0), 0),
  );
  reachable.push(0);
  const online = goal.kind === "online";
  const R = goal.requiredRate;
  const trackGpus = goal.maxGpus !== undefined;
  const score = (s: TState) => (online ? s.cost : s.rate > 0 ? s.cost / s.rate : Number.POSITIVE_INFINITY);

  let incumbent: { score: number; cost: number; layer: number; index: number } | undefined;
  // Only a threshold: the search itself finds a plan at least this good, or a tie.
  let threshold = greedyScore(menus, goal) ?? Number.POSITIVE_INFINITY;
  const layers: TState[][] = [[{ cost: 0, rate: 0, gpus: 0, parent: -1, item: -1 }]];
  menus.forEach((menu, k) => {
    const previous = layers[k] as TState[];
    const next: TState[] = [];
    previous.forEach((state, parent) => {
      menu.items.forEach((item, index) => {
        const gpus = state.gpus + item.gpus;
        if (goal.maxGpus !== undefined && gpus > goal.maxGpus) return;
        const cost = state.cost + item.gpus * menu.pricePerGpu;
        if (goal.perHourBudget !== undefined && cost > goal.perHourBudget * (1 + 1e-9)) return;
        // Online: rate past the target buys nothing, so cap it and let the filter merge such plans.
        const rate = online ? Math.min(R, state.rate + item.rate) : state.rate + item.rate;
        if (state.rate + item.rate + (reachable[k + 1] ?? 0) < R * (1 - 1e-9)) return;
        const candidate = { cost, rate, gpus, parent, item: index };
        const bound = online ? onlineBound(candidate, rest[k + 1], R) : batchBound(candidate, rest[k + 1], R);
        // Strictly worse than a known plan: no completion can win or tie.
        if (bound > threshold * (1 + 1e-9)) return;
        next.push(candidate);
      });
    });
    const layer = keepSpread(paretoFilter(next, trackGpus), MAX_LAYER_STATES);
    layer.forEach((s, index) => {
      if (s.rate < R * (1 - 1e-9)) return;
      const value = score(s);
      if (
        !incumbent ||
        value < incumbent.score * (1 - 1e-12) ||
        (value <= incumbent.score * (1 + 1e-12) && s.cost < incumbent.cost)
      ) {
        incumbent = { score: value, cost: s.cost, layer: k + 1, index };
        threshold = Math.min(threshold, value);
      }
    });
    layers.push(layer);
  });
  if (!incumbent) return undefined;

  const assignment: TAssignment = [];
  let layerIndex = incumbent.layer;
  let index = incumbent.index;
  while (layerIndex > 0) {
    const state = (layers[layerIndex] as TState[])[index] as TState;
    const menu = menus[layerIndex - 1] as TPoolMenu;
    const item = menu.items[state.item] as TMenuItem;
    item.counts.forEach((count, j) => {
      if (count > 0) assignment.push({ candidate: menu.members[j] as TCandidate, count });
    });
    index = state.parent;
    layerIndex -= 1;
  }
  return assignment;
}

/**
 * The most rate colocated replicas can serve from the pools: each pool at its best use of all its
 * GPUs, or, under a GPU cap, a knapsack over the pools' menus by total GPUs.
 */
export function maxColocatedServed(
  candidates: readonly TCandidate[],
  poolGpus: ReadonlyMap<string, number>,
  maxGpus?: number,
): TAssignment {
  const byPool = new Map<string, TCandidate[]>();
  for (const c of candidates)
    if (c.role === "both" && c.maxCount > 0) byPool.set(c.poolId, [...(byPool.get(c.poolId) ?? []), c]);
  const cap = maxGpus ?? Number.POSITIVE_INFINITY;
  const menus = [...byPool.entries()].map(([poolId, members]) =>
    poolMenu(members, Math.min(poolGpus.get(poolId) ?? 0, cap), 0),
  );
  const total = menus.reduce((n, m) => n + m.gpus, 0);
  const fullest = (menu: TPoolMenu): TMenuItem => menu.items[menu.items.length - 1] as TMenuItem;
  const served = (items: readonly TMenuItem[]): TAssignment =>
    menus.flatMap((menu, k) =>
      (items[k] as TMenuItem).counts.flatMap((count, j) =>
        count > 0 ? [{ candidate: menu.members[j] as TCandidate, count }] : [],
      ),
    );
  // No cap binds: every pool at its fullest, without the knapsack (quadratic in GPUs).
  if (cap >= total) return served(menus.map(fullest));
  const budget = cap;
  // best[m] = most rate using at most m GPUs over the pools so far, with the item chosen per pool.
  let best: { rate: number; picks: number[] }[] = Array.from({ length: budget + 1 }, () => ({ rate: 0, picks: [] }));
  for (const menu of menus) {
    best = best.map((_, m) => {
      let choice = { rate: -1, picks: [] as number[] };
      menu.items.forEach((item, index) => {
        const before = best[m - item.gpus];
        if (before && before.rate + item.rate > choice.rate)
          choice = { rate: before.rate + item.rate, picks: [...before.picks, index] };
      });
      return choice;
    });
  }
  const picks = best[budget]?.picks ?? [];
  return served(menus.map((menu, k) => menu.items[picks[k] ?? 0] as TMenuItem));
}
