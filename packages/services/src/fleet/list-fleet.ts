import { prisma } from "@koi/db";

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
