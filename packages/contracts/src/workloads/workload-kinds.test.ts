import { describe, expect, it } from "vitest";
import { ZBatchWorkload, ZOnlineWorkload } from "./workload-kinds.ts";

const batch = {
  kind: "batch",
  model: "meta-llama/Llama-3.1-8B-Instruct",
  requests: 1000,
  avgInputTokens: 100,
  avgOutputTokens: 100,
  deadlineHours: 2,
} as const;

const messages = (value: unknown) => ZBatchWorkload.safeParse(value).error?.issues.map((i) => i.message) ?? [];

describe("workload values that mean nothing are refused with their reason", () => {
  it("takes a sensible batch job", () => {
    expect(ZBatchWorkload.safeParse(batch).success).toBe(true);
  });

  it("refuses token averages below one token (a 1e-300 average was planned as 'does not fit')", () => {
    expect(messages({ ...batch, avgOutputTokens: 1e-300 })).toEqual(["avgOutputTokens must be at least 1"]);
    expect(messages({ ...batch, avgInputTokens: 0.5 })).toEqual(["avgInputTokens must be at least 1"]);
    const online = { ...batch, kind: "online", requestsPerSecond: 1, ttftP95Ms: 500, tpotP95Ms: 50 };
    const { requests: _r, deadlineHours: _d, ...service } = online;
    expect(ZOnlineWorkload.safeParse({ ...service, avgInputTokens: 1e-9 }).success).toBe(false);
    expect(ZOnlineWorkload.safeParse(service).success).toBe(true);
  });

  it("refuses a deadline under a minute, which is over before anything starts", () => {
    expect(messages({ ...batch, deadlineHours: 1e-7 })).toEqual(["deadlineHours must be at least 1/60 (one minute)"]);
    expect(ZBatchWorkload.safeParse({ ...batch, deadlineHours: 1 / 60 }).success).toBe(true);
  });

  it("refuses an architecture whose KV heads do not divide its heads, and a model name past 200 characters", () => {
    const architecture = { layers: 1, hiddenSize: 64, heads: 3, kvHeads: 7, ffnSize: 64, vocabSize: 100 };
    expect(messages({ ...batch, model: "custom", architecture })).toEqual([
      "architecture.kvHeads must divide architecture.heads (each KV head serves a whole group of query heads)",
    ]);
    expect(
      ZBatchWorkload.safeParse({ ...batch, model: "custom", architecture: { ...architecture, heads: 8, kvHeads: 2 } })
        .success,
    ).toBe(true);
    expect(messages({ ...batch, model: "m".repeat(201) })).toEqual(["model must be at most 200 characters"]);
  });
});
