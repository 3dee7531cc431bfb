import { findGpu, resolveModel } from "@koi/catalog";
import { describe, expect, it } from "vitest";
import { predictPerformance, type TPerfInput } from "../perf/predict-performance.ts";
import type { TCapacityPool, TRole, TWorkload } from "../types.ts";
import { buildCandidates } from "./build-candidates.ts";
import { TEN_PER_SECOND_ONLINE, testContext as context, TWO_PER_SECOND_BATCH } from "./test-inputs.ts";

// The figures a unit is planned at, checked against the perf model for the same deployment: which
// batch the latency targets allow, what a prefill or decode replica is rated at, what a finite job
// averages, and that each pool's machines get figures of their own.

const h100s: TCapacityPool = { id: "h", gpuType: "H100-SXM", market: "spot", available: 8, pricePerGpuHour: 2 };

/** The perf model's figures for one H100 running llama-3.1-8b on 900-token prompts and 100-token answers. */
const h100 = (over: Partial<TPerfInput> & { role: TRole }) =>
  predictPerformance({
    model: resolveModel(TEN_PER_SECOND_ONLINE),
    gpu: findGpu("H100-SXM"),
    tp: 1,
    pp: 1,
    nodes: 1,
    inputTokens: TEN_PER_SECOND_ONLINE.avgInputTokens,
    outputTokens: TEN_PER_SECOND_ONLINE.avgOutputTokens,
    ...over,
  });
const online = (ttftP95Ms: number, tpotP95Ms: number): TWorkload => ({
  ...TEN_PER_SECOND_ONLINE,
  ttftP95Ms,
  tpotP95Ms,
});
const onlyCandidate = (report: ReturnType<typeof buildCandidates>) => {
  expect(report.candidates).toHaveLength(1);
  const [c] = report.candidates;
  if (!c) throw new Error("no candidate");
  return c;
};

describe("buildCandidates: a colocated replica runs the largest batch within both latency targets", () => {
  it("a TTFT target on exactly the P95 of batch 16 plans batch 16, whatever the TPOT allows", () => {
    const at16 = h100({ role: "both", batch: 16 });
    expect(h100({ role: "both" }).batch).toBeGreaterThan(16);
    const c = onlyCandidate(buildCandidates(context(online(at16.ttftP95Ms, 500), [h100s])));
    expect(c.rate).toBe(at16.requestsPerSecond);
    expect(c.ttftP95Ms).toBe(at16.ttftP95Ms);
    expect(c.tpotP95Ms).toBe(at16.tpotP95Ms);
  });

  it("a TPOT target on exactly the P95 of batch 16 plans batch 16", () => {
    const at16 = h100({ role: "both", batch: 16 });
    const c = onlyCandidate(buildCandidates(context(online(20_000, at16.tpotP95Ms), [h100s])));
    expect(c.rate).toBe(at16.requestsPerSecond);
    expect(c.tpotP95Ms).toBe(at16.tpotP95Ms);
  });
});

describe("buildCandidates: split replicas", () => {
  it("a decode replica is held to the TPOT target only: its first token is the prefill side's", () => {
    const report = buildCandidates(context(online(1, 500), [h100s], { roles: ["both", "prefill", "decode"] }));
    const full = h100({ role: "decode" });
    expect(report.candidates.map((c) => [c.role, c.rate])).toEqual([["decode", full.requestsPerSecond]]);
    expect(report.latencyMisfits).toEqual(["H100-SXM TP1", "H100-SXM TP1 prefill"]);
  });

  it("a prefill replica runs at 90% utilisation when its queue fits the TTFT left after one TPOT", () => {
    const lone = h100({ role: "prefill" });
    const c = onlyCandidate(buildCandidates(context(online(20_000, 500), [h100s], { roles: ["prefill"] })));
    expect(c.role).toBe("prefill");
    expect(c.rate).toBeCloseTo(0.9 * lone.requestsPerSecond, 9);
    // M/D/1 at ρ = 0.9: P95 = TTFT × (1 + 3ρ / (2(1 − ρ))) = 14.5 × the lone prompt's, plus the decode side's TPOT.
    expect(c.ttftP95Ms).toBeCloseTo(14.5 * lone.ttftMs + 500, 6);
    expect(c.tpotP95Ms).toBe(0);
  });

  it("a prefill replica takes the highest utilisation step whose P95 is within TTFT − TPOT, a P95 on the budget included", () => {
    const lone = h100({ role: "prefill" });
    // At ρ = 0.5 the P95 is 2.5 × the lone prompt's; at 0.6, 3.25 ×.
    const atHalf = lone.ttftMs * (1 + (3 * 0.5) / (2 * (1 - 0.5)));
    const tpot = 100;
    expect(atHalf + tpot - tpot).toBe(atHalf);
    const c = onlyCandidate(buildCandidates(context(online(atHalf + tpot, tpot), [h100s], { roles: ["prefill"] })));
    expect(c.rate).toBeCloseTo(0.5 * lone.requestsPerSecond, 9);
    expect(c.ttftP95Ms).toBe(atHalf + tpot);
  });
});

describe("buildCandidates: a finite batch job", () => {
  it("plans a unit at the job's average rate (requests ÷ job time), below the steady rate for a small job", () => {
    const job = { ...TWO_PER_SECOND_BATCH, requests: 40 };
    const c = onlyCandidate(buildCandidates(context(job, [h100s])));
    const figures = h100({ role: "both", requests: 40 });
    if (figures.jobSeconds === undefined) throw new Error("no job time");
    const average = 40 / figures.jobSeconds;
    expect(average).toBeLessThan(0.8 * figures.requestsPerSecond);
    expect(c.rateP50).toBe(average);
    expect(c.rate).toBeCloseTo(average * (1 - c.startupHours), 9);
  });
});

describe("buildCandidates: machines", () => {
  const l40s = (id: string, interconnect: "pcie" | "nvlink", networkGbps: number): TCapacityPool => ({
    id,
    gpuType: "L40S",
    market: "on-demand",
    available: 8,
    pricePerGpuHour: 0,
    shape: { gpusPerMachine: 4, interconnect, networkGbps, pricePerMachineHour: 10 },
  });
  const relaxed = online(1e6, 1e6);
  const l40sFigures = (tp: number, pp: number, nodes: number, interconnect: "pcie" | "nvlink", networkGbps: number) =>
    predictPerformance({
      model: resolveModel(relaxed),
      gpu: findGpu("L40S"),
      tp,
      pp,
      nodes,
      interconnect,
      networkGbps,
      role: "both",
      inputTokens: relaxed.avgInputTokens,
      outputTokens: relaxed.avgOutputTokens,
    });

  it("rates each pool on its own machines' interconnect, even next to a pool of the same GPU and size", () => {
    const report = buildCandidates(
      context(relaxed, [l40s("p", "pcie", 50), l40s("n", "nvlink", 50)], { tpChoices: [2] }),
    );
    const pcie = l40sFigures(2, 1, 1, "pcie", 50).requestsPerSecond;
    const nvlink = l40sFigures(2, 1, 1, "nvlink", 50).requestsPerSecond;
    expect(pcie).not.toBeCloseTo(nvlink, 3);
    // Two TP2 replicas per 4-GPU machine.
    expect(report.candidates.map((c) => [c.poolId, c.rate])).toEqual([
      ["p", 2 * pcie],
      ["n", 2 * nvlink],
    ]);
  });

  it("rates a replica spanning machines on its pool's network, even next to a pool with another network", () => {
    const report = buildCandidates(
      context(relaxed, [l40s("slow", "pcie", 50), l40s("fast", "pcie", 400)], { tpChoices: [4], ppChoices: [2] }),
    );
    const slow = l40sFigures(4, 2, 2, "pcie", 50).requestsPerSecond;
    const fast = l40sFigures(4, 2, 2, "pcie", 400).requestsPerSecond;
    expect(fast).toBeGreaterThan(slow);
    expect(report.candidates.map((c) => [c.poolId, c.machines, c.rate])).toEqual([
      ["slow", 2, slow],
      ["fast", 2, fast],
    ]);
  });

  it("starts a unit once each machine has loaded the weights its own GPUs hold", () => {
    const pool = { ...l40s("g", "pcie", 50), shape: { ...l40s("g", "pcie", 50).shape, loadGBs: 2 } };
    const report = buildCandidates(context(relaxed, [pool], { tpChoices: [1, 4], ppChoices: [2] }));
    // TP1 PP2: two replicas of two stages fill one machine; TP4 PP2: one stage on each of two machines.
    expect(report.candidates.map((c) => [c.tp, c.replicasPerUnit, c.machines])).toEqual([
      [1, 2, 1],
      [4, 1, 2],
    ]);
    const [small, wide] = report.candidates;
    const perGpu = (tp: number, nodes: number) => l40sFigures(tp, 2, nodes, "pcie", 50).weightsGbPerGpu;
    // 15 min to provision on demand, then 4 GPUs' weights at 2 GB/s.
    expect(small?.startupHours).toBeCloseTo((900 + (4 * perGpu(1, 1)) / 2) / 3600, 12);
    expect(wide?.startupHours).toBeCloseTo((900 + (4 * perGpu(4, 2)) / 2) / 3600, 12);
  });
});
