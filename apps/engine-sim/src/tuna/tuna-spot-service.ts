import type { TTunaScalingPolicyWire } from "@koi/contracts";
import type { TRandom } from "@koi/planner/random/seeded-random";
import type { TTunaSimConfig } from "../config.ts";
import { SpotPool } from "./tuna-spot-pool.ts";
import { VllmMetrics } from "./vllm-metrics.ts";

/** What the performance model and vLLM's /metrics need of anything that serves requests. */
export type TServingUnit = { gpuType: string; gpuCount: number; metrics: VllmMetrics; backlog: number };

/**
 * One SkyServe spot service on one GPU type: the deployment's own (served at /_sim/spot) or a
 * variant Koi can switch the router to (at /_sim/skyserve/<gpuType>). Each has its own replicas,
 * autoscaler, random stream and vLLM /metrics, so a switch moves real load from one to the other.
 */
export class SpotService implements TServingUnit {
  readonly pool: SpotPool;
  readonly metrics: VllmMetrics;
  /** Requests queued beyond what the service's replicas can take (the vLLM waiting queue). */
  backlog = 0;

  constructor(
    readonly gpuType: string,
    readonly gpuCount: number,
    /** Where the service answers, without a trailing slash: what Koi posts as the router's spot_url. */
    readonly baseUrl: string,
    policy: TTunaScalingPolicyWire["spot"],
    config: TTunaSimConfig,
    random: TRandom,
  ) {
    this.pool = new SpotPool(
      policy,
      { provisionSeconds: config.spotProvisionSeconds, preemptionPerHour: config.spotPreemptionPerHour },
      random,
    );
    this.metrics = new VllmMetrics(config.model);
  }

  /** Whether the router's spot URL points at this service (trailing slashes aside). */
  servesUrl(url: string): boolean {
    return url.replace(/\/+$/, "") === this.baseUrl;
  }
}
