import { calibrationKey, emptyCalibration, type TCalibrationEntry, type TCalibrationTable } from "@koi/planner";
import { prisma, type Tx } from "@koi/db";

/** The org's calibration table, rebuilt from its CalibrationFactor rows (one per model/GPU/TP). */
export async function loadOrgCalibration(orgId: string, db: Tx = prisma): Promise<TCalibrationTable> {
  const rows = await db.calibrationFactor.findMany({ where: { orgId } });
  const table = emptyCalibration();
  for (const row of rows) {
    if (!(row.state && typeof row.state === "object" && "logRatios" in row.state)) continue;
    table.entries[calibrationKey({ model: row.model, gpu: row.gpuType, tp: row.tp })] =
      row.state as unknown as TCalibrationEntry;
  }
  return table;
}
