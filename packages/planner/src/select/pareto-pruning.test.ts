import { describe, expect, it } from "vitest";
import { batchBound, greedyScore, onlineBound, paretoFilter, relaxations, type TState } from "./pareto-pruning.ts";
import { poolMenu } from "./pool-menu.ts";
import { testCandidate } from "./test-inputs.ts";

const state = (cost: number, rate: number, gpus = 0): TState => ({ cost, rate, gpus, parent: -1, item: -1 });

// Pool a: $2 a GPU, one GPU 1 req/s, a TP2 pair 2.5 req/s ($1.60 per req/s·h at best).
// Pool b: $3 a GPU, 1.2 req/s each ($2.50 per req/s·h).
const a = poolMenu(
  [
    testCandidate({ poolId: "a", role: "both", rate: 1, pricePerHour: 2, maxCount: 1 }),
    testCandidate({ poolId: "a", role: "both", rate: 2.5, pricePerHour: 4, gpus: 2, tp: 2, maxCount: 1 }),
  ],
  3,
  2,
);
const b = poolMenu([testCandidate({ poolId: "b", role: "both", rate: 1.2, pricePerHour: 3 })], 2, 3);
const idle = poolMenu([testCandidate({ poolId: "c", role: "both", rate: 0, pricePerHour: 1 })], 2, 1);

describe("relaxations", () => {
  it("per starting pool, the pools from there on, cheapest per unit of rate first, without idle ones", () => {
    expect(relaxations([b, idle, a])).toEqual([
      [
        { unitCost: 1.6, capacity: 3.75 },
        { unitCost: 2.5, capacity: 2.4 },
      ],
      [{ unitCost: 1.6, capacity: 3.75 }],
      [{ unitCost: 1.6, capacity: 3.75 }],
    ]);
  });
});

describe("onlineBound", () => {
  const rest = [
    { unitCost: 2, capacity: 1 },
    { unitCost: 3, capacity: 5 },
  ];

  it("adds the cheapest fractional cover of the missing rate", () => {
    expect(onlineBound(state(1, 1), rest, 3)).toBe(1 + 2 + 3);
  });

  it("adds nothing once the rate is met, and is infinite when the rest cannot meet it", () => {
    expect(onlineBound(state(4, 5), rest, 3)).toBe(4);
    expect(onlineBound(state(1, 1), rest, 10)).toBe(Number.POSITIVE_INFINITY);
    expect(onlineBound(state(1, 1), undefined, 3)).toBe(Number.POSITIVE_INFINITY);
  });

  it("forgives a shortfall within float error of a large rate", () => {
    expect(onlineBound(state(7, 1e6 - 1e-7), [], 1e6)).toBe(7);
  });

  it("treats a shortfall of at most 1e-12 req/s as met: nothing is bought and the bound stays finite", () => {
    expect(onlineBound(state(5, 0), rest, 1e-12)).toBe(5);
    expect(onlineBound(state(7, 0), [], 1e-12)).toBe(7);
  });
});

describe("batchBound", () => {
  it("fills to the rate, then adds whole pools while they lower the cost per rate", () => {
    const rest = [
      { unitCost: 1, capacity: 2 },
      { unitCost: 1.5, capacity: 10 },
    ];
    // $2 for 1, one unit at $1 reaches 2 ($3), the last unit at $1 pulls the ratio to 4/3; $1.50 would raise it.
    expect(batchBound(state(2, 1), rest, 2)).toBeCloseTo(4 / 3, 12);
  });

  it("keeps filling across pools while short of the rate", () => {
    const rest = [
      { unitCost: 1, capacity: 1 },
      { unitCost: 2, capacity: 5 },
    ];
    expect(batchBound(state(0, 0), rest, 3)).toBeCloseTo(5 / 3, 12);
  });

  it("counts a rate within the 1e-9 allowance of the target as reached: the dearer pool is not touched", () => {
    // The first pool holds 1 - 1e-9 req/s at $1: the ratio is exactly 1, not pulled up by a sliver at $2.
    const rest = [
      { unitCost: 1, capacity: 1 - 1e-9 },
      { unitCost: 2, capacity: 10 },
    ];
    expect(batchBound(state(0, 0), rest, 1)).toBe(1);
  });

  it("is infinite when the rate cannot be reached or nothing is served", () => {
    expect(batchBound(state(0, 0), [{ unitCost: 1, capacity: 1 }], 3)).toBe(Number.POSITIVE_INFINITY);
    expect(batchBound(state(0, 0), [], 0)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("paretoFilter", () => {
  const states = () => [state(1, 1, 2), state(3, 1.5, 1), state(2, 2, 1), state(1, 2, 3)];

  it("without a GPU cap, keeps states no cheaper state matches on rate", () => {
    expect(paretoFilter(states(), false)).toEqual([state(1, 2, 3)]);
  });

  it("under a GPU cap, also keeps states that use fewer GPUs", () => {
    expect(paretoFilter(states(), true)).toEqual([state(1, 2, 3), state(1, 1, 2), state(2, 2, 1)]);
  });

  it("of states equal in cost and rate keeps the one with the fewest GPUs, with or without a cap", () => {
    expect(paretoFilter([state(1, 1, 3), state(1, 1, 2)], false)).toEqual([state(1, 1, 2)]);
    expect(paretoFilter([state(1, 1, 3), state(1, 1, 2)], true)).toEqual([state(1, 1, 2)]);
  });

  it("drops a dearer state whose extra rate is float noise (1e-12), with or without a cap", () => {
    expect(paretoFilter([state(1, 1, 1), state(2, 1 + 1e-12, 1)], false)).toEqual([state(1, 1, 1)]);
    expect(paretoFilter([state(1, 1, 1), state(2, 1 + 1e-12, 1)], true)).toEqual([state(1, 1, 1)]);
    expect(paretoFilter([state(1, 2, 1), state(2, 2, 1)], true)).toEqual([state(1, 2, 1)]);
  });
});

describe("greedyScore", () => {
  it("fills the best-value pools first, each only up to what is missing", () => {
    expect(greedyScore([a, b], { kind: "online", requiredRate: 3 })).toBe(6);
    expect(greedyScore([a, b], { kind: "batch", requiredRate: 2 })).toBeCloseTo(4 / 2.5, 12);
    // Pool a's 3 GPUs (3.5 req/s) leave one GPU of the cap: one of b tops it up to 4.7.
    expect(greedyScore([a, b], { kind: "online", requiredRate: 4.5, maxGpus: 4 })).toBe(9);
  });

  it("takes an item within the 1e-9 allowance of the rate as enough, and its plan as meeting it", () => {
    // Each GPU serves 1 - 1e-9 req/s: one GPU ($2/h) carries 1 req/s, a second is not bought.
    const short = poolMenu([testCandidate({ poolId: "s", role: "both", rate: 1 - 1e-9, pricePerHour: 2 })], 2, 2);
    expect(greedyScore([short], { kind: "online", requiredRate: 1 })).toBe(2);
    expect(greedyScore([short], { kind: "batch", requiredRate: 1 })).toBe(2 / (1 - 1e-9));
  });

  it("finds nothing when its plan falls short or costs more than the budget", () => {
    expect(greedyScore([a, b], { kind: "online", requiredRate: 10 })).toBeUndefined();
    expect(greedyScore([a, b], { kind: "online", requiredRate: 3, maxGpus: 1 })).toBeUndefined();
    expect(greedyScore([a, b], { kind: "online", requiredRate: 3, perHourBudget: 5 })).toBeUndefined();
    expect(greedyScore([a, b], { kind: "online", requiredRate: 3, perHourBudget: 6 })).toBe(6);
  });
});
