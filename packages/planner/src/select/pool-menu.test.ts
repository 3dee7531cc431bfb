import { describe, expect, it } from "vitest";
import { MAX_MENU_ITEMS, poolMenu, thinMenu } from "./pool-menu.ts";
import { testCandidate } from "./test-inputs.ts";

const one = testCandidate({ poolId: "a", role: "both", rate: 1, pricePerHour: 2, maxCount: 1 });
const pair = testCandidate({ poolId: "a", role: "both", rate: 2.5, pricePerHour: 4, gpus: 2, tp: 2, maxCount: 1 });

describe("poolMenu", () => {
  it("lists, per number of GPUs, the most rate the pool's kinds give, within each kind's count", () => {
    expect(poolMenu([one, pair], 3, 2)).toEqual({
      members: [one, pair],
      pricePerGpu: 2,
      gpus: 3,
      bestRatePerGpu: 1.25,
      items: [
        { gpus: 0, rate: 0, counts: [0, 0] },
        { gpus: 1, rate: 1, counts: [1, 0] },
        { gpus: 2, rate: 2.5, counts: [0, 1] },
        { gpus: 3, rate: 3.5, counts: [1, 1] },
      ],
    });
  });

  it("keeps only GPU counts that add rate", () => {
    // One GPU cannot hold the pair, and a third adds nothing to it.
    expect(poolMenu([{ ...pair, maxCount: 8 }], 3, 2).items).toEqual([
      { gpus: 0, rate: 0, counts: [0] },
      { gpus: 2, rate: 2.5, counts: [1] },
    ]);
  });

  it("on equal rate keeps the kind listed first", () => {
    const twice = { ...one, maxCount: 8 };
    const even = { ...pair, rate: 2 };
    expect(poolMenu([twice, even], 2, 2).items.at(-1)).toEqual({ gpus: 2, rate: 2, counts: [2, 0] });
  });

  it("counts a rate higher by no more than float noise (1e-12) as no improvement", () => {
    // The second kind is better by 1e-12 req/s only: the kind listed first keeps the GPU.
    const noise = { ...one, rate: 1 + 1e-12 };
    expect(poolMenu([one, noise], 1, 2).items).toEqual([
      { gpus: 0, rate: 0, counts: [0, 0] },
      { gpus: 1, rate: 1, counts: [1, 0] },
    ]);
  });
});

describe("thinMenu", () => {
  const menu = (gpus: number) =>
    poolMenu([testCandidate({ poolId: "p", role: "both", rate: 1, pricePerHour: 2, maxCount: gpus })], gpus, 2);

  it("leaves a menu of at most MAX_MENU_ITEMS entries as it is", () => {
    const small = menu(MAX_MENU_ITEMS - 1);
    expect(thinMenu(small)).toBe(small);
  });

  it("keeps a large pool's first half of entries, then steps evenly to its fullest", () => {
    const thinned = thinMenu(menu(1024)).items.map((i) => i.gpus);
    expect(thinned).toHaveLength(MAX_MENU_ITEMS);
    expect(thinned.slice(0, 32)).toEqual(Array.from({ length: 32 }, (_, g) => g));
    expect(thinned.at(-1)).toBe(1024);
    const steps = thinned.slice(32).map((g, i) => g - (thinned[31 + i] ?? 0));
    expect(Math.max(...steps) - Math.min(...steps)).toBeLessThanOrEqual(1);
  });
});
