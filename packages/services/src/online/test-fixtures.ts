import type { TAssignmentReport, TGpuPool, TOnlineSample } from "@koi/contracts";

/** Tests only: a Tuna agent's pools, 24 spot L4s and 4 serverless ones. */
export const tunaL4Pools: TGpuPool[] = [
  { id: "tuna:spot:L4", gpuType: "L4", market: "spot", total: 24, available: 24, quota: null, pricePerGpuHour: 0.4 },
  {
    id: "tuna:serverless:modal:L4",
    gpuType: "L4",
    market: "serverless",
    total: 4,
    available: 4,
    quota: null,
    pricePerGpuHour: 0.8,
  },
];

/** Tests only: one minute of an online service's metrics, inside its SLO unless `over` says otherwise. */
export function onlineSample(t: Date, over: Partial<TOnlineSample> = {}): TOnlineSample {
  return {
    t: t.toISOString(),
    intervalSeconds: 60,
    requestsPerSecond: 2,
    inputTokensPerSecond: 1600,
    outputTokensPerSecond: 400,
    ttftP95Ms: 400,
    tpotP95Ms: 40,
    e2eP95Ms: 8400,
    running: 6,
    waiting: 0,
    kvCacheUsage: 0.2,
    pctSpot: 100,
    rejected: 0,
    spotReplicas: 1,
    serverlessConcurrency: null,
    scrapeErrors: [],
    ...over,
  };
}

/** Tests only: the agent's report carrying one online sample. */
export function onlineReport(seq: number, at: Date, online: TOnlineSample): TAssignmentReport {
  return {
    epoch: 1,
    seq,
    at: at.toISOString(),
    state: "running",
    progress: { completed: seq * 120, total: null, unit: "requests" },
    online,
    usage: [{ component: "spot", gpuType: "L4", seconds: seq * 60, costUsd: seq * 0.0067 }],
  };
}
