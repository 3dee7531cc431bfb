import { describe, expect, it } from "vitest";
import { PlannerInputError, type TBatchWorkload, type TCapacityPool, type TOnlineWorkload } from "../types.ts";
import { selectGpus } from "./select-gpus.ts";

// Plans over pools whose machines are known: whole machines billed per machine-hour, pipeline
// stages across machines, start-up inside the deadline, and risk-aware sizing.

const LLAMA_70B: TBatchWorkload = {
  kind: "batch",
  model: "meta-llama/Llama-3.1-70B-Instruct",
  requests: 20_000,
  avgInputTokens: 1000,
  avgOutputTokens: 300,
  deadlineHours: 6,
};

const machines = (id: string, gpuType: string, instanceType: string, machineCount: number, perMachineHour: number) =>
  ({
    id,
    gpuType,
    market: "on-demand",
    available: machineCount * (instanceType.includes("12xlarge") ? 4 : 8),
    pricePerGpuHour: 0,
    shape: { instanceType, pricePerMachineHour: perMachineHour },
  }) satisfies TCapacityPool;

describe("plans that rent whole machines", () => {
  it("bills what the cloud bills: whole g6e.12xlarge machines at their machine-hour price", async () => {
    const plan = await selectGpus(LLAMA_70B, { pools: [machines("g6e", "L40S", "g6e.12xlarge", 6, 10.493)] });
    expect(plan.feasible).toBe(true);
    const rented = plan.replicas.reduce((n, r) => n + (r.machines ?? 0), 0);
    expect(rented).toBeGreaterThan(0);
    expect(plan.gpus).toBe(rented * 4);
    expect(plan.costPerHour).toBeCloseTo(rented * 10.493, 6);
    expect(plan.replicas.every((r) => r.instanceType === "g6e.12xlarge")).toBe(true);
    expect(plan.reason).toMatch(/g6e\.12xlarge/);
  });

  it("spans pipeline stages across machines when one machine cannot hold the model (70B BF16 on 4 × A10G)", async () => {
    // 9 h: vLLM's V1 engine runs the stages one after another (no microbatches), so 32 A10G need
    // about 5.3 h at P50 and more than 6 h at P90, as the measured A10G PP rows say.
    const plan = await selectGpus(
      { ...LLAMA_70B, deadlineHours: 9 },
      { pools: [machines("g5", "A10G", "g5.12xlarge", 8, 5.672)] },
    );
    expect(plan.feasible).toBe(true);
    for (const r of plan.replicas) {
      expect(r.tp).toBeLessThanOrEqual(4);
      expect(r.pp ?? 1).toBeGreaterThanOrEqual(2);
      expect(r.machines).toBeGreaterThanOrEqual(r.count * Math.ceil((r.tp * (r.pp ?? 1)) / 4));
    }
    // The same pool sold as single GPUs has no machines to span: TP stops at what one machine holds.
    const single = await selectGpus(LLAMA_70B, {
      pools: [{ id: "g5", gpuType: "A10G", market: "on-demand", available: 32, pricePerGpuHour: 1.418 }],
    });
    expect(single.replicas.every((r) => (r.pp ?? 1) === 1)).toBe(true);
  });

  it("counts start-up in the deadline: provisioning plus loading the weights at the pool's bandwidth", async () => {
    const fast = await selectGpus(
      { ...LLAMA_70B, deadlineHours: 2 },
      {
        pools: [
          {
            ...machines("p5", "H100-SXM", "p5.48xlarge", 2, 98.32),
            shape: { instanceType: "p5.48xlarge", pricePerMachineHour: 98.32, loadGBs: 4 },
          },
        ],
      },
    );
    const slow = await selectGpus(
      { ...LLAMA_70B, deadlineHours: 2 },
      {
        pools: [
          {
            ...machines("p5", "H100-SXM", "p5.48xlarge", 2, 98.32),
            shape: { instanceType: "p5.48xlarge", pricePerMachineHour: 98.32, loadGBs: 0.1 },
          },
        ],
      },
    );
    // 15 min to provision, then 141 GB at 4 GB/s vs at 0.1 GB/s.
    expect(fast.startupHours).toBeGreaterThan(0.25);
    expect(slow.startupHours ?? 0).toBeGreaterThan((fast.startupHours ?? 0) + 0.3);
    expect(slow.predictedHours ?? 0).toBeGreaterThan(fast.predictedHours ?? 0);
    // A deadline shorter than start-up cannot be met by any machine that still has to boot.
    const tooSoon = await selectGpus(
      { ...LLAMA_70B, requests: 100, deadlineHours: 0.2 },
      { pools: [machines("p5", "H100-SXM", "p5.48xlarge", 2, 98.32)] },
    );
    expect(tooSoon.feasible).toBe(false);
    expect(tooSoon.binding?.constraint).toBe("deadline");
    expect(tooSoon.binding?.detail).toMatch(/start-up/);
  });

  it("meets the deadline at P90 by default, and says so; P50 plans fewer GPUs", async () => {
    const pools = [machines("p5", "H100-SXM", "p5.48xlarge", 8, 98.32)];
    const job = { ...LLAMA_70B, requests: 400_000, deadlineHours: 3 };
    const p90 = await selectGpus(job, { pools });
    const p50 = await selectGpus(job, { pools }, { risk: "p50" });
    expect(p90.reason).toMatch(/P90/);
    expect(p90.gpus).toBeGreaterThan(p50.gpus);
    expect(p90.predictedHoursP90).toBeLessThanOrEqual(3);
    expect(p50.predictedHours).toBeLessThanOrEqual(3);
  });

  it("refuses an unknown instance type with one line naming the pool", async () => {
    const bad = { ...machines("x", "L40S", "g6e.12xlarge", 1, 10), shape: { instanceType: "g9z.huge" } };
    await expect(selectGpus(LLAMA_70B, { pools: [bad] })).rejects.toThrow(PlannerInputError);
    await expect(selectGpus(LLAMA_70B, { pools: [bad] })).rejects.toThrow(/pool x: unknown instance type "g9z.huge"/);
  });
});

describe("prefill/decode plans price the KV hand-off by the network", () => {
  const online: TOnlineWorkload = {
    kind: "online",
    model: "meta-llama/Llama-3.1-8B-Instruct",
    requestsPerSecond: 2,
    avgInputTokens: 8000,
    avgOutputTokens: 200,
    ttftP95Ms: 3000,
    tpotP95Ms: 20,
  };
  const pools = (networkGbps: number): TCapacityPool[] => [
    {
      ...machines("h100", "H100-SXM", "p5.48xlarge", 4, 98.32),
      shape: { instanceType: "p5.48xlarge", pricePerMachineHour: 98.32, networkGbps },
    },
    {
      ...machines("h200", "H200", "p5en.48xlarge", 4, 84.8),
      shape: { instanceType: "p5en.48xlarge", pricePerMachineHour: 84.8, networkGbps },
    },
    {
      ...machines("l40s", "L40S", "g6e.48xlarge", 4, 30.131),
      shape: { instanceType: "g6e.48xlarge", pricePerMachineHour: 30.131, networkGbps },
    },
  ];

  it("ships each prompt's KV cache inside the TTFT target, or the split is not offered", async () => {
    const fast = await selectGpus(online, { pools: pools(3200) }, { allowDisaggregation: true });
    // 8,000 tokens × 128 KB of KV at 0.5 Gbit/s take ~17 s: no split plan can meet a 3 s TTFT.
    const slow = await selectGpus(online, { pools: pools(0.5) }, { allowDisaggregation: true });
    expect(fast.feasible && slow.feasible).toBe(true);
    expect(fast.replicas.some((r) => r.role === "prefill")).toBe(true);
    expect(fast.reason).toMatch(/Prefill: .*; Decode: /);
    // …and says why, with what the hand-off costs.
    expect(fast.reason).toMatch(
      /KV cache \([\d.]+ MB\) moves from prefill to decode in [\d.]+ ms over 3200 Gbit\/s within the 3000 ms TTFT target/,
    );
    expect(slow.reason).not.toMatch(/KV cache/);
    expect(slow.replicas.every((r) => r.role === "both")).toBe(true);
    expect(fast.costPerHour).toBeLessThan(slow.costPerHour);
  });

  it("splits roles only on the pools allowed to (engines that declare pd_disaggregation)", async () => {
    const all = pools(3200);
    const split = await selectGpus(online, { pools: all }, { allowDisaggregation: true });
    const splitPools = new Set(split.replicas.filter((r) => r.role !== "both").map((r) => r.poolId));
    expect(splitPools.size).toBeGreaterThan(0);
    // Allowing just the pools the split used keeps the same plan: allowed pools are not dropped.
    const same = await selectGpus(
      online,
      { pools: all },
      { allowDisaggregation: true, disaggregationPoolIds: [...splitPools] },
    );
    expect(same.replicas).toEqual(split.replicas);
    const others = all.filter((p) => !splitPools.has(p.id)).map((p) => p.id);
    const elsewhere = await selectGpus(
      online,
      { pools: all },
      { allowDisaggregation: true, disaggregationPoolIds: others },
    );
    expect(elsewhere.replicas.filter((r) => r.role !== "both").every((r) => others.includes(r.poolId))).toBe(true);
    const nowhere = await selectGpus(online, { pools: all }, { allowDisaggregation: true, disaggregationPoolIds: [] });
    expect(nowhere.replicas.every((r) => r.role === "both")).toBe(true);
  });
});
