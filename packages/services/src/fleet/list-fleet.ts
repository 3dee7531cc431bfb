import { prisma } from "@koi/db";
import { heldGpusByPool } from "../workloads/held-gpus-by-pool.ts";
import { overridePriceMap } from "../workloads/resolve-pool-price.ts";
import { fleetPool, plannedPool } from "./fleet-pool.ts";
import type { TFleetView } from "./fleet.schema.ts";

const poolSelect = {
  id: true,
  agentId: true,
  gpuType: true,
  market: true,
  total: true,
  available: true,
  quota: true,
  pricePerGpuHour: true,
  shape: true,
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

/**
 * Clusters with their live agents (newest first) and GPU pools, and the offline agents apart: an
 * offline agent's pools are shown nowhere and counted nowhere, as the planner does not use them
 * either (`buildOrgCapacity` reads ONLINE agents only). Pools with no GPUs collapse into one line.
 * A pool's available GPUs are those the planner would use (`plannedPool`), so the page agrees with
 * the GPUs the overview counts in use.
 */
export async function findFleet(orgId: string): Promise<TFleetView> {
  const [clusters, overrides, heldByPool] = await Promise.all([
    prisma.cluster.findMany({
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
    }),
    prisma.priceOverride.findMany({ where: { orgId } }),
    heldGpusByPool(orgId),
  ]);
  const overridePrice = overridePriceMap(overrides);
  const view: TFleetView = { clusters: [], offline: [], totals: { available: 0, total: 0 } };
  for (const { agents, pools, ...cluster } of clusters) {
    const live = agents.filter((a) => a.status !== "OFFLINE");
    const liveIds = new Set(live.map((a) => a.id));
    for (const agent of agents.filter((a) => a.status === "OFFLINE")) {
      const gpus = pools.filter((p) => p.agentId === agent.id).reduce((sum, p) => sum + p.total, 0);
      view.offline.push({ ...agent, clusterName: cluster.name, gpus });
    }
    if (live.length === 0) continue;
    const livePools = pools.filter((p) => liveIds.has(p.agentId)).map((p) => plannedPool(p, heldByPool));
    const withGpus = livePools.filter((p) => p.total > 0);
    for (const p of withGpus) {
      view.totals.available += p.available;
      view.totals.total += p.total;
    }
    view.clusters.push({
      ...cluster,
      agents: live,
      pools: withGpus.map(({ agentId: _agentId, ...p }) => fleetPool(p, overridePrice)),
      emptyPools: livePools.filter((p) => p.total === 0).map((p) => ({ gpuType: p.gpuType, market: p.market })),
    });
  }
  return view;
}
