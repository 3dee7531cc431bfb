import { findGpu, tryFindInstanceShape } from "@koi/catalog";
import { PlannerInputError, poolLabel, type TCapacityPool, type TMarket } from "../types.ts";

// A pool's machines, with the catalog filling what the agent did not report, and the time a new
// replica takes before it serves: provisioning by market, then loading the weights.

export type TMachineShape = {
  instanceType?: string;
  gpusPerMachine: number;
  interconnect: "nvlink" | "pcie";
  networkGbps: number;
  loadGBs: number;
  pricePerMachineHour: number;
};

/** Block storage (EBS gp3 ≈ 1 GB/s) when a pool says nothing of its load bandwidth (est.). */
export const DEFAULT_LOAD_GBS = 1;

/**
 * Seconds from asking for capacity to a booted, health-checked machine (PERF_MODEL_AND_PRICES.md
 * §2): a fresh GPU VM takes 10–30 min, so on-demand, spot and reserved VMs count 15 min (spot's
 * interruptions are the reliability layer's, not start-up); on-prem machines are already up;
 * serverless workers with drivers ready start in ~5 s to ~50 s (Cloud Run, Modal).
 */
export const PROVISIONING_SECONDS: Record<TMarket, number> = {
  "on-demand": 900,
  spot: 900,
  reserved: 900,
  "on-prem": 0,
  serverless: 30,
};

/** The pool's machine shape, or undefined for pools that sell single GPUs. Unknown instance types throw. */
export function resolvePoolShape(pool: TCapacityPool): TMachineShape | undefined {
  const s = pool.shape;
  if (!s) return undefined;
  const known = s.instanceType === undefined ? undefined : tryFindInstanceShape(s.instanceType);
  if (s.instanceType !== undefined && !known && s.gpusPerMachine === undefined)
    throw new PlannerInputError("capacity", [
      `${poolLabel(pool)}: unknown instance type "${s.instanceType}" (give gpusPerMachine, interconnect and networkGbps)`,
    ]);
  if (known && known.gpuType !== findGpu(pool.gpuType).id)
    throw new PlannerInputError("capacity", [
      `${poolLabel(pool)}: instance type ${known.id} carries ${known.gpuType}, not ${pool.gpuType}`,
    ]);
  const gpusPerMachine = s.gpusPerMachine ?? known?.gpusPerMachine ?? 1;
  const gpu = findGpu(pool.gpuType);
  return {
    instanceType: known?.id ?? s.instanceType,
    gpusPerMachine,
    interconnect: s.interconnect ?? known?.interconnect ?? (gpu.interconnectGBs >= 200 ? "nvlink" : "pcie"),
    networkGbps: s.networkGbps ?? known?.networkGbps ?? 100,
    loadGBs: s.loadGBs ?? known?.loadGBs ?? DEFAULT_LOAD_GBS,
    pricePerMachineHour: s.pricePerMachineHour ?? pool.pricePerGpuHour * gpusPerMachine,
  };
}

/** Hours before a replica serves: provisioning, then each machine reading its GPUs' share of the weights. */
export function startupHours(market: TMarket, weightsGbPerMachine: number, loadGBs: number): number {
  return (PROVISIONING_SECONDS[market] + weightsGbPerMachine / loadGBs) / 3600;
}
