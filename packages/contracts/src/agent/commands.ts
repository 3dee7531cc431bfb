import { z } from "zod";
import { ZEpoch, ZGpuType, ZId, ZIsoDateTime, ZMarket, ZPipelineParallel, ZTensorParallel } from "../primitives.ts";
import { named } from "../registry.ts";
import { ZTunaScalingPolicy } from "../tuna/scaling-policy.ts";

const tokens = z.number().int().min(1).max(10_000_000);

export const ZInputChunk = z.strictObject({
  chunkId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  /** Where the engine reads the chunk (Orca: an S3 URI). */
  uri: z.string().min(1).max(2048),
  lines: z.number().int().min(1).max(100_000_000),
});

export const ZWorkloadSpec = named(
  "WorkloadSpec",
  z
    .strictObject({
      kind: z.enum(["batch", "online"]),
      /** Hugging Face id, as the engine serves it. */
      model: z.string().min(1).max(256),
      /** Batch: number of requests (input lines). */
      requests: z.number().int().min(1).max(1_000_000_000).optional(),
      avgInputTokens: tokens,
      avgOutputTokens: tokens,
      maxInputTokens: tokens.optional(),
      maxOutputTokens: tokens.optional(),
      /** Batch deadline. */
      deadlineAt: ZIsoDateTime.optional(),
      priority: z.enum(["low", "normal", "high", "urgent"]).optional(),
      /** Online: expected peak rate. */
      requestsPerSecond: z.number().positive().max(1_000_000).optional(),
      /** Batch input already in the customer's storage (Orca reads chunks from S3). */
      input: z
        .strictObject({
          uri: z.string().min(1).max(2048),
          chunks: z.array(ZInputChunk).min(1).max(10_000).optional(),
        })
        .optional(),
    })
    .refine((w) => w.kind !== "batch" || w.requests !== undefined, {
      error: "batch workloads need requests",
      path: ["requests"],
    }),
);
export type TWorkloadSpec = z.infer<typeof ZWorkloadSpec>;

export const ZPlacement = named(
  "Placement",
  z.strictObject({
    gpuType: ZGpuType,
    tp: ZTensorParallel,
    pp: ZPipelineParallel,
    replicas: z.number().int().min(1).max(1024),
    market: ZMarket,
  }),
);
export type TPlacement = z.infer<typeof ZPlacement>;

export const ZReplicaGroupPlacement = named(
  "ReplicaGroupPlacement",
  z.strictObject({
    gpuType: ZGpuType,
    tp: ZTensorParallel,
    /** Pipeline stages per replica: TP within a machine, stages across machines. */
    pp: ZPipelineParallel,
    replicas: z.number().int().min(1).max(1024),
    market: ZMarket,
    /** What the replicas do: both (colocated), or prefill / decode of a split plan. */
    role: z.enum(["both", "prefill", "decode"]),
    /** Whole machines the group rents, when the pool's machines are known. */
    machines: z.number().int().min(1).max(4096).optional(),
    instanceType: z.string().min(1).max(64).optional(),
  }),
  "One kind of replica of a plan. A split plan has a prefill group and a decode group; the engine hands each request's KV cache from the first to the second.",
);
export type TReplicaGroupPlacement = z.infer<typeof ZReplicaGroupPlacement>;

export const ZPlacementAlternative = named(
  "PlacementAlternative",
  z.strictObject({
    gpuType: ZGpuType,
    tp: ZTensorParallel,
    pp: ZPipelineParallel,
    market: ZMarket,
    predictedTps: z.number().min(0).nullable().optional(),
    costPerHour: z.number().min(0).optional(),
  }),
);

const ZDeployPayload = z.strictObject({
  workload: ZWorkloadSpec,
  placement: ZPlacement,
  /** Ordered fallbacks the engine may try when the primary cannot launch. */
  alternatives: z.array(ZPlacementAlternative).max(8),
  decisionId: ZId,
  /** Predicted tokens/s (input + output) of one replica of the primary placement. */
  predictedTps: z.number().min(0).nullable(),
  /**
   * Every replica group of the plan this agent runs, with its role, pipeline stages and machines;
   * `placement` is the largest of them. Absent from agents' older commands: one colocated group.
   */
  groups: z.array(ZReplicaGroupPlacement).min(1).max(16).optional(),
});

const ZScalePayload = z.strictObject({
  /** Desired number of live replicas after the command (declarative, so redelivery is harmless). */
  count: z.number().int().min(0).max(1024),
  /** Config for replicas added by this command; omitted = same as the current ones. */
  gpuType: ZGpuType.optional(),
  tp: ZTensorParallel.optional(),
  pp: ZPipelineParallel.optional(),
  market: ZMarket.optional(),
});

const ZSwapPayload = z.strictObject({
  gpuType: ZGpuType,
  tp: ZTensorParallel,
  pp: ZPipelineParallel.optional(),
  /** Defaults to the current live replica count. */
  replicas: z.number().int().min(1).max(1024).optional(),
  market: ZMarket.optional(),
});

const httpUrl = z.url({ protocol: /^https?$/, hostname: /.+/ }).max(2048);

const ZSetRoutingPayload = z
  .strictObject({
    serverlessUrl: httpUrl.optional(),
    spotUrl: httpUrl.optional(),
    /** Where the agent finds the serverless token locally (`env:NAME` or `file:/path`); the secret never transits Koi. */
    serverlessAuthTokenRef: z
      .string()
      .regex(/^(env:[A-Za-z_][A-Za-z0-9_]{0,127}|file:\/.{1,1024})$/)
      .optional(),
  })
  .refine((p) => p.serverlessUrl !== undefined || p.spotUrl !== undefined || p.serverlessAuthTokenRef !== undefined, {
    error: "set_routing needs at least one of serverlessUrl, spotUrl, serverlessAuthTokenRef",
  });

const ZSetScalingPayload = z.strictObject({
  /** Tuna's scaling policy as Koi planned it; applied whole (declarative, so redelivery is harmless). */
  policy: ZTunaScalingPolicy,
  /** The Decision that chose it. */
  decisionId: ZId,
  /**
   * The spot deployment (pool) the policy is for. Another than the one serving now is a variant
   * switch: the agent brings it up, moves the router to it once it answers, then drains the old
   * one. Absent: the deployment serving now.
   */
  variant: z.strictObject({ poolId: z.string().min(1).max(200), gpuType: ZGpuType, tp: ZTensorParallel }).optional(),
});

export type TSetScalingPayload = z.infer<typeof ZSetScalingPayload>;

const ZEmptyPayload = z.strictObject({});

const commandBase = {
  commandId: ZId,
  assignmentId: ZId,
  epoch: ZEpoch,
  /** The agent must not start the command after this; the server redelivers it instead. */
  leaseExpiresAt: ZIsoDateTime,
};

export const ZDeployCommand = named(
  "DeployCommand",
  z.strictObject({ type: z.literal("deploy"), ...commandBase, payload: ZDeployPayload }),
);
export const ZScaleCommand = named(
  "ScaleCommand",
  z.strictObject({ type: z.literal("scale"), ...commandBase, payload: ZScalePayload }),
);
export const ZSwapCommand = named(
  "SwapCommand",
  z.strictObject({ type: z.literal("swap"), ...commandBase, payload: ZSwapPayload }),
);
export const ZSetRoutingCommand = named(
  "SetRoutingCommand",
  z.strictObject({ type: z.literal("set_routing"), ...commandBase, payload: ZSetRoutingPayload }),
);
export const ZSetScalingCommand = named(
  "SetScalingCommand",
  z.strictObject({ type: z.literal("set_scaling"), ...commandBase, payload: ZSetScalingPayload }),
);
export const ZPauseCommand = named(
  "PauseCommand",
  z.strictObject({ type: z.literal("pause"), ...commandBase, payload: ZEmptyPayload }),
);
export const ZResumeCommand = named(
  "ResumeCommand",
  z.strictObject({ type: z.literal("resume"), ...commandBase, payload: ZEmptyPayload }),
);
export const ZStopCommand = named(
  "StopCommand",
  z.strictObject({ type: z.literal("stop"), ...commandBase, payload: ZEmptyPayload }),
);

export const ZCommand = named(
  "Command",
  z.discriminatedUnion("type", [
    ZDeployCommand,
    ZScaleCommand,
    ZSwapCommand,
    ZSetRoutingCommand,
    ZSetScalingCommand,
    ZPauseCommand,
    ZResumeCommand,
    ZStopCommand,
  ]),
);
export type TCommand = z.infer<typeof ZCommand>;
export type TCommandType = TCommand["type"];
export type TDeployCommand = z.infer<typeof ZDeployCommand>;
export type TScaleCommand = z.infer<typeof ZScaleCommand>;
export type TSwapCommand = z.infer<typeof ZSwapCommand>;
export type TSetRoutingCommand = z.infer<typeof ZSetRoutingCommand>;
export type TSetScalingCommand = z.infer<typeof ZSetScalingCommand>;
export const COMMAND_TYPES = [
  "deploy",
  "scale",
  "swap",
  "set_routing",
  "set_scaling",
  "pause",
  "resume",
  "stop",
] as const satisfies readonly TCommandType[];

export const ZCommandsResponse = named(
  "CommandsResponse",
  z.strictObject({
    /** Leased commands, oldest first. Empty when the wait elapsed with nothing to do. */
    commands: z.array(ZCommand).max(100),
  }),
);
export type TCommandsResponse = z.infer<typeof ZCommandsResponse>;

/** `?wait=` of the long-poll, seconds. */
export const ZCommandsQuery = z.strictObject({ wait: z.coerce.number().int().min(0).max(60).optional() });
