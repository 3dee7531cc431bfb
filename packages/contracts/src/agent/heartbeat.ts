import { z } from "zod";
import { ZAssignmentState, ZEngineRef, ZEpoch, ZGpuType, ZId, ZIsoDateTime, ZMarket } from "../primitives.ts";
import { named } from "../registry.ts";

const gpuCount = z.number().int().min(0).max(1_000_000);

export const ZMachineShape = named(
  "MachineShape",
  z
    .strictObject({
      /** Cloud instance type, e.g. "g6e.12xlarge"; Koi's catalog fills what is not given. */
      instanceType: z.string().min(1).max(64).optional(),
      gpusPerMachine: z.number().int().min(1).max(16).optional(),
      interconnect: z.enum(["nvlink", "pcie"]).optional(),
      /** Network between machines, Gbit/s per machine. */
      networkGbps: z.number().positive().max(100_000).optional(),
      /** Weights from storage into GPU memory, GB/s per machine. */
      loadGBs: z.number().positive().max(10_000).optional(),
      /** What the cloud bills per machine-hour; absent: price per GPU-hour × GPUs per machine. */
      pricePerMachineHour: z.number().min(0).max(100_000).optional(),
    })
    .refine((s) => s.instanceType !== undefined || s.gpusPerMachine !== undefined, {
      error: "give instanceType or gpusPerMachine",
    }),
  "The machines a pool's GPUs come in: Koi buys whole machines, TP within one, pipeline stages across several.",
);
export type TMachineShape = z.infer<typeof ZMachineShape>;

export const ZGpuPool = named(
  "GpuPool",
  z
    .strictObject({
      /** Stable across heartbeats, e.g. `orca:us-east-1:spot:H100-SXM`. */
      id: z.string().min(1).max(200),
      gpuType: ZGpuType,
      market: ZMarket,
      region: z.string().min(1).max(64).optional(),
      /** GPUs the pool could hold at most (from quota or hardware). */
      total: gpuCount,
      /** GPUs free right now. */
      available: gpuCount,
      /** Account cap in GPUs; null when the engine reports no cap. */
      quota: gpuCount.nullable(),
      /** USD per GPU-hour as the engine or the agent's config knows it; null = use Koi's catalog. */
      pricePerGpuHour: z.number().min(0).max(10_000).nullable(),
      /** GPUs per replica the engine can launch without idle GPUs (its machine sizes); absent: any. */
      replicaSizes: z.array(z.number().int().min(1).max(64)).min(1).max(16).optional(),
      /** The pool's machines, when the agent knows them; absent: the pool sells single GPUs. */
      shape: ZMachineShape.optional(),
    })
    .refine((p) => p.available <= p.total, { error: "available must be <= total", path: ["available"] }),
);
export type TGpuPool = z.infer<typeof ZGpuPool>;

export const ZInventory = named(
  "Inventory",
  z.strictObject({
    collectedAt: ZIsoDateTime,
    pools: z.array(ZGpuPool).max(500),
  }),
);
export type TInventory = z.infer<typeof ZInventory>;

export const ZRunningAssignment = named(
  "RunningAssignment",
  z.strictObject({
    assignmentId: ZId,
    epoch: ZEpoch,
    state: ZAssignmentState,
    engineRef: ZEngineRef.nullable(),
  }),
);
export type TRunningAssignment = z.infer<typeof ZRunningAssignment>;

export const ZAgentMetrics = named(
  "AgentMetrics",
  z.strictObject({
    uptimeSeconds: z.number().min(0),
    /** Reports, events and acks waiting in the on-disk spool. */
    spoolPending: z.number().int().min(0),
    spoolOldestAgeSeconds: z.number().min(0).nullable(),
    engineReachable: z.boolean(),
    lastEngineError: z.string().max(500).nullable(),
  }),
);
export type TAgentMetrics = z.infer<typeof ZAgentMetrics>;

export const ZHeartbeatRequest = named(
  "HeartbeatRequest",
  z.strictObject({
    sentAt: ZIsoDateTime,
    /** Null when the engine could not be read this time; the server keeps the last inventory. */
    inventory: ZInventory.nullable(),
    assignments: z.array(ZRunningAssignment).max(1000),
    metrics: ZAgentMetrics,
  }),
);
export type THeartbeatRequest = z.infer<typeof ZHeartbeatRequest>;

export const ZHeartbeatResponse = named(
  "HeartbeatResponse",
  z.strictObject({
    nextHeartbeatSeconds: z.number().int().min(1).max(3600),
    /** Assignments this agent no longer holds (lease lost, epoch moved on): stop reporting them. */
    revokedAssignments: z
      .array(z.strictObject({ assignmentId: ZId, epoch: ZEpoch }))
      .max(1000)
      .optional(),
  }),
);
export type THeartbeatResponse = z.infer<typeof ZHeartbeatResponse>;
