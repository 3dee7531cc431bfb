import type { TRateSample } from "../online/forecast-load.ts";
import type { TFleetTrace, TOnlineServiceSpec, TPoolSpec } from "./fleet-types.ts";

/** SkyServe's replica policy as Tuna sets it (`spot.*`); `targetQps` may be fractional here, Tuna rounds it. */
export type TSpotPolicy = {
  minReplicas: number;
  maxReplicas: number;
  targetQps: number;
  upscaleDelaySeconds: number;
  downscaleDelaySeconds: number;
};

/** Tuna's serverless side (`serverless.*`). */
export type TServerlessConfig = {
  /** GPUs per worker. */
  tp: number;
  concurrency: number;
  workersMin: number;
  workersMax: number;
  scaledownWindowSeconds: number;
};

export type TDeploymentView = {
  id: string;
  poolId: string;
  gpuType: string;
  market: TPoolSpec["market"];
  tp: number;
  policy: TSpotPolicy;
  /** Replicas launched (booting or serving) and serving. */
  launched: number;
  ready: number;
  /** The router's spot URL points here. */
  active: boolean;
};

/** One minute's measured p95 latency on the active spot deployment, as vLLM's /metrics would report it. */
export type TLatencyObservation = {
  t: number;
  gpuType: string;
  tp: number;
  rpsPerReplica: number;
  ttftP95Ms: number;
  tpotP95Ms: number;
};

export type TServiceView = {
  spec: TOnlineServiceSpec;
  trace: TFleetTrace;
  /** Seconds since the trace starts, and the same instant as epoch seconds (what the forecaster reads). */
  now: number;
  epoch: number;
  /** Per-minute request rates observed so far (epoch-stamped at the end of each minute). */
  samples: readonly TRateSample[];
  latency: readonly TLatencyObservation[];
  deployments: readonly TDeploymentView[];
  serverless: TServerlessConfig | null;
  /** Free GPUs per pool (other services included). */
  free: ReadonlyMap<string, number>;
};

export type TOnlineAction =
  /** A new SkyServe spot service of one variant; `warm`: its replicas serve from the start (initial fleet). */
  | { kind: "deploy"; id: string; poolId: string; tp: number; policy: TSpotPolicy; warm?: boolean }
  | { kind: "set-policy"; id: string; policy: TSpotPolicy }
  /** `POST /router/config {spot_url}`: null sends everything to serverless. */
  | { kind: "route"; id: string | null }
  | { kind: "teardown"; id: string }
  | { kind: "serverless"; config: TServerlessConfig | null; warm?: boolean }
  /** A decision the policy made (for counting and the report), with its Decision kind. */
  | { kind: "decision"; decisionKind: string; reason: string };

/** One service's controller; the simulator asks it once at the start and after every minute. */
export type TServicePolicy = {
  start: (view: TServiceView) => TOnlineAction[];
  onMinute: (view: TServiceView) => TOnlineAction[];
};

export type TOnlinePolicyFactory = {
  name: string;
  router: boolean;
  create: (spec: TOnlineServiceSpec, trace: TFleetTrace) => TServicePolicy;
};

export type TServiceResult = {
  id: string;
  minutes: number;
  met: number;
  cost: number;
  decisions: number;
  switches: number;
  /** Minutes missed, by what missed them. */
  misses: { latency: number; backlog: number; coldStart: number; reclaim: number };
};

export type TOnlineWeekResult = {
  policy: string;
  minutes: number;
  met: number;
  attainment: number;
  cost: { spot: number; onDemand: number; serverless: number; router: number; total: number };
  gpuHours: { vm: number; serverless: number };
  preemptions: number;
  services: TServiceResult[];
};
