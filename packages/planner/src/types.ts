import { z } from "zod";
import { MARKETS, type TMarket, type TModelArchitecture, type TPrecision } from "@koi/catalog";

// The planner's own types. Its inputs arrive parsed: services map a submission (the public wire
// shape in @koi/contracts) to a TWorkload; the capacity file of `koi plan` is a zod schema here so
// the CLI rejects a bad one with field-naming messages.

export type { TMarket, TModelArchitecture, TPrecision };

export type TPriority = "low" | "normal" | "high" | "urgent";

/** Higher rank = more important; the rebalancer preempts lower ranks first. */
export const PRIORITY_RANK: Record<TPriority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };

type TWorkloadCommon = {
  model: string;
  /** Overrides the catalog lookup for models the catalog does not know. */
  architecture?: TModelArchitecture;
  precision?: TPrecision;
  avgInputTokens: number;
  avgOutputTokens: number;
  priority?: TPriority;
};

export type TBatchWorkload = TWorkloadCommon & { kind: "batch"; requests: number; deadlineHours: number };

export type TOnlineWorkload = TWorkloadCommon & {
  kind: "online";
  requestsPerSecond: number;
  ttftP95Ms: number;
  tpotP95Ms: number;
};

export type TWorkload = TBatchWorkload | TOnlineWorkload;

const ZMarket = z.enum(MARKETS);

/**
 * The machines a pool's GPUs come in, as an agent reports them (or the catalog knows them from
 * `instanceType`): the planner buys whole machines, keeps TP inside one and spans pipeline stages
 * across several over `networkGbps`. Fields given override the catalog's.
 */
export const ZPoolShape = z
  .strictObject({
    /** Cloud instance type, e.g. "g6e.12xlarge" (catalog: @koi/catalog INSTANCE_SHAPES). */
    instanceType: z.string().min(1).optional(),
    gpusPerMachine: z.number().int().positive().max(16).optional(),
    interconnect: z.enum(["nvlink", "pcie"]).optional(),
    /** Network between machines, Gbit/s per machine. */
    networkGbps: z.number().positive().optional(),
    /** Weights from storage into GPU memory, GB/s per machine. */
    loadGBs: z.number().positive().optional(),
    /** What the cloud bills per machine-hour; default pricePerGpuHour × gpusPerMachine. */
    pricePerMachineHour: z.number().nonnegative().optional(),
  })
  .refine((s) => s.instanceType !== undefined || s.gpusPerMachine !== undefined, {
    message: "give instanceType or gpusPerMachine",
  });
export type TPoolShape = z.infer<typeof ZPoolShape>;

export const ZCapacityPool = z.strictObject({
  id: z.string().min(1),
  /** What people call the pool ("orca-east's H100-SXM spot pool"): sentences use it instead of the id. */
  name: z.string().min(1).optional(),
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
  /** Whole machines: absent, the pool sells single GPUs (serverless, or shapes not yet reported). */
  shape: ZPoolShape.optional(),
});
export type TCapacityPool = z.infer<typeof ZCapacityPool>;

/** How sentences name a pool: its name when the caller gave one, else `pool <id>`. */
export function poolLabel(pool: { id: string; name?: string }): string {
  return pool.name ?? `pool ${pool.id}`;
}

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
  /** Replicas in this group; each uses `tp` × `pp` GPUs. */
  count: number;
  role: TRole;
  /** Pipeline stages per replica (1 unless the pool's machines are known). */
  pp?: number;
  /** Whole machines the group rents (pools with a shape); the bill is per machine. */
  machines?: number;
  instanceType?: string;
};

export type TLatency = { ttftMs: number; tpotMs: number };

/** The constraint that made a workload infeasible. */
export type TBindingConstraint =
  "deadline" | "availability" | "quota" | "memory-fit" | "budget" | "max-gpus" | "latency" | "unknown-gpu";

export type TPlanOption = {
  replicas: TReplicaGroup[];
  gpus: number;
  costPerHour: number;
  /** Batch: hours to finish all tokens at the predicted throughput, start-up included. */
  predictedHours?: number;
  /** Batch: the same at the model's P90 (throughput at the 10th percentile of measured ÷ predicted). */
  predictedHoursP90?: number;
  /** Hours from the decision until the slowest replica serves: provisioning plus model load. */
  startupHours?: number;
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

/** Parses `value` or throws a PlannerInputError listing every bad field as `path: message`. */
export function parseWith<T>(schema: z.ZodType<T>, what: string, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new PlannerInputError(what, formatIssues(parsed.error));
  return parsed.data;
}

export function parseCapacity(value: unknown): TCapacity {
  return parseWith(ZCapacity, "capacity", value);
}

/**
 * Most GPUs one plan takes from one pool. The exact search's work grows with the GPUs it may
 * count in each pool, and pools are what tenants' agents report: without a ceiling one report of a
 * million-GPU pool makes a single plan take minutes of CPU (measured: 8,000 GPUs 6.5 s before the
 * search bounded itself). 4,096 GPUs is 512 eight-GPU machines, past any one job Koi plans today.
 */
export const MAX_PLAN_GPUS_PER_POOL = 1024;

/** GPUs a pool can actually give us: what is free, capped by the quota and MAX_PLAN_GPUS_PER_POOL. */
export function usableGpus(pool: TCapacityPool): number {
  const free = pool.quota === undefined ? pool.available : Math.min(pool.available, pool.quota);
  return Math.min(free, MAX_PLAN_GPUS_PER_POOL);
}
