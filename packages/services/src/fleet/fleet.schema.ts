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

export const ZClusterView = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  provider: z.string().nullable(),
  region: z.string().nullable(),
  agents: z.array(ZAgentView),
  pools: z.array(ZPoolView),
});

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
  pools: z.array(ZPoolView),
  events: z.array(ZEngineEventView),
});
export type TAgentDetail = z.infer<typeof ZAgentDetail>;
