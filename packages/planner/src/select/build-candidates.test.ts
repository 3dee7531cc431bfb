import { describe, expect, it } from "vitest";
import type { TCapacityPool, TWorkload } from "../types.ts";
import {
  buildCandidates,
  emptyCandidateReport,
  pruneDominated,
  riskFactor,
  type TCandidateContext,
} from "./build-candidates.ts";
import { TEN_PER_SECOND_ONLINE, testCandidate, testContext, TWO_PER_SECOND_BATCH } from "./test-inputs.ts";

// Units, prices, counts and names of the options a pool offers; the rates come from the perf model
// and are checked only through how the unit scales them.

const relaxed: TWorkload = { ...TEN_PER_SECOND_ONLINE, ttftP95Ms: 20_000, tpotP95Ms: 500 };
const context = (workload: TWorkload, pools: TCapacityPool[], over: Partial<TCandidateContext> = {}) =>
  testContext(workload, pools, { tpChoices: [1, 2, 4, 8], ppChoices: [1, 2], risk: "p90", ...over });
const singleGpus: TCapacityPool = { id: "h", gpuType: "H100-SXM", market: "spot", available: 5, pricePerGpuHour: 2 };
// 9 GPUs in 4-GPU machines at $10 a machine-hour: two whole machines.
const machinePool: TCapacityPool = {
  id: "g",
  gpuType: "L40S",
  market: "on-demand",
  available: 9,
  pricePerGpuHour: 0,
  shape: { gpusPerMachine: 4, interconnect: "pcie", networkGbps: 50, pricePerMachineHour: 10 },
};
const unitOf = (c: {
  tp: number;
  pp: number;
  gpus: number;
  replicasPerUnit: number;
  machines?: number;
  maxCount: number;
  pricePerHour: number;
  networkGbps: number;
  family: string;
}) => ({
  tp: c.tp,
  pp: c.pp,
  gpus: c.gpus,
  replicasPerUnit: c.replicasPerUnit,
  machines: c.machines,
  maxCount: c.maxCount,
  pricePerHour: c.pricePerHour,
  networkGbps: c.networkGbps,
  family: c.family,
});

describe("buildCandidates", () => {
  it("sells single GPUs in TP-sized units at the GPU price, and reports the TP too big for the pool", () => {
    const report = buildCandidates(context(relaxed, [singleGpus]));
    expect(report.candidates.map(unitOf)).toEqual([
      {
        tp: 1,
        pp: 1,
        gpus: 1,
        replicasPerUnit: 1,
        machines: undefined,
        maxCount: 5,
        pricePerHour: 2,
        networkGbps: 100,
        family: "H100-SXM|spot|tp1",
      },
      {
        tp: 2,
        pp: 1,
        gpus: 2,
        replicasPerUnit: 1,
        machines: undefined,
        maxCount: 2,
        pricePerHour: 4,
        networkGbps: 100,
        family: "H100-SXM|spot|tp2",
      },
      {
        tp: 4,
        pp: 1,
        gpus: 4,
        replicasPerUnit: 1,
        machines: undefined,
        maxCount: 1,
        pricePerHour: 8,
        networkGbps: 100,
        family: "H100-SXM|spot|tp4",
      },
    ]);
    expect(report.tooFewGpus).toEqual(["H100-SXM TP8 in pool h"]);
    expect(report.candidates[0]).toMatchObject({
      poolId: "h",
      poolLabel: "pool h",
      gpuType: "H100-SXM",
      market: "spot",
      role: "both",
    });
    expect(report.candidates[0]?.instanceType).toBeUndefined();
    expect(
      buildCandidates(context(relaxed, [{ ...singleGpus, replicaSizes: [2] }])).candidates.map((c) => c.tp),
    ).toEqual([2]);
    expect(buildCandidates(context(relaxed, [{ ...singleGpus, quota: 1 }])).candidates.map((c) => c.maxCount)).toEqual([
      1,
    ]);
  });

  it("rents whole machines: replicas per machine, stages across machines, machine prices and network", () => {
    const report = buildCandidates(context(relaxed, [machinePool], { tpChoices: [1, 2, 4] }));
    const machine = { gpus: 4, machines: 1, maxCount: 2, pricePerHour: 10, networkGbps: 50 };
    expect(report.candidates.map(unitOf)).toEqual([
      { tp: 1, pp: 1, replicasPerUnit: 4, ...machine, family: "L40S|on-demand|tp1" },
      { tp: 1, pp: 2, replicasPerUnit: 2, ...machine, family: "L40S|on-demand|tp1|pp2" },
      { tp: 2, pp: 1, replicasPerUnit: 2, ...machine, family: "L40S|on-demand|tp2" },
      { tp: 2, pp: 2, replicasPerUnit: 1, ...machine, family: "L40S|on-demand|tp2|pp2" },
      { tp: 4, pp: 1, replicasPerUnit: 1, ...machine, family: "L40S|on-demand|tp4" },
      {
        tp: 4,
        pp: 2,
        gpus: 8,
        replicasPerUnit: 1,
        machines: 2,
        maxCount: 1,
        pricePerHour: 20,
        networkGbps: 100,
        family: "L40S|on-demand|tp4|pp2",
      },
    ]);
    // Online, a unit serves what its replicas serve: a 4-GPU machine of TP1 replicas twice a 2-GPU one.
    const halfMachines = { ...machinePool, shape: { ...machinePool.shape, gpusPerMachine: 2 } };
    const [four] = report.candidates;
    const [two] = buildCandidates(context(relaxed, [halfMachines], { tpChoices: [1], ppChoices: [1] })).candidates;
    expect(two?.replicasPerUnit).toBe(2);
    expect(four?.rate).toBeCloseTo(2 * (two?.rate ?? 0), 9);
    expect(four?.rateP50).toBeUndefined();
    // TP never leaves a machine: no TP8 on 4-GPU machines.
    expect(buildCandidates(context(relaxed, [machinePool], { tpChoices: [8] })).candidates).toEqual([]);
  });

  it("fills a machine with stages before the next, and names the stages of a unit that does not fit", () => {
    // TP2 leaves room for two stages per 4-GPU machine: four stages take two machines, not more.
    const [deep] = buildCandidates(context(relaxed, [machinePool], { tpChoices: [2], ppChoices: [4] })).candidates;
    expect(deep && unitOf(deep)).toEqual({
      tp: 2,
      pp: 4,
      gpus: 8,
      replicasPerUnit: 1,
      machines: 2,
      maxCount: 1,
      pricePerHour: 20,
      networkGbps: 100,
      family: "L40S|on-demand|tp2|pp4",
    });
    const oneMachine = buildCandidates(
      context(relaxed, [{ ...machinePool, available: 4 }], { tpChoices: [4], ppChoices: [1, 2] }),
    );
    expect(oneMachine.candidates.map((c) => `TP${c.tp} PP${c.pp}`)).toEqual(["TP4 PP1"]);
    expect(oneMachine.tooFewGpus).toEqual(["L40S TP4 PP2 in pool g"]);
  });

  it("passes over a TP the machine or the GPU cannot hold without reporting it as a misfit", () => {
    expect(buildCandidates(context(relaxed, [machinePool], { tpChoices: [8] }))).toEqual(emptyCandidateReport());
    // Every GPU in the catalog runs TP8 at most.
    const sixteen = buildCandidates(context(relaxed, [{ ...singleGpus, available: 16 }], { tpChoices: [8, 16] }));
    expect(sixteen.candidates.map((c) => c.tp)).toEqual([8]);
    expect({ ...sixteen, candidates: [] }).toEqual(emptyCandidateReport());
  });

  it("batch: plans each unit at P90 on the share of the deadline left after start-up", () => {
    const batch = { ...TWO_PER_SECOND_BATCH, deadlineHours: 2 };
    const [p90] = buildCandidates(context(batch, [singleGpus], { tpChoices: [1] })).candidates;
    const [p50] = buildCandidates(context(batch, [singleGpus], { tpChoices: [1], risk: "p50" })).candidates;
    if (!p90?.rateP50 || !p50?.rateP50) throw new Error("no batch candidate");
    // 15 min to provision a spot VM, then the weights at 1 GB/s.
    expect(p90.startupHours).toBeGreaterThan(0.25);
    expect(p90.startupHours).toBeLessThan(0.3);
    expect(p90.rate).toBeCloseTo((p90.rateP50 * riskFactor("p90", "H100-SXM") * (2 - p90.startupHours)) / 2, 9);
    expect(p50.rate).toBeCloseTo((p50.rateP50 * (2 - p50.startupHours)) / 2, 9);
    expect(riskFactor("p50", "H100-SXM")).toBe(1);
    expect(riskFactor("p90", "H100-SXM")).toBeLessThan(1);
  });

  it("reports what rules each pool out: unknown GPUs, memory, latency, start-up", () => {
    const tpu: TCapacityPool = { ...singleGpus, id: "t", gpuType: "TPU-v5e" };
    expect(buildCandidates(context(relaxed, [tpu, tpu])).unknownGpus).toEqual(["TPU-v5e", "TPU-v5e"]);
    const l4: TCapacityPool = { ...singleGpus, id: "l4", gpuType: "L4", available: 8 };
    expect(
      buildCandidates(context({ ...relaxed, model: "llama-3.1-405b" }, [l4], { tpChoices: [1, 2] })).memoryMisfits,
    ).toEqual(["L4 TP1", "L4 TP2"]);
    const impossible = { ...TEN_PER_SECOND_ONLINE, ttftP95Ms: 1, tpotP95Ms: 1 };
    expect(
      buildCandidates(context(impossible, [singleGpus], { tpChoices: [1], roles: ["both", "prefill", "decode"] }))
        .latencyMisfits,
    ).toEqual(["H100-SXM TP1", "H100-SXM TP1 prefill", "H100-SXM TP1 decode"]);
    const tooSoon = buildCandidates(
      context({ ...TWO_PER_SECOND_BATCH, deadlineHours: 0.2 }, [singleGpus], { tpChoices: [1] }),
    );
    expect(tooSoon.candidates).toEqual([]);
    expect(tooSoon.startupMisfits).toEqual(["H100-SXM TP1 on spot (15 min)"]);
  });
});

describe("pruneDominated", () => {
  const one = testCandidate({ poolId: "a", role: "both", rate: 1, pricePerHour: 1 });
  const two = testCandidate({ poolId: "a", role: "both", rate: 2, pricePerHour: 2, gpus: 2, tp: 2 });

  it("drops a unit that smaller units of the same pool and role match at no later start", () => {
    expect(pruneDominated([one, two])).toEqual([one]);
    expect(pruneDominated([one, { ...two, rate: 2.01 }])).toHaveLength(2);
    expect(pruneDominated([one, { ...two, poolId: "b" }])).toHaveLength(2);
    expect(pruneDominated([one, { ...two, role: "prefill" }])).toHaveLength(2);
    expect(pruneDominated([{ ...one, startupHours: 0.3 }, two])).toHaveLength(2);
    expect(
      pruneDominated([
        { ...one, gpus: 2 },
        { ...two, gpus: 3 },
      ]),
    ).toHaveLength(2);
    // Only whole smaller units replace a bigger one: 3 GPUs are not a number of 2-GPU units.
    expect(
      pruneDominated([
        { ...one, gpus: 2, rate: 1 },
        { ...two, gpus: 3, rate: 1.4 },
      ]),
    ).toHaveLength(2);
    // Two units of the same size never drop each other.
    expect(pruneDominated([one, { ...one }])).toHaveLength(2);
  });
});
