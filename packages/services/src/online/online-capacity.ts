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
 * agent that runs it, with the GPUs the service already holds counted as its own.
 */
export async function onlineCapacity(
  tx: Tx,
  orgId: string,
  agentId: string,
  placement: TPlacementRecord,
): Promise<{ pools: TVmPool[]; serverless: TServerlessOffer[]; spotGpu: string | null }> {
  const org = await buildOrgCapacity(orgId, { db: tx, engine: "tuna" });
  const mine = org.capacity.pools
    .filter((p) => org.owners[p.id]?.agentId === agentId)
    .map((p) => (p.id === placement.poolId ? { ...p, available: p.available + placement.gpus } : p));
  const pools: TVmPool[] = mine
    .filter((p) => p.market !== "serverless")
    .map((p) => ({ ...p, ...(p.market === "spot" ? { preemptionRatePerHour: SPOT_PREEMPTION_PER_HOUR } : {}) }));
  const serverless: TServerlessOffer[] = mine
    .filter((p) => p.market === "serverless")
    .map((p) => ({
      id: p.id,
      gpuType: p.gpuType,
      pricePerGpuHour: p.pricePerGpuHour,
      coldStartSeconds: SERVERLESS_COLD_START_SECONDS,
      maxWorkers: Math.max(1, p.available),
    }));
  return { pools, serverless, spotGpu: pools.find((p) => p.market === "spot")?.gpuType ?? null };
}
