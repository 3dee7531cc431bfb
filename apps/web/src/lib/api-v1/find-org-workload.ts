import "server-only";
import { AppError } from "@koi/core/app-error";
import { prisma } from "@koi/db";

/** Another org's workload (or a malformed id) is the same 404 as a missing one. */
export async function findOrgWorkload(orgId: string, workloadId: string | undefined) {
  const workload =
    workloadId && workloadId.length <= 128
      ? await prisma.workload.findFirst({ where: { id: workloadId, orgId } })
      : null;
  if (!workload) throw new AppError("NOT_FOUND", "No such workload.");
  return workload;
}
