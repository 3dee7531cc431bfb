import { z } from "zod";

export const ZPoolView = z.object({
  id: z.string(),
  gpuType: z.string(),
  market: z.string(),
  total: z.number(),
  available: z.number(),
  quota: z.number().nullable(),
  pricePerGpuHour: z.number().nullable(),
  updatedAt: z.date(),
});

export const ZAgentView = z.object({
  id: z.string(),
  engine: z.string(),
  version: z.string(),
  status: z.enum(["ONLINE", "DEGRADED", "OFFLINE"]),
  lastHeartbeatAt: z.date().nullable(),
  heartbeatIntervalSeconds: z.number(),
  capabilities: z.array(z.string()),
  registeredAt: z.date(),
});

/** A pool as the fleet page shows it: `price` is what the planner charges and where it came from. */
export const ZFleetPoolView = ZPoolView.extend({
  price: z.object({ value: z.number(), source: z.enum(["pool", "override", "catalog", "none"]) }).nullable(),
  /** Why the planner leaves the pool out (unknown GPU or machine type), or null when it plans there. */
  notPlanned: z.string().nullable(),
});

export const ZClusterView = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  provider: z.string().nullable(),
  region: z.string().nullable(),
  /** Agents that are ONLINE or DEGRADED; offline ones are listed apart. */
  agents: z.array(ZAgentView),
  /** Pools of those agents that have GPUs. */
  pools: z.array(ZFleetPoolView),
  /** Pools of those agents reporting 0 GPUs: one line, not rows. */
  emptyPools: z.array(z.object({ gpuType: z.string(), market: z.string() })),
});

export const ZOfflineAgentView = ZAgentView.extend({
  clusterName: z.string(),
  /** GPUs its pools reported when it was last heard from; no longer counted anywhere. */
  gpus: z.number(),
});

export const ZFleetView = z.object({
  /** Clusters with at least one agent that is not offline. */
  clusters: z.array(ZClusterView),
  offline: z.array(ZOfflineAgentView),
  /** Over the agents that are not offline (the GPUs the planner can place on). */
  totals: z.object({ available: z.number(), total: z.number() }),
});
export type TFleetView = z.infer<typeof ZFleetView>;

export const ZAgentDetailInput = z.object({ agentId: z.string().min(1).max(64) }).strict();

export const ZEngineEventView = z.object({
  id: z.string(),
  type: z.string(),
  reasonCode: z.string().nullable(),
  detail: z.string().nullable(),
  engineRef: z.string().nullable(),
  at: z.date(),
});

export const ZAgentDetail = z.object({
  agent: ZAgentView.extend({
    cluster: z.object({ id: z.string(), name: z.string(), kind: z.string(), region: z.string().nullable() }),
  }),
  pools: z.array(ZFleetPoolView),
  events: z.array(ZEngineEventView),
});
export type TAgentDetail = z.infer<typeof ZAgentDetail>;
