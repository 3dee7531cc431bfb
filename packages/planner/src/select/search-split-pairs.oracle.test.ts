import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TCandidate } from "./build-candidates.ts";
import { kvTransferMs, planCostPerHour, planGpus, servedRate, type TAssignment } from "./evaluate-plan.ts";
import { maxSplitServed, searchSplitPairs, type TSplitGoal } from "./search-split-pairs.ts";
import { testCandidate } from "./test-inputs.ts";

// searchSplitPairs tries, per (prefill kind, decode kind) pair, only the counts that can be best
// (online: each side just carrying the rate; batch: decode counts matched to the prefill side or
// one below). Checked here against every count pair on small instances, with networks slow enough
// to cap a side, shared and separate pools, GPU caps, budgets and TTFT targets.

type TInstance = { candidates: TCandidate[]; poolGpus: Map<string, number>; goal: TSplitGoal };

const kind = fc.record({
  pool: fc.integer({ min: 0, max: 1 }),
  gpus: fc.constantFrom(1, 2),
  rateTenths: fc.integer({ min: 2, max: 40 }),
  maxCount: fc.integer({ min: 1, max: 6 }),
  ttftP95Ms: fc.integer({ min: 50, max: 500 }),
  networkGbps: fc.constantFrom(10, 100),
  // 1 MB never limits; 2.5 GB over 10 Gbps ships 0.5 req/s and takes 2 s.
  kvBytesPerRequest: fc.constantFrom(1e6, 1e6, 2.5e8, 2.5e9),
});

const instance: fc.Arbitrary<TInstance> = fc
  .record({
    pools: fc.array(fc.record({ gpus: fc.integer({ min: 1, max: 8 }), pricePerGpu: fc.integer({ min: 1, max: 6 }) }), {
      minLength: 2,
      maxLength: 2,
    }),
    prefills: fc.array(kind, { minLength: 1, maxLength: 2 }),
    decodes: fc.array(kind, { minLength: 1, maxLength: 2 }),
    kind: fc.constantFrom<"batch" | "online">("batch", "online"),
    requiredTenths: fc.integer({ min: 1, max: 40 }),
    maxGpus: fc.option(fc.integer({ min: 2, max: 10 }), { nil: undefined }),
    perHourBudget: fc.option(fc.integer({ min: 4, max: 60 }), { nil: undefined }),
    ttftP95Ms: fc.option(fc.integer({ min: 100, max: 2_000 }), { nil: undefined }),
  })
  .map(({ pools, prefills, decodes, kind, requiredTenths, maxGpus, perHourBudget, ttftP95Ms }) => ({
    candidates: [
      ...prefills.map((k) => ({ ...k, role: "prefill" as const })),
      ...decodes.map((k) => ({ ...k, role: "decode" as const })),
    ].map((k) =>
      testCandidate({
        poolId: `p${k.pool}`,
        role: k.role,
        gpus: k.gpus,
        tp: k.gpus,
        rate: k.rateTenths / 10,
        pricePerHour: pools[k.pool]!.pricePerGpu * k.gpus,
        maxCount: k.maxCount,
        ttftP95Ms: k.ttftP95Ms,
        networkGbps: k.networkGbps,
        kvBytesPerRequest: k.kvBytesPerRequest,
      }),
    ),
    poolGpus: new Map(pools.map((pool, p) => [`p${p}`, pool.gpus])),
    goal: {
      kind,
      requiredRate: requiredTenths / 10,
      maxGpus,
      perHourBudget: kind === "online" ? perHourBudget : undefined,
      ttftP95Ms,
    },
  }));

/** Every one-prefill-kind, one-decode-kind plan that fits the pools, the counts and the GPU cap. */
function* everyFittingPair({ candidates, poolGpus, goal }: TInstance): Generator<TAssignment> {
  for (const p of candidates.filter((c) => c.role === "prefill"))
    for (const d of candidates.filter((c) => c.role === "decode"))
      for (let x = 1; x <= p.maxCount; x += 1)
        for (let y = 1; y <= d.maxCount; y += 1) {
          const plan = [
            { candidate: p, count: x },
            { candidate: d, count: y },
          ];
          const perPool = new Map<string, number>();
          for (const { candidate, count } of plan)
            perPool.set(candidate.poolId, (perPool.get(candidate.poolId) ?? 0) + count * candidate.gpus);
          if ([...perPool].some(([poolId, gpus]) => gpus > (poolGpus.get(poolId) ?? 0))) continue;
          if (planGpus(plan) > (goal.maxGpus ?? Number.POSITIVE_INFINITY)) continue;
          yield plan;
        }
}

const objective = (goal: TSplitGoal, plan: TAssignment) =>
  goal.kind === "online" ? planCostPerHour(plan) : planCostPerHour(plan) / servedRate(plan);

/** Meets the rate, the budget and the TTFT target (the KV hand-off counted). */
function meetsGoal(goal: TSplitGoal, plan: TAssignment): boolean {
  const [p, d] = plan.map((a) => a.candidate) as [TCandidate, TCandidate];
  if (goal.ttftP95Ms !== undefined && p.ttftP95Ms + kvTransferMs(p, d) > goal.ttftP95Ms) return false;
  if (goal.perHourBudget !== undefined && planCostPerHour(plan) > goal.perHourBudget * (1 + 1e-9)) return false;
  return servedRate(plan) >= goal.requiredRate * (1 - 1e-9);
}

describe("searchSplitPairs against enumeration", () => {
  it("finds a split plan exactly when one exists, and it is as good as the best enumerated one", () => {
    const outcomes = { found: 0, none: 0 };
    fc.assert(
      fc.property(instance, (inst) => {
        const meeting = [...everyFittingPair(inst)].filter((plan) => meetsGoal(inst.goal, plan));
        const best = meeting.length ? Math.min(...meeting.map((plan) => objective(inst.goal, plan))) : undefined;
        const found = searchSplitPairs(inst.candidates, inst.poolGpus, inst.goal);
        if (best === undefined) {
          expect(found).toBeUndefined();
          outcomes.none += 1;
          return;
        }
        expect(found, `enumeration found ${best}`).toBeDefined();
        const fitting = [...everyFittingPair(inst)].some(
          (plan) =>
            plan[0]!.candidate === found![0]!.candidate &&
            plan[1]!.candidate === found![1]!.candidate &&
            plan[0]!.count === found![0]!.count &&
            plan[1]!.count === found![1]!.count,
        );
        expect(fitting, "the plan fits the pools, the counts and the GPU cap").toBe(true);
        expect(meetsGoal(inst.goal, found!)).toBe(true);
        expect(objective(inst.goal, found!)).toBeCloseTo(best, 9);
        // Of plans with the same cost per request (batch), the one that costs least per hour.
        const tied = meeting.filter((plan) => objective(inst.goal, plan) <= best * (1 + 1e-9));
        expect(planCostPerHour(found!)).toBeCloseTo(Math.min(...tied.map(planCostPerHour)), 9);
        outcomes.found += 1;
      }),
      { seed: 20_261_205, numRuns: 5_000 },
    );
    // Both outcomes must be common, or the property proves little.
    expect(outcomes.found).toBeGreaterThan(1_000);
    expect(outcomes.none).toBeGreaterThan(1_000);
  }, 60_000);
});

describe("maxSplitServed against enumeration", () => {
  it("serves the most rate any fitting pair can", () => {
    fc.assert(
      fc.property(instance, (inst) => {
        let best = 0;
        for (const plan of everyFittingPair(inst)) best = Math.max(best, servedRate(plan));
        const served = maxSplitServed(inst.candidates, inst.poolGpus, inst.goal.maxGpus);
        expect(servedRate(served)).toBeCloseTo(best, 9);
        if (best > 0)
          expect([...everyFittingPair(inst)].some((plan) => JSON.stringify(plan) === JSON.stringify(served))).toBe(
            true,
          );
      }),
      { seed: 20_261_206, numRuns: 1_000 },
    );
  }, 60_000);
});
