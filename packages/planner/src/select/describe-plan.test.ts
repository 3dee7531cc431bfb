import { describe, expect, it } from "vitest";
import type { TAlternative } from "../types.ts";
import { riskFactor } from "./build-candidates.ts";
import {
  describeAssignment,
  explainFeasible,
  rebaseAlternatives,
  round,
  toAlternative,
  toPlanOption,
} from "./describe-plan.ts";
import { TEN_PER_SECOND_ONLINE, testCandidate, TWO_PER_SECOND_BATCH } from "./test-inputs.ts";

// Exact plans and sentences for hand-made assignments: the numbers and words a user reads.

const h100 = testCandidate({
  poolId: "a",
  role: "both",
  market: "spot",
  rate: 1,
  rateP50: 1.25,
  pricePerHour: 3,
  ttftP95Ms: 120.34,
  tpotP95Ms: 30.06,
});
const a100 = testCandidate({
  poolId: "b",
  role: "both",
  gpuType: "A100-80GB",
  rate: 1,
  pricePerHour: 4,
  startupHours: 0.5,
  ttftP95Ms: 90,
  tpotP95Ms: 41.25,
});
const machines = testCandidate({
  poolId: "g",
  role: "both",
  gpuType: "L40S",
  tp: 4,
  pp: 2,
  gpus: 8,
  machines: 2,
  instanceType: "g6e.12xlarge",
  replicasPerUnit: 1,
  rate: 1,
  pricePerHour: 20,
});
// Called inside tests: a call while the file loads would make its mutants static for Stryker.
const h100P90 = () => riskFactor("p90", "H100-SXM");

describe("toPlanOption", () => {
  it("batch: cost, GPUs, the median and P90 finish from the decision, start-up included", () => {
    // 2 units at 1 req/s planned, 1.25 at the median: 7,200 requests take 0.8 h at the median.
    const option = toPlanOption(TWO_PER_SECOND_BATCH, [{ candidate: h100, count: 2 }]);
    // Strict: a replica without machines has no machines or instanceType key at all.
    expect(option).toStrictEqual({
      replicas: [{ poolId: "a", gpuType: "H100-SXM", market: "spot", tp: 1, count: 2, role: "both" }],
      gpus: 2,
      costPerHour: 6,
      totalCost: 6,
      tokensPerSecond: 2500,
      startupHours: 0.25,
      predictedHours: 1.05,
      predictedHoursP90: Number((0.25 + 0.8 / h100P90()).toPrecision(7)),
    });
    expect(h100P90()).toBeLessThan(1);
  });

  it("takes the slowest start-up of the plan and lists machines, pipeline stages and replicas per unit", () => {
    const twoPerUnit = { ...machines, pp: 1, replicasPerUnit: 2, startupHours: 0.75 };
    const option = toPlanOption(TWO_PER_SECOND_BATCH, [
      { candidate: machines, count: 3 },
      { candidate: twoPerUnit, count: 1 },
    ]);
    expect(option.replicas).toEqual([
      {
        poolId: "g",
        gpuType: "L40S",
        market: "on-demand",
        tp: 4,
        count: 3,
        role: "both",
        pp: 2,
        machines: 6,
        instanceType: "g6e.12xlarge",
      },
      {
        poolId: "g",
        gpuType: "L40S",
        market: "on-demand",
        tp: 4,
        count: 2,
        role: "both",
        machines: 2,
        instanceType: "g6e.12xlarge",
      },
    ]);
    expect(option.gpus).toBe(32);
    expect(option.startupHours).toBe(0.75);
    // 4 req/s for 7,200 requests: half an hour after the slowest start-up.
    expect(option.predictedHours).toBe(1.25);
  });

  it("online: the worst p95 latencies of the plan, to 0.1 ms, and no finish time", () => {
    const option = toPlanOption(TEN_PER_SECOND_ONLINE, [
      { candidate: h100, count: 2 },
      { candidate: a100, count: 1 },
    ]);
    expect(option.predictedLatency).toEqual({ ttftMs: 120.3, tpotMs: 41.3 });
    expect(option.totalCost).toBe(10);
    // Online units have no median rate of their own: 2 × 1.25 + 1 req/s of 1,000 tokens.
    expect(option.tokensPerSecond).toBe(3500);
    expect(option.predictedHours).toBeUndefined();
    expect(option.startupHours).toBe(0.5);
  });

  it("an empty plan costs nothing and predicts nothing", () => {
    expect(toPlanOption(TWO_PER_SECOND_BATCH, [])).toEqual({
      replicas: [],
      gpus: 0,
      costPerHour: 0,
      totalCost: 0,
      tokensPerSecond: 0,
    });
    expect(toPlanOption(TEN_PER_SECOND_ONLINE, []).predictedLatency).toBeUndefined();
  });
});

describe("describeAssignment", () => {
  it("names replicas, layout, machines, market and pool", () => {
    expect(describeAssignment([{ candidate: h100, count: 2 }])).toBe("2 × H100-SXM TP1 on spot (pool a)");
    expect(describeAssignment([{ candidate: machines, count: 2 }])).toBe(
      "2 × L40S TP4 PP2 on 4 × g6e.12xlarge, on-demand (pool g)",
    );
    expect(
      describeAssignment([{ candidate: { ...machines, instanceType: undefined, replicasPerUnit: 2 }, count: 1 }]),
    ).toBe("2 × L40S TP4 PP2 on 2 × 4-GPU machine, on-demand (pool g)");
    expect(
      describeAssignment([
        { candidate: h100, count: 2 },
        { candidate: a100, count: 1 },
      ]),
    ).toBe("2 × H100-SXM TP1 on spot (pool a) + 1 × A100-80GB TP1 on on-demand (pool b)");
  });

  it("joins several replica kinds of one role with +", () => {
    const p = { ...h100, role: "prefill" as const };
    expect(
      describeAssignment([
        { candidate: p, count: 1 },
        { candidate: { ...p, poolLabel: "pool c" }, count: 2 },
        { candidate: { ...a100, role: "decode" }, count: 1 },
      ]),
    ).toBe(
      "Prefill: 1 × H100-SXM TP1 on spot (pool a) + 2 × H100-SXM TP1 on spot (pool c); Decode: 1 × A100-80GB TP1 on on-demand (pool b)",
    );
  });

  it("splits prefill from decode", () => {
    const p = { ...h100, role: "prefill" as const };
    const d = { ...a100, role: "decode" as const };
    expect(
      describeAssignment([
        { candidate: p, count: 1 },
        { candidate: d, count: 3 },
        { candidate: { ...d, poolLabel: "pool c" }, count: 1 },
      ]),
    ).toBe(
      "Prefill: 1 × H100-SXM TP1 on spot (pool a); Decode: 3 × A100-80GB TP1 on on-demand (pool b) + 1 × A100-80GB TP1 on on-demand (pool c)",
    );
  });

  it("labels the two sides only when the plan has both: one side alone reads as a plain list", () => {
    // A "Prefill: …; Decode: …" sentence with one side empty would name replicas that do not exist.
    const p = { ...h100, role: "prefill" as const };
    const d = { ...a100, role: "decode" as const };
    expect(describeAssignment([{ candidate: p, count: 2 }])).toBe("2 × H100-SXM TP1 on spot (pool a)");
    expect(describeAssignment([{ candidate: d, count: 1 }])).toBe("1 × A100-80GB TP1 on on-demand (pool b)");
  });
});

describe("toAlternative and round", () => {
  it("prices a runner-up against the plan, to the cent", () => {
    const best = toPlanOption(TWO_PER_SECOND_BATCH, [{ candidate: h100, count: 2 }]);
    const alternative = toAlternative(
      TWO_PER_SECOND_BATCH,
      [{ candidate: { ...a100, pricePerHour: 4.005 }, count: 2 }],
      best,
    );
    expect(alternative.costDelta).toBe(2.01);
    expect(alternative.summary).toBe("2 × A100-80GB TP1 on on-demand (pool b)");
    expect(round(2.345, 1)).toBe(2.3);
    expect(round(-1.25, 1)).toBe(-1.2);
  });
});

describe("rebaseAlternatives", () => {
  it("prices another search's runners-up against the plan, drops the cheaper ones and rewrites the runner-up sentence", () => {
    const context = { safetyMargin: 0.15, options: 5, risk: "p90" as const };
    const assignment = [{ candidate: h100, count: 2 }];
    const best = toPlanOption(TWO_PER_SECOND_BATCH, assignment);
    const plan = {
      ...best,
      alternatives: [] as TAlternative[],
      reason: `${explainFeasible(TWO_PER_SECOND_BATCH, "llama-3.1-8b", assignment, best, [], context)} Engine: orca.`,
    };
    const elsewhere = toPlanOption(TWO_PER_SECOND_BATCH, [{ candidate: { ...h100, pricePerHour: 2 }, count: 2 }]);
    const found = [
      toAlternative(TWO_PER_SECOND_BATCH, [{ candidate: a100, count: 2 }], elsewhere),
      toAlternative(TWO_PER_SECOND_BATCH, [{ candidate: { ...h100, pricePerHour: 2.5 }, count: 2 }], elsewhere),
    ];
    const rebased = rebaseAlternatives(TWO_PER_SECOND_BATCH, plan, found);
    expect(rebased.alternatives.map((a) => [a.summary, a.costDelta])).toEqual([
      ["2 × A100-80GB TP1 on on-demand (pool b)", 2],
    ]);
    expect(rebased.reason).not.toContain("there is no runner-up");
    expect(rebased.reason).toMatch(
      /The runner-up, 2 × A100-80GB TP1 on on-demand \(pool b\), would cost \$8\.00 in total, \$2\.00 more \(\+33\.3%\)\. Engine: orca\.$/,
    );
  });
});

describe("explainFeasible", () => {
  const context = { safetyMargin: 0.15, options: 5, risk: "p90" as const };

  it("batch: cost, finish, start-up, deadline, risk and the runner-up", () => {
    const assignment = [{ candidate: h100, count: 2 }];
    const best = toPlanOption(TWO_PER_SECOND_BATCH, assignment);
    const alternative = toAlternative(TWO_PER_SECOND_BATCH, [{ candidate: a100, count: 2 }], best);
    const p90 = `${(h100P90() * 100).toFixed(0)}% of the predicted throughput`;
    const finish = `P90 finish ${(best.predictedHoursP90 ?? 0).toFixed(2)} h`;
    expect(explainFeasible(TWO_PER_SECOND_BATCH, "llama-3.1-8b", assignment, best, [alternative], context)).toBe(
      "Run 2 × H100-SXM TP1 on spot (pool a): 2 GPUs at $6.00/h, $6.00 in total, finishing 7,200 requests " +
        "(7.2M tokens of llama-3.1-8b) in a predicted 1.05 h (15m of it start-up: provisioning and model load) " +
        "within the 1h deadline. It is sized to meet the deadline at the model's P90: it plans on " +
        `${p90}, the low end of the model's band on measured runs it was not fitted to, so it finishes in ` +
        `time in 9 of 10 such jobs (${finish}), plus a 15% safety margin. Of 5 replica options that fit, this ` +
        "has the lowest cost per token; because every replica runs until the job is done, total cost does not " +
        "change with the replica count, so the plan uses the fewest GPUs that still meet the deadline. " +
        "The runner-up, 2 × A100-80GB TP1 on on-demand (pool b), would cost $8.00 in total, $2.00 more (+33.3%).",
    );
    expect(
      explainFeasible(TWO_PER_SECOND_BATCH, "llama-3.1-8b", assignment, best, [], { ...context, risk: "p50" }),
    ).toContain(
      `It is sized at the model's median throughput with a 15% safety margin (${finish}). Of 5 replica options`,
    );
  });

  it("online: rate, latencies against the targets, the split's KV hand-off, and no runner-up", () => {
    // 2.5 MB over 100 Gbit/s a machine (200 over 2 on the prefill side): 0.2 ms.
    const p = { ...h100, role: "prefill" as const, kvBytesPerRequest: 2.5e6, networkGbps: 200, machines: 2, gpus: 1 };
    const d = { ...a100, role: "decode" as const };
    const assignment = [
      { candidate: { ...p, machines: undefined, networkGbps: 100 }, count: 1 },
      { candidate: d, count: 1 },
    ];
    const best = toPlanOption(TEN_PER_SECOND_ONLINE, assignment);
    expect(explainFeasible(TEN_PER_SECOND_ONLINE, "llama-3.1-8b", assignment, best, [], context)).toBe(
      "Serve 10 req/s of llama-3.1-8b (plus a 15% margin) on Prefill: 1 × H100-SXM TP1 on spot (pool a); " +
        "Decode: 1 × A100-80GB TP1 on on-demand (pool b): 2 GPUs at $7.00/h. Each replica is sized to the " +
        "load at which its predicted p95 TTFT (120.3 ms) and TPOT (41.3 ms) stay within the 500 ms / 50 ms " +
        "targets; of 5 replica options that meet them, this mix has the lowest hourly cost. Prefill and decode " +
        "run on separate replicas because that costs less than any plan where every replica does both: each " +
        "request's KV cache (2.5 MB) moves from prefill to decode in 0.2 ms over 100 Gbit/s within the 500 ms " +
        "TTFT target. No other kind of replica can meet the target, so there is no runner-up.",
    );
    const machinePair = [
      { candidate: p, count: 1 },
      { candidate: { ...d, networkGbps: 400 }, count: 1 },
    ];
    expect(
      explainFeasible(
        TWO_PER_SECOND_BATCH,
        "llama-3.1-8b",
        machinePair,
        toPlanOption(TWO_PER_SECOND_BATCH, machinePair),
        [],
        context,
      ),
    ).toContain("(2.5 MB) moves from prefill to decode in 0.2 ms over 100 Gbit/s. No other kind");
  });

  it("finds the prefill and decode sides wherever they are listed, and the slower network per machine", () => {
    // The decode side is the slower one: 50 Gbit/s over 2 machines, 25 each; 2.5 MB (20 Mbit) of
    // KV cache take 0.8 ms at 25 Gbit/s. Either order of the two sides reads the same.
    const p = { ...h100, role: "prefill" as const, kvBytesPerRequest: 2.5e6, networkGbps: 100 };
    const d = { ...a100, role: "decode" as const, kvBytesPerRequest: 9e6, networkGbps: 50, machines: 2 };
    for (const assignment of [
      [
        { candidate: d, count: 1 },
        { candidate: p, count: 1 },
      ],
      [
        { candidate: p, count: 1 },
        { candidate: d, count: 1 },
      ],
    ]) {
      const best = toPlanOption(TWO_PER_SECOND_BATCH, assignment);
      expect(explainFeasible(TWO_PER_SECOND_BATCH, "llama-3.1-8b", assignment, best, [], context)).toContain(
        "each request's KV cache (2.5 MB) moves from prefill to decode in 0.8 ms over 25 Gbit/s. No other kind",
      );
    }
  });

  it("batch: a plan of several GPU types is sized on the lowest P90 factor among them", () => {
    // L4 has no measured rows: its band is wider than the H100's.
    const l4 = { ...a100, gpuType: "L4", rateP50: 1 };
    const assignment = [
      { candidate: h100, count: 1 },
      { candidate: l4, count: 1 },
    ];
    const factor = riskFactor("p90", "L4");
    expect(factor).toBeLessThan(h100P90());
    const text = explainFeasible(
      TWO_PER_SECOND_BATCH,
      "llama-3.1-8b",
      assignment,
      toPlanOption(TWO_PER_SECOND_BATCH, assignment),
      [],
      context,
    );
    expect(text).toContain(`it plans on ${(factor * 100).toFixed(0)}% of the predicted throughput`);
  });

  it("online: one GPU, and a runner-up against a free plan has no percentage", () => {
    const free = [{ candidate: { ...h100, pricePerHour: 0 }, count: 1 }];
    const best = toPlanOption(TEN_PER_SECOND_ONLINE, free);
    const alternative = toAlternative(TEN_PER_SECOND_ONLINE, [{ candidate: a100, count: 1 }], best);
    const text = explainFeasible(TEN_PER_SECOND_ONLINE, "llama-3.1-8b", free, best, [alternative], context);
    expect(text).toContain("on 1 × H100-SXM TP1 on spot (pool a): 1 GPU at $0.00/h.");
    expect(text).toMatch(
      /lowest hourly cost\. The runner-up, 1 × A100-80GB TP1 on on-demand \(pool b\), would cost \$4\.00\/h, \$4\.00 more\.$/,
    );
  });

  it("explains the prefill-to-decode hand-off only for a plan with both sides", () => {
    // Only a prefill side: no KV cache crosses to a decode replica, so no split paragraph.
    const prefillOnly = [{ candidate: { ...h100, role: "prefill" as const }, count: 1 }];
    const text = explainFeasible(
      TEN_PER_SECOND_ONLINE,
      "llama-3.1-8b",
      prefillOnly,
      toPlanOption(TEN_PER_SECOND_ONLINE, prefillOnly),
      [],
      context,
    );
    expect(text).toContain("this mix has the lowest hourly cost. No other kind of replica can meet the target");
    expect(text).not.toContain("separate replicas");
  });

  it("online: a plan with no replicas predicts no latency and reads 0 ms for both", () => {
    const text = explainFeasible(
      TEN_PER_SECOND_ONLINE,
      "llama-3.1-8b",
      [],
      toPlanOption(TEN_PER_SECOND_ONLINE, []),
      [],
      context,
    );
    expect(text).toContain(
      "0 GPUs at $0.00/h. Each replica is sized to the load at which its predicted p95 TTFT (0 ms) and TPOT (0 ms) stay within the 500 ms / 50 ms targets",
    );
  });
});
