import type { TLogger } from "../../logger.ts";

export type TTunaAdapterOptions = {
  /** The router, e.g. http://controller:8080. */
  url: string;
  /** The router's API_KEY (sent as x-api-key, like Tuna's own calls, and as a Bearer token). */
  apiKey: string | null;
  /**
   * The model the deployment serves (`tuna deploy --model`): a router fronts one vLLM deployment,
   * so deploys of another model are refused. Unset: any online workload may attach.
   */
  model?: string;
  /** Koi catalog GPU of the spot and serverless workers. */
  gpuType: string;
  gpuCount: number;
  serverlessProvider: string;
  /** USD per GPU-hour; omitted = Tuna's static table / Koi's catalog. */
  spotPricePerGpuHour?: number;
  onDemandPricePerGpuHour?: number;
  serverlessPricePerGpuHour?: number;
  serverlessWorkersMax?: number;
  /**
   * The token the router sends the serverless endpoint (its `serverless_auth_token`): the agent
   * reads that endpoint's /metrics with it. A token set_routing gives the router replaces it.
   */
  serverlessAuthToken?: string;
  /** Most spot replicas the SkyServe service may run (Tuna's default `spot.max_replicas` is 5). */
  spotMaxReplicas?: number;
  /** Router on the SkyServe controller VM (Tuna bills it nothing) or on its own VM ($0.04/h). */
  colocated?: boolean;
  region?: string;
  /**
   * How a new scaling policy reaches Tuna: the command that re-applies a policy file, with `{file}`
   * where its path goes. Without it the agent POSTs the policy to /router/scaling-policy when the
   * router's health says it takes one (only Koi's engine simulator does), and refuses otherwise.
   */
  scalingPolicyCommand?: readonly string[];
  /** Other SkyServe spot services (other GPU types) Koi may move the router's spot traffic to. */
  variants?: readonly {
    gpuType: string;
    gpuCount: number;
    spotUrl: string;
    spotPricePerGpuHour?: number;
    spotMaxReplicas?: number;
  }[];
  /**
   * Run once the router is moved to another spot service, with `{variant}` and `{url}`: Tuna's
   * replica_watcher.sh reports one service's READY count to the router and must follow the move.
   * A real router (one that takes no policy at /router/scaling-policy) switches only with it.
   */
  switchCommand?: readonly string[];
  logger: TLogger;
  fetchImpl?: typeof fetch;
  env?: NodeJS.ProcessEnv;
};
