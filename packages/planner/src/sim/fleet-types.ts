import type { TMarket, TPriority } from "../types.ts";

/** All times in the fleet simulator are seconds since the trace starts. */
export type TPoolSpec = {
  id: string;
  gpuType: string;
  market: Exclude<TMarket, "serverless">;
  /** GPUs this pool can hold at once (quota / availability). */
  capacity: number;
  pricePerGpuHour: number;
  /** Spot only: hazard per instance-hour, from the Spot Advisor band (see spotHazardPerHour). */
  preemptionRatePerHour?: number;
  /** Spot Advisor band the rate came from, for the report. */
  spotBand?: string;
};

export type TServerlessSpec = {
  gpuType: string;
  pricePerGpuSecond: number;
  coldStartSeconds: number;
  idleWindowSeconds: number;
  maxWorkers: number;
};

export type TBatchJobSpec = {
  id: string;
  arrival: number;
  model: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  deadline: number;
  priority: TPriority;
};

export type TOnlineServiceSpec = {
  id: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  ttftP95Ms: number;
  tpotP95Ms: number;
  peakRps: number;
  /** Request rate for each minute of the trace. */
  loadRps: Float64Array;
  /** Serverless GPU type used as Tuna's fallback. */
  serverless: TServerlessSpec;
};

export type TFleetTrace = {
  seed: number;
  horizonSeconds: number;
  pools: TPoolSpec[];
  jobs: TBatchJobSpec[];
  services: TOnlineServiceSpec[];
  /** Launch + model load for a fresh VM, and a model swap on a running one. */
  startupSeconds: number;
  reassignSeconds: number;
  /** Hidden truth: actual throughput / perf-model throughput per (model, GPU). */
  trueFactor: (model: string, gpuType: string) => number;
  /** Per-10-minute multiplicative throughput noise (log-normal sigma). */
  throughputNoise: number;
  /** Router cost per online service per hour (Tuna's $0.04 when not colocated). */
  routerPerHour: number;
};

export type TReplica = {
  id: string;
  poolId: string;
  gpuType: string;
  market: TPoolSpec["market"];
  tp: number;
  /** null = idle (billed, serving nothing). */
  workloadId: string | null;
  startedAt: number;
  readyAt: number;
};

export type TJobView = {
  spec: TBatchJobSpec;
  totalTokens: number;
  completedTokens: number;
  samples: { t: number; completed: number; total: number }[];
  /** Last time this job's allocation changed (samples before it describe another allocation). */
  allocationChangedAt: number;
  doneAt: number | null;
};

export type TServiceView = { spec: TOnlineServiceSpec; loadRps: number };

export type TFleetView = {
  now: number;
  trace: TFleetTrace;
  pools: (TPoolSpec & { used: number })[];
  replicas: readonly TReplica[];
  jobs: ReadonlyMap<string, TJobView>;
  services: readonly TServiceView[];
};

export type TFleetEvent =
  | { kind: "start" }
  | { kind: "job-arrival"; jobId: string }
  | { kind: "job-done"; jobId: string }
  | { kind: "tick" }
  | { kind: "online"; minute: number }
  | { kind: "preemption"; replica: TReplica };

export type TFleetAction =
  /** `warm`: carved out of GPUs the policy already runs, so only a model load, not a VM launch. */
  | { kind: "add"; workloadId: string | null; poolId: string; tp: number; count: number; warm?: boolean }
  | { kind: "remove"; replicaId: string }
  | { kind: "assign"; replicaId: string; workloadId: string | null };

export type TFleetPolicy = {
  name: string;
  /** Whether online deficits spill to serverless (Tuna) instead of going unserved. */
  serverlessFallback: boolean;
  onEvent: (view: TFleetView, event: TFleetEvent) => TFleetAction[] | Promise<TFleetAction[]>;
};

export type TFleetResult = {
  policy: string;
  cost: { onDemand: number; spot: number; serverless: number; router: number; total: number };
  gpuHours: { onDemand: number; spot: number; serverless: number };
  batch: { jobs: number; met: number; attainment: number; late: { id: string; lateBySeconds: number }[] };
  online: { minutes: number; met: number; attainment: number };
  preemptions: number;
  rejectedActions: number;
};
