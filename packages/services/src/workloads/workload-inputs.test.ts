import { describe, expect, it } from "vitest";
import { workloadOf, type TWorkloadSubmission } from "@koi/contracts/workloads/workloads";
import type { TReplicaGroup, TWorkload } from "@koi/planner";
import {
  largestGroup,
  remainingWorkload,
  selectOptionsFor,
  tokensPerRequest,
  workloadSpecFor,
} from "./workload-inputs.ts";

const online: TWorkloadSubmission = {
  kind: "online",
  model: "meta-llama/Llama-3.1-8B-Instruct",
  requestsPerSecond: 2,
  avgInputTokens: 8000,
  avgOutputTokens: 200,
  ttftP95Ms: 3000,
  tpotP95Ms: 20,
  allowedMarkets: ["on-demand"],
};

describe("submission → planner", () => {
  it("keeps allowDisaggregation out of the planner's workload (it is an option)", () => {
    expect(workloadOf({ ...online, allowDisaggregation: true })).not.toHaveProperty("allowDisaggregation");
  });

  it("offers prefill/decode splits only when the submission allows them and some pool's engine can run them", () => {
    expect(selectOptionsFor(online, ["pool-a"])).toEqual({ allowedMarkets: ["on-demand"] });
    expect(selectOptionsFor({ ...online, allowDisaggregation: false }, ["pool-a"])).not.toHaveProperty(
      "allowDisaggregation",
    );
    expect(selectOptionsFor({ ...online, allowDisaggregation: true }, [])).not.toHaveProperty("allowDisaggregation");
    expect(selectOptionsFor({ ...online, allowDisaggregation: true }, ["pool-a"])).toEqual({
      allowedMarkets: ["on-demand"],
      allowDisaggregation: true,
      disaggregationPoolIds: ["pool-a"],
    });
  });
});

describe("remainingWorkload", () => {
  const now = new Date("2026-03-01T12:00:00.000Z");
  const batch = {
    kind: "batch",
    model: "meta-llama/Llama-3.1-8B-Instruct",
    requests: 20_000,
    avgInputTokens: 1000,
    avgOutputTokens: 300,
    deadlineHours: 2,
    priority: "high",
    name: "nightly",
    budgetUsd: 40,
  };
  const at = (minutesFromNow: number) => new Date(now.getTime() + minutesFromNow * 60_000);

  it("sizes a batch job for the requests not yet done and the hours left to its deadline", () => {
    expect(remainingWorkload({ spec: batch, deadlineAt: at(90), progressDone: 5_000.4 }, now)).toStrictEqual({
      kind: "batch",
      model: "meta-llama/Llama-3.1-8B-Instruct",
      requests: 15_000, // 14,999.6 left: a request partly done is still to do
      avgInputTokens: 1000,
      avgOutputTokens: 300,
      deadlineHours: 1.5,
      priority: "high",
    });
  });

  it("keeps one request and one second to go once the count or the deadline is passed", () => {
    expect(remainingWorkload({ spec: batch, deadlineAt: at(-30), progressDone: 25_000 }, now)).toMatchObject({
      requests: 1,
      deadlineHours: 1 / 3600,
    });
  });

  it("takes the submitted hours when the row has no deadline", () => {
    expect(remainingWorkload({ spec: batch, deadlineAt: null, progressDone: 0 }, now)).toMatchObject({
      requests: 20_000,
      deadlineHours: 2,
    });
  });

  it("leaves an online service as submitted, minus the submission's extras", () => {
    expect(
      remainingWorkload({ spec: { ...online, name: "chat" }, deadlineAt: at(60), progressDone: 7 }, now),
    ).toStrictEqual({
      kind: "online",
      model: "meta-llama/Llama-3.1-8B-Instruct",
      requestsPerSecond: 2,
      avgInputTokens: 8000,
      avgOutputTokens: 200,
      ttftP95Ms: 3000,
      tpotP95Ms: 20,
    });
  });
});

describe("selectOptionsFor's budget and defaults", () => {
  it("passes the budget on only when the submission sets one", () => {
    expect(selectOptionsFor({ ...online, budgetUsd: 50 })).toStrictEqual({ allowedMarkets: ["on-demand"], budget: 50 });
    expect(selectOptionsFor({ ...online, allowedMarkets: undefined })).toStrictEqual({});
  });

  it("offers no split without the pools that can run one, even when the submission allows it", () => {
    expect(selectOptionsFor({ ...online, allowDisaggregation: true })).toStrictEqual({ allowedMarkets: ["on-demand"] });
  });
});

describe("workloadSpecFor", () => {
  const deadlineAt = new Date("2026-03-01T14:00:00.000Z");
  const input = { uri: "s3://bucket/prompts.jsonl" };

  it("tells the engine a batch job's remaining requests, whole token averages, deadline, priority and input", () => {
    const spec = {
      kind: "batch",
      model: "m",
      requests: 100,
      avgInputTokens: 1,
      avgOutputTokens: 1,
      deadlineHours: 2,
      input,
    };
    const remaining: TWorkload = {
      kind: "batch",
      model: "meta-llama/Llama-3.1-8B-Instruct",
      requests: 15_000,
      avgInputTokens: 999.6,
      avgOutputTokens: 300.4,
      deadlineHours: 1.5,
      priority: "urgent",
    };
    expect(workloadSpecFor({ spec, deadlineAt }, remaining)).toStrictEqual({
      kind: "batch",
      model: "meta-llama/Llama-3.1-8B-Instruct",
      requests: 15_000,
      avgInputTokens: 1000,
      avgOutputTokens: 300,
      deadlineAt: "2026-03-01T14:00:00.000Z",
      priority: "urgent",
      input,
    });
  });

  it("tells the engine an online service's rate, whole token averages and priority", () => {
    const remaining: TWorkload = { ...workloadOf(online), avgInputTokens: 8000.4, priority: "low" };
    expect(workloadSpecFor({ spec: online, deadlineAt: null }, remaining)).toStrictEqual({
      kind: "online",
      model: "meta-llama/Llama-3.1-8B-Instruct",
      avgInputTokens: 8000,
      avgOutputTokens: 200,
      requestsPerSecond: 2,
      priority: "low",
    });
  });
});

describe("tokensPerRequest", () => {
  it("is a request's input and output tokens together", () => {
    expect(tokensPerRequest(online)).toBe(8_200);
  });
});

describe("largestGroup", () => {
  const group = (poolId: string, count: number, tp: number, pp?: number): TReplicaGroup => ({
    poolId,
    gpuType: "H100-SXM",
    market: "on-demand",
    tp,
    count,
    role: "both",
    ...(pp ? { pp } : {}),
  });

  it("picks the group with the most GPUs, counting pipeline stages", () => {
    // 2 × TP2 = 4 GPUs, 1 × TP2 × PP4 = 8, 3 × TP1 = 3.
    expect(largestGroup([group("a", 2, 2), group("b", 1, 2, 4), group("c", 3, 1)])?.poolId).toBe("b");
    // 4 × TP1 × PP2 = 8 against 1 × TP6 = 6.
    expect(largestGroup([group("a", 4, 1, 2), group("b", 1, 6)])?.poolId).toBe("a");
  });

  it("keeps the first of groups with as many GPUs, and is undefined without groups", () => {
    expect(largestGroup([group("a", 2, 2), group("b", 4, 1)])?.poolId).toBe("a");
    expect(largestGroup([])).toBeUndefined();
  });
});
