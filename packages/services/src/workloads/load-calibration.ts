import { calibrationKey, emptyCalibration, type TCalibrationTable } from "@koi/planner";
import { prisma, type Tx } from "@koi/db";
import { readCalibrationEntry } from "./read-stored-json.ts";

/** The org's calibration table, rebuilt from its CalibrationFactor rows (one per model/GPU/TP). */
export async function loadOrgCalibration(orgId: string, db: Tx = prisma): Promise<TCalibrationTable> {
  const rows = await db.calibrationFactor.findMany({ where: { orgId } });
  const table = emptyCalibration();
  for (const row of rows) {
    const entry = readCalibrationEntry(row.state);
    if (entry) table.entries[calibrationKey({ model: row.model, gpu: row.gpuType, tp: row.tp })] = entry;
  }
  return table;
}
