import { notFound } from "@koi/core/app-error";
import { prisma } from "@koi/db";
import { heldGpusByPool } from "../workloads/held-gpus-by-pool.ts";
import { overridePriceMap } from "../workloads/resolve-pool-price.ts";
import { fleetPool, plannedPool } from "./fleet-pool.ts";
import type { TAgentDetail } from "./fleet.schema.ts";

/** One agent of the org with its pools and its 50 latest engine events; another org's is NOT_FOUND. */
export async function getAgent(orgId: string, agentId: string): Promise<TAgentDetail> {
  const agent = await prisma.agent.findFirst({
    where: { id: agentId, orgId },
    select: {
      id: true,
      engine: true,
      version: true,
      status: true,
      lastHeartbeatAt: true,
      heartbeatIntervalSeconds: true,
      capabilities: true,
      registeredAt: true,
      cluster: { select: { id: true, name: true, kind: true, region: true } },
      pools: {
        select: {
          id: true,
          gpuType: true,
          market: true,
          total: true,
          available: true,
          quota: true,
          pricePerGpuHour: true,
          shape: true,
          updatedAt: true,
        },
      },
    },
  });
  if (!agent) throw notFound("No such agent.");
  const [events, overrides, heldByPool] = await Promise.all([
    prisma.engineEvent.findMany({
      where: { orgId, agentId: agent.id },
      orderBy: { at: "desc" },
      take: 50,
      select: { id: true, type: true, reasonCode: true, detail: true, engineRef: true, at: true },
    }),
    prisma.priceOverride.findMany({ where: { orgId } }),
    heldGpusByPool(orgId),
  ]);
  const overridePrice = overridePriceMap(overrides);
  const { pools, ...rest } = agent;
  const priced = pools.map((p) => fleetPool(plannedPool(p, heldByPool), overridePrice));
  return { agent: rest, pools: priced, events };
}
