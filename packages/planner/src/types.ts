import { z } from "zod";

// Shared planner types. The JSON file formats (workload, capacity) are zod schemas so the CLI, the
// API and the worker reject bad input with the same field-naming messages.

export const ZMarket = z.enum(["on-demand", "spot", "reserved", "on-prem", "serverless"]);
export type TMarket = z.infer<typeof ZMarket>;

export const ZPrecision = z.enum(["bf16", "fp8", "int4"]);
export type TPrecision = z.infer<typeof ZPrecision>;

export const ZPriority = z.enum(["low", "normal", "high", "urgent"]);
export type TPriority = z.infer<typeof ZPriority>;

/** Higher rank = more important; the rebalancer preempts lower ranks first. */
export const PRIORITY_RANK: Record<TPriority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };

const positive = (what: string) =>
  z
    .number({ error: (issue) => (issue.input === undefined ? `${what} is required` : `${what} must be a number`) })
    .positive({ error: `${what} must be > 0` });

/**
 * A model given by its architecture numbers instead of a catalog name. Parameter counts are in
 * billions; omit them and they are derived from the shapes.
 */
export const ZModelArchitecture = z.strictObject({
  layers: z.number().int().positive(),
  hiddenSize: z.number().int().positive(),
  heads: z.number().int().positive(),
  kvHeads: z.number().int().positive(),
  headDim: z.number().int().positive().optional(),
  ffnSize: z.number().int().positive(),
  vocabSize: z.number().int().positive(),
  paramsTotalB: z.number().positive().optional(),
  paramsActiveB: z.number().positive().optional(),
  maxContext: z.number().int().positive().optional(),
  moe: z
    .strictObject({
      experts: z.number().int().positive(),
      topK: z.number().int().positive(),
      sharedExperts: z.number().int().nonnegative().default(0),
      expertFfnSize: z.number().int().positive(),
      denseLayers: z.number().int().nonnegative().default(0),
    })
    .optional(),
  mla: z
    .strictObject({
      kvLoraRank: z.number().int().positive(),
      ropeDim: z.number().int().positive(),
      qLoraRank: z.number().int().positive().optional(),
    })
    .optional(),
});
export type TModelArchitecture = z.infer<typeof ZModelArchitecture>;

const workloadCommon = {
  model: z.string({ error: "model must be a model name such as meta-llama/Llama-3.1-70B-Instruct" }).min(1),
  /** Overrides the catalog lookup for models the catalog does not know. */
  architecture: ZModelArchitecture.optional(),
  precision: ZPrecision.optional(),
  avgInputTokens: positive("avgInputTokens"),
  avgOutputTokens: positive("avgOutputTokens"),
};

export const ZBatchWorkload = z.strictObject({
  kind: z.literal("batch"),
  ...workloadCommon,
  requests: z.number().int({ error: "requests must be a whole number" }).positive({ error: "requests must be > 0" }),
  deadlineHours: positive("deadlineHours"),
  priority: ZPriority.optional(),
});
export type TBatchWorkload = z.infer<typeof ZBatchWorkload>;

export const ZOnlineWorkload = z.strictObject({
  kind: z.literal("online"),
  ...workloadCommon,
  requestsPerSecond: positive("requestsPerSecond"),
  ttftP95Ms: positive("ttftP95Ms"),
  tpotP95Ms: positive("tpotP95Ms"),
  priority: ZPriority.optional(),
});
export type TOnlineWorkload = z.infer<typeof ZOnlineWorkload>;

export const ZWorkload = z.discriminatedUnion("kind", [ZBatchWorkload, ZOnlineWorkload], {
  error: 'kind must be "batch" or "online"',
});
export type TWorkload = z.infer<typeof ZWorkload>;

export const ZCapacityPool = z.strictObject({
  id: z.string().min(1),
  gpuType: z.string().min(1),
  market: ZMarket,
  /** GPUs free to use right now. */
  available: z.number().int({ error: "available must be a whole number of GPUs" }).nonnegative(),
  /** Account/org cap in GPUs; the usable count is min(available, quota). */
  quota: z.number().int().nonnegative().optional(),
  pricePerGpuHour: z.number().nonnegative({ error: "pricePerGpuHour must be >= 0" }),
  /** GPUs per replica the pool launches without idle GPUs (whole machines); absent: any TP. */
  replicaSizes: z.array(z.number().int().positive()).min(1).optional(),
  region: z.string().optional(),
  cluster: z.string().optional(),
});
export type TCapacityPool = z.infer<typeof ZCapacityPool>;

export const ZCapacity = z.strictObject({
  pools: z.array(ZCapacityPool).superRefine((pools, ctx) => {
    const seen = new Set<string>();
    pools.forEach((p, i) => {
      if (seen.has(p.id)) ctx.addIssue({ code: "custom", path: [i, "id"], message: `duplicate pool id "${p.id}"` });
      seen.add(p.id);
    });
  }),
});
export type TCapacity = z.infer<typeof ZCapacity>;

export type TRole = "both" | "prefill" | "decode";
export type TEngine = "orca" | "tuna";

export type TReplicaGroup = {
  poolId: string;
  gpuType: string;
  market: TMarket;
  tp: number;
  /** Replicas in this group; each uses `tp` GPUs. */
  count: number;
  role: TRole;
};

export type TLatency = { ttftMs: number; tpotMs: number };

/** The constraint that made a workload infeasible. */
export type TBindingConstraint =
  "deadline" | "availability" | "quota" | "memory-fit" | "budget" | "max-gpus" | "latency" | "unknown-gpu";

export type TPlanOption = {
  replicas: TReplicaGroup[];
  gpus: number;
  costPerHour: number;
  /** Batch: hours to finish all tokens at the predicted throughput. */
  predictedHours?: number;
  /** Online: predicted p95-ish latency at the planned load. */
  predictedLatency?: TLatency;
  /** Batch: costPerHour × predictedHours. Online: cost of one hour. */
  totalCost: number;
  /** Tokens per second (input + output) the plan delivers. */
  tokensPerSecond: number;
};

export type TAlternative = TPlanOption & {
  /** totalCost − the chosen plan's totalCost (≥ 0). */
  costDelta: number;
  summary: string;
};

export type TBinding = {
  constraint: TBindingConstraint;
  detail: string;
  /** Batch: the earliest finish (hours) using everything allowed; online: the best achievable rate. */
  bestAchievableHours?: number;
  bestAchievableRequestsPerSecond?: number;
};

export type TPlan = TPlanOption & {
  feasible: boolean;
  engine: TEngine;
  kind: "batch" | "online";
  alternatives: TAlternative[];
  reason: string;
  binding?: TBinding;
};

export class PlannerInputError extends Error {
  readonly issues: string[];
  constructor(what: string, issues: string[]) {
    super(`invalid ${what}: ${issues.join("; ")}`);
    this.name = "PlannerInputError";
    this.issues = issues;
  }
}

function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}

function parseWith<T>(schema: z.ZodType<T>, what: string, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new PlannerInputError(what, formatIssues(parsed.error));
  return parsed.data;
}

export function parseWorkload(value: unknown): TWorkload {
  return parseWith(ZWorkload, "workload", value);
}

export function parseCapacity(value: unknown): TCapacity {
  return parseWith(ZCapacity, "capacity", value);
}

/** GPUs a pool can actually give us: what is free, capped by the quota. */
export function usableGpus(pool: TCapacityPool): number {
  return pool.quota === undefined ? pool.available : Math.min(pool.available, pool.quota);
}
