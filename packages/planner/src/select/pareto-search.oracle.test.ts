import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TCandidate } from "./build-candidates.ts";
import { planCostPerHour, planGpus, servedRate, type TAssignment } from "./evaluate-plan.ts";
import { maxColocatedServed, paretoSearch, type TParetoGoal } from "./pareto-search.ts";
import { testCandidate } from "./test-inputs.ts";

// paretoSearch prunes with bounds, a greedy incumbent and Pareto filters; each must only ever drop
// partial plans that cannot win. Checked here against plain enumeration of every count vector on
// instances small enough to enumerate, many more of them than the selectGpus brute-force test
// reaches, and with the awkward shapes the pruning has to survive: inefficient TP degrees, counts
// capped below what the pool could hold, tight GPU caps and budgets.

type TInstance = { candidates: TCandidate[]; poolGpus: Map<string, number>; goal: TParetoGoal };

const instance: fc.Arbitrary<TInstance> = fc
  .record({
    pools: fc.array(
      fc.record({
        gpus: fc.integer({ min: 1, max: 6 }),
        pricePerGpu: fc.integer({ min: 1, max: 6 }),
        kinds: fc.array(
          fc.record({
            gpus: fc.constantFrom(1, 2, 4),
            // Tenths, so equal rates and exact ties happen.
            ratePerGpuTenths: fc.integer({ min: 2, max: 30 }),
            maxCount: fc.integer({ min: 1, max: 6 }),
          }),
          { minLength: 1, maxLength: 2 },
        ),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    kind: fc.constantFrom<"batch" | "online">("batch", "online"),
    requiredTenths: fc.integer({ min: 1, max: 150 }),
    maxGpus: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
    perHourBudget: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
  })
  .map(({ pools, kind, requiredTenths, maxGpus, perHourBudget }) => ({
    candidates: pools.flatMap((pool, p) =>
      pool.kinds.map((k) =>
        testCandidate({
          poolId: `p${p}`,
          role: "both",
          gpus: k.gpus,
          tp: k.gpus,
          rate: (k.ratePerGpuTenths * k.gpus) / 10,
          pricePerHour: pool.pricePerGpu * k.gpus,
          maxCount: k.maxCount,
        }),
      ),
    ),
    poolGpus: new Map(pools.map((pool, p) => [`p${p}`, pool.gpus])),
    goal: { kind, requiredRate: requiredTenths / 10, maxGpus, perHourBudget },
  }));

const totals = (assignment: TAssignment) => ({
  cost: planCostPerHour(assignment),
  rate: servedRate(assignment),
  gpus: planGpus(assignment),
});

/** Every assignment of counts that fits each pool's GPUs, each kind's maxCount and the GPU cap. */
function* everyFittingAssignment(
  candidates: readonly TCandidate[],
  poolGpus: ReadonlyMap<string, number>,
  maxGpus = Number.POSITIVE_INFINITY,
): Generator<TAssignment> {
  const used = new Map<string, number>();
  const counts = candidates.map(() => 0);
  function* place(i: number, total: number): Generator<TAssignment> {
    if (i === candidates.length) {
      yield candidates.map((candidate, j) => ({ candidate, count: counts[j]! })).filter((a) => a.count > 0);
      return;
    }
    const c = candidates[i]!;
    for (let n = 0; n <= c.maxCount; n += 1) {
      const poolUsed = (used.get(c.poolId) ?? 0) + n * c.gpus;
      if (poolUsed > (poolGpus.get(c.poolId) ?? 0) || total + n * c.gpus > maxGpus) break;
      counts[i] = n;
      used.set(c.poolId, poolUsed);
      yield* place(i + 1, total + n * c.gpus);
      used.set(c.poolId, poolUsed - n * c.gpus);
    }
    counts[i] = 0;
  }
  yield* place(0, 0);
}

const objective = (goal: TParetoGoal, t: { cost: number; rate: number }) =>
  goal.kind === "online" ? t.cost : t.cost / t.rate;

/** The best objective, and the lowest hourly cost among the plans that reach it (the tie rule). */
function enumeratedBest({ candidates, poolGpus, goal }: TInstance): { value: number; cost: number } | undefined {
  const plans: { value: number; cost: number }[] = [];
  for (const assignment of everyFittingAssignment(candidates, poolGpus, goal.maxGpus)) {
    const t = totals(assignment);
    if (t.rate < goal.requiredRate * (1 - 1e-9)) continue;
    if (goal.perHourBudget !== undefined && t.cost > goal.perHourBudget * (1 + 1e-9)) continue;
    plans.push({ value: objective(goal, t), cost: t.cost });
  }
  if (plans.length === 0) return undefined;
  const value = Math.min(...plans.map((p) => p.value));
  const cost = Math.min(...plans.filter((p) => p.value <= value * (1 + 1e-9)).map((p) => p.cost));
  return { value, cost };
}

/** Holds the pools' GPUs, each kind's maxCount, the cap and the budget, and carries the rate. */
function expectAllowed(assignment: TAssignment, { candidates, poolGpus, goal }: TInstance): void {
  const perPool = new Map<string, number>();
  for (const { candidate, count } of assignment) {
    expect(candidates).toContain(candidate);
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThanOrEqual(candidate.maxCount);
    perPool.set(candidate.poolId, (perPool.get(candidate.poolId) ?? 0) + count * candidate.gpus);
  }
  for (const [poolId, gpus] of perPool) expect(gpus).toBeLessThanOrEqual(poolGpus.get(poolId) ?? 0);
  const t = totals(assignment);
  expect(t.gpus).toBeLessThanOrEqual(goal.maxGpus ?? Number.POSITIVE_INFINITY);
  expect(t.cost).toBeLessThanOrEqual((goal.perHourBudget ?? Number.POSITIVE_INFINITY) * (1 + 1e-9));
  expect(t.rate).toBeGreaterThanOrEqual(goal.requiredRate * (1 - 1e-9));
}

describe("paretoSearch against enumeration", () => {
  it("finds a plan exactly when one exists, and it is as good as the best enumerated one", () => {
    const outcomes = { found: 0, none: 0 };
    fc.assert(
      fc.property(instance, (inst) => {
        const best = enumeratedBest(inst);
        const plan = paretoSearch(inst.candidates, inst.poolGpus, inst.goal);
        if (best === undefined) {
          expect(plan).toBeUndefined();
          outcomes.none += 1;
          return;
        }
        expect(plan, `enumeration found ${best.value}`).toBeDefined();
        expectAllowed(plan!, inst);
        expect(objective(inst.goal, totals(plan!))).toBeCloseTo(best.value, 9);
        // Batch: of plans with the same cost per request, the one that costs least per hour.
        expect(totals(plan!).cost).toBeCloseTo(best.cost, 9);
        outcomes.found += 1;
      }),
      { seed: 20_261_205, numRuns: 3_000 },
    );
    // Both outcomes must be common, or the property proves little.
    expect(outcomes.found).toBeGreaterThan(1_000);
    expect(outcomes.none).toBeGreaterThan(300);
  }, 60_000);
});

describe("maxColocatedServed against enumeration", () => {
  it("serves the most rate any fitting assignment can", () => {
    fc.assert(
      fc.property(instance, (inst) => {
        let best = 0;
        for (const assignment of everyFittingAssignment(inst.candidates, inst.poolGpus, inst.goal.maxGpus))
          best = Math.max(best, totals(assignment).rate);
        const served = maxColocatedServed(inst.candidates, inst.poolGpus, inst.goal.maxGpus);
        expectAllowed(served, { ...inst, goal: { ...inst.goal, requiredRate: 0, perHourBudget: undefined } });
        expect(totals(served).rate).toBeCloseTo(best, 9);
      }),
      { seed: 20_261_206, numRuns: 1_000 },
    );
  }, 60_000);
});
