import type { TCapacity, TCapacityPool, TEngine } from "@koi/planner";
import { prisma, type Tx } from "@koi/db";
import { overridePriceMap, resolvePoolPrice, type TPriceSource } from "./resolve-pool-price.ts";
import { freeGpus, heldGpusByPool } from "./held-gpus-by-pool.ts";
import { poolShapeProblem } from "./pool-shape-problem.ts";
import { readPoolShape } from "./read-stored-json.ts";

/** Who owns a capacity pool: the agent that will run an assignment placed there. */
export type TPoolOwner = {
  poolId: string;
  agentId: string;
  engine: string;
  clusterName: string;
  gpuType: string;
  market: string;
  priceSource: TPriceSource;
  total: number;
  quota: number | null;
  /** The agent declares `pd_disaggregation`: it can run prefill and decode replicas apart. */
  splitsRoles: boolean;
};

export type TOrgCapacity = { capacity: TCapacity; owners: Record<string, TPoolOwner>; agentsOnline: number };

/** Pools whose agent can run prefill and decode replicas apart (see selectOptionsFor). */
export function splitPoolIds(org: Pick<TOrgCapacity, "owners">): string[] {
  return Object.values(org.owners)
    .filter((o) => o.splitsRoles)
    .map((o) => o.poolId);
}

/** Agent engines that can run what the router picked (the simulator stands in for both). */
export const ENGINES_FOR: Record<TEngine, string[]> = { orca: ["orca", "sim"], tuna: ["tuna", "sim"] };

/**
 * The org's live capacity: GPU pools of its ONLINE agents, priced by the pool's own rate, else the
 * org's PriceOverride, else the catalog; minus the GPUs its live assignments hold there (placement
 * `poolId` × GPUs), never below zero. Pool ids are GpuPool ids. GPUs a job paused to lend to an
 * urgent workload stay reserved for that workload (`forWorkloadId` sees them free) until it is placed.
 */
export async function buildOrgCapacity(
  orgId: string,
  opts: { db?: Tx; engine?: TEngine; forWorkloadId?: string } = {},
): Promise<TOrgCapacity> {
  const db = opts.db ?? prisma;
  const agents = await db.agent.findMany({
    where: { orgId, status: "ONLINE", ...(opts.engine ? { engine: { in: ENGINES_FOR[opts.engine] } } : {}) },
    select: {
      id: true,
      engine: true,
      capabilities: true,
      cluster: { select: { name: true, region: true } },
      pools: true,
    },
  });
  const heldByPool = await heldGpusByPool(orgId, {
    db,
    ...(opts.forWorkloadId ? { forWorkloadId: opts.forWorkloadId } : {}),
  });
  const overrides = await db.priceOverride.findMany({ where: { orgId } });
  const overridePrice = overridePriceMap(overrides);

  const pools: TCapacityPool[] = [];
  const owners: Record<string, TPoolOwner> = {};
  for (const agent of agents) {
    for (const pool of agent.pools) {
      const price = resolvePoolPrice(pool.gpuType, pool.market, pool.pricePerGpuHour, overridePrice);
      if (!price) continue; // an unknown GPU type the planner cannot model
      const shape = readPoolShape(pool);
      const available = freeGpus(pool, heldByPool.get(pool.id) ?? 0);
      const planned: TCapacityPool = {
        id: pool.id,
        // Sentences (plan summaries, waiting messages) name pools this way, never by their cuid.
        name: `${agent.cluster.name}'s ${pool.gpuType} ${pool.market} pool`,
        gpuType: pool.gpuType,
        market: pool.market as TCapacityPool["market"],
        available,
        ...(pool.quota !== null ? { quota: Math.max(0, pool.quota - (heldByPool.get(pool.id) ?? 0)) } : {}),
        pricePerGpuHour: price.value,
        cluster: agent.cluster.name,
        ...(pool.replicaSizes.length ? { replicaSizes: pool.replicaSizes } : {}),
        ...(agent.cluster.region ? { region: agent.cluster.region } : {}),
        ...(shape ? { shape } : {}),
      };
      if (poolShapeProblem(planned)) continue; // machines the planner cannot model (the fleet pages say why)
      pools.push(planned);
      owners[pool.id] = {
        poolId: pool.id,
        agentId: agent.id,
        engine: agent.engine,
        clusterName: agent.cluster.name,
        gpuType: pool.gpuType,
        market: pool.market,
        priceSource: price.source,
        total: pool.total,
        quota: pool.quota,
        splitsRoles: agent.capabilities.includes("pd_disaggregation"),
      };
    }
  }
  return { capacity: { pools }, owners, agentsOnline: agents.length };
}
