import { z } from "zod";
import { prisma } from "@koi/db";
import { orgProcedure } from "../../trpc.ts";
import { ZClusterView } from "@koi/services/fleet/fleet.schema";

const poolSelect = {
  id: true,
  gpuType: true,
  market: true,
  total: true,
  available: true,
  quota: true,
  pricePerGpuHour: true,
  updatedAt: true,
} as const;
const agentSelect = {
  id: true,
  engine: true,
  version: true,
  status: true,
  lastHeartbeatAt: true,
  heartbeatIntervalSeconds: true,
  capabilities: true,
  registeredAt: true,
} as const;

/** Clusters with their agents (newest first) and GPU pools. */
export async function findFleet(orgId: string) {
  return prisma.cluster.findMany({
    where: { orgId },
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      kind: true,
      provider: true,
      region: true,
      agents: { orderBy: { registeredAt: "desc" }, select: agentSelect, take: 50 },
      pools: { orderBy: [{ gpuType: "asc" }, { market: "asc" }], select: poolSelect },
    },
  });
}

export const listFleet = orgProcedure("VIEWER")
  .output(z.array(ZClusterView))
  .query(({ ctx }) => findFleet(ctx.orgId));
