import { z } from "zod";
import { ZMachineShape, type TMachineShape } from "@koi/contracts/agent/heartbeat";
import { ZAssignmentReport, type TAssignmentReport } from "@koi/contracts/agent/reports";
import { ZMarket } from "@koi/contracts/primitives";
import { ZWorkloadSubmission, type TWorkloadSubmission } from "@koi/contracts/workloads/workloads";
import { ZPlanView } from "@koi/contracts/workloads/workloads-api";
import type { TAlternative, TCalibrationEntry } from "@koi/planner";

// Json columns are written here from typed values and read back through these parsers, so a row
// that drifted from its shape fails where it is read, not three calls later.

/** What an Assignment runs (Assignment.placement): one replica group on one pool of one agent. */
export const ZPlacementRecord = z.looseObject({
  poolId: z.string(),
  agentId: z.string(),
  gpuType: z.string(),
  market: ZMarket,
  tp: z.number(),
  pp: z.number(),
  replicas: z.number(),
  gpus: z.number(),
  /** Calibrated perf-model tokens/s of one replica; `rawPredictedTps` without the org's calibration. */
  predictedTps: z.number(),
  rawPredictedTps: z.number(),
  /** $/h of one replica. */
  replicaCostPerHour: z.number(),
  /**
   * The plan splits prefill and decode across groups: the engine cannot add, swap or pause
   * colocated replicas of it, so Koi moves it as a whole instead.
   */
  split: z.boolean().optional(),
});
export type TPlacementRecord = z.infer<typeof ZPlacementRecord>;

/** `Workload.spec`: the submission as it was accepted. */
export function readSpec(workload: { spec: unknown }): TWorkloadSubmission {
  return ZWorkloadSubmission.parse(workload.spec);
}

export function readPlacement(assignment: { placement: unknown }): TPlacementRecord {
  return ZPlacementRecord.parse(assignment.placement);
}

/** `GpuPool.shape`: the machines the agent reported, or undefined for a pool of single GPUs. */
export function readPoolShape(pool: { shape: unknown }): TMachineShape | undefined {
  return pool.shape === null ? undefined : ZMachineShape.parse(pool.shape);
}

/** `AssignmentReport.data`: the agent's report as it was accepted. */
export function readReport(row: { data: unknown }): TAssignmentReport {
  return ZAssignmentReport.parse(row.data);
}

/** `Decision.alternatives`: the planner's runners-up, as stored with the plan. */
export function readAlternatives(decision: { alternatives: unknown } | null): TAlternative[] {
  return decision ? ZPlanView.shape.alternatives.parse(decision.alternatives) : [];
}

const ZCalibrationEntry = z.object({
  logRatios: z.array(z.number()),
  reports: z.number(),
  factor: z.number(),
});

/** `CalibrationFactor.state`; a row just inserted holds `{}` until its first observation. */
export function readCalibrationEntry(state: unknown): TCalibrationEntry | null {
  return state && typeof state === "object" && "logRatios" in state ? ZCalibrationEntry.parse(state) : null;
}
