import { describe, expect, it } from "vitest";
import { emptyCalibration, recordObservation } from "../perf/calibration.ts";
import {
  MAX_PLAN_GPUS_PER_POOL,
  type TBatchWorkload,
  type TCapacity,
  type TOnlineWorkload,
  type TWorkload,
} from "../types.ts";
import { formatUsdPerHour } from "@koi/catalog/format-usd";
import { planObjective } from "./evaluate-plan.ts";
import { MAX_POOLS_SEARCHED } from "./pareto-search.ts";
import { selectGpus, selectionProblem, type TSelectOptions } from "./select-gpus.ts";
import { testPool as pool } from "./test-inputs.ts";

const CAPACITY: TCapacity = {
  pools: [
    pool("use1-h100-od", "H100-SXM", "on-demand", 16, 6.88),
    pool("use1-h100-spot", "H100-SXM", "spot", 8, 3.2),
    pool("use1-a100-od", "A100-80GB", "on-demand", 16, 5.12),
    pool("use1-l40s-od", "L40S", "on-demand", 32, 1.86),
    pool("use1-l4-spot", "L4", "spot", 24, 0.4),
  ],
};

const BATCH: TBatchWorkload = {
  kind: "batch",
  model: "meta-llama/Llama-3.1-70B-Instruct",
  requests: 10_000,
  avgInputTokens: 1000,
  avgOutputTokens: 300,
  deadlineHours: 2,
};
const ONLINE: TOnlineWorkload = {
  kind: "online",
  model: "meta-llama/Llama-3.1-8B-Instruct",
  requestsPerSecond: 20,
  avgInputTokens: 800,
  avgOutputTokens: 200,
  ttftP95Ms: 1000,
  tpotP95Ms: 80,
};

const familyOf = (p: { replicas: { gpuType: string; market: string; tp: number; count: number }[] }) =>
  [...p.replicas].sort((a, b) => b.count * b.tp - a.count * a.tp).map((r) => `${r.gpuType}|${r.market}|${r.tp}`)[0];

describe("selectGpus: feasible plans", () => {
  it("plans the example batch job on the cheapest-per-token replicas with distinct runners-up", async () => {
    const plan = await selectGpus(BATCH, CAPACITY);
    expect(plan.feasible).toBe(true);
    expect(plan.engine).toBe("orca");
    // Planned at P90 with start-up counted: even the P90 finish is inside the deadline.
    expect(plan.predictedHoursP90).toBeLessThanOrEqual(2);
    expect(plan.predictedHours).toBeLessThan(plan.predictedHoursP90 ?? 0);
    expect(plan.startupHours).toBeGreaterThan(0.25);
    expect(plan.reason).toMatch(/P90/);
    // The objective is the cost at the planned (P90) rate: above the median bill, never below it.
    expect(plan.totalCost).toBeGreaterThanOrEqual(
      plan.costPerHour * ((plan.predictedHours ?? 0) - (plan.startupHours ?? 0)),
    );
    expect(plan.alternatives.length).toBeGreaterThanOrEqual(2);
    const families = [plan, ...plan.alternatives].map(familyOf);
    expect(new Set(families).size).toBe(families.length);
    for (const alternative of plan.alternatives) expect(alternative.costDelta).toBeGreaterThanOrEqual(0);
    expect(plan.reason).toMatch(/runner-up/);
  });

  it("uses only the replica sizes a pool launches whole (an engine that gives TP4 a whole 8-GPU machine)", async () => {
    const free = await selectGpus(BATCH, { pools: [pool("h100", "H100-SXM", "spot", 16, 3.2)] }, { alternatives: 0 });
    const whole = await selectGpus(
      BATCH,
      { pools: [{ ...pool("h100", "H100-SXM", "spot", 16, 3.2), replicaSizes: [8] }] },
      { alternatives: 0 },
    );
    expect(free.replicas.some((r) => r.tp !== 8)).toBe(true);
    expect(whole.feasible).toBe(true);
    expect(whole.replicas.every((r) => r.tp === 8)).toBe(true);
  });

  it("names pools in its sentences by the name the caller gave, and by id only when there is none", async () => {
    const named: TCapacity = {
      pools: CAPACITY.pools.map((p) => ({
        ...p,
        id: `cmx9${p.id}`,
        name: `orca-east's ${p.gpuType} ${p.market} pool`,
      })),
    };
    const plan = await selectGpus(BATCH, named);
    const sentences = [plan.reason, ...plan.alternatives.map((a) => a.summary)].join("\n");
    expect(sentences).toMatch(/\(orca-east's [A-Z0-9-]+ (spot|on-demand) pool\)/);
    expect(sentences).not.toMatch(/cmx9/);
    const unnamed = await selectGpus(BATCH, CAPACITY);
    expect(unnamed.alternatives[0]?.summary).toMatch(/\(pool use1-[a-z0-9-]+\)/);
  });

  it("keeps total cost when the deadline tightens, buying more GPUs instead", async () => {
    const h100s: TCapacity = { pools: [pool("h100", "H100-SXM", "on-demand", 64, 6.88)] };
    const relaxed = await selectGpus({ ...BATCH, requests: 200_000, deadlineHours: 12 }, h100s);
    const tight = await selectGpus({ ...BATCH, requests: 200_000, deadlineHours: 3 }, h100s);
    expect(relaxed.feasible && tight.feasible).toBe(true);
    expect(tight.gpus).toBeGreaterThan(relaxed.gpus);
    expect(tight.predictedHoursP90).toBeLessThanOrEqual(3);
    // Same replica kind, so nearly the same cost per token; every machine bills its start-up, and
    // start-up is a larger share of a shorter deadline, so the tight plan costs a little more.
    expect(tight.totalCost).toBeGreaterThanOrEqual(relaxed.totalCost);
    expect(tight.totalCost).toBeLessThan(relaxed.totalCost * 1.1);
  });

  it("sizes an online service to the peak rate within the latency targets", async () => {
    const plan = await selectGpus(ONLINE, CAPACITY);
    expect(plan.feasible).toBe(true);
    expect(plan.engine).toBe("tuna");
    expect(plan.predictedLatency?.ttftMs).toBeLessThanOrEqual(ONLINE.ttftP95Ms);
    expect(plan.predictedLatency?.tpotMs).toBeLessThanOrEqual(ONLINE.tpotP95Ms);
    const busier = await selectGpus({ ...ONLINE, requestsPerSecond: 200 }, CAPACITY);
    expect(busier.costPerHour).toBeGreaterThan(plan.costPerHour * 3);
  });

  it("never costs more when disaggregation is allowed", async () => {
    const workload: TOnlineWorkload = {
      ...ONLINE,
      model: "llama-3.1-70b",
      avgInputTokens: 4000,
      avgOutputTokens: 200,
      ttftP95Ms: 3000,
      tpotP95Ms: 40,
      requestsPerSecond: 5,
    };
    const colocated = await selectGpus(workload, CAPACITY);
    const split = await selectGpus(workload, CAPACITY, { allowDisaggregation: true });
    expect(split.feasible).toBe(true);
    expect(split.costPerHour).toBeLessThanOrEqual(colocated.costPerHour + 1e-9);
  });

  it("moves away from a GPU that calibration shows to be slow", async () => {
    const before = await selectGpus(BATCH, CAPACITY);
    let calibration = emptyCalibration();
    for (let i = 0; i < 5; i += 1)
      calibration = recordObservation(calibration, {
        model: "llama-3.1-70b",
        gpu: "H100-SXM",
        tp: 4,
        observedTokensPerSecond: 3000,
        predictedTokensPerSecond: 10_000,
      });
    const after = await selectGpus(BATCH, CAPACITY, { calibration });
    expect(familyOf(before)).toBe("H100-SXM|spot|4");
    expect(familyOf(after)).not.toBe("H100-SXM|spot|4");
  });

  it("respects allowed markets", async () => {
    const plan = await selectGpus(BATCH, CAPACITY, { allowedMarkets: ["on-demand"] });
    expect(plan.replicas.every((r) => r.market === "on-demand")).toBe(true);
  });
});

type TBindingCase = {
  name: string;
  workload: TWorkload;
  capacity: TCapacity;
  options?: TSelectOptions;
  constraint: string;
};

const BINDING_CASES: TBindingCase[] = [
  {
    name: "a model too big for every GPU",
    workload: { ...BATCH, model: "llama-3.1-405b" },
    capacity: { pools: [pool("l4", "L4", "spot", 8, 0.4)] },
    constraint: "memory-fit",
  },
  {
    name: "a deadline no fleet can meet",
    workload: { ...BATCH, requests: 2_000_000, deadlineHours: 1 },
    capacity: { pools: [pool("h100", "H100-SXM", "on-demand", 8, 6.88)] },
    constraint: "deadline",
  },
  {
    name: "more traffic than the GPUs can serve",
    workload: { ...ONLINE, requestsPerSecond: 2000 },
    capacity: { pools: [pool("l4", "L4", "spot", 2, 0.4)] },
    constraint: "availability",
  },
  {
    name: "a quota below what is free",
    workload: { ...BATCH, requests: 100_000 },
    capacity: { pools: [pool("h100", "H100-SXM", "on-demand", 64, 6.88, 4)] },
    constraint: "quota",
  },
  {
    name: "a GPU cap",
    workload: { ...BATCH, requests: 100_000 },
    capacity: { pools: [pool("h100", "H100-SXM", "on-demand", 64, 6.88)] },
    options: { maxGpus: 4 },
    constraint: "max-gpus",
  },
  { name: "a batch budget", workload: BATCH, capacity: CAPACITY, options: { budget: 1 }, constraint: "budget" },
  { name: "an hourly budget", workload: ONLINE, capacity: CAPACITY, options: { budget: 0.5 }, constraint: "budget" },
  { name: "an impossible TPOT", workload: { ...ONLINE, tpotP95Ms: 1 }, capacity: CAPACITY, constraint: "latency" },
  {
    name: "an unknown GPU",
    workload: BATCH,
    capacity: { pools: [pool("tpu", "TPU-v5e", "on-demand", 8, 1.2)] },
    constraint: "unknown-gpu",
  },
  {
    name: "no free GPUs",
    workload: BATCH,
    capacity: { pools: [pool("h100", "H100-SXM", "on-demand", 0, 6.88)] },
    constraint: "availability",
  },
];

describe("selectGpus: infeasible plans name the binding constraint", () => {
  it.each(BINDING_CASES)("$name → $constraint", async ({ workload, capacity, options, constraint }) => {
    const plan = await selectGpus(workload, capacity, options);
    expect(plan.feasible).toBe(false);
    expect(plan.binding?.constraint).toBe(constraint);
    expect(plan.reason).toContain(constraint);
  });

  it("reports the earliest finish with every available GPU when the deadline binds", async () => {
    const plan = await selectGpus(
      { ...BATCH, requests: 2_000_000, deadlineHours: 1 },
      { pools: [pool("h100", "H100-SXM", "on-demand", 8, 6.88)] },
    );
    expect(plan.binding?.bestAchievableHours).toBeGreaterThan(1);
    expect(plan.gpus).toBe(8);
    expect(plan.predictedHoursP90).toBeCloseTo(plan.binding?.bestAchievableHours ?? 0, 4);
  });
});

describe("selectGpus: capacity a tenant reports is searched within bounds", () => {
  // Pools come from tenants' agents (up to 500 pools of 1,000,000 GPUs): one plan must not hold
  // the process that serves every tenant (docs/benchmarks.md, "decision time", has the timings).
  it("takes at most MAX_PLAN_GPUS_PER_POOL GPUs from a pool, and says so when that binds", async () => {
    const plan = await selectGpus(
      { ...BATCH, requests: Number.MAX_SAFE_INTEGER, deadlineHours: 24 },
      { pools: [pool("huge", "H100-SXM", "spot", 1_000_000, 1)] },
    );
    expect(plan.feasible).toBe(false);
    expect(plan.gpus).toBe(MAX_PLAN_GPUS_PER_POOL);
    expect(plan.binding?.detail).toContain("(one plan takes at most 1,024 GPUs from a pool)");
  });

  it("plans on the best-value pools when a tenant reports more than the search weighs", async () => {
    const pools = Array.from({ length: MAX_POOLS_SEARCHED + 8 }, (_, i) =>
      pool(`p${i}`, "H100-SXM", "spot", 1_000_000, 2 - i * 0.01),
    );
    const plan = await selectGpus({ ...BATCH, model: "llama-3.1-8b", requests: 1e10, deadlineHours: 24 }, { pools });
    expect(plan.feasible).toBe(true);
    // The cheapest pools come last in the list: the plan uses them, and no pool past the best 32.
    const used = new Set(plan.replicas.map((g) => g.poolId));
    expect(used.has(`p${MAX_POOLS_SEARCHED + 7}`)).toBe(true);
    expect([...used].every((id) => Number(id.slice(1)) >= 8)).toBe(true);
  });
});

describe("selectGpus: the plan's own sentences and limits", () => {
  it("ends a feasible reason with the engine and why", async () => {
    const plan = await selectGpus(ONLINE, CAPACITY, { alternatives: 0 });
    expect(plan.reason).toMatch(
      /no runner-up\. Engine: tuna, because online traffic \(20 req\/s, p95 TTFT 1000 ms\) needs Tuna's router, [^.]+\.$/,
    );
    expect(plan.reason).toMatch(/^Serve 20 req\/s of llama-3\.1-8b \(plus a 15% margin\) on /);
    expect(plan.alternatives).toEqual([]);
  });

  it("states the binding constraint and shows the best achievable plan when there is one", async () => {
    const quota = await selectGpus(
      { ...BATCH, requests: 100_000 },
      { pools: [pool("h100", "H100-SXM", "on-demand", 64, 6.88, 4)] },
    );
    expect(quota).toMatchObject({ feasible: false, kind: "batch", engine: "orca", alternatives: [] });
    expect(quota.gpus).toBe(4);
    expect(quota.reason).toBe(
      "No plan for llama-3.1-70b meets every constraint: the binding one is quota: enough GPUs are free, but the " +
        `pools' quotas stop the plan from using them. The best achievable plan is shown: 4 GPUs at ${formatUsdPerHour(quota.costPerHour)}.`,
    );
    const unknown = await selectGpus(BATCH, { pools: [pool("tpu", "TPU-v5e", "on-demand", 8, 1.2)] });
    expect(unknown.reason).toBe(
      "No plan for llama-3.1-70b meets every constraint: the binding one is unknown-gpu: no pool has a GPU type the catalog knows (TPU-v5e).",
    );
    expect(unknown).toMatchObject({ gpus: 0, costPerHour: 0, totalCost: 0, replicas: [] });
  });

  it("keeps a batch plan that costs exactly its budget, and refuses one a little over", async () => {
    const free = await selectGpus(BATCH, CAPACITY, { alternatives: 0 });
    const atBudget = await selectGpus(BATCH, CAPACITY, { alternatives: 0, budget: free.totalCost * (1 + 1e-6) });
    expect(atBudget.feasible).toBe(true);
    expect(atBudget.totalCost).toBe(free.totalCost);
    const under = await selectGpus(BATCH, CAPACITY, { alternatives: 0, budget: free.totalCost * 0.999 });
    expect(under.binding?.constraint).toBe("budget");
  });

  it("plans with a 15% safety margin unless told otherwise", async () => {
    const byDefault = await selectGpus(ONLINE, CAPACITY, { alternatives: 0 });
    const explicit = await selectGpus(ONLINE, CAPACITY, { alternatives: 0, safetyMargin: 0.15 });
    const none = await selectGpus(ONLINE, CAPACITY, { alternatives: 0, safetyMargin: 0 });
    expect(explicit).toEqual(byDefault);
    expect(none.reason).toMatch(/\(plus a 0% margin\)/);
  });
});

/** x and the doubles just below and above it. */
const budgetsNear = (x: number): number[] => {
  const bits = new BigInt64Array(new Float64Array([x]).buffer);
  const at = (delta: bigint) => new Float64Array(new BigInt64Array([bits[0]! + delta]).buffer)[0]!;
  return [-2n, -1n, 0n, 1n, 2n].map(at);
};

describe("selectGpus: precision, split pools and the batch budget's edge", () => {
  const h100s: TCapacity = { pools: [pool("h100", "H100-SXM", "on-demand", 16, 6.88)] };
  const layout = (p: { gpus: number; replicas: { tp: number; count: number }[] }) =>
    `${p.gpus} GPUs: ${p.replicas.map((r) => `${r.count} × TP${r.tp}`).join(" + ")}`;

  it("plans at the option's precision, else the workload's, else the one the model's name says", async () => {
    // The 70B model in BF16 needs a TP4 replica on H100s; in FP8 its weights fit in TP2.
    const bf16 = await selectGpus(BATCH, h100s, { alternatives: 0 });
    expect(layout(bf16)).toBe("4 GPUs: 1 × TP4");
    const fp8 = "2 GPUs: 1 × TP2";
    expect(layout(await selectGpus({ ...BATCH, precision: "fp8" }, h100s, { alternatives: 0 }))).toBe(fp8);
    expect(
      layout(await selectGpus({ ...BATCH, precision: "bf16" }, h100s, { alternatives: 0, precision: "fp8" })),
    ).toBe(fp8);
    expect(
      layout(await selectGpus({ ...BATCH, precision: "fp8" }, h100s, { alternatives: 0, precision: "bf16" })),
    ).toBe(layout(bf16));
    const named = { ...BATCH, model: "neuralmagic/Meta-Llama-3.1-70B-Instruct-FP8" };
    expect(selectionProblem(named, h100s).context.precision).toBe("fp8");
    expect(selectionProblem({ ...named, precision: "int4" }, h100s).context.precision).toBe("int4");
    expect(selectionProblem(BATCH, h100s).context.precision).toBe("bf16");
  });

  it("offers prefill and decode replicas only in the split pools, and colocated replicas in every pool", () => {
    const capacity: TCapacity = {
      pools: [pool("a", "H100-SXM", "on-demand", 8, 6.88), pool("b", "L40S", "on-demand", 8, 1.86)],
    };
    const { report } = selectionProblem(BATCH, capacity, { allowDisaggregation: true, disaggregationPoolIds: ["a"] });
    const rolesIn = (poolId: string) => [
      ...new Set(report.candidates.filter((c) => c.poolId === poolId).map((c) => c.role)),
    ];
    expect(rolesIn("a")).toEqual(["both", "prefill", "decode"]);
    expect(rolesIn("b")).toEqual(["both"]);
  });

  it("keeps a batch plan that costs its budget to the last bit, or exactly its 1e-9 float allowance over it", async () => {
    // One replica kind (TP4 only), so the plan is one TP4 replica and its exact cost can be computed.
    const options = { alternatives: 0, tpChoices: [4] };
    const [candidate] = selectionProblem(BATCH, h100s, options).report.candidates;
    const plan = await selectGpus(BATCH, h100s, options);
    expect(layout(plan)).toBe("4 GPUs: 1 × TP4");
    const cost = planObjective(BATCH, [{ candidate: candidate!, count: 1 }]);
    expect(plan.totalCost).toBe(Number(cost.toPrecision(7)));
    // The budget whose allowance, budget × (1 + 1e-9), is the plan's cost to the last bit.
    const onAllowance = budgetsNear(cost / (1 + 1e-9)).find((b) => b * (1 + 1e-9) === cost);
    expect(onAllowance).toBeLessThan(cost);
    for (const budget of [cost, onAllowance]) {
      const kept = await selectGpus(BATCH, h100s, { ...options, budget });
      expect(kept.feasible).toBe(true);
      expect(kept.totalCost).toBe(plan.totalCost);
    }
    const over = await selectGpus(BATCH, h100s, { ...options, budget: cost / (1 + 2e-9) });
    expect(over.feasible).toBe(false);
    expect(over.binding?.constraint).toBe("budget");
  });

  it("gives an earliest finish only when time binds, not for a plan that only costs too much", async () => {
    const overBudget = await selectGpus(BATCH, h100s, { alternatives: 0, tpChoices: [4], budget: 1 });
    expect(overBudget.feasible).toBe(false);
    // The plan shown meets the deadline: only its cost is over.
    expect(overBudget.predictedHoursP90).toBeLessThanOrEqual(BATCH.deadlineHours);
    expect(overBudget.binding).toStrictEqual({
      constraint: "budget",
      detail: expect.stringMatching(
        /^the cheapest plan that meets the target costs \$[\d.]+, over the \$1\.00 budget$/,
      ),
    });
  });

  it("says what rate the GPUs serve within the latency targets, not a budget nobody set, when only splits that break TTFT would serve", async () => {
    const service: TOnlineWorkload = {
      kind: "online",
      model: "llama-3.1-8b",
      requestsPerSecond: 1,
      avgInputTokens: 2000,
      avgOutputTokens: 200,
      ttftP95Ms: 400,
      tpotP95Ms: 30,
    };
    const l4s: TCapacity = { pools: [pool("l4", "L4", "on-demand", 16, 2)] };
    const plan = await selectGpus(service, l4s, { allowDisaggregation: true, alternatives: 0 });
    expect(plan.feasible).toBe(false);
    expect(plan.binding?.constraint).toBe("availability");
    expect(plan.binding?.detail).toMatch(/within the latency targets, short of the/);
  });
});
