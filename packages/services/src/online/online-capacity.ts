import type { TServerlessOffer, TVmPool } from "@koi/planner";
import type { Tx } from "@koi/db";
import { buildOrgCapacity } from "../workloads/build-org-capacity.ts";
import type { TPlacementRecord } from "../workloads/read-stored-json.ts";

/** Spot reclaims per instance-hour assumed for a pool that does not say (the catalog has no hazard rates). */
const SPOT_PREEMPTION_PER_HOUR = 0.1;
/** Serverless cold start assumed when the provider does not say (Modal/RunPod with a cached image). */
const SERVERLESS_COLD_START_SECONDS = 30;

/**
 * The pools an online service's Tuna deployment can scale on: the VM and serverless pools of the
 * agent that runs it. The planner counts the service's running replicas as its own, so its pool's
 * `available` leaves them out; the org's capacity left out the placement's GPUs instead, which
 * are given back first. Replicas beyond the pool (SkyServe ran more than it may) are capped.
 */
export async function onlineCapacity(
  tx: Tx,
  orgId: string,
  agentId: string,
  placement: TPlacementRecord,
  runningReplicas: number,
): Promise<{ pools: TVmPool[]; serverless: TServerlessOffer[]; spotGpu: string | null; currentReplicas: number }> {
  const org = await buildOrgCapacity(orgId, { db: tx, engine: "tuna" });
  const mine = org.capacity.pools.filter((p) => org.owners[p.id]?.agentId === agentId);
  const own = mine.find((p) => p.id === placement.poolId);
  const ownGpus = own ? own.available + placement.gpus : 0;
  const currentReplicas = Math.min(runningReplicas, Math.floor(ownGpus / Math.max(1, placement.tp)));
  const pools: TVmPool[] = mine
    .filter((p) => p.market !== "serverless")
    .map((p) => ({
      ...p,
      ...(p === own ? { available: Math.max(0, ownGpus - currentReplicas * placement.tp) } : {}),
      ...(p.market === "spot" ? { preemptionRatePerHour: SPOT_PREEMPTION_PER_HOUR } : {}),
    }));
  const serverless: TServerlessOffer[] = mine
    .filter((p) => p.market === "serverless")
    .map((p) => ({
      id: p.id,
      gpuType: p.gpuType,
      pricePerGpuHour: p.pricePerGpuHour,
      coldStartSeconds: SERVERLESS_COLD_START_SECONDS,
      maxWorkers: Math.max(1, p === own ? ownGpus : p.available),
    }));
  return {
    pools,
    serverless,
    spotGpu: pools.find((p) => p.market === "spot")?.gpuType ?? null,
    currentReplicas: own && own.market !== "serverless" ? currentReplicas : 0,
  };
}
