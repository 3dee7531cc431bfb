import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bruteForceSelect } from "./brute-force.ts";
import { randomSmallInstance } from "./random-instances.ts";
import { selectGpusWith, selectionProblem } from "./select-gpus.ts";

describe("selectGpus against brute force", () => {
  it("matches the enumerated optimum (colocated mixes, or one prefill kind with one decode kind) within 0.5% and is never infeasible when brute force finds a plan", () => {
    const outcomes = { feasible: 0, infeasible: 0, disaggregated: 0 };
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const { workload, capacity, options } = randomSmallInstance(seed);
        const problem = selectionProblem(workload, capacity, options);
        // Brute force sees every candidate, including the TP degrees the optimiser prunes.
        const oracle = bruteForceSelect(workload, problem.report.candidates, problem.poolGpus, problem.safetyMargin, {
          maxGpus: options.maxGpus,
          budget: options.budget,
        });
        const plan = selectGpusWith(workload, capacity, { ...options, alternatives: 0 });
        if (!oracle) {
          expect(plan.feasible, `seed ${seed}: optimiser found a plan brute force did not`).toBe(false);
          outcomes.infeasible += 1;
          return;
        }
        expect(plan.feasible, `seed ${seed}: brute force found $${oracle.objective}`).toBe(true);
        expect(Math.abs(plan.totalCost - oracle.objective) / oracle.objective, `seed ${seed}`).toBeLessThanOrEqual(
          0.005,
        );
        outcomes.feasible += 1;
        if (plan.replicas.some((r) => r.role !== "both")) outcomes.disaggregated += 1;
      }),
      { seed: 20_260_301, numRuns: 250 },
    );
    // The distribution must exercise both outcomes, or the property proves little.
    expect(outcomes.feasible).toBeGreaterThan(60);
    expect(outcomes.infeasible).toBeGreaterThan(20);
    // And split plans (one prefill kind, one decode kind) must win some instances.
    expect(outcomes.disaggregated).toBeGreaterThan(0);
  }, 120_000);
});
