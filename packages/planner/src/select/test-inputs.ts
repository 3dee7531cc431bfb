import { resolveModel } from "@koi/catalog";
import type { TCandidate, TCandidateContext } from "./build-candidates.ts";
import type { TBatchWorkload, TCapacityPool, TOnlineWorkload, TWorkload } from "../types.ts";

/**
 * A replica option as the optimisers see it, for tests that pick rates and prices by hand: one
 * on-demand H100 GPU per unit unless `over` says otherwise (tests only).
 */
export const testCandidate = (
  over: Partial<TCandidate> & Pick<TCandidate, "poolId" | "role" | "rate" | "pricePerHour">,
): TCandidate => ({
  gpuType: "H100-SXM",
  market: "on-demand",
  tp: 1,
  pp: 1,
  gpus: 1,
  replicasPerUnit: 1,
  startupHours: 0.25,
  networkGbps: 100,
  kvBytesPerRequest: 1e6,
  maxCount: 8,
  ttftP95Ms: 100,
  tpotP95Ms: 20,
  family: `${over.poolId}|${over.role}`,
  poolLabel: `pool ${over.poolId}`,
  ...over,
});

/** A batch job of 7,200 requests due in 1 h: 2 req/s with no safety margin (tests only). */
export const TWO_PER_SECOND_BATCH: TBatchWorkload = {
  kind: "batch",
  model: "llama-3.1-8b",
  requests: 7200,
  avgInputTokens: 900,
  avgOutputTokens: 100,
  deadlineHours: 1,
};

/** An online service at 10 req/s with a 500 ms TTFT and 50 ms TPOT target (tests only). */
export const TEN_PER_SECOND_ONLINE: TOnlineWorkload = {
  kind: "online",
  model: "llama-3.1-8b",
  requestsPerSecond: 10,
  avgInputTokens: 900,
  avgOutputTokens: 100,
  ttftP95Ms: 500,
  tpotP95Ms: 50,
};

/** A pool that sells single GPUs (tests only). */
export const testPool = (
  id: string,
  gpuType: string,
  market: TCapacityPool["market"],
  available: number,
  pricePerGpuHour: number,
  quota?: number,
): TCapacityPool => ({
  id,
  gpuType,
  market,
  available,
  pricePerGpuHour,
  ...(quota === undefined ? {} : { quota }),
});

/** What `buildCandidates` is given: colocated TP1 replicas planned at P50 unless `over` says otherwise (tests only). */
export const testContext = (
  workload: TWorkload,
  pools: TCapacityPool[],
  over: Partial<TCandidateContext> = {},
): TCandidateContext => ({
  workload,
  model: resolveModel(workload),
  pools,
  tpChoices: [1],
  ppChoices: [1],
  roles: ["both"],
  risk: "p50",
  ...over,
});
