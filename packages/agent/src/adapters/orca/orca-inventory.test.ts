import { describe, expect, it } from "vitest";
import type { TOrcaResources } from "@koi/contracts";
import { inventoryFromOrca } from "./orca-inventory.ts";

const instance = (
  instance_type: string,
  gpu_type: string,
  gpus: number,
  vcpus: number,
  family: string,
  memory: number,
  price: number,
) => ({
  instance_type,
  gpu_type,
  gpus_per_instance: gpus,
  vcpus,
  quota_family: family,
  gpu_memory_gb: memory,
  interconnect: instance_type.startsWith("p") ? "NVLink" : "PCIe",
  cost_per_instance_hour_usd: price,
});

const resources: TOrcaResources = {
  vpc_id: "orca-cluster",
  snapshot_time: "2026-01-01T00:00:00",
  instances: [
    instance("p4d.24xlarge", "A100", 8, 96, "P4_P3_P2", 40, 32.77),
    instance("p4de.24xlarge", "A100", 8, 96, "P4_P3_P2", 80, 40.97),
    instance("g6e.12xlarge", "L40S", 4, 48, "G", 48, 10.49),
    instance("g6e.48xlarge", "L40S", 8, 192, "G", 48, 30.13),
  ],
  quotas: [
    { family: "P4_P3_P2", region: "us-east-1", market: "on_demand", baseline_vcpus: 200, used_vcpus: 96 },
    { family: "G", region: "us-east-1", market: "spot", baseline_vcpus: 384, used_vcpus: 0 },
    { family: "G", region: "us-west-2", market: "on_demand", baseline_vcpus: 100, used_vcpus: 0 },
  ],
  allocated_gpus: { A100: 999 },
};

describe("Orca /resources + /quota/status → pools", () => {
  it("converts vCPU quota to whole instances of GPUs; a missing row is zero", () => {
    const pools = inventoryFromOrca(resources, null);
    const byId = Object.fromEntries(pools.map((p) => [p.id, p]));
    // 200 vCPU → 2 × p4d (96 vCPU) → 16 GPUs; 104 free → 1 instance → 8.
    expect(byId["orca:us-east-1:on-demand:A100-40GB"]).toMatchObject({
      total: 16,
      available: 8,
      quota: 16,
      pricePerGpuHour: 4.0963,
    });
    expect(byId["orca:us-east-1:spot:A100-40GB"]).toMatchObject({ total: 0, available: 0 });
    expect(byId["orca:us-west-2:on-demand:A100-40GB"]).toMatchObject({ total: 0 });
    // Densest L40S instance (g6e.12xlarge, 1 GPU per 12 vCPU): 384 / 48 × 4 = 32.
    expect(byId["orca:us-east-1:spot:L40S"]).toMatchObject({ total: 32, available: 32, pricePerGpuHour: null });
    expect(byId["orca:us-west-2:on-demand:L40S"]).toMatchObject({ total: 8 });
    expect(pools.some((p) => p.gpuType === "A100-80GB")).toBe(false);
    expect(pools).toHaveLength(8);
  });

  it("offers only the TP degrees Orca launches without idle GPUs: its machine sizes", () => {
    const pools = inventoryFromOrca(resources, null);
    // A TP4 A100 replica would get a whole 8-GPU p4d; L40S comes in 1-, 4- and 8-GPU machines.
    expect(pools.find((p) => p.gpuType === "A100-40GB")?.replicaSizes).toEqual([8]);
    expect(pools.find((p) => p.gpuType === "L40S")?.replicaSizes).toEqual([1, 4, 8]);
  });

  it("takes the larger used vCPU of /resources and /quota/status", () => {
    const pools = inventoryFromOrca(resources, {
      status: "success",
      quota_usage: [
        { Region: "us-east-1", Market: "spot", Family: "G", Baseline: 384, Used: 192, Available: 192, "Usage %": 50 },
      ],
      active_reservations: [],
    });
    expect(pools.find((p) => p.id === "orca:us-east-1:spot:L40S")).toMatchObject({ total: 32, available: 16 });
  });
});
