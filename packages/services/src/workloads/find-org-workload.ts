import { notFound } from "@koi/core/app-error";
import { prisma, type Workload } from "@koi/db";

/** Another org's workload (or a malformed id) is the same 404 as a missing one. */
export async function findOrgWorkload(orgId: string, workloadId: string | undefined): Promise<Workload> {
  const workload =
    workloadId && workloadId.length <= 128
      ? await prisma.workload.findFirst({ where: { id: workloadId, orgId } })
      : null;
  if (!workload) throw notFound("No such workload.");
  return workload;
}
