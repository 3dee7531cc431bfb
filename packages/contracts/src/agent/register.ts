import { z } from "zod";
import { ZEngineKind, ZId } from "../primitives.ts";
import { named } from "../registry.ts";

export const ZCapability = named(
  "Capability",
  z.enum(["pd_disaggregation", "swap", "spot", "serverless", "scale", "pause", "routing", "chunked_batch", "webhooks"]),
);
export type TCapability = z.infer<typeof ZCapability>;

export const ZClusterInfo = named(
  "ClusterInfo",
  z.strictObject({
    name: z.string().min(1).max(128),
    kind: z.enum(["cloud", "on-prem"]),
    /** aws, gcp, azure, runpod, modal, on-prem… */
    provider: z.string().min(1).max(64),
    region: z.string().min(1).max(64).optional(),
  }),
);
export type TClusterInfo = z.infer<typeof ZClusterInfo>;

export const ZRegisterRequest = named(
  "RegisterRequest",
  z.strictObject({
    /** Stable per installation (kept in the spool dir), so a restarted agent gets its old id back. */
    instanceId: z
      .string()
      .min(8)
      .max(128)
      .regex(/^[A-Za-z0-9._:-]+$/),
    engine: ZEngineKind,
    /** Orca and Tuna report no version over HTTP; null then. */
    engineVersion: z.string().min(1).max(64).nullable(),
    agentVersion: z.string().min(1).max(64),
    protocolVersion: z.literal(1),
    cluster: ZClusterInfo,
    capabilities: z.array(ZCapability).max(32),
    hostname: z.string().min(1).max(255).optional(),
  }),
  "First call of an agent. Idempotent by instanceId.",
);
export type TRegisterRequest = z.infer<typeof ZRegisterRequest>;

export const ZRegisterResponse = named(
  "RegisterResponse",
  z.strictObject({
    agentId: ZId,
    heartbeatIntervalSeconds: z.number().int().min(1).max(3600),
    /** Upper bound for `?wait=` on the command long-poll. */
    commandWaitSeconds: z.number().int().min(0).max(60).optional(),
  }),
);
export type TRegisterResponse = z.infer<typeof ZRegisterResponse>;
