import type { TWorkloadSubmission } from "@koi/contracts/workloads/workloads";
import { selectGpus, type TCalibrationTable, type TPlan, type TWorkload } from "@koi/planner";
import { splitPoolIds, type TOrgCapacity } from "./build-org-capacity.ts";
import { selectOptionsFor } from "./workload-inputs.ts";

/** Infeasible for want of GPUs (more free ones, or more time on them), not for what the job is. */
export function capacityBound(plan: TPlan): boolean {
  return ["availability", "deadline", "quota", "max-gpus"].includes(plan.binding?.constraint ?? "");
}

/**
 * For a plan infeasible for want of GPUs, the plan on the pools with every GPU free — Koi's own
 * assignments finished, a paused one's replicas torn down (the engine reports them busy until its
 * next heartbeat), the engine's other jobs ended; null for a plan infeasible for what the job is.
 * Feasible there: busy, not impossible, and the workload waits (once the deadline makes even the
 * whole pools too small, a retry fails it). Infeasible there: its binding constraint is why the
 * workload can never run, where the busy plan's would only say that GPUs are busy now.
 */
export async function planOnWholeCapacity(
  plan: TPlan,
  org: TOrgCapacity,
  remaining: TWorkload,
  submission: TWorkloadSubmission,
  calibration: TCalibrationTable,
): Promise<TPlan | null> {
  if (!capacityBound(plan)) return null;
  const whole = {
    pools: org.capacity.pools.map(({ quota: _quota, ...p }) => {
      const owner = org.owners[p.id];
      return { ...p, available: owner?.total ?? p.available, ...(owner?.quota != null ? { quota: owner.quota } : {}) };
    }),
  };
  return selectGpus(remaining, whole, {
    ...selectOptionsFor(submission, splitPoolIds(org)),
    calibration,
    alternatives: 0,
  });
}
