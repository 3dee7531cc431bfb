import { describe, expect, it } from "vitest";
import { emptyCandidateReport, type TCandidate, type TCandidateReport } from "./build-candidates.ts";
import { findBinding, type TBindingInput } from "./find-binding.ts";
import { TEN_PER_SECOND_ONLINE, testCandidate, testPool, TWO_PER_SECOND_BATCH } from "./test-inputs.ts";

// The constraint named and the sentence given, with candidates and reports made by hand.

const pool = (id: string, available: number, quota?: number) =>
  testPool(id, "H100-SXM", "on-demand", available, 3, quota);
const noReport: TCandidateReport = emptyCandidateReport();
const input = (over: Partial<TBindingInput> & Pick<TBindingInput, "requiredRate">): TBindingInput => ({
  workload: TWO_PER_SECOND_BATCH,
  pools: [pool("a", 4)],
  candidatesIgnoringQuota: [],
  report: noReport,
  ...over,
});
// One GPU of pool a serves 1 req/s for $3/h.
const unit = testCandidate({ poolId: "a", role: "both", rate: 1, pricePerHour: 3 });

describe("findBinding without a single candidate", () => {
  const bindingOf = (report: Partial<TCandidateReport>, pools = [pool("a", 4)]) =>
    findBinding(input({ requiredRate: 1, pools, report: { ...noReport, ...report } })).binding;

  it("names unknown GPUs only when no pool has a known one", () => {
    const tpus = [
      { ...pool("t1", 8), gpuType: "TPU-v5e" },
      { ...pool("t2", 8), gpuType: "TPU-v5e" },
    ];
    expect(bindingOf({ unknownGpus: ["TPU-v5e", "TPU-v5e"] }, tpus)).toEqual({
      constraint: "unknown-gpu",
      detail: "no pool has a GPU type the catalog knows (TPU-v5e)",
    });
    const two = [tpus[0]!, { ...tpus[1]!, gpuType: "TPU-v4" }];
    expect(bindingOf({ unknownGpus: ["TPU-v5e", "TPU-v4"] }, two).detail).toBe(
      "no pool has a GPU type the catalog knows (TPU-v5e, TPU-v4)",
    );
    expect(bindingOf({ unknownGpus: ["TPU-v5e"], memoryMisfits: ["H100-SXM TP1"] }, [tpus[0]!, pool("a", 4)])).toEqual({
      constraint: "memory-fit",
      detail: "the model does not fit any offered GPU and TP degree (tried H100-SXM TP1)",
    });
  });

  it("puts start-up first, then too few GPUs, latency and memory, listing at most three of the first two", () => {
    const all = {
      startupMisfits: ["A (20 min)", "B (21 min)", "C (22 min)", "D (23 min)"],
      tooFewGpus: ["H100-SXM TP8 in pool a", "H100-SXM TP4 in pool a", "L4 TP1 in pool b", "L4 TP2 in pool b"],
      // Each replica is named once however many pools offer it.
      latencyMisfits: ["H100-SXM TP1", "H100-SXM TP2 prefill", "H100-SXM TP1"],
      memoryMisfits: ["L4 TP1", "L4 TP1", "L4 TP2"],
    };
    expect(bindingOf(all)).toEqual({
      constraint: "deadline",
      detail: "start-up (provisioning and model load) takes the whole deadline (A (20 min), B (21 min), C (22 min))",
    });
    expect(bindingOf({ ...all, startupMisfits: [] })).toEqual({
      constraint: "availability",
      detail:
        "the pools have too few free GPUs for even one replica (H100-SXM TP8 in pool a, H100-SXM TP4 in pool a, L4 TP1 in pool b)",
    });
    expect(bindingOf({ ...all, startupMisfits: [], tooFewGpus: [] })).toEqual({
      constraint: "latency",
      detail:
        "no replica meets the latency targets even one request at a time (tried H100-SXM TP1, H100-SXM TP2 prefill)",
    });
    expect(bindingOf({ memoryMisfits: all.memoryMisfits })).toEqual({
      constraint: "memory-fit",
      detail: "the model does not fit any offered GPU and TP degree (tried L4 TP1, L4 TP2)",
    });
    expect(bindingOf({})).toEqual({ constraint: "availability", detail: "no pool offers GPUs in the allowed markets" });
    // No pool left in the allowed markets is not an unknown GPU.
    expect(findBinding(input({ requiredRate: 1, pools: [] }))).toEqual({
      binding: { constraint: "availability", detail: "no pool offers GPUs in the allowed markets" },
      assignment: [],
    });
  });
});

describe("findBinding with candidates", () => {
  it("batch: every available GPU is too slow: the earliest finish, and the plan that gets there", () => {
    // 4 GPUs at 0.25 req/s: 7,200 requests take 2 h.
    const slow = { ...unit, rate: 0.25 };
    expect(findBinding(input({ requiredRate: 2, candidatesIgnoringQuota: [slow] }))).toEqual({
      binding: {
        constraint: "deadline",
        detail: "with every available GPU the job needs 2.00 h, past the 1h deadline (after the safety margin)",
        bestAchievableHours: 2,
      },
      assignment: [{ candidate: slow, count: 4 }],
    });
  });

  it("online: every available GPU serves too little: the best rate, colocated or split", () => {
    const online = { workload: TEN_PER_SECOND_ONLINE, requiredRate: 12 };
    expect(findBinding(input({ ...online, candidatesIgnoringQuota: [unit] }))).toEqual({
      binding: {
        constraint: "availability",
        detail:
          "every available GPU together serves 4.00 req/s within the latency targets, short of the 12.00 req/s needed (with margin)",
        bestAchievableRequestsPerSecond: 4,
      },
      assignment: [{ candidate: unit, count: 4 }],
    });
    // A prefill and a decode replica of pool b serve 5 req/s, more than pool a's 4.
    const p = testCandidate({ poolId: "b", role: "prefill", rate: 5, pricePerHour: 1, kvBytesPerRequest: 0 });
    const d = testCandidate({ poolId: "b", role: "decode", rate: 5, pricePerHour: 1, kvBytesPerRequest: 0 });
    const pools = [pool("a", 4), pool("b", 2)];
    const split = findBinding(input({ ...online, pools, candidatesIgnoringQuota: [unit, p, d] }));
    expect(split.assignment).toEqual([
      { candidate: p, count: 1 },
      { candidate: d, count: 1 },
    ]);
    expect(split.binding.bestAchievableRequestsPerSecond).toBe(5);
    // A split that only ties keeps the colocated plan.
    const tie = findBinding(
      input({ ...online, pools, candidatesIgnoringQuota: [unit, { ...p, rate: 4 }, { ...d, rate: 4 }] }),
    );
    expect(tie.assignment).toEqual([{ candidate: unit, count: 4 }]);
  });

  it("online: a split whose KV hand-off breaks the TTFT target serves nothing within the targets", () => {
    // The pair would serve 20 req/s, but 499.99 ms of prefill plus the 1 MB hand-off at 100 Gbit/s
    // is past the 500 ms target; pool a's colocated GPU serves 1 req/s. Without a budget, the answer
    // was "budget: the cheapest plan costs $0.00/h, over the $0.00/h budget".
    const p = testCandidate({ poolId: "a", role: "prefill", rate: 20, pricePerHour: 1, ttftP95Ms: 499.99 });
    const d = testCandidate({ poolId: "a", role: "decode", rate: 20, pricePerHour: 1 });
    const r = findBinding(
      input({
        workload: TEN_PER_SECOND_ONLINE,
        requiredRate: 10,
        pools: [pool("a", 8)],
        candidatesIgnoringQuota: [{ ...unit, maxCount: 1 }, p, d],
      }),
    );
    expect(r.binding).toEqual({
      constraint: "availability",
      detail:
        "every available GPU together serves 1.00 req/s within the latency targets, short of the 10.00 req/s needed (with margin)",
      bestAchievableRequestsPerSecond: 1,
    });
  });

  it("quota: enough GPUs are free but the quota holds back", () => {
    expect(findBinding(input({ requiredRate: 3, pools: [pool("a", 8, 2)], candidatesIgnoringQuota: [unit] }))).toEqual({
      binding: {
        constraint: "quota",
        detail: "enough GPUs are free, but the pools' quotas stop the plan from using them",
        bestAchievableHours: 1,
      },
      assignment: [{ candidate: unit, count: 2 }],
    });
  });

  it("quota: a quota of nothing has no earliest finish", () => {
    const none = findBinding(input({ requiredRate: 1, pools: [pool("a", 8, 0)], candidatesIgnoringQuota: [unit] }));
    expect(none.binding.constraint).toBe("quota");
    expect(none.binding).not.toHaveProperty("bestAchievableHours");
    expect(none.assignment).toEqual([]);
  });

  it("a fleet, quota or cap that serves exactly the required rate, or less only by float noise, is enough", () => {
    for (const rate of [1, 1 - 1e-9]) {
      const exact = { ...unit, rate };
      const limits = [{ pools: [pool("a", 2)] }, { pools: [pool("a", 8, 2)] }, { pools: [pool("a", 8)], maxGpus: 2 }];
      for (const limit of limits)
        expect(
          findBinding(input({ requiredRate: 2, candidatesIgnoringQuota: [exact], ...limit })).binding.constraint,
        ).toBe("budget");
    }
  });

  it("max-gpus: the cap is too small; a cap large enough moves on to the budget", () => {
    const capped = input({ requiredRate: 3, pools: [pool("a", 8)], candidatesIgnoringQuota: [unit], maxGpus: 2 });
    expect(findBinding(capped)).toEqual({
      binding: { constraint: "max-gpus", detail: "the 2-GPU cap is too small for the target", bestAchievableHours: 1 },
      assignment: [{ candidate: unit, count: 2 }],
    });
    expect(findBinding({ ...capped, maxGpus: 3 }).binding.constraint).toBe("budget");
  });

  it("budget: the cheapest plan that meets the target, in dollars (batch) or dollars per hour (online)", () => {
    const candidates: TCandidate[] = [unit];
    const batch = findBinding(
      input({ requiredRate: 2, pools: [pool("a", 8)], candidatesIgnoringQuota: candidates, budget: 1 }),
    );
    expect(batch).toEqual({
      binding: {
        constraint: "budget",
        detail: "the cheapest plan that meets the target costs $6.00, over the $1.00 budget",
      },
      assignment: [{ candidate: unit, count: 2 }],
    });
    const online = findBinding(
      input({
        workload: TEN_PER_SECOND_ONLINE,
        requiredRate: 2,
        pools: [pool("a", 8)],
        candidatesIgnoringQuota: candidates,
      }),
    );
    expect(online.binding.detail).toBe(
      "the cheapest plan that meets the target costs $6.00/h, over the $0.00/h budget",
    );
  });
});
