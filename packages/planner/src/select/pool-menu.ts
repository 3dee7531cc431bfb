import type { TCandidate } from "./build-candidates.ts";

// A pool as the colocated search sees it: within a pool every replica costs the pool's price per
// GPU, so the pool is a menu of "use g GPUs for the best rate g GPUs can give".

export type TMenuItem = { gpus: number; rate: number; counts: number[] };
export type TPoolMenu = {
  members: TCandidate[];
  pricePerGpu: number;
  gpus: number;
  bestRatePerGpu: number;
  items: TMenuItem[];
};

export const EPS = 1e-12;

/** For g = 0..G GPUs, the most rate the pool's replica kinds can give; only strict improvements. */
export function poolMenu(members: TCandidate[], gpus: number, pricePerGpu: number): TPoolMenu {
  const best: { rate: number; counts: number[] }[] = [{ rate: 0, counts: members.map(() => 0) }];
  for (let g = 1; g <= gpus; g += 1) {
    let choice = best[g - 1] as { rate: number; counts: number[] };
    members.forEach((m, j) => {
      const before = best[g - m.gpus];
      if (!before || (before.counts[j] ?? 0) >= m.maxCount) return;
      if (before.rate + m.rate > choice.rate + EPS)
        choice = { rate: before.rate + m.rate, counts: before.counts.map((c, k) => (k === j ? c + 1 : c)) };
    });
    best.push(choice);
  }
  const items: TMenuItem[] = [{ gpus: 0, rate: 0, counts: members.map(() => 0) }];
  best.forEach((b, g) => {
    if (g > 0 && b.rate > (items[items.length - 1]?.rate ?? 0) + EPS) items.push({ gpus: g, ...b });
  });
  const bestRatePerGpu = Math.max(0, ...members.map((m) => m.rate / m.gpus));
  return { members, pricePerGpu, gpus, bestRatePerGpu, items };
}

/** Menu entries one search weighs per pool; a pool with more is searched in steps (`thinMenu`). */
export const MAX_MENU_ITEMS = 64;

/**
 * The menu with at most `max` entries: the first half as they are (small plans stay exact), then
 * evenly spaced entries up to the fullest. Partial plans multiply with every entry, so a large pool
 * searched GPU by GPU costs seconds (measured: 300 pools of 1,024 GPUs, 9.7 s); in steps of at most
 * 1/32 of the pool the plan found may hold up to one step more than it needs.
 */
export function thinMenu(menu: TPoolMenu, max = MAX_MENU_ITEMS): TPoolMenu {
  const { items } = menu;
  if (items.length <= max) return menu;
  const head = Math.floor(max / 2);
  const tail = max - head;
  const span = items.length - 1 - head;
  const picked = Array.from({ length: tail }, (_, i) => items[head + Math.round((span * (i + 1)) / tail)] as TMenuItem);
  return { ...menu, items: [...items.slice(0, head), ...picked] };
}
