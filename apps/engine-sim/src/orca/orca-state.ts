import type { TOrcaJobStatus, TOrcaPdBatchedRequest } from "@koi/contracts";
import type { TRandom } from "@koi/planner/random/seeded-random";
import type { TTimer } from "../timer-queue.ts";
import type { TReplicaPerf } from "./replica-perf.ts";

export type TOrcaMarket = "spot" | "on_demand";
export type TLaunchConfig = { gpuType: string; tp: number; pp: number; market: TOrcaMarket };
/** What a replica does: colocated (both), or one side of a prefill/decode split (Koi's extension). */
export type TReplicaRole = "both" | "prefill" | "decode";
export type TReplicaPhase =
  "launching" | "provisioned" | "running" | "completed" | "failed" | "dead" | "killed" | "swapped_out";
export type TLaunchPhase = "searching_capacity" | "provisioning" | "bootstrapping" | "waiting_model_ready";

export const TERMINAL_PHASES: readonly TReplicaPhase[] = ["completed", "failed", "dead", "killed", "swapped_out"];

export type TChunk = {
  id: string;
  lines: number;
  state: "pending" | "inflight" | "completed" | "failed";
  retries: number;
  replicaId: string | null;
};

export type TReservation = {
  replicaId: string;
  jobId: string;
  cluster: string;
  region: string;
  market: TOrcaMarket;
  family: string;
  gpuType: string;
  instanceType: string;
  nodes: number;
  vcpus: number;
  gpus: number;
  reservedAt: number;
};

export type TSnapshot = Record<string, number | string | null>;

export type TReplica = {
  id: string;
  jobId: string;
  role: TReplicaRole;
  configs: TLaunchConfig[];
  attempt: number;
  instanceType: string;
  gpusPerInstance: number;
  gpuMemoryGb: number;
  nodes: number;
  region: string | null;
  market: TOrcaMarket | null;
  phase: TReplicaPhase;
  launchPhase: TLaunchPhase;
  launchStartedAt: number;
  /** Start of this replica's SLO clock: the job's deploy time, or the scale call for added replicas. */
  sloClockStart: number;
  perf: TReplicaPerf | null;
  /** The chunk in flight and the input + output tokens/s it runs at. */
  current: { chunk: TChunk; startedAt: number; timer: TTimer; tps: number } | null;
  timers: TTimer[];
  random: TRandom;
  hasMetrics: boolean;
  /** Cumulative counters up to the last finished chunk. */
  counters: { generation: number; prompt: number; requests: number };
  lastSnapshot: TSnapshot | null;
  isScaled: boolean;
};

export type TJob = {
  id: string;
  request: TOrcaPdBatchedRequest;
  model: string;
  avgIn: number;
  avgOut: number;
  numLines: number;
  market: TOrcaMarket;
  decisionId: string | null;
  predictedTps: number | null;
  sloHours: number;
  deployedAt: number;
  createdAt: number;
  updatedAt: number;
  status: TOrcaJobStatus;
  chunks: TChunk[];
  pending: TChunk[];
  replicas: Map<string, TReplica>;
  initialReplicas: number;
  primary: TLaunchConfig;
  version: number;
  configsTried: Record<string, unknown>[];
  launchFailedEmitted: boolean;
  completeScheduled: boolean;
  swap: { newIds: Set<string>; oldIds: string[]; threshold: number; ready: number; timeout: TTimer } | null;
};
