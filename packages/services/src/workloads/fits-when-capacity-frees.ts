import type { TWorkloadSubmission } from "@koi/contracts/workloads/workloads";
import { selectGpus, type TCalibrationTable, type TPlan, type TWorkload } from "@koi/planner";
import { splitPoolIds, type TOrgCapacity } from "./build-org-capacity.ts";
import { selectOptionsFor } from "./workload-inputs.ts";

/** Infeasible for want of GPUs (more free ones, or more time on them), not for what the job is. */
export function capacityBound(plan: TPlan): boolean {
  return ["availability", "deadline", "quota", "max-gpus"].includes(plan.binding?.constraint ?? "");
}

/**
 * Busy, not impossible: the workload would fit if the pools' GPUs were all free — Koi's own
 * assignments finish or a paused one's replicas are torn down (the engine reports them busy until
 * its next heartbeat), or the engine's other jobs end. It waits; once the deadline makes even the
 * whole pools too small, a retry fails it with the binding constraint.
 */
export async function fitsWhenCapacityFrees(
  plan: TPlan,
  org: TOrgCapacity,
  remaining: TWorkload,
  submission: TWorkloadSubmission,
  calibration: TCalibrationTable,
): Promise<boolean> {
  if (!capacityBound(plan)) return false;
  const whole = {
    pools: org.capacity.pools.map(({ quota: _quota, ...p }) => {
      const owner = org.owners[p.id];
      return { ...p, available: owner?.total ?? p.available, ...(owner?.quota != null ? { quota: owner.quota } : {}) };
    }),
  };
  const freed = await selectGpus(remaining, whole, {
    ...selectOptionsFor(submission, splitPoolIds(org)),
    calibration,
    alternatives: 0,
  });
  return freed.feasible;
}
