import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import type { Workload } from "@koi/db";
import { alternativesView, alternativeView, decisionPlanView, metricsView, placementView } from "./json-views.ts";
import {
  readAlternatives,
  readCalibrationEntry,
  readPlacement,
  readPoolShape,
  readReport,
  readSpec,
} from "./read-stored-json.ts";
import { toWorkloadView } from "./to-workload-view.ts";

// The read side of a workload: the Workload row as the dashboard and the API show it, and the
// stored JSON (placements, metrics, plans, alternatives, specs, reports) read back defensively or
// strictly. Only packages/api and apps/web called these before; the services' own mutation run
// needs them pinned here, with exact outputs for good, partial and garbage inputs.

const CREATED = new Date("2026-03-01T08:00:00.000Z");
const STARTED = new Date("2026-03-01T08:05:00.000Z");
const COMPLETED = new Date("2026-03-01T10:30:00.000Z");
const DEADLINE = new Date("2026-03-02T08:00:00.000Z");

/** A Workload row with every column filled, as Prisma returns it. */
function row(over: Partial<Workload> = {}): Workload {
  return {
    id: "cmwl0000000000000000001",
    orgId: "org_1",
    name: "nightly-eval",
    kind: "batch",
    model: "meta-llama/Llama-3.1-8B-Instruct",
    spec: { kind: "batch" },
    priority: "high",
    budgetUsd: 250,
    status: "RUNNING",
    health: "ON_TRACK",
    engine: "orca",
    deadlineAt: DEADLINE,
    progressDone: 1200,
    progressTotal: 20000,
    progressEstimate: 1350,
    costUsd: 12.5,
    predictedCostUsd: 180.25,
    forecast: {},
    statusDetail: "running on 2× H100-SXM",
    createdById: "user_1",
    submittedVia: "api",
    createdAt: CREATED,
    updatedAt: STARTED,
    startedAt: STARTED,
    completedAt: COMPLETED,
    scaling: {},
    ...over,
  };
}

const NO_FORECAST = { p10: null, p50: null, p90: null, missProbability: null, explanation: null };

describe("toWorkloadView", () => {
  it("shows every column of a complete row, dates as ISO strings", () => {
    const forecast = {
      p10: "2026-03-01T20:00:00.000Z",
      p50: "2026-03-01T22:00:00.000Z",
      p90: "2026-03-02T01:00:00.000Z",
      missProbability: 0.12,
      explanation: "on track at 2 replicas",
    };
    expect(toWorkloadView(row({ forecast }))).toEqual({
      id: "cmwl0000000000000000001",
      name: "nightly-eval",
      kind: "batch",
      model: "meta-llama/Llama-3.1-8B-Instruct",
      priority: "high",
      status: "RUNNING",
      health: "ON_TRACK",
      engine: "orca",
      statusDetail: "running on 2× H100-SXM",
      progress: { completed: 1200, total: 20000, estimated: 1350 },
      costUsd: 12.5,
      predictedCostUsd: 180.25,
      budgetUsd: 250,
      deadlineAt: "2026-03-02T08:00:00.000Z",
      forecast,
      createdAt: "2026-03-01T08:00:00.000Z",
      startedAt: "2026-03-01T08:05:00.000Z",
      completedAt: "2026-03-01T10:30:00.000Z",
    });
  });

  it("shows the nullable columns of a fresh row as null", () => {
    const view = toWorkloadView(
      row({
        engine: null,
        statusDetail: null,
        progressEstimate: null,
        predictedCostUsd: null,
        budgetUsd: null,
        deadlineAt: null,
        startedAt: null,
        completedAt: null,
        status: "PENDING",
        health: "UNKNOWN",
      }),
    );
    expect(view).toMatchObject({
      engine: null,
      statusDetail: null,
      progress: { completed: 1200, total: 20000, estimated: null },
      predictedCostUsd: null,
      budgetUsd: null,
      deadlineAt: null,
      startedAt: null,
      completedAt: null,
      status: "PENDING",
      health: "UNKNOWN",
      createdAt: "2026-03-01T08:00:00.000Z",
    });
  });

  it("keeps online, and shows any other stored kind as batch", () => {
    expect(toWorkloadView(row({ kind: "online" })).kind).toBe("online");
    expect(toWorkloadView(row({ kind: "batch" })).kind).toBe("batch");
    // The column is free text: an unknown kind must not fail the page.
    expect(toWorkloadView(row({ kind: "streaming" })).kind).toBe("batch");
    expect(toWorkloadView(row({ kind: "" })).kind).toBe("batch");
  });

  it("keeps each of the four priorities, and shows anything else as normal", () => {
    for (const p of ["low", "normal", "high", "urgent"] as const)
      expect(toWorkloadView(row({ priority: p })).priority).toBe(p);
    expect(toWorkloadView(row({ priority: "critical" })).priority).toBe("normal");
    expect(toWorkloadView(row({ priority: "HIGH" })).priority).toBe("normal");
    expect(toWorkloadView(row({ priority: "" })).priority).toBe("normal");
  });

  it("shows the engine only when it is orca or tuna", () => {
    expect(toWorkloadView(row({ engine: "orca" })).engine).toBe("orca");
    expect(toWorkloadView(row({ engine: "tuna" })).engine).toBe("tuna");
    // The simulator and unknown engines are not part of the public shape.
    expect(toWorkloadView(row({ engine: "sim" })).engine).toBeNull();
    expect(toWorkloadView(row({ engine: "Orca" })).engine).toBeNull();
    expect(toWorkloadView(row({ engine: "" })).engine).toBeNull();
    expect(toWorkloadView(row({ engine: null })).engine).toBeNull();
  });

  it("has no forecast for an empty, null or unrelated stored forecast", () => {
    expect(toWorkloadView(row({ forecast: {} })).forecast).toBeNull();
    expect(toWorkloadView(row({ forecast: null })).forecast).toBeNull();
    expect(
      toWorkloadView(row({ forecast: { basis: "x", updatedAt: "2026-03-01T08:00:00.000Z" } })).forecast,
    ).toBeNull();
    // Keys present but null do not make a forecast either.
    expect(
      toWorkloadView(row({ forecast: { p10: null, p50: null, p90: null, missProbability: null, explanation: null } }))
        .forecast,
    ).toBeNull();
    // Stored JSON that is not an object (an array, a string) has none of the keys.
    expect(toWorkloadView(row({ forecast: ["2026-03-01T20:00:00.000Z"] })).forecast).toBeNull();
    expect(toWorkloadView(row({ forecast: "2026-03-01T20:00:00.000Z" })).forecast).toBeNull();
  });

  it("has a forecast as soon as any one of the five keys is set, the others null", () => {
    const at = "2026-03-01T22:00:00.000Z";
    expect(toWorkloadView(row({ forecast: { p10: at } })).forecast).toEqual({ ...NO_FORECAST, p10: at });
    expect(toWorkloadView(row({ forecast: { p50: at } })).forecast).toEqual({ ...NO_FORECAST, p50: at });
    expect(toWorkloadView(row({ forecast: { p90: at } })).forecast).toEqual({ ...NO_FORECAST, p90: at });
    expect(toWorkloadView(row({ forecast: { missProbability: 0.4 } })).forecast).toEqual({
      ...NO_FORECAST,
      missProbability: 0.4,
    });
    expect(toWorkloadView(row({ forecast: { explanation: "waiting for GPUs" } })).forecast).toEqual({
      ...NO_FORECAST,
      explanation: "waiting for GPUs",
    });
  });

  it("counts falsy but present values as a forecast (0 miss probability, empty explanation)", () => {
    // A 0% miss probability is a forecast, not its absence: presence is "not undefined and not null".
    expect(toWorkloadView(row({ forecast: { missProbability: 0 } })).forecast).toEqual({
      ...NO_FORECAST,
      missProbability: 0,
    });
    // Present but unusable values still announce a forecast; each is then shown as null.
    expect(toWorkloadView(row({ forecast: { explanation: "" } })).forecast).toEqual(NO_FORECAST);
    expect(toWorkloadView(row({ forecast: { p50: false } })).forecast).toEqual(NO_FORECAST);
  });

  it("shows a forecast's empty or non-string times and explanation as null", () => {
    expect(toWorkloadView(row({ forecast: { p10: "", p50: "", p90: "", explanation: "" } })).forecast).toEqual(
      NO_FORECAST,
    );
    expect(
      toWorkloadView(row({ forecast: { p10: 1_700_000_000_000, p50: { at: "x" }, p90: ["x"], explanation: 42 } }))
        .forecast,
    ).toEqual(NO_FORECAST);
    // Not strings, though each would read as a date once turned into one.
    expect(
      toWorkloadView(row({ forecast: { p10: ["2026-03-01T22:00:00.000Z"], p50: 2026, p90: 0 } })).forecast,
    ).toEqual(NO_FORECAST);
  });

  it("shows a stored time that is not a date as null, and one with an offset in UTC, rather than failing", () => {
    // Before: any non-empty string passed, then ZWorkloadView's datetime check threw, and one such
    // row took the whole workloads list down with a 500.
    expect(
      toWorkloadView(row({ forecast: { p10: "soon", p50: "2026-03-01T23:00:00+01:00", p90: "not a date" } })).forecast,
    ).toEqual({ ...NO_FORECAST, p50: "2026-03-01T22:00:00.000Z" });
  });

  it("shows a miss probability that is not a finite number as null", () => {
    for (const missProbability of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, "0.4", true]) {
      expect(
        toWorkloadView(row({ forecast: { missProbability, explanation: "x" } as Workload["forecast"] })).forecast,
      ).toEqual({ ...NO_FORECAST, explanation: "x" });
    }
  });
});

describe("placementView", () => {
  it("shows a complete placement as stored, its own GPU count included", () => {
    expect(
      placementView({ gpuType: "H100-SXM", market: "spot", tp: 2, pp: 2, replicas: 3, gpus: 99, poolId: "p1" }),
    ).toEqual({ gpuType: "H100-SXM", market: "spot", tp: 2, pp: 2, replicas: 3, gpus: 99 });
  });

  it("defaults a partial placement: unknown market, TP and PP 1, one replica, GPUs = tp × pp × replicas", () => {
    expect(placementView({ gpuType: "A100-80GB" })).toEqual({
      gpuType: "A100-80GB",
      market: "unknown",
      tp: 1,
      pp: 1,
      replicas: 1,
      gpus: 1,
    });
    expect(placementView({ gpuType: "A100-80GB", tp: 2, pp: 3, replicas: 4 })).toEqual({
      gpuType: "A100-80GB",
      market: "unknown",
      tp: 2,
      pp: 3,
      replicas: 4,
      gpus: 24,
    });
  });

  it("reads an older placement's count as its replicas, replicas winning when both are stored", () => {
    expect(placementView({ gpuType: "L40S", market: "on-demand", tp: 4, count: 2 })).toEqual({
      gpuType: "L40S",
      market: "on-demand",
      tp: 4,
      pp: 1,
      replicas: 2,
      gpus: 8,
    });
    expect(placementView({ gpuType: "L40S", replicas: 3, count: 5 })?.replicas).toBe(3);
  });

  it("replaces fields of the wrong type by their defaults", () => {
    expect(
      placementView({
        gpuType: "H100-SXM",
        market: 7,
        tp: "2",
        pp: Number.NaN,
        replicas: Infinity,
        count: "4",
        gpus: "8",
      }),
    ).toEqual({ gpuType: "H100-SXM", market: "unknown", tp: 1, pp: 1, replicas: 1, gpus: 1 });
    expect(placementView({ gpuType: "H100-SXM", market: "" })?.market).toBe("unknown");
  });

  it("is null without a GPU type, or for stored JSON that is not an object", () => {
    expect(placementView({})).toBeNull();
    expect(placementView({ gpuType: "", tp: 2 })).toBeNull();
    expect(placementView({ gpuType: 7 })).toBeNull();
    expect(placementView(null)).toBeNull();
    expect(placementView(undefined)).toBeNull();
    expect(placementView("H100-SXM")).toBeNull();
    expect(placementView(8)).toBeNull();
    // An array is not read as a placement even when it carries the property.
    expect(placementView(Object.assign(["x"], { gpuType: "H100-SXM" }))).toBeNull();
  });
});

const NO_METRICS = {
  tokensPerSecond: null,
  outputTokensPerSecond: null,
  gpuUtilPct: null,
  batchSize: null,
  kvCacheHitRate: null,
  ttftMsP95: null,
  tpotMsP95: null,
  replicasLive: null,
  replicasTotal: null,
  pctSpot: null,
  at: null,
};

describe("metricsView", () => {
  it("reads every figure of a complete report, nested ones included", () => {
    expect(
      metricsView({
        throughput: { tokensPerSecond: 5200, outputTokensPerSecond: 1300 },
        gpuUtilPct: 87.5,
        batchSize: 64,
        kvCacheHitRate: 0.42,
        ttftMsP95: 310,
        tpotMsP95: 28,
        replicas: { live: 2, total: 3 },
        routing: { pctSpot: 75, spotState: "ready" },
        at: "2026-03-01T09:00:00.000Z",
        ttftMsP50: 120,
      }),
    ).toEqual({
      tokensPerSecond: 5200,
      outputTokensPerSecond: 1300,
      gpuUtilPct: 87.5,
      batchSize: 64,
      kvCacheHitRate: 0.42,
      ttftMsP95: 310,
      tpotMsP95: 28,
      replicasLive: 2,
      replicasTotal: 3,
      pctSpot: 75,
      at: "2026-03-01T09:00:00.000Z",
    });
  });

  it("shows each missing figure as null (a fresh assignment stores {})", () => {
    expect(metricsView({})).toEqual(NO_METRICS);
    expect(metricsView({ gpuUtilPct: 0, replicas: { live: 0 } })).toEqual({
      ...NO_METRICS,
      gpuUtilPct: 0,
      replicasLive: 0,
    });
  });

  it("shows figures of the wrong type, and nested groups that are not objects, as null", () => {
    expect(
      metricsView({
        throughput: [5200, 1300],
        gpuUtilPct: "87",
        batchSize: Number.NaN,
        kvCacheHitRate: Infinity,
        ttftMsP95: null,
        tpotMsP95: { p95: 28 },
        replicas: 2,
        routing: "spot",
        at: "",
      }),
    ).toEqual(NO_METRICS);
    expect(metricsView({ at: 1_700_000_000 })).toEqual(NO_METRICS);
  });

  it("shows everything as null for stored JSON that is not an object", () => {
    for (const value of [null, undefined, "x", 3, [1, 2], true]) expect(metricsView(value)).toEqual(NO_METRICS);
  });
});

describe("alternativeView", () => {
  it("keeps a stored summary and the figures", () => {
    expect(
      alternativeView({
        summary: "4× A100-80GB TP2 spot",
        gpus: 8,
        costPerHour: 12.4,
        totalCost: 31,
        costDelta: -4.5,
        predictedHours: 2.5,
        replicas: [{ count: 1, gpuType: "H100-SXM" }],
      }),
    ).toEqual({
      summary: "4× A100-80GB TP2 spot",
      gpus: 8,
      costPerHour: 12.4,
      totalCost: 31,
      costDelta: -4.5,
      predictedHours: 2.5,
    });
  });

  it("describes the replica groups when no summary is stored", () => {
    expect(
      alternativeView({
        replicas: [
          { count: 2, gpuType: "H100-SXM", tp: 4, market: "spot" },
          { count: 1, gpuType: "A100-80GB", tp: 1, market: "on-demand" },
        ],
        gpus: 9,
      }),
    ).toEqual({
      summary: "2× H100-SXM TP4 spot + 1× A100-80GB TP1 on-demand",
      gpus: 9,
      costPerHour: null,
      totalCost: null,
      costDelta: null,
      predictedHours: null,
    });
    // An empty stored summary is no summary.
    expect(
      alternativeView({ summary: "", replicas: [{ count: 3, gpuType: "L4", tp: 1, market: "spot" }] }).summary,
    ).toBe("3× L4 TP1 spot");
  });

  it("fills a replica group's missing parts: one replica, ? for the GPU, TP1, no trailing space without a market", () => {
    expect(alternativeView({ replicas: [{}] }).summary).toBe("1× ? TP1");
    expect(alternativeView({ replicas: [{ gpuType: "L40S" }, null, "x"] }).summary).toBe(
      "1× L40S TP1 + 1× ? TP1 + 1× ? TP1",
    );
    expect(alternativeView({ replicas: [{ count: "2", gpuType: 5, tp: Number.NaN, market: 3 }] }).summary).toBe(
      "1× ? TP1",
    );
  });

  it("is just 'alternative' with nothing to describe it, and null figures for garbage", () => {
    const empty = {
      summary: "alternative",
      gpus: null,
      costPerHour: null,
      totalCost: null,
      costDelta: null,
      predictedHours: null,
    };
    expect(alternativeView({})).toEqual(empty);
    expect(alternativeView({ replicas: [] })).toEqual(empty);
    expect(alternativeView({ replicas: "2× H100" })).toEqual(empty);
    expect(alternativeView(null)).toEqual(empty);
    expect(alternativeView("cheaper")).toEqual(empty);
    expect(
      alternativeView({ gpus: "8", costPerHour: Infinity, totalCost: Number.NaN, costDelta: null, predictedHours: {} }),
    ).toEqual(empty);
  });
});

describe("decisionPlanView", () => {
  it("keeps the plan's figures and stored summary", () => {
    expect(
      decisionPlanView({
        gpus: 4,
        costPerHour: 27.52,
        totalCost: 55.04,
        predictedHours: 2,
        summary: "4× H100-SXM TP1 on-demand",
      }),
    ).toEqual({
      gpus: 4,
      costPerHour: 27.52,
      totalCost: 55.04,
      predictedHours: 2,
      summary: "4× H100-SXM TP1 on-demand",
    });
  });

  it("describes the replica groups when no summary is stored", () => {
    expect(
      decisionPlanView({ gpus: 8, replicas: [{ count: 2, gpuType: "H100-SXM", tp: 4, market: "on-demand" }] }),
    ).toEqual({
      gpus: 8,
      costPerHour: null,
      totalCost: null,
      predictedHours: null,
      summary: "2× H100-SXM TP4 on-demand",
    });
  });

  it("has a null summary (not 'alternative') with nothing to describe it", () => {
    const empty = { gpus: null, costPerHour: null, totalCost: null, predictedHours: null, summary: null };
    expect(decisionPlanView({})).toEqual(empty);
    expect(decisionPlanView({ replicas: [] })).toEqual(empty);
    expect(decisionPlanView({ summary: "" })).toEqual(empty);
    expect(decisionPlanView(null)).toEqual(empty);
    expect(decisionPlanView([{ gpus: 4 }])).toEqual(empty);
    expect(decisionPlanView({ gpus: "4", costPerHour: Number.NaN, totalCost: -Infinity, predictedHours: "2" })).toEqual(
      empty,
    );
  });
});

describe("alternativesView", () => {
  it("views each stored alternative, in order", () => {
    expect(alternativesView([{ summary: "a", gpus: 2 }, { replicas: [{ gpuType: "L4" }] }, 7])).toEqual([
      { summary: "a", gpus: 2, costPerHour: null, totalCost: null, costDelta: null, predictedHours: null },
      { summary: "1× L4 TP1", gpus: null, costPerHour: null, totalCost: null, costDelta: null, predictedHours: null },
      { summary: "alternative", gpus: null, costPerHour: null, totalCost: null, costDelta: null, predictedHours: null },
    ]);
  });

  it("keeps only the first ten", () => {
    const stored = Array.from({ length: 12 }, (_, i) => ({ summary: `option ${i}`, gpus: i }));
    const view = alternativesView(stored);
    expect(view.map((a) => a.summary)).toEqual(Array.from({ length: 10 }, (_, i) => `option ${i}`));
    expect(alternativesView(stored.slice(0, 10))).toHaveLength(10);
  });

  it("is empty for stored JSON that is not an array", () => {
    expect(alternativesView({ summary: "a" })).toEqual([]);
    expect(alternativesView(null)).toEqual([]);
    expect(alternativesView("a")).toEqual([]);
    expect(alternativesView([])).toEqual([]);
  });
});

const placement = {
  poolId: "pool_1",
  agentId: "agent_1",
  gpuType: "H100-SXM",
  market: "spot" as const,
  tp: 2,
  pp: 1,
  replicas: 3,
  gpus: 6,
  predictedTps: 4100,
  rawPredictedTps: 4500,
  replicaCostPerHour: 13.76,
};

describe("readPlacement", () => {
  it("returns a complete placement, keeping fields it does not know", () => {
    expect(readPlacement({ placement })).toEqual(placement);
    expect(readPlacement({ placement: { ...placement, machines: 2 } })).toEqual({ ...placement, machines: 2 });
  });

  it("throws for a placement missing a field or with a market Koi does not know", () => {
    const { replicaCostPerHour: _price, ...noPrice } = placement;
    expect(() => readPlacement({ placement: noPrice })).toThrow(ZodError);
    expect(() => readPlacement({ placement: { ...placement, market: "preemptible" } })).toThrow(ZodError);
    expect(() => readPlacement({ placement: { ...placement, tp: "2" } })).toThrow(ZodError);
    // A fresh assignment stores {} until it is placed.
    expect(() => readPlacement({ placement: {} })).toThrow(ZodError);
    expect(() => readPlacement({ placement: null })).toThrow(ZodError);
  });
});

describe("readSpec", () => {
  it("returns a batch or online submission as accepted", () => {
    const batch = {
      kind: "batch" as const,
      model: "meta-llama/Llama-3.1-8B-Instruct",
      requests: 20_000,
      avgInputTokens: 1000,
      avgOutputTokens: 300,
      deadlineHours: 2,
      name: "nightly-eval",
      budgetUsd: 40,
      allowedMarkets: ["spot" as const],
    };
    expect(readSpec({ spec: batch })).toEqual(batch);
    const online = {
      kind: "online" as const,
      model: "meta-llama/Llama-3.1-8B-Instruct",
      avgInputTokens: 500,
      avgOutputTokens: 200,
      requestsPerSecond: 5,
      ttftP95Ms: 800,
      tpotP95Ms: 60,
    };
    expect(readSpec({ spec: online })).toEqual(online);
  });

  it("throws for a spec that drifted from the submission shape", () => {
    expect(() => readSpec({ spec: {} })).toThrow(ZodError);
    expect(() => readSpec({ spec: null })).toThrow(ZodError);
    expect(() => readSpec({ spec: { kind: "batch", model: "m", requests: 10 } })).toThrow(ZodError);
    expect(() =>
      readSpec({
        spec: { kind: "stream", model: "m", avgInputTokens: 1, avgOutputTokens: 1, requests: 1, deadlineHours: 1 },
      }),
    ).toThrow(ZodError);
  });
});

describe("readPoolShape", () => {
  it("is undefined for a pool of single GPUs (null column)", () => {
    expect(readPoolShape({ shape: null })).toBeUndefined();
  });

  it("returns a stored machine shape", () => {
    expect(readPoolShape({ shape: { gpusPerMachine: 8, interconnect: "nvlink" } })).toEqual({
      gpusPerMachine: 8,
      interconnect: "nvlink",
    });
    expect(readPoolShape({ shape: { instanceType: "g6e.12xlarge" } })).toEqual({ instanceType: "g6e.12xlarge" });
  });

  it("throws for a shape with neither instance type nor GPUs per machine, or that is not a shape", () => {
    expect(() => readPoolShape({ shape: {} })).toThrow(ZodError);
    expect(() => readPoolShape({ shape: { gpusPerMachine: 0 } })).toThrow(ZodError);
    expect(() => readPoolShape({ shape: "g6e.12xlarge" })).toThrow(ZodError);
    // Only a null column means "no shape"; undefined is a read that went wrong.
    expect(() => readPoolShape({ shape: undefined })).toThrow(ZodError);
  });
});

describe("readReport", () => {
  it("returns a report as accepted", () => {
    const report = {
      epoch: 2,
      seq: 7,
      at: "2026-03-01T09:00:00.000Z",
      state: "running" as const,
      progress: { completed: 100, total: 1000, unit: "requests" as const },
      usage: [{ component: "spot" as const, seconds: 60, costUsd: 0.25 }],
    };
    expect(readReport({ data: report })).toEqual(report);
  });

  it("throws for a report that drifted from its shape", () => {
    expect(() => readReport({ data: {} })).toThrow(ZodError);
    expect(() => readReport({ data: { epoch: 1, seq: 0, at: "yesterday", state: "running", usage: [] } })).toThrow(
      ZodError,
    );
    expect(() =>
      readReport({ data: { epoch: 1, seq: 0, at: "2026-03-01T09:00:00.000Z", state: "running", usage: [], x: 1 } }),
    ).toThrow(ZodError);
  });
});

describe("readAlternatives", () => {
  const alternative = {
    replicas: [{ poolId: "p1", gpuType: "A100-80GB", market: "spot" as const, tp: 2, count: 2, role: "both" as const }],
    gpus: 4,
    costPerHour: 8.2,
    totalCost: 20.5,
    tokensPerSecond: 3000,
    predictedHours: 2.5,
    costDelta: -3.1,
    summary: "2× A100-80GB TP2 spot",
  };

  it("is empty without a decision", () => {
    expect(readAlternatives(null)).toEqual([]);
  });

  it("returns the stored runners-up, dropping fields the plan shape does not know", () => {
    expect(readAlternatives({ alternatives: [alternative] })).toEqual([alternative]);
    expect(readAlternatives({ alternatives: [{ ...alternative, debug: "x" }] })).toEqual([alternative]);
    expect(readAlternatives({ alternatives: [] })).toEqual([]);
  });

  it("throws for alternatives that drifted from their shape", () => {
    const { costDelta: _delta, ...noDelta } = alternative;
    expect(() => readAlternatives({ alternatives: [noDelta] })).toThrow(ZodError);
    expect(() => readAlternatives({ alternatives: null })).toThrow(ZodError);
    expect(() => readAlternatives({ alternatives: {} })).toThrow(ZodError);
  });
});

describe("readCalibrationEntry", () => {
  it("is null for a row just inserted ({}) and for anything that is not an object", () => {
    expect(readCalibrationEntry({})).toBeNull();
    expect(readCalibrationEntry({ reports: 3, factor: 1.1 })).toBeNull();
    expect(readCalibrationEntry(null)).toBeNull();
    expect(readCalibrationEntry(undefined)).toBeNull();
    // `"logRatios" in "…"` would throw on a string: it must be turned away before.
    expect(readCalibrationEntry("logRatios")).toBeNull();
    expect(readCalibrationEntry(7)).toBeNull();
  });

  it("returns an entry once it has observations, dropping unknown fields", () => {
    const entry = { logRatios: [0.1, -0.05], reports: 2, factor: 1.02 };
    expect(readCalibrationEntry(entry)).toEqual(entry);
    expect(readCalibrationEntry({ ...entry, note: "x" })).toEqual(entry);
    expect(readCalibrationEntry({ logRatios: [], reports: 0, factor: 1 })).toEqual({
      logRatios: [],
      reports: 0,
      factor: 1,
    });
  });

  it("throws for an entry that has logRatios but drifted from its shape", () => {
    expect(() => readCalibrationEntry({ logRatios: "0.1", reports: 1, factor: 1 })).toThrow(ZodError);
    expect(() => readCalibrationEntry({ logRatios: [0.1] })).toThrow(ZodError);
  });
});
